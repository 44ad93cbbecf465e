"""One builder per section of the consensus report, in the order the report prints them.

Each builder takes the record content and the shaped view (`workshop.reports.view.view`)
and returns its blocks; `workshop.reports.model.build` joins them. A new section is one
function here and one entry in `SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable

from workshop.reports.blocks import Block
from workshop.reports.sections import agenda, assets, closing, people, review, votes

Builder = Callable[[dict, dict], list[Block]]

SECTIONS: tuple[Builder, ...] = (
    people.facilitators,  # 一
    people.participation,  # 二
    agenda.agenda,  # 三
    assets.assets,  # 四
    votes.proposals,  # 五
    votes.dissent,  # 六
    review.review,  # 七
    closing.satisfaction,  # 八
    closing.next_steps,  # 九
    closing.signatures,  # 十
    closing.method,  # 附一
    assets.inventory,  # 附二
)

__all__ = ["SECTIONS", "Builder"]

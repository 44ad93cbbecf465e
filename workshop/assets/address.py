"""The home-address guard for human assets: does a text give where someone lives?

A human asset says what someone can do and where it is offered, never a home (DESIGN §6,
"no link between a resident and a home location"). The guard refuses the parts of an
address that point at a door: a building number (3号楼, 12栋, 5幢), a unit (2单元), a
flat (501室, 3号楼501, 3-2-501), a house number on a street (幸福路12号, 门牌号) and
the English forms (Room 501, Unit 2, Flat 3B, Block 5, No. 12). Numbers in a skill
("教书30年", "每周二下午3点", "3位志愿者", "12月3号", "2026-12-01") pass, and so does a
public place named after a building ("3号楼下的坝子", "12栋门口"): a building followed by
a word of position is where something happens, not where someone sleeps.
"""

from __future__ import annotations

import re

_NUM = r"(?:\d+|[一二三四五六七八九十百零两]+)"
# After a building number, these words make it a public place ("3号楼下", "5栋门口").
_PLACE_AFTER = r"(?:楼?(?:下|前|后|旁|边|侧|门口|对面|附近|之间|周围|外)|和|与|、|至|到)"
_BUILDING = rf"{_NUM}\s*(?:号楼|号院|栋|幢)(?!\s*{_PLACE_AFTER})"
_UNIT_OR_FLAT = rf"{_NUM}\s*(?:单元|室)"
_HYPHENATED_FLAT = r"(?<![\d-])\d{1,3}-\d{1,2}-\d{3,4}(?![\d-])"
# A house number on a street, lane or alley: 幸福路12号, 人民大道100号, 学府街5-1号.
_HOUSE_NUMBER = r"(?:路|街|巷|弄|里|道|胡同|村)\s*\d+(?:-\d+)?\s*号"
_DOOR_WORDS = r"门牌|住址"
# ASCII boundaries, not \b: in Python a Chinese character is a word character too
# ("修自行车room 1" has no \b before "room").
_ENGLISH = (
    r"(?<![a-z])(?:room|rm|unit|flat|apt|apartment|block|blk|bldg)\s*\.?\s*#?\s*"
    r"[a-z]?\d+[a-z]?(?![a-z\d])"
    r"|(?<![a-z])no\s*\.\s*\d+"
    # "Building 3" (capitalised) is an address; "building 3 birdhouses" is a skill
    r"|(?<![a-z])(?-i:Building)\s*#?\s*\d+(?![a-z\d])"
)

HOME_ADDRESS = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (_BUILDING, _UNIT_OR_FLAT, _HYPHENATED_FLAT, _HOUSE_NUMBER, _DOOR_WORDS, _ENGLISH)
    ),
    re.IGNORECASE,
)


def looks_like_home_address(text: str) -> bool:
    """Return True when `text` names a door (building, unit, flat or house number)."""
    return bool(HOME_ADDRESS.search(text or ""))

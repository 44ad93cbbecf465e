"""Staging for user-facing strings by area of the product.

The catalogs in workshop/locale are the source of truth. A branch that adds strings may
put them here first (`ZH_CN`, `EN`: key -> text; `LABELS`, `EN_LABELS`: kind -> {value:
text}); workshop.i18n stages them on top of the catalogs and `scripts/i18n_sync.py --fold`
moves them into the catalogs and empties these dicts.
"""

from workshop.messages import analysis, assets, platform, records, voting

AREAS = (assets, voting, records, platform, analysis)

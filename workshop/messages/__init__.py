"""Staging for user-facing strings by area of the product.

The catalogs in workshop/locale are the source of truth. A branch that adds strings may
put them here first (`ZH_CN`, `EN`: key -> text; `LABELS`, `EN_LABELS`: kind -> {value:
text}); workshop.i18n stages them on top of the catalogs and `scripts/i18n_sync.py --fold`
moves them into the catalogs and empties these dicts.
"""

from workshop.messages import (
    analysis,
    assets,
    ballots,
    communities,
    platform,
    records,
    report,
    ux,
    voting,
)

AREAS = (assets, voting, records, platform, analysis, ux, report, ballots, communities)


def _with_unlisted(listed: tuple) -> tuple:
    """Every module in this package is an area, even one not listed above yet."""
    import importlib
    import pkgutil

    names = {m.__name__ for m in listed}
    extra = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
        if f"{__name__}.{info.name}" not in names
    ]
    return (*listed, *extra)


AREAS = _with_unlisted(AREAS)

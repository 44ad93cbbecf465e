"""User-facing strings by area of the product, merged into workshop.i18n."""

from workshop.messages import analysis, assets, platform, records, report, ux, voting

AREAS = (assets, voting, records, platform, analysis, ux, report)

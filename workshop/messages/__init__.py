"""User-facing strings by area of the product, merged into workshop.i18n."""

from workshop.messages import analysis, assets, communities, platform, records, voting

AREAS = (assets, voting, records, platform, analysis, communities)

"""workshop: a participatory community-planning toolkit for one offline laptop."""

__version__ = "0.1.0"

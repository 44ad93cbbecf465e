"""Spatial analysis of a workshop's assets, in metres (pure functions + one service)."""

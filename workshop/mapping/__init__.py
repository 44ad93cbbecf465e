"""Maps: folium builders (maps.py) and offline asset wiring (offline.py)."""

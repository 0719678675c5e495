"""The map's fixed geography: boxes, centre and zoom limits, shared by data checks and maps.

Plain numbers, no folium: lesson files and URL values are checked against them without
loading the map code.
"""

from __future__ import annotations

#: (lon_min, lat_min, lon_max, lat_max) the basemap files are clipped to; a map position
#: (a lesson step's centre, a URL's centre) must lie inside it.
BBOX: tuple[float, float, float, float] = (34.0, 31.5, 43.5, 38.0)
#: Syria, as (west, south, east, north): the view the map opens on, and where a swapped
#: coordinate in an uploaded layer would still land.
SYRIA_BOX: tuple[float, float, float, float] = (35.6, 32.3, 42.4, 37.4)
SYRIA_CENTRE: tuple[float, float] = (34.85, 38.99)  # (latitude, longitude)
MIN_ZOOM, MAX_ZOOM, START_ZOOM = 6, 14, 7
OFFLINE = "offline"  # the basemap drawn from geodata/basemap/, needing no network

"""The folium/Leaflet map: the stable base map, the basemap, site markers, vendored assets."""

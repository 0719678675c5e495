"""The atlas as a reader sees it: styles, words, HTML fragments, the SVG timeline, tables.

Pure functions of data; no folium, no Streamlit."""

"""The atlas as data: records, dates, loading, checks, filters, search, lessons, claims.

No folium and no Streamlit here (the import contract in pyproject.toml keeps it so):
`python -m layers validate` and the exports run without either."""

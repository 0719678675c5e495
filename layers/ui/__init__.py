"""Streamlit adapters: the only modules that import Streamlit (cached data, page helpers,
uploads)."""

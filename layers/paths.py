"""Where the project's folders are: computed once, from this file's place in the checkout."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = REPO_ROOT / "static"  # served by Streamlit at /app/static/
GEODATA_DIR = REPO_ROOT / "geodata"

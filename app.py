"""DPRK–Syria Atlas: page configuration and navigation. Each page is a file in views/."""

from pathlib import Path

import streamlit as st

from layers.render import frontend
from layers.ui.failure import guarded_page
from layers.ui.rerun_throttle import throttle_reruns

ICON = Path(__file__).parent / "static" / "atlas-icon.png"  # local: an emoji icon is fetched online
# First, before any element: a rerun request interrupts a run at its next element, so a
# flood would otherwise restart the script there before the throttle was ever reached.
throttle_reruns()
st.set_page_config(page_title="DPRK–Syria Atlas", page_icon=str(ICON), layout="wide")
st.html(frontend.style_element("hangul.css"))  # Korean names without a Korean system font
page = st.navigation(
    [
        st.Page("views/map.py", title="Map", icon=":material/map:", default=True),
        st.Page("views/claims.py", title="Claims check", icon=":material/fact_check:"),
        st.Page("views/about.py", title="About & method", icon=":material/menu_book:"),
    ]
)
with guarded_page():  # a failure shows plain words and a way on, never a traceback
    page.run()

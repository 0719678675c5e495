"""Reading the page's HTML: an AppTest page's fragments (shown with `st.html`) and Markdown,
as the reader's browser receives them, and the images in a fragment that are not the atlas's
own (what unescaped hostile text would make)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest


def fragments(at: AppTest) -> list[str]:
    """Every HTML fragment and Markdown text on the page: the main area and the sidebar in
    page order, then the style-only fragments, which Streamlit puts in its event container."""
    texts = [e.value for e in [*at.main, *at.sidebar] if getattr(e, "type", None) in _TEXT]
    return texts + [h.value for h in at.html if h.value not in texts]


_TEXT = ("html", "markdown")


_OUR_SHAPE = re.compile(r'<img class="atlas-shape" src="data:image/svg\+xml,[^"<>]*" [^<>]*>')
_OUR_TIMELINE = re.compile(r'<img class="atlas-timeline-image" src="data:image/svg\+xml;base64,')


def foreign_images(html: str) -> list[str]:
    """The <img> tags in ``html`` other than the atlas's own grade shapes and timeline: what
    hostile text would become if it were not escaped."""
    ours = _OUR_TIMELINE.sub("", _OUR_SHAPE.sub("", html))
    return re.findall(r"<img\b[^>]*>?", ours)

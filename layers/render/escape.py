"""Text from outside (a user's file, a data record) made inert where it is shown as Markdown.

A leaf module, so the page helpers in `layers.ui` and anything else that writes a message can
escape text without importing the parsers that produce it (it lived in `layers.extra`, which
made the page import the upload parser for one function). HTML escaping is `layers.render.html.esc`.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: object) -> str:
    """Text for ``st.error``/``st.warning``/``st.markdown``, shown literally.

    Problems can quote a user's file (a geometry type, a field name, a value):
    Markdown would turn ``![x](http://...)`` into an image fetched from anywhere and
    ``:red[...]`` or ``$...$`` into formatting. Every ASCII punctuation character that
    Markdown (or Streamlit's directives) reads is backslash-escaped; line breaks become
    spaces.
    """
    flat = " ".join(str(text).splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)

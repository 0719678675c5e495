"""A user's file names and text, made safe for labels, Markdown messages and ids: they
come from outside and are shown on the page."""

from __future__ import annotations

import re
import unicodedata


def safe_name(name: object, limit: int = 120) -> str:
    """A file name fit for messages and labels: its last path part, letters, digits,
    spaces and ``. _ - ( )`` only (so no Markdown or HTML can form), at most ``limit``."""
    text = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[^\w .()\-]", "_", text, flags=re.UNICODE).strip(" .")
    return (text[: limit - 1] + "…" if len(text) > limit else text) or "unnamed file"


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


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by ``-``, for layer ids."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    joined = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return joined[:50].strip("-") or "layer"

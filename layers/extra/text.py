"""A user's file names made safe for labels and ids: they come from outside and are shown
on the page (text for Markdown messages: `layers.render.escape.md_escape`)."""

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


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by ``-``, for layer ids."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    joined = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return joined[:50].strip("-") or "layer"

"""The app's own JavaScript and CSS, read from ``static/atlas/`` once per process.

Why: front-end code is easier to read, lint and diff as .js/.css files than as Python
strings. It is still delivered inline (in the map's script, in each HTML fragment, in the
offline export), so nothing extra is fetched and the app and its export work with no
network. This module sits in render/ because render/html.py needs the CSS and render/
may not import map/; every other layer imports it from here.

Each file starts with a header comment (what it is, who loads it) for people reading the
file; it is dropped from the text handed out, so pages carry only the code.
"""

from __future__ import annotations

import functools
import re

from layers.paths import STATIC_DIR

ATLAS_STATIC_DIR = STATIC_DIR / "atlas"  # served by Streamlit at /app/static/atlas/

_JS_HEADER = re.compile(r"\A(?:[ \t]*(?://[^\n]*)?\n)+")
_CSS_HEADER = re.compile(r"\A\s*/\*.*?\*/[ \t]*\n", re.S)


class FrontendFileError(ValueError):
    """A front-end file that cannot be placed inline in a page as it is."""


@functools.cache
def script(name: str) -> str:
    """The JavaScript of ``static/atlas/<name>``, without its header, safe to inline.

    Refused if it holds ``</script`` or ``<!--``: either could end (or hide the end of)
    the inline <script> element it goes into.
    """
    text = _JS_HEADER.sub("", _read(name), count=1)
    if re.search(r"</script|<!--", text, re.I):
        raise FrontendFileError(f"{name} cannot be inlined: it contains '</script' or '<!--'")
    return text


@functools.cache
def stylesheet(name: str) -> str:
    """The CSS of ``static/atlas/<name>``, without its header, safe to inline in <style>."""
    text = _CSS_HEADER.sub("", _read(name), count=1)
    if "</style" in text.lower():
        raise FrontendFileError(f"{name} cannot be inlined: it contains '</style'")
    return text


def style_element(name: str) -> str:
    """``static/atlas/<name>`` as a <style> element, for HTML fragments and pages."""
    return f"<style>\n{stylesheet(name)}</style>\n"


def script_element(name: str) -> str:
    """``static/atlas/<name>`` as an inline <script> element (Streamlit components)."""
    return f"<script>\n{script(name)}</script>"


def _read(name: str) -> str:
    path = ATLAS_STATIC_DIR / name
    if path.parent != ATLAS_STATIC_DIR:
        raise FrontendFileError(f"not a file name in static/atlas/: {name!r}")
    return path.read_text(encoding="utf-8")

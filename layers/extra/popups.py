"""A plain layer's popups: each feature's properties escaped once while the file is read,
so neither the map's script nor :func:`popup_html` ever handles a raw user string."""

from __future__ import annotations

import json
import math
import re
from itertools import islice
from typing import Any

from layers.extra.model import (
    MAX_KEY_CHARS,
    MAX_POPUP_PROPERTIES,
    MAX_VALUE_CHARS,
    PlainLayer,
    script_json,
)
from layers.render.html import esc

POPUP_CSS = (
    ".atlas-extra-popup{font:13px/1.35 sans-serif}"
    ".atlas-extra-popup table{border-collapse:collapse;margin-top:.3em;width:100%;"
    "table-layout:fixed}"
    ".atlas-extra-popup th,.atlas-extra-popup td{text-align:left;vertical-align:top;"
    "padding:1px 6px 1px 0;overflow-wrap:anywhere}"
    ".atlas-extra-popup th{color:#444;font-weight:600;width:38%}"
)


class PopupRows:
    """Each feature's properties as one compact JSON text: ``[hidden, k, v, k, v, ...]``.

    Keys are interned in ``keys`` (escaped once). A text per row instead of a list of
    strings keeps 100,000 rows at ~10 MB instead of ~40 MB of Python objects.
    """

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.keys: list[str] = []
        self.rows: list[str] = []

    def add(self, props: dict[str, Any] | None) -> int:
        row: list[Any] = [0]
        if props:
            row[0] = max(0, len(props) - MAX_POPUP_PROPERTIES)
            for key, value in islice(props.items(), MAX_POPUP_PROPERTIES):
                k = self.index.get(key)
                if k is None:
                    k = self.index[key] = len(self.keys)
                    self.keys.append(_escaped(_clip(str(key), MAX_KEY_CHARS)))
                row.append(k)
                row.append(_cell(value))
        self.rows.append(script_json(row))
        return len(self.rows) - 1


def popup_html(layer: PlainLayer, row: int) -> str:
    """A feature's popup: the layer name and its properties, every piece escaped.

    The map's script builds the same markup in the browser from the same escaped
    strings (``props_json``); this is the reference, used by tests and exports.
    """
    cells = json.loads(layer.rows[row])
    items = "".join(
        f"<tr><th>{layer.keys[cells[i]]}</th><td>{cells[i + 1]}</td></tr>"
        for i in range(1, len(cells), 2)
    )
    hidden = int(cells[0])
    more = f"<small>{hidden} more properties not shown</small>" if hidden else ""
    body = f"<table>{items}</table>" if items else "<small>(no properties)</small>"
    return f'<div class="atlas-extra-popup"><b>{esc(layer.name)}</b>{body}{more}</div>'


def value_text(value: Any) -> str:
    """A property value as text: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return "(a value that cannot be shown)"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_NEEDS_ESCAPE = re.compile(r"[&<>\"']")


def _escaped(text: str) -> str:
    return esc(text) if _NEEDS_ESCAPE.search(text) else text


def _cell(value: Any) -> str:
    """A property value as escaped popup text, cut to MAX_VALUE_CHARS."""
    if isinstance(value, str):
        text = value[: MAX_VALUE_CHARS + 1]
    elif isinstance(value, bool) or value is None:
        text = "true" if value is True else "false" if value is False else "null"
    elif isinstance(value, int):
        text = str(value) if abs(value) < 10**30 else value_text(value)
    elif isinstance(value, float):
        text = repr(value) if math.isfinite(value) else "(not a finite number)"
    else:
        text = value_text(value)
    return _escaped(_clip(text, MAX_VALUE_CHARS))

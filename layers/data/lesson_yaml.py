"""Reading a lesson file's YAML safely: size-limited, UTF-8 only, no aliases, no duplicate
keys, no deep flow nesting. Why: lessons come from teachers' uploads as well as geodata/, and
PyYAML alone would expand a small file with aliases into billions of nodes, keep only the
last of two equal keys, or spend seconds on deep brackets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from layers.data.problems import Problem

# A lesson is a few kilobytes of text, plus any pictures its steps carry (each at most
# MAX_IMAGE_BYTES, base64); refuse anything bigger unread.
MAX_LESSON_BYTES = 1024 * 1024
MAX_FLOW_DEPTH = 20  # a lesson needs 3 ([…] inside {…} inside a step)


def read_yaml(path: Path, label: str) -> tuple[Any, list[Problem]]:
    """Parse a small YAML file safely: size-limited, no aliases, no duplicate keys."""
    try:
        size = path.stat().st_size
        if size > MAX_LESSON_BYTES:
            return None, [_too_big(label, size)]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(label, f"cannot read the file ({exc.strerror or exc})")]
    return parse_yaml_bytes(raw, label)


def parse_yaml_bytes(raw: bytes, label: str) -> tuple[Any, list[Problem]]:
    """`parse_yaml_text` of bytes from a file or an upload: size-limited, UTF-8 only."""
    if len(raw) > MAX_LESSON_BYTES:
        return None, [_too_big(label, len(raw))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [Problem(label, f"is not UTF-8 text (bad byte at position {exc.start})")]
    return parse_yaml_text(text, label)


def _too_big(label: str, size: int) -> Problem:
    return Problem(label, f"is {size:,} bytes; the limit is {MAX_LESSON_BYTES:,}")


def parse_yaml_text(text: str, label: str) -> tuple[Any, list[Problem]]:
    """`yaml.safe_load`, after refusing aliases (a small file could otherwise expand to
    billions of nodes when validated) and duplicate keys (YAML keeps only the last)."""
    if _flow_depth(text) > MAX_FLOW_DEPTH:
        return None, [Problem(label, f"nests [ ] or {{ }} more than {MAX_FLOW_DEPTH} deep")]
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                return None, [
                    Problem(label, "uses a YAML alias (*name); anchors and aliases are not allowed")
                ]
        duplicate = _duplicate_key(yaml.compose(text, Loader=yaml.SafeLoader))
        if duplicate:
            return None, [Problem(label, f"repeats the key {duplicate!r} in one mapping")]
        return yaml.safe_load(text), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return None, [Problem(label, f"is not valid YAML: {exc.problem or exc}{where}")]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        # PyYAML raises ValueError for impossible timestamps (2026-13-45) and
        # RecursionError for very deep nesting.
        return None, [Problem(label, f"is not usable YAML: {type(exc).__name__}: {exc}"[:300])]


def _flow_depth(text: str) -> int:
    """The deepest bracket nesting, counted crudely (quotes and comments included): PyYAML
    takes time quadratic in flow depth, about a second for 1,000 levels."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _duplicate_key(root: yaml.Node | None) -> str | None:
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
            repeated = next((k for k in keys if keys.count(k) > 1), None)
            if repeated is not None:
                return str(repeated)[:60]
            stack.extend(v for _, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None

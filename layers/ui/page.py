"""Putting the atlas's own HTML fragments on a Streamlit page.

Fragments go through `st.html`, which sanitises them again in the browser (DOMPurify, HTML
profile) and puts them into the page as they are. Every fragment is built by
`layers.render.html` / `layers.render.timeline` from autoescaping templates, so text from data
is already escaped. `st.html` strips inline SVG, so grade shapes and the timeline are
images (`symbol_img`, `timeline_image`).

Why not `st.markdown(..., unsafe_allow_html=True)`, as before: Markdown's HTML parser
(`rehype-raw`, a 184 kB script) turned the 140 kB events table into thousands of React
elements, and the browser draws no element, the map included, until every element is drawn.
Measured with `python -m bench.run` (README: cold-load ratio).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable

import streamlit as st

from layers.render.escape import md_escape
from layers.render.html import esc
from layers.state.memo import kept

_NEWLINES = re.compile(r"\s*\n\s*")
# What can make Markdown of a one-line label: links and images ([...]), HTML and
# autolinks (<...>), emphasis, code, strikethrough, maths, entities, escapes, and
# Streamlit's directives (:red[...], :material/...:, emoji :...:), bare-URL autolinks.
_MARKDOWN_ACTIVE = re.compile(r"[\\`*_\[\]<>~$&\n]|:[^\s]|www\.", re.IGNORECASE)
# Streamlit links bare URLs found in the text *after* escapes are resolved, so a
# backslash cannot stop them: an invisible WORD JOINER inside "://" and "www." does.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=\bwww)(?=\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def one_block(fragment: str) -> str:
    """The fragment on a single line: smaller, and the same bytes for the same fragment
    however its template was indented."""
    return _NEWLINES.sub(" ", fragment).strip()


def show_html(fragment: str) -> None:
    """Show an escaped HTML fragment built by layers.render.html or layers.render.timeline."""
    show_block(one_block(fragment))


def kept_block(atlas: object, key: Hashable, render: Callable[[], str]) -> str:
    """An HTML fragment kept with the atlas (layers/state/memo.py), folded as
    `show_block` takes it."""
    return kept(atlas, key, lambda: one_block(render()))


def show_block(block: str) -> None:
    """Show a fragment already passed through `one_block` (a kept one: folding the
    chronology's table again cost ~2 ms a rerun)."""
    st.html(block)


def widget_label(text: object) -> str:
    """Text from data as the label (or help) of a widget: a checkbox, a button.

    Streamlit renders Markdown in labels, so a layer title or a site name such as
    ``![x](http://...)`` would fetch an image from anywhere and ``[a](http://...)`` or a
    bare ``http://...`` would be a link. Text that holds anything Markdown reads is
    escaped (``md_escape``, and a word joiner in URLs) and so shown literally; other text
    is passed as it is, because Streamlit also uses the raw label as the widget's
    accessible name, where backslashes would be read out.
    """
    text = str(text)
    if not _MARKDOWN_ACTIVE.search(text):
        return text
    return md_escape(_AUTOLINK.sub(WORD_JOINER, text))


def caption(text: str) -> None:
    """Small print that still meets WCAG AA contrast (Streamlit's caption grey does not)."""
    show_html(f'<p style="color:#4a4a4a;font-size:.88rem;margin:.2rem 0 .6rem">{esc(text)}</p>')


def problem_notice(problem: object, severity: str = "error") -> None:
    """A data problem, escaped: problems quote file names and values from user data, and
    Streamlit's alerts would render Markdown in them (an image there loads from the web)."""
    colour = "#b2182b" if severity == "error" else "#b35806"
    show_html(
        f'<div role="alert" style="border-left:4px solid {colour};background:#fff7ec;'
        f'padding:.4rem .7rem;margin:.3rem 0;color:#222">Data problem, skipped: '
        f"{esc(problem)}</div>"
    )


def initial(key: str, parameter: str, value: object) -> dict[str, object]:
    """A widget's default, given only while session state has no value for it (a URL or
    a lesson step may have set one; giving both makes Streamlit warn)."""
    return {} if key in st.session_state else {parameter: value}


def query_params() -> dict[str, list[str]]:
    """Every URL parameter with all its values (a repeated key is noticed, not half-read)."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def notices(texts: list[str]) -> None:
    """URL notices (a value that was ignored), escaped: they echo what the URL held."""
    for notice in texts:
        show_html(f'<div role="status" class="atlas-caveat">{esc(notice)}</div>')

"""Putting the atlas's own HTML fragments on a Streamlit page.

`st.html` strips SVG (the grade shapes, the timeline), so fragments go through
`st.markdown(..., unsafe_allow_html=True)`. That is safe here because every fragment is
built by `layers.html` / `layers.timeline`, which escape all text from data, and because
newlines are folded first: a blank line would end the HTML block and let Markdown
interpret the rest.
"""

from __future__ import annotations

import re

import streamlit as st

_NEWLINES = re.compile(r"\s*\n\s*")


def one_block(fragment: str) -> str:
    """The fragment on a single line, so Markdown treats all of it as one HTML block."""
    return _NEWLINES.sub(" ", fragment).strip()


def show_html(fragment: str) -> None:
    """Show an escaped HTML fragment built by layers.html or layers.timeline."""
    st.markdown(one_block(fragment), unsafe_allow_html=True)


def caption(text: str) -> None:
    """Small print that still meets WCAG AA contrast (Streamlit's caption grey does not)."""
    from layers.html import esc

    show_html(f'<p style="color:#4a4a4a;font-size:.88rem;margin:.2rem 0 .6rem">{esc(text)}</p>')


def problem_notice(problem: object, severity: str = "error") -> None:
    """A data problem, escaped: problems quote file names and values from user data, and
    Streamlit's alerts would render Markdown in them (an image there loads from the web)."""
    from layers.html import esc

    colour = "#b2182b" if severity == "error" else "#b35806"
    show_html(
        f'<div role="alert" style="border-left:4px solid {colour};background:#fff7ec;'
        f'padding:.4rem .7rem;margin:.3rem 0;color:#222">Data problem, skipped: '
        f"{esc(problem)}</div>"
    )

"""Claims check: each factual claim of the source article, its status and the evidence.

The verdicts come from geodata/claims.json; their HTML is built by `layers.render.claims`
(templates that escape every string from it). This page only lays the parts out.
"""

from __future__ import annotations

import streamlit as st

from layers.data.claims import load_claims
from layers.data.load import data_dir
from layers.render import claims as claims_html
from layers.ui.cached import current_atlas, current_changelog
from layers.ui.page import show_html

atlas = current_atlas()
check = load_claims(atlas, data_dir())

st.title("Claims check")
if check.article is not None:
    show_html(claims_html.article_note(check.article))
st.markdown(
    "Each factual claim the article makes about North Korea and Syria, quoted exactly, "
    "with its status against the project's research brief and the events that support "
    "the verdict. A status is a judgement on the claim, not on the article as a whole."
)
if check.problems:
    show_html(claims_html.problems_html(check))
show_html(claims_html.claims_legend(check))
show_html(claims_html.claims_table(atlas, check, current_changelog()[0]))
if check.not_in_article:
    st.header("Points of the research brief the article does not make")
    show_html(claims_html.not_in_article(check))

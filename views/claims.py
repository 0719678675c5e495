"""Claims check: each factual claim of the source article, its status and the evidence.

The verdicts come from geodata/claims.json; every string from it is escaped here, and a
status is told by a symbol and a word as well as a colour.
"""

from __future__ import annotations

import streamlit as st

from layers.data.changelog import Changelog
from layers.data.claims import Claim, ClaimsCheck, ClaimStatus, load_claims
from layers.data.load import data_dir
from layers.data.model import Atlas
from layers.render import html as atlas_html
from layers.render.html import day_label, esc
from layers.render.style import both_grades_words
from layers.ui.cached import current_atlas, current_changelog
from layers.ui.page import show_html

# status -> (symbol, label, colour, border style): shape and word, not colour alone.
STATUS_LOOK = {
    ClaimStatus.ESTABLISHED: ("✓", "Established", "#1a7f37", "solid"),
    ClaimStatus.PARTLY_RIGHT: ("◐", "Partly right", "#9a6700", "dashed"),
    ClaimStatus.UNVERIFIED: ("?", "Unverified", "#57606a", "dotted"),
    ClaimStatus.WRONG: ("✗", "Wrong", "#cf222e", "double"),
}

STATUS_MEANING = {
    ClaimStatus.ESTABLISHED: "the sources reviewed bear it out",
    ClaimStatus.PARTLY_RIGHT: "part of it holds; part is wrong, overstated or unsupported",
    ClaimStatus.UNVERIFIED: (
        "it rests on allegations or on one government's assessment, or the research brief "
        "does not address it"
    ),
    ClaimStatus.WRONG: "the sources reviewed contradict it",
}

CLAIMS_CSS = """
<style>
.claim-status{display:inline-block;border-width:2px;border-radius:.8rem;padding:0 .35rem;
  font-size:.75rem;font-weight:600;background:#fff;white-space:nowrap;overflow-wrap:normal}
.claim-quote{margin:0;font-style:italic;color:#222;border-left-color:#777}
.claim-refs{margin:0 0 0 .9rem;padding:0}
.claim-refs li{margin-bottom:.25rem}
</style>
"""

_COLUMNS = (
    ("Claim in the article", "24%"),
    ("Status", "15%"),
    ("Evidence", "35%"),
    ("Events and sources", "26%"),
)


def status_badge(status: ClaimStatus) -> str:
    symbol, label, colour, border = STATUS_LOOK[status]
    return (
        f'<span class="claim-status" style="border-style:{border};border-color:{colour}" '
        f'title="Status: {esc(label)}"><span aria-hidden="true">{esc(symbol)} </span>'
        f"{esc(label)}</span>"
    )


def brief_reference(claim: Claim) -> str:
    parts = []
    if claim.brief_items:
        items = ", ".join(str(i) for i in claim.brief_items)
        parts.append(f"section (c) item{'s' if len(claim.brief_items) > 1 else ''} {items}")
    if claim.errata:
        parts.append("errata " + ", ".join(str(i) for i in claim.errata))
    return f"Research brief: {'; '.join(parts)}." if parts else "Research brief: no item."


def events_and_sources(atlas: Atlas, claim: Claim) -> str:
    """Each supporting event (id linked to the map page, date, grade in words, title), then
    the sources cited directly."""
    by_id = {dated.id: dated for dated in atlas.events}
    items = []
    for event_id in claim.event_ids:
        dated = by_id.get(event_id)
        if dated is None:
            items.append(f"<li>{esc(event_id)} (not loaded)</li>")
            continue
        items.append(
            f'<li><a href="./#event-{esc(event_id)}" title="On the map page">{esc(event_id)}</a>'
            f" · {esc(dated.when.label())} · "
            f"<em>{esc(both_grades_words(dated.event.grade, dated.event.link_grade))}"
            f"</em><br>{esc(dated.event.title)}</li>"
        )
    for source_id in claim.source_ids:
        source = atlas.sources.get(source_id)
        text = atlas_html.source_short(source) if source else f"{esc(source_id)} (not loaded)"
        items.append(f"<li>Source: {text}</li>")
    if not items:
        return '<span class="atlas-muted">None: the brief does not address this claim.</span>'
    return f'<ul class="claim-refs">{"".join(items)}</ul>'


def verdict_changed(claim: Claim, changelog: Changelog | None) -> str:
    """When the verdict (status or evidence) last changed, from the corrections log."""
    if changelog is None:
        return ""
    release = changelog.last_change(claim.id, {"status", "evidence"})
    if release is None:
        first = changelog.releases[-1]
        return f"Unchanged since version {first.version} ({day_label(first.date)})."
    return f"Verdict last changed in version {release.version} ({day_label(release.date)})."


def claims_table(atlas: Atlas, check: ClaimsCheck, changelog: Changelog | None) -> str:
    rows = "".join(
        f'<tr id="claim-{esc(claim.id)}" data-claim-id="{esc(claim.id)}">'
        f"<td><strong>{esc(claim.id)} · {esc(claim.topic)}</strong>"
        f'<blockquote class="claim-quote" style="color:#222;opacity:1">'
        f"“{esc(claim.quote)}”</blockquote></td>"
        f"<td>{status_badge(claim.status)}"
        f'<div class="atlas-muted">{esc(verdict_changed(claim, changelog))}</div></td>'
        f'<td>{esc(claim.evidence)}<div class="atlas-muted">{esc(brief_reference(claim))}'
        f"</div></td><td>{events_and_sources(atlas, claim)}</td></tr>"
        for claim in check.claims
    )
    columns = "".join(f'<col style="width:{width}">' for _, width in _COLUMNS)
    head = "".join(f'<th scope="col">{label}</th>' for label, _ in _COLUMNS)
    return (
        f'{atlas_html.PANEL_CSS}{atlas_html.TABLE_CSS}{CLAIMS_CSS}<table class="atlas-table">'
        f"<caption>{len(check.claims)} claims, in the order of the article</caption>"
        f"<colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def legend(check: ClaimsCheck) -> str:
    counts = {status: 0 for status in ClaimStatus}
    for claim in check.claims:
        counts[claim.status] += 1
    items = "".join(
        f"<li>{status_badge(status)} {counts[status]}: {esc(STATUS_MEANING[status])}</li>"
        for status in ClaimStatus
    )
    return f'{atlas_html.PANEL_CSS}{CLAIMS_CSS}<ul class="atlas-legend">{items}</ul>'


def not_in_article(check: ClaimsCheck) -> str:
    items = "".join(
        f"<li><strong>Section (c) item {item.item}: {esc(item.topic)}.</strong> "
        f"{esc(item.note)}</li>"
        for item in sorted(check.not_in_article, key=lambda i: i.item)
    )
    return f'<ul class="atlas-panel">{items}</ul>'


def problems_html(check: ClaimsCheck) -> str:
    return "".join(
        f'<div class="atlas-caveat" role="alert">{esc(p.severity)}: {esc(p)}</div>'
        for p in check.problems
    )


atlas = current_atlas()
check = load_claims(atlas, data_dir())

st.title("Claims check")
if check.article is not None:
    show_html(
        f'<p class="atlas-muted">The article checked: by {esc(check.article.author)}. '
        f"{esc(check.article.note)}</p>"
    )
st.markdown(
    "Each factual claim the article makes about North Korea and Syria, quoted exactly, "
    "with its status against the project's research brief and the events that support "
    "the verdict. A status is a judgement on the claim, not on the article as a whole."
)
if check.problems:
    show_html(f"{atlas_html.PANEL_CSS}{problems_html(check)}")
show_html(legend(check))
show_html(claims_table(atlas, check, current_changelog()[0]))
if check.not_in_article:
    st.header("Points of the research brief the article does not make")
    show_html(not_in_article(check))

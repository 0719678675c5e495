"""The claims check page's HTML: each claim of the article, its status and the evidence.

The verdicts come from geodata/claims.json; the HTML is the macros of
``templates/claims.html.j2``, which autoescape every string from it. A status is told by a
symbol and a word as well as a colour. `views/claims.py` only lays the page out.
"""

from __future__ import annotations

from layers.data.changelog import Changelog
from layers.data.claims import ArticleInfo, Claim, ClaimsCheck, ClaimStatus
from layers.data.model import Atlas
from layers.render.templates import macros
from layers.render.words import day_label

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

_COLUMNS = (
    ("Claim in the article", "24%"),
    ("Status", "15%"),
    ("Evidence", "35%"),
    ("Events and sources", "26%"),
)

_TEMPLATE = "claims.html.j2"


def status_badge(status: ClaimStatus) -> str:
    return str(macros(_TEMPLATE).status_badge(STATUS_LOOK[status]))


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
    events = {dated.id: dated for dated in atlas.events}
    return str(macros(_TEMPLATE).events_and_sources(atlas, claim, events))


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
    rows = [
        (claim, verdict_changed(claim, changelog), brief_reference(claim)) for claim in check.claims
    ]
    events = {dated.id: dated for dated in atlas.events}
    return str(macros(_TEMPLATE).table(atlas, rows, events, STATUS_LOOK, _COLUMNS))


def claims_legend(check: ClaimsCheck) -> str:
    """Each status with its symbol, how many claims have it, and what it means."""
    counts = {status: 0 for status in ClaimStatus}
    for claim in check.claims:
        counts[claim.status] += 1
    statuses = [
        (STATUS_LOOK[status], counts[status], STATUS_MEANING[status]) for status in ClaimStatus
    ]
    return str(macros(_TEMPLATE).legend(statuses))


def not_in_article(check: ClaimsCheck) -> str:
    items = sorted(check.not_in_article, key=lambda i: i.item)
    return str(macros(_TEMPLATE).not_in_article(items))


def problems_html(check: ClaimsCheck) -> str:
    """The claims file's problems, each as an alert (with the panels' styles)."""
    return str(macros(_TEMPLATE).problems(check.problems))


def article_note(article: ArticleInfo) -> str:
    return str(macros(_TEMPLATE).article(article))

"""How grades and link types look: colour-blind-safe, and never colour alone.

Evidence grade is drawn as a shape with a fill that fades from solid (official finding)
to hollow (alleged, disputed), plus a text label, so it reads in greyscale and for every
kind of colour vision. Link types use the Okabe–Ito palette in the chronology.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from layers.data.model import DatedEvent
from layers.data.schema import Event, Grade, LinkType, grade_rank


@dataclass(frozen=True)
class GradeStyle:
    label: str  # what a reader sees
    short: str  # for tight spaces (map labels)
    shape: str  # also the Vega-Lite shape name used in the chronology
    fill: str  # "none" for the hollow grades
    stroke: str
    dashed: bool


GRADE_STYLES: dict[Grade, GradeStyle] = {
    Grade.CONFIRMED_OFFICIAL: GradeStyle(
        "Official finding (international body)",
        "official finding",
        "square",
        "#3f007d",
        "#3f007d",
        False,
    ),
    Grade.OFFICIAL_GOV: GradeStyle(
        "Government statement", "government statement", "circle", "#6a51a3", "#3f007d", False
    ),
    Grade.REPORTED: GradeStyle(
        "Reported (credible outlets)", "reported", "triangle-up", "#bcbddc", "#3f007d", False
    ),
    Grade.ALLEGED: GradeStyle(
        "Alleged (uncorroborated claim)", "alleged", "diamond", "none", "#3f007d", True
    ),
    Grade.DISPUTED: GradeStyle(
        "Disputed (contradicted by a credible source)",
        "disputed",
        "cross",
        "none",
        "#3f007d",
        True,
    ),
}

NO_LINK_STYLE = GradeStyle(
    "No North Korean link documented",
    "no DPRK link documented",
    "circle",
    "none",
    "#737373",
    True,
)

LINK_COLOURS: dict[LinkType, str] = {  # Okabe & Ito (2008)
    LinkType.NUCLEAR: "#D55E00",
    LinkType.CHEMICAL: "#009E73",
    LinkType.MISSILE: "#E69F00",
    LinkType.MILITARY: "#CC79A7",
    LinkType.DIPLOMATIC: "#0072B2",
    LinkType.SANCTIONS_EVASION: "#56B4E9",
    LinkType.NONE: "#737373",
}

LINK_LABELS: dict[LinkType, str] = {
    LinkType.NUCLEAR: "nuclear",
    LinkType.CHEMICAL: "chemical",
    LinkType.MISSILE: "missile",
    LinkType.MILITARY: "military",
    LinkType.DIPLOMATIC: "diplomatic",
    LinkType.SANCTIONS_EVASION: "sanctions evasion",
    LinkType.NONE: "none documented",
}

#: Which grade the evidence-grade filter reads: the North Korean link's (default) or the event's.
GRADE_BASIS_LABELS: dict[str, str] = {
    "link": "the North Korean link",
    "event": "the event itself",
}


def plural(count: int, noun: str) -> str:
    """'1 event', '2 events': a count with its noun agreeing."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def link_grade_words(grade: Grade | None) -> str:
    """The link's grade in words: 'government statement', or 'not addressed'."""
    return GRADE_STYLES[grade].short if grade is not None else "not addressed"


def link_words(event: Event) -> str:
    """'government statement (nuclear)', or 'not addressed': the link, kinds and grade."""
    if event.link_grade is None:
        return link_grade_words(None)
    kinds = ", ".join(LINK_LABELS[link] for link in event.link_types)
    return f"{GRADE_STYLES[event.link_grade].short} ({kinds})"


def both_grades_words(event_grade: Grade, link_grade: Grade | None) -> str:
    """'Event: official finding · North Korean link: not addressed': both grades, in words."""
    return (
        f"Event: {GRADE_STYLES[event_grade].short} · "
        f"North Korean link: {link_grade_words(link_grade)}"
    )


def strongest(grades: list[Grade]) -> Grade | None:
    """The strongest grade among those given (None for an empty list)."""
    return min(grades, key=grade_rank, default=None)


def symbol_svg(style: GradeStyle, size: int = 22) -> str:
    """An inline SVG of the grade's shape (no text from data goes in here)."""
    s = size
    dash = ' stroke-dasharray="3 2"' if style.dashed else ""
    paint = f'fill="{style.fill}" stroke="{style.stroke}" stroke-width="2"{dash}'
    m = 2  # margin keeps the stroke inside the box
    shapes = {
        "square": f'<rect x="{m}" y="{m}" width="{s - 2 * m}" height="{s - 2 * m}" {paint}/>',
        "circle": f'<circle cx="{s / 2}" cy="{s / 2}" r="{s / 2 - m}" {paint}/>',
        "triangle-up": f'<polygon points="{s / 2},{m} {s - m},{s - m} {m},{s - m}" {paint}/>',
        "diamond": f'<polygon points="{s / 2},{m} {s - m},{s / 2} {s / 2},{s - m} {m},{s / 2}" '
        f"{paint}/>",
        "cross": f'<circle cx="{s / 2}" cy="{s / 2}" r="{s / 2 - m}" {paint}/>'
        f'<path d="M{s * 0.3},{s * 0.3} L{s * 0.7},{s * 0.7} M{s * 0.7},{s * 0.3} '
        f'L{s * 0.3},{s * 0.7}" stroke="{style.stroke}" stroke-width="2"/>',
    }
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{s}" height="{s}" '
        f'viewBox="0 0 {s} {s}" aria-hidden="true" focusable="false">{shapes[style.shape]}</svg>'
    )


@functools.cache  # a few styles and sizes, asked for in every badge of every row
def symbol_img(style: GradeStyle, size: int = 22) -> str:
    """The grade's shape as an <img> holding `symbol_svg` as a data URI.

    Why: the page shows its fragments with `st.html`, which keeps <img> but strips inline
    SVG, and an <img> costs the browser far less than Markdown's HTML parser (the cold load
    of the page waits for every element to be drawn). The shape is decoration beside its
    words, so the image has an empty alt text."""
    uri = "data:image/svg+xml," + quote(symbol_svg(style, size), safe="=:/,.")
    return (
        f'<img class="atlas-shape" src="{uri}" width="{size}" height="{size}" alt="" '
        'aria-hidden="true">'
    )


def site_style(events: list[DatedEvent]) -> GradeStyle:
    """The marker style: the strongest grade of a North Korean link among the shown events
    (not the events' own grades: an IAEA finding that says nothing about North Korea does not
    make a site's North Korean link an official finding)."""
    linked = [e.event.link_grade for e in events if e.event.link_grade is not None]
    grade = strongest(linked)
    return GRADE_STYLES[grade] if grade is not None else NO_LINK_STYLE


def events_by_site(events: list[DatedEvent]) -> dict[str, list[DatedEvent]]:
    grouped: dict[str, list[DatedEvent]] = defaultdict(list)
    for dated in events:
        for site_id in dated.event.site_ids:
            grouped[site_id].append(dated)
    return grouped

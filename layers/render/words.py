"""Records in plain words, for files and widgets that hold no HTML (CSV, KML names, tables).

The HTML forms live in `layers.render.html` and its templates (which call these functions
too); both say the same things in the same order, so a reader meets one way of citing a
source wherever the atlas shows it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from layers.data.dates import parse_event_date
from layers.data.filters import Filters
from layers.data.model import Atlas, DatedEvent
from layers.data.schema import Grade, LinkType, Source, UrlKind
from layers.render.style import GRADE_BASIS_LABELS, GRADE_STYLES, LINK_LABELS, both_grades_words


def day_label(day: dt.date) -> str:
    """A review date as people write it: 26 November 2026."""
    return f"{day.day} {day:%B %Y}"


def source_date_words(source: Source) -> str:
    return parse_event_date(source.date).label() if source.date else "date unknown"


def number_words(source: Source) -> str | None:
    """'GOV/2011/30', or 'S/2018/171 (number unverified)'; None without a symbol."""
    if not source.document_number:
        return None
    status = "" if source.document_number_status == "confirmed" else " (number unverified)"
    return source.document_number + status


_ENCODED_NON_ASCII = re.compile(r"(?:%[89a-fA-F][0-9a-fA-F])+")
#: Characters a reader cannot see or that reorder text (controls, bidi and other format
#: characters, line and paragraph separators, spaces): an address holding them stays encoded.
_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Zs"})


def readable_url(url: object) -> str:
    """The address as a reader can read it: percent-encoded UTF-8 letters (a Korean or
    Arabic title in the path) shown as letters, everything else as written.

    Why: ``https://www.dailynk.com/%eb%b0%b1%eb%82%a8…`` runs to ten printed lines and says
    nothing; ``https://www.dailynk.com/백남순-…`` is the same address, as browsers show it.
    Only non-ASCII bytes are decoded (an encoded ``/``, ``?`` or ``%`` keeps its escape, so
    the address's parts read as they are), and an address whose letters would include a
    control, bidi or other invisible character is shown encoded. The link itself is not
    changed."""

    def letters(match: re.Match[str]) -> str:
        try:
            text = bytes.fromhex(match[0].replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return match[0]
        return text if not any(unicodedata.category(c) in _HIDDEN for c in text) else match[0]

    url = str(url)  # a pydantic HttpUrl prints as the address
    shown = _ENCODED_NON_ASCII.sub(letters, url)
    # Some letters left encoded (not UTF-8, or invisible): show none decoded, not a mix.
    return url if _ENCODED_NON_ASCII.search(shown) else shown


def url_kind_words(source: Source) -> str | None:
    """What the link is, where that matters to a reader: a relay or an archive copy."""
    if source.url_kind is UrlKind.RELAY:
        return f"relay: {source.via}"
    if source.url_kind is UrlKind.ARCHIVE:
        return f"archived copy: {source.via}"
    if source.url_kind is UrlKind.OFFICIAL:
        return "official copy"
    return None


def citation_text(source: Source) -> str:
    """A source as one line: publisher, title, author, date, symbol, URL and what it is."""
    parts = [source.publisher, source.display_title]
    if source.author:
        parts.append(f"by {source.author}")
    parts.append(source_date_words(source))
    number = number_words(source)
    if number:
        parts.append(number)
    if source.url:
        kind = url_kind_words(source)
        parts.append(str(source.url) + (f" ({kind})" if kind else ""))
    if source.via and source.url_kind not in (UrlKind.RELAY, UrlKind.ARCHIVE):
        parts.append(f"read via {source.via}")
    if not source.has_locator:
        parts.append("no link or document number found")
    return ", ".join(parts)


def filters_in_words(atlas: Atlas, filters: Filters) -> list[str]:
    """The filters as phrases, for "Cite this view" and for every export's provenance: one
    wording wherever the atlas says what a view or a file holds."""
    first, last = filters.date_span()
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        span = (
            f"years {first.year}–{last.year}" if first.year != last.year else f"year {first.year}"
        )
    else:
        span = f"dates {first.isoformat()} to {last.isoformat()}"
    parts = [span]
    if filters.layer_ids is None or filters.layer_ids >= {layer.id for layer in atlas.layers}:
        parts.append("all site layers")
    elif not filters.layer_ids:
        parts.append("no site layers")
    else:
        titles = [layer.info.title for layer in atlas.layers if layer.id in filters.layer_ids]
        parts.append(f"layers {' · '.join(titles)}")
    if not filters.syria_wide or filters.site_ids is not None:
        parts.append("Syria-wide events hidden")
    parts.append(_chosen("North Korean link", filters.link_types, LinkType, LINK_LABELS.get))
    graded = f"evidence ({GRADE_BASIS_LABELS[filters.grade_basis]})"
    parts.append(_chosen(graded, filters.grades, Grade, lambda g: GRADE_STYLES[g].short, "grades"))
    if filters.entity_ids:
        names = sorted(
            atlas.entities[e].name if e in atlas.entities else e for e in filters.entity_ids
        )
        parts.append(f"only events naming {' or '.join(names)}")
    if filters.site_ids is not None:
        parts.append(
            f"only events at {' · '.join(atlas.site_label(s) for s in sorted(filters.site_ids))}"
        )
    return parts


def _chosen(
    label: str,
    values: frozenset[Any],
    kind: Iterable[Any],
    name: Callable[[Any], str | None],
    plural: str = "types",
) -> str:
    members = list(kind)
    if len(values) == len(members):
        return f"{label}: all {plural}"
    if not values:
        return f"{label}: none"
    return f"{label}: {', '.join(str(name(m)) for m in members if m in values)}"


#: How a lesson may word a claim resting on an event, by the grade of its North Korean link
#: (geodata/lessons/README.md, "The rules that matter most"): shown beside the editor's text.
WORDING_ADVICE: dict[Grade | None, str] = {
    Grade.CONFIRMED_OFFICIAL: "an international body's finding: state it, but only what it found",
    Grade.OFFICIAL_GOV: "a government's statement: say which government said it",
    Grade.REPORTED: "reported by credible outlets: say who reported it (“according to …”)",
    Grade.ALLEGED: "an uncorroborated claim: write it as a claim (“alleged”, “according to”)",
    Grade.DISPUTED: "contradicted by a credible source: say it is disputed, and by whom",
    None: "says nothing about North Korea: claim no North Korean link from it",
}


def event_choice_words(dated: DatedEvent) -> str:
    """An event as a choice in a list: its title first (a chosen item shows its start),
    its date and both grades in words, then its id (the id alone tells an author nothing)."""
    event = dated.event
    return (
        f"{event.title} ({dated.when.label()}; "
        f"{both_grades_words(event.grade, event.link_grade)}) · {event.id}"
    )

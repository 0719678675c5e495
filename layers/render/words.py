"""Records in plain words, for files and widgets that hold no HTML (CSV, KML names, tables).

The HTML forms live in `layers.render.html` and its templates (which call these functions
too); both say the same things in the same order, so a reader meets one way of citing a
source wherever the atlas shows it.
"""

from __future__ import annotations

import datetime as dt

from layers.data.dates import parse_event_date
from layers.data.schema import Source, UrlKind


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

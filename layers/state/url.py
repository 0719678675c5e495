"""Shareable views: the whole view state as short, stable URL parameters, and back.

A teacher shares a link and a student opens it later, perhaps after the data changed, so
reading a URL is strict and forgiving at once: every value is checked against the loaded
atlas and lessons, and a bad, stale or hostile value falls back to that field's default
with a short notice naming the parameter, never an error. Only non-default values are
written, so the default view is the bare URL.

URL parameters (``to_query`` writes them, ``from_query`` reads them):

========  =========================  ==============================================
key       example                    meaning
========  =========================  ==============================================
layers    ``al-kibar,masyaf``        site layers shown (sorted); ``-`` for none
syria     ``0``                      ``0`` hides Syria-wide events (``1`` = default)
years     ``2007-2011``              first and last year, 1966 to this year
link      ``nuclear,chemical``       North Korean link types shown; ``-`` for none
grade     ``alleged``                evidence grades shown; ``-`` for none
gradeof   ``event``                  which grade ``grade`` reads: ``link`` (default), the
                                     North Korean link's, or ``event``, the event's own;
                                     written with every ``grade``; a ``grade`` without it
                                     (an older link) reads the events' own grades
entities  ``komid,ssrc``             only events naming one of these organisations, people
                                     or vessels (absent: no entity filter)
site      ``S1``                     the site in the detail panel
entity    ``komid``                  the organisation, person or vessel in the detail panel
event     ``E09``                    the event whose card is in the detail panel
source    ``S-2018-171``             the source whose card is in the detail panel
lesson    ``north-korea-in-syria``   the lesson being presented
step      ``3``                      the lesson's step, counted from 1 (needs lesson)
basemap   ``osm``                    basemap id (``offline`` = default)
center    ``33.51,36.29``            map centre, latitude then longitude
zoom      ``9``                      map zoom, 6 to 14
========  =========================  ==============================================

Notices echo the offending value, cut to 40 characters and not escaped: the UI escapes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from layers.data.dates import parse_event_date
from layers.data.filters import FIRST_YEAR, GradeBasis, last_year
from layers.data.geo import BBOX, MAX_ZOOM, MIN_ZOOM
from layers.data.lessons import Lesson
from layers.data.model import Atlas
from layers.data.schema import Grade, LinkType
from layers.data.view import View, default_view
from layers.map.basemap import basemap_choices
from layers.render.style import GRADE_BASIS_LABELS
from layers.render.words import filters_in_words

APP_NAME = "DPRK–Syria Atlas"
MAX_VALUE = 500  # longer values are refused unread
ECHO = 40  # characters of a bad value repeated in its notice
NONE = "-"  # an empty set in a list parameter
CENTER_DECIMALS = 5  # about 1 m: far finer than any site's precision
ZOOM_DECIMALS = 2

_SAFE = re.compile(r"^[A-Za-z0-9_.,\-]+$")
_SCRIPTY = re.compile(r"""(?i)[<>"'`]|(?:java|vb)script:|%3c|&#|\bon\w+\s*=""")


# --- writing ---------------------------------------------------------------------------


def to_query(view: View, defaults: View) -> dict[str, str]:
    """The URL parameters for the fields that differ from ``defaults`` (None is never
    written: an absent parameter already means the default)."""
    query: dict[str, str] = {}
    for name, (key, write) in _WRITERS.items():
        value = getattr(view, name)
        if value is not None and value != getattr(defaults, name):
            query[key] = write(value)
    if "grade" in query:  # always say which grade a grade filter reads (see from_query)
        query["gradeof"] = view.grade_basis
    if view.lesson is None:
        query.pop("step", None)
    elif "step" in query:
        query["lesson"] = view.lesson  # a step means nothing without its lesson
    return {key: query[key] for key in KEYS if key in query}


def _ids(values: Iterable[str]) -> str:
    return ",".join(sorted(values)) or NONE


def _members(values: frozenset[Any], order: Iterable[Any]) -> str:
    return ",".join(item.value for item in order if item in values) or NONE


def _number(value: float, decimals: int) -> str:
    text = f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


_WRITERS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "layers": ("layers", _ids),
    "syria_wide": ("syria", lambda on: "1" if on else "0"),
    "years": ("years", lambda years: f"{years[0]}-{years[1]}"),
    "link_types": ("link", lambda links: _members(links, LinkType)),
    "grades": ("grade", lambda grades: _members(grades, Grade)),
    "grade_basis": ("gradeof", str),
    "entities": ("entities", _ids),
    "site": ("site", str),
    "entity": ("entity", str),
    "event": ("event", str),
    "source": ("source", str),
    "lesson": ("lesson", str),
    "step_index": ("step", lambda index: str(index + 1)),
    "basemap": ("basemap", str),
    "center": (
        "center",
        lambda c: f"{_number(c[0], CENTER_DECIMALS)},{_number(c[1], CENTER_DECIMALS)}",
    ),
    "zoom": ("zoom", lambda z: _number(z, ZOOM_DECIMALS)),
}
KEYS = tuple(key for key, _ in _WRITERS.values())


# --- reading ---------------------------------------------------------------------------


class _Refused(ValueError):
    """A parameter value that cannot be used; the message says why, for a person."""


def from_query(
    params: Mapping[str, str | list[str]], atlas: Atlas, lessons: Iterable[Lesson]
) -> tuple[View, list[str]]:
    """The view a URL asks for, and notices for every parameter that was ignored.

    Pass every value of a repeated key as a list (Streamlit: ``st.query_params.get_all``)
    so that ``?years=2007-2011&years=1966-2026`` is noticed rather than half-read.
    """
    by_id = {lesson.id: lesson for lesson in lessons}
    view = default_view()
    notices: list[str] = []
    unknown = [key for key in params if key not in KEYS]
    if unknown:
        shown = ", ".join(_echo(key) for key in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        notices.append(f"Ignored unknown URL parameter(s) {shown}{more}.")
    readers = _readers(atlas, by_id)
    for name, (key, _) in _WRITERS.items():
        raw = params.get(key)
        if raw is None or (isinstance(raw, list) and not raw):
            continue  # absent, or listed with no value at all
        try:
            value = readers[name](_single(raw), view)
        except _Refused as exc:
            notices.append(f"Ignored URL parameter {key}={_echo(_text(raw))}: {exc}.")
            continue
        view = replace(view, **{name: value})
    if params.get("grade") and not params.get("gradeof") and view.grades != default_view().grades:
        # Links made before dataset 1.0.0 filtered on the events' own grades; they keep
        # their meaning, so a citation still opens the view it cited.
        view = replace(view, grade_basis="event")
        notices.append(
            "This link filters on the events' own evidence grades (links made before "
            "dataset 1.0.0 did); switch “Evidence grade of” to grade the North Korean link."
        )
    return view, notices


def _text(raw: Any) -> str:
    """Enough of a raw value to echo it (a repeated key's values joined by commas)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list):
        return ",".join(str(item)[: ECHO + 1] for item in raw[:3])
    return repr(raw)[: ECHO + 1]


def _single(raw: Any) -> str:
    """The one value of a parameter, checked for length and characters before parsing."""
    if isinstance(raw, list):
        if len(raw) != 1:
            raise _Refused(f"given {len(raw)} times; give it once")
        raw = raw[0]
    if not isinstance(raw, str):
        raise _Refused("not text")
    if len(raw) > MAX_VALUE:
        raise _Refused(f"longer than {MAX_VALUE} characters")
    if not raw:
        raise _Refused("empty")
    if _SCRIPTY.search(raw):
        raise _Refused("looks like markup or script")
    if not _SAFE.match(raw):
        raise _Refused("contains characters that are not allowed")
    return raw


def _echo(value: str) -> str:
    shown = value if len(value) <= ECHO else value[:ECHO] + "…"
    return repr(shown)


def _readers(atlas: Atlas, lessons: Mapping[str, Lesson]) -> dict[str, Any]:
    layer_ids = [layer.id for layer in atlas.layers]
    basemaps = basemap_choices()

    def layers(raw: str, _: View) -> frozenset[str] | None:
        chosen = _list(raw)
        unknown = sorted(chosen - set(layer_ids))
        if unknown:
            raise _Refused(f"no layer {', '.join(unknown)} in this atlas")
        return None if chosen == set(layer_ids) else frozenset(chosen)

    def site(raw: str, _: View) -> str:
        if raw not in atlas.sites:
            raise _Refused("no such site in this atlas")
        return raw

    def entities(raw: str, _: View) -> frozenset[str]:
        chosen = _list(raw)
        unknown = sorted(chosen - set(atlas.entities))
        if unknown or not chosen:
            raise _Refused("no such organisation, person or vessel in this atlas")
        return frozenset(chosen)

    def entity(raw: str, _: View) -> str:
        if raw not in atlas.entities:
            raise _Refused("no such organisation, person or vessel in this atlas")
        return raw

    def event(raw: str, _: View) -> str:
        if raw not in atlas.events_by_id:
            raise _Refused("no such event in this atlas")
        return raw

    def source(raw: str, _: View) -> str:
        if raw not in atlas.sources:
            raise _Refused("no such source in this atlas")
        return raw

    def lesson(raw: str, _: View) -> str:
        if raw not in lessons:
            raise _Refused("no such lesson")
        return raw

    def step(raw: str, view: View) -> int:
        if view.lesson is None:
            raise _Refused("a step needs a lesson")
        count = len(lessons[view.lesson].steps)
        if not raw.isdigit() or not 1 <= int(raw) <= count:
            raise _Refused(f"the lesson has steps 1 to {count}")
        return int(raw) - 1

    def basemap(raw: str, _: View) -> str:
        if raw not in basemaps:
            raise _Refused(f"the basemaps are {', '.join(basemaps)}")
        return raw

    return {
        "layers": layers,
        "syria_wide": lambda raw, _: _flag(raw),
        "years": lambda raw, _: _years(raw),
        "link_types": lambda raw, _: _enum_set(raw, LinkType, "link type"),
        "grades": lambda raw, _: _enum_set(raw, Grade, "grade"),
        "grade_basis": lambda raw, _: _grade_basis(raw),
        "entities": entities,
        "site": site,
        "entity": entity,
        "event": event,
        "source": source,
        "lesson": lesson,
        "step_index": step,
        "basemap": basemap,
        "center": lambda raw, _: _center(raw),
        "zoom": lambda raw, _: _zoom(raw),
    }


def _list(raw: str) -> set[str]:
    if raw == NONE:
        return set()
    items = raw.split(",")
    if any(not item for item in items):
        raise _Refused("has an empty item")
    return set(items)


def _enum_set(raw: str, kind: type[LinkType] | type[Grade], label: str) -> frozenset[Any]:
    items = _list(raw)
    known = {member.value: member for member in kind}
    unknown = sorted(items - set(known))
    if unknown:
        raise _Refused(f"unknown {label} {', '.join(unknown)[:ECHO]}")
    return frozenset(known[item] for item in items)


def _grade_basis(raw: str) -> GradeBasis:
    if raw not in GRADE_BASIS_LABELS:
        raise _Refused(f"use {' or '.join(GRADE_BASIS_LABELS)}")
    return "event" if raw == "event" else "link"


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise _Refused("use 0 or 1")
    return raw == "1"


def _years(raw: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{4})", raw)
    if not match:
        raise _Refused("use FIRST-LAST, for example 2007-2011")
    first, last = int(match[1]), int(match[2])
    if first > last:
        raise _Refused("the first year is after the last")
    if first < FIRST_YEAR or last > last_year():
        raise _Refused(f"years run from {FIRST_YEAR} to {last_year()}")
    return first, last


def _decimal(raw: str) -> float:
    if not re.fullmatch(r"-?\d{1,3}(?:\.\d{1,12})?", raw):
        raise _Refused("not a plain decimal number")
    return float(raw)


def _center(raw: str) -> tuple[float, float]:
    parts = raw.split(",")
    if len(parts) != 2:
        raise _Refused("use LATITUDE,LONGITUDE")
    lat, lon = (_decimal(part) for part in parts)
    west, south, east, north = BBOX
    if not (south <= lat <= north and west <= lon <= east):
        raise _Refused(f"outside the map ({south}–{north} N, {west}–{east} E)")
    return round(lat, CENTER_DECIMALS), round(lon, CENTER_DECIMALS)


def _zoom(raw: str) -> float:
    zoom = _decimal(raw)
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise _Refused(f"zoom runs from {MIN_ZOOM} to {MAX_ZOOM}")
    return round(zoom, ZOOM_DECIMALS)


# --- citing ----------------------------------------------------------------------------


def describe(view: View, atlas: Atlas) -> str:
    """The view's filters and selection in words, for "Cite this view"."""
    parts = filters_in_words(atlas, view.filters())
    if view.site:
        parts.append(f"site {atlas.site_label(view.site)}")
    if view.entity and view.entity in atlas.entities:
        parts.append(f"details of {atlas.entities[view.entity].name}")
    if view.event and view.event in atlas.events_by_id:
        dated = atlas.events_by_id[view.event]
        parts.append(f"the event of {dated.when.label()}, “{dated.event.title}”")
    if view.source and view.source in atlas.sources:
        source = atlas.sources[view.source]
        parts.append(f"the source {source.publisher}, “{source.display_title}”")
    if view.lesson:
        step = f", step {view.step_index + 1}" if view.step_index is not None else ""
        parts.append(f"lesson {view.lesson}{step}")
    return "; ".join(parts)


def view_link(view: View, base_url: str) -> str:
    """The link that reopens the view: the app's address and the view's parameters."""
    query = to_query(view, default_view())
    base = base_url.split("?", 1)[0]
    return f"{base}?{urlencode(query)}" if query else base


def citation(view: View, atlas: Atlas, base_url: str, accessed: dt.date) -> str:
    """'Cite this view': the dataset version and release, the view in words, the link that
    reopens it and the access date, so a reader can reopen exactly what was cited."""
    info = atlas.info
    return (
        f"{APP_NAME}, dataset version {info.version} (released {_day(info.released)}). "
        f"View: {describe(view, atlas)}. {view_link(view, base_url)} "
        f"Accessed {_day(accessed)}."
    )


def _day(day: dt.date) -> str:
    return parse_event_date(day.isoformat()).label()

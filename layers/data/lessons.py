"""Guided lessons: ordered steps that move the map, set the filters and cite the events.

A lesson is a YAML file in ``geodata/lessons/`` written by a teacher, so it is checked like
the rest of the data: its shape by the pydantic models below, and its references (events,
sources, sites, layers) against the loaded atlas, because a step that cites an event which
does not exist would present an unsourced sentence as fact. A bad lesson file never takes
the app down: it becomes `Problem`s naming the file, the step and the field, and is skipped.
The format is documented for teachers in ``geodata/lessons/README.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    model_validator,
)

from layers.data.filters import FIRST_YEAR, Filters, GradeBasis, event_matches, last_year
from layers.data.geo import BBOX, MAX_ZOOM, MIN_ZOOM, START_ZOOM, SYRIA_CENTRE
from layers.data.images import MAX_IMAGE_BYTES, check_image, decode_base64
from layers.data.lesson_yaml import read_yaml
from layers.data.load import display_name
from layers.data.model import Atlas
from layers.data.problems import Problem, errors_only, problems_from_validation
from layers.data.schema import EventId, Grade, LayerId, LinkType, Record, SiteId
from layers.data.view import View

LESSONS_DIR = "lessons"
MAX_STEPS = 100

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
CitationId = Annotated[
    str, StringConstraints(pattern=r"^(?:E\d+[a-z]?|[a-z0-9]+(?:-[a-z0-9]+)*)$", max_length=80)
]
EVENT_ID = re.compile(r"^E\d+[a-z]?$")

# Characters that Markdown, HTML or Streamlit's LaTeX would interpret. Lesson text is plain
# text so that what a teacher writes is exactly what the class sees.
_MARKUP = re.compile(r"[`*_#\[\]<>|\\~$]")

#: Words that mark a sentence as attributed rather than asserted.
HEDGES = ("alleged", "allege", "allegation", "claim", "according to", "reportedly", "says", "said")


def _plain(value: str) -> str:
    found = sorted(set(_MARKUP.findall(value)))
    if found:
        raise ValueError(f"must be plain text without Markdown or HTML; remove {' '.join(found)!s}")
    return value


def _plain_text(max_length: int) -> Any:
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length),
        AfterValidator(_plain),
    ]


Title = _plain_text(120)
StepText = _plain_text(900)
Notes = _plain_text(2500)
Year = Annotated[int, Strict()]
Zoom = Annotated[float, Strict(), Field(ge=MIN_ZOOM, le=MAX_ZOOM, allow_inf_nan=False)]
Degrees = Annotated[float, Strict(), Field(allow_inf_nan=False)]


class StepView(Record):
    """Where the map goes: a site (centred on its coordinate) or a [lat, lon] centre."""

    site: SiteId | None = None
    center: tuple[Degrees, Degrees] | None = Field(
        None, description="[latitude, longitude], inside the basemap's box"
    )
    zoom: Zoom

    @model_validator(mode="after")
    def _site_or_center(self) -> StepView:
        if (self.site is None) == (self.center is None):
            raise ValueError("give either 'site' or 'center' (not both, not neither)")
        if self.center is not None:
            lat, lon = self.center
            west, south, east, north = BBOX
            if not (south <= lat <= north and west <= lon <= east):
                raise ValueError(
                    f"center [{lat}, {lon}] is outside the map ({south}–{north} N, "
                    f"{west}–{east} E); it is [latitude, longitude]"
                )
        return self


class StepFilters(Record):
    """The filters in force during a step; an absent list means everything."""

    years: tuple[Year, Year]
    link_types: list[LinkType] | None = Field(None, min_length=1)
    grades: list[Grade] | None = Field(None, min_length=1)
    grade_basis: GradeBasis = Field(
        "link", description="Which grade `grades` reads: the North Korean link's or the event's"
    )
    layers: list[LayerId] | None = Field(None, min_length=1)
    syria_wide: Annotated[bool, Strict()] = True

    @model_validator(mode="after")
    def _year_range(self) -> StepFilters:
        first, last = self.years
        if first > last:
            raise ValueError(f"years [{first}, {last}] run backwards")
        if first < FIRST_YEAR or last > last_year():
            raise ValueError(f"years must lie within {FIRST_YEAR}–{last_year()}")
        return self


ImageText = _plain_text(300)
Base64 = Annotated[
    str,
    StringConstraints(
        min_length=4, max_length=4 * -(-MAX_IMAGE_BYTES // 3), pattern=r"^[A-Za-z0-9+/]+={0,2}$"
    ),
]


class StepImage(Record):
    """A picture a teacher adds to a step (a photo, a satellite view they may use), inside
    the lesson file: decoded and checked as a PNG or JPEG, never shown as HTML or SVG."""

    media_type: Literal["image/png", "image/jpeg"]
    data: Base64 = Field(description="The image file, base64 (at most 300 KB decoded)")
    alt: ImageText = Field(description="What the picture shows, for readers who cannot see it")
    credit: ImageText = Field(description="Who made it and under which licence or permission")

    @model_validator(mode="after")
    def _decodes(self) -> StepImage:
        check_image(decode_base64(self.data), self.media_type)
        return self


class LessonStep(Record):
    """One slide of a lesson."""

    id: Slug
    title: Title
    text: StepText
    citations: list[CitationId] = Field(
        min_length=1, description="Event and/or source ids every factual sentence rests on"
    )
    view: StepView
    filters: StepFilters
    highlight_event_ids: list[EventId] = Field(default_factory=list)
    presenter_notes: Notes
    image: StepImage | None = None


class Lesson(Record):
    """A guided tour through the atlas."""

    id: Slug
    title: Title
    audience: Title
    summary: StepText
    last_reviewed: dt.date
    steps: list[LessonStep] = Field(min_length=1, max_length=MAX_STEPS)


# --- reading -------------------------------------------------------------------------


def load_lessons(root: Path, atlas: Atlas) -> tuple[list[Lesson], list[Problem]]:
    """Every valid lesson in ``root/lessons/*.yaml`` (by file name), and the problems found.

    A lesson with any error is left out whole: half a lesson, or one citing a missing
    event, would mislead. Warnings (a hidden highlight, unhedged text) keep the lesson.
    Lesson ids equal their file names, so they cannot collide.
    """
    lessons: list[Lesson] = []
    problems: list[Problem] = []
    for path in sorted((root / LESSONS_DIR).glob("*.yaml")):
        lesson, found = load_lesson(path, atlas, label=display_name(path, root))
        problems.extend(found)
        if lesson is not None:
            lessons.append(lesson)
    return lessons, problems


def load_lesson(
    path: Path, atlas: Atlas, *, label: str | None = None
) -> tuple[Lesson | None, list[Problem]]:
    """Read, validate and cross-check one lesson file; never raises on bad content.

    The lesson is None whenever there is an error, so it is never shown in part.
    """
    label = label or path.name
    document, problems = read_yaml(path, label)
    if problems:  # unreadable; an empty file (None) goes on to be named below
        return None, problems
    return checked_lesson(document, atlas, label, file_id=path.stem)


def checked_lesson(
    document: Any, atlas: Atlas, label: str, *, file_id: str | None = None
) -> tuple[Lesson | None, list[Problem]]:
    """Validate a parsed lesson and cross-check it against the atlas: the one check every
    lesson passes, whether shipped, opened in the app or written in its editor. With
    ``file_id``, the lesson's id must equal it (a shipped lesson's file name)."""
    lesson, problems = lesson_from_document(document, label)
    if lesson is None:
        return None, problems
    if file_id is not None and lesson.id != file_id:
        problems.append(
            Problem(label, f"lesson id {lesson.id!r} must match the file name", field="id")
        )
    problems += check_lesson(lesson, atlas, label)
    return (None if errors_only(problems) else lesson), problems


def lesson_from_document(document: Any, label: str) -> tuple[Lesson | None, list[Problem]]:
    """Validate a parsed document; errors inside a step name the step's index and id."""
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "empty"
        return None, [Problem(label, f"must be a YAML mapping of lesson fields (got {kind})")]
    lesson_id = document["id"][:60] if isinstance(document.get("id"), str) else None
    try:
        return Lesson.model_validate(document), []
    except ValidationError as exc:
        found = problems_from_validation(exc, file=label, index=None, record_id=lesson_id)
        return None, [_in_step(p, document.get("steps")) for p in found]


def _in_step(problem: Problem, steps: Any) -> Problem:
    """Move a 'steps.3.view.zoom' field into index 3, the step's id, and field 'view.zoom'."""
    parts = (problem.field or "").split(".")
    if len(parts) < 2 or parts[0] != "steps" or not parts[1].isdigit():
        return problem
    index = int(parts[1])
    step = steps[index] if isinstance(steps, list) and index < len(steps) else None
    step_id = step.get("id") if isinstance(step, dict) else None
    return replace(
        problem,
        index=index,
        record_id=step_id[:60] if isinstance(step_id, str) else None,
        field=".".join(parts[2:]) or None,
    )


# --- cross-references ----------------------------------------------------------------


def check_lesson(lesson: Lesson, atlas: Atlas, label: str) -> list[Problem]:
    """References that must resolve in the atlas (errors), and advice for the author
    (warnings: a highlight the step's own filters hide, an allegation cited without
    attribution in the text)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, step in enumerate(lesson.steps):
        found = _unresolved(step, atlas)
        if step.id in seen:
            found.append(("step id repeats an earlier step's", "id"))
        seen.add(step.id)
        problems += [
            Problem(label, message, index=index, record_id=step.id, field=field)
            for message, field in found
        ]
        if not found:
            problems += [
                Problem(
                    label, message, index=index, record_id=step.id, field=field, severity="warning"
                )
                for message, field in _advice(step, atlas)
            ]
    return problems


def _unresolved(step: LessonStep, atlas: Atlas) -> list[tuple[str, str]]:
    """(message, field) for every id in the step that the atlas does not have."""
    events = {dated.id for dated in atlas.events}
    found = []
    for cited in step.citations:
        if EVENT_ID.match(cited) and cited not in events:
            found.append((f"event {cited!r} is not in events.json", "citations"))
        elif not EVENT_ID.match(cited) and cited not in atlas.sources:
            found.append((f"source {cited!r} is not in sources.json", "citations"))
    found += [
        (f"event {event_id!r} is not in events.json", "highlight_event_ids")
        for event_id in step.highlight_event_ids
        if event_id not in events
    ]
    site_id = step.view.site
    if site_id is not None:
        site = atlas.sites.get(site_id)
        if site is None:
            found.append((f"site {site_id!r} is not in any loaded layer", "view.site"))
        elif not site.located:
            found.append((f"site {site_id!r} has no coordinate to centre on", "view.site"))
    layer_ids = {layer.id for layer in atlas.layers}
    found += [
        (f"layer {layer_id!r} is not loaded", "filters.layers")
        for layer_id in step.filters.layers or []
        if layer_id not in layer_ids
    ]
    return found


def _advice(step: LessonStep, atlas: Atlas) -> list[tuple[str, str]]:
    events = {dated.id: dated for dated in atlas.events}
    filters = step_filters(step, atlas)
    found = [
        (f"highlighted event {event_id!r} is hidden by this step's filters", "highlight_event_ids")
        for event_id in step.highlight_event_ids
        if not event_matches(atlas, events[event_id], filters)
    ]
    weak_grades = (Grade.ALLEGED, Grade.DISPUTED)
    weak = [
        cited
        for cited in step.citations
        if cited in events
        and (
            events[cited].event.grade in weak_grades
            or events[cited].event.link_grade in weak_grades
        )
    ]
    if weak and not any(word in step.text.lower() for word in HEDGES):
        found.append(
            (
                f"cites {', '.join(weak)} (alleged or disputed) but the text attributes "
                f"nothing; use one of: {', '.join(HEDGES)}",
                "text",
            )
        )
    return found


# --- applying a step -----------------------------------------------------------------


def step_as_view(step: LessonStep) -> View:
    """A step's filters and site as a view (its lesson, step and map position are set by
    whoever shows it). Absent lists mean everything; the entity filter is cleared."""
    return filters_as_view(step.filters, step.view.site)


def filters_as_view(chosen: StepFilters, site: str | None = None) -> View:
    """A step's filters (and site) as a view: what `step_as_view` shows, also for a step
    still being written in the editor."""
    return View(
        layers=frozenset(chosen.layers) if chosen.layers is not None else None,
        syria_wide=chosen.syria_wide,
        years=(chosen.years[0], chosen.years[1]),
        link_types=frozenset(chosen.link_types or LinkType),
        grades=frozenset(chosen.grades or Grade),
        grade_basis=chosen.grade_basis,
        site=site,
    )


def step_filters(step: LessonStep, atlas: Atlas) -> Filters:
    """The atlas filters a step puts in force."""
    return step_as_view(step).filters()


def step_view(step: LessonStep, atlas: Atlas) -> tuple[float, float, float]:
    """(centre latitude, centre longitude, zoom); a site view centres on the site.

    Raises ValueError for a site that is missing or unlocated, which `load_lessons`
    already reports, so a loaded lesson never does.
    """
    view = step.view
    if view.center is not None:
        return view.center[0], view.center[1], view.zoom
    site = atlas.sites.get(view.site or "")
    if site is None or site.lat is None or site.lon is None:
        raise ValueError(f"site {view.site!r} is not a located site in this atlas")
    return site.lat, site.lon, view.zoom


def step_parts_from_view(view: View, atlas: Atlas) -> tuple[StepView, StepFilters]:
    """The inverse of `step_as_view`: the map position and filters a step needs to show
    ``view`` again (what the editor's "Add this view as a step" records).

    A chosen, located site becomes a site view (the step opens its panel too); otherwise
    the map's last centre, or Syria's. The entity filter has no place in a step and is
    left out. Raises ValueError, in words, for a view a step cannot hold (no layer, link
    type or grade chosen: it shows nothing to cite).
    """
    zoom = float(min(max(view.zoom if view.zoom is not None else START_ZOOM, MIN_ZOOM), MAX_ZOOM))
    site = atlas.sites.get(view.site or "")
    if site is not None and site.located:
        where = StepView(site=site.id, zoom=zoom)
    else:
        lat, lon = view.center if view.center is not None else SYRIA_CENTRE
        where = StepView(center=(round(lat, 4), round(lon, 4)), zoom=zoom)
    if view.layers is not None and not view.layers:
        raise ValueError("no site layer is shown; tick at least one under Show")
    if not view.link_types or not view.grades:
        raise ValueError("no link type or no evidence grade is chosen, so nothing is shown")
    layer_order = [layer.id for layer in atlas.layers]
    filters = StepFilters(
        years=(view.years[0], view.years[1]),
        link_types=None
        if view.link_types >= frozenset(LinkType)
        else [link for link in LinkType if link in view.link_types],
        grades=None
        if view.grades >= frozenset(Grade)
        else [grade for grade in Grade if grade in view.grades],
        grade_basis=view.grade_basis,
        layers=None
        if view.layers is None or view.layers >= frozenset(layer_order)
        else [layer_id for layer_id in layer_order if layer_id in view.layers],
        syria_wide=view.syria_wide,
    )
    return where, filters

"""The lesson a teacher is writing in the app, and the lessons opened from files, kept in
the session (a plain mapping here; Streamlit's session state in the app).

The draft only ever holds steps that passed the lesson checks: "Save step" refuses a step
that cites no event or that the shipped lessons' validator rejects. The draft becomes a
`Lesson` through that same validator (`layers.data.lessons.checked_lesson`), and the file
is written and read by `layers.data.lesson_file`: one schema, one set of checks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from layers.data.filters import filter_events
from layers.data.images import KIND_WORDS, clean_image, encode_base64
from layers.data.lesson_file import (
    NO_EVENT,
    cites_an_event,
    free_id,
    read_lesson_file,
    slug,
    unique_slugs,
)
from layers.data.lessons import (
    Lesson,
    StepFilters,
    StepImage,
    StepView,
    checked_lesson,
    filters_as_view,
    step_parts_from_view,
)
from layers.data.model import Atlas, DatedEvent
from layers.data.problems import Problem, errors_only, problems_from_validation
from layers.data.view import View
from layers.state import lesson_player as presenter
from layers.state.keys import (
    DRAFT_KEY,
    EDITING_KEY,
    LESSON_KEY,
    OPENED_FILES_KEY,
    OPENED_LESSONS_KEY,
    PREVIEW_LESSON_KEY,
    PROJECTOR_KEY,
    editor_key,
)

DRAFT_LABEL = "Your lesson"
STEP_LABEL = "This step"
LESSON_FALLBACK_ID = "my-lesson"
#: The step form's widgets: field of DraftStep -> widget key.
STEP_FIELDS = {
    "title": editor_key("step-title"),
    "text": editor_key("step-text"),
    "notes": editor_key("step-notes"),
    "citations": editor_key("step-citations"),
    "zoom": editor_key("step-zoom"),
    "credit": editor_key("step-image-credit"),
    "alt": editor_key("step-image-alt"),
    "no_image": editor_key("step-image-remove"),
}
FORM_COUNT_KEY = "_lesson-form-count"  # a new key for each opening of the form's uploader
LESSON_FIELD_WORDS = {
    "title": "a title",
    "audience": "an audience (who it is for, how long it takes)",
    "summary": "a summary",
}
LESSON_FIELDS = tuple(LESSON_FIELD_WORDS)


@dataclass(frozen=True)
class DraftStep:
    """A step as the editor holds it: the recorded view and filters, and the author's words."""

    view: StepView
    filters: StepFilters
    highlight: tuple[str, ...] = ()
    title: str = ""
    text: str = ""
    notes: str = ""
    citations: tuple[str, ...] = ()
    image: StepImage | None = None


@dataclass(frozen=True)
class Draft:
    title: str = ""
    audience: str = ""
    summary: str = ""
    steps: tuple[DraftStep, ...] = field(default_factory=tuple)


# --- reading the session -------------------------------------------------------------------


def draft(state: Mapping[str, Any]) -> Draft:
    value = state.get(DRAFT_KEY)
    return value if isinstance(value, Draft) else Draft()


def editing(state: Mapping[str, Any]) -> tuple[int | None, DraftStep] | None:
    """The step open in the editor: (its index, or None for a new step; the step)."""
    return state.get(EDITING_KEY)


def session_lessons(state: Mapping[str, Any]) -> list[Lesson]:
    """Lessons this session added to the shipped ones: those opened from files, and the
    draft while it is previewed (it replaces an opened lesson of the same id)."""
    opened: dict[str, Lesson] = dict(state.get(OPENED_LESSONS_KEY) or {})
    preview = state.get(PREVIEW_LESSON_KEY)
    if isinstance(preview, Lesson):
        opened[preview.id] = preview
    return list(opened.values())


def step_events(step: DraftStep, atlas: Atlas) -> list[DatedEvent]:
    """The events a step shows (its filters, as the stage will apply them): what it may cite."""
    return filter_events(atlas, filters_as_view(step.filters, step.view.site).filters())


# --- changing the draft --------------------------------------------------------------------


def set_lesson_field(state: MutableMapping[str, Any], name: str) -> None:
    """Copy a lesson field's widget into the draft (its on_change): the draft outlives the
    widgets, which Streamlit forgets on a run that does not draw them (the stage's)."""
    value = str(state.get(editor_key(name)) or "")
    state[DRAFT_KEY] = dataclasses.replace(draft(state), **{name: value})


def record_view(
    state: MutableMapping[str, Any], view: View, highlight: Collection[str], atlas: Atlas
) -> str | None:
    """Open a new step recording ``view`` (filters, site, map position) and its highlighted
    events that the step shows, which it also cites to begin with. Returns why the view
    cannot be a step, in words, or None."""
    try:
        where, filters = step_parts_from_view(view, atlas)
    except ValueError as exc:
        return f"This view cannot be a step: {_reason(exc)}."
    step = DraftStep(view=where, filters=filters)
    shown = [dated.id for dated in step_events(step, atlas)]
    if not shown:
        return "This view shows no event, so a step on it could cite nothing."
    marked = tuple(event_id for event_id in shown if event_id in highlight)
    step = dataclasses.replace(step, highlight=marked, citations=marked)
    _open(state, None, step)
    return None


def edit_step(state: MutableMapping[str, Any], index: int) -> None:
    steps = draft(state).steps
    if 0 <= index < len(steps):
        _open(state, index, steps[index])


def keep_form(state: MutableMapping[str, Any], atlas: Atlas) -> None:
    """Copy the form's widgets into the open step (their on_change), so that what was typed
    survives a run that does not draw the form (a preview on the stage)."""
    opened = editing(state)
    if opened is not None:
        state[EDITING_KEY] = (opened[0], form_step(state, opened[1], atlas))


def seed_form(state: MutableMapping[str, Any]) -> None:
    """Give the form's widgets the open step's values where Streamlit forgot them."""
    opened = editing(state)
    if opened is not None and any(key not in state for key in STEP_FIELDS.values()):
        _open(state, *opened)


def read_opened(
    state: MutableMapping[str, Any],
    file_id: str,
    raw: bytes,
    name: str,
    atlas: Atlas,
    shipped_ids: Collection[str],
) -> tuple[str | None, list[Problem]]:
    """Check an opened lesson file once (by the upload's id) and, if it passes, add its
    lesson for this session. Returns (the lesson's id or None, the problems)."""
    done: dict[str, tuple[str | None, list[Problem]]] = state.setdefault(OPENED_FILES_KEY, {})
    if file_id not in done:
        lesson, problems = read_lesson_file(raw, name, atlas, shipped_ids)
        if lesson is not None:
            open_lesson(state, lesson)
        done[file_id] = (lesson.id if lesson is not None else None, problems)
    return done[file_id]


def close_step(state: MutableMapping[str, Any]) -> None:
    """Leave the step form without saving; its widgets are emptied for the next step."""
    state.pop(EDITING_KEY, None)
    for key in STEP_FIELDS.values():
        state.pop(key, None)


def image_key(state: Mapping[str, Any]) -> str:
    """The key of the form's picture uploader (new for each opening: an uploader's value
    cannot be set, so a fresh key is how it starts empty)."""
    return editor_key(f"step-image-{state.get(FORM_COUNT_KEY, 0)}")


def save_step(
    state: MutableMapping[str, Any], atlas: Atlas, upload: bytes | None = None
) -> list[Problem]:
    """Check the step in the form (and ``upload``, a picture for it) and put it into the
    draft, or refuse it. Returns the problems: errors (the step was refused and stays
    open) or warnings (saved)."""
    opened = editing(state)
    if opened is None:
        return []
    index, step = opened
    step = form_step(state, step, atlas)
    image, problems = form_image(state, step, upload)
    if errors_only(problems):
        state[EDITING_KEY] = (index, step)
        return problems
    step = dataclasses.replace(step, image=image)
    problems = check_step(step, atlas)
    if errors_only(problems):
        state[EDITING_KEY] = (index, step)
        return problems
    steps = list(draft(state).steps)
    if index is None:
        steps.append(step)
    else:
        steps[index] = step
    state[DRAFT_KEY] = dataclasses.replace(draft(state), steps=tuple(steps))
    close_step(state)
    return problems


def form_step(state: Mapping[str, Any], step: DraftStep, atlas: Atlas) -> DraftStep:
    """The step with the form's values (its widgets in session state), citations in the
    atlas's date order."""
    cited = set(state.get(STEP_FIELDS["citations"]) or ())
    zoom = state.get(STEP_FIELDS["zoom"], step.view.zoom)
    return dataclasses.replace(
        step,
        title=str(state.get(STEP_FIELDS["title"], step.title) or ""),
        text=str(state.get(STEP_FIELDS["text"], step.text) or ""),
        notes=str(state.get(STEP_FIELDS["notes"], step.notes) or ""),
        citations=tuple(dated.id for dated in atlas.events if dated.id in cited),
        view=step.view.model_copy(update={"zoom": float(zoom)}),
    )


def form_image(
    state: Mapping[str, Any], step: DraftStep, upload: bytes | None
) -> tuple[StepImage | None, list[Problem]]:
    """The step's picture from the form: a new upload (re-encoded without metadata), the
    one it had with the form's credit and alt text, or none ("Remove the picture")."""
    if state.get(STEP_FIELDS["no_image"]):
        return None, []
    if upload is None and step.image is None:
        return None, []
    try:
        if upload is not None:
            raw, media_type = clean_image(upload)
            data = encode_base64(raw)
        else:
            assert step.image is not None
            data, media_type = step.image.data, step.image.media_type
    except ValueError as exc:
        return None, [Problem(STEP_LABEL, f"{exc}; choose {KIND_WORDS}", field="image")]
    credit = str(state.get(STEP_FIELDS["credit"]) or "").strip()
    alt = str(state.get(STEP_FIELDS["alt"]) or "").strip()
    missing = [
        Problem(STEP_LABEL, f"the picture needs {words}", field="image")
        for value, words in (
            (credit, "a credit line (who made it, and the licence or permission)"),
            (alt, "alt text (what it shows, for readers who cannot see it)"),
        )
        if not value
    ]
    if missing:
        return None, missing
    try:
        return StepImage(media_type=media_type, data=data, alt=alt, credit=credit), []
    except ValidationError as exc:
        return None, [
            dataclasses.replace(p, file=STEP_LABEL, index=None, record_id=None)
            for p in problems_from_validation(exc, file=STEP_LABEL, index=None, record_id=None)
        ]


def check_step(step: DraftStep, atlas: Atlas) -> list[Problem]:
    """The editor's rule (a step cites an event) and the shipped lessons' checks, on the
    step alone; problems are named "This step" and its field."""
    empty = [
        Problem(STEP_LABEL, f"needs {words}", field=name)
        for name, words in (("title", "a title"), ("text", "a text"), ("notes", "presenter notes"))
        if not getattr(step, name).strip()
    ]
    if not cites_an_event(step.citations):
        empty.append(Problem(STEP_LABEL, NO_EVENT, field="citations"))
    if empty:
        return empty
    document = _document(
        Draft(title="Check", audience="Check", summary="Check", steps=(step,)),
        lesson_id=LESSON_FALLBACK_ID,
        today=dt.date.today(),
    )
    _, problems = checked_lesson(document, atlas, STEP_LABEL)
    return [dataclasses.replace(p, index=None, record_id=None) for p in problems]


def move_step(state: MutableMapping[str, Any], index: int, delta: int) -> None:
    steps = list(draft(state).steps)
    other = index + delta
    if 0 <= index < len(steps) and 0 <= other < len(steps):
        steps[index], steps[other] = steps[other], steps[index]
        state[DRAFT_KEY] = dataclasses.replace(draft(state), steps=tuple(steps))
        close_step(state)


def remove_step(state: MutableMapping[str, Any], index: int) -> None:
    steps = list(draft(state).steps)
    if 0 <= index < len(steps):
        del steps[index]
        state[DRAFT_KEY] = dataclasses.replace(draft(state), steps=tuple(steps))
        close_step(state)


# --- the draft as a lesson -----------------------------------------------------------------


def draft_id(value: Draft, taken: Collection[str]) -> str:
    """The lesson's id (and file name): from its title, never a shipped lesson's id."""
    return free_id(slug(value.title, LESSON_FALLBACK_ID), taken)


def draft_lesson(
    value: Draft, atlas: Atlas, taken: Collection[str], today: dt.date, *, preview: bool = False
) -> tuple[Lesson | None, list[Problem]]:
    """The draft as a checked lesson, or None and the problems in words. A preview may
    lack the lesson's title, audience and summary (the steps are what it shows)."""
    if preview:
        value = dataclasses.replace(
            value,
            title=value.title.strip() or "Draft lesson",
            audience=value.audience.strip() or "Not given yet",
            summary=value.summary.strip() or "Not given yet",
        )
    missing = [
        Problem(DRAFT_LABEL, f"needs {words}", field=name)
        for name, words in LESSON_FIELD_WORDS.items()
        if not getattr(value, name).strip()
    ]
    if not value.steps:
        missing.append(Problem(DRAFT_LABEL, "has no step yet: add a view as a step"))
    if missing:
        return None, missing
    document = _document(value, draft_id(value, taken), today)
    return checked_lesson(document, atlas, DRAFT_LABEL)


def lesson_as_draft(lesson: Lesson) -> Draft:
    """A lesson (an opened file, a shipped lesson) as a draft to edit."""
    return Draft(
        title=lesson.title,
        audience=lesson.audience,
        summary=lesson.summary,
        steps=tuple(
            DraftStep(
                view=step.view,
                filters=step.filters,
                highlight=tuple(step.highlight_event_ids),
                title=step.title,
                text=step.text,
                notes=step.presenter_notes,
                citations=tuple(step.citations),
                image=step.image,
            )
            for step in lesson.steps
        ),
    )


def start_editing(state: MutableMapping[str, Any], lesson: Lesson) -> None:
    """Put a lesson into the editor (replacing the draft), its fields in the widgets."""
    state[DRAFT_KEY] = lesson_as_draft(lesson)
    for name in LESSON_FIELDS:
        state[editor_key(name)] = getattr(lesson, name)
    close_step(state)


def open_lesson(state: MutableMapping[str, Any], lesson: Lesson) -> None:
    """Add an opened lesson for this session (a later file with its id replaces it)."""
    state[OPENED_LESSONS_KEY] = {**(state.get(OPENED_LESSONS_KEY) or {}), lesson.id: lesson}


def play(
    state: MutableMapping[str, Any],
    lesson: Lesson,
    lessons: Sequence[Lesson],
    atlas: Atlas,
    index: int = 0,
    *,
    projector: bool = False,
) -> None:
    """Present ``lesson`` from step ``index`` as the lesson box would, on the stage if
    ``projector`` (call from a callback: the lesson box is drawn later in the run)."""
    everyone = [item for item in lessons if item.id != lesson.id] + [lesson]
    state[LESSON_KEY] = lesson.id
    presenter.choose_lesson(state, everyone, atlas, lesson.id)
    presenter.go_to_step(state, lesson, index, atlas)
    if projector:
        state[PROJECTOR_KEY] = True


def preview(
    state: MutableMapping[str, Any],
    index: int,
    lessons: Sequence[Lesson],
    atlas: Atlas,
    taken: Collection[str],
    today: dt.date,
) -> list[Problem]:
    """Show the draft on the projector stage at step ``index``; the problems if it cannot."""
    lesson, problems = draft_lesson(draft(state), atlas, taken, today, preview=True)
    if lesson is None:
        return problems
    state[PREVIEW_LESSON_KEY] = lesson
    play(state, lesson, lessons, atlas, index, projector=True)
    return []


# --- helpers -------------------------------------------------------------------------------


def _open(state: MutableMapping[str, Any], index: int | None, step: DraftStep) -> None:
    """Open ``step`` in the form: its values seeded into the form's widgets."""
    state[EDITING_KEY] = (index, step)
    state[STEP_FIELDS["title"]] = step.title
    state[STEP_FIELDS["text"]] = step.text
    state[STEP_FIELDS["notes"]] = step.notes
    state[STEP_FIELDS["citations"]] = list(step.citations)
    state[STEP_FIELDS["zoom"]] = float(step.view.zoom)
    state[STEP_FIELDS["credit"]] = step.image.credit if step.image else ""
    state[STEP_FIELDS["alt"]] = step.image.alt if step.image else ""
    state[STEP_FIELDS["no_image"]] = False
    state[FORM_COUNT_KEY] = int(state.get(FORM_COUNT_KEY, 0)) + 1


def _document(value: Draft, lesson_id: str, today: dt.date) -> dict[str, Any]:
    """The draft as the mapping a lesson file holds, for `checked_lesson`."""
    step_ids = unique_slugs((step.title for step in value.steps), "step")
    return {
        "id": lesson_id,
        "title": value.title,
        "audience": value.audience,
        "summary": value.summary,
        "last_reviewed": today,
        "steps": [
            {
                "id": step_id,
                "title": step.title,
                "text": step.text,
                "citations": list(step.citations),
                "view": step.view.model_dump(mode="python", exclude_none=True),
                "filters": step.filters.model_dump(mode="python", exclude_defaults=True),
                "highlight_event_ids": list(step.highlight),
                "presenter_notes": step.notes,
                **({"image": step.image.model_dump()} if step.image is not None else {}),
            }
            for step_id, step in zip(step_ids, value.steps, strict=True)
        ],
    }


def _reason(exc: ValueError) -> str:
    """A ValueError's words, or a pydantic error's first message."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0] if errors() else {}
        return str(first.get("msg", exc)).removeprefix("Value error, ")
    return str(exc)

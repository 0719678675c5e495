"""Writing a lesson in the app: "Add this view as a step", each step's words and cited
events (with their grades beside the text), reordering, a preview on the projector stage,
"Download lesson" and "Open a lesson file" (this session only).

The draft and every rule live in layers.state.lesson_draft; the file's format and checks in
layers.data.lesson_file and layers.data.lessons (those of the shipped lessons). This module
only draws the widgets, below the map so that nothing it shows can shift the map.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

import streamlit as st

from layers.data.images import decode_base64
from layers.data.lesson_file import file_name, lesson_yaml, problem_words
from layers.data.lessons import Lesson, filters_as_view
from layers.data.model import Atlas
from layers.data.problems import errors_only
from layers.render import html as atlas_html
from layers.render.html import esc
from layers.render.style import plural
from layers.render.words import event_choice_words, filters_in_words
from layers.state import lesson_draft as drafting
from layers.state.keys import EDITOR_NOTES_KEY, EDITOR_SHOWN_KEY, editor_key
from layers.state.scene import Scene
from layers.ui.cached import current_lessons
from layers.ui.page import caption, show_html, widget_label

EDITOR_KEY = "atlas-lesson-editor"  # the section's container: st-key-atlas-lesson-editor
OPEN_KEY = editor_key("open")  # the "Open a lesson file" uploader
SHOWN_KEY = editor_key("shown")  # the toggle that shows the editor
OPEN_LIMIT_MB = 1  # the browser's check; the lesson loader refuses more than 256 KiB itself
TEXT_HEIGHT = 150


def with_session_lessons(state, atlas: Atlas, lessons: list[Lesson]) -> list[Lesson]:
    """The shipped lessons and this session's (opened from files, or the draft while it is
    previewed). A newly opened file is checked here, before the lesson box is drawn, so the
    box lists it in the same run."""
    upload = state.get(OPEN_KEY)
    if upload is not None:
        drafting.read_opened(
            state, upload.file_id, upload.getvalue(), upload.name, atlas, _ids(lessons)
        )
    return [*lessons, *drafting.session_lessons(state)]


def lesson_editor(scene: Scene, lessons: list[Lesson]) -> None:
    """The "Write a lesson" section of the map page."""
    state = st.session_state
    atlas = scene.atlas
    shipped = _ids(current_lessons()[0])
    with st.container(key=EDITOR_KEY, border=True):
        # A toggle, not an expander: a collapsed expander still draws (and reruns) every
        # widget in it, and a reader who is not writing a lesson needs none of them. The
        # toggle's value outlives runs that do not draw it (the stage's preview).
        if SHOWN_KEY not in state:
            state[SHOWN_KEY] = bool(state.get(EDITOR_SHOWN_KEY))
        shown = st.toggle(
            "Write or open a lesson",
            key=SHOWN_KEY,
            on_change=lambda: state.update({EDITOR_SHOWN_KEY: state[SHOWN_KEY]}),
        )
        if not shown:
            return
        caption(
            "Set the map as a step should show it (filters, a site, rows picked in the "
            "sortable table), then add it as a step and write what the class reads. Every "
            "step cites the shown events it rests on. Nothing is saved on the server: "
            "download the lesson to keep it."
        )
        _lesson_fields(state)
        _add_view(scene)
        if drafting.editing(state) is None:
            _notes(state)
        _step_form(atlas)
        _step_list(atlas, lessons, shipped)
        _download(atlas, shipped)
        st.divider()
        _open_file(atlas, lessons)


def _lesson_fields(state) -> None:
    value = drafting.draft(state)
    for name, label, widget in (
        ("title", "Lesson title", st.text_input),
        ("audience", "Audience (who it is for, how long it takes)", st.text_input),
        ("summary", "Summary", st.text_area),
    ):
        key = editor_key(name)
        if key not in state:  # seeded from the draft, which outlives the widget
            state[key] = getattr(value, name)
        widget(label, key=key, on_change=drafting.set_lesson_field, args=(state, name))


def _add_view(scene: Scene) -> None:
    state = st.session_state

    def record() -> None:
        refused = drafting.record_view(state, scene.view, scene.highlight, scene.atlas)
        state[EDITOR_NOTES_KEY] = [("error", refused)] if refused else []

    st.button(
        "Add this view as a step",
        key=editor_key("add-view"),
        icon=":material/add_a_photo:",
        on_click=record,
        help="Records the filters, the chosen site, the map's position and the highlighted "
        "events; then write the step and cite its events",
    )
    where = scene.atlas.site_label(scene.view.site) if scene.view.site else "no site chosen"
    caption(f"This view: {where}; {'; '.join(filters_in_words(scene.atlas, scene.filters))}.")
    if scene.view.entities:
        caption("A step cannot keep the organisations filter: the step will show every event.")


def _step_form(atlas: Atlas) -> None:
    state = st.session_state
    drafting.seed_form(state)
    opened = drafting.editing(state)
    if opened is None:
        return
    index, step = opened
    fields = drafting.STEP_FIELDS
    with st.container(border=True, key=editor_key("step-form")):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.subheader("New step" if index is None else f"Step {index + 1}")
            st.button(
                "Cancel",
                key=editor_key("cancel-step"),
                on_click=_then_clear(drafting.close_step),
                args=(state,),
            )
        _notes(state)
        site = atlas.site_label(step.view.site) if step.view.site else "a point on the map"
        step_filters = filters_as_view(step.filters, step.view.site).filters()
        caption(f"Shows {site}; {'; '.join(filters_in_words(atlas, step_filters))}.")
        shown = {dated.id: dated for dated in drafting.step_events(step, atlas)}
        cited = list(state.get(fields["citations"]) or [])
        options = [*shown, *(c for c in cited if c not in shown)]

        def label(event_id: str) -> str:
            if event_id in shown:
                return event_choice_words(shown[event_id])
            return f"{event_id} (not shown by this step's filters)"

        # The words in a form: typing reruns nothing (the map page is heavy), and Save sends
        # them at once. The cited events are outside it, so their grades update as chosen;
        # in their own column, so the multiselect's height, which changes when it loses
        # focus, cannot move Save between the press and the release of a click.
        words, grades = st.columns([3, 2], gap="medium")
        with words, st.form(editor_key("step-words"), border=False, enter_to_submit=False):
            st.text_input("Step title", key=fields["title"])
            st.text_area("Text (what the class reads)", key=fields["text"], height=TEXT_HEIGHT)
            st.text_area("Presenter notes", key=fields["notes"], height=TEXT_HEIGHT)
            st.slider("Zoom", 6.0, 14.0, step=0.5, format="%.1f", key=fields["zoom"])
            _picture_fields(step)
            st.form_submit_button(
                "Save step",
                key=editor_key("save-step"),
                type="primary",
                icon=":material/check:",
                on_click=_save,
                args=(atlas,),
            )
        with grades:
            st.multiselect(
                "Cited events (from those this step shows)",
                options,
                format_func=lambda i: widget_label(label(i)),
                key=fields["citations"],
                placeholder="Choose the events the text rests on",
                on_change=drafting.keep_form,
                args=(state, atlas),
            )
            show_html(atlas_html.cited_grades_html(atlas, cited))


def _picture_fields(step: drafting.DraftStep) -> None:
    """An optional picture: checked as a PNG or JPEG when the step is saved, with its
    credit line and alt text (both required with a picture)."""
    fields = drafting.STEP_FIELDS
    if step.image is not None:
        st.image(
            decode_base64(step.image.data),
            caption=widget_label(step.image.credit),
            width=240,
        )
        st.checkbox("Remove the picture", key=fields["no_image"])
    st.file_uploader(
        "Picture (optional): PNG or JPEG, at most 300 KB"
        if step.image is None
        else "Replace the picture (PNG or JPEG, at most 300 KB)",
        type=["png", "jpg", "jpeg"],
        key=drafting.image_key(st.session_state),
        max_upload_size=1,
        help="A photo or satellite view you have the right to use. It travels inside the "
        "lesson file; it is checked as an image and stripped of its metadata.",
    )
    st.text_input("Picture credit (who made it; licence or permission)", key=fields["credit"])
    st.text_input("Picture alt text (what it shows)", key=fields["alt"])


def _save(atlas: Atlas) -> None:
    state = st.session_state
    upload = state.get(drafting.image_key(state))
    problems = drafting.save_step(state, atlas, upload.getvalue() if upload else None)
    if errors_only(problems):
        state[EDITOR_NOTES_KEY] = [
            ("error", "Step not saved. " + problem_words(p)) for p in problems
        ]
    else:
        state[EDITOR_NOTES_KEY] = [("info", "Step saved.")] + [
            ("warning", "Check the wording: " + problem_words(p)) for p in problems
        ]


def _then_clear(action):
    """A callback that runs ``action`` after emptying the editor's notes."""

    def run(*args) -> None:
        st.session_state[EDITOR_NOTES_KEY] = []
        action(*args)

    return run


def _notes(state) -> None:
    """The last action's outcome."""
    for severity, words in state.get(EDITOR_NOTES_KEY) or []:
        _note(severity, words)


def _step_list(atlas: Atlas, lessons: list[Lesson], shipped: Collection[str]) -> None:
    state = st.session_state
    steps = drafting.draft(state).steps
    if not steps:
        caption("No step yet.")
        return
    st.markdown(f"**Steps** ({len(steps)})")
    for index, step in enumerate(steps):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.markdown(
                widget_label(f"Step {index + 1}: {step.title}")
                + f" · {plural(len(step.citations), 'cited event')}"
            )
            for name, icon, action, args, disabled in (
                ("Move up", "arrow_upward", drafting.move_step, (index, -1), index == 0),
                (
                    "Move down",
                    "arrow_downward",
                    drafting.move_step,
                    (index, 1),
                    index == len(steps) - 1,
                ),
                ("Edit", "edit", drafting.edit_step, (index,), False),
                ("Remove", "delete", drafting.remove_step, (index,), False),
            ):
                st.button(
                    name,
                    key=editor_key(f"{name.lower().replace(' ', '-')}-{index}"),
                    icon=f":material/{icon}:",
                    on_click=_then_clear(action),
                    args=(state, *args),
                    disabled=disabled,
                )
            st.button(
                "Preview",
                key=editor_key(f"preview-{index}"),
                icon=":material/slideshow:",
                on_click=_preview,
                args=(index, lessons, atlas, shipped),
                help="Show the lesson on the projector stage at this step",
            )


def _preview(index: int, lessons: Sequence[Lesson], atlas: Atlas, shipped: Collection[str]) -> None:
    state = st.session_state
    problems = drafting.preview(state, index, lessons, atlas, shipped, dt.date.today())
    state[EDITOR_NOTES_KEY] = [("error", problem_words(p)) for p in problems]


def _download(atlas: Atlas, shipped: Collection[str]) -> None:
    state = st.session_state
    value = drafting.draft(state)
    if not value.steps:  # the step list says "No step yet."
        return
    lesson, problems = drafting.draft_lesson(value, atlas, shipped, dt.date.today())
    if lesson is None:
        st.download_button(
            "Download lesson",
            data=b"",
            disabled=True,
            key=editor_key("download-off"),
            icon=":material/download:",
        )
        for problem in errors_only(problems):
            _note("error", "Before downloading: " + problem_words(problem))
        return
    st.download_button(
        "Download lesson",
        data=lesson_yaml(lesson).encode("utf-8"),
        file_name=file_name(lesson),
        mime="application/yaml",
        key=editor_key("download"),
        icon=":material/download:",
        type="primary",
    )
    caption(
        f"{file_name(lesson)}: {plural(len(lesson.steps), 'step')}, in the format of the "
        "atlas's own lessons (geodata/lessons/README.md)."
    )
    for problem in problems:
        _note("warning", "Check the wording: " + problem_words(problem))


NOTE_COLOURS = {"error": "#b2182b", "warning": "#b35806", "info": "#4b2991"}


def _note(severity: str, words: str) -> None:
    """One outcome or problem, escaped (it may quote the author's text or a file's name)."""
    role = "alert" if severity == "error" else "status"
    show_html(
        f'<div role="{role}" data-editor-note="{severity}" style="border-left:4px solid '
        f"{NOTE_COLOURS[severity]};background:#fff7ec;padding:.4rem .7rem;margin:.3rem 0;"
        f'color:#222">{esc(words)}</div>'
    )


def _open_file(atlas: Atlas, lessons: list[Lesson]) -> None:
    state = st.session_state
    st.file_uploader(
        "Open a lesson file",
        type=["yaml", "yml"],
        key=OPEN_KEY,
        max_upload_size=OPEN_LIMIT_MB,
        help="A lesson file downloaded from here or written by hand. It is checked like the "
        "atlas's own lessons and kept for this session only; nothing is saved on the server.",
    )
    upload = state.get(OPEN_KEY)
    if upload is None:
        return
    lesson_id, problems = drafting.read_opened(
        state, upload.file_id, upload.getvalue(), upload.name, atlas, _ids(current_lessons()[0])
    )
    opened = {lesson.id: lesson for lesson in drafting.session_lessons(state)}
    if lesson_id is None or lesson_id not in opened:
        for problem in problems:
            _note("error", "Not opened: " + problem_words(problem))
        return
    lesson = opened[lesson_id]
    show_html(
        f'<div role="status" data-editor-note="opened" class="atlas-caveat">Opened '
        f"“{esc(lesson.title)}” ({plural(len(lesson.steps), 'step')}) for this session: it is "
        "in the Lesson box.</div>"
    )
    for problem in problems:
        _note("warning", problem_words(problem))
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Play it",
            key=editor_key("play-opened"),
            icon=":material/play_arrow:",
            on_click=drafting.play,
            args=(state, lesson, lessons, atlas),
        )
        st.button(
            "Play it on the stage",
            key=editor_key("stage-opened"),
            icon=":material/slideshow:",
            on_click=drafting.play,
            args=(state, lesson, lessons, atlas),
            kwargs={"projector": True},
        )
        st.button(
            "Edit it here",
            key=editor_key("edit-opened"),
            icon=":material/edit:",
            on_click=_then_clear(drafting.start_editing),
            args=(state, lesson),
            help="Replaces the lesson being written above",
        )


def _ids(lessons: Sequence[Lesson]) -> set[str]:
    return {lesson.id for lesson in lessons}

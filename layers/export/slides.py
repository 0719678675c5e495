"""A lesson as a PowerPoint file (python-pptx): a title slide, one slide per step, a slide
explaining the evidence grades, and the sources.

Why: teachers present from PowerPoint, Keynote, LibreOffice Impress or Google Slides, all
of which open a plain .pptx built on python-pptx's default template. Each step slide holds
the step's figure as a picture (`layers.export.figure`, drawn for the step's filters,
centre and zoom, its highlighted events ringed), its text, its cited events with dates and
both grades in words, and the presenter notes as speaker notes. All words are text boxes,
so a teacher can edit them; only the map is a picture.

The grades slide quotes the method text (``geodata/method.md``, `layers.data.method`), so
the grades are explained in one wording wherever the atlas explains them. Sources are
numbered once for the whole lesson; a step cites them as [notes 3, 4].
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Emu, Inches, Pt

from layers.data.images import decode_base64
from layers.data.lessons import Lesson, LessonStep, StepImage, step_filters, step_view
from layers.data.load import data_dir
from layers.data.method import grade_meanings, method_text
from layers.data.model import Atlas, DatedEvent
from layers.export.figure import Frame, figure_bytes
from layers.export.figure.notes import Notes, event_line, number_ranges
from layers.export.formats import xml_chars
from layers.render.style import GRADE_STYLES, NO_LINK_STYLE, GradeStyle
from layers.render.words import citation_text, day_label

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 13.333 × 7.5 in, PowerPoint's 16:9
PICTURE_DPI = 150  # sharp on a projector, and a lesson of 11 steps stays a few megabytes
_TITLE_ONLY, _TITLE = 5, 0  # layouts of python-pptx's default template
_SHAPES = {
    "square": MSO_SHAPE.RECTANGLE,
    "circle": MSO_SHAPE.OVAL,
    "triangle-up": MSO_SHAPE.ISOSCELES_TRIANGLE,
    "diamond": MSO_SHAPE.DIAMOND,
    "cross": MSO_SHAPE.NO_SYMBOL,
}
SOURCES_ELSEWHERE = (
    "Sources: numbered on the lesson's sources slides; each cited event gives its notes."
)


def _t(value: object) -> str:
    """Text from data as a slide may hold it (no characters XML cannot hold)."""
    return xml_chars(str(value))


def lesson_slides(atlas: Atlas, lesson: Lesson, *, made_at: dt.datetime | None = None) -> bytes:
    """The lesson as .pptx bytes."""
    when = made_at or dt.datetime.now(dt.UTC)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    events = {d.id: d for d in atlas.events}
    notes = _lesson_notes(atlas, lesson)
    _title_slide(deck, atlas, lesson, when)
    for index, step in enumerate(lesson.steps):
        _step_slide(deck, atlas, lesson, index, step, events, notes, when)
    _grades_slide(deck)
    _sources_slides(deck, notes)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _lesson_notes(atlas: Atlas, lesson: Lesson) -> Notes:
    """Every source the lesson rests on, numbered in the order the steps cite them."""
    events = {d.id: d for d in atlas.events}
    number: dict[str, int] = {}
    for step in lesson.steps:
        for citation in step.citations:
            ids = events[citation].event.source_ids if citation in events else [citation]
            for source_id in ids:
                if source_id in atlas.sources and source_id not in number:
                    number[source_id] = len(number) + 1
    return Notes(tuple(atlas.sources[s] for s in number), number)


def _text_box(slide, left, top, width, height, paragraphs: list[tuple[str, float, bool]]):
    """A word-wrapped text box of (text, points, bold) paragraphs."""
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for index, (text, points, bold) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = _t(text)
        run.font.size = Pt(points)
        run.font.bold = bold
        paragraph.space_after = Pt(points * 0.4)
    return frame


def _title_slide(deck, atlas: Atlas, lesson: Lesson, when: dt.datetime) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE])
    slide.shapes.title.text = _t(lesson.title)
    info = atlas.info
    slide.placeholders[1].text = _t(
        f"{lesson.audience}\n{info.title}, version {info.version}. Lesson reviewed "
        f"{day_label(lesson.last_reviewed)}; slides made {day_label(when.date())}."
    )
    slide.notes_slide.notes_text_frame.text = _t(lesson.summary)


def _step_slide(
    deck,
    atlas: Atlas,
    lesson: Lesson,
    index: int,
    step: LessonStep,
    events: dict[str, DatedEvent],
    notes: Notes,
    when: dt.datetime,
) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY])
    title = slide.shapes.title
    title.left, title.top = Inches(0.4), Inches(0.25)
    title.width, title.height = Inches(12.5), Inches(0.9)
    title.text = _t(f"{index + 1}. {step.title}")
    title.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
    lat, lon, zoom = step_view(step, atlas)
    picture = figure_bytes(
        atlas,
        step_filters(step, atlas),
        "png",
        size="16:9",
        highlight=frozenset(step.highlight_event_ids),
        frame=Frame.around(lat, lon, zoom),
        title=f"{lesson.title}: step {index + 1} of {len(lesson.steps)}, {step.title}",
        drawn_at=when,
        sources_elsewhere=SOURCES_ELSEWHERE,
        dpi=PICTURE_DPI,
    )
    width = Inches(8.0)
    slide.shapes.add_picture(io.BytesIO(picture), Inches(0.4), Inches(1.2), width=width)
    text_height = Inches(4.6) if step.image is None else Inches(2.3)
    _text_box(slide, Inches(8.6), Inches(1.2), Inches(4.4), text_height, [(step.text, 13, False)])
    if step.image is not None:
        _step_picture(slide, step.image, Inches(8.6), Inches(3.6))
    lines: list[tuple[str, float, bool]] = [("Cited", 11, True)]
    for citation in step.citations:
        if citation in events:
            lines.append((f"• {event_line(events[citation], notes)}", 10, False))
        elif citation in atlas.sources:
            refs = number_ranges([notes.number[citation]]) if citation in notes.number else ""
            lines.append(
                (f"• Source [note {refs}]: {citation_text(atlas.sources[citation])}", 10, False)
            )
    _text_box(slide, Inches(0.4), Inches(5.85), Inches(12.5), Inches(1.5), lines)
    slide.notes_slide.notes_text_frame.text = _t(step.presenter_notes)


def _step_picture(slide, image: StepImage, left: Emu, top: Emu) -> None:
    """The teacher's picture for the step (checked as a PNG or JPEG when the lesson was
    read), fitted into 4.4 x 1.9 inches, its alt text as the picture's description and
    its credit line under it."""
    raw = decode_base64(image.data)
    with Image.open(io.BytesIO(raw)) as probe:
        width, height = probe.size
    box_w, box_h = Inches(4.4), Inches(1.9)
    scale = min(box_w / width, box_h / height)
    picture = slide.shapes.add_picture(
        io.BytesIO(raw), left, top, width=Emu(int(width * scale)), height=Emu(int(height * scale))
    )
    picture._element.nvPicPr.cNvPr.set("descr", _t(image.alt))
    _text_box(slide, left, Emu(top + box_h), box_w, Inches(0.4), [(image.credit, 9, False)])


def _grades_slide(deck) -> None:
    """Each grade's shape (drawn, not pictured), its name and its meaning from the method."""
    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY])
    slide.shapes.title.text = "How strong is the evidence? The five grades"
    meanings = grade_meanings(method_text(data_dir()))
    styles = [*GRADE_STYLES.values(), NO_LINK_STYLE]
    top = Inches(1.55)
    step = Inches(0.88)
    for row, style in enumerate(styles):
        y = Emu(top + row * step)
        _grade_shape(slide, style, Inches(0.6), y)
        meaning = _meaning(style, meanings)
        _text_box(
            slide,
            Inches(1.3),
            y - Inches(0.08),
            Inches(11.6),
            step,
            [(style.label, 14, True), (meaning, 11, False)],
        )
    _text_box(
        slide,
        Inches(0.6),
        Inches(6.95),
        Inches(12.2),
        Inches(0.5),
        [
            (
                "Each event has two grades: its own, and that of what it says about North Korea. A "
                "map marker shows the strongest North Korean link among the shown events.",
                10,
                False,
            )
        ],
    )


def _meaning(style: GradeStyle, meanings: dict[str, str]) -> str:
    if style is NO_LINK_STYLE:
        return "The shown events at that site document no North Korean link (drawn grey, hollow)."
    return meanings.get(style.label) or meanings.get(style.label.split(" (")[0]) or ""


def _grade_shape(slide, style: GradeStyle, left, top) -> None:
    size = Inches(0.42)
    shape = slide.shapes.add_shape(_SHAPES[style.shape], left, top, size, size)
    stroke = RGBColor.from_string(style.stroke.lstrip("#"))
    shape.line.color.rgb = stroke
    shape.line.width = Pt(2)
    if style.dashed:
        shape.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    if style.fill == "none":
        shape.fill.background()
    else:
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(style.fill.lstrip("#"))


def _sources_slides(deck, notes: Notes) -> None:
    """The numbered sources, as many slides as they need."""
    pages = list(_pages(notes.lines())) or [["No sources are cited."]]
    for number, page in enumerate(pages, start=1):
        slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY])
        more = f" ({number} of {len(pages)})" if len(pages) > 1 else ""
        slide.shapes.title.text = f"Sources{more}"
        _text_box(
            slide,
            Inches(0.5),
            Inches(1.4),
            Inches(12.3),
            Inches(5.9),
            [(line, 9, False) for line in page],
        )


def _pages(lines: list[str], per_page: int = 34) -> Iterator[list[str]]:
    """Group notes by the lines they take at 9 pt across the slide (about 170 characters)."""
    page: list[str] = []
    used = 0
    for line in lines:
        need = len(line) // 170 + 1
        if page and used + need > per_page:
            yield page
            page, used = [], 0
        page.append(line)
        used += need
    if page:
        yield page

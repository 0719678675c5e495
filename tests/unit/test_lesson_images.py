"""A lesson step's picture: PNG or JPEG only, checked by decoding it with Pillow, size-limited,
re-encoded without metadata, with a required credit line and alt text, carried inside the
lesson file and shown as an image (never as SVG or HTML)."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
import yaml
from PIL import Image

from layers.data.images import MAX_IMAGE_BYTES, check_image, clean_image
from layers.data.lesson_file import lesson_yaml, problem_words, read_lesson_file
from layers.data.problems import errors_only
from layers.data.view import View
from layers.export.lesson_bundle import lesson_html
from layers.render.html import lesson_step_html, stage_step_html
from layers.state import lesson_draft as drafting
from tests.factories import shipped_atlas

TODAY = dt.date(2026, 11, 29)
F = drafting.STEP_FIELDS


def _image(fmt: str = "PNG", size: tuple[int, int] = (40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


@pytest.fixture(scope="module")
def atlas():
    return shipped_atlas()


def _step_with(
    atlas,
    upload: bytes | None,
    credit: str = "Photo: A. Teacher, CC BY 4.0",
    alt: str = "A red square",
) -> tuple[dict, list]:
    state: dict = {}
    assert drafting.record_view(state, View(site="S1", zoom=9.0), {"E06"}, atlas) is None
    state.update(
        {
            F["title"]: "A claim",
            F["text"]: "According to NHK, a claim.",
            F["notes"]: "Alleged.",
            F["credit"]: credit,
            F["alt"]: alt,
        }
    )
    return state, drafting.save_step(state, atlas, upload)


def test_png_and_jpeg_pass_and_lose_their_metadata() -> None:
    assert check_image(_image("PNG")) == "image/png"
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    jpeg = _image("JPEG", exif=exif.tobytes())
    assert b"SecretCam" in jpeg
    cleaned, media_type = clean_image(jpeg)
    assert media_type == "image/jpeg" and b"SecretCam" not in cleaned


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG or HTML"),
        (b"<!doctype html><img src=x onerror=alert(1)>", "SVG or HTML"),
        (_image("GIF"), "this is GIF, not a PNG or JPEG image"),
        (_image("PNG")[:60], "not a PNG or JPEG image that can be read"),
        (b"\x89PNG\r\n\x1a\n" + b"junk" * 20, "not a PNG or JPEG image that can be read"),
        (b"x" * (MAX_IMAGE_BYTES + 1), "the limit is"),
        (_image("PNG", size=(4001, 2)), "at most 4000 a side"),
    ],
)
def test_anything_else_is_refused_in_words(raw: bytes, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        check_image(raw)


def test_a_picture_travels_in_the_file_and_is_shown_as_an_image(atlas) -> None:
    state, problems = _step_with(atlas, _image("PNG"), alt='A "red" square & more')
    assert not errors_only(problems), problems
    step = drafting.draft(state).steps[0]
    assert step.image is not None and step.image.media_type == "image/png"
    draft = drafting.Draft(title="Pictures", audience="A class", summary="One.", steps=(step,))
    lesson, problems = drafting.draft_lesson(draft, atlas, set(), TODAY)
    assert lesson is not None, problems
    text = lesson_yaml(lesson)
    assert yaml.safe_load(text)["steps"][0]["image"]["credit"] == "Photo: A. Teacher, CC BY 4.0"
    back, found = read_lesson_file(text.encode(), "p.yaml", atlas, set())
    assert back == lesson and not errors_only(found)
    for render in (lesson_step_html, stage_step_html):
        html = render(atlas, "Pictures", 0, 1, step.title, step.text, step.citations, step.image)
        assert f'<img src="data:image/png;base64,{step.image.data}"' in html
        assert 'alt="A &#34;red&#34; square &amp; more"' in html
        assert "<figcaption>Photo: A. Teacher, CC BY 4.0</figcaption>" in html
    # The lesson's offline page carries it too (its CSP allows data: images only).
    page = lesson_html(atlas, lesson).decode()
    assert f'<img src="data:image/png;base64,{step.image.data}"' in page
    assert "<figcaption>Photo: A. Teacher, CC BY 4.0</figcaption>" in page


def test_a_picture_needs_a_credit_and_alt_text(atlas) -> None:
    state, problems = _step_with(atlas, _image("PNG"), credit="", alt=" ")
    assert [problem_words(p) for p in problems] == [
        "This step, picture: the picture needs a credit line (who made it, and the licence "
        "or permission)",
        "This step, picture: the picture needs alt text (what it shows, for readers who "
        "cannot see it)",
    ]
    assert drafting.draft(state).steps == ()


def test_an_svg_upload_is_refused_and_the_step_not_saved(atlas) -> None:
    state, problems = _step_with(atlas, b"<svg onload=alert(1)></svg>")
    assert problem_words(problems[0]).startswith("This step, picture: this is SVG or HTML text")
    assert drafting.draft(state).steps == ()


def test_a_file_smuggling_svg_as_png_is_refused(atlas) -> None:
    state, _ = _step_with(atlas, _image("PNG"))
    step = drafting.draft(state).steps[0]
    draft = drafting.Draft(title="Pictures", audience="A class", summary="One.", steps=(step,))
    lesson, _ = drafting.draft_lesson(draft, atlas, set(), TODAY)
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    text = lesson_yaml(lesson).replace(step.image.data, svg)
    back, found = read_lesson_file(text.encode(), "p.yaml", atlas, set())
    assert back is None
    assert [problem_words(p) for p in found] == [
        "p.yaml, step 1, picture: this is SVG or HTML text, not a PNG or JPEG image"
    ]
    not_base64 = lesson_yaml(lesson).replace(step.image.data, "<script>x</script>")
    back, found = read_lesson_file(not_base64.encode(), "p.yaml", atlas, set())
    assert back is None and "picture (data)" in problem_words(found[0])
    markup = lesson_yaml(lesson).replace("alt: A red square", "alt: A <b>red</b> square")
    back, found = read_lesson_file(markup.encode(), "p.yaml", atlas, set())
    assert back is None and problem_words(found[0]).startswith(
        "p.yaml, step 1, picture (alt): must be plain text"
    )


def test_removing_and_keeping_a_picture(atlas) -> None:
    state, _ = _step_with(atlas, _image("PNG"))
    drafting.edit_step(state, 0)
    assert state[F["credit"]] == "Photo: A. Teacher, CC BY 4.0"
    state[F["alt"]] = "A red square, again"
    assert not errors_only(drafting.save_step(state, atlas))  # no new upload: kept
    assert drafting.draft(state).steps[0].image.alt == "A red square, again"
    drafting.edit_step(state, 0)
    state[F["no_image"]] = True
    drafting.save_step(state, atlas)
    assert drafting.draft(state).steps[0].image is None


def test_the_picture_goes_into_the_slides_with_its_alt_text_and_credit(atlas) -> None:
    from pptx import Presentation

    from layers.export.slides import lesson_slides

    state, _ = _step_with(atlas, _image("PNG", size=(80, 40)))
    step = drafting.draft(state).steps[0]
    draft = drafting.Draft(title="Pictures", audience="A class", summary="One.", steps=(step,))
    lesson, _ = drafting.draft_lesson(draft, atlas, set(), TODAY)
    deck = Presentation(io.BytesIO(lesson_slides(atlas, lesson)))
    slide = next(s for s in deck.slides if s.shapes.title and "A claim" in s.shapes.title.text)
    pictures = [shape for shape in slide.shapes if shape.shape_type == 13]  # PICTURE
    assert len(pictures) == 2  # the step's map figure, and the teacher's picture
    mine = pictures[1]
    assert mine._element.nvPicPr.cNvPr.get("descr") == "A red square"
    assert Image.open(io.BytesIO(mine.image.blob)).size == (80, 40)
    texts = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert "Photo: A. Teacher, CC BY 4.0" in texts

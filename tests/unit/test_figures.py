"""Figures of the view (layers.export.figure): PNG, SVG and PDF open, state every grade and
each shown site in words, as text; the same filters give the same marks; hostile text in the
data stays text; and the command line writes them."""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from PIL import Image
from pypdf import PdfReader

from factories import event, layer, shipped_atlas, site_feature, source, write_dataset
from layers.__main__ import main
from layers.data.filters import Filters, filter_events, sites_shown
from layers.data.load import load_atlas
from layers.data.schema import Grade, LinkType
from layers.export import FORMATS, export_bytes
from layers.export.figure import DPI, SIZES, figure_bytes
from layers.export.figure.layout import LINE_SPACING, chars_across, wrap_lines, write
from layers.export.figure.png import png_bytes
from layers.render.style import GRADE_STYLES, NO_LINK_STYLE

SVG = "{http://www.w3.org/2000/svg}"
WHEN = dt.datetime(2026, 11, 26, 12, 30, 5, tzinfo=dt.UTC)
LATER = dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
LEGEND_WORDS = [style.label for style in [*GRADE_STYLES.values(), NO_LINK_STYLE]]
# Markup, template syntax, a formula, TeX maths (matplotlib would typeset $…$) and a control
# character that XML cannot hold.
HOSTILE = '<script>alert(1)</script> & "q" {{ 7*7 }} =SUM(A1) $\\frac{1}{2}$ x\x07y'
HOSTILE_SHOWN = HOSTILE.replace("\x07", "\ufffd")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _svg_text(data: bytes) -> str:
    """Every <text> of the SVG, in document order, as one line of words."""
    root = ET.fromstring(data)
    return _words(" ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text")))


def _pdf_text(data: bytes) -> str:
    return _words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _site_marks(data: bytes) -> dict[str, str]:
    """Site id -> the SVG of its mark (matplotlib writes a scatter's gid as the group id)."""
    root = ET.fromstring(data)
    return {
        g.get("id").removeprefix("site-"): ET.tostring(g, encoding="unicode")
        for g in root.iter(f"{SVG}g")
        if (g.get("id") or "").startswith("site-")
    }


@pytest.fixture(scope="module")
def atlas():
    return shipped_atlas()


@pytest.fixture(scope="module")
def whole_map_svg(atlas) -> bytes:
    return figure_bytes(atlas, Filters(), "svg", drawn_at=WHEN)


def test_png_opens_at_300_dpi_on_an_a4_landscape_page(atlas):
    data = figure_bytes(atlas, Filters(site_ids=frozenset({"S1"})), "png", drawn_at=WHEN)
    image = Image.open(io.BytesIO(data))
    image.verify()
    image = Image.open(io.BytesIO(data))
    width, height = SIZES["a4"]
    assert image.format == "PNG"
    assert image.width == pytest.approx(width * DPI, abs=2)
    assert image.height % round(height * DPI) <= 2  # the map page, plus any pages of notes
    assert image.info["dpi"] == pytest.approx((DPI, DPI), abs=0.5)


@pytest.mark.parametrize("size", list(SIZES))
def test_every_size_is_landscape_at_its_page_size(atlas, size):
    root = ET.fromstring(
        figure_bytes(atlas, Filters(site_ids=frozenset({"S5"})), "svg", size=size, drawn_at=WHEN)
    )
    width, height = (float(root.get(side).removesuffix("pt")) for side in ("width", "height"))
    assert width == pytest.approx(SIZES[size][0] * 72, abs=1)
    assert height / (SIZES[size][1] * 72) == pytest.approx(round(height / (SIZES[size][1] * 72)))
    assert width > SIZES[size][1] * 72  # landscape


def test_svg_keeps_words_as_text_with_every_grade_and_each_shown_site(atlas, whole_map_svg):
    text = _svg_text(whole_map_svg)
    for words in LEGEND_WORDS:
        assert words in text
    shown = sites_shown(atlas, Filters(), filter_events(atlas, Filters()))
    assert len(shown) >= 5
    for site in shown:
        assert _words(site.name) in text
        assert _words(site.label) in text  # the map's own label beside the marker
    assert "Dataset: DPRK–Syria Atlas dataset, version 1.0.0" in text
    assert "Drawn 26 November 2026" in text
    assert "Filters: years 1966–" in text
    assert b"<path" in whole_map_svg and b"font-family" in whole_map_svg  # text, not outlines


def test_every_source_of_the_shown_events_is_a_numbered_note(atlas, whole_map_svg):
    text = _svg_text(whole_map_svg)
    events = filter_events(atlas, Filters())
    cited = {s for d in events for s in d.event.source_ids}
    numbers = [int(n) for n in re.findall(r"(?:^| )(\d+)\. ", text)]
    assert len(cited) > 50
    assert sorted(set(numbers) & set(range(1, len(cited) + 1))) == list(range(1, len(cited) + 1))
    for source_id in cited:
        assert _words(atlas.sources[source_id].publisher) in text


def test_pdf_text_is_selectable_truetype_with_the_legend_and_sites(atlas):
    filters = Filters(grades=frozenset({Grade.ALLEGED}))
    data = figure_bytes(atlas, filters, "pdf", size="letter", drawn_at=WHEN)
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (792, 612)
    text = _pdf_text(data)
    for words in LEGEND_WORDS:
        assert words in text
    shown = sites_shown(atlas, filters, filter_events(atlas, filters))
    assert shown
    for site in shown:
        assert _words(site.name) in text
    fonts = {
        font.get_object()["/Subtype"]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts <= {"/TrueType", "/Type0"} and fonts  # embedded TrueType, not Type 3 outlines


def test_the_same_filters_draw_the_same_marks_and_other_filters_others(atlas, whole_map_svg):
    again = figure_bytes(atlas, Filters(), "svg", drawn_at=LATER)
    marks = _site_marks(whole_map_svg)
    assert marks == _site_marks(again)
    shown = sites_shown(atlas, Filters(), filter_events(atlas, Filters()))
    assert set(marks) == {site.id for site in shown}  # what the map's own filter code shows
    nuclear = Filters(link_types=frozenset({LinkType.NUCLEAR}))
    fewer = _site_marks(figure_bytes(atlas, nuclear, "svg", drawn_at=WHEN))
    expected = {s.id for s in sites_shown(atlas, nuclear, filter_events(atlas, nuclear))}
    assert set(fewer) == expected != set(marks)


def test_highlighted_events_are_ringed_and_listed_with_both_grades(atlas):
    filters = Filters(site_ids=frozenset({"S1"}))
    plain = _svg_text(figure_bytes(atlas, filters, "svg", drawn_at=WHEN))
    ringed = _svg_text(
        figure_bytes(atlas, filters, "svg", drawn_at=WHEN, highlight=frozenset({"E05"}))
    )
    assert "Highlighted events" not in plain and "Thick ring" not in plain
    assert "Highlighted events" in ringed and "Thick ring: a site of a highlighted event" in ringed
    assert "6 September 2007: " in ringed
    assert "Event: government statement · North Korean link: not addressed" in ringed


@pytest.fixture
def hostile(tmp_path):
    layers = {"a": layer("a", site_feature("S1", name=HOSTILE, short_name="<b>$x^2$</b>"))}
    events = [event("E01", ["S1"], title=HOSTILE, grade="alleged")]
    loaded = load_atlas(
        write_dataset(tmp_path / "data", layers, events, [source(title=HOSTILE, publisher="P")])
    )
    assert loaded.problems == ()
    return loaded


def test_hostile_text_in_the_data_shows_as_text(hostile):
    filters = Filters(site_ids=frozenset({"S1"}))
    svg = figure_bytes(hostile, filters, "svg", drawn_at=WHEN, highlight=frozenset({"E01"}))
    root = ET.fromstring(svg)  # still well-formed XML
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    text = _svg_text(svg)
    assert _words(HOSTILE_SHOWN) in text  # the name, the title and the source's title
    assert text.count("$\\frac{1}{2}$") >= 3  # not typeset as maths
    assert "<b>$x^2$</b>" in text  # the short name, the map's label
    pdf = figure_bytes(hostile, filters, "pdf", drawn_at=WHEN)
    assert "<script>alert(1)</script>" in _pdf_text(pdf)
    png = figure_bytes(hostile, filters, "png", drawn_at=WHEN, size="16:9")
    Image.open(io.BytesIO(png)).verify()


def test_export_bytes_names_the_figure_with_the_version_filters_and_day(atlas):
    data, name, mime = export_bytes(atlas, Filters(), "pdf", exported_at=WHEN, size="16:9")
    assert data.startswith(b"%PDF")
    assert (name, mime) == ("dprk-syria-atlas-1.0.0-all-20261126.pdf", "application/pdf")
    assert FORMATS["svg"] == (".svg", "image/svg+xml")


def test_the_command_line_writes_a_figure_of_one_site(tmp_path, capsys):
    out = tmp_path / "kibar.svg"
    args = ["export", "--format", "svg", "--site", "S1", "--size", "16:9", "-o", str(out)]
    assert main(args) == 0
    text = _svg_text(out.read_bytes())
    assert "Al Kibar suspected reactor site" in text
    assert "only events at Al Kibar" in text
    assert "wrote 11 event(s) as svg" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv", "--size", "a4"], "--size applies to the figure formats"),
        (["--format", "png", "--size", "a3"], "invalid choice: 'a3'"),
        (["--format", "pptx"], "--format pptx needs --lesson"),
        (["--format", "png", "--lesson", "x"], "--format pptx needs --lesson"),
        (["--format", "pptx", "--lesson", "nope"], "no valid lesson 'nope'"),
        (["--format", "pptx", "--lesson", "x", "--grade", "alleged"], "takes no filters"),
    ],
)
def test_the_command_line_refuses_bad_figure_and_slide_options(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exit_:
        main(["export", *args, "-o", str(tmp_path / "out.bin")])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.bin").exists()


def test_the_png_writer_keeps_every_pixel_the_resolution_and_a_non_latin_title():
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    data = png_bytes(pixels, 300, {"Title": "DPRK–Syria: 조선 $x$"})
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.mode == "RGBA" and image.size == (53, 37)
    assert (np.asarray(image) == pixels).all()
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.5)
    assert image.info["Title"] == "DPRK–Syria: 조선 $x$"


def _svg_baselines(fig: Figure) -> list[float]:
    """The y of every <text> the SVG writer places with a translate (a line of a block)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    found = [
        re.search(r"translate\(([\d.]+) ([\d.]+)\)", text.get("transform") or "")
        for text in ET.fromstring(buffer.getvalue()).iter(f"{SVG}text")
    ]
    return [float(match.group(2)) for match in found if match]


def test_a_block_of_lines_sits_where_a_matplotlib_text_of_them_would():
    """`write` draws each line itself (no measuring first): the baselines must be a Text's."""
    lines = "Sources (numbered notes)\n1. Reuters, a title, 2008\n   https://example.org/x"
    ours, theirs = Figure(figsize=(4, 3)), Figure(figsize=(4, 3))
    write(ours, 0.3, 2.5, lines, 6.5)
    theirs.text(0.3 / 4, 2.5 / 3, lines, fontsize=6.5, va="top", linespacing=LINE_SPACING)
    drawn = _svg_baselines(ours)
    assert len(drawn) == 3
    assert drawn == pytest.approx(_svg_baselines(theirs), abs=0.05)


def test_a_percent_encoded_address_stays_inside_its_column_of_notes():
    """A Korean title's address is mostly "%" and digits: wrapped by the average width of a
    character, it ran over the next column of notes."""
    note = (
        "52. Yonhap News Agency, 백남순, date unknown, https://www.dailynk.com/%eb%b0%b1%eb%82"
        "%a8%ec%88%9c-%ec%8b%9c%eb%a6%ac%ec%95%84%ec%99%80-%ea%b4%80%ea%b3%84-%ed%99%95%eb%8c"
        "%80/ (relay: DailyNK (Korean))"
    )
    column_in, points = 2.3, 6.5
    lines = wrap_lines(note, chars_across(column_in, points), subsequent_indent="   ")
    measure = TextToPath().get_text_width_height_descent
    widths = [measure(line, FontProperties(size=points), ismath=False)[0] for line in lines]
    assert len(lines) > 2
    assert max(widths) <= column_in * 72

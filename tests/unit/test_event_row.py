"""One event says the same in every table of events: the HTML table (page and offline
bundle), the sortable table and the exports' rows all take their cells from
`layers.render.event_row`, so a column's wording cannot drift between them."""

from __future__ import annotations

import lxml.html
import pytest

from layers.data.load import load_atlas
from layers.data.model import SYRIA_WIDE
from layers.export.table import rows
from layers.render import html as atlas_html
from layers.render.event_row import event_row
from layers.render.table import events_frame
from tests.factories import event, layer, shipped_atlas, site_feature, source, write_dataset


def _odd_atlas(tmp_path):
    """The cases a row has to word: several sites (one not loaded), Syria-wide, a source id
    that resolves to nothing, a source without a title, markup in a site name."""
    layers = {"a": layer("a", site_feature("S1", name="<b>Al & Kibar</b>"), site_feature("S2"))}
    events = [
        event("E01", ["S1", "S2", "S9"], source_ids=["src-a", "gone", "src-b"]),
        event("E02", [], link_types=["none"], grade="alleged", date="2013"),
        event("E03", ["S2"], link_types=["missile", "nuclear"], link_grade="alleged"),
    ]
    sources = [
        source(author="An Author"),
        source(
            "src-b", url=None, url_kind=None, title=None, description="A leaflet", title_note="lost"
        ),
    ]
    return load_atlas(write_dataset(tmp_path, layers, events, sources))


def _html_cells(atlas, events, notes=None) -> dict[str, dict[str, lxml.html.HtmlElement]]:
    """Event id -> column label -> that cell of the HTML table."""
    table = lxml.html.fromstring(atlas_html.events_table_html(atlas, events, notes=notes))
    return {
        tr.get("data-event-id"): {td.get("data-label"): td for td in tr.findall("td")}
        for tr in table.iter("tr")
        if tr.get("data-event-id")
    }


@pytest.mark.parametrize("which", ["shipped", "odd"])
def test_every_table_words_an_event_alike(which, tmp_path):
    atlas = shipped_atlas() if which == "shipped" else _odd_atlas(tmp_path)
    events = list(atlas.events)
    assert len(events) >= 3
    frame = events_frame(atlas, events).set_index("ID")
    exported: dict[str, list[dict]] = {}
    for record in rows(atlas, events):
        exported.setdefault(record["event_id"], []).append(record)
    cells = _html_cells(atlas, events)
    handout = _html_cells(atlas, events, notes=atlas_html.source_numbers(atlas))
    for dated in events:
        row, shown, out, td = (
            event_row(atlas, dated),
            frame.loc[dated.id],
            exported[dated.id],
            cells[dated.id],
        )
        # The date at its precision.
        assert shown["Date"] == td["Date"].text_content() == row.date
        assert {r["date_label"] for r in out} == {row.date}
        # The sites, or "Syria-wide": one export row per site, named as the tables name it.
        assert shown["Site"] == td["Site"].text_content() == row.site_text
        assert [r["site_name"] for r in out] == ([s.name for s in row.sites] or [SYRIA_WIDE])
        assert [r["site_id"] for r in out] == (list(dated.event.site_ids) or [None])
        full = [s.text_content() for s in handout[dated.id]["Site"].find_class("atlas-site-full")]
        assert full == [s.name for s in row.sites]
        # The title, and both grades in words.
        assert shown["Event"] == td["Event"].find("strong").text_content() == row.title
        assert shown["Event grade"] == row.grade and {r["grade_label"] for r in out} == {row.grade}
        assert f"Event: {row.grade}" in td["Evidence (North Korean link · event)"].text_content()
        assert shown["North Korean link"] == row.link
        assert {r["nk_link_label"] for r in out} == {row.link}
        # The same sources, in the same order, unresolved ones left out.
        assert shown["Sources"] == "; ".join(row.citations)
        assert all(r["sources"] == row.citations for r in out)
        assert len(td["Sources"].findall("br")) + 1 == len(row.sources)  # one a line
        assert len(handout[dated.id]["Sources"].find_class("atlas-note-ref")) == len(row.sources)
        assert [s.id for s in row.sources] == [
            s for s in dated.event.source_ids if s in atlas.sources
        ]


def test_a_row_words_the_odd_cases(tmp_path):
    atlas = _odd_atlas(tmp_path)
    first, syria_wide = (event_row(atlas, atlas.events_by_id[i]) for i in ("E01", "E02"))
    assert first.site_text == "<b>Al & Kibar</b>; Site S2; S9 (not loaded)"
    assert [s.id for s in first.sources] == ["src-a", "src-b"]
    assert "by An Author" in first.citations[0] and "A leaflet" in first.citations[1]
    assert (first.date, first.link, first.grade) == (
        "6 September 2007",
        "reported (nuclear)",
        "Reported (credible outlets)",
    )
    assert (syria_wide.sites, syria_wide.site_text) == ((), SYRIA_WIDE)
    assert (syria_wide.date, syria_wide.link) == ("2013", "not addressed")

"""Text from data is escaped wherever it becomes HTML; the chronology keeps precision."""

import re

import pytest

from layers.data.load import load_atlas
from layers.render import html as atlas_html
from layers.render.timeline import timeline_svg
from layers.ui.page import WORD_JOINER, one_block, widget_label
from page_support import foreign_images
from tests.factories import event, layer, site_feature, source, write_dataset

HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'


def _hostile_atlas(tmp_path):
    layers = {
        "a": layer(
            "a",
            site_feature(
                "S1", name=HOSTILE, description=HOSTILE, caveat=HOSTILE, alt_names=[HOSTILE]
            ),
        )
    }
    events = [event("E01", title=HOSTILE, summary=HOSTILE, grade_note=HOSTILE, caveat=HOSTILE)]
    sources = [
        source(
            publisher=HOSTILE,
            title=HOSTILE,
            via=HOSTILE,
            url='https://example.org/"><script>x</script>',
        )
    ]
    return load_atlas(write_dataset(tmp_path, layers=layers, events=events, sources=sources))


def test_every_fragment_escapes_data_text(tmp_path):
    atlas = _hostile_atlas(tmp_path)
    assert atlas.problems == ()
    site, events = atlas.sites["S1"], list(atlas.events)
    style = atlas_html.NO_LINK_STYLE
    fragments = [
        atlas_html.site_panel(atlas, site, events),
        atlas_html.popup_html(atlas, site, events),
        atlas_html.site_tooltip(site, style),
        atlas_html.marker_icon_html(site, style),
        atlas_html.events_list(atlas, events),
        atlas_html.source_list(atlas),
    ]
    for fragment in fragments:
        assert "<script" not in fragment and not foreign_images(fragment)
        assert "&lt;script&gt;" in fragment or "&lt;img" in fragment


def test_panel_lists_date_at_precision_grade_and_sources(tmp_path):
    events = [
        event("E01", date="2008-06", grade="confirmed-official"),
        event("E02", date="2001?", grade="official-gov"),
    ]
    atlas = load_atlas(write_dataset(tmp_path, events=events))
    panel = atlas_html.site_panel(atlas, atlas.sites["S1"], list(atlas.events))
    assert panel.index("2001 (uncertain)") < panel.index("June 2008")
    words = re.sub(r"<[^>]+>", "", panel)  # a grade's gloss is a <span> of its own
    assert "Official finding (international body)" in words and "Government statement" in words
    assert "Test Publisher" in panel and 'href="https://example.org/a"' in panel


def test_timeline_and_table_keep_precision_rows_and_evidence(tmp_path):
    layers = {"a": layer("a", site_feature("S1"), site_feature("S2", lon=36.3, lat=33.5))}
    events = [event("E01", ["S1", "S2"], date="2012/2017"), event("E02", [], date="2013-09-14")]
    atlas = load_atlas(write_dataset(tmp_path, layers=layers, events=events))
    svg = timeline_svg(atlas, list(atlas.events), 2010, 2020)
    assert svg.count('data-event-id="E01"') == 2  # one mark on each site's row
    assert svg.count('data-event-id="E02"') == 1 and ">Syria-wide<" in svg
    assert "2012 – 2017" in svg and "14 September 2013" in svg
    table = atlas_html.events_table_html(atlas, list(atlas.events))
    assert table.index('id="event-E01"') < table.index('id="event-E02"')
    assert "Site S1; Site S2" in table and "Test Publisher" in table
    assert 'href="https://example.org/a"' in table


def test_hostile_text_is_escaped_in_the_timeline_and_table(tmp_path):
    atlas = _hostile_atlas(tmp_path)
    for fragment in (
        timeline_svg(atlas, list(atlas.events), 2000, 2010),
        atlas_html.events_table_html(atlas, list(atlas.events)),
    ):
        assert "<script" not in fragment and not foreign_images(fragment)


def test_fragments_become_one_markdown_html_block():
    folded = one_block("<div>\n\n  <p>a</p>\n</div>")
    assert "\n" not in folded and folded == "<div> <p>a</p> </div>"


def test_panels_and_popups_show_the_dataset_version_and_review_dates(tmp_path):
    atlas = load_atlas(write_dataset(tmp_path))
    site, events = atlas.sites["S1"], list(atlas.events)
    panel = atlas_html.site_panel(atlas, site, events)
    assert "Last reviewed: 26 November 2026" in panel  # the event
    assert "dataset version 0.0.1" in panel
    assert "Dataset 0.0.1; site last reviewed 26 November 2026" in atlas_html.popup_html(
        atlas, site, events
    )


def test_widget_labels_from_data_show_markdown_literally():
    """Streamlit renders Markdown in widget labels (layer checkboxes, search results): an
    extra layer titled ``![x](http://...)`` fetched that image from anywhere."""
    title = "[click](javascript:alert(1)) ![x](http://example.com/x.png) :red[a] $x$ _i_"
    label = widget_label(title)
    assert re.search(r"(?<!\\)[\[\]()!:$_]", label) is None  # each one escaped
    assert label == (
        "\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\!\\[x\\]\\(http\\:"
        + WORD_JOINER
        + "//example\\.com/x\\.png\\) \\:red\\[a\\] \\$x\\$ \\_i\\_"
    )
    assert WORD_JOINER in widget_label("see www.example.com")  # no bare-URL autolink
    # Plain text is left as it is: Streamlit uses the label as the accessible name too.
    for plain in ("Al Kibar (Dair Alzour)", "Jamraya (the 'Dummar' site)", "E01 · 2007 · A-b."):
        assert widget_label(plain) == plain


def test_counts_agree_with_their_nouns():
    """Issue 13: the table said "1 events"."""
    atlas = load_atlas()
    one = [atlas.events_by_id["E37b"]]
    assert "1 event shown" in atlas_html.events_table_html(atlas, one)
    assert "2 events shown" in atlas_html.events_table_html(atlas, list(atlas.events[:2]))
    site = atlas.sites["S1"]
    assert "1 event shown" in atlas_html.site_panel(atlas, site, atlas.events_at("S1")[:1])
    komid = atlas.entities["komid"]
    assert "1 event names it" in atlas_html.entity_panel(atlas, komid, one)


def test_a_site_panel_lists_at_most_its_cap_and_says_how_many_more():
    """A site of a hostile extra layer may carry 20,000 events (issue 16)."""
    atlas = load_atlas()
    site = atlas.sites["S1"]
    events = atlas.events_at("S1")[:1] * (atlas_html.MAX_PANEL_EVENTS + 50)
    panel = atlas_html.site_panel(atlas, site, events)
    assert f"{len(events)} events shown" in panel
    assert panel.count('<li class="atlas-event"') == atlas_html.MAX_PANEL_EVENTS
    assert "The first 200 are listed; 50 more are not." in panel
    assert "more are not" not in atlas_html.site_panel(atlas, site, events[:3])


def test_the_table_from_kept_rows_is_the_table_and_takes_only_rendered_rows():
    """The page builds the events table from rows it keeps (layers/ui/chronology.py): the
    same HTML as rendering it whole, and nothing but `event_row_html`'s escaped rows."""
    atlas = load_atlas()
    events = list(atlas.events[:6])
    highlight = frozenset({events[1].id})
    rows = [atlas_html.event_row_html(atlas, e, e.id in highlight) for e in events]
    whole = atlas_html.events_table_html(atlas, events, highlight)
    assert atlas_html.events_table_html(atlas, events, highlight, rows=rows) == whole
    assert whole.count('class="atlas-highlight"') == 1
    with pytest.raises(ValueError):
        atlas_html.events_table_html(atlas, events, rows=[str(row) for row in rows])
    with pytest.raises(ValueError):
        atlas_html.events_table_html(atlas, events, rows=rows[:-1])

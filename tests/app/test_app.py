"""The app through Streamlit's AppTest: widgets drive what the map, panel and chronology show."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.data.filters import last_year
from layers.data.load import load_atlas
from layers.data.schema import Grade, LinkType
from layers.state import keys, selection
from page_support import fragments

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")


def _run(monkeypatch=None, data_dir: Path | None = None) -> AppTest:
    if monkeypatch is not None and data_dir is not None:
        monkeypatch.setenv("ATLAS_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _map_args(at: AppTest) -> dict:
    [component] = at.get("component_instance")
    return json.loads(component.proto.json_args)


def _sites_on_map(at: AppTest) -> set[str]:
    return set(re.findall(r'"id":"(S\d+[a-z]?)"', _map_args(at)["feature_group"]))


def _click(at: AppTest, tooltip: str) -> AppTest:
    """What streamlit-folium reports after a marker click: the value under its hash key,
    copied by its change callback (which AppTest does not call) to the map's own key."""
    value = {"last_object_clicked_tooltip": tooltip}
    at.session_state[_map_args(at)["key"]] = value
    at.session_state[selection.map_key(at.session_state)] = value
    return at.run()


def _table_rows(at: AppTest) -> dict[str, str]:
    """Event id -> the HTML of its row in the chronology table."""
    [table] = [m for m in fragments(at) if 'class="atlas-table"' in m]
    rows = r'<tr id="event-[^"]+" data-event-id="([^"]+)"[^>]*>(.*?)</tr>'  # highlighted too
    return dict(re.findall(rows, table))


def _pills(at: AppTest, label: str):
    return next(b for b in at.button_group if b.label == label)


def _checkbox(at: AppTest, starts: str):
    return next(c for c in at.checkbox if c.label.startswith(starts))


def test_default_view_shows_all_five_sites_and_every_event():
    at = _run()
    assert _sites_on_map(at) == {"S1", "S2", "S3", "S4", "S5", "S6"}
    assert len(_table_rows(at)) == 54
    assert not at.warning and not at.error
    assert "Data problem" not in _markdown(at)
    [text] = [m for m in fragments(at) if "Showing 54 events" in m]
    # The markers grade the North Korean link, not the events (issue: Al Kibar said
    # "official finding" from IAEA events that make no finding about North Korea).
    assert "Al Kibar suspected reactor site: 11 events; marker shows government statement" in text
    assert "Masyaf" in text and "marker shows no DPRK link documented" in text
    assert "marker shows official finding" not in text


def test_grade_filter_on_the_event_leaves_only_sites_with_such_events():
    at = _run()
    at.radio(key=keys.GRADE_BASIS_KEY).set_value("event").run()
    _pills(at, "Evidence grade").set_value([Grade.CONFIRMED_OFFICIAL]).run()
    assert _sites_on_map(at) == {"S1", "S3", "S4"}  # IAEA at Al Kibar, OPCW at Barzeh, Jamraya
    rows = _table_rows(at).values()
    words = [re.sub(r"<[^>]+>", "", row) for row in rows]  # a grade's gloss is a <span>
    assert words and all("Official finding (international body)" in row for row in words)


def test_grade_filter_on_the_link_hides_links_of_other_grades():
    at = _run()
    _pills(at, "North Korean link").set_value([lt for lt in LinkType if lt != LinkType.NONE])
    _pills(at, "Evidence grade").set_value([Grade.CONFIRMED_OFFICIAL]).run()
    # No event documents a North Korean link by an official finding of an international body.
    assert _sites_on_map(at) == set()


def test_year_range_filters_events_and_markers():
    at = _run()
    at.slider(key="years").set_range(2020, 2026).run()
    assert at.slider(key="years").value == (2020, 2026)
    assert "S1" not in _sites_on_map(at)  # Al Kibar's last event is in 2018
    assert {"S2", "S5"} <= _sites_on_map(at)
    last_years = [  # an event is shown when its date overlaps the years (E51: 2019–2020)
        max(int(y) for y in re.findall(r"\d{4}", re.search(r"<td[^>]*>([^<]*)", row)[1]))
        for row in _table_rows(at).values()
    ]
    assert last_years and min(last_years) >= 2020


def test_a_filter_change_keeps_the_base_map_so_zoom_and_pan_survive():
    at = _run()
    before = _map_args(at)["script"]
    _checkbox(at, "DPRK Embassy").uncheck().run()
    assert "S5" not in _sites_on_map(at)
    assert _map_args(at)["script"] == before


def test_no_matching_event_says_so():
    at = _run()
    _pills(at, "North Korean link").set_value([]).run()
    assert _sites_on_map(at) == set()
    assert any("No event matches" in i.value for i in at.info)


def test_a_map_click_opens_the_site_panel_with_its_events():
    at = _run()
    _click(at, "Al Kibar suspected reactor site — official finding")
    assert at.session_state["site"] == "S1"
    panel = " ".join(m for m in fragments(at) if "data-site-id" in m)
    assert 'data-site-id="S1"' in panel and "24 May 2011" in panel and "Sources:" in panel


def test_choosing_a_site_in_the_box_is_not_overridden_by_an_old_click():
    at = _run()
    _click(at, "DPRK Embassy, Damascus — government statement")
    assert at.session_state["site"] == "S5"
    at.selectbox(key="site").set_value("S3").run()
    assert at.selectbox(key="site").value == "S3"


@pytest.fixture
def broken_copy(tmp_path: Path) -> Path:
    root = tmp_path / "geodata"
    shutil.copytree(REPO / "geodata", root)
    (root / "sites" / "masyaf.geojson").write_text("{not json", encoding="utf-8")
    events = json.loads((root / "events.json").read_text(encoding="utf-8"))
    events["events"][1]["grade"] = "certain"  # E02
    (root / "events.json").write_text(json.dumps(events), encoding="utf-8")
    return root


def test_broken_files_are_named_and_the_rest_of_the_map_renders(monkeypatch, broken_copy):
    at = _run(monkeypatch, broken_copy)
    messages = [html.unescape(m) for m in fragments(at) if "Data problem" in m]
    assert any("sites/masyaf.geojson" in m and "not valid JSON" in m for m in messages)
    assert any("events.json" in m and "'E02'" in m and "'grade'" in m for m in messages)
    assert _sites_on_map(at) == {"S1", "S3", "S4", "S5", "S6"}
    assert "E02" not in _table_rows(at) and "E01" in _table_rows(at)


def test_the_about_page_explains_grades_and_lists_every_source():
    at = AppTest.from_file(str(REPO / "views" / "about.py"), default_timeout=60).run()
    assert not at.exception
    text = " ".join(fragments(at))
    assert "Evidence grades" in text and "precision" in text
    sources = json.loads((REPO / "geodata" / "sources.json").read_text(encoding="utf-8"))
    listing = " ".join(fragments(at))
    for source in sources["sources"]:
        assert f'id="source-{source["id"]}"' in listing


def _markdown(at: AppTest) -> str:
    return " ".join(fragments(at))


def test_a_url_restores_the_view_and_the_view_is_written_back_to_the_url():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"years": "2007-2011", "grade": "alleged,official-gov", "site": "S1"})
    at.run()
    assert not at.exception
    assert at.slider(key="years").value == (2007, 2011)
    assert set(_pills(at, "Evidence grade").value) == {Grade.ALLEGED, Grade.OFFICIAL_GOV}
    assert at.session_state["site"] == "S1"
    assert 'data-site-id="S1"' in _markdown(at)
    assert at.query_params["years"] == "2007-2011"
    assert at.query_params["site"] == "S1"


def test_crafted_url_values_fall_back_to_defaults_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(
        {
            "years": "2030-1900",
            "site": "<script>alert(1)</script>",
            "zoom": "99",
            "lesson": "../../etc/passwd",
            "bogus": "1",
        }
    )
    at.run()
    assert not at.exception
    notices = _markdown(at)
    assert "years" in notices and "zoom" in notices and "&lt;script&gt;" in notices
    assert "<script>alert" not in notices
    assert at.slider(key="years").value == (1966, last_year())
    assert _sites_on_map(at) == {"S1", "S2", "S3", "S4", "S5", "S6"}


def test_stepping_through_the_lesson_changes_the_view_and_highlights():
    at = _run()
    at.selectbox(key="lesson").set_value("north-korea-in-syria").run()
    first = _markdown(at)
    assert "step 1 of" in first
    assert at.info  # the presenter notes
    next_button = next(b for b in at.button if b.label == "Next step")
    next_button.click().run()
    second = _markdown(at)
    assert "step 2 of" in second and second != first
    assert 'class="atlas-highlight"' in second
    assert '"highlight":true' in _map_args(at)["feature_group"]
    years = at.slider(key="years").value
    assert years != (1966, last_year())  # step 2 narrows the years to Al Kibar's story
    assert at.query_params["lesson"] == "north-korea-in-syria"
    assert at.query_params["step"] == "2"


def test_projector_view_hides_the_presenter_notes():
    at = _run()
    at.selectbox(key="lesson").set_value("north-korea-in-syria").run()
    notes_shown = len(at.info)
    at.toggle(key="projector").set_value(True).run()
    assert len(at.info) == notes_shown - 1
    assert 'data-testid="stSidebar"' in _markdown(at)


def test_search_finds_a_spelling_and_opens_the_site():
    at = _run()
    at.text_input(key="search").set_value("Dair Alzour").run()
    hit = next(b for b in at.button if b.label.startswith("Site: Al Kibar"))
    hit.click().run()
    assert at.session_state["site"] == "S1"
    assert at.session_state["fly-to"][2] == 10
    assert 'data-site-id="S1"' in _markdown(at)


def test_searching_an_entity_opens_its_events_across_sites():
    at = _run()
    at.text_input(key="search").set_value("KOMID").run()
    next(
        b for b in at.button if b.label.startswith("Organisation, person or vessel:")
    ).click().run()
    panel = _markdown(at)
    assert 'data-entity-id="komid"' in panel and 'data-event-id="E37b"' in panel


def test_a_syria_wide_event_result_opens_its_card_and_the_url_keeps_it():
    """Issue 13: a search result for a Syria-wide event did nothing."""
    at = _run()
    at.text_input(key="search").set_value("KOMID").run()
    next(b for b in at.button if b.label.startswith("Event:")).click().run()
    panel = _markdown(at)
    assert 'data-card="event" data-event-id="E37b"' in panel
    assert "fly-to" not in at.session_state  # a Syria-wide event has no site to fly to
    assert at.query_params["event"] == "E37b"


def test_a_source_result_opens_its_card_not_an_unrelated_site():
    """Issue 13: a search result for S/2018/171 opened a site that has nothing to do with it."""
    at = _run()
    at.text_input(key="search").set_value("S/2018/171").run()
    next(b for b in at.button if b.label.startswith("Source:")).click().run()
    panel = _markdown(at)
    match = re.search(r'data-card="source" data-source-id="([^"]+)"', panel)
    assert match, panel[:500]
    assert "S/2018/171" in panel and "cite" in panel
    assert at.session_state["site"] is None and "fly-to" not in at.session_state
    assert at.query_params["source"] == match[1]
    # A marker click afterwards shows that site, not the card.
    _click(at, "Al Kibar suspected reactor site — government statement")
    assert 'data-site-id="S1"' in _markdown(at) and 'data-card="source"' not in _markdown(at)


def test_filtering_by_entity_keeps_only_the_events_naming_it():
    at = _run()
    at.multiselect(key="entities").set_value(["komid"]).run()
    rows = _table_rows(at)
    assert set(rows) == {"E37b"}
    assert _sites_on_map(at) == set()  # KOMID's only event is Syria-wide


def _table_key(at: AppTest) -> str:
    return at.dataframe[0].proto.id.split("-", 2)[2]  # "$$ID-<hash>-<key>"


def _highlighted_sites(at: AppTest) -> set[str]:
    script = _map_args(at)["feature_group"]
    return set(re.findall(r'"id":"(S\d+[a-z]?)"[^}]*"highlight":true', script))


def test_a_map_click_selects_the_sites_rows_in_the_table():
    at = _run()
    at.segmented_control(key="events-view").set_value("Sortable table").run()
    _click(at, "Al Kibar suspected reactor site — official finding")
    table = at.dataframe[0]
    rows = json.loads(table.proto.selection_default)["selection"]["rows"]
    sites = table.value["Site"]
    assert rows and all("Al Kibar" in sites[i] for i in rows)
    assert len(rows) == sum("Al Kibar" in site for site in sites)


def test_rows_selected_in_the_table_ring_their_sites_on_the_map():
    at = _run()
    at.segmented_control(key="events-view").set_value("Sortable table").run()
    assert _highlighted_sites(at) == set()
    frame = at.dataframe[0].value
    row = int(frame.index[frame["ID"] == "E24"][0])  # Barzeh
    at.session_state[_table_key(at)] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    assert _highlighted_sites(at) == {"S4"}


def test_download_buttons_offer_every_format_built_on_click():
    at = _run()
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    # Issue 13: the screen said 9 events and the CSV held 11 rows, said nowhere.
    shown = _table_rows(at)
    atlas = load_atlas()
    rows = sum(max(1, len(atlas.events_by_id[e].event.site_ids)) for e in shown)
    assert rows > len(shown)  # some shipped events are at two or more sites
    held = f"{rows} rows for {len(shown)} events"
    assert set(buttons) == {
        f"GeoJSON: {held}",
        f"CSV (spreadsheet): {held}",
        f"KML (Google Earth): {held}",
        "Offline HTML page and printable handout",
        "Download figure",
    }
    assert all(proto.deferred_file_id for proto in buttons.values())  # built only on click


def test_only_one_link_type_then_all_again():
    """Issue 13: showing chemical alone took six clicks on the other pills."""
    at = _run()
    at.selectbox(key=keys.only_key(keys.LINKS_KEY)).set_value(LinkType.CHEMICAL).run()
    assert _pills(at, "North Korean link").value == [LinkType.CHEMICAL]
    assert at.selectbox(key=keys.only_key(keys.LINKS_KEY)).value is None  # ready again
    assert at.query_params["link"] == "chemical"
    at.selectbox(key=keys.only_key(keys.LINKS_KEY)).set_value("all").run()
    assert set(_pills(at, "North Korean link").value) == set(LinkType)
    at.selectbox(key=keys.only_key(keys.GRADES_KEY)).set_value(Grade.ALLEGED).run()
    assert _pills(at, "Evidence grade").value == [Grade.ALLEGED]


def test_reset_view_returns_to_the_bare_atlas_from_a_lesson_a_card_and_filters():
    at = _run()
    at.selectbox(key=keys.LESSON_KEY).set_value(at.selectbox(key=keys.LESSON_KEY).options[1])
    at.run()
    at.text_input(key="search").set_value("KOMID").run()
    next(b for b in at.button if b.label.startswith("Event:")).click().run()
    at.selectbox(key=keys.only_key(keys.GRADES_KEY)).set_value(Grade.ALLEGED).run()
    assert dict(at.query_params)  # far from the default view
    next(b for b in at.button if b.label == "Reset view").click().run()
    assert not at.exception
    assert dict(at.query_params) == {}  # the bare URL: every field at its default
    assert at.text_input(key="search").value == ""
    assert at.session_state[keys.LESSON_KEY] is None
    assert _table_rows(at).keys() == _table_rows(_run()).keys()
    assert _sites_on_map(at) == {"S1", "S2", "S3", "S4", "S5", "S6"}


def test_a_failing_page_shows_plain_words_and_a_way_on_and_logs_the_details(monkeypatch, caplog):
    """Issue 13 §2: a failure is forced inside the page; the reader sees a short message
    and a link to start afresh, never the exception, a traceback or a server path."""
    from layers.render import summary

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom in /srv/secret/path/layers/render/summary.py")

    monkeypatch.setattr(summary, "view_summary", broken)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("Something went wrong on this page")
    ref = re.search(r"reference ([0-9a-f]{8})", error.value)[1]
    page_text = " ".join(str(getattr(e, "value", "")) for e in at.main) + _markdown(at)
    assert "boom" not in page_text and "/srv/secret" not in page_text
    assert "Traceback" not in page_text
    [button] = at.get("link_button")
    assert button.proto.url == "./"
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert ref in logged
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)

"""Exports: each format reads back or parses, carries provenance, escapes hostile text; the
CLI filters and refuses bad arguments; geodata/ is never touched; the HTML bundle works
from file:// with the network blocked."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path

import pyogrio
import pytest

from layers.__main__ import main
from layers.data.filters import Filters, filter_events, sites_shown
from layers.data.load import DEFAULT_DATA_DIR, load_atlas
from layers.data.schema import Grade, LinkType, Source
from layers.export import (
    BUNDLE_CSP,
    FORMATS,
    FORMULA_START,
    KML_BALLOON_STYLE_ID,
    NUMERIC_COLUMNS,
    PROVENANCE_MEMBER,
    ExportPathError,
    citation_text,
    export,
    export_bytes,
    kml_name,
    neutralise_formula,
    read_export,
    read_provenance,
    rows_and_events,
)
from layers.render.style import GRADE_STYLES
from page_support import foreign_images
from tests.browser_support import offline_file_page
from tests.factories import event, layer, site_feature, source, tree_digest, write_dataset

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"  # screenshots and PDFs of the bundle, for a look
KML = "{http://www.opengis.net/kml/2.2}"
WHEN = dt.datetime(2026, 11, 26, 12, 30, 5, tzinfo=dt.UTC)
HOSTILE = '<!--<script>window.pwned=1</script> ]]> & "quoted" <![CDATA[x]]> {{ 7*7 }}'
MAX_BUNDLE_BYTES = 3 * 1024 * 1024


@pytest.fixture(scope="module")
def atlas():
    loaded = load_atlas(DEFAULT_DATA_DIR)
    assert not [p for p in loaded.problems if p.severity == "error"], loaded.problems
    return loaded


@pytest.fixture
def hostile(tmp_path):
    """A located site, an unlocated one, a Syria-wide event and hostile text everywhere."""
    unlocated = site_feature("S2", precision_class="unknown", precision_m=None)
    unlocated["geometry"] = None
    layers = {
        "a": layer("a", site_feature("S1", name=HOSTILE)),
        "unlocated": layer("unlocated", unlocated, order=9, mapped=False),
    }
    events = [
        event("E01", ["S1"], title=HOSTILE, summary=f"{HOSTILE} \x0b\x07", grade="alleged"),
        event("E02", [], date="2013-09", grade="reported"),
        event("E03", ["S1", "S2"], date="2017/2018", caveat=HOSTILE),
    ]
    sources = [source(title=HOSTILE, via=HOSTILE)]
    loaded = load_atlas(write_dataset(tmp_path / "data", layers, events, sources))
    assert loaded.problems == ()
    return loaded


def _pairs(events) -> int:
    return sum(max(1, len(d.event.site_ids)) for d in events)


# --------------------------------------------------------------------------- GeoJSON


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(grades=frozenset({Grade.ALLEGED}), first_year=2016),
        Filters(site_ids=frozenset({"S3"})),
    ],
    ids=["all", "alleged-since-2016", "site-S3"],
)
def test_a_geojson_export_reads_back_as_the_same_records(atlas, tmp_path, filters):
    path = export(atlas, filters, "geojson", tmp_path / "out.geojson", exported_at=WHEN)
    shown = filter_events(atlas, filters)
    assert shown, "the filter should match something"
    assert read_export(path) == [dated.event for dated in shown]

    document = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in document  # RFC 7946
    features = document["features"]
    assert len(features) == _pairs(shown)
    for feature in features:
        props = feature["properties"]
        site = atlas.sites.get(props["site_id"]) if props["site_id"] else None
        if site is None or not site.located:
            assert feature["geometry"] is None
        else:
            assert feature["geometry"]["type"] == "Point"
            assert feature["geometry"]["coordinates"] == pytest.approx([site.lon, site.lat])
            assert props["precision_m"] == site.props.precision_m
        assert props["dataset_version"] == atlas.info.version
        assert props["date_label"] and props["sources"]

    provenance = read_provenance(path)
    assert provenance["dataset"]["version"] == atlas.info.version
    assert provenance["exported_at"] == "2026-11-26T12:30:05Z"
    cited = {s for dated in shown for s in dated.event.source_ids}
    assert {s["id"] for s in provenance["sources"]} == cited
    for entry in provenance["sources"]:
        record = {k: v for k, v in entry.items() if k != "citation"}
        assert Source.model_validate(record) == atlas.sources[entry["id"]]


def test_reading_back_a_file_that_is_not_an_export_says_so(tmp_path):
    path = tmp_path / "other.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"name": "x"}, "geometry": null}]}',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="feature 0 has no event_id"):
        read_export(path)
    path.write_bytes(b"\xff not json")
    with pytest.raises(ValueError, match="not UTF-8"):
        read_export(path)


def test_gdal_reads_the_geojson_export_too(atlas):
    data, name, mime = export_bytes(atlas, Filters(), "geojson")
    assert name.endswith(".geojson") and mime == "application/geo+json"
    frame = pyogrio.read_dataframe(io.BytesIO(data))
    assert len(frame) == _pairs(atlas.events)
    assert frame.geometry.isna().sum() == sum(
        1
        for dated in atlas.events
        for site in (dated.event.site_ids or [None])
        if site is None or not atlas.sites[site].located
    )


# --------------------------------------------------------------------------- CSV


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_one_row_per_event_and_site_with_lon_lat_and_provenance(atlas):
    filters = Filters(first_year=2010, last_year=2019)
    data, name, mime = export_bytes(atlas, filters, "csv", exported_at=WHEN)
    assert name.endswith(".csv") and mime == "text/csv"
    rows = _csv_rows(data)
    shown = filter_events(atlas, filters)
    expected = [(d.id, s) for d in shown for s in (d.event.site_ids or [""])]
    assert [(r["event_id"], r["site_id"]) for r in rows] == expected
    for row in rows:
        site = atlas.sites.get(row["site_id"])
        if site and site.located:
            assert (float(row["lon"]), float(row["lat"])) == pytest.approx((site.lon, site.lat))
        else:
            assert row["lon"] == row["lat"] == ""
        assert row["dataset_version"] == atlas.info.version
        assert row["exported_at"] == "2026-11-26T12:30:05Z"
        assert row["filters"].startswith("years 2010–2019")
        assert json.loads(row["filters_json"])["from"] == "2010-01-01"
        for source_id in row["source_ids"].split("; "):
            assert atlas.sources[source_id].publisher in row["sources"]


FORMULAS = ('=HYPERLINK("http://x")', "+cmd", "-1+1", "@SUM(1)")


def test_csv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path):
    """OWASP CSV injection: text cells starting with = + - @ (tab, CR) get a ' in front;
    dates and negative numbers in the numeric columns stay as they are; GeoJSON and KML,
    which no spreadsheet opens, keep the text exactly."""
    link, plus, minus, at = FORMULAS
    layers = {"a": layer("a", site_feature("S1", lon=-3.5, lat=-1.25, name=minus))}
    events = [
        event("E01", ["S1"], date="2017-03", title=link, summary=plus, caveat=minus, grade_note=at),
        event("E02", [], date="2013-09", title=plus, source_ids=["src-a", "src-b"]),
    ]
    sources = [
        source(publisher=at, title=plus),
        source("src-b", publisher=minus, title=link),
    ]
    spiked = load_atlas(write_dataset(tmp_path / "data", layers, events, sources))
    assert spiked.problems == ()
    data, _, _ = export_bytes(spiked, Filters(), "csv", exported_at=WHEN)
    rows = {r["event_id"]: r for r in _csv_rows(data)}

    e01, e02 = rows["E01"], rows["E02"]
    assert (e01["title"], e01["summary"], e01["caveat"]) == (f"'{link}", f"'{plus}", f"'{minus}")
    assert (e01["grade_note"], e01["site_name"], e02["title"]) == (
        f"'{at}",
        f"'{minus}",
        f"'{plus}",
    )
    # A source's publisher starts its citation; the later lines and the titles inside a
    # cell are not where a spreadsheet looks for a formula.
    assert e01["sources"] == "'" + citation_text(spiked.sources["src-a"])
    assert (
        e02["sources"].startswith(f"'{at}, {plus}, ") and f"\n{minus}, {link}, " in e02["sources"]
    )
    for row in rows.values():
        for name, value in row.items():
            if name not in NUMERIC_COLUMNS:
                assert not value.startswith(FORMULA_START), (name, value)
    # Legitimate values are untouched: dates, and negative numbers in numeric columns.
    assert (e01["date"], e01["date_label"], e02["date"]) == ("2017-03", "March 2017", "2013-09")
    assert (e01["lon"], e01["lat"], e01["precision_m"]) == ("-3.5", "-1.25", "1000")
    assert e01["site_last_reviewed"] == "2026-11-26" and e01["exported_at"].startswith("2026-")
    assert "CSV injection" in e01["formula_guard"]
    assert (neutralise_formula("\t=1"), neutralise_formula("\r=1")) == ("'\t=1", "'\r=1")
    assert (neutralise_formula(-3.5), neutralise_formula("a=1")) == (-3.5, "a=1")

    # Only the CSV changes its cells, and only the CSV's provenance says so.
    geojson = export(spiked, Filters(), "geojson", tmp_path / "h.geojson")
    assert [r.title for r in read_export(geojson)] == [plus, link]
    assert "formula_guard" not in read_provenance(geojson)
    kml = ET.fromstring(export_bytes(spiked, Filters(), "kml")[0])
    assert [p.findtext(f"{KML}name") for p in kml.iter(f"{KML}Placemark")] == [plus, link]


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml", "html"])
def test_every_format_carries_both_grades_of_each_event(atlas, fmt):
    """E09: an official finding (the event) whose North Korean link is an allegation."""
    filters = Filters(first_year=2011, last_year=2011, site_ids=frozenset({"S1"}))
    data, _, _ = export_bytes(atlas, filters, fmt, exported_at=WHEN)
    if fmt == "csv":
        row = next(r for r in _csv_rows(data) if r["event_id"] == "E09")
        assert (row["grade"], row["nk_link_grade"]) == ("confirmed-official", "alleged")
        assert row["nk_link_label"] == "alleged (nuclear)" and row["nk_link_note"]
        assert row["grade_label"] == "Official finding (international body)"
    elif fmt == "geojson":
        props = next(
            f["properties"] for f in json.loads(data)["features"]
            if f["properties"]["event_id"] == "E09"
        )  # fmt: skip
        assert (props["grade"], props["nk_link_grade"]) == ("confirmed-official", "alleged")
        assert props["nk_link_types"] == ["nuclear"]
    else:
        # The words a reader sees: markup (a grade's gloss is a <span>) and escapes removed.
        text = re.sub(r"<[^>]+>", "", unescape(data.decode("utf-8")))
        assert "North Korean link: Alleged (uncorroborated claim)" in text
        assert "Event: Official finding (international body)" in text
        assert "North Korean link: not addressed" in text  # E10, the Board's decision


# --------------------------------------------------------------------------- KML


def test_kml_parses_with_a_placemark_per_located_site(atlas):
    data, name, mime = export_bytes(atlas, Filters(), "kml", exported_at=WHEN)
    assert name.endswith(".kml") and mime == "application/vnd.google-earth.kml+xml"
    root = ET.fromstring(data)
    assert root.tag == f"{KML}kml"
    placemarks = root.findall(f".//{KML}Placemark")
    assert len(placemarks) == _pairs(atlas.events)
    titles = {d.event.title for d in atlas.events}
    located = {s.id for s in atlas.sites.values() if s.located}
    at_site: dict[str, int] = {}
    for placemark in placemarks:
        assert placemark.findtext(f"{KML}name") in titles
        description = placemark.findtext(f"{KML}description")
        assert "Sources:" in description and "atlas-date" in description
        data_fields = {d.get("name"): d.text for d in placemark.iter(f"{KML}SimpleData")}
        if placemark.find(f"{KML}Point") is not None:
            at_site[data_fields["site_id"]] = at_site.get(data_fields["site_id"], 0) + 1
    exported_sites = {s for d in atlas.events for s in d.event.site_ids} & located
    assert set(at_site) == exported_sites and all(n >= 1 for n in at_site.values())
    document = root.find(f"{KML}Document")
    assert atlas.info.version in document.findtext(f"{KML}name")
    provenance = json.loads(document.find(f".//{KML}Data/{KML}value").text)
    assert provenance["exported_at"] == "2026-11-26T12:30:05Z"


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_stays_text_in_every_format(hostile, tmp_path):
    geojson = export(hostile, Filters(), "geojson", tmp_path / "h.geojson")
    records = read_export(geojson)
    assert [r.id for r in records] == ["E01", "E02", "E03"]
    assert records[0].title == HOSTILE
    assert records[2].site_ids == ["S1", "S2"]  # the unlocated site's row keeps its place
    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    assert [f["geometry"] is None for f in features] == [False, True, False, True]

    kml, _, _ = export_bytes(hostile, Filters(), "kml")
    root = ET.fromstring(kml)  # still well-formed despite "]]>", "<![CDATA[" and "\x0b"
    placemarks = root.findall(f".//{KML}Placemark")
    assert [p.findtext(f"{KML}name") for p in placemarks].count(kml_name(HOSTILE)) == 1
    for placemark in placemarks:
        description = placemark.findtext(f"{KML}description")
        assert "<script>" not in description  # HTML-escaped inside the XML text
    assert "&lt;script&gt;" in "".join(p.findtext(f"{KML}description") for p in placemarks)

    rows = _csv_rows(export_bytes(hostile, Filters(), "csv")[0])
    assert [r["title"] for r in rows if r["event_id"] == "E01"] == [HOSTILE]

    bundle = export_bytes(hostile, Filters(), "html")[0].decode("utf-8")
    assert "<script>window.pwned" not in bundle
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in bundle
    assert "{{ 7*7 }}" in bundle  # no template engine saw the data


# Markup, Google Earth's entity replacement and a character reference that decodes to
# markup when a name is read as HTML.
BALLOON_BAIT = (
    '$[name] <img src=x onerror="window.pwned=1"> &lt;script&gt;window.pwned=2&lt;/script&gt;'
    ' &#60;b&#62; $[geDirections] =HYPERLINK("http://x")'
)


class _Tags(HTMLParser):
    """Every element and attribute name in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


def test_kml_balloons_show_only_the_escaped_description(tmp_path):
    """Google Earth renders names and balloons as HTML and expands $[...]: every Placemark
    uses one BalloonStyle of $[description] alone, no name holds markup, no description an
    entity to expand, and a description read as HTML has no script and no handler."""
    layers = {"a": layer("a", site_feature("S1", name=BALLOON_BAIT))}
    events = [
        event("E01", ["S1"], title=BALLOON_BAIT, summary=BALLOON_BAIT, caveat=BALLOON_BAIT),
        event("E02", [], date="2013-09", title="Plain & simple (AT&T, <3)"),
    ]
    spiked = load_atlas(
        write_dataset(tmp_path / "data", layers, events, [source(title=BALLOON_BAIT)])
    )
    assert spiked.problems == ()
    root = ET.fromstring(export_bytes(spiked, Filters(), "kml", exported_at=WHEN)[0])
    document = root.find(f"{KML}Document")
    [style] = document.findall(f"{KML}Style")
    assert style.get("id") == KML_BALLOON_STYLE_ID
    assert style.findtext(f"{KML}BalloonStyle/{KML}text") == "$[description]"
    placemarks = root.findall(f".//{KML}Placemark")
    assert len(placemarks) == 2
    names = [document.findtext(f"{KML}name")] + [p.findtext(f"{KML}name") for p in placemarks]
    descriptions = [document.findtext(f"{KML}description")] + [
        p.findtext(f"{KML}description") for p in placemarks
    ]
    for placemark in placemarks:
        assert placemark.findtext(f"{KML}styleUrl") == f"#{KML_BALLOON_STYLE_ID}"
    for name in names:
        assert not re.search(r"[<>]|&[#A-Za-z]|\$\[", name), name
    # The names still read as the titles (look-alike characters, nothing dropped).
    assert names[1:] == [
        '$\uff3bname] \u2039img src=x onerror="window.pwned=1"\u203a \uff06lt;script\uff06gt;'
        "window.pwned=2\uff06lt;/script\uff06gt; \uff06#60;b\uff06#62; $\uff3bgeDirections] "
        '=HYPERLINK("http://x")',
        "Plain & simple (AT\uff06T, \u20393)",
    ]
    for description in descriptions:
        assert "$[" not in description
        tags = _Tags()
        tags.feed(description)
        assert not tags.tags & {"script", "img", "iframe", "object", "style"}, tags.tags
        assert not [a for a in tags.attrs if a.startswith("on")], tags.attrs
    # The text itself is all there, escaped: what a reader sees is the title as written.
    assert "$&#91;name] &lt;img src=x onerror=" in descriptions[1]


def test_a_csv_and_an_html_export_of_balloon_bait_stay_text(tmp_path):
    layers = {"a": layer("a", site_feature("S1", name=BALLOON_BAIT))}
    events = [event("E01", ["S1"], title=BALLOON_BAIT, summary=BALLOON_BAIT)]
    spiked = load_atlas(write_dataset(tmp_path / "data", layers, events, [source()]))
    [row] = _csv_rows(export_bytes(spiked, Filters(), "csv")[0])
    assert row["title"] == BALLOON_BAIT and row["summary"] == BALLOON_BAIT  # text, as is
    bundle = export_bytes(spiked, Filters(), "html")[0].decode("utf-8")
    tags = _Tags()
    tags.feed(bundle)
    assert not foreign_images(bundle) and "onerror" not in tags.attrs  # only the grade shapes
    assert "&lt;img src=x onerror=" in bundle and "$[geDirections]" in bundle


# --------------------------------------------------------------------------- provenance


def _provenance(fmt: str, data: bytes) -> tuple[str, str, str, dict, set[str]]:
    """(version, exported_at, filters in words, filters as JSON, citations) as stored."""
    if fmt == "csv":
        rows = _csv_rows(data)
        citations = {line for row in rows for line in row["sources"].split("\n")}
        first = rows[0]
        return (
            first["dataset_version"],
            first["exported_at"],
            first["filters"],
            json.loads(first["filters_json"]),
            citations,
        )
    if fmt == "geojson":
        prov = json.loads(data)[PROVENANCE_MEMBER]
    elif fmt == "kml":
        prov = json.loads(ET.fromstring(data).find(f".//{KML}Data/{KML}value").text)
    else:
        text = data.decode("utf-8")
        start = text.index('<script type="application/json" id="atlas-provenance">')
        prov = json.loads(text[start:].split(">", 1)[1].split("</script>", 1)[0])
    citations = {s["citation"] for s in prov["sources"]}
    return (
        prov["dataset"]["version"],
        prov["exported_at"],
        prov["filters_text"],
        prov["filters"],
        citations,
    )


@pytest.mark.parametrize("fmt", ["geojson", "csv", "kml", "html"])
def test_every_format_carries_its_provenance(atlas, fmt):
    filters = Filters(grades=frozenset({Grade.CONFIRMED_OFFICIAL}))
    data, name, _ = export_bytes(atlas, filters, fmt, exported_at=WHEN)
    stem = f"dprk-syria-atlas-{atlas.info.version}-confirmed-official-20261126"
    assert name == stem + FORMATS[fmt][0]
    version, exported_at, words, machine, citations = _provenance(fmt, data)
    assert version == atlas.info.version
    assert exported_at == "2026-11-26T12:30:05Z"
    assert "evidence (the North Korean link): official finding" in words
    assert machine["grades"] == ["confirmed-official"] and machine["link_types"] is None
    cited = {s for dated in filter_events(atlas, filters) for s in dated.event.source_ids}
    assert citations == {citation_text(atlas.sources[s]) for s in cited}
    if fmt == "html":  # and for people: the header and the source list
        text = data.decode("utf-8")
        assert escape(words) in text and "2026-11-26T12:30:05Z</time>" in text
        for source_id in cited:
            assert f'id="source-{source_id}"' in text


# --------------------------------------------------------------------------- filters


def test_the_site_filter_keeps_events_at_those_sites_and_draws_only_them(hostile):
    filters = Filters(site_ids=frozenset({"S2"}))
    shown = filter_events(hostile, filters)
    assert [d.id for d in shown] == ["E03"]  # Syria-wide events are at no site
    assert sites_shown(hostile, filters, shown) == []  # S2 has no coordinate
    s1 = Filters(site_ids=frozenset({"S1"}))
    assert [s.id for s in sites_shown(hostile, s1, filter_events(hostile, s1))] == ["S1"]


def test_an_entity_filter_is_part_of_the_provenance(atlas):
    entity = next(iter(atlas.entities.values()), None)
    if entity is None:
        pytest.skip("no entities in the data")
    filters = Filters(entity_ids=frozenset({entity.id}))
    data, _, _ = export_bytes(atlas, filters, "geojson")
    prov = json.loads(data)[PROVENANCE_MEMBER]
    assert prov["filters"]["entity_ids"] == [entity.id]
    assert f"only events naming {entity.name}" in prov["filters_text"]
    assert prov["event_ids"] == [d.id for d in filter_events(atlas, filters)]


def test_a_day_narrows_the_years(hostile):
    filters = Filters(first_year=2013, first_day=dt.date(2013, 10, 1), last_year=2017)
    assert filters.date_span() == (dt.date(2013, 10, 1), dt.date(2017, 12, 31))
    assert [d.id for d in filter_events(hostile, filters)] == ["E03"]


# --------------------------------------------------------------------------- CLI


def test_cli_grade_filter_exports_only_alleged_events(atlas, tmp_path, capsys):
    out = tmp_path / "alleged.geojson"
    argv = ["export", "--format", "geojson", "--grade", "alleged", "--grade-of", "event"]
    assert main([*argv, "-o", str(out)]) == 0
    records = read_export(out)
    assert records and {r.grade for r in records} == {Grade.ALLEGED}
    expected = filter_events(atlas, Filters(grades=frozenset({Grade.ALLEGED}), grade_basis="event"))
    assert [r.id for r in records] == [d.id for d in expected]
    assert f"wrote {len(records)} event(s)" in capsys.readouterr().out


def test_cli_grade_filter_reads_the_north_korean_link_by_default(atlas, tmp_path):
    out = tmp_path / "alleged-links.geojson"
    argv = ["export", "--format", "geojson", "--grade", "alleged", "--link-type"]
    links = [t.value for t in LinkType if t is not LinkType.NONE]
    assert main([*argv, *links, "-o", str(out)]) == 0
    records = read_export(out)
    assert records and {r.link_grade for r in records} == {Grade.ALLEGED}
    # The IAEA's report is an official finding whose North Korean part is an allegation.
    assert "E09" in {r.id for r in records}


def test_cli_from_a_year_and_to_a_month(atlas, tmp_path):
    out = tmp_path / "recent.geojson"
    assert main(["export", "--format", "geojson", "--from", "2020", "-o", str(out)]) == 0
    records = read_export(out)
    by_id = {d.id: d for d in atlas.events}
    assert records and all(
        (by_id[r.id].when.end or dt.date.max) >= dt.date(2020, 1, 1) for r in records
    )
    assert read_provenance(out)["filters"]["from"] == "2020-01-01"

    out = tmp_path / "window.csv"
    args = ["export", "--format", "csv", "--from", "2007-09", "--to", "2008-04", "-o", str(out)]
    assert main(args) == 0
    rows = _csv_rows(out.read_bytes())
    filters = json.loads(rows[0]["filters_json"])
    assert (filters["from"], filters["to"]) == ("2007-09-01", "2008-04-30")
    assert rows[0]["filters"].startswith("dates 2007-09-01 to 2008-04-30")


def test_cli_sites_link_types_and_repeated_options(atlas, tmp_path):
    out = tmp_path / "sites.kml"
    args = ["export", "--format", "kml", "--site", "S3", "--site", "S4", "--link-type"]
    assert main([*args, "chemical", "missile", "-o", str(out)]) == 0
    provenance = json.loads(ET.parse(out).getroot().find(f".//{KML}value").text)
    assert provenance["filters"]["site_ids"] == ["S3", "S4"]
    assert provenance["filters"]["link_types"] == ["chemical", "missile"]
    for dated in atlas.events:
        if dated.id in provenance["event_ids"]:
            assert {"S3", "S4"} & set(dated.event.site_ids)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "docx"], "invalid choice: 'docx'"),  # pdf is a figure now
        (["--format", "csv", "--grade", "rumour"], "invalid choice: 'rumour'"),
        (["--format", "csv", "--from", "last year"], "is not a year or a date"),
        (["--format", "csv", "--from", "2017-02-30"], "is not a year or a date"),
        (["--format", "csv", "--from", "2020", "--to", "2019"], "is after --to"),
        (["--format", "csv", "--site", "S99"], "unknown site id(s) S99"),
        (["--format", "csv"], "required: -o/--output"),
    ],
)
def test_cli_refuses_bad_arguments_with_exit_2(tmp_path, capsys, args, message):
    out = [] if "required" in message else ["-o", str(tmp_path / "x.csv")]
    with pytest.raises(SystemExit) as exit_info:
        main(["export", *args, *out])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_nothing_is_ever_written_inside_geodata(atlas, tmp_path, capsys):
    before = tree_digest(DEFAULT_DATA_DIR)
    inside = DEFAULT_DATA_DIR / "export-test.csv"
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--format", "csv", "-o", str(inside)])
    assert exit_info.value.code == 2 and "inside the data folder" in capsys.readouterr().err
    with pytest.raises(ExportPathError):
        export(atlas, Filters(), "geojson", DEFAULT_DATA_DIR / "sites" / "x.geojson")
    for fmt in ("geojson", "csv", "kml", "html"):
        assert main(["export", "--format", fmt, "-o", str(tmp_path / f"all.{fmt}")]) == 0
    assert not inside.exists()
    assert tree_digest(DEFAULT_DATA_DIR) == before


def test_python_m_layers_export_runs_and_keeps_the_other_commands(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "layers", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )

    out = tmp_path / "s1.geojson"
    result = run("export", "--format", "geojson", "--site", "S1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert all("S1" in record.site_ids for record in read_export(out))
    assert run("export", "--format", "kml").returncode == 2
    assert run("validate", "--help").returncode == 0
    assert json.loads(run("schema").stdout)


# --------------------------------------------------------------------------- HTML bundle


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str | None] = []
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self.scripts.append(named.get("src"))
        elif tag == "link":
            self.links.append(named.get("href"))


def test_the_html_bundle_is_one_small_self_contained_file(atlas):
    data, name, mime = export_bytes(atlas, Filters(), "html", exported_at=WHEN)
    assert name.endswith(".html") and mime == "text/html"
    assert len(data) <= MAX_BUNDLE_BYTES
    text = data.decode("utf-8")
    # Its own Content-Security-Policy, before any script or style it would govern.
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
    assert policy and policy.group(1).replace("&#39;", "'") == BUNDLE_CSP
    assert policy.start() < min(text.index("<script"), text.index("<style"))
    links = _Links()
    links.feed(text)
    assert links.scripts and all(src is None for src in links.scripts), links.scripts
    assert links.links == []
    for needle in ("L.map(", "@page", "@media print", 'class="atlas-table"', "atlas-timeline"):
        assert needle in text
    assert "Dataset</dt>" in text and "2026-11-26T12:30:05Z" in text
    start = text.index('<script type="application/json" id="atlas-provenance">')
    payload = text[start:].split(">", 1)[1].split("</script>", 1)[0]
    assert json.loads(payload)["dataset"]["version"] == atlas.info.version


MARKERS = ".leaflet-marker-pane .atlas-marker"


def test_the_bundle_opens_from_disk_offline_with_every_marker(atlas, browser, tmp_path):
    """How fast the markers show is measured by `make bench` (bench/scale.py), not here."""
    path = export(atlas, Filters(), "html", tmp_path / "atlas.html")
    located = len(sites_shown(atlas, Filters(), list(atlas.events)))
    blocked: list[str] = []
    errors: list[str] = []
    context, page = offline_file_page(browser, blocked, errors)
    try:
        page.goto(path.as_uri(), wait_until="commit")
        page.wait_for_function(
            f"() => document.querySelectorAll({json.dumps(MARKERS)}).length === {located}",
            polling="raf",
            timeout=10_000,
        )
        assert page.locator(MARKERS).first.is_visible()

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "export-bundle.png"))
        on_screen = page.locator(".folium-map").bounding_box()
        # On paper the map is the drawing Leaflet made for the screen, scaled whole (CSS zoom)
        # to sit beside the legend: its shape is kept, and Leaflet's own size is unchanged.
        page.emulate_media(media="print")
        on_paper = page.locator(".folium-map").bounding_box()
        scale = on_paper["width"] / on_screen["width"]
        assert 0.3 < scale < 0.7  # 0.39 (bundle.css)
        assert on_paper["height"] / on_screen["height"] == pytest.approx(scale, abs=0.01)
        drawn = page.locator(".folium-map").evaluate("e => [e.clientWidth, e.clientHeight]")
        assert drawn == [round(on_screen["width"]) - 2, round(on_screen["height"]) - 2]  # border
        # On paper the events are compact paragraphs in two columns (page counts, chips and
        # timeline type: tests/browser/test_handout.py).
        rows = page.locator(".atlas-chronology .atlas-table tbody")
        assert rows.evaluate("e => getComputedStyle(e).columnCount") == "2"
        page.screenshot(path=str(ARTIFACTS / "export-bundle-print.png"), full_page=True)
        for paper in ("A4", "Letter"):
            pdf = page.pdf(format=paper, print_background=True)
            assert pdf.startswith(b"%PDF")
            (ARTIFACTS / f"export-bundle-{paper}.pdf").write_bytes(pdf)
        page.emulate_media(media="screen")

        page.locator(".leaflet-marker-pane .atlas-site").first.click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        assert "Sources" in text
        assert any(style.short in text for style in GRADE_STYLES.values())
        first_site = sites_shown(atlas, Filters(), list(atlas.events))[0]
        assert atlas.events_at(first_site.id)[0].when.label() in text
        assert blocked == []
        assert errors == []
    finally:
        context.close()


def test_hostile_text_never_runs_in_the_bundle(hostile, browser, tmp_path):
    path = export(hostile, Filters(), "html", tmp_path / "hostile.html")
    blocked: list[str] = []
    errors: list[str] = []
    context, page = offline_file_page(browser, blocked, errors)
    try:
        page.goto(path.as_uri())
        page.locator(".leaflet-marker-pane .atlas-site").first.click()
        page.locator(".leaflet-popup-content").wait_for()
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert "<script>window.pwned=1</script>" in popup
        assert page.evaluate("window.pwned") is None
        assert blocked == [] and errors == []
        # The page's own CSP is in force from file://: markup that slipped in could load
        # nothing (the request never reaches the network, so `blocked` stays empty).
        violated = page.evaluate(
            """() => new Promise(resolve => {
                document.addEventListener("securitypolicyviolation",
                    e => resolve(e.effectiveDirective), {once: true});
                const img = new Image();
                img.onload = () => resolve("loaded");
                img.onerror = () => setTimeout(() => resolve("error"), 2000);
                img.src = "https://attacker.example/pixel.png";
            })"""
        )
        assert violated == "img-src" and blocked == []
    finally:
        context.close()


def test_files_say_rows_for_events_and_names_carry_filters_and_day(atlas):
    """Issue 13: the screen said 9 events and the CSV had 11 rows, said only in the GeoJSON;
    every export had the same file name."""
    filters = Filters(first_year=2007, last_year=2011, link_types=frozenset({LinkType.NUCLEAR}))
    events = filter_events(atlas, filters)
    rows_n = sum(max(1, len(d.event.site_ids)) for d in events)
    held = f"{rows_n} rows for {len(events)} events"
    assert rows_and_events(events) == held
    csv_data, csv_name, _ = export_bytes(atlas, filters, "csv", exported_at=WHEN)
    geo_data, geo_name, _ = export_bytes(atlas, filters, "geojson", exported_at=WHEN)
    assert held in csv_data.decode("utf-8-sig") and held in geo_data.decode()
    assert json.loads(geo_data)[PROVENANCE_MEMBER]["row_count"] == rows_n
    assert csv_name == f"dprk-syria-atlas-{atlas.info.version}-2007-2011-nuclear-20261126.csv"
    assert geo_name.removesuffix(".geojson") == csv_name.removesuffix(".csv")
    _, other, _ = export_bytes(atlas, Filters(), "csv", exported_at=WHEN)
    assert other.endswith("-all-20261126.csv") and other != csv_name

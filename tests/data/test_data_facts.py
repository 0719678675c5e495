"""Tests of the FACTS in geodata/, not only its shape.

The files are loaded with plain `json` and validated with the pydantic models in
`layers.data.schema`, so these tests do not depend on the app's loader. Expected values come
from the research brief (/work/shared/research/facts-brief.md, errata applied); when a
fact changes, change the data and the expectation here together, citing the source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pytest

from layers.data.dates import parse_event_date
from layers.data.schema import (
    DatasetInfo,
    Event,
    EventsFile,
    Grade,
    LayerInfo,
    LinkType,
    PrecisionClass,
    SiteFeature,
    Source,
    SourcesFile,
)

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
SITES_DIR = GEODATA / "sites"
REVIEWED = "2026-11-26"  # first release: sites and entities not touched since
CORRECTED = "2026-11-29"  # release 1.0.0: every event, and each record it corrected

# Syria's bounding box (degrees), generous enough for every mapped site.
LON_MIN, LON_MAX = 35.7, 42.4
LAT_MIN, LAT_MAX = 32.3, 37.4

# Wikipedia values the brief found to be wrong; they must not appear anywhere in geodata/.
WRONG_COORDINATE_TEXT = ("33.88333", "36.38889", "33.3434", "36.1405")

EXPECTED_LAYERS = {
    "al-kibar.geojson": ("S1", 1, True),
    "masyaf.geojson": ("S2", 2, True),
    "jamraya-dummar.geojson": ("S3", 3, True),
    "barzeh.geojson": ("S4", 4, True),
    "dprk-embassy.geojson": ("S5", 5, True),
    "unlocated.geojson": ("S2b", None, False),
    "other-places.geojson": ("S6", 6, True),
}

# id -> ([lon, lat], precision_m, precision_class), exactly as in the brief.
EXPECTED_SITES = {
    "S1": ([39.83361, 35.70778], 1000, PrecisionClass.SITE),
    "S2": ([36.32139, 35.04417], 3000, PrecisionClass.APPROXIMATE),
    "S3": ([36.217, 33.56], 3000, PrecisionClass.TOWN),
    "S4": ([36.32056, 33.55667], 2000, PrecisionClass.NEIGHBOURHOOD),
    "S5": ([36.29194, 33.51306], 10000, PrecisionClass.CITY),
    "S2b": (None, None, PrecisionClass.UNKNOWN),
    # North Korean Economy Watch's reading of a Haaretz image, drawn at 'near Hama' precision.
    "S6": ([36.827331, 35.006089], 10000, PrecisionClass.APPROXIMATE),
}

CO = Grade.CONFIRMED_OFFICIAL
GOV = Grade.OFFICIAL_GOV
REP = Grade.REPORTED
ALL = Grade.ALLEGED
DIS = Grade.DISPUTED
NONE = None  # the event does not address a North Korean link

# id -> (EDTF date, event grade, North Korean link grade, site ids). The brief's events with
# errata and splits applied; the 1.0.0 corrections (truth audit) and E44–E52 added. The link
# grade is what the event says about North Korea (NONE: not addressed); see the changelog.
EXPECTED_EVENTS = {
    "E01": ("1997", ALL, ALL, ["S1"]),
    "E02": ("2001?", GOV, GOV, ["S1"]),
    "E03": ("2005/2007", REP, REP, ["S1"]),
    "E04": ("2007-02", DIS, DIS, ["S1"]),
    "E05": ("2007-09-06", GOV, NONE, ["S1"]),
    "E06": ("2007-09-06", ALL, ALL, ["S1"]),
    "E07": ("2008-04-24", GOV, GOV, ["S1"]),
    "E08": ("2008-06", CO, NONE, ["S1"]),
    "E09": ("2011-05-24", CO, ALL, ["S1"]),
    "E10": ("2011-06-09", CO, NONE, ["S1"]),
    "E11": ("2018-03-21", GOV, NONE, ["S1"]),
    "E12": ("2010-12~", REP, NONE, ["S2"]),
    "E13": ("2014-01", ALL, ALL, ["S6"]),
    "E14": ("2017-05-04", ALL, NONE, ["S2", "S3", "S4"]),
    "E15": ("2017-06-28/2017-09-26", ALL, ALL, ["S2b"]),
    "E16": ("2017-09-07", REP, NONE, ["S2"]),
    "E17": ("2024-09-08", GOV, NONE, ["S2"]),
    "E18": ("2025-01-02", GOV, NONE, ["S2"]),
    "E19": ("2013-01-30", REP, NONE, ["S3"]),
    "E20": ("2013-02", ALL, ALL, ["S3"]),
    "E21": ("2016-11-11", CO, NONE, ["S3", "S4"]),
    "E22": ("2017-02-26/2017-03-05", CO, NONE, ["S3", "S4"]),
    "E23": ("2017-11", CO, NONE, ["S3", "S4"]),
    "E24": ("2018-03", ALL, ALL, ["S4"]),
    "E25": ("2018-04-14", GOV, NONE, ["S4"]),
    "E26": ("2024-12-09/2024-12-10", REP, NONE, ["S4", "S3"]),
    "E27": ("1966-07", REP, REP, ["S5"]),
    "E28": ("2015-08-31", REP, REP, ["S5"]),
    "E29": ("2022-03-07/2022-03-12", REP, REP, ["S5"]),
    "E30": ("2024-12-08/..", ALL, ALL, ["S5"]),
    "E31": ("2024-12-15", GOV, GOV, ["S5"]),
    "E32": ("2025-04-10", GOV, REP, ["S5"]),
    "E33": ("2012-05", GOV, REP, []),
    "E34": ("2012/2017", REP, REP, []),
    "E35": ("2016-08", ALL, ALL, []),
    "E36a": ("2016/2017", CO, REP, []),
    "E36b": ("2016/2017", ALL, ALL, []),
    "E37a": ("2017-09-05", GOV, ALL, []),
    "E37b": ("2017-09-05", ALL, ALL, []),
    "E38": ("2013-09-14", CO, NONE, []),
    "E39": ("2016-03-22", ALL, ALL, []),
    "E40": ("2017-04-04", CO, NONE, []),
    "E41": ("2024-12-08", REP, NONE, []),
    "E42": ("2018", CO, NONE, ["S4"]),
    "E43": ("2019-07-05/2019-07-13", CO, NONE, ["S4", "S3"]),
    "E44": ("2011-11", ALL, ALL, ["S6"]),
    "E45": ("2008", ALL, ALL, []),
    "E46": ("2017-09-05", CO, ALL, []),
    "E47": ("2013-11-14", GOV, DIS, []),
    "E48": ("2018-03-01", GOV, DIS, []),
    "E49": ("2013-10", ALL, ALL, []),
    "E50": ("2013-04", ALL, ALL, []),
    "E51": ("2019/2020", ALL, ALL, []),
    "E52": ("2013-06", ALL, ALL, []),
}

# Events that document no DPRK link: context, strikes, verification, and the IAEA events that
# make no finding about North Korea (E08, E10).
NO_DPRK_LINK = {event_id for event_id, (_, _, link, _) in EXPECTED_EVENTS.items() if link is None}

# Words that attribute a claim to someone instead of stating it as fact.
ATTRIBUTIVE = re.compile(
    r"\b(according to|reportedly|reported|reports?|says?|said|claim(?:s|ed)?|alleg\w*|"
    r"informed|records?|press accounts|identified|quoted)\b",
    re.IGNORECASE,
)


# ---------------------------------------------------------------- loading


def _layer_files() -> list[Path]:
    return sorted(SITES_DIR.glob("*.geojson"))


@pytest.fixture(scope="module")
def layers() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in _layer_files()}


@pytest.fixture(scope="module")
def sites(layers: dict[str, dict]) -> dict[str, SiteFeature]:
    found: dict[str, SiteFeature] = {}
    for name, collection in layers.items():
        for raw in collection["features"]:
            feature = SiteFeature.model_validate(raw)
            assert feature.properties.id not in found, f"site id repeats in {name}"
            found[feature.properties.id] = feature
    return found


@pytest.fixture(scope="module")
def events() -> dict[str, Event]:
    return _by_id(EventsFile.model_validate(_load("events.json")).events, "event")


@pytest.fixture(scope="module")
def sources() -> dict[str, Source]:
    return _by_id(SourcesFile.model_validate(_load("sources.json")).sources, "source")


def _load(name: str) -> dict:
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))


def _by_id(records: Sequence[Any], kind: str) -> dict[str, Any]:
    """The records of a file by id, once each: an id that repeats fails."""
    ids = [record.id for record in records]
    assert len(ids) == len(set(ids)), f"{kind} ids repeat"
    return {record.id: record for record in records}


def _reviewed(record_id: str, corrected: Collection[str]) -> str:
    """When a record was last reviewed: the 1.0.0 release for those it corrected."""
    return CORRECTED if record_id in corrected else REVIEWED


# ---------------------------------------------------------------- files and models


def test_dataset_info() -> None:
    info = DatasetInfo.model_validate(_load("dataset.json"))
    assert info.title == "DPRK–Syria Atlas dataset"
    assert info.version == "1.0.0"
    assert info.released.isoformat() == CORRECTED
    assert "CC BY 4.0" in info.licence


def test_layer_files_are_the_expected_ones(layers: dict[str, dict]) -> None:
    assert set(layers) == set(EXPECTED_LAYERS)


@pytest.mark.parametrize("name", sorted(EXPECTED_LAYERS))
def test_layer_is_rfc7946_feature_collection(name: str, layers: dict[str, dict]) -> None:
    collection = layers[name]
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection, "RFC 7946 removed the crs member"
    info = LayerInfo.model_validate(collection["atlas_layer"])
    site_id, order, mapped = EXPECTED_LAYERS[name]
    assert info.mapped is mapped
    if order is not None:
        assert info.order == order
    features = collection["features"]
    assert len(features) == 1
    assert features[0]["properties"]["id"] == site_id
    for feature in features:
        assert "crs" not in feature


def test_layer_ids_unique(layers: dict[str, dict]) -> None:
    ids = [c["atlas_layer"]["id"] for c in layers.values()]
    assert len(ids) == len(set(ids))


def test_every_record_was_reviewed(sites: dict[str, SiteFeature], events: dict[str, Event]) -> None:
    for site in sites.values():
        p = site.properties
        assert p.last_reviewed.isoformat() == _reviewed(p.id, {"S6"}), p.id
    for event in events.values():  # every event was migrated to nk_link by hand
        assert event.last_reviewed.isoformat() == CORRECTED, event.id


# ---------------------------------------------------------------- sites


def test_all_sites_present(sites: dict[str, SiteFeature]) -> None:
    assert set(sites) == set(EXPECTED_SITES)


@pytest.mark.parametrize("site_id", sorted(EXPECTED_SITES))
def test_site_coordinate_and_precision(site_id: str, sites: dict[str, SiteFeature]) -> None:
    site = sites[site_id]
    coords, precision_m, precision_class = EXPECTED_SITES[site_id]
    p = site.properties
    assert p.precision_class is precision_class
    assert p.precision_m == precision_m
    assert p.precision_note and p.coordinate_source
    if coords is None:
        assert site.geometry is None
        return
    assert site.geometry is not None
    lon, lat = site.geometry.coordinates[:2]
    assert [lon, lat] == coords, "coordinates must be [lon, lat] exactly as in the brief"
    assert LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX, "outside Syria"


def test_wrong_wikipedia_coordinates_appear_nowhere() -> None:
    for path in sorted(GEODATA.rglob("*")):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for value in WRONG_COORDINATE_TEXT:
            assert value not in text, f"{value} (a wrong Wikipedia coordinate) in {path}"


def test_embassy_point_is_the_city_not_the_embassy(sites: dict[str, SiteFeature]) -> None:
    p = sites["S5"].properties
    assert p.precision_class is PrecisionClass.CITY
    assert "NOT the embassy" in p.precision_note
    assert "northeast Damascus" in p.precision_note
    assert "Kafr Souseh" in (p.caveat or "")


def test_jamraya_layer_names_both_jamraya_and_dummar(
    sites: dict[str, SiteFeature], layers: dict[str, dict]
) -> None:
    p = sites["S3"].properties
    names = " ".join([p.name, *p.alt_names])
    assert "Jamraya" in names and "Dummar" in names
    title = layers["jamraya-dummar.geojson"]["atlas_layer"]["title"]
    assert "Jamraya" in title and "Dummar" in title
    # Errata 7: the equation of Dummar with Jamraya is the BBC's gloss.
    assert "BBC" in (p.caveat or "") and "Masyaf, Dummar and Barzeh" in (p.caveat or "")


def test_masyaf_caveats(sites: dict[str, SiteFeature]) -> None:
    p = sites["S2"].properties
    caveat = p.caveat or ""
    assert "one point does not stand for all" in caveat
    assert "6 km" in caveat
    assert any("Deep Layer" in name and "codename" in name for name in p.alt_names)


def test_unlocated_site_is_wadi_jahannam(sites: dict[str, SiteFeature]) -> None:
    site = sites["S2b"]
    assert site.geometry is None
    assert "Wadi Jahannam" in site.properties.name


# ---------------------------------------------------------------- events: integrity


def test_all_events_present(events: dict[str, Event]) -> None:
    assert set(events) == set(EXPECTED_EVENTS)


def test_event_references_exist(
    events: dict[str, Event], sites: dict[str, SiteFeature], sources: dict[str, Source]
) -> None:
    for event in events.values():
        for source_id in event.source_ids:
            assert source_id in sources, f"{event.id} cites unknown source {source_id}"
        for site_id in event.site_ids:
            assert site_id in sites, f"{event.id} names unknown site {site_id}"
        assert len(event.source_ids) == len(set(event.source_ids)), event.id


def test_every_source_is_cited(events: dict[str, Event], sources: dict[str, Source]) -> None:
    cited = {s for e in events.values() for s in e.source_ids}
    assert set(sources) - cited == set()


@pytest.mark.parametrize("event_id", sorted(EXPECTED_EVENTS))
def test_event_date_grades_and_sites(event_id: str, events: dict[str, Event]) -> None:
    date, grade, link_grade, site_ids = EXPECTED_EVENTS[event_id]
    event = events[event_id]
    assert event.date == date
    assert event.grade is grade
    assert event.link_grade is link_grade
    assert event.site_ids == site_ids


def test_link_none_where_no_dprk_link_is_documented(events: dict[str, Event]) -> None:
    for event_id, event in events.items():
        assert event.nk_link.note.strip(), event_id
        if event_id in NO_DPRK_LINK:
            assert event.link_types == [LinkType.NONE] and not event.nk_link.types, event_id
        else:
            assert LinkType.NONE not in event.link_types, event_id


# ---------------------------------------------------------------- events: specific facts


def test_e24_panel_claim_is_alleged_and_cites_unverified_symbol(
    events: dict[str, Event], sources: dict[str, Source]
) -> None:
    event = events["E24"]
    assert event.grade is Grade.ALLEGED
    cited = [sources[s] for s in event.source_ids]
    report = [s for s in cited if s.document_number == "S/2018/171"]
    assert len(report) == 1
    assert report[0].document_number_status == "unverified"
    assert report[0].date == "2018-03"
    assert "not a Panel finding" in event.grade_note
    assert "Syria" in event.grade_note
    assert "Hama" in (event.caveat or "")


def test_single_source_and_member_state_claims_are_alleged(events: dict[str, Event]) -> None:
    for event_id in ("E06", "E36b", "E37b", "E39"):
        assert events[event_id].grade is Grade.ALLEGED, event_id
    assert events["E04"].grade is Grade.DISPUTED


def test_split_rows_keep_the_allegation_apart(events: dict[str, Event]) -> None:
    assert events["E36a"].grade is Grade.CONFIRMED_OFFICIAL
    assert "chemical factory" not in events["E36a"].summary
    assert "chemical factory" in events["E36b"].summary
    assert "China disputes" in (events["E36b"].caveat or "")
    assert events["E37a"].grade is Grade.OFFICIAL_GOV
    assert "KOMID" not in events["E37a"].summary
    assert "KOMID" in events["E37b"].summary


def test_no_dprk_link_at_masyaf_strikes_or_khan_shaykhun(events: dict[str, Event]) -> None:
    for event_id in ("E12", "E14", "E16", "E17", "E18", "E40"):
        assert events[event_id].link_types == [LinkType.NONE], event_id


def test_e09_iaea_report(events: dict[str, Event], sources: dict[str, Source]) -> None:
    event = events["E09"]
    assert event.date == "2011-05-24"
    assert event.grade is Grade.CONFIRMED_OFFICIAL
    report = sources["iaea-gov-2011-30"]
    assert report.id in event.source_ids
    assert report.document_number == "GOV/2011/30"
    assert report.document_number_status == "confirmed"
    # An official finding about the building; what it says of North Korea is an allegation.
    assert event.link_grade is Grade.ALLEGED
    assert "allegation" in (event.caveat or "") and "no finding" in (event.caveat or "")


def test_e10_board_resolution_has_no_document_number(
    events: dict[str, Event], sources: dict[str, Source]
) -> None:
    event = events["E10"]
    assert event.date == "2011-06-09"
    for source_id in event.source_ids:
        assert sources[source_id].document_number is None, source_id
        assert sources[source_id].document_number_status is None, source_id


def test_e27_relations_month_only(events: dict[str, Event]) -> None:
    event = events["E27"]
    assert event.date == "1966-07"
    assert parse_event_date(event.date).precision == "month"
    assert "1966-07-25" not in json.dumps(event.model_dump(mode="json"))


def test_e02_construction_probably_2001(events: dict[str, Event]) -> None:
    parsed = parse_event_date(events["E02"].date)
    assert parsed.uncertain and parsed.precision == "year" and parsed.start.year == 2001
    assert "2003" in (events["E02"].date_note or "")


def test_e19_jamraya_strike_date(events: dict[str, Event]) -> None:
    assert events["E19"].date == "2013-01-30"


def test_e17_masyaf_raid_facts(events: dict[str, Event]) -> None:
    event = events["E17"]
    assert "Wikipedia names the operation 'Many Ways'" in event.summary
    assert "16–18" in event.summary and "25–27" in event.summary
    assert "14–27" not in event.summary
    assert "codename for the facility" in (event.caveat or "")


def test_e33_xin_yan_tai(events: dict[str, Event]) -> None:
    event = events["E33"]
    assert "445 graphite cylinders" in event.summary
    assert "535" not in event.summary
    assert "Electric Parts" in event.summary
    assert "29 June 2012" in event.summary


def test_e39_jobar_detail_is_anadolu_not_tass(events: dict[str, Event]) -> None:
    event = events["E39"]
    assert "Anadolu" in event.summary and "Jobar" in event.summary
    assert "anadolu-2016-03-chalma-jobar" in event.source_ids


def test_opcw_barzah_additions(events: dict[str, Event], sources: dict[str, Source]) -> None:
    assert "Schedule 2" in events["E42"].summary
    assert "ethyl ethylphosphonate" in events["E42"].summary
    letter = sources["unsg-2019-07-25-letter-opcw"]
    assert letter.date == "2019-07-25" and letter.document_number is None
    assert events["E43"].date == "2019-07-05/2019-07-13"


def test_deep_layer_is_never_an_operation(events: dict[str, Event]) -> None:
    pattern = re.compile(r"operation\W{0,3}deep\s+layer", re.IGNORECASE)
    for event in events.values():
        assert not pattern.search(event.title), event.id
        assert not pattern.search(event.summary), event.id


def test_claims_below_official_are_attributed(events: dict[str, Event]) -> None:
    below = {Grade.REPORTED, Grade.ALLEGED, Grade.DISPUTED}
    for event in events.values():
        if event.grade not in below:
            continue
        assert event.grade_note.strip(), event.id
        attributed = bool(ATTRIBUTIVE.search(event.summary))
        if event.grade in {Grade.ALLEGED, Grade.DISPUTED}:
            assert attributed, f"{event.id}: an allegation must be worded as a claim"
        else:
            assert attributed or ATTRIBUTIVE.search(event.grade_note), event.id


def test_every_date_parses_and_is_no_more_precise_than_the_brief(
    events: dict[str, Event],
) -> None:
    for event in events.values():
        parse_event_date(event.date)
    # Year-only or month-only facts must not have gained a day.
    for event_id in ("E01", "E08", "E12", "E13", "E20", "E23", "E24", "E27", "E33", "E35", "E42"):
        assert parse_event_date(events[event_id].date).start_precision in ("year", "month")


# ---------------------------------------------------------------- sources


def test_document_number_statuses(sources: dict[str, Source]) -> None:
    numbers = {
        s.document_number: s.document_number_status for s in sources.values() if s.document_number
    }
    assert numbers == {
        "GOV/2008/60": "unverified",
        "GOV/2009/9": "unverified",
        "GOV/2011/30": "confirmed",
        "EC-83/DEC.5": "confirmed",  # quoted with its date in EC-85/DG.16
        "EC-85/DG.16": "confirmed",  # the copy's header
        "S/2017/742": "confirmed",  # the copy's header
        "S/2017/904": "confirmed",  # copies of the document
        "S/2018/171": "unverified",
    }


def test_urls_are_whole_and_as_seen(sources: dict[str, Source]) -> None:
    """A URL is recorded exactly as a public copy shows it (some only exist over http)."""
    for source in sources.values():
        if source.url is None:
            continue
        text = str(source.url)
        assert text.startswith(("https://", "http://")), source.id
        assert "…" not in text and "..." not in text, source.id


# ---------------------------------------------------------------- entities (issue 4, part 3)

# id -> (kind, country): the actors of the DPRK–Syria story that the sourced events name.
EXPECTED_ENTITIES = {
    "ssrc": ("organisation", "Syria"),
    "komid": ("organisation", "North Korea"),
    "cheng-tong-trading": ("organisation", "China"),
    "tangun-trading": ("organisation", "North Korea"),
    "aecs": ("organisation", "Syria"),
    "chon-chibu": ("person", "North Korea"),
    "ibrahim-othman": ("person", "Syria"),
    "xin-yan-tai": ("vessel", None),
    "electric-parts": ("organisation", "Syria"),
    "ali-reza-asgari": ("person", "Iran"),
    "mun-jong-nam": ("person", "North Korea"),
}

# id -> (Arabic, Korean): only names checked against a source (see each names_note).
CHECKED_NAMES = {
    "ssrc": ("مركز الدراسات والبحوث العلمية", None),
    "komid": (None, "조선광업개발무역"),
    "tangun-trading": (None, "조선단군무역회사"),
    "aecs": ("هيئة الطاقة الذرية السورية", None),
    "chon-chibu": (None, "전지부"),
    "ibrahim-othman": ("إبراهيم عثمان", None),
    "mun-jong-nam": (None, "문정남"),
}

# entity -> the events that name it.
ENTITY_EVENTS = {
    "ssrc": {
        "E13",
        "E14",
        "E15",
        "E16",
        "E17",
        "E21",
        "E22",
        "E26",
        "E34",
        "E37a",
        "E42",
        "E43",
        "E44",
    },  # fmt: skip
    "komid": {"E37b"},
    "cheng-tong-trading": {"E36a", "E36b"},
    "tangun-trading": {"E13"},
    "aecs": {"E03"},
    "chon-chibu": {"E03"},
    "ibrahim-othman": {"E03"},
    "xin-yan-tai": {"E33"},
    "electric-parts": {"E33"},
    "ali-reza-asgari": {"E04"},
    "mun-jong-nam": {"E29"},
}


@pytest.fixture(scope="module")
def entities() -> dict:
    from layers.data.schema import EntitiesFile

    return _by_id(EntitiesFile.model_validate(_load("entities.json")).entities, "entity")


def _name_forms(entity) -> list[str]:
    """The name and each alt name, whole and without a parenthesised gloss."""
    names = [entity.name, *entity.alt_names]
    return [form for name in names for form in {name, name.split(" (")[0].strip()}]


def test_entities_are_the_expected_ones(entities: dict) -> None:
    assert {i: (e.kind.value, e.country) for i, e in entities.items()} == EXPECTED_ENTITIES


def test_every_entity_is_named_by_the_expected_events(
    entities: dict, events: dict[str, Event]
) -> None:
    named: dict[str, set[str]] = {}
    for event in events.values():
        for entity_id in event.entity_ids:
            assert entity_id in entities, f"{event.id} names unknown entity {entity_id}"
            named.setdefault(entity_id, set()).add(event.id)
    assert named == ENTITY_EVENTS
    assert all(named.get(entity_id) for entity_id in entities), "an entity no event names"


def test_an_event_names_each_of_its_entities_in_its_title_or_summary(
    entities: dict, events: dict[str, Event]
) -> None:
    for event in events.values():
        text = f"{event.title} {event.summary}"
        for entity_id in event.entity_ids:
            forms = _name_forms(entities[entity_id])
            assert any(form in text for form in forms), f"{event.id} does not name {entity_id}"


def test_entity_sources_exist_and_are_cited_by_its_events(
    entities: dict, events: dict[str, Event], sources: dict[str, Source]
) -> None:
    for entity_id, entity in entities.items():
        cited = {s for e in events.values() if entity_id in e.entity_ids for s in e.source_ids}
        for source_id in entity.source_ids:
            assert source_id in sources, f"{entity_id}: unknown source {source_id}"
            assert source_id in cited, f"{entity_id}: {source_id} is cited by none of its events"


def test_only_checked_arabic_and_korean_names(entities: dict) -> None:
    found = {i: (e.name_ar, e.name_ko) for i, e in entities.items() if e.name_ar or e.name_ko}
    assert found == CHECKED_NAMES
    for entity_id in CHECKED_NAMES:
        assert entities[entity_id].names_note, entity_id


def test_komid_link_is_alleged(entities: dict, events: dict[str, Event]) -> None:
    komid = entities["komid"]
    assert "KOMID" in komid.alt_names and "Korea Mining Development" in komid.name
    assert "not a Panel finding" in komid.description
    for event in events.values():
        if "komid" in event.entity_ids:
            assert event.grade is Grade.ALLEGED, event.id
    assert "komid" not in events["E37a"].entity_ids  # the official-gov half names no KOMID


def test_cheng_tong_dprk_link_is_disputed_by_china(
    entities: dict, events: dict[str, Event]
) -> None:
    assert "China disputes" in entities["cheng-tong-trading"].description
    assert "China disputes" in (events["E36b"].caveat or "")
    assert "China disputes" in (events["E36a"].caveat or "")


def test_entity_descriptions_are_attributive_and_reviewed(entities: dict) -> None:
    for entity in entities.values():
        assert ATTRIBUTIVE.search(entity.description), entity.id
        corrected = ("chon-chibu", "xin-yan-tai")  # 1.0.0 corrections
        assert entity.last_reviewed.isoformat() == _reviewed(entity.id, corrected), entity.id


# ---------------------------------------------------------------- claims check (issue 4, part 7)

ARTICLE = GEODATA.parent.parent / "shared" / "research" / "source-article.txt"

EXPECTED_CLAIM_STATUS = {
    "C01": "established",  # relations in the 1960s (July 1966)
    "C02": "unverified",  # military advisers and air defence: not in the brief
    "C03": "wrong",  # helped achieve nuclear capability: the reactor never operated
    "C04": "partly right",  # destroyed by Israel in 2007, yes; "built with Pyongyang's..." is C05
    "C05": "unverified",  # North Korean expertise, modelled on Yongbyon: US assessment
    "C06": "unverified",  # North Korean scientists killed: (c) 9
    "C07": "partly right",  # Cheng Tong as a front company
    "C08": "partly right",  # missile technology reported (E33, E34); artillery, precursors not
    "C09": "partly right",  # 40 shipments: (c) 1
    "C10": "unverified",  # masked as civilian projects
    "C11": "unverified",  # advisers in counter-insurgency
    "C12": "partly right",  # Chalma units: (c) 10
    "C13": "partly right",  # "misinformation": said in 2013 (E47), not of the Chalma claim
    "C14": "unverified",  # testing ground for cyber, drones, missiles
    "C15": "established",  # 2013 CWC accession
    "C16": "partly right",  # continued use, facilitated by North Korea
    "C17": "unverified",  # SSRC CW production at Masyaf, Dummar and Barzeh: (c) 4, 5
    "C18": "unverified",  # technicians at Barzeh: (c) 3
    "C19": "established",  # Khan Sheikhoun: (c) 15
    "C20": "unverified",  # Askari and KOMID: (c) 7
    "C21": "unverified",  # third-party intermediaries
    "C22": "established",  # fall of Assad, December 2024
    "C23": "established",  # embassy evacuated
    "C24": "unverified",  # relations cut off: no severance found
    "C25": "unverified",  # classified records left behind
    "C26": "established",  # South Korea's overtures (relations, April 2025)
    "C27": "unverified",  # chemical agents proliferated
}


@pytest.fixture(scope="module")
def claims_file():
    from layers.data.claims import ClaimsFile

    data = ClaimsFile.model_validate(_load("claims.json"))
    _by_id(data.claims, "claim")  # each id once
    return data


@pytest.fixture(scope="module")
def article() -> str:
    import os

    if not ARTICLE.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{ARTICLE} is missing; CI must have shared/ beside the repository")
        pytest.skip(f"{ARTICLE} is not here (shared/ is not beside the repository)")
    return ARTICLE.read_text(encoding="utf-8")


def test_every_quote_is_verbatim_from_the_article_in_its_order(claims_file, article: str) -> None:
    positions = []
    for claim in claims_file.claims:
        assert claim.quote in article, f"{claim.id} is not a verbatim quote"
        positions.append(article.index(claim.quote))
    assert positions == sorted(positions), "claims are not in the article's order"


def test_claim_statuses(claims_file) -> None:
    assert {c.id: c.status.value for c in claims_file.claims} == EXPECTED_CLAIM_STATUS


def test_every_item_of_section_c_is_covered(claims_file) -> None:
    cited = {item for c in claims_file.claims for item in c.brief_items}
    skipped = {n.item for n in claims_file.not_in_article}
    assert cited | skipped == set(range(1, 17))
    assert cited.isdisjoint(skipped)
    assert skipped == {6, 8, 11, 12, 13, 16}


def test_claim_references_exist(
    claims_file, events: dict[str, Event], sources: dict[str, Source]
) -> None:
    for claim in claims_file.claims:
        for event_id in claim.event_ids:
            assert event_id in events, f"{claim.id}: unknown event {event_id}"
            assert event_id in claim.evidence, f"{claim.id}: {event_id} is not explained"
        for source_id in claim.source_ids:
            assert source_id in sources, f"{claim.id}: unknown source {source_id}"
        corrected = ("C01", "C02", "C03", "C04", "C08", "C11", "C12", "C13")
        assert claim.last_reviewed.isoformat() == _reviewed(claim.id, corrected), claim.id


def test_claims_the_brief_does_not_address_say_so(claims_file) -> None:
    for claim in claims_file.claims:
        silent = not (claim.brief_items or claim.errata or claim.event_ids)
        says_so = claim.evidence.startswith("The research brief does not address this.")
        if silent:
            assert says_so and claim.status.value == "unverified", claim.id
        if says_so:
            assert claim.status.value == "unverified", claim.id


def test_an_established_claim_rests_on_more_than_allegations(
    claims_file, events: dict[str, Event]
) -> None:
    firm = {Grade.CONFIRMED_OFFICIAL, Grade.OFFICIAL_GOV, Grade.REPORTED}
    for claim in claims_file.claims:
        if claim.status.value == "established":
            assert any(events[e].grade in firm for e in claim.event_ids), claim.id


def test_specific_verdicts_of_section_c(claims_file) -> None:
    by_id = {c.id: c for c in claims_file.claims}
    assert 1 in by_id["C09"].brief_items and "Partly wrong" in by_id["C09"].evidence
    assert "not a Panel finding" in by_id["C18"].evidence and by_id["C18"].brief_items == [2, 3]
    assert by_id["C06"].event_ids == ["E06"] and 9 in by_id["C06"].brief_items
    assert "militia units" in by_id["C12"].evidence
    assert by_id["C19"].event_ids == ["E40"] and "No North Korean link" in by_id["C19"].evidence
    assert "no formal severance" in by_id["C24"].evidence and by_id["C24"].event_ids == ["E32"]
    assert {"E04", "E37b"} <= set(by_id["C20"].event_ids)

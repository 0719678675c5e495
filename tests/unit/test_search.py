"""Search finds every record by every spelling it lists, and a hostile query finds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layers.data.load import DEFAULT_DATA_DIR, load_atlas
from layers.data.search import KIND_WORDS, MAX_QUERY, Match, fold, search
from tests.factories import event, layer, site_feature, write_dataset

GEODATA = Path(DEFAULT_DATA_DIR)


@pytest.fixture(scope="module")
def atlas():
    return load_atlas(GEODATA)


def _site_spellings() -> list[tuple[str, str]]:
    """(site id, query) for each alt name and Arabic name, whole and without its gloss."""
    pairs = []
    for path in sorted((GEODATA / "sites").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            p = feature["properties"]
            for name in [*p.get("alt_names", []), p.get("name_ar")]:
                if not name:
                    continue
                pairs.append((p["id"], name))
                bare = name.split(" (")[0].strip()
                if bare != name:
                    pairs.append((p["id"], bare))
    return pairs


def _entity_names() -> list[tuple[str, str]]:
    data = json.loads((GEODATA / "entities.json").read_text(encoding="utf-8"))
    pairs = []
    for entity in data["entities"]:
        names = [entity["name"], *entity["alt_names"], entity.get("name_ar"), entity.get("name_ko")]
        for name in filter(None, names):
            pairs.append((entity["id"], name))
            bare = name.split(" (")[0].strip()
            if bare != name:
                pairs.append((entity["id"], bare))
    return pairs


def _first_of_kind(hits, kind: str) -> str | None:
    return next((h.id for h in hits if h.kind == kind), None)


@pytest.mark.parametrize(("site_id", "query"), _site_spellings())
def test_every_site_is_found_by_each_of_its_spellings(atlas, site_id, query):
    assert _first_of_kind(search(atlas, query), "site") == site_id


@pytest.mark.parametrize(
    ("query", "site_id"),
    [
        ("Al Kibar", "S1"),
        ("al-Khibar", "S1"),
        ("Dair Alzour", "S1"),
        ("Deir ez-Zor", "S1"),
        ("deir EZ zor", "S1"),
        ("Jamraya", "S3"),
        ("Jamrayah", "S3"),
        ("Dummar", "S3"),
        ("Barzah", "S4"),
        ("Barzeh", "S4"),
        ("berze", "S4"),
        ("Masyaf", "S2"),
        ("Misyaf", "S2"),
        ("مصياف", "S2"),
        ("مَصْيـاف", "S2"),  # with diacritics and a tatweel
        ("الكبر", "S1"),
        ("كبر", "S1"),  # without the Arabic article
        ("S2b", "S2b"),
    ],
)
def test_the_spellings_of_the_issue(atlas, query, site_id):
    hits = search(atlas, query)
    assert _first_of_kind(hits, "site") == site_id
    site_hit = next(h for h in hits if h.kind == "site")
    assert site_hit.site_ids == (site_id,)


@pytest.mark.parametrize(("entity_id", "query"), _entity_names())
def test_every_entity_is_found_by_each_of_its_names(atlas, entity_id, query):
    assert _first_of_kind(search(atlas, query), "entity") == entity_id


def test_entities_by_short_name_rank_first(atlas):
    assert search(atlas, "KOMID")[0].id == "komid"
    assert search(atlas, "Cheng Tong")[0].id == "cheng-tong-trading"
    assert search(atlas, "전지부")[0].id == "chon-chibu"


def test_sources_by_document_number(atlas):
    numbered = [s for s in atlas.sources.values() if s.document_number]
    assert len(numbered) == 8
    for source in numbered:
        [first, *_] = search(atlas, source.document_number)
        assert (first.kind, first.id, first.match) == ("source", source.id, Match.EXACT)
    assert search(atlas, "GOV/2011/30")[0].id == "iaea-gov-2011-30"
    assert search(atlas, "S/2018/171")[0].id == "un-s-2018-171"


def test_events_by_id(atlas):
    for dated in atlas.events:
        [first, *_] = search(atlas, dated.id)
        assert (first.kind, first.id, first.match) == ("event", dated.id, Match.EXACT)
        assert first.site_ids == tuple(dated.event.site_ids)


def test_a_hit_says_what_matched(atlas):
    hit = search(atlas, "Dair Alzour")[0]
    assert hit.field == "alt name" and hit.text == "Dair Alzour (IAEA spelling)"
    assert hit.matched == "alt name: Dair Alzour (IAEA spelling)"


def test_an_entity_hit_carries_the_sites_of_its_events(atlas):
    hit = next(h for h in search(atlas, "Tangun") if h.kind == "entity")
    assert hit.site_ids == ("S6",)  # Jane's "near Hama", now Jabal Taqsis, not Masyaf


@pytest.mark.parametrize(
    "query",
    ["", "   ", "(.*)", ".*", "[", "\\", "^$", "+?*", "|", "a" * 10_000, "x" * (MAX_QUERY + 1)],
)
def test_empty_or_hostile_queries_return_nothing(atlas, query):
    assert search(atlas, query) == []


def test_limit(atlas):
    assert search(atlas, "Kibar", limit=0) == []
    assert len(search(atlas, "e", limit=3)) == 3


def test_fold_ignores_case_accents_hyphens_and_articles():
    assert fold("Al-Kibar") == fold("al Kibar") == fold("EL KIBAR") == "kibar"
    assert fold("Berzé") == "berze"
    assert fold("مَصْيـاف") == fold("مصياف")
    assert fold("Deir ez-Zor") == "deir ez zor"
    assert fold("al") == "al"


def test_ranking_exact_then_word_prefix_then_substring(tmp_path):
    layers = {
        "a": layer("a", site_feature("S1", name="Test Kibar"), order=1),
        "b": layer("b", site_feature("S2", name="Kibar"), order=2),
        "c": layer("c", site_feature("S3", name="Sukibar village"), order=3),
    }
    root = write_dataset(tmp_path, layers=layers, events=[event("E01", ["S1"], title="Other")])
    hits = search(load_atlas(root), "kibar")
    assert [(h.id, h.match) for h in hits] == [
        ("S2", Match.EXACT),
        ("S1", Match.PREFIX),
        ("S3", Match.SUBSTRING),
    ]


def test_titles_outrank_summaries(tmp_path):
    events = [
        event("E01", title="A strike", summary="Nothing about Kibar here."),
        event("E02", title="Kibar strike", summary="Text."),
    ]
    root = write_dataset(tmp_path, events=events)
    hits = [h for h in search(load_atlas(root), "kibar") if h.kind == "event"]
    assert [(h.id, h.field) for h in hits] == [("E02", "title"), ("E01", "summary")]


def test_hostile_data_is_found_as_text(tmp_path):
    hostile = '<script>alert("x")</script> (.*'
    layers = {"a": layer("a", site_feature("S1", name=hostile))}
    atlas = load_atlas(write_dataset(tmp_path, layers=layers))
    [hit] = [h for h in search(atlas, "script alert") if h.kind == "site"]
    assert hit.label == hostile


def test_a_source_without_a_known_title_is_labelled_by_what_it_is(atlas):
    """No 'None' in a label: an untitled source shows its description, marked as such."""
    [hit, *_] = search(atlas, "S/2018/171")
    assert "None" not in hit.label and "(title unknown)" in hit.label
    assert search(atlas, "Demetri Sevastopulo")[0].id == "ft-2008-04-24-north-korea-helped-syria"


def test_results_are_labelled_in_words_not_ids() -> None:
    """Issue 13: results showed internal ids ("event: E36b", "id: komid")."""
    atlas = load_atlas()
    hits = [*search(atlas, "komid"), *search(atlas, "S/2018/171"), *search(atlas, "reactor")]
    assert {hit.kind for hit in hits} >= {"entity", "source", "event"}
    for hit in hits:
        assert hit.title.split(":")[0] in KIND_WORDS.values()
        assert hit.id not in hit.title, hit
        assert not hit.matched.startswith("id:"), hit

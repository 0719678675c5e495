"""Entities load, cross-check against events and sources, and filter the chronology."""

from __future__ import annotations

from layers.data.filters import Filters, filter_events
from layers.data.load import load_atlas
from layers.data.model import Atlas, events_of_entity
from layers.data.schema import DatasetInfo
from tests.factories import DATASET, entity, event, source, two_layers, write_dataset


def _errors(atlas: Atlas) -> list[str]:
    return [str(p) for p in atlas.problems if p.severity == "error"]


def test_entities_load_and_events_name_them(tmp_path):
    events = [event("E01", entity_ids=["komid"])]
    atlas = load_atlas(write_dataset(tmp_path, entities=[entity("komid")], events=events))
    assert atlas.problems == ()
    assert list(atlas.entities) == ["komid"]
    assert atlas.events[0].event.entity_ids == ["komid"]


def test_a_folder_without_entities_json_has_none_and_no_problem(tmp_path):
    atlas = load_atlas(write_dataset(tmp_path))
    assert atlas.entities == {} and atlas.problems == ()


def test_atlas_built_without_entities_keeps_working():
    atlas = Atlas(info=DatasetInfo(**DATASET), layers=(), events=(), sources={})
    assert atlas.entities == {}


def test_an_event_naming_an_unknown_entity_is_reported_and_kept(tmp_path):
    events = [event("E01", entity_ids=["nobody"])]
    atlas = load_atlas(write_dataset(tmp_path, entities=[entity("komid")], events=events))
    assert [e.id for e in atlas.events] == ["E01"]
    [problem] = atlas.problems
    assert (problem.record_id, problem.field, problem.index) == ("E01", "entity_ids", 0)
    assert problem.file.endswith("events.json") and "'nobody'" in problem.message


def test_an_entity_without_a_resolvable_source_is_not_shown(tmp_path):
    entities = [entity("komid"), entity("ssrc", source_ids=["missing"])]
    atlas = load_atlas(write_dataset(tmp_path, entities=entities, events=[event("E01")]))
    assert list(atlas.entities) == ["komid"]
    messages = _errors(atlas)
    assert any(
        "entities.json: feature 1 (id 'ssrc'): field 'source_ids'" in m and "'missing'" in m
        for m in messages
    )
    assert any("no source resolves, so the entity is not shown" in m for m in messages)


def test_an_invalid_entity_names_its_index_id_and_field(tmp_path):
    entities = [entity("komid", kind="ship"), entity("ssrc")]
    atlas = load_atlas(write_dataset(tmp_path, entities=entities))
    assert list(atlas.entities) == ["ssrc"]
    [problem] = atlas.problems
    assert (problem.index, problem.record_id, problem.field) == (0, "komid", "kind")
    assert "organisation" in problem.message


def test_later_problems_keep_the_record_index_of_the_file(tmp_path):
    entities = [entity("bad", kind="ship"), entity("ssrc", source_ids=["missing"])]
    atlas = load_atlas(write_dataset(tmp_path, entities=entities))
    assert {(p.index, p.record_id) for p in atlas.problems} == {(0, "bad"), (1, "ssrc")}


def test_names_in_other_scripts_are_checked_and_need_a_note(tmp_path):
    entities = [
        entity("a", name_ko="Chon Chibu", names_note="x"),
        entity("b", name_ar="برزة"),
        entity("c", name_ko="전지부", names_note="Checked against a test source."),
    ]
    atlas = load_atlas(write_dataset(tmp_path, entities=entities))
    assert list(atlas.entities) == ["c"]
    fields = {(p.record_id, p.field) for p in atlas.problems}
    assert fields == {("a", "name_ko"), ("b", "(the whole record)")}  # a rule across fields


def test_duplicate_entity_ids_and_repeated_entity_ids_are_reported(tmp_path):
    events = [event("E01", entity_ids=["komid", "komid"])]
    atlas = load_atlas(
        write_dataset(tmp_path, entities=[entity("komid"), entity("komid")], events=events)
    )
    messages = _errors(atlas)
    assert any("id 'komid'" in m and "2 times" in m for m in messages)
    assert any("E01" in m and "entity ids repeat" in m for m in messages)


def test_hostile_entity_file_is_reported_not_raised(tmp_path):
    root = write_dataset(tmp_path)
    (root / "entities.json").write_text('{"entities": [', encoding="utf-8")
    [message] = _errors(load_atlas(root))
    assert "entities.json" in message and "not valid JSON" in message


def _chronology(tmp_path) -> Atlas:
    layers = two_layers()
    events = [
        event("E01", ["S2"], date="2017-09-05", entity_ids=["komid"]),
        event("E02", ["S1"], date="2012-05", entity_ids=["komid", "xin-yan-tai"]),
        event("E03", [], date="2014-01", entity_ids=["komid"]),
        event("E04", ["S1"], date="2008-04-24"),
    ]
    entities = [entity("komid"), entity("xin-yan-tai", kind="vessel", source_ids=["src-b"])]
    sources = [source("src-a"), source("src-b")]
    return load_atlas(
        write_dataset(tmp_path, entities=entities, layers=layers, events=events, sources=sources)
    )


def test_events_of_entity_in_date_order_across_sites(tmp_path):
    atlas = _chronology(tmp_path)
    assert [e.id for e in events_of_entity(atlas, "komid")] == ["E02", "E03", "E01"]
    assert [e.id for e in events_of_entity(atlas, "xin-yan-tai")] == ["E02"]
    assert events_of_entity(atlas, "nobody") == []


def test_entity_filter(tmp_path):
    atlas = _chronology(tmp_path)
    ids = [e.id for e in filter_events(atlas, Filters())]
    assert ids == ["E04", "E02", "E03", "E01"]
    only = Filters(entity_ids=frozenset({"xin-yan-tai"}))
    assert [e.id for e in filter_events(atlas, only)] == ["E02"]
    either = Filters(entity_ids=frozenset({"komid", "xin-yan-tai"}), syria_wide=False)
    assert [e.id for e in filter_events(atlas, either)] == ["E02", "E01"]
    assert filter_events(atlas, Filters(entity_ids=frozenset())) == []

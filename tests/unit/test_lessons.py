"""Lessons: the shipped lesson is sourced and honest, and a broken lesson never crashes.

The shipped lesson is checked against the real data: its citations resolve, its highlights
are visible under its own filters, and steps built on allegations say so in words.
"""

from __future__ import annotations

import copy
import re
import time
from functools import cache
from pathlib import Path

import pytest
import yaml

from layers.data.filters import event_matches
from layers.data.lesson_yaml import MAX_LESSON_BYTES
from layers.data.lessons import (
    Lesson,
    check_lesson,
    lesson_from_document,
    load_lesson,
    load_lessons,
    step_filters,
    step_view,
)
from layers.data.load import DEFAULT_DATA_DIR, load_atlas
from layers.data.model import Atlas
from layers.data.problems import errors_only
from layers.data.schema import Grade, LinkType

LESSON_ID = "north-korea-in-syria"
LESSON_FILE = DEFAULT_DATA_DIR / "lessons" / f"{LESSON_ID}.yaml"
README = DEFAULT_DATA_DIR / "lessons" / "README.md"
HEDGES = ("alleged", "claim", "according to", "reportedly", "says")
WEAK = (Grade.ALLEGED, Grade.DISPUTED)


@cache
def atlas() -> Atlas:
    return load_atlas(DEFAULT_DATA_DIR)


@cache
def shipped() -> Lesson:
    lessons, problems = load_lessons(DEFAULT_DATA_DIR, atlas())
    assert problems == [], [str(p) for p in problems]
    [lesson] = [lesson for lesson in lessons if lesson.id == LESSON_ID]
    return lesson


def events() -> dict:
    return {dated.id: dated for dated in atlas().events}


# --- the shipped lesson ------------------------------------------------------------------


def test_shipped_lesson_validates_without_problems() -> None:
    lesson = shipped()
    assert lesson.title == "North Korea in Syria, 1966 to 2025"
    assert 8 <= len(lesson.steps) <= 12
    assert len({step.id for step in lesson.steps}) == len(lesson.steps)


def test_every_citation_and_highlight_exists() -> None:
    for step in shipped().steps:
        for cited in step.citations:
            assert cited in events() or cited in atlas().sources, (step.id, cited)
        for event_id in step.highlight_event_ids:
            assert event_id in events(), (step.id, event_id)


def test_every_highlight_passes_its_steps_filters() -> None:
    for step in shipped().steps:
        filters = step_filters(step, atlas())
        for event_id in step.highlight_event_ids:
            assert event_matches(atlas(), events()[event_id], filters), (step.id, event_id)


@pytest.mark.parametrize("event_id", ["E06", "E24", "E37b", "E39"])
def test_steps_citing_key_allegations_hedge(event_id: str) -> None:
    assert events()[event_id].event.grade is Grade.ALLEGED
    citing = [step for step in shipped().steps if event_id in step.citations]
    assert citing, f"no step cites {event_id}"
    for step in citing:
        assert any(word in step.text.lower() for word in HEDGES), (step.id, event_id)


def test_every_step_citing_a_weak_event_hedges() -> None:
    for step in shipped().steps:
        if any(events()[c].event.grade in WEAK for c in step.citations if c in events()):
            assert any(word in step.text.lower() for word in HEDGES), step.id


def test_the_lesson_covers_the_brief() -> None:
    """The topics the lesson promised, each resting on its events."""
    cited = {c for step in shipped().steps for c in step.citations}
    for event_id in ("E27", "E07", "E09", "E06", "E36a", "E36b", "E37b", "E24", "E17"):
        assert event_id in cited
    for event_id in ("E20", "E39", "E41", "E30", "E31", "E32"):
        assert event_id in cited
    texts = {step.id: step.text for step in shipped().steps}
    iaea = next(t for i, t in texts.items() if "iaea" in i)
    assert "makes no finding" in iaea, "the IAEA made no finding on North Korean help"
    masyaf = next(t for i, t in texts.items() if "masyaf" in i)
    assert "No North Korean link is documented" in masyaf
    assert "weigh" in shipped().steps[-1].id, "the lesson closes on weighing evidence"


def test_steps_are_not_simply_in_date_order() -> None:
    firsts = [step.filters.years[0] for step in shipped().steps]
    assert firsts != sorted(firsts)


def test_step_views_centre_on_the_site_or_the_given_point() -> None:
    for step in shipped().steps:
        lat, lon, zoom = step_view(step, atlas())
        assert 6 <= zoom <= 14
        if step.view.site:
            site = atlas().sites[step.view.site]
            assert (lat, lon) == (site.lat, site.lon)
        else:
            assert (lat, lon) == step.view.center


def test_step_filters_mean_all_when_absent() -> None:
    step = shipped().steps[0]
    bare = step.model_copy(update={"filters": step.filters.model_copy(update={"link_types": None})})
    assert step_filters(bare, atlas()).link_types == frozenset(LinkType)
    assert step_filters(bare, atlas()).grades == frozenset(Grade)
    assert step_filters(bare, atlas()).layer_ids is None


def test_readme_example_is_a_valid_lesson() -> None:
    [block] = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    lesson, problems = lesson_from_document(yaml.safe_load(block), "README.md")
    assert problems == [] and lesson is not None
    assert check_lesson(lesson, atlas(), "README.md") == []


# --- broken lesson files -------------------------------------------------------------------


def _document() -> dict:
    return copy.deepcopy(yaml.safe_load(LESSON_FILE.read_text(encoding="utf-8")))


def _write(tmp_path: Path, content: str | bytes | dict, name: str = LESSON_ID) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.yaml"
    if isinstance(content, dict):
        content = yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def _load(tmp_path: Path, content: str | bytes | dict):
    _write(tmp_path, content)
    lessons, problems = load_lessons(tmp_path, atlas())
    assert all(p.file.endswith(f"lessons/{LESSON_ID}.yaml") for p in problems)
    return lessons, problems


def test_a_copy_of_the_shipped_lesson_loads(tmp_path: Path) -> None:
    lessons, problems = _load(tmp_path, _document())
    assert problems == [] and [lesson.id for lesson in lessons] == [LESSON_ID]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("steps: [unclosed", "not valid YAML"),
        ("- a list\n- not a mapping\n", "must be a YAML mapping"),
        ("", "(got empty)"),
        ("just a string", "(got str)"),
        ("a: 1\n---\nb: 2\n", "not valid YAML"),
        ("last_reviewed: 2026-13-45\n", "not usable YAML"),
        ("[" * 50_000 + "]" * 50_000, "more than 20 deep"),
        ("a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 700)), "not usable YAML"),
        ("id: a\nid: b\n", "repeats the key 'id'"),
        ("a: !!python/object/apply:os.system ['echo hacked']\n", "could not determine"),
        (b"id: \xff\xfe\n", "not UTF-8"),
    ],
)
def test_unreadable_files_become_problems(tmp_path: Path, content, expected: str) -> None:
    lessons, problems = _load(tmp_path, content)
    assert lessons == []
    [problem] = problems
    assert expected in problem.message


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    lines.append("steps: *a9")
    started = time.monotonic()
    lessons, problems = _load(tmp_path, "\n".join(lines))
    assert time.monotonic() - started < 5
    assert lessons == []
    [problem] = problems
    assert "alias" in problem.message


def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    lessons, problems = _load(tmp_path, "# padding\n" * (MAX_LESSON_BYTES // 10 + 1))
    assert lessons == [] and "limit" in problems[0].message


def _step_problem(tmp_path: Path, index: int, **changes):
    """Load the shipped lesson with one step changed; return its one error."""
    document = _document()
    for dotted, value in changes.items():
        target = document["steps"][index]
        *path, last = dotted.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    lessons, problems = _load(tmp_path, document)
    assert lessons == [], "a lesson with an error is left out whole"
    [problem] = errors_only(problems)
    assert problem.index == index
    assert problem.record_id == document["steps"][index]["id"]
    return problem


@pytest.mark.parametrize(
    ("index", "changes", "field", "words"),
    [
        (2, {"view__zoom": "near"}, "view.zoom", "number"),
        (2, {"view__zoom": 99}, "view.zoom", "14"),
        (1, {"view": {"center": [999, 999], "zoom": 7}}, "view", "outside the map"),
        (1, {"view": {"site": "S1", "center": [34.0, 38.0], "zoom": 7}}, "view", "either"),
        (3, {"citations": ["E06", "E999"]}, "citations", "'E999'"),
        (3, {"citations": ["no-such-source"]}, "citations", "'no-such-source'"),
        (3, {"citations": []}, "citations", "at least 1"),
        (4, {"highlight_event_ids": ["E998"]}, "highlight_event_ids", "'E998'"),
        (0, {"view": {"site": "S99", "zoom": 9}}, "view.site", "'S99'"),
        (0, {"view": {"site": "S2b", "zoom": 9}}, "view.site", "no coordinate"),
        (0, {"filters__years": [2007, 1990]}, "filters", "backwards"),
        (0, {"filters__years": [1900, 2007]}, "filters", "1966"),
        (0, {"filters__years": "1966-2025"}, "filters.years", "tuple"),
        (0, {"filters__layers": ["atlantis"]}, "filters.layers", "'atlantis'"),
        (0, {"filters__grades": ["certain"]}, "filters.grades.0", "confirmed-official"),
        (0, {"filters__grades": []}, "filters.grades", "at least 1"),
        (0, {"title": ["not", "text"]}, "title", "string"),
        (0, {"text": "**Bold** claim"}, "text", "Markdown"),
        (0, {"presenter_notes": "<script>alert(1)</script>"}, "presenter_notes", "HTML"),
        (0, {"colour": "red"}, "colour", "unknown field"),
        (0, {"text": "x" * 5000}, "text", "900"),
    ],
)
def test_a_broken_step_names_file_step_and_field(
    tmp_path: Path, index: int, changes: dict, field: str, words: str
) -> None:
    problem = _step_problem(tmp_path, index, **changes)
    assert problem.field == field
    assert words in problem.message, problem.message
    where = str(problem)
    assert f"lessons/{LESSON_ID}.yaml" in where and f"feature {index}" in where


def test_lesson_level_errors_name_the_field(tmp_path: Path) -> None:
    document = _document()
    document["steps"] = "not a list"
    del document["summary"]
    lessons, problems = _load(tmp_path, document)
    assert lessons == []
    assert {(p.field, p.index) for p in problems} == {("steps", None), ("summary", None)}


def test_the_lesson_id_must_match_the_file_name(tmp_path: Path) -> None:
    document = _document()
    document["id"] = "another-name"
    lessons, problems = _load(tmp_path, document)
    assert lessons == [] and problems[0].field == "id" and "file name" in problems[0].message


def test_a_repeated_step_id_is_an_error(tmp_path: Path) -> None:
    document = _document()
    document["steps"][1]["id"] = document["steps"][0]["id"]
    lessons, problems = _load(tmp_path, document)
    assert lessons == [] and problems[0].index == 1 and problems[0].field == "id"


def test_advice_is_a_warning_and_keeps_the_lesson(tmp_path: Path) -> None:
    document = _document()
    claim = next(i for i, s in enumerate(document["steps"]) if "E06" in s["citations"])
    document["steps"][claim]["text"] = "About ten North Koreans died in the strike."
    document["steps"][0]["highlight_event_ids"] = ["E09"]  # hidden by step 0's filters
    lessons, problems = _load(tmp_path, document)
    assert [lesson.id for lesson in lessons] == [LESSON_ID]
    assert {(p.severity, p.index, p.field) for p in problems} == {
        ("warning", claim, "text"),
        ("warning", 0, "highlight_event_ids"),
    }


def test_one_bad_lesson_does_not_hide_a_good_one(tmp_path: Path) -> None:
    _write(tmp_path, _document())
    _write(tmp_path, "steps: [", name="broken")
    lessons, problems = load_lessons(tmp_path, atlas())
    assert [lesson.id for lesson in lessons] == [LESSON_ID]
    [problem] = problems
    assert problem.file.endswith("lessons/broken.yaml")


def test_a_missing_lessons_folder_is_no_lessons(tmp_path: Path) -> None:
    assert load_lessons(tmp_path, atlas()) == ([], [])


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    lesson, problems = load_lesson(tmp_path / "gone.yaml", atlas())
    assert lesson is None and "cannot read" in problems[0].message

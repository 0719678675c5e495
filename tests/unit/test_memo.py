"""The page's parts kept per atlas (layers/state/memo.py): a part is built once per key
and atlas, the least recently used goes first, and an atlas's parts go with it."""

from __future__ import annotations

import gc

import pytest

from layers.state import memo
from layers.ui.page import kept_block


class FakeAtlas:
    """Any object will do: the parts are kept by the atlas's identity."""


@pytest.fixture(autouse=True)
def fresh() -> None:
    memo.clear()


def test_a_part_is_built_once_per_key_and_atlas() -> None:
    atlas, other = FakeAtlas(), FakeAtlas()
    built: list[str] = []

    def build(value: str):
        return lambda: built.append(value) or value

    assert memo.kept(atlas, ("table", ("E1",)), build("a")) == "a"
    assert memo.kept(atlas, ("table", ("E1",)), build("b")) == "a"
    assert memo.kept(atlas, ("table", ("E2",)), build("c")) == "c"
    assert memo.kept(other, ("table", ("E1",)), build("d")) == "d"
    assert built == ["a", "c", "d"]


def test_the_least_recently_used_part_goes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "PARTS_PER_ATLAS", 2)
    atlas = FakeAtlas()
    memo.kept(atlas, 1, lambda: "one")
    memo.kept(atlas, 2, lambda: "two")
    memo.kept(atlas, 1, lambda: "rebuilt")  # used: 2 is now the oldest
    memo.kept(atlas, 3, lambda: "three")
    assert memo.kept(atlas, 1, lambda: "rebuilt") == "one"
    assert memo.kept(atlas, 2, lambda: "rebuilt") == "rebuilt"


def test_an_atlas_takes_its_parts_with_it() -> None:
    atlas = FakeAtlas()
    memo.kept(atlas, "summary", lambda: "x" * 1000)
    assert id(atlas) in memo._by_atlas
    key = id(atlas)
    del atlas
    gc.collect()
    assert key not in memo._by_atlas


def test_a_kept_block_is_folded_on_one_line() -> None:
    atlas = FakeAtlas()
    assert kept_block(atlas, "p", lambda: "<p>\n  a\n\n b</p>\n") == "<p> a b</p>"


def test_table_rows_are_kept_apart_from_the_views_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "PARTS_PER_ATLAS", 1)
    atlas = FakeAtlas()
    memo.kept(atlas, "table", lambda: "the table")
    for n in range(10):
        memo.kept_row(atlas, ("E", n), lambda n=n: f"row {n}")
    assert memo.kept(atlas, "table", lambda: "rebuilt") == "the table"
    assert memo.kept_row(atlas, ("E", 0), lambda: "rebuilt") == "row 0"

"""The page's parts kept per atlas (layers/ui/view_cache.py): a part is built once per key
and atlas, the least recently used goes first, and an atlas's parts go with it."""

from __future__ import annotations

import gc

import pytest

from layers.ui import view_cache


class FakeAtlas:
    """Any object will do: the parts are kept by the atlas's identity."""


@pytest.fixture(autouse=True)
def fresh() -> None:
    view_cache.clear()


def test_a_part_is_built_once_per_key_and_atlas() -> None:
    atlas, other = FakeAtlas(), FakeAtlas()
    built: list[str] = []

    def build(value: str):
        return lambda: built.append(value) or value

    assert view_cache.kept(atlas, ("table", ("E1",)), build("a")) == "a"
    assert view_cache.kept(atlas, ("table", ("E1",)), build("b")) == "a"
    assert view_cache.kept(atlas, ("table", ("E2",)), build("c")) == "c"
    assert view_cache.kept(other, ("table", ("E1",)), build("d")) == "d"
    assert built == ["a", "c", "d"]


def test_the_least_recently_used_part_goes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(view_cache, "PARTS_PER_ATLAS", 2)
    atlas = FakeAtlas()
    view_cache.kept(atlas, 1, lambda: "one")
    view_cache.kept(atlas, 2, lambda: "two")
    view_cache.kept(atlas, 1, lambda: "rebuilt")  # used: 2 is now the oldest
    view_cache.kept(atlas, 3, lambda: "three")
    assert view_cache.kept(atlas, 1, lambda: "rebuilt") == "one"
    assert view_cache.kept(atlas, 2, lambda: "rebuilt") == "rebuilt"


def test_an_atlas_takes_its_parts_with_it() -> None:
    atlas = FakeAtlas()
    view_cache.kept(atlas, "summary", lambda: "x" * 1000)
    assert id(atlas) in view_cache._by_atlas
    key = id(atlas)
    del atlas
    gc.collect()
    assert key not in view_cache._by_atlas


def test_a_kept_block_is_folded_on_one_line() -> None:
    atlas = FakeAtlas()
    assert view_cache.kept_block(atlas, "p", lambda: "<p>\n  a\n\n b</p>\n") == "<p> a b</p>"

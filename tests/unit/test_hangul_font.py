"""The Hangul subset font covers every Korean character in the data, under a name of its own."""

from __future__ import annotations

import importlib.util

from fontTools.ttLib import TTFont

from layers.paths import STATIC_DIR
from layers.render import frontend

FONTS = STATIC_DIR / "atlas" / "fonts"


def _maker():
    spec = importlib.util.spec_from_file_location("maker", FONTS / "make_hangul_subset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_hangul_character_in_the_data_has_a_glyph() -> None:
    used = _maker().hangul_in_data()
    assert "조" in used and "선" in used  # KOMID's Korean name is in geodata/entities.json
    cmap = TTFont(FONTS / "hangul-subset.ttf").getBestCmap()
    missing = sorted(ch for ch in used if ord(ch) not in cmap)
    assert missing == [], "re-run static/atlas/fonts/make_hangul_subset.py"


def test_the_subset_is_small_licensed_and_not_named_as_the_reserved_font() -> None:
    path = FONTS / "hangul-subset.ttf"
    assert path.stat().st_size < 40_000
    names = " ".join(str(r) for r in TTFont(path)["name"].names if r.nameID in (1, 3, 4, 6, 16))
    assert "Nanum" not in names  # OFL: a modified font may not use the Reserved Font Name
    assert "SIL Open Font License" in (FONTS / "OFL.txt").read_text(encoding="utf-8")


def test_the_page_css_adds_hangul_only() -> None:
    css = frontend.stylesheet("hangul.css")
    assert "unicode-range: U+1100-11FF, U+3130-318F, U+AC00-D7A3" in css
    assert "app/static/atlas/fonts/hangul-subset.ttf" in css

"""Re-make ``hangul-subset.ttf``: the Hangul the atlas's data uses, from NanumGothic (OFL 1.1).

Why: Korean names (e.g. 조선광업개발무역) show as empty boxes on a machine without a Korean
font, and the atlas must work offline, so it cannot fetch one. This keeps only the Hangul
syllables and jamo that occur in ``geodata/`` (a few dozen glyphs, a few KB); the CSS in
``static/atlas/hangul.css`` adds them to Streamlit's "Source Sans" for those code points only.
When the data gains new Korean text, run this again (a unit test fails until then):

    cd /tmp && apt-get download fonts-nanum=20200506-1 && dpkg-deb -x fonts-nanum_*.deb nanum
    .venv/bin/python static/atlas/fonts/make_hangul_subset.py \
        /tmp/nanum/usr/share/fonts/truetype/nanum/NanumGothic.ttf

Source: Debian package ``fonts-nanum`` 20200506-1, ``NanumGothic.ttf``; licence SIL Open
Font License 1.1 (``OFL.txt`` beside this file). Needs fontTools (a dependency of
matplotlib in the venv).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]
OUT = HERE / "hangul-subset.ttf"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# Percent-encoded UTF-8 in an address (a Korean title in a source's URL): the page shows it
# as letters (layers.render.words.readable_url), so its Hangul needs glyphs too.
ENCODED = re.compile(r"(?:%[89a-fA-F][0-9a-fA-F])+")


def hangul_in_data(root: Path = REPO_ROOT / "geodata") -> set[str]:
    """Every Hangul character in the text files under geodata/, percent-encoded ones
    included."""
    found: set[str] = set()
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".geojson", ".md", ".yaml", ".yml", ".csv"}:
            text = path.read_text(encoding="utf-8", errors="ignore")
            for encoded in ENCODED.findall(text):
                raw = bytes.fromhex(encoded.replace("%", ""))
                text += " " + raw.decode("utf-8", errors="ignore")
            found.update(HANGUL.findall(text))
    return found


def main(source: str) -> None:
    from fontTools import subset

    chars = "".join(sorted(hangul_in_data()))
    options = subset.Options()
    options.name_IDs = ["*"]  # keep the copyright and licence names
    options.layout_features = ["*"]
    options.hinting = False  # a few dozen glyphs at screen sizes: the hints would double it
    font = subset.load_font(source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    # The OFL reserves the names Nanum, NanumGothic...: a modified (subset) font must not use
    # them, so its family and full names are replaced; copyright and licence names are kept.
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17):
            text = "AtlasHangulSubset" if record.nameID == 6 else "Atlas Hangul Subset"
            record.string = "Regular" if record.nameID in (17,) else text
    subset.save_font(font, str(OUT), options)
    print(f"{len(chars)} characters, {OUT.stat().st_size} bytes -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])

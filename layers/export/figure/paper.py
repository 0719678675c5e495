"""What every figure shares: its formats and sizes, its resolution, and the matplotlib
settings that keep words as text (``svg.fonttype = none``, ``pdf.fonttype = 42``, TrueType
embedded, so Inkscape or Illustrator can select and edit them) and data as plain text
(the maths parser is off: a ``$`` in a title stays a dollar).
"""

from __future__ import annotations

import matplotlib
from matplotlib import font_manager

from layers.paths import STATIC_DIR

#: Paper or slide size in inches, landscape.
SIZES: dict[str, tuple[float, float]] = {
    "a4": (297 / 25.4, 210 / 25.4),
    "letter": (11.0, 8.5),
    "16:9": (13.333, 7.5),
}
DPI = 300
HIGHLIGHT_COLOUR = "#d55e00"  # Okabe–Ito vermillion; drawn thick, so it reads in grey too
HANGUL_FONT = STATIC_DIR / "atlas" / "fonts" / "hangul-subset.ttf"
HANGUL_FAMILY = "Atlas Hangul Subset"
RC = {
    "svg.fonttype": "none",  # words stay <text>
    "pdf.fonttype": 42,  # TrueType, so PDF text is selectable and editable
    "text.parse_math": False,  # a "$" in data is a dollar sign, not maths
    "text.usetex": False,
    "svg.hashsalt": "dprk-syria-atlas",  # the same view gives the same SVG ids
    # DejaVu Sans has no Hangul: the page's shipped subset of NanumGothic (every Hangul
    # character in geodata/, static/atlas/fonts/) draws the Korean names, by fallback.
    "font.family": ["DejaVu Sans", HANGUL_FAMILY],
}
font_manager.fontManager.addfont(str(HANGUL_FONT))
matplotlib.rcParams.update(RC)

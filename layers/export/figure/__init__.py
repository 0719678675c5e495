"""A figure of the view for reports and slides: PNG (300 dpi), SVG or PDF, drawn on the
server with geopandas and matplotlib from the same data and filters as the map.

Why not a browser screenshot: the figure must carry what a screenshot loses (the grade of
every mark in words, the filters, the dataset version, the date and the numbered sources),
and words in an SVG or PDF must stay text that Inkscape or Illustrator can select and edit.

One job per module:

- `paper`: formats, sizes, resolution and the matplotlib settings (words stay text);
- `layout`: placing and wrapping text on a page in inches; `text_lines`: drawing a block of
  lines without measuring each first;
- `frame`: which part of the map is shown, fitted to the map's box without stretching;
- `basemap`: the offline basemap (``geodata/basemap/``) as `layers.map.basemap` draws it;
- `marks`, `labels`: the sites with their grade shapes, precision and highlight rings, and
  their names placed clear of each other;
- `map_furniture`: the scale bar and the north arrow; `map_panel`: the map put together;
- `legend`: the key beside the map; `notes`: the words (numbered sources, site key lines,
  caption), shared with the slides;
- `sheet`: the pages (notes that do not fit beside the map continue on further panels:
  pages of the PDF, or panels stacked below the map in one PNG or SVG, so no source is ever
  dropped); `files`: the bytes of a PNG, SVG or PDF; `png`: the PNG writer.

Text from data is plain text here: matplotlib's maths parser is off (a ``$`` in a title
stays a dollar), characters XML cannot hold are replaced, and the SVG writer escapes the
rest. Usage: ``figure_bytes(atlas, filters, "svg", size="16:9")``.
"""

from layers.export.figure.basemap import draw_basemap
from layers.export.figure.files import figure_bytes
from layers.export.figure.frame import SYRIA_FRAME, Frame
from layers.export.figure.paper import DPI, SIZES
from layers.export.kinds import FIGURE_FORMATS, FigureFormat, Size

__all__ = [
    "DPI",
    "FIGURE_FORMATS",
    "SIZES",
    "SYRIA_FRAME",
    "FigureFormat",
    "Frame",
    "Size",
    "draw_basemap",
    "figure_bytes",
]

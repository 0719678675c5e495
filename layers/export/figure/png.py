"""A PNG of a drawn page: the Agg canvas's RGBA pixels, zlib level 1, no row filters.

Why not Pillow (what matplotlib's ``savefig`` uses): Pillow tries four PNG row filters on
every row and keeps the best, and over a figure of the whole map (the map page and its
pages of notes at 300 dpi: 35 million pixels) that search and the compression took as long
as drawing the page. A printed page is mostly runs of one colour, which deflate packs well
unfiltered: the file comes out within a few per cent of Pillow's size in less than half the
time. The rows go to zlib one by one, without copying the page. Standard PNG (colour type 6,
8 bits, not interlaced), with the resolution (pHYs) and the title as UTF-8 text (iTXt).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
NO_FILTER = b"\x00"


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One chunk: length, type, data and the CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _text(keyword: str, value: str) -> bytes:
    """An uncompressed iTXt chunk: any Unicode text, under a Latin-1 keyword."""
    return _chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8"))


def png_bytes(rgba: np.ndarray, dpi: float, text: dict[str, str]) -> bytes:
    """The PNG of `rgba` (height × width × 4, uint8), at `dpi`, with `text` as metadata."""
    height, width, channels = rgba.shape
    if channels != 4 or rgba.dtype != np.uint8:
        raise ValueError("expected RGBA pixels of 8 bits")
    packer = zlib.compressobj(1)
    parts = []
    for row in rgba:
        parts.append(packer.compress(NO_FILTER))
        parts.append(packer.compress(row.data))
    parts.append(packer.flush())
    per_metre = round(dpi / 0.0254)
    return b"".join(
        [
            SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            *(_text(key, value) for key, value in text.items()),
            _chunk(b"IDAT", b"".join(parts)),
            _chunk(b"IEND", b""),
        ]
    )

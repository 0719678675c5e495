"""A lesson step's picture: a PNG or JPEG the teacher adds, carried inside the lesson file as
base64, checked by decoding it with Pillow (never trusted by its name or declared type), so
that SVG, HTML or anything else that could carry script never reaches a page or a slide.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings

from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 300 * 1024  # a classroom photo or satellite view, compressed
MAX_IMAGE_SIDE = 4000  # pixels; also bounds the decoded size (decompression bombs)
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
KIND_WORDS = "a PNG or JPEG image"


def check_image(raw: bytes, media_type: str | None = None) -> str:
    """The image's media type if ``raw`` decodes as a PNG or JPEG within the limits (and as
    ``media_type``, when given); otherwise ValueError in plain words."""
    if len(raw) > MAX_IMAGE_BYTES:
        raise ValueError(f"the image is {len(raw):,} bytes; the limit is {MAX_IMAGE_BYTES:,}")
    head = raw[:256].lstrip().lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")):
        raise ValueError(f"this is SVG or HTML text, not {KIND_WORDS}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                kind = probe.format or ""
                width, height = probe.size
                if kind not in MEDIA_TYPES:
                    raise ValueError(f"this is {kind or 'an unknown format'}, not {KIND_WORDS}")
                if max(width, height) > MAX_IMAGE_SIDE:
                    raise ValueError(
                        f"the image is {width} × {height} pixels; at most {MAX_IMAGE_SIDE} a side"
                    )
                probe.load()  # decode every pixel: a truncated or forged file fails here
    except ValueError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValueError(f"this is not {KIND_WORDS} that can be read") from exc
    found = MEDIA_TYPES[kind]
    if media_type is not None and media_type != found:
        raise ValueError(f"the data is {found}, but the file says {media_type}")
    return found


def clean_image(raw: bytes) -> tuple[bytes, str]:
    """An uploaded picture re-encoded without its metadata (a photo's GPS position, its
    camera), after `check_image`; returns (bytes, media type). The result is checked too."""
    media_type = check_image(raw)
    with Image.open(io.BytesIO(raw)) as image:
        out = io.BytesIO()
        if media_type == "image/png":
            image.save(out, format="PNG", optimize=True)
        else:
            image.convert("RGB").save(out, format="JPEG", quality=85)
    cleaned = out.getvalue()
    check_image(cleaned, media_type)
    return cleaned, media_type


def decode_base64(text: str) -> bytes:
    """Strict base64 (no spaces, no other alphabet); ValueError in plain words."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the image data is not valid base64") from exc


def encode_base64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")

"""A minimal PNG writer for 8-bit grey previews, and a reader for their text chunks.

Previews need one kind of PNG only (8-bit grey, optionally with alpha), so a
few lines of zlib and struct after the PNG specification (ISO/IEC 15948)
replace a dependency on Pillow.  Rows use the "Up" filter, which costs one
numpy subtraction and compresses smooth sky images much better than none.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
GREY, GREY_ALPHA = 0, 4          # IHDR colour types
_FILTER_UP = 2


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))


def encode_png(grey: np.ndarray, alpha: np.ndarray | None = None,
               text: dict[str, str] | None = None) -> bytes:
    """The PNG bytes of ``grey`` (2-D uint8, first row on top), with ``alpha`` if given.

    ``text`` becomes tEXt chunks placed before the image data, so a reader
    finds them without decompressing anything.
    """
    if grey.ndim != 2 or grey.dtype != np.uint8 or 0 in grey.shape:
        raise ValueError(f"need a non-empty 2-D uint8 array, not {grey.dtype} {grey.shape}")
    height, width = grey.shape
    if alpha is None:
        colour, rows = GREY, grey
    else:
        if alpha.shape != grey.shape or alpha.dtype != np.uint8:
            raise ValueError("alpha must be uint8 of the image's shape")
        colour = GREY_ALPHA
        rows = np.stack([grey, alpha], axis=-1).reshape(height, 2 * width)
    filtered = np.empty((height, rows.shape[1] + 1), dtype=np.uint8)
    filtered[:, 0] = _FILTER_UP
    filtered[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])   # wraps modulo 256
    parts = [SIGNATURE,
             _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))]
    for key, value in (text or {}).items():
        parts.append(_chunk(b"tEXt", key.encode("latin-1") + b"\0" + value.encode("latin-1")))
    parts.append(_chunk(b"IDAT", zlib.compress(filtered.tobytes(), 6)))
    parts.append(_chunk(b"IEND", b""))
    return b"".join(parts)


def read_text(path: Path, limit: int = 4096) -> dict[str, str] | None:
    """The tEXt chunks before the image data of the PNG at ``path``.

    Reads at most ``limit`` bytes.  None when the file is missing or does not
    start like a PNG; chunks cut off by ``limit`` are not returned.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(limit)
    except FileNotFoundError:
        return None
    if not head.startswith(SIGNATURE):
        return None
    text: dict[str, str] = {}
    pos = len(SIGNATURE)
    while pos + 8 <= len(head):
        length, kind = struct.unpack(">I4s", head[pos:pos + 8])
        end = pos + 8 + length + 4
        if kind == b"IDAT" or end > len(head):
            break
        if kind == b"tEXt":
            key, _, value = head[pos + 8:pos + 8 + length].partition(b"\0")
            text[key.decode("latin-1")] = value.decode("latin-1")
        pos = end
    return text

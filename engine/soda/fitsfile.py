"""Reading a box of a FITS image from disk and writing FITS images piece by piece.

Nothing here holds more than one piece of a cutout in memory:

* Plain files are mapped into memory; a box is copied in runs along its
  outermost axis spanning at most :data:`CHUNK` bytes of the file (or one
  index of that axis if larger: a plane of a cube, a row of an image), and
  the mapped pages are released after each run, so the process's resident
  memory does not grow with the part of the file it has read.
* Gzip'd files (recognised by their magic bytes, whatever the name) cannot
  be mapped; they are decompressed as one forward stream, and of each plane
  of the box only its rows from the first to the last wanted one (full
  width) are held — memory is bounded by ``rows × NAXIS1 × bytes per
  pixel``, time by decompressing everything up to the box's last byte.
* Output is made as it is read: header, then the data of each piece in
  FITS order (big-endian, as stored — values are never rescaled, so BSCALE,
  BZERO and BLANK keep their meaning), then the padding to 2880 bytes.

Headers are found by walking the file's blocks, so no HDU's data is loaded
to learn where the wanted one starts.
"""

from __future__ import annotations

import gzip
import math
import mmap
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from astropy.io import fits

BLOCK = 2880
CHUNK = 16 << 20  # bytes of output copied at a time from a memmap
_DTYPES = {8: ">u1", 16: ">i2", 32: ">i4", 64: ">i8", -32: ">f4", -64: ">f8"}


@dataclass(frozen=True)
class HDUInfo:
    """Where one HDU's data lies in its file, and its header."""

    index: int
    header: fits.Header
    data_offset: int  # in the (decompressed) file
    shape: tuple[int, ...]  # NAXIS1 … NAXISn, FITS order

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(_DTYPES[int(self.header["BITPIX"])])

    @property
    def is_image(self) -> bool:
        return (("XTENSION" not in self.header
                 or str(self.header["XTENSION"]).strip() == "IMAGE")
                and not self.header.get("GROUPS") and len(self.shape) >= 2
                and all(n > 0 for n in self.shape)
                and int(self.header.get("BITPIX", 0)) in _DTYPES)


def is_gzip(path: pathlib.Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def open_stream(path: pathlib.Path) -> BinaryIO:
    """The file's (decompressed) bytes as a stream."""
    return gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")


def hdus(path: pathlib.Path) -> Iterator[HDUInfo]:
    """The HDUs of the file in order, reading only headers (and skipping data)."""
    with open_stream(path) as f:
        offset, index = 0, 0
        while True:
            blocks = []
            while True:
                block = f.read(BLOCK)
                if len(block) < BLOCK:
                    return
                blocks.append(block)
                offset += BLOCK
                if _has_end(block):
                    break
            header = fits.Header.fromstring(b"".join(blocks).decode("ascii", "replace"))
            naxis = int(header.get("NAXIS", 0))
            shape = tuple(int(header.get(f"NAXIS{i}", 0)) for i in range(1, naxis + 1))
            yield HDUInfo(index, header, offset, shape)
            bits = abs(int(header.get("BITPIX", 8)))
            count = math.prod(shape) if naxis else 0
            if header.get("GROUPS") and shape and shape[0] == 0:
                count = math.prod(shape[1:])
            size = bits // 8 * int(header.get("GCOUNT", 1)) * (
                int(header.get("PCOUNT", 0)) + count)
            size = -(-size // BLOCK) * BLOCK
            f.seek(offset + size)
            offset += size
            index += 1


def _has_end(block: bytes) -> bool:
    return any(block[i:i + 8] == b"END     " for i in range(0, BLOCK, 80))


def read_box(path: pathlib.Path, hdu: HDUInfo, box: tuple[tuple[int, int], ...]
             ) -> Iterator[np.ndarray]:
    """The box (0-based inclusive (first, last) per FITS axis) in C-order pieces.

    Each piece is a big-endian array whose concatenated bytes are the box's
    data in FITS order.
    """
    if is_gzip(path):
        yield from _read_box_stream(path, hdu, box)
        return
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        data = np.frombuffer(mm, dtype=hdu.dtype, count=math.prod(hdu.shape),
                             offset=hdu.data_offset).reshape(hdu.shape[::-1])
        slices = tuple(slice(lo, hi + 1) for lo, hi in reversed(box))
        # copy runs of the outermost axis whose stretch of the file fits in CHUNK bytes
        stride = hdu.dtype.itemsize * math.prod(hdu.shape[:-1])
        step = max(1, CHUNK // stride)
        lo, hi = box[-1]
        try:
            for start in range(lo, hi + 1, step):
                stop = min(hi + 1, start + step)
                piece = np.array(data[(slice(start, stop), *slices[1:])], copy=True)
                # the pages just read stay in the page cache, not in this process's RSS
                first = (hdu.data_offset + start * stride) // mmap.PAGESIZE * mmap.PAGESIZE
                mm.madvise(mmap.MADV_DONTNEED, first,
                           hdu.data_offset + stop * stride - first)
                yield piece
        finally:
            del data


def _read_box_stream(path: pathlib.Path, hdu: HDUInfo, box: tuple[tuple[int, int], ...]
                     ) -> Iterator[np.ndarray]:
    itemsize = hdu.dtype.itemsize
    n1 = hdu.shape[0]
    (x0, x1), (y0, y1) = box[0], box[1]
    rows = y1 - y0 + 1
    strides = [itemsize]
    for n in hdu.shape[:-1]:
        strides.append(strides[-1] * n)
    outer_ranges = [range(lo, hi + 1) for lo, hi in box[2:]]
    with gzip.open(path, "rb") as f:
        for outer in _c_order(outer_ranges):
            start = hdu.data_offset + y0 * strides[1] + sum(
                i * s for i, s in zip(outer, strides[2:], strict=True))
            f.seek(start)
            raw = f.read(rows * n1 * itemsize)
            if len(raw) < rows * n1 * itemsize:
                raise EOFError(f"{path.name} ends inside its data")
            block = np.frombuffer(raw, dtype=hdu.dtype).reshape(rows, n1)
            yield np.ascontiguousarray(block[:, x0:x1 + 1])


def _c_order(ranges: list[range]) -> Iterator[tuple[int, ...]]:
    """Index tuples (FITS axis order) with the last axis varying slowest."""
    if not ranges:
        yield ()
        return
    for last in ranges[-1]:
        for rest in _c_order(ranges[:-1]):
            yield (*rest, last)


def image_chunks(header: fits.Header, pieces: Iterator[np.ndarray]
                 ) -> Iterator[bytes | memoryview]:
    """One HDU as bytes: ``header`` (END and padding added), the data pieces, the padding."""
    yield header.tostring().encode("ascii")
    written = 0
    for piece in pieces:
        yield memoryview(piece.reshape(-1)).cast("B")
        written += piece.nbytes
    if written % BLOCK:
        yield b"\0" * (BLOCK - written % BLOCK)


def image_size(header: fits.Header, box: tuple[tuple[int, int], ...] | None,
               itemsize: int) -> int:
    """The bytes :func:`image_chunks` gives for ``header`` and a box (None: no data)."""
    data = 0 if box is None else itemsize * math.prod(hi - lo + 1 for lo, hi in box)
    return len(header.tostring()) + -(-data // BLOCK) * BLOCK

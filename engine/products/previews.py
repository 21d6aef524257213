"""Previews of products: cached grey PNGs of FITS images, cubes collapsed along their spectrum.

A preview is made from the first HDU holding an image of two or more
non-degenerate axes.  A cube is averaged along its spectral axis (found from
the WCS; failing that, the first axis that is not one of the two image axes),
ignoring NaNs; further axes (Stokes…) contribute their first plane.  The data
are read through astropy's ``Section`` in blocks of at most ``CHUNK_BYTES``
and binned on the fly, so a gigabyte cube costs megabytes of memory whether
it is plain, gzip'd or tile-compressed.  Stretch: 0.5–99.5 percentile
interval (min–max if that is empty) with an asinh stretch; NaN pixels are
transparent.  North is up in the FITS sense: the first data row becomes the
bottom row.

Previews live in a cache directory as ``<name>.png``, carrying the source's
size and mtime in a text chunk; a file that cannot be previewed leaves a
``<name>.none`` marker with the same stamp, so it is not read again until it
changes.  Files are written to a temporary name and renamed, so concurrent
makers of the same preview never expose a partial file.

Everything here blocks on disk and CPU: call it from a worker thread or the
importer, never from the reactor thread.
"""

from __future__ import annotations

import gzip
import itertools
import logging
import math
import os
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
from astropy.io import fits
from astropy.io.fits.verify import VerifyError
from astropy.visualization import AsinhStretch, AsymmetricPercentileInterval
from astropy.wcs import WCS

from engine.products.mimes import can_preview
from engine.products.png import encode_png, read_text

log = logging.getLogger("dr.products")

PREVIEW_SIZE = 512          # pixels on the long side, at most
CHUNK_BYTES = 8 << 20       # data read (as float64) per block
_STAMP_KEY = "dr-source"
_STAMP_VERSION = "1"        # bump when the rendering changes, to remake all previews
# What a broken or foreign file makes astropy, gzip or numpy raise while we read it.
_BAD_FILE_ERRORS = (OSError, ValueError, EOFError, zlib.error, VerifyError)


class PreviewRequest(NamedTuple):
    """One product to preview, as ``make_previews`` takes them (plain tuples do too)."""
    source: Path
    mime: str
    name: str


@dataclass
class PreviewStats:
    """What ``make_previews`` did."""
    made: int = 0
    reused: int = 0
    unavailable: int = 0


class _NoPreview(Exception):
    """The file is readable but holds nothing a preview can show."""


def preview_file(source: Path, mime: str, cache_dir: Path, name: str) -> Path | None:
    """The cached PNG preview of ``source``, made now if missing or stale; None if impossible.

    ``name`` is the flat, filesystem-safe cache key (one per product); a name
    with a path separator or a leading dot is a caller's bug (ValueError).
    Bad or foreign files are logged and give None; failing to write into
    ``cache_dir`` raises.  Blocking: worker thread or importer.
    """
    return _preview(Path(source), mime, Path(cache_dir), name)[0]


def make_previews(items: Iterable[PreviewRequest | tuple[Path, str, str]],
                  cache_dir: Path) -> PreviewStats:
    """Makes the missing or stale previews of ``items`` (source, mime, name) for the importer.

    A preview (or a no-preview verdict) that is current costs a stat and a
    4 kB read.  Blocking.
    """
    stats = PreviewStats()
    for source, mime, name in items:
        _, outcome = _preview(Path(source), mime, Path(cache_dir), name)
        setattr(stats, outcome, getattr(stats, outcome) + 1)
    return stats


def _preview(source: Path, mime: str, cache_dir: Path, name: str) -> tuple[Path | None, str]:
    """(preview path or None, "made" | "reused" | "unavailable")."""
    _check_name(name)
    target, marker = cache_dir / f"{name}.png", cache_dir / f"{name}.none"
    try:
        st = source.stat()
    except OSError as exc:
        log.warning("no preview for %s: %s", source, exc)
        return None, "unavailable"
    stamp = f"{_STAMP_VERSION} {st.st_size} {st.st_mtime_ns}"
    if (read_text(target) or {}).get(_STAMP_KEY) == stamp:
        return target, "reused"
    if _read_marker(marker) == stamp:
        return None, "unavailable"

    try:
        image = _read_image(source, mime)
        grey, alpha = _to_grey(image)
    except (FileNotFoundError, PermissionError) as exc:
        log.warning("no preview for %s: %s", source, exc)
        return None, "unavailable"          # not the file's fault: do not remember it
    except _NoPreview as exc:
        log.info("no preview for %s: %s", source, exc)
        return _give_up(cache_dir, target, marker, stamp)
    except _BAD_FILE_ERRORS as exc:
        log.warning("no preview for %s: unreadable (%s: %s)", source,
                    type(exc).__name__, exc)
        return _give_up(cache_dir, target, marker, stamp)

    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, encode_png(grey, alpha, {_STAMP_KEY: stamp}))
    marker.unlink(missing_ok=True)
    return target, "made"


def _check_name(name: str) -> None:
    if (not name or name.startswith(".") or "/" in name or os.sep in name or "\0" in name
            or len(name.encode()) > 200):
        raise ValueError(f"preview name must be a flat, short file name, not {name!r}")


def _read_marker(marker: Path) -> str | None:
    try:
        return marker.read_text()
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def _give_up(cache_dir: Path, target: Path, marker: Path, stamp: str) -> tuple[None, str]:
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(marker, stamp.encode())
    target.unlink(missing_ok=True)
    return None, "unavailable"


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- reading: FITS → a binned 2-D float image ----

def _read_image(source: Path, mime: str) -> np.ndarray:
    """The collapsed, binned image (FITS orientation: row 0 at the bottom)."""
    if not can_preview(mime):
        raise _NoPreview(f"{mime} is not FITS")
    if not _looks_like_fits(source):
        raise _NoPreview("not a FITS file")
    with fits.open(source, memmap=False, lazy_load_hdus=True) as hdus:
        for hdu in hdus:
            if (isinstance(hdu, fits.PrimaryHDU | fits.ImageHDU | fits.CompImageHDU)
                    and sum(n > 1 for n in hdu.shape) >= 2):
                return _collapse(hdu)
    raise _NoPreview("no HDU with 2-D image data")


def _looks_like_fits(source: Path) -> bool:
    with open(source, "rb") as f:
        head = f.read(6)
    if head[:2] == b"\x1f\x8b":
        with gzip.open(source, "rb") as f:
            head = f.read(6)
    return head == b"SIMPLE"


def _image_axes(header: fits.Header, lengths: list[int]) -> tuple[int, int, int | None]:
    """FITS axes (0-based) of the image's x and y, and the spectral axis to collapse."""
    naxis = len(lengths)
    try:
        wcs = WCS(header).wcs
        lng, lat, spec = wcs.lng, wcs.lat, wcs.spec
    except (ValueError, KeyError) as exc:
        log.debug("no usable WCS (%s); taking the first axes as the image", exc)
        lng = lat = spec = -1
    if 0 <= lng < naxis and 0 <= lat < naxis and lng != lat:
        x, y = lng, lat
    else:
        x, y = [i for i, n in enumerate(lengths) if n > 1][:2]
    if not (0 <= spec < naxis and spec not in (x, y) and lengths[spec] > 1):
        spec = next((i for i, n in enumerate(lengths) if n > 1 and i not in (x, y)), None)
    return x, y, spec


def _collapse(hdu: fits.PrimaryHDU | fits.ImageHDU | fits.CompImageHDU) -> np.ndarray:
    """The NaN-aware mean along the spectral axis, binned to PREVIEW_SIZE, read in blocks."""
    shape = hdu.shape                       # numpy order: FITS axis i is shape[-1 - i]
    naxis = len(shape)
    fx, fy, fs = _image_axes(hdu.header, list(reversed(shape)))
    ax_x, ax_y = naxis - 1 - fx, naxis - 1 - fy
    ax_s = None if fs is None else naxis - 1 - fs
    ny, nx = shape[ax_y], shape[ax_x]
    factor = max(1, math.ceil(max(nx, ny) / PREVIEW_SIZE))
    out_shape = (math.ceil(ny / factor), math.ceil(nx / factor))
    total = np.zeros(out_shape)
    count = np.zeros(out_shape, dtype=np.int64)

    # Blocks follow the file's order: single indices on the outer axes we use,
    # a run of indices on the first axis whose remaining volume fits the budget.
    used = sorted(a for a in (ax_s, ax_y, ax_x) if a is not None)
    split = next(i for i in range(len(used))
                 if math.prod(shape[a] for a in used[i + 1:]) * 8 <= CHUNK_BYTES)
    inner = math.prod(shape[a] for a in used[split + 1:])
    run = max(1, CHUNK_BYTES // (inner * 8))
    blocked = used[split]
    for outer in itertools.product(*(range(shape[a]) for a in used[:split])):
        for start in range(0, shape[blocked], run):
            key: list[int | slice] = [0] * naxis
            for a in used[split + 1:]:
                key[a] = slice(None)
            for a, index in zip(used[:split], outer):
                key[a] = index
            key[blocked] = slice(start, min(start + run, shape[blocked]))
            block = _canonical(hdu.section[tuple(key)], key, shape, ax_s, ax_y, ax_x)
            finite = np.isfinite(block)
            origin = [(k.start or 0) if isinstance(k, slice) else k for k in key]
            y0, x0 = origin[ax_y], origin[ax_x]
            _bin_add(total, np.where(finite, block, 0).sum(axis=0, dtype=np.float64),
                     y0, x0, factor)
            _bin_add(count, finite.sum(axis=0), y0, x0, factor)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _canonical(block: np.ndarray, key: list[int | slice], shape: tuple[int, ...],
               ax_s: int | None, ax_y: int, ax_x: int) -> np.ndarray:
    """``block`` as a 3-D array with axes (spectral, y, x); length 1 where not sliced."""
    lengths = [len(range(*k.indices(shape[a]))) if isinstance(k, slice) else 1
               for a, k in enumerate(key)]
    full = np.asarray(block).reshape(lengths)
    order = [ax_s, ax_y, ax_x] if ax_s is not None else [ax_y, ax_x]
    rest = [a for a in range(len(shape)) if a not in order]
    arranged = full.transpose(rest + order).reshape([lengths[a] for a in order])
    return arranged if ax_s is not None else arranged[np.newaxis]


def _bin_add(acc: np.ndarray, values: np.ndarray, y0: int, x0: int, factor: int) -> None:
    """Adds ``values`` (full-resolution pixels from row y0, column x0) into binned ``acc``."""
    rows = np.arange(y0, y0 + values.shape[0]) // factor
    cols = np.arange(x0, x0 + values.shape[1]) // factor
    row_starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    col_starts = np.flatnonzero(np.r_[True, cols[1:] != cols[:-1]])
    binned = np.add.reduceat(np.add.reduceat(values, row_starts, axis=0), col_starts, axis=1)
    acc[np.ix_(rows[row_starts], cols[col_starts])] += binned


# ---- rendering: float image → 8-bit grey, top row first ----

def _to_grey(image: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(grey, alpha or None), flipped so that the FITS bottom row is the PNG's last."""
    finite = np.isfinite(image)
    if not finite.any():
        raise _NoPreview("no finite pixel values")
    values = image[finite]
    vmin, vmax = AsymmetricPercentileInterval(0.5, 99.5).get_limits(values)
    if vmax <= vmin:        # mostly one value (a mask, a lone source): use the extremes
        vmin, vmax = values.min(), values.max()
    if vmax > vmin:
        scaled = np.clip((np.where(finite, image, vmin) - vmin) / (vmax - vmin), 0, 1)
    else:
        scaled = np.full(image.shape, 0.5)
    grey = np.round(AsinhStretch(0.1)(scaled) * 255).astype(np.uint8)
    grey[~finite] = 0
    alpha = None if finite.all() else np.where(finite, 255, 0).astype(np.uint8)[::-1]
    return np.ascontiguousarray(grey[::-1]), alpha

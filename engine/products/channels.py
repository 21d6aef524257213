"""One channel of a FITS cube as a grey PNG, for the cube viewer of explore pages.

``/getproduct/<accref>?preview=True&channel=N`` (engine/web/renderers/getproduct.py)
answers with plane N along the cube's spectral axis (found from the WCS as
for previews, engine/products/previews.py), binned to at most
``PREVIEW_SIZE`` pixels and stretched the same way, and says how many
channels there are.  Only that plane is read (astropy's ``Section``), so a
large cube costs one plane of memory.  Not cached: a viewer asks for the
channels someone slides through.

Blocking: call it from a worker thread.
"""

from __future__ import annotations

import math

import numpy as np
from astropy.io import fits

from engine.products.mimes import can_preview
from engine.products.png import encode_png
from engine.products.previews import (
    PREVIEW_SIZE,
    _bin_add,
    _canonical,
    _image_axes,
    _looks_like_fits,
    _NoPreview,
    _to_grey,
)


class NoChannels(ValueError):
    """The file is no cube, or the channel is not one of it (the message says which)."""


def channel_png(source, mime: str, channel: int) -> tuple[bytes, int]:
    """(PNG of plane ``channel``, the number of channels) of the cube in ``source``."""
    if not can_preview(mime) or not _looks_like_fits(source):
        raise NoChannels("the file is not FITS")
    with fits.open(source, memmap=False, lazy_load_hdus=True) as hdus:
        for hdu in hdus:
            if (isinstance(hdu, fits.PrimaryHDU | fits.ImageHDU | fits.CompImageHDU)
                    and sum(n > 1 for n in hdu.shape) >= 3):
                return _plane(hdu, channel)
    raise NoChannels("the file holds no cube (an image with three axes)")


def _plane(hdu, channel: int) -> tuple[bytes, int]:
    shape = hdu.shape
    naxis = len(shape)
    fx, fy, fs = _image_axes(hdu.header, list(reversed(shape)))
    if fs is None:
        raise NoChannels("the cube has no third axis to step along")
    ax_x, ax_y, ax_s = naxis - 1 - fx, naxis - 1 - fy, naxis - 1 - fs
    count = shape[ax_s]
    if not 0 <= channel < count:
        raise NoChannels(f"channel must be between 0 and {count - 1}")
    key: list[int | slice] = [0] * naxis
    key[ax_x], key[ax_y], key[ax_s] = slice(None), slice(None), channel
    plane = _canonical(hdu.section[tuple(key)], key, shape, ax_s, ax_y, ax_x)[0]
    plane = plane.astype(np.float64)
    factor = max(1, math.ceil(max(plane.shape) / PREVIEW_SIZE))
    out = (math.ceil(plane.shape[0] / factor), math.ceil(plane.shape[1] / factor))
    total, counts = np.zeros(out), np.zeros(out, dtype=np.int64)
    finite = np.isfinite(plane)
    _bin_add(total, np.where(finite, plane, 0), 0, 0, factor)
    _bin_add(counts, finite.astype(np.int64), 0, 0, factor)
    with np.errstate(invalid="ignore", divide="ignore"):
        image = np.where(counts > 0, total / counts, np.nan)
    try:
        grey, alpha = _to_grey(image)
    except _NoPreview:  # nothing finite in this plane: a transparent one
        grey, alpha = np.zeros(out, dtype=np.uint8), np.zeros(out, dtype=np.uint8)
    return encode_png(grey, alpha), count

"""SODA 1.0 cutouts of FITS images and cubes: which pixels a request selects, and the FITS out.

Semantics (SODA 1.0 §3.3 and §6):

* Different parameters restrict one cutout together: POS and BAND cut the
  celestial and the spectral axes of the same sub-cube.
* Several values of a parameter make several cutouts, one per combination
  (two CIRCLEs and two BANDs: four), as SODA prescribes for {async} results;
  :func:`combinations` gives them, for a job making one result of each.
  :func:`cut_file` writes all of them into one FITS file: a single cutout is
  the primary HDU; several are image extensions after a primary HDU without
  data holding the original header, each extension saying which cutout it is.
  Combinations that select no pixel are left out (they are named in the
  primary header); if none selects any, :class:`NoOverlap`.
* POL is the exception (§3.3.6): its values together select one set of
  states.  As a cutout keeps the STOKES axis linear, the states between the
  first and the last selected one are kept too (POL=I and POL=V of an IQUV
  cube give all four).
* Values beyond the data are reduced to the data (§3.3, "Filtering
  Parameters"): a circle larger than the image gives the whole image.
* TIME on data without a time axis: the product's time span (DATE-OBS,
  MJD-OBS … as :func:`grammars.wcsgeom.time_bounds` reads them) either
  overlaps the interval, and nothing is cut, or it does not (NoOverlap).
* A parameter the dataset has no axis for (BAND on a 2D image, POL without
  STOKES axis, PIXEL_4 of a cube) is a UsageError (HTTP 400).

The cutout keeps every axis (an axis cut to one pixel stays, of length 1);
its header is the original's without structural keywords, with CRPIXn (and
alternate CRPIXna) moved by the box's origin so that the cutout's pixel 0
has the world coordinates of the original's pixel at the box's first corner,
and with HISTORY cards naming the source and the request.  Pixel values are
the stored bytes (BSCALE/BZERO untouched).
"""

from __future__ import annotations

import itertools
import math
import pathlib
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from astropy.io import fits
from astropy.wcs import WCSSUB_SPECTRAL

from engine.errors import ProtocolError
from engine.soda import fitsfile
from engine.soda.dataset import Dataset
from engine.soda.params import CutoutRequest
from engine.soda.regions import pixel_box, region_of
from grammars.wcsgeom import HeaderProblem, footprint, spectral_bounds, wcs_cards

_STRUCTURAL = re.compile(r"^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|GROUPS"
                         r"|CHECKSUM|DATASUM|INHERIT|END)$")
_CRPIX = re.compile(r"^CRPIX(\d+)([A-Z]?)$")
_COMMENTARY = ("COMMENT", "HISTORY", "")


class NoOverlap(ProtocolError):
    """The request selects no pixel of the dataset; the message says which parameter missed.

    SODA 1.0 §5.1 ({sync} Responses, Successful Requests): "If the values
    specified for cutout parameters do not include any pixels from the
    target dataset/file, the service must respond with HTTP status code 204
    (No Content) and no response body", hence ``status`` 204.  In an
    {async} job (§6) the combination gets a text/plain result whose message
    starts with an error label (UsageError) instead.
    """

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message, param=param, status=204)


@dataclass(frozen=True)
class Limits:
    """What a dataset covers, for the VALUES of a DataLink service descriptor.

    Axis numbers are FITS's (1-based); ``spatial_axes`` is (longitude, latitude).
    ``polygon`` is the ICRS footprint (pixel-edge corners), ``circle`` the
    smallest circle about its centre holding it; both None without a
    usable celestial WCS.  ``band`` is vacuum wavelength in m, ``time`` MJD.
    """

    shape: tuple[int, ...]
    spatial_axes: tuple[int, int] | None
    spectral_axis: int | None
    time_axis: int | None
    pol_axis: int | None
    polygon: tuple[tuple[float, float], ...] | None
    circle: tuple[float, float, float] | None
    band: tuple[float, float] | None
    time: tuple[float, float] | None
    pols: tuple[str, ...]


def combinations(request: CutoutRequest) -> list[CutoutRequest]:
    """The single-valued requests of ``request``: one per combination of its values.

    POL stays whole in each (SODA 1.0 §3.3.6); PIXEL_n values on different
    axes combine, several on one axis are alternatives.
    """
    regions = ([("circles", (c,)) for c in request.circles]
               + [("polygons", (p,)) for p in request.polygons]
               + [("ranges", (r,)) for r in request.ranges]) or [(None, ())]
    bands = [(b,) for b in request.bands] or [()]
    times = [(t,) for t in request.times] or [()]
    by_axis: dict[int, list[tuple[int, int, int]]] = {}
    for pixel in request.pixels:
        by_axis.setdefault(pixel[0], []).append(pixel)
    pixel_sets = list(itertools.product(*by_axis.values())) or [()]
    result = []
    for (kind, region), band, time, pixels in itertools.product(
            regions, bands, times, pixel_sets):
        fields = {"bands": band, "times": time, "pixels": tuple(pixels),
                  "pols": request.pols}
        if kind is not None:
            fields[kind] = region
        result.append(CutoutRequest(**fields))
    return result


def cutout_box(ds: Dataset, request: CutoutRequest) -> tuple[tuple[int, int], ...]:
    """0-based inclusive (first, last) per FITS axis of a single-valued request."""
    box = [(0, n - 1) for n in ds.shape]

    def restrict(axis: int, first: int, last: int, what: str, param: str) -> None:
        low, high = max(box[axis][0], first), min(box[axis][1], last)
        if low > high:
            raise NoOverlap(f"{what} does not overlap {ds.source.name}", param=param)
        box[axis] = (low, high)

    for param, specs in (("CIRCLE", request.circles), ("POLYGON", request.polygons),
                         ("POS", request.ranges)):
        for spec in specs:
            _restrict_sky(ds, spec, param, restrict)
    for low, high in request.bands:
        axis, first, last = _band_pixels(ds, low, high)
        restrict(axis, first, last, f"BAND {low:g} {high:g}", "BAND")
    for low, high in request.times:
        _restrict_time(ds, low, high, restrict)
    if request.pols:
        _restrict_pol(ds, request.pols, restrict)
    for axis, first, last in request.pixels:
        if axis > len(ds.shape):
            raise ProtocolError(f"PIXEL_{axis}: {ds.source.name} has only "
                                f"{len(ds.shape)} axes", param=f"PIXEL_{axis}")
        restrict(axis - 1, first - 1, last - 1, f"PIXEL_{axis} {first} {last}",
                 f"PIXEL_{axis}")
    return tuple(box)


def _restrict_sky(ds: Dataset, spec: tuple, param: str, restrict) -> None:
    if ds.celestial_axes is None:
        raise ProtocolError(f"{param}: {ds.source.name} has no celestial axes", param=param)
    lng, lat = ds.celestial_axes
    celestial = ds.wcs.sub([lng + 1, lat + 1])
    region = region_of(spec)
    found = pixel_box(celestial, (ds.shape[lng], ds.shape[lat]), region)
    what = f"{param} {_text(spec)}"
    if found is None:
        raise NoOverlap(f"{what} does not overlap {ds.source.name}", param=param)
    (x0, x1), (y0, y1) = found
    restrict(lng, x0, x1, what, param)
    restrict(lat, y0, y1, what, param)


def _band_pixels(ds: Dataset, low: float, high: float) -> tuple[int, int, int]:
    axis = ds.spectral_axis
    if axis is None:
        raise ProtocolError(f"BAND: {ds.source.name} has no spectral axis", param="BAND")
    try:
        bounds = spectral_bounds(ds.wcs, ds.grid)
    except HeaderProblem as exc:
        raise ProtocolError(f"BAND: {ds.source.name} {exc}", param="BAND") from None
    if bounds is None:
        raise ProtocolError(f"BAND: the spectral axis of {ds.source.name} has no "
                            "rest frequency to give wavelengths", param="BAND")
    first_w, last_w = max(low, bounds[0]), min(high, bounds[1])
    if first_w > last_w:
        raise NoOverlap(f"BAND {low:g} {high:g} does not overlap {ds.source.name} "
                        f"({bounds[0]:g} to {bounds[1]:g} m)", param="BAND")
    spectral = ds.wcs.sub([WCSSUB_SPECTRAL])
    spectral.wcs.sptr("WAVE-???")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ends = spectral.wcs_world2pix([[first_w], [last_w]], 0)[:, 0]
    p0, p1 = sorted(float(p) for p in ends)
    n = ds.shape[axis]
    return axis, max(0, math.floor(p0 + 0.5)), min(n - 1, math.floor(p1 + 0.5))


def _restrict_time(ds: Dataset, low: float, high: float, restrict) -> None:
    what = f"TIME {low:.12g} {high:.12g}"
    span = ds.time_span()
    if span is None:
        raise ProtocolError(f"TIME: {ds.source.name} says nothing about its time",
                            param="TIME")
    if high < span[0] or low > span[1]:
        raise NoOverlap(f"{what} does not overlap {ds.source.name} "
                        f"(MJD {span[0]:.12g} to {span[1]:.12g})", param="TIME")
    if ds.time_axis is not None:
        hit = np.nonzero((ds.time_mjd() >= low) & (ds.time_mjd() <= high))[0]
        if not len(hit):  # an interval between two pixel centres: the nearest pixel
            hit = [int(np.argmin(abs(ds.time_mjd() - (low + high) / 2)))]
        restrict(ds.time_axis, int(min(hit)), int(max(hit)), what, "TIME")


def _restrict_pol(ds: Dataset, pols: frozenset[str], restrict) -> None:
    if ds.pol_axis is None:
        raise ProtocolError(f"POL: {ds.source.name} has no polarization axis", param="POL")
    hit = [i for i, name in enumerate(ds.stokes()) if name in pols]
    if not hit:
        raise NoOverlap(f"POL {' '.join(sorted(pols))} is not among the states of "
                        f"{ds.source.name}", param="POL")
    restrict(ds.pol_axis, min(hit), max(hit), "POL", "POL")


class Cutout:
    """The FITS file a request makes of a dataset, planned but not yet read.

    Planning checks everything (ProtocolError, NoOverlap) before a byte is
    made; ``size`` is the file's exact length (a Content-Length), and
    ``chunks()`` makes it piece by piece, blocking on the disk (worker
    thread), each chunk at most a few MiB (see :mod:`engine.soda.fitsfile`).
    """

    def __init__(self, ds: Dataset, cuts: list[tuple[CutoutRequest, tuple]],
                 misses: list[tuple[CutoutRequest, NoOverlap]]) -> None:
        self.source = ds.source
        self._ds = ds
        carried = _carried_cards(ds)
        if len(cuts) == 1:
            single, box = cuts[0]
            self.parts = [(_cutout_header(ds, carried, box, single, extension=False), box)]
            return
        primary = fits.Header([("SIMPLE", True), ("BITPIX", 8), ("NAXIS", 0),
                               ("EXTEND", True)])
        primary.extend(carried)
        primary.add_history(f"SODA cutouts of {ds.source.name} HDU {ds.image.index}: "
                            f"{len(cuts)} image extensions, one per combination of values")
        for single, exc in misses:
            primary.add_history(f"left out, no overlap: {single.describe()} ({exc})")
        self.parts = [(primary, None)]
        for number, (single, box) in enumerate(cuts, start=1):
            header = _cutout_header(ds, carried, box, single, extension=True)
            header.set("EXTNAME", f"CUTOUT{number}", after="GCOUNT")
            self.parts.append((header, box))

    @property
    def size(self) -> int:
        itemsize = self._ds.image.dtype.itemsize
        return sum(fitsfile.image_size(header, box, itemsize) for header, box in self.parts)

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The file's bytes in order (worker thread: reads the source)."""
        for header, box in self.parts:
            pieces = iter(()) if box is None else fitsfile.read_box(
                self.source, self._ds.image, box)
            yield from fitsfile.image_chunks(header, pieces)


def plan_cutout(source: pathlib.Path, request: CutoutRequest, *,
                hdu: int | None = None) -> Cutout:
    """What ``request`` cuts out of ``source``; see :class:`Cutout`.

    ``hdu`` None: the first HDU holding an image of at least 2 axes.  Raises
    NoOverlap when no combination of values selects a pixel, ProtocolError
    (400) for parameters the dataset has no axis for.  Reads headers only.
    """
    ds = Dataset(source, hdu)
    cuts, misses = [], []
    for single in combinations(request):
        try:
            cuts.append((single, cutout_box(ds, single)))
        except NoOverlap as exc:
            misses.append((single, exc))
    if not cuts:
        if len(misses) == 1:
            raise misses[0][1]
        raise NoOverlap(f"none of the {len(misses)} cutouts requested overlaps "
                        f"{source.name}: " + "; ".join(str(e) for _, e in misses))
    return Cutout(ds, cuts, misses)


def cut_file(source: pathlib.Path, request: CutoutRequest, out: BinaryIO, *,
             hdu: int | None = None) -> None:
    """Write the cutout(s) ``request`` selects of ``source`` to ``out`` as one FITS file.

    The errors of :func:`plan_cutout` come before anything is written.
    """
    for chunk in plan_cutout(source, request, hdu=hdu).chunks():
        out.write(chunk)


def _carried_cards(ds: Dataset) -> list[fits.Card]:
    """The non-structural cards of the image's header, and of the primary's if it is
    an extension (the primary's WCS and the keywords the extension sets excepted)."""
    image = ds.image.header
    cards = []
    if ds.image.index != 0:
        own = {c.keyword for c in image.cards if c.keyword not in _COMMENTARY}
        wcs_keys = {card[:8].strip() for card in _card_images(wcs_cards(
            ds.primary.header.tostring()))}
        cards += [c for c in ds.primary.header.cards
                  if not _STRUCTURAL.match(c.keyword) and c.keyword not in own
                  and c.keyword not in wcs_keys and c.keyword != "EXTNAME"]
    cards += [c for c in image.cards if not _STRUCTURAL.match(c.keyword)
              and c.keyword not in ("EXTNAME", "EXTVER", "EXTLEVEL")]
    return [c for c in cards if c.keyword or str(c.value).strip()]


def _card_images(text: str) -> list[str]:
    return [text[i:i + 80] for i in range(0, len(text), 80)]


def _cutout_header(ds: Dataset, carried: list[fits.Card], box: tuple[tuple[int, int], ...],
                   single: CutoutRequest, *, extension: bool) -> fits.Header:
    start = [("XTENSION", "IMAGE")] if extension else [("SIMPLE", True)]
    cards = [*start, ("BITPIX", ds.image.header["BITPIX"]), ("NAXIS", len(box))]
    cards += [(f"NAXIS{i}", hi - lo + 1) for i, (lo, hi) in enumerate(box, start=1)]
    cards += [("PCOUNT", 0), ("GCOUNT", 1)] if extension else []
    header = fits.Header(cards)
    for card in carried:
        match = _CRPIX.match(card.keyword)
        if match and int(match.group(1)) <= len(box):
            shifted = float(card.value) - box[int(match.group(1)) - 1][0]
            header.append(fits.Card(card.keyword, shifted, card.comment))
        else:
            header.append(card)
    header.add_history(f"SODA cutout of {ds.source.name} HDU {ds.image.index}: "
                       f"{single.describe()}")
    header.add_history("pixels (1-based, FITS axis order) "
                       + ", ".join(f"{lo + 1}:{hi + 1}" for lo, hi in box)
                       + " of " + "x".join(str(n) for n in ds.shape))
    return header


def describe(source: pathlib.Path, *, hdu: int | None = None) -> Limits:
    """The limits of ``source``'s image for each SODA parameter."""
    ds = Dataset(source, hdu)
    found = footprint(ds.wcs, ds.grid) if ds.celestial_axes else None
    polygon = found.corners if found else None
    circle = ((*found.center, found.fov / 2) if found and found.fov is not None else None)
    try:
        band = spectral_bounds(ds.wcs, ds.grid) if ds.spectral_axis is not None else None
    except HeaderProblem:
        band = None
    names = [name for name in ds.stokes() if name is not None]

    def one_based(axis: int | None) -> int | None:
        return None if axis is None else axis + 1

    spatial = ds.celestial_axes
    return Limits(
        shape=ds.shape,
        spatial_axes=None if spatial is None else (spatial[0] + 1, spatial[1] + 1),
        spectral_axis=one_based(ds.spectral_axis), time_axis=one_based(ds.time_axis),
        pol_axis=one_based(ds.pol_axis), polygon=polygon, circle=circle, band=band,
        time=ds.time_span(), pols=tuple(names))


def _text(spec: tuple) -> str:
    flat = [x for v in spec for x in (v if isinstance(v, tuple) else (v,))]
    return " ".join(f"{x:.10g}" for x in flat)

"""The SODA side of a datalink service: the #cutout descriptor's parameters for a
file, and the SODA parameters of a request (engine/soda cuts; dlget streams
the cutout as engine/soda reads it).

The parameters are SODA 1.0's (§3.3): POS, CIRCLE and POLYGON when the file
has a celestial WCS, BAND (vacuum wavelength in metres), TIME (MJD) and POL
where it has such axes, and DaCHS's PIXEL_n for each axis; their VALUES are
the file's own limits from :func:`engine.soda.cutout.describe`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from engine.datalink.recipe import Recipe
from engine.errors import ProtocolError
from engine.formats.servicedesc import InputParam
from engine.soda.cutout import Limits, describe
from engine.soda.params import CutoutRequest, parse_request


def _num(*values: float) -> str:
    return " ".join(f"{v:.12g}" for v in values)


def params_of(limits: Limits, recipe: Recipe) -> list[InputParam]:
    """The SODA parameters for a dataset with ``limits``, as ``recipe`` offers them."""
    out: list[InputParam] = []
    if recipe.spatial and limits.circle is not None:
        out.append(InputParam(
            "POS", ucd="pos.outline;obs", description="The region to cut out: CIRCLE "
            "ra dec radius, RANGE ra1 ra2 dec1 dec2 or POLYGON ra1 dec1 ... (ICRS, deg)"))
        out.append(InputParam(
            "CIRCLE", "double", "3", "circle", "deg", "phys.angArea;obs",
            "A circle (ra dec radius, ICRS, deg) to cut out",
            maximum=_num(*limits.circle)))
        if limits.polygon:
            out.append(InputParam(
                "POLYGON", "double", "*", "polygon", "deg", "pos.outline;obs",
                "A polygon (ra1 dec1 ra2 dec2 ..., ICRS, deg) to cut out",
                maximum=_num(*(x for v in limits.polygon for x in v))))
    if recipe.band and limits.band is not None:
        out.append(InputParam(
            "BAND", "double", "2", "interval", "m", "em.wl;stat.interval",
            "The spectral interval to cut out (vacuum wavelength)",
            minimum=_num(min(limits.band)), maximum=_num(max(limits.band))))
    if recipe.spatial and limits.time is not None and limits.time_axis is not None:
        out.append(InputParam(
            "TIME", "double", "2", "interval", "d", "time.interval;obs.exposure",
            "The time interval to cut out (MJD)",
            minimum=_num(min(limits.time)), maximum=_num(max(limits.time))))
    if recipe.spatial and limits.pols:
        out.append(InputParam("POL", ucd="meta.code;phys.polarization",
                              description="Polarisation states to keep",
                              options=tuple(limits.pols)))
    if recipe.pixels:
        for axis, length in enumerate(limits.shape, start=1):
            out.append(InputParam(
                f"PIXEL_{axis}", "int", "2", "interval", None, "pos.cartesian",
                f"A pixel range (first last, 1-based, inclusive) along axis {axis}",
                minimum="1", maximum=str(length)))
    return out


def input_params_for(recipe: Recipe):
    """A function giving a file's SODA parameters (None: SODA cannot cut it)."""
    def input_params(path: Path) -> Sequence[InputParam] | None:
        return params_of(describe(path), recipe) or None
    return input_params


def raw_args(args: Mapping[bytes, Sequence[bytes]]) -> dict[str, list[str]]:
    """A request's parameters by upper-case name, decoded (400 unless UTF-8)."""
    raw: dict[str, list[str]] = {}
    for name, values in args.items():
        try:
            key = name.decode("utf-8").upper()
            raw.setdefault(key, []).extend(v.decode("utf-8") for v in values)
        except UnicodeDecodeError:
            raise ProtocolError("parameters must be UTF-8", status=400) from None
    return raw


def parse(args: Mapping[bytes, Sequence[bytes]]) -> CutoutRequest:
    """The SODA filtering parameters of a request (names in any case)."""
    return parse_request(raw_args(args))

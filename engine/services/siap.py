"""SIA 1.0's query parameters as SQL over a //siap#pgs table: POS, SIZE, INTERSECT, FORMAT.

The region of interest (ROI) is SIA 1.0's: a box in coordinates around POS
(ICRS RA, Dec in degrees), SIZE degrees wide in RA and high in Dec (one value
for both) — coordinate widths, not widths on the sky, which is exactly
pg_sphere's ``sbox``.  A box reaching past a pole folds over it into a
second box on the far side (RA + 180°); a SIZE of 360 or more in RA spans
all longitudes.  INTERSECT relates the ROI to each image's footprint (the
``coverage`` polygon), with pg_sphere operators the coverage's GiST index
answers:

* OVERLAPS (the default): the footprint and the ROI share some sky
  (``coverage && box``; with two boxes, either);
* COVERS: the footprint holds the whole ROI (``coverage ~ box``; both boxes);
* ENCLOSED: the ROI holds the whole footprint (``box ~ coverage``; either box);
* CENTER: the footprint holds POS (``spoint @ coverage``).

SIZE=0 makes the box a point: OVERLAPS and COVERS then find the images
holding POS, as SIA 1.0 asks of a zero size.  FORMAT restricts the products'
MIME type (``mime``): ALL (the default) none, GRAPHIC the graphics types, or
a comma-separated list of types and GRAPHIC; METADATA is the renderer's.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import ProtocolError
from engine.services.params import shown
from engine.services.vizier import Condition

INTERSECTS = ("OVERLAPS", "COVERS", "ENCLOSED", "CENTER")
GRAPHIC_TYPES = ("image/png", "image/jpeg", "image/gif")
_NUMBER_CHARS = set("0123456789.eE+- ")


@dataclass(frozen=True)
class Box:
    """A box in ICRS degrees: RA from ``ra_min`` eastwards to ``ra_max`` (it may wrap
    through 0), Dec from ``dec_min`` to ``dec_max``."""

    ra_min: float
    dec_min: float
    ra_max: float
    dec_max: float


def parse_pos(text: str, param: str = "POS") -> tuple[float, float]:
    """(ra, dec) in degrees from SIA's ``ra,dec``; RA is folded into [0, 360)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ProtocolError(f"{param} must be RA,DEC in decimal degrees (e.g. "
                            f"234.234,-32.46), not {shown(text)}", param=param)
    ra, dec = (_number(p, param, text) for p in parts)
    if not -360 <= ra <= 360:
        raise ProtocolError(f"the RA of {param} must be between 0 and 360, not {ra:g}",
                            param=param)
    if not -90 <= dec <= 90:
        raise ProtocolError(f"the Dec of {param} must be between -90 and 90, not {dec:g}",
                            param=param)
    return ra % 360, dec


def parse_size(text: str, param: str = "SIZE") -> tuple[float, float]:
    """(width in RA, height in Dec) in degrees from one value or two."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) not in (1, 2) or not all(parts):
        raise ProtocolError(f"{param} must be one size in degrees or two (RA,Dec), "
                            f"not {shown(text)}", param=param)
    sizes = [_number(p, param, text) for p in parts]
    if any(s < 0 for s in sizes):
        raise ProtocolError(f"{param} must not be negative", param=param)
    width, height = sizes if len(sizes) == 2 else sizes * 2
    if height > 180:
        raise ProtocolError(f"the Dec extent of {param} must be at most 180 degrees",
                            param=param)
    return width, height


def parse_intersect(text: str | None, param: str = "INTERSECT") -> str:
    value = (text or "OVERLAPS").strip().upper()
    if value not in INTERSECTS:
        raise ProtocolError(f"{param} must be one of {', '.join(INTERSECTS)}, not "
                            f"{shown(text or '')}", param=param)
    return value


def roi_boxes(ra: float, dec: float, width: float, height: float) -> list[Box]:
    """The ROI as one box, or two when it folds over a pole."""
    if width >= 360:
        ra_min, ra_max = 0.0, 360.0
        far = ra_min, ra_max
    else:
        ra_min, ra_max = (ra - width / 2) % 360, (ra + width / 2) % 360
        far = (ra_min + 180) % 360, (ra_max + 180) % 360
    low, high = dec - height / 2, dec + height / 2
    boxes = [Box(ra_min, max(low, -90.0), ra_max, min(high, 90.0))]
    if high > 90:
        boxes.append(Box(far[0], 180 - high, far[1], 90.0))
    if low < -90:
        boxes.append(Box(far[0], -90.0, far[1], -180 - low))
    return boxes


def footprint_condition(coverage: str, ra: float, dec: float, width: float,
                        height: float, intersect: str, prefix: str = "_sia") -> Condition:
    """The SQL relating the footprint column ``coverage`` (SQL) to the ROI."""
    values = {f"{prefix}_ra": ra, f"{prefix}_dec": dec}
    if intersect == "CENTER":
        return Condition(f"spoint(radians(%({prefix}_ra)s), radians(%({prefix}_dec)s))"
                         f" @ {coverage}", values)
    terms = []
    for number, box in enumerate(roi_boxes(ra, dec, width, height)):
        keys = [f"{prefix}_box{number}_{k}" for k in ("ra0", "dec0", "ra1", "dec1")]
        values.update(zip(keys, (box.ra_min, box.dec_min, box.ra_max, box.dec_max)))
        sql = ("sbox(spoint(radians(%({})s), radians(%({})s)), "
               "spoint(radians(%({})s), radians(%({})s)))").format(*keys)
        terms.append({"OVERLAPS": f"{coverage} && {sql}",
                      "COVERS": f"{coverage} ~ {sql}",
                      "ENCLOSED": f"{sql} ~ {coverage}"}[intersect])
    joiner = " AND " if intersect == "COVERS" else " OR "
    return Condition(terms[0] if len(terms) == 1 else
                     "(" + joiner.join(terms) + ")", values)


def format_condition(mime: str, text: str | None, prefix: str = "_sia") -> Condition | None:
    """The SQL restricting the MIME type column ``mime`` (SQL) to FORMAT, or None."""
    wanted: list[str] = []
    for item in (text or "ALL").split(","):
        item = item.strip()
        if not item or item.upper() == "ALL":
            return None
        if item.upper() in ("GRAPHIC", "GRAPHIC-ALL"):
            wanted.extend(GRAPHIC_TYPES)
        elif item.upper().startswith("GRAPHIC-"):
            wanted.append("image/" + item[len("GRAPHIC-"):].lower())
        elif item.upper() == "METADATA":
            raise ProtocolError("FORMAT=METADATA cannot be combined with other formats",
                                param="FORMAT")
        elif "/" in item:
            wanted.append(item.lower())
        else:
            raise ProtocolError(f"FORMAT must be MIME types, ALL, GRAPHIC or METADATA, "
                                f"not {shown(item)}", param="FORMAT")
    return Condition(f"{mime} = ANY(%({prefix}_formats)s)",
                     {f"{prefix}_formats": sorted(set(wanted))})


def _number(part: str, param: str, text: str) -> float:
    try:
        if not set(part) <= _NUMBER_CHARS:
            raise ValueError
        value = float(part)
    except ValueError:
        raise ProtocolError(f"{param} must be decimal degrees, not {shown(text)}",
                            param=param) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ProtocolError(f"{param} must be finite", param=param)
    return value

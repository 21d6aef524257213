"""One linear WCS axis of a FITS header, as DaCHS's getWCSAxis gives rowmaker code.

DaCHS's own small implementation, not a full WCS: an axis is
``phys = CRVAL + (pix - CRPIX) * CDELT``.  It reads any mapping of FITS
keywords (an astropy Header, a dict), so rd needs no astropy for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_MATRIX_KEY = re.compile(r"(CD|PC)(\d+)_(\d+)$")


@dataclass(frozen=True)
class WCSAxis:
    """A linear axis; pixel coordinates are 1-based as in FITS, ``pix0`` ones 0-based."""

    name: str
    crval: float
    crpix: float
    cdelt: float
    axisLength: int = 1
    cunit: str | None = None
    ctype: str | None = None

    def pixToPhys(self, pixCoo: float) -> float:
        return self.crval + (pixCoo - self.crpix) * self.cdelt

    def physToPix(self, physCoo: float) -> float:
        return (physCoo - self.crval) / self.cdelt + self.crpix

    def pix0ToPhys(self, pix0Coo: float) -> float:
        return self.pixToPhys(pix0Coo + 1)

    def physToPix0(self, physCoo: float) -> float:
        return self.physToPix(physCoo) - 1

    def getLimits(self) -> tuple[float, float]:
        """The smallest and largest physical values at the centres of the axis's pixels."""
        ends = self.pixToPhys(1), self.pixToPhys(self.axisLength)
        return min(ends), max(ends)


def _coupling(header: Mapping[str, Any], axis: int) -> list[str]:
    """The CD/PC keys giving a non-zero element coupling ``axis`` with another axis."""
    coupled = []
    for key in header.keys():
        match = _MATRIX_KEY.match(str(key).upper())
        if match and int(match.group(2)) != int(match.group(3)) \
                and axis in (int(match.group(2)), int(match.group(3))) and header[key]:
            coupled.append(str(key))
    return coupled


def getWCSAxis(header: Mapping[str, Any], axisIndex: int,
               forceSeparable: bool = False) -> WCSAxis:
    """The linear WCS of axis ``axisIndex`` (1-based: 1 means CTYPE1) of ``header``.

    An axis a CD or PC matrix couples to another is a ValueError unless
    ``forceSeparable``, which ignores the coupling; the matrix's diagonal
    element is the scale (CDi_i) or multiplies CDELTi (PCi_i).
    """
    n = int(axisIndex)
    coupled = _coupling(header, n)
    if coupled and not forceSeparable:
        raise ValueError(f"axis {n} is not separable ({', '.join(sorted(coupled))} "
                         "couple it to other axes); pass forceSeparable=True to ignore that")
    if f"CRVAL{n}" not in header:
        raise ValueError(f"the header has no WCS for axis {n} (no CRVAL{n})")
    if f"CD{n}_{n}" in header:
        cdelt = float(header[f"CD{n}_{n}"])
    elif f"CDELT{n}" in header:
        cdelt = float(header[f"CDELT{n}"]) * float(header.get(f"PC{n}_{n}", 1.0))
    else:
        raise ValueError(f"the header gives no scale for axis {n} (no CDELT{n}, CD{n}_{n})")
    ctype = header.get(f"CTYPE{n}")
    return WCSAxis(name=str(header.get(f"CNAME{n}") or ctype or f"AXIS{n}"),
                   crval=float(header[f"CRVAL{n}"]),
                   crpix=float(header.get(f"CRPIX{n}", 0.0)),
                   cdelt=cdelt, axisLength=int(header.get(f"NAXIS{n}", 1)),
                   cunit=header.get(f"CUNIT{n}"), ctype=ctype)

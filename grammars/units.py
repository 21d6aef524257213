"""Units as source files spell them, mapped to VO units where the spelling is unambiguous.

CALIFA headers and FITS TUNITs carry free-text units such as ``degrees
(J2000)``.  ``column_unit`` keeps any unit it does not recognise verbatim;
a recognised one becomes its IVOA VOUnits spelling (``degrees`` → ``deg``)
and a parenthesised remark after it (the epoch CALIFA asks for) moves into
the column description unless the description already says it.
"""

from __future__ import annotations

import re

# Matched after lower-casing: whole words that name one unit only.
_WORDS = {
    "deg": "deg", "degree": "deg", "degrees": "deg",
    "arcsec": "arcsec", "arcsecond": "arcsec", "arcseconds": "arcsec",
    "arcmin": "arcmin", "arcminute": "arcmin", "arcminutes": "arcmin",
    "rad": "rad", "radian": "rad", "radians": "rad",
    "mag": "mag", "mags": "mag", "magnitude": "mag", "magnitudes": "mag",
    "angstrom": "Angstrom", "angstroms": "Angstrom", "å": "Angstrom",
    "second": "s", "seconds": "s",
    "year": "yr", "years": "yr", "yr": "yr",
    "km/s": "km/s", "km s-1": "km/s", "km s^-1": "km/s", "kms-1": "km/s",
    "solar mass": "solMass", "solar masses": "solMass", "msun": "solMass",
    "m_sun": "solMass",
    "solar luminosity": "solLum", "solar luminosities": "solLum", "lsun": "solLum",
    "l_sun": "solLum",
    "kelvin": "K",
    "dex": "dex",
}

# Spellings whose case matters (Mpc is not mpc, the milliparsec).
_SYMBOLS = {
    "pc": "pc", "kpc": "kpc", "Mpc": "Mpc", "Gpc": "Gpc",
    "Myr": "Myr", "Gyr": "Gyr", "Jy": "Jy", "mJy": "mJy", "K": "K", "AA": "Angstrom",
}

# Spellings that mean "no unit".
_NONE = {"", "-", "none", "n/a"}

_REMARK = re.compile(r"^(?P<unit>[^()]*?)\s*\((?P<remark>[^()]*)\)\s*$")


def vo_unit(text: str) -> str | None:
    """The VO spelling of a unit written as ``text``, "" for none, None if unrecognised."""
    text = " ".join(text.split())
    if text.lower() in _NONE:
        return ""
    return _SYMBOLS.get(text) or _WORDS.get(text.lower())


def column_unit(text: str, description: str) -> tuple[str, str]:
    """The (unit, description) to declare for a source column with unit ``text``."""
    unit = vo_unit(text)
    if unit is not None:
        return unit, description
    match = _REMARK.match(text.strip())
    if match:
        unit = vo_unit(match["unit"])
        if unit is not None:
            remark = match["remark"].strip()
            if remark and remark.lower() not in description.lower():
                description = f"{description} ({remark})" if description else remark
            return unit, description
    return text.strip(), description

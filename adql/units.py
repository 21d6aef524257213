"""Units of ADQL expressions, with astropy.units: derivation and IN_UNIT conversion.

Units are VOUnit strings as the table metadata gives them; an empty string
means "no unit known".  Derived units (products, quotients, powers) are only
given when astropy understands the operands; otherwise the result has no
unit, which is never wrong, just less informative.
"""

from __future__ import annotations

import functools
import warnings

import astropy.units as u

from adql.errors import ADQLError


@functools.lru_cache(maxsize=512)
def parse_unit(text: str) -> u.UnitBase | None:
    """The astropy unit of a VOUnit (or generic) string, None if it is not one."""
    if not text.strip():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fmt in ("vounit", "generic"):
            try:
                return u.Unit(text, format=fmt)
            except (ValueError, TypeError):
                continue
    return None


@functools.lru_cache(maxsize=512)
def _render(unit: u.UnitBase) -> str:
    if unit == u.dimensionless_unscaled:
        return ""
    try:
        return unit.to_string("vounit")
    except (ValueError, TypeError):
        return unit.to_string()


@functools.lru_cache(maxsize=1024)
def combine(left: str, op: str, right: str) -> str:
    """The unit of ``left op right`` for op in + - * /; "" when it cannot be told."""
    if op in "+-":
        if left == right or not right:
            return left
        return right if not left else ""
    a, b = parse_unit(left or "") , parse_unit(right or "")
    if a is None and b is None:
        return ""
    if (a is None and left) or (b is None and right):
        return ""
    a = a if a is not None else u.dimensionless_unscaled
    b = b if b is not None else u.dimensionless_unscaled
    try:
        return _render(a * b if op == "*" else a / b)
    except (ValueError, TypeError, ArithmeticError):
        return ""


@functools.lru_cache(maxsize=256)
def power(unit: str, exponent: float) -> str:
    """The unit of ``value ** exponent`` for a value in ``unit``; "" when unknown."""
    parsed = parse_unit(unit)
    if parsed is None:
        return ""
    try:
        return _render(parsed ** exponent)
    except (ValueError, TypeError, ArithmeticError):
        # deg**-176 overflows astropy's scale arithmetic: such a unit says nothing
        return ""


def conversion_factor(source: str, target: str, offset: int) -> float:
    """The factor turning a value in ``source`` units into ``target`` units (IN_UNIT)."""
    target_unit = parse_unit(target)
    if target_unit is None:
        raise ADQLError(f"IN_UNIT: {target!r} is not a unit DR understands", offset=offset,
                        hint="write VOUnits such as 'deg', 'arcsec', 'mas/yr', 'km/s'")
    if not source:
        raise ADQLError("IN_UNIT: the unit of this expression is not known, so it "
                        "cannot be converted", offset=offset)
    source_unit = parse_unit(source)
    if source_unit is None:
        raise ADQLError(f"IN_UNIT: the unit {source!r} of this expression is not one DR "
                        "understands", offset=offset)
    try:
        return float(source_unit.to(target_unit))
    except u.UnitsError:
        raise ADQLError(f"IN_UNIT: {source!r} cannot be converted to {target!r}",
                        offset=offset) from None

"""The functions ADQL queries may call: built-ins, aggregates and the UDF registry.

Each function declares its arity, the kinds of its arguments, its result type
(an RD/SQL type name, or ``"same"`` for the type of its first argument), how
the result unit derives, and its PostgreSQL form: a template per argument
count using ``{0}``, ``{1}``… for the translated arguments.  Nothing reaches
PostgreSQL that is not declared here; the engine adds UDFs with
``register_udf``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# Argument kinds: "number", "text", "point", "any".
Kinds = tuple[str, ...]


@dataclass(frozen=True)
class Function:
    """One callable function.

    ``sql`` maps an argument count to a template; ``kinds`` maps an argument
    count to the argument kinds (one per argument).  ``unit`` is ``"same"``
    (the first argument's unit), ``""`` (none) or a fixed VOUnit string.
    A ``"text"`` result is made from the arguments: it holds non-ASCII only
    where an argument may (and is then typed unicode); a function that can
    produce non-ASCII of its own returns ``"unicode"``.
    """

    name: str
    sql: Mapping[int, str]
    kinds: Mapping[int, Kinds]
    returns: str = "double precision"
    unit: str = ""
    ucd: str = ""
    aggregate: bool = False
    udf: bool = False
    signature: str = ""
    description: str = ""
    xtype: str = field(default="")

    @property
    def arities(self) -> list[int]:
        return sorted(self.sql)

    def accepts(self, count: int) -> bool:
        return count in self.sql

    def arity_text(self) -> str:
        counts = self.arities
        if len(counts) == 1:
            n = counts[0]
            return f"{n} argument{'s' if n != 1 else ''}"
        return " or ".join(str(n) for n in counts) + " arguments"


def _simple(name: str, pg: str, n: int = 1, returns: str = "double precision",
            unit: str = "", kind: str = "number") -> Function:
    args = ", ".join(f"{{{i}}}" for i in range(n))
    return Function(name, {n: f"{pg}({args})"}, {n: (kind,) * n}, returns, unit)


_BUILTINS: dict[str, Function] = {f.name: f for f in (
    _simple("ABS", "abs", returns="same", unit="same"),
    _simple("CEILING", "ceiling", returns="same", unit="same"),
    _simple("FLOOR", "floor", returns="same", unit="same"),
    _simple("DEGREES", "degrees", unit="deg"),
    _simple("RADIANS", "radians", unit="rad"),
    _simple("EXP", "exp"),
    _simple("LOG", "ln"),
    _simple("LOG10", "log"),
    _simple("SQRT", "sqrt", unit="sqrt"),
    _simple("POWER", "power", 2, unit="power"),
    _simple("ACOS", "acos", unit="rad"),
    _simple("ASIN", "asin", unit="rad"),
    _simple("ATAN", "atan", unit="rad"),
    _simple("ATAN2", "atan2", 2, unit="rad"),
    _simple("COS", "cos"),
    _simple("COT", "cot"),
    _simple("SIN", "sin"),
    _simple("TAN", "tan"),
    Function("PI", {0: "pi()"}, {0: ()}),
    # PostgreSQL's random() cannot be seeded per call; the seed is accepted and ignored.
    Function("RAND", {0: "random()", 1: "random()"}, {0: (), 1: ("number",)}),
    Function("MOD", {2: "mod(CAST({0} AS numeric), CAST({1} AS numeric))"},
             {2: ("number", "number")}, "same", "same"),
    Function("ROUND", {1: "round({0})",
                       2: "round(CAST({0} AS numeric), CAST({1} AS integer))"},
             {1: ("number",), 2: ("number", "integer")}, "same", "same"),
    Function("TRUNCATE", {1: "trunc({0})",
                          2: "trunc(CAST({0} AS numeric), CAST({1} AS integer))"},
             {1: ("number",), 2: ("number", "integer")}, "same", "same"),
    Function("LOWER", {1: "lower({0})"}, {1: ("text",)}, "text", "same"),
    Function("UPPER", {1: "upper({0})"}, {1: ("text",)}, "text", "same"),
)}

# Aggregates are parsed into Aggregate nodes; their names are known here too.
AGGREGATES = frozenset({"COUNT", "AVG", "MAX", "MIN", "SUM"})

# Names of the geometry functions and special forms the grammar turns into nodes.
SPECIAL_FORMS = frozenset({
    "POINT", "CIRCLE", "BOX", "POLYGON", "REGION", "CONTAINS", "INTERSECTS", "DISTANCE",
    "AREA", "CENTROID", "COORD1", "COORD2", "COORDSYS", "COALESCE", "NULLIF", "IN_UNIT",
})

# A name with this prefix is syntactically a UDF (ADQL 2.1, section on UDFs),
# even when this service does not define it: it parses, then fails to translate.
UDF_PREFIX = re.compile(r"^ivo_[a-z0-9_]+$", re.IGNORECASE)

_UDFS: dict[str, Function] = {}


def register_udf(function: Function) -> None:
    """Declare a user-defined function (name compared case-insensitively).

    ``function.sql`` templates may only call functions that exist in the
    database (pg_sphere's or those of ``adql.UDF_SQL`` in schema ``dc``).
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", function.name):
        raise ValueError(f"invalid UDF name {function.name!r}")
    if set(function.sql) != set(function.kinds):
        raise ValueError(f"UDF {function.name}: sql and kinds must cover the same arities")
    _UDFS[function.name.lower()] = Function(
        function.name.lower(), function.sql, function.kinds, function.returns, function.unit,
        function.ucd, function.aggregate, True, function.signature, function.description,
        function.xtype)


def unregister_udf(name: str) -> None:
    """Forget the user-defined function ``name`` (built-ins cannot be removed)."""
    _UDFS.pop(name.lower(), None)


def lookup(name: str) -> Function | None:
    """The built-in or registered function called ``name``, if any."""
    return _BUILTINS.get(name.upper()) or _UDFS.get(name.lower())


def builtins() -> list[Function]:
    return list(_BUILTINS.values())


def udfs() -> list[Function]:
    return list(_UDFS.values())


def is_callable_name(name: str) -> bool:
    """May ``name`` appear as a function name in a query that parses?"""
    upper = name.upper()
    return (upper in _BUILTINS or upper in AGGREGATES or upper in SPECIAL_FORMS
            or name.lower() in _UDFS or bool(UDF_PREFIX.match(name)))


def _register_standard_udfs() -> None:
    number2 = ("number", "number")
    register_udf(Function(
        "ivo_healpix_index",
        {2: "healpix_nest(CAST({0} AS integer), {1})",
         3: "healpix_nest(CAST({0} AS integer), spoint(radians({1}), radians({2})))"},
        {2: ("number", "point"), 3: ("number", "number", "number")}, "bigint",
        ucd="pos.healpix",
        signature="ivo_healpix_index(hpxorder INTEGER, ra DOUBLE, dec DOUBLE) -> BIGINT",
        description="The nested HEALPix index of the position (ra, dec) in ICRS degrees "
                    "(or of a POINT) at the order hpxorder."))
    register_udf(Function(
        "ivo_healpix_center",
        {2: "center_of_healpix_nest(CAST({0} AS integer), CAST({1} AS bigint))"},
        {2: number2}, "spoint",
        signature="ivo_healpix_center(hpxorder INTEGER, hpxindex BIGINT) -> POINT",
        description="The center of the nested HEALPix pixel hpxindex at order hpxorder."))
    register_udf(Function(
        "ivo_hasword", {2: "dc.ivo_hasword({0}, {1})"}, {2: ("text", "text")}, "integer",
        signature="ivo_hasword(haystack TEXT, needle TEXT) -> INTEGER",
        description="1 if needle is a word (or phrase) in haystack, by PostgreSQL's "
                    "English full-text search, else 0 (RegTAP 1.1)."))
    register_udf(Function(
        "ivo_nocasematch", {2: "dc.ivo_nocasematch({0}, {1})"}, {2: ("text", "text")},
        "integer",
        signature="ivo_nocasematch(value TEXT, pattern TEXT) -> INTEGER",
        description="1 if value matches the LIKE pattern ignoring case, else 0 (RegTAP)."))
    register_udf(Function(
        "ivo_hashlist_has", {2: "dc.ivo_hashlist_has({0}, {1})"}, {2: ("text", "text")},
        "integer",
        signature="ivo_hashlist_has(hashlist TEXT, item TEXT) -> INTEGER",
        description="1 if item is one of the #-separated items of hashlist (case "
                    "insensitively), else 0 (RegTAP)."))
    register_udf(Function(
        "ivo_interval_overlaps", {4: "dc.ivo_interval_overlaps({0}, {1}, {2}, {3})"},
        {4: ("number",) * 4}, "integer",
        signature="ivo_interval_overlaps(l1 NUMERIC, h1 NUMERIC, l2 NUMERIC, h2 NUMERIC)"
                  " -> INTEGER",
        description="1 if the closed intervals [l1, h1] and [l2, h2] overlap, else 0."))
    register_udf(Function(
        "ivo_string_agg", {2: "string_agg(CAST({0} AS text), {1})"}, {2: ("any", "text")},
        "text", aggregate=True,
        signature="ivo_string_agg(expr TEXT, delimiter TEXT) -> TEXT",
        description="An aggregate concatenating the non-NULL values of expr, separated "
                    "by delimiter (RegTAP)."))
    register_udf(Function(
        "ivo_epoch_prop_pos",
        {8: "dc.ivo_epoch_prop_pos({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7})"},
        {8: ("number",) * 8}, "spoint",
        signature="ivo_epoch_prop_pos(ra DOUBLE, dec DOUBLE, parallax DOUBLE, "
                  "pmra DOUBLE, pmdec DOUBLE, radial_velocity DOUBLE, ref_epoch DOUBLE, "
                  "out_epoch DOUBLE) -> POINT",
        description="The position (ICRS degrees) propagated from ref_epoch to out_epoch "
                    "(Julian years) with the proper motion (mas/yr, pmra including "
                    "cos(dec)); DR moves along the great circle of the motion and "
                    "ignores parallax and radial velocity (perspective acceleration)."))


_register_standard_udfs()

"""condDescs bound to their table: the inputs they offer and the SQL they produce.

A column condDesc (``buildFrom``) takes a VizieR-like expression, or a choice
from the column's enumerated values; ``cone`` takes SCS's RA/DEC/SR;
``humanCone`` takes a position or object name plus a radius in arcmin;
``siap`` takes SIA 1.0's POS, SIZE, INTERSECT and FORMAT, ``humanSiap`` a
position or object name, a size and an intersection (engine/services/siap.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.db.identifiers import position_expression, q
from engine.errors import ProtocolError
from engine.limits.store import ColumnStats
from engine.services import siap, ssa
from engine.services.params import Params
from engine.services.partitioned import pruned_cone
from engine.services.position import parse_position
from engine.services.resolver import NameSource, resolve
from engine.services.vizier import (
    Condition,
    enumerated_condition,
    numeric_condition,
    text_condition,
)
from rd.elements.column import Column
from rd.elements.service import CondDesc
from rd.elements.table import Table

NUMERIC_BASES = {"smallint", "integer", "bigint", "real", "double precision"}


@dataclass
class InputField:
    """One field of the HTML form (or parameter of the API) a condDesc offers."""

    name: str
    label: str
    description: str = ""
    unit: str = ""
    default: str = ""
    options: list[str] | None = None  # a selection instead of free text
    required: bool = False
    hint: str = ""

    @property
    def html_id(self) -> str:
        """The id of the field's input element: ``f_`` and the name, characters an
        id may not hold (a delimited column's space, say) spelled ``_xx_``."""
        return "f_" + "".join(c if c.isascii() and (c.isalnum() or c in "_-") else
                              f"_{ord(c):x}_" for c in self.name)


@dataclass
class Context:
    """What building conditions may need: a cursor for name look-ups."""

    cursor: Any = None
    name_sources: list[NameSource] = field(default_factory=list)


class BoundCondDesc:
    """Base: a condDesc of a service over its queried table."""

    is_cone = False

    def __init__(self, desc: CondDesc, table: Table) -> None:
        self.desc, self.table = desc, table
        self._applies: dict[str, bool] = {}

    def applies_to(self, renderer: str) -> bool:
        known = self._applies.get(renderer)
        if known is None:
            known = self._applies[renderer] = self.desc.applies_to(renderer)
        return known

    def fields(self) -> list[InputField]:
        raise NotImplementedError

    def condition(self, params: Params, ctx: Context) -> Condition | None:
        raise NotImplementedError

    def cone(self, params: Params, ctx: Context) -> tuple[float, float, float] | None:
        """(ra, dec, radius in degrees) when this condDesc searches a cone."""
        return None


class ConeCondDesc(BoundCondDesc):
    """Base of condDescs selecting a cone; the core turns their cone into SQL."""

    is_cone = True

    def condition(self, params: Params, ctx: Context) -> Condition | None:
        cone = self.cone(params, ctx)
        return cone_condition(self.table, *cone) if cone else None


class ColumnCondDesc(BoundCondDesc):
    def __init__(self, desc: CondDesc, table: Table, column: Column,
                 options: list[str] | None = None, stats: ColumnStats | None = None
                 ) -> None:
        super().__init__(desc, table)
        self.column = column
        self.options = options
        self.stats = stats
        # Values dr limits found in an enumerated column: offered, not enforced
        # (a later import may have added some).
        self.suggested = (sorted(stats.values) if options is None and stats is not None
                          and stats.values else None)
        self.numeric = column.sql_type.base in NUMERIC_BASES and not column.sql_type.is_array

    @property
    def name(self) -> str:
        return self.column.name

    def fields(self) -> list[InputField]:
        col = self.column
        hint = ("e.g. 0.01 .. 0.02, >0.01, or 1, 2, 3" if self.numeric
                else "exact value; * and ? as wildcards; ~ ignores case")
        if self.numeric and self.stats is not None:
            hint = range_hint(self.stats, col.unit) or hint
        offered = self.options if self.options is not None else self.suggested
        return [InputField(col.name, col.tablehead or col.name, col.description, col.unit,
                           options=offered, required=self.desc.required,
                           hint="" if offered else hint)]

    def condition(self, params: Params, ctx: Context) -> Condition | None:
        col_sql = q(self.column.sql_name)
        if self.options is not None:
            chosen = [v for v in params.all(self.name) if v.strip()]
            if not chosen:
                return self._missing()
            return enumerated_condition(chosen, col_sql, self.name, self.options)
        chosen = [v for v in params.all(self.name) if v.strip()]
        if self.suggested is not None and chosen and (
                len(chosen) > 1 or chosen[0] in self.suggested):
            return enumerated_condition(chosen, col_sql, self.name, None)
        expr = params.get(self.name)
        if expr is None:
            return self._missing()
        if self.numeric:
            integer = self.column.sql_type.base in ("smallint", "integer", "bigint")
            return numeric_condition(expr, col_sql, self.name, integer=integer)
        return text_condition(expr, col_sql, self.name)

    def _missing(self) -> None:
        if self.desc.required:
            raise ProtocolError(f"{self.name} is required", param=self.name)
        return None


def _number(value: float) -> str:
    return f"{value:.4g}"


def range_hint(stats: ColumnStats, unit: str) -> str:
    """What the data hold, for a numeric field's hint (from dr limits)."""
    if stats.minimum is None or stats.maximum is None:
        return ""
    unit = f" {unit}" if unit else ""
    hint = f"in the data: {_number(stats.minimum)} .. {_number(stats.maximum)}{unit}"
    if stats.p03 is not None and stats.p97 is not None and \
            (stats.p03, stats.p97) != (stats.minimum, stats.maximum):
        hint += f", most between {_number(stats.p03)} and {_number(stats.p97)}"
    return hint + "; e.g. a .. b, >a, or a, b, c"


def cone_condition(table: Table, ra: float, dec: float, sr: float) -> Condition:
    """The indexed cone condition: the expression the position index was built on.

    The values always include ``_cone_ra`` and ``_cone_dec`` (the centre), which
    the cone core's distance column uses too.
    """
    expr = position_expression(table.position_columns())
    values = {"_cone_ra": ra, "_cone_dec": dec, "_cone_sr": sr}
    if sr >= 180:
        return Condition("TRUE", values)
    if sr > 90:
        # pg_sphere's circles end at 90 degrees: a wider cone is everything
        # outside the circle of 180 - SR around the opposite point.
        values.update(_cone_anti_ra=(ra + 180) % 360, _cone_anti_dec=-dec,
                      _cone_anti_sr=180 - sr)
        return Condition(
            f"NOT ({expr} <@ scircle(spoint(radians(%(_cone_anti_ra)s), "
            "radians(%(_cone_anti_dec)s)), radians(%(_cone_anti_sr)s)))", values)
    cone = (f"{expr} <@ scircle(spoint(radians(%(_cone_ra)s), radians(%(_cone_dec)s)), "
            "radians(%(_cone_sr)s))")
    return Condition(pruned_cone(table, expr, cone, ra, dec, sr), values)


class SCSCondDesc(ConeCondDesc):
    """RA, DEC, SR in degrees, as Simple Cone Search defines them."""

    def fields(self) -> list[InputField]:
        return [InputField(k.name, k.name, k.description, k.unit,
                           required=self.desc.required) for k in self.desc.input_keys]

    def cone(self, params: Params, ctx: Context) -> tuple[float, float, float] | None:
        given = [name for name in ("RA", "DEC", "SR") if name in params]
        if not given:
            if self.desc.required:
                raise ProtocolError("RA, DEC and SR are required (a cone in degrees)",
                                    param="RA")
            return None
        for name in ("RA", "DEC", "SR"):
            if name not in params:
                raise ProtocolError(f"{name} is missing; a cone needs RA, DEC and SR",
                                    param=name)
        ra = params.number("RA", minimum=-360, maximum=360)
        dec = params.number("DEC", minimum=-90, maximum=90)
        sr = params.number("SR", minimum=0, maximum=180)
        return ra % 360, dec, sr


class HumanConeCondDesc(ConeCondDesc):
    """A position or object name (hscs_pos) and a radius in arcmin (hscs_sr)."""

    def fields(self) -> list[InputField]:
        keys = {k.name: k for k in self.desc.input_keys}
        pos, sr = keys.get("hscs_pos"), keys.get("hscs_sr")
        default_sr = sr.values.default if sr is not None and sr.values else "1"
        return [
            InputField("hscs_pos", pos.tablehead if pos else "Position/Name",
                       pos.description if pos else "", hint="e.g. 232.65 42.72, "
                       "15 30 36.6 +42 43 01, or NGC 5947"),
            InputField("hscs_sr", sr.tablehead if sr else "Search radius",
                       sr.description if sr else "", "arcmin", default=default_sr or "1"),
        ]

    def cone(self, params: Params, ctx: Context) -> tuple[float, float, float] | None:
        text = params.get("hscs_pos")
        if text is None:
            if self.desc.required:
                raise ProtocolError("give a position or an object name", param="hscs_pos")
            return None
        position = parse_position(text)
        if position is None:
            if ctx.cursor is None:
                raise ProtocolError(f"{text!r} is not a position", param="hscs_pos")
            position = resolve(ctx.cursor, ctx.name_sources, text)
            if position is None:
                raise ProtocolError(
                    f"{text!r} is neither a position (e.g. 232.65 42.72 or 15 30 36.6 "
                    "+42 43 01) nor an object name this service knows", param="hscs_pos")
        radius = params.number("hscs_sr", 1.0, minimum=0, maximum=180 * 60) / 60
        return position[0], position[1], radius


class SIACondDesc(BoundCondDesc):
    """SIA 1.0's POS, SIZE, INTERSECT and FORMAT over a //siap#pgs table's coverage
    and mime columns."""

    pos_name, size_name, intersect_name = "POS", "SIZE", "INTERSECT"

    def __init__(self, desc: CondDesc, table: Table) -> None:
        super().__init__(desc, table)
        coverage, mime = table.column("coverage"), table.column("mime")
        if coverage is None or mime is None or coverage.sql_type.base != "spoly":
            raise desc.error(f"table {table.id!r} lacks the coverage (spoly) and mime "
                             "columns of //siap#pgs, which SIA conditions query")
        self.coverage_sql, self.mime_sql = q(coverage.sql_name), q(mime.sql_name)

    def fields(self) -> list[InputField]:
        fields = []
        for key in self.desc.input_keys:
            options = ([(o.content or "").strip() for o in key.values.child_elements
                        if o.tag == "option"] if key.values else None)
            default = (key.values.default if key.values else "") or ""
            fields.append(InputField(key.name, key.tablehead or key.name, key.description,
                                     key.unit, default=default, options=options or None,
                                     required=self.desc.required
                                     and key.name in (self.pos_name, self.size_name)))
        return fields

    def position(self, params: Params, ctx: Context) -> tuple[float, float] | None:
        text = params.get(self.pos_name)
        return None if text is None else siap.parse_pos(text, self.pos_name)

    def condition(self, params: Params, ctx: Context) -> Condition | None:
        position = self.position(params, ctx)
        size_text = params.get(self.size_name)
        if position is None or size_text is None:
            if self.desc.required:
                raise ProtocolError(f"{self.pos_name} and {self.size_name} are required "
                                    "(a position RA,DEC and a size in degrees)",
                                    param=self.pos_name if position is None
                                    else self.size_name)
            if position is None:
                return None
        width, height = siap.parse_size(size_text or "0", self.size_name)
        intersect = siap.parse_intersect(params.get(self.intersect_name),
                                         self.intersect_name)
        found = siap.footprint_condition(self.coverage_sql, *position, width, height,
                                         intersect)
        wanted = self.format_condition(params)
        if wanted is None:
            return found
        return Condition(f"{found.sql} AND {wanted.sql}", {**found.values, **wanted.values})

    def format_condition(self, params: Params) -> Condition | None:
        return siap.format_condition(self.mime_sql, params.get("FORMAT"))


class HumanSIACondDesc(SIACondDesc):
    """hPOS (a position or an object name), hSIZE and hINTERSECT, for forms."""

    pos_name, size_name, intersect_name = "hPOS", "hSIZE", "hINTERSECT"

    def fields(self) -> list[InputField]:
        fields = super().fields()
        for fld in fields:
            if fld.name == self.pos_name:
                fld.hint = "e.g. 232.65, 42.72, 15 30 36.6 +42 43 01, or NGC 5947"
            elif fld.name == self.size_name:
                fld.default = fld.default or "0.5"
                fld.hint = "e.g. 0.2, or 0.5, 0.1 (RA, Dec)"
        return fields

    def position(self, params: Params, ctx: Context) -> tuple[float, float] | None:
        text = params.get(self.pos_name)
        if text is None:
            return None
        position = parse_position(text.replace(",", " ", 1) if text.count(",") == 1
                                  else text)
        if position is None:
            if ctx.cursor is not None:
                position = resolve(ctx.cursor, ctx.name_sources, text)
            if position is None:
                raise ProtocolError(
                    f"{text!r} is neither a position (e.g. 232.65, 42.72 or 15 30 36.6 "
                    "+42 43 01) nor an object name this service knows",
                    param=self.pos_name)
        return position

    def condition(self, params: Params, ctx: Context) -> Condition | None:
        if params.get(self.pos_name) is None:
            return None
        if params.get(self.size_name) is None:
            params = Params([*params.pairs(), (self.size_name, "0.5")])
        return super().condition(params, ctx)

    def format_condition(self, params: Params) -> Condition | None:
        return None


class SSACondDesc(BoundCondDesc):
    """SSA 1.1's POS, SIZE, BAND, TIME, FORMAT, TARGETNAME and COLLECTION over a
    //ssap#hcd table (engine/services/ssa.py); REQUEST is the renderer's."""

    def __init__(self, desc: CondDesc, table: Table) -> None:
        super().__init__(desc, table)
        wanted = ("ssa_location", "ssa_specstart", "ssa_specend", "ssa_dateobs",
                  "ssa_targname", "mime")
        missing = [n for n in wanted if table.column(n) is None]
        if missing:
            raise desc.error(f"table {table.id!r} lacks the columns of //ssap#hcd SSA "
                             f"conditions query ({', '.join(missing)})")
        self.collection = ssa.Collection.of(table)

    def fields(self) -> list[InputField]:
        return [InputField(key.name, key.tablehead or key.name, key.description,
                           key.unit, required=key.name == "REQUEST")
                for key in self.desc.input_keys]

    def condition(self, params: Params, ctx: Context) -> Condition | None:
        return ssa.conditions(params, self.collection)


def bind_cond_desc(desc: CondDesc, table: Table, options: dict[str, list[str]],
                   stats: Mapping[str, ColumnStats] | None = None) -> BoundCondDesc:
    if desc.kind == "ssa":
        return SSACondDesc(desc, table)
    if desc.kind == "cone":
        return SCSCondDesc(desc, table)
    if desc.kind == "humanCone":
        return HumanConeCondDesc(desc, table)
    if desc.kind == "siap":
        return SIACondDesc(desc, table)
    if desc.kind == "humanSiap":
        return HumanSIACondDesc(desc, table)
    if not desc.build_from:
        raise desc.error("a condDesc without buildFrom needs a phraseMaker, which DR "
                         "does not implement yet")
    column = table.column(desc.build_from)
    if column is None:
        raise desc.error(f"buildFrom {desc.build_from!r} is not a column of table "
                         f"{table.id!r}")
    return ColumnCondDesc(desc, table, column, options.get(column.name.lower()),
                          (stats or {}).get(column.sql_name))

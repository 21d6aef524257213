"""A service bound to its table: output columns and the one SQL query a request means.

Built once when the server loads the RDs; ``build_query`` then turns a
request's parameters into SQL with placeholders, the result columns the
writers need, and the row limit (one more row than wanted, to tell overflow).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from engine.db.identifiers import column_list, position_expression, q, qualified
from engine.db.metadata import served_metadata
from engine.errors import ProtocolError
from engine.limits.store import ColumnStats
from engine.services.conddescs import (
    BoundCondDesc,
    Context,
    InputField,
    bind_cond_desc,
    cone_condition,
)
from engine.services.params import Params
from rd.elements.column import Column
from rd.elements.resource import Resource
from rd.elements.service import (
    CondDesc,
    Core,
    FixedQueryCore,
    OutputField,
    OutputTable,
    PythonCore,
    SCSCore,
    Service,
)
from rd.elements.table import Table
from rd.tablemeta import ResultColumn, TableMeta

# SCS 1.03 wants UCD1 words on the three main columns.
SCS_UCD1 = {"meta.id;meta.main": "ID_MAIN", "pos.eq.ra;meta.main": "POS_EQ_RA_MAIN",
            "pos.eq.dec;meta.main": "POS_EQ_DEC_MAIN"}
VERB_LEVELS = {1: 10, 2: 20, 3: 30}


@dataclass
class OutputSpec:
    """One output column: the SQL giving it and its metadata."""

    select: str
    column: ResultColumn
    verb_level: int = 20
    display_hint: str = ""
    source: Column | None = None  # its tablehead, note_text etc. are what to show


@dataclass
class QueryPlan:
    sql: str
    values: dict[str, Any]
    columns: list[ResultColumn]
    limit: int  # rows wanted; the SQL asks for one more
    offset: int = 0
    outputs: list[OutputSpec] = field(default_factory=list)
    writer_options: dict[str, Any] = field(default_factory=dict)


def select_expression(col: Column) -> str:
    """SQL giving the column's value as the writers want it (geometry as DALI arrays)."""
    name = q(col.sql_name)
    base = col.sql_type.base
    if base == "spoint":
        return f"ARRAY[degrees(long({name})), degrees(lat({name}))]"
    if base == "scircle":
        return (f"ARRAY[degrees(long(center({name}))), degrees(lat(center({name}))), "
                f"degrees(radius({name}))]")
    # The same helper functions translated ADQL uses (adql/udf_sql.py).
    if base == "spoly":
        return f"dc.adql_dali_polygon({name})"
    if base == "sbox":
        return f"dc.adql_dali_sbox({name})"
    return name


def param_values(table: Table) -> list[tuple[ResultColumn, Any]]:
    """The params of ``table`` as PARAMs of a result: metadata and value (NaN for
    an empty or unreadable float)."""
    found = []
    for param in table.params:
        column = ResultColumn.from_column(param.metadata())
        value: Any = (param.content or "").strip()
        if column.datatype in ("float", "double"):
            try:
                value = float(value) if value else float("nan")
            except ValueError:
                value = float("nan")
        found.append((column, value))
    return found


class BoundService:
    """A service of an RD with its core, table and condDescs resolved."""

    def __init__(self, rd: Resource, service: Service,
                 options: dict[str, list[str]] | None = None,
                 table_meta: TableMeta | None = None, table: Table | None = None,
                 stats: Mapping[str, ColumnStats] | None = None) -> None:
        """``table_meta`` is the queried table as served
        (:func:`engine.db.metadata.served_metadata`); without it, every text
        column counts as holding non-ASCII.  ``table`` replaces the core's
        queried table (a view the engine builds, such as ivoa.obscore); ``stats``
        are what dr limits measured of its columns (by SQL name), for the forms."""
        self.rd, self.service = rd, service
        self.core: Core = service.resolve_core()
        if table is None and self.core.queried_table:
            table = rd.resolve_table(self.core.queried_table, self.core)
        self.table: Table | None = table
        self.table_meta: TableMeta | None = table_meta
        if table_meta is None and self.table is not None:
            self.table_meta = served_metadata(self.table, None)
        self.cond_descs: list[BoundCondDesc] = []
        self.stats = stats or {}
        if self.table is not None:
            self.cond_descs = [self._bind(d, options or {}) for d in self.core.cond_descs]
        self.outputs = self._outputs()
        # outputs_for's answers: the RD does not change under a bound service.
        self._outputs_by_renderer: dict[tuple[str, int | None], list[OutputSpec]] = {}

    def _bind(self, desc: CondDesc, options: dict[str, list[str]]) -> BoundCondDesc:
        """One condDesc bound to the queried table; subclasses add kinds of their own."""
        return bind_cond_desc(desc, self.table, options, self.stats)

    @property
    def id(self) -> str:
        return self.service.id

    @property
    def title(self) -> str:
        return (self.service.meta.get("title", inherit=False)
                or self.service.meta.get("shortName") or self.service.id)

    def fields(self, renderer: str) -> list[InputField]:
        return [f for cd in self.cond_descs if cd.applies_to(renderer) for f in cd.fields()]

    # -- output columns --------------------------------------------------------

    def _outputs(self) -> list[OutputSpec]:
        table = self.table
        # A service-level outputTable wins over the core's.
        chosen = next(self.service.children_of(OutputTable), None) or \
            self.core.output_table
        specs: list[OutputSpec] = []
        if chosen is None:
            if isinstance(self.core, PythonCore):
                return []  # it computes its answer (engine/pycore)
            if table is None:
                raise self.core.error("a fixedQueryCore needs an outputTable")
            return [self._spec(c) for c in table.columns if not c.hidden]
        for name in chosen.auto_cols:
            col = table.column(name) if table else None
            if col is None:
                raise chosen.error(f"autoCols: {name!r} is not a column of the table")
            specs.append(self._spec(col))
        if chosen.verb_level is not None and table is not None:
            specs += [self._spec(c) for c in table.columns
                      if c.verb_level <= chosen.verb_level and not c.hidden]
        for fld in chosen.fields:
            source = table.column(fld.reference) if table else None
            if getattr(fld, "select", None):
                specs.append(OutputSpec(fld.select, _computed_column(fld), fld.verb_level,
                                        fld.display_hint, fld))
            elif source is not None:
                specs.append(self._spec(source, fld if isinstance(fld, OutputField)
                                        else None))
            elif table is None:
                # A fixed query's own result column, described by the field.
                specs.append(OutputSpec(q(fld.sql_name), _computed_column(fld),
                                        fld.verb_level, fld.display_hint, fld))
            else:
                raise fld.error(f"{fld.name!r} is not a column of the queried table; "
                                "give select= for computed columns")
        explicit = len(specs) - len(chosen.fields)
        unique: dict[str, OutputSpec] = {}
        for number, spec in enumerate(specs):
            # an outputField replaces the same column taken by autoCols or verbLevel
            if spec.column.name not in unique or number >= explicit:
                unique[spec.column.name] = spec
        return list(unique.values())

    def _spec(self, col: Column, fld: OutputField | None = None) -> OutputSpec:
        """A table column as output; ``fld``, an outputField naming it, overrides what
        it gives (tablehead, verbLevel, note, description, unit...)."""
        result = self._result_column(col)
        if fld is not None and fld.given:
            over = fld.overrides()
            col = copy.copy(col)
            for name, value in over.items():
                setattr(col, name, value)
            if "note" in fld.given:
                col.note_item = fld.note_item
            result = replace(result, **{k: v for k, v in over.items()
                                        if k in ("unit", "ucd", "utype", "xtype",
                                                 "description")})
        return OutputSpec(select_expression(col), result, col.verb_level,
                          col.display_hint, col)

    def _result_column(self, col: Column) -> ResultColumn:
        """A column of the queried table as results describe it (unicode where it
        holds non-ASCII)."""
        served = self.table_meta.column(col.sql_name) if self.table_meta else None
        return ResultColumn.from_column(served or col.metadata())

    def outputs_for(self, renderer: str, verb: int | None = None) -> list[OutputSpec]:
        """The result columns ``renderer`` gives at ``verb`` (a list of the caller's)."""
        known = self._outputs_by_renderer.get((renderer, verb))
        if known is None:
            known = self._outputs_by_renderer[(renderer, verb)] = \
                self._select_outputs(renderer, verb)
        return list(known)

    def _select_outputs(self, renderer: str, verb: int | None) -> list[OutputSpec]:
        specs = list(self.outputs)
        if verb is not None:
            limit = VERB_LEVELS.get(verb, 30)
            specs = [s for s in specs if s.verb_level <= limit
                     or (renderer == "scs.xml" and s.column.ucd in SCS_UCD1)]
        if renderer == "scs.xml":
            specs = [_with_scs_ucd(s) for s in specs]
        return specs

    # -- queries ------------------------------------------------------------------

    def input_params(self, renderer: str) -> list[tuple[ResultColumn, Any]]:
        """The parameters the condDescs offer ``renderer``, as the PARAMs of a DAL
        metadata answer: named INPUT:<name>, with their defaults as values."""
        found = []
        for cd in self.cond_descs:
            if not cd.applies_to(renderer):
                continue
            keys = {k.name: k for k in cd.desc.input_keys}
            for fld in cd.fields():
                key = keys.get(fld.name)
                found.append((ResultColumn(
                    f"INPUT:{fld.name}", "char", "*", unit=fld.unit,
                    ucd=key.ucd if key else "", utype=key.utype if key else "",
                    description=fld.description), fld.default or ""))
        return found

    def query_for(self, renderer: str, specs: list[OutputSpec], params: Params,
                  ctx: Context, *, limit: int, writer_options: dict[str, Any]
                  ) -> QueryPlan:
        """The plain query of a protocol renderer that chose its own result columns
        ``specs`` (SIA 1, SSA): the conditions of the condDescs for ``renderer``,
        the core's sort key, ``limit`` rows (and one more, to tell an overflow)."""
        conditions, values = [], {}
        for cd in self.cond_descs:
            if cd.applies_to(renderer):
                found = cd.condition(params, ctx)
                if found is not None:
                    conditions.append(found.sql)
                    values.update(found.values)
        table = self.table
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        order = ""
        if self.core.sort_key:
            order = " ORDER BY " + column_list(table.sql_names(
                [k.strip() for k in self.core.sort_key.split(",")]))
        selects = ", ".join(f"{s.select} AS {q(s.column.name)}" for s in specs)
        sql = (f"SELECT {selects} FROM {qualified(table.schema, table.id)}{where}{order} "
               f"LIMIT {limit + 1}")
        return QueryPlan(sql, values, [s.column for s in specs], limit, 0, specs,
                         writer_options)

    def build_query(self, params: Params, renderer: str, ctx: Context, *, limit: int,
                    offset: int = 0, verb: int | None = None,
                    sort: str | None = None, descending: bool = False,
                    products: Sequence[str] = ()) -> QueryPlan:
        """The SQL for a request (runs in a worker thread: name look-ups use ctx);
        ``products`` (accrefs), if given, keeps only the rows of those files."""
        outputs = self.outputs_for(renderer, verb)
        if isinstance(self.core, FixedQueryCore):
            selects = ", ".join(s.select for s in outputs)
            sql = (f"SELECT {selects} FROM ({self.core.sql}) AS q "
                   f"LIMIT {limit + 1} OFFSET {offset}")
            return QueryPlan(sql, {}, [s.column for s in outputs], limit, offset, outputs)
        conditions, values, cone = [], {}, None
        for cd in self.cond_descs:
            if not cd.applies_to(renderer):
                continue
            if cd.is_cone:
                this_cone = cd.cone(params, ctx)
                if this_cone is None:
                    continue
                cone = cone or this_cone
                cond = cone_condition(self.table, *this_cone)
            else:
                cond = cd.condition(params, ctx)
                if cond is None:
                    continue
            conditions.append(cond.sql)
            values.update(cond.values)
        if products:
            conditions.append(f"{q(self._product_column())} = ANY(%(_dr_products)s)")
            values["_dr_products"] = list(products)
        selects = [f"{s.select} AS {q(s.column.name)}" for s in outputs]
        columns = [s.column for s in outputs]
        order = ""
        if isinstance(self.core, SCSCore) and cone is not None:
            pos = position_expression(self.table.position_columns())
            selects.append(
                f"degrees({pos} <-> spoint(radians(%(_cone_ra)s), "
                f"radians(%(_cone_dec)s))) AS \"_r\"")
            columns.append(ResultColumn("_r", "double", unit="deg",
                                        ucd="pos.angDistance",
                                        description="Distance from the cone's centre"))
            order = ' ORDER BY "_r"'
        if sort:
            names = {c.name for c in columns}
            if sort not in names:
                raise ProtocolError(f"cannot sort by {sort!r}: not an output column",
                                    param="_SORT")
            order = f" ORDER BY {q(sort)} {'DESC' if descending else 'ASC'} NULLS LAST"
        elif not order and self.core.sort_key:
            keys = [k.strip() for k in self.core.sort_key.split(",")]
            order = " ORDER BY " + column_list(self.table.sql_names(keys))
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        distinct = "DISTINCT " if self.core.distinct else ""
        sql = (f"SELECT {distinct}{', '.join(selects)} FROM "
               f"{qualified(self.table.schema, self.table.id)}{where}{order} "
               f"LIMIT {limit + 1} OFFSET {offset}")
        return QueryPlan(sql, values, columns, limit, offset, outputs)


    def _product_column(self) -> str:
        """The SQL name of the table's product key (its column hinted type=product)."""
        for column in self.table.columns if self.table is not None else ():
            if "type=product" in column.display_hint.split(","):
                return column.sql_name
        raise ProtocolError("the rows of this service have no files to choose by",
                            param="_ACCREF")


def _computed_column(col: Column) -> ResultColumn:
    """A result column the publisher's SQL computes: DR cannot know that its text
    is ASCII, so text is unicodeChar."""
    return ResultColumn.from_column(col.metadata(unicode=col.sql_type.is_text))


def _with_scs_ucd(spec: OutputSpec) -> OutputSpec:
    ucd1 = SCS_UCD1.get(spec.column.ucd)
    if ucd1 is None:
        return spec
    return OutputSpec(spec.select, replace(spec.column, ucd=ucd1), spec.verb_level,
                      spec.display_hint, spec.source)

"""Table definitions: table, column, param, values, index, foreignKey."""

from __future__ import annotations

import re
from collections.abc import Collection

from rd.errors import DRError
from rd.meta import HasMeta, Meta
from rd.structure import Attr, Element, element, one_of, parse_bool, parse_int, parse_list
from rd.tablemeta import ColumnMeta, ForeignKey, PositionIndex, TableMeta
from rd.types import SQLType, as_unicode, parse_type

# PostgreSQL's identifiers DR accepts for tables and columns without quoting.
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@element
class Description(Element):
    tag = "description"
    doc = "A longer description (instead of the description attribute)."
    text = "content"


@element
class Option(Element):
    tag = "option"
    doc = "One allowed value of a column or parameter."
    attrs = (Attr("title", doc="what users see for the value"),)
    text = "content"


@element
class Values(Element):
    tag = "values"
    doc = "Value constraints and the null literal of a column or param."
    attrs = (
        Attr("min", doc="smallest value"),
        Attr("max", doc="largest value"),
        Attr("nullLiteral", doc="the value written for NULL in VOTables"),
        Attr("default", doc="value used when the source gives none"),
        Attr("fromdb", doc="SQL fetching the options from the database"),
        Attr("multiOk", parse_bool, False, doc="several options may be chosen"),
    )
    children = {"option": Option}


_COLUMN_ATTRS = (
    Attr("name", required=True, doc="the column name (a SQL identifier)"),
    Attr("type", default="real", doc="SQL type: integer, real, double precision, text, "
                                     "real[], spoint, ..."),
    Attr("unit", default="", doc="VOUnit of the values"),
    Attr("ucd", default="", doc="UCD1+ of the values"),
    Attr("utype", default="", doc="data-model utype"),
    Attr("xtype", default="", doc="DALI xtype overriding the one the type implies"),
    Attr("description", default="", doc="what the column holds, one or two sentences"),
    Attr("tablehead", default="", doc="short heading in HTML tables"),
    Attr("verbLevel", parse_int, 20, doc="1 (always shown) to 30 (rarely needed)"),
    Attr("required", parse_bool, False, doc="NOT NULL"),
    Attr("displayHint", default="", doc="rendering hints, e.g. sf=2,type=hms"),
    Attr("hidden", parse_bool, False, doc="not shown to users or in TAP"),
    Attr("principal", parse_bool, None, doc="principal in TAP_SCHEMA (default: "
                                            "verbLevel <= 10)"),
    Attr("std", parse_bool, False, doc="defined by a standard (TAP_SCHEMA std)"),
)


@element
class Column(Element):
    tag = "column"
    doc = "A column of a table."
    attrs = _COLUMN_ATTRS
    children = {"values": Values, "description": Description, "meta": Meta}

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Description):
            self.description = (child.content or "").strip()

    def finish(self) -> None:
        super().finish()
        self.description = " ".join(self.description.split())
        if not NAME_RE.match(self.name):
            raise self.error(f"{self.name!r} is not a valid column name",
                             hint="use letters, digits and underscores, not starting "
                                  "with a digit")
        try:
            self.sql_type: SQLType = parse_type(self.type)
        except DRError as exc:
            raise self.error(exc.message, hint=exc.hint) from None

    @property
    def values(self) -> Values | None:
        return next(self.children_of(Values), None)  # type: ignore[return-value]

    def metadata(self, indexed: bool = False, unicode: bool = False) -> ColumnMeta:
        """The column as plain metadata; ``unicode`` says it holds non-ASCII text
        (DR learns that at import), which its type then says."""
        principal = self.principal if self.principal is not None else self.verb_level <= 10
        return ColumnMeta(
            name=self.name.lower(), type=as_unicode(self.type) if unicode else self.type,
            unit=self.unit, ucd=self.ucd,
            utype=self.utype, xtype=self.xtype, description=self.description,
            principal=principal, indexed=indexed, std=self.std,
            verb_level=self.verb_level, required=self.required)


@element
class Param(Column):
    tag = "param"
    doc = "A constant of a table or data element; its value is the text."
    attrs = _COLUMN_ATTRS
    text = "content"


@element
class Index(Element):
    tag = "index"
    doc = ("An index built after each import: on columns, on an SQL expression (the "
           "text), or kind=\"position\", DR's pgsphere index on the main positions.")
    attrs = (
        Attr("columns", parse_list, (), doc="comma-separated columns to index"),
        Attr("name", doc="index name (default: derived from table and columns)"),
        Attr("method", default="", doc="access method: btree, gist, brin, ..."),
        Attr("cluster", parse_bool, False, doc="CLUSTER the table on this index"),
        Attr("kind", one_of("plain", "position"), "plain",
             doc="position: pgsphere spoint index on the main position columns"),
        Attr("options", default="", doc="WITH (...) storage parameters"),
        Attr("metaOnly", parse_bool, False, doc="declared as indexed but not built"),
    )
    text = "expression"


@element
class ForeignKeyElement(Element):
    tag = "foreignKey"
    doc = "A foreign key from this table's columns to another table's."
    attrs = (
        Attr("inTable", required=True, doc="the referenced table (id or rd#id)"),
        Attr("source", parse_list, (), doc="columns of this table"),
        Attr("dest", parse_list, (), doc="columns of the referenced table "
                                         "(default: same as source)"),
        Attr("metaOnly", parse_bool, False, doc="declared in TAP_SCHEMA only"),
    )

    def finish(self) -> None:
        super().finish()
        if not self.source:
            raise self.error("needs source (the columns of this table)")
        if not self.dest:
            self.dest = self.source
        if len(self.dest) != len(self.source):
            raise self.error("source and dest name different numbers of columns")


@element
class Table(HasMeta):
    tag = "table"
    doc = "A database table (or, with onDisk=False, an in-memory structure)."
    attrs = (
        Attr("onDisk", parse_bool, False, doc="a table in the database"),
        Attr("adql", one_of("True", "False", "hidden"), "False",
             doc="queryable through TAP (hidden: queryable, not in TAP_SCHEMA)"),
        Attr("primary", parse_list, (), doc="primary key columns"),
        Attr("mixin", parse_list, (), doc="mixins applied, e.g. //scs#pgs-pos-index"),
        Attr("description", default="", doc="what the table holds"),
        Attr("forceUnique", parse_bool, False, doc="enforce the primary key on import"),
        Attr("system", parse_bool, False, doc="a system table, kept by dr drop"),
        Attr("readGroups", parse_list, (), doc="groups that may read the table; "
                                               "empty: everyone"),
    )
    children = {"column": Column, "param": Param, "index": Index,
                "foreignKey": ForeignKeyElement, "meta": Meta, "description": Description}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.columns: list[Column] = []
        self.params: list[Param] = []
        self.indexes: list[Index] = []
        self.foreign_keys: list[ForeignKeyElement] = []

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Param):
            self.params.append(child)
        elif isinstance(child, Column):
            if any(c.name.lower() == child.name.lower() for c in self.columns):
                raise child.error(f"column {child.name!r} is defined twice")
            self.columns.append(child)
        elif isinstance(child, Index):
            self.indexes.append(child)
        elif isinstance(child, ForeignKeyElement):
            self.foreign_keys.append(child)
        elif isinstance(child, Description):
            self.description = (child.content or "").strip()

    def finish(self) -> None:
        super().finish()
        if self.id is None:
            raise self.error("a table needs an id (its name in the database)")
        if not NAME_RE.match(self.id):
            raise self.error(f"{self.id!r} is not a valid table name")
        for name in self.primary:
            if self.column(name) is None:
                raise self.error(f"primary key column {name!r} is not a column of "
                                 "this table")
        for fk in self.foreign_keys:
            for name in fk.source:
                if self.column(name) is None:
                    raise fk.error(f"foreign key column {name!r} is not a column of "
                                   f"table {self.id!r}")
        for index in self.indexes:
            for name in index.columns:
                if self.column(name) is None:
                    raise index.error(f"index column {name!r} is not a column of "
                                      f"table {self.id!r}")
            if index.kind == "position":
                self.position_columns(index)
        if not self.description:
            self.description = self.meta.get("description", inherit=False)
        self.description = " ".join(self.description.split())

    # -- queries -------------------------------------------------------------

    @property
    def schema(self) -> str:
        return self.rd.schema

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.id}"

    def column(self, name: str) -> Column | None:
        lowered = name.lower()
        return next((c for c in self.columns if c.name.lower() == lowered), None)

    def column_by_ucd(self, ucd: str) -> Column | None:
        return next((c for c in self.columns if c.ucd.lower() == ucd.lower()), None)

    def position_columns(self, at: Element | None = None) -> PositionIndex:
        """The main RA/Dec columns (UCDs pos.eq.ra;meta.main, pos.eq.dec;meta.main)."""
        ra = self.column_by_ucd("pos.eq.ra;meta.main")
        dec = self.column_by_ucd("pos.eq.dec;meta.main")
        if ra is None or dec is None:
            raise (at or self).error(
                f"table {self.id!r} needs columns with the UCDs pos.eq.ra;meta.main and "
                "pos.eq.dec;meta.main for a position index")
        return PositionIndex(ra.name.lower(), dec.name.lower())

    @property
    def position_index(self) -> PositionIndex | None:
        for index in self.indexes:
            if index.kind == "position":
                return self.position_columns(index)
        return None

    def indexed_columns(self) -> set[str]:
        names = {n.lower() for n in self.primary}
        for index in self.indexes:
            if index.columns:
                names.add(index.columns[0].lower())
        pos = self.position_index
        if pos:
            names.update((pos.ra, pos.dec))
        return names

    def metadata(self, unicode_columns: Collection[str] = ()) -> TableMeta:
        """This table as the plain metadata adql/ and the writers use.

        ``unicode_columns`` names the text columns that hold non-ASCII (as
        the import found, ``dc.tables.unicode_columns``).
        """
        indexed = self.indexed_columns()
        wide = {name.lower() for name in unicode_columns}
        return TableMeta(
            schema=self.schema, name=self.id.lower(),
            columns=tuple(c.metadata(c.name.lower() in indexed, c.name.lower() in wide)
                          for c in self.columns if not c.hidden),
            description=self.description,
            title=self.meta.get("title", inherit=False),
            primary_key=tuple(n.lower() for n in self.primary),
            foreign_keys=tuple(
                ForeignKey(tuple(s.lower() for s in fk.source),
                           self.rd.resolve_table(fk.in_table, fk).qualified_name,
                           tuple(d.lower() for d in fk.dest))
                for fk in self.foreign_keys),
            position=self.position_index,
            read_groups=frozenset(self.read_groups),
            meta=self.meta.as_dict(),
        )

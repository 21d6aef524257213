"""Table definitions: table, index, foreignKey, publish (columns: rd.elements.column).

A table names its columns as an RD does elsewhere, by ``quoted/B-V`` or by
their name; :meth:`Table.column` resolves both.

Column notes are DaCHS's: ``note="1"`` on a column refers to the table's
``<meta name="note" tag="1">``; :attr:`Table.notes` maps tags to them.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass

from rd import partitioning, viewtables
from rd.elements.column import (
    MAX_NAME_BYTES,
    NAME_RE,
    QUOTED_PREFIX,
    Column,
    Description,
    Param,
    split_column_name,
)
from rd.elements.script import Script
from rd.meta import HasMeta, HasProperties, Meta, MetaItem, Property
from rd.references import SYSTEM_DIR, SYSTEM_PREFIX, split_reference
from rd.structure import Attr, Element, element, one_of, parse_bool, parse_list
from rd.tablemeta import ForeignKey, PositionIndex, TableMeta


@functools.cache
def dr_provides(ref: str) -> bool:
    """Whether a system mixin reference is one DR has (its rd/system RDs)."""
    if ref == "//scs#q3cindex":
        return True  # DR's pgsphere index stands in for it
    rd_id, ident = split_reference(ref)
    if rd_id is None or not rd_id.startswith(SYSTEM_PREFIX):
        return True  # the RD's own or another RD's: the reader reports what is missing
    path = SYSTEM_DIR / f"{rd_id[len(SYSTEM_PREFIX):]}.rd"
    return path.is_file() and f'id="{ident}"' in path.read_text(encoding="utf-8")


# The types of an embargoColumn (a release date)
EMBARGO_TYPES = ("date", "timestamp", "timestamptz")
# The read group of a table nobody may read yet (approvalGroup without approvals):
# no account can be in it, since group names start with a letter or a digit.
NOT_APPROVED = "(not approved)"


def _index_kind(text: str) -> str:
    # DaCHS's kind is a free tag ("straight" by default) DR does not need.
    return "position" if text.strip().lower() == "position" else text.strip() or "plain"


_INDEX_CLAUSES = ("INCLUDE", "WITH", "TABLESPACE", "WHERE")


@element
class IndexOption(Element):
    tag = "option"
    doc = "A clause of an index: INCLUDE (...), WITH (...), TABLESPACE t or WHERE ..."
    text = "content"


@element
class Index(Element):
    tag = "index"
    doc = ("An index built after each import: on columns, on the SQL in the text "
           "(taken as written: 'uri text_pattern_ops', '(lower(name))'), or "
           "kind=\"position\", DR's pgsphere index on the main positions.")
    attrs = (
        Attr("columns", parse_list, (), doc="comma-separated columns to index"),
        Attr("name", doc="index name (the table's name is put before it)"),
        Attr("method", default="", doc="access method: btree, gist, brin, ..."),
        Attr("cluster", parse_bool, False, doc="CLUSTER the table on this index"),
        Attr("kind", _index_kind, "plain",
             doc="position: pgsphere spoint index on the main position columns, "
                 "or on the two columns named (RA, Dec) "
                 "(DaCHS's other kinds are tags DR ignores)"),
        Attr("options", default="", doc="a clause (INCLUDE, WITH, TABLESPACE, WHERE); "
                                        "bare text means WITH (text) storage parameters"),
        Attr("metaOnly", parse_bool, False, doc="declared as indexed but not built"),
    )
    children = {"option": IndexOption}
    text = "expression"

    def finish(self) -> None:
        super().finish()
        if not self.columns and not (self.expression or "").strip() \
                and self.kind != "position":
            raise self.error("needs columns (or an SQL expression as its text)")

    @property
    def clauses(self) -> str:
        """The options as SQL, in the order PostgreSQL wants them."""
        given = [self.options] if self.options and self.options.strip() else []
        given += [(c.content or "").strip() for c in self.children_of(IndexOption)]
        ordered: dict[str, list[str]] = {k: [] for k in _INDEX_CLAUSES}
        for clause in (" ".join(g.split()) for g in given if g.strip()):
            keyword = clause.split(None, 1)[0].upper()
            if keyword in ordered:
                ordered[keyword].append(clause)
            else:
                ordered["WITH"].append(f"WITH ({clause})")
        return " ".join(c for k in _INDEX_CLAUSES for c in ordered[k])


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
class DataPublish(HasMeta):
    tag = "publish"
    doc = ("Publishes a table (or a data element's tables) as a data collection in "
           "the registry; services lists the services serving it.")
    attrs = (
        Attr("sets", parse_list, ("ivo_managed",), doc="OAI sets: ivo_managed, local"),
        Attr("services", parse_list, (), doc="ids of services serving the data"),
    )
    children = {"meta": Meta}

    def finish(self) -> None:
        super().finish()
        parent = self.parent
        if getattr(parent, "tag", "") == "data" and parent.id is None \
                and "ivo_managed" in self.sets:
            raise self.error("a data element registered as a data collection needs an "
                             "id (its registry identifier ends in it)")


@dataclass(frozen=True)
class AppliedMixin:
    """A mixin as applied to a table: what the engine parts implementing it read
    (``//obscore#publish``'s parameters are SQL for ivoa.obscore).  ``given`` are
    the parameters the RD set (under their names, not aliases), ``defaults`` the
    mixinDef's others, expanded where the mixin was applied."""

    ref: str  # as the RD names it, e.g. //obscore#publish
    rd_id: str | None
    ident: str
    given: dict[str, str]
    defaults: dict[str, str]

    @property
    def params(self) -> dict[str, str]:
        return {**self.defaults, **self.given}


@element
class Table(HasMeta, HasProperties):
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
        Attr("approvalGroup", doc="the table's audience follows its sources' approvals "
                                  "(the CALIFA header keys): PUBAPRV names someone: "
                                  "everyone; only COLAPRV does: this group; neither, "
                                  "or not imported yet: nobody"),
        Attr("embargoColumn", doc="a date or timestamp column: a row whose date lies "
                                  "in the future is seen only by its owner group "
                                  "(ownerColumn), in every protocol"),
        Attr("ownerColumn", doc="a text column naming the group that sees a row "
                                "under embargo (every user is a group of their own "
                                "name); without it nobody does"),
        Attr("namePath", doc="a table (id or rd#id) whose columns original= may name "
                             "by name, e.g. //obscore#ObsCore"),
        Attr("viewStatement", doc="one SQL statement creating this table as a view "
                                  "(CREATE [MATERIALIZED] VIEW \\qName AS (SELECT "
                                  "\\colNames FROM ...)); dr imp runs it after the "
                                  "data before it, and keeps it over their re-imports"),
    )
    children = {"column": Column, "param": Param, "index": Index,
                "foreignKey": ForeignKeyElement, "meta": Meta, "description": Description,
                "property": Property, "publish": DataPublish, "script": Script}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.columns: list[Column] = []
        self.params: list[Param] = []
        self.indexes: list[Index] = []
        self.foreign_keys: list[ForeignKeyElement] = []
        self.notes: dict[str, MetaItem] = {}
        self.applied_mixins: list[AppliedMixin] = []  # set by the reader

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Param):
            self.params.append(child)
        elif isinstance(child, Column):
            # rowmakers key their rows by the name, the database by the SQL name
            if any(c.sql_name == child.sql_name or c.name == child.name
                   for c in self.columns):
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
        if len(self.id) > MAX_NAME_BYTES:
            raise self.error(f"table name {self.id!r} is longer than PostgreSQL's "
                             f"{MAX_NAME_BYTES} bytes", hint="choose a shorter id")
        missing = [m for m in self.mixin if not dr_provides(m.strip())]
        if any(self.column(name) is None for name in self.primary):
            self.primary = self._known(self.primary, self, "primary key", missing)
        for fk in list(self.foreign_keys):
            if any(self.column(name) is None for name in fk.source):
                if self._known(fk.source, fk, "foreign key", missing) != fk.source:
                    self.foreign_keys.remove(fk)
        for index in list(self.indexes):
            if any(self.column(name) is None for name in index.columns):
                if self._known(index.columns, index, "index", missing) != index.columns:
                    self.indexes.remove(index)
            if index.kind == "position" and index in self.indexes:
                self.position_columns(index)
        self._check_embargo_columns()
        viewtables.finish(self)
        partitioning.finish(self)
        if self.approval_group:
            if self.read_groups:
                raise self.error("a table has readGroups or approvalGroup, not both",
                                 hint="approvalGroup lets its sources' COLAPRV/PUBAPRV "
                                      "decide who reads it")
            # Withheld from everyone until an import's approvals say otherwise
            # (engine/ingest/importer.py, engine/db/metadata.apply_recorded_audience).
            self.read_groups = (NOT_APPROVED,)
        if not self.description:
            self.description = self.meta.get("description", inherit=False)
        self.description = " ".join(self.description.split())
        self.notes = {item.attr("tag"): item
                      for item in self.meta.get_all("note", inherit=False)}
        for col in (*self.columns, *self.params):
            if col.note:
                col.note_item = self.notes.get(col.note)
                if col.note_item is None:
                    known = ", ".join(sorted(self.notes)) or "none"
                    raise col.error(
                        f"note {col.note!r} is not a note of table {self.id!r} "
                        f"(its notes: {known})",
                        hint=f'add <meta name="note" tag="{col.note}">...</meta> to '
                             "the table")

    def _check_embargo_columns(self) -> None:
        if self.owner_column and not self.embargo_column:
            raise self.error("ownerColumn needs an embargoColumn (the release date "
                             "until which only the owner sees a row)")
        for attr, name, kinds in (("embargoColumn", self.embargo_column, EMBARGO_TYPES),
                                  ("ownerColumn", self.owner_column, ("text",))):
            if not name:
                continue
            column = self.column(name)
            if column is None:
                raise self.error(f"{attr} {name!r} is not a column of this table")
            if column.sql_type.sql not in kinds:
                raise column.error(f"{attr} {name!r} must be of type "
                                   f"{' or '.join(kinds)}, not {column.sql_type.sql}")

    @property
    def row_embargo(self) -> tuple[str, str | None] | None:
        """(SQL name of the release-date column, of the owner column or None), or
        None when the table's rows have no embargo."""
        if not self.embargo_column:
            return None
        owner = self.column(self.owner_column) if self.owner_column else None
        return (self.column(self.embargo_column).sql_name,
                owner.sql_name if owner else None)

    def _foreign_key(self, fk: ForeignKeyElement) -> ForeignKey:
        target = self.rd.resolve_table(fk.in_table, fk)
        return ForeignKey(self.sql_names(fk.source), target.qualified_name,
                          target.sql_names(fk.dest))

    @property
    def publications(self) -> list[DataPublish]:
        return list(self.children_of(DataPublish))  # type: ignore[arg-type]

    @property
    def scripts(self) -> list[Script]:
        return list(self.children_of(Script))  # type: ignore[arg-type]

    def _known(self, names: tuple[str, ...], at: Element, what: str,
               missing: list[str]) -> tuple[str, ...]:
        """``names`` that are columns; the others are an error, unless a mixin DR
        lacks probably brings them: then a warning, and they are left out."""
        unknown = [n for n in names if self.column(n) is None]
        if not missing:
            raise at.error(f"{what} column {unknown[0]!r} is not a column of this table")
        at.warn(f"{what} column(s) {', '.join(unknown)} not in table {self.id!r}; they "
                f"probably come from {', '.join(missing)}, which DR does not provide "
                "yet; left out")
        return tuple(n for n in names if self.column(n) is not None)

    # -- queries -------------------------------------------------------------

    @property
    def schema(self) -> str:
        return self.rd.schema

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.id}"

    def column(self, name: str) -> Column | None:
        """The column an RD names: ``quoted/X`` is the column SQL knows as X; a
        regular name matches ignoring case (as SQL folds it), or else a delimited
        column of exactly that name (DaCHS compares those with plain names)."""
        name, quoted = split_column_name(name.strip())
        if quoted or not NAME_RE.match(name):
            return next((c for c in self.columns if c.sql_name == name), None)
        lowered = name.lower()
        return (next((c for c in self.columns if c.sql_name == lowered), None)
                or next((c for c in self.columns if c.quoted and c.name == name), None))

    def sql_names(self, names: Collection[str]) -> tuple[str, ...]:
        """The SQL names of the columns ``names`` (RD references) name (one not
        declared here, e.g. a foreign key's column of a table DR cannot check,
        as SQL would fold it)."""
        return tuple(c.sql_name if (c := self.column(name)) is not None
                     else split_column_name(name)[0] if name.startswith(QUOTED_PREFIX)
                     else name.lower() for name in names)

    def column_by_ucd(self, ucd: str) -> Column | None:
        return next((c for c in self.columns if c.ucd.lower() == ucd.lower()), None)

    def position_columns(self, at: Element | None = None) -> PositionIndex:
        """The main RA/Dec columns (UCDs pos.eq.ra;meta.main, pos.eq.dec;meta.main),
        or the two columns a position index names (RA first)."""
        if isinstance(at, Index) and len(at.columns) == 2:
            ra_col, dec_col = (self.column(name) for name in at.columns)
            if ra_col is not None and dec_col is not None:
                return PositionIndex(ra_col.sql_name, dec_col.sql_name)
        ra = self.column_by_ucd("pos.eq.ra;meta.main")
        dec = self.column_by_ucd("pos.eq.dec;meta.main")
        if ra is None or dec is None:
            raise (at or self).error(
                f"table {self.id!r} needs columns with the UCDs pos.eq.ra;meta.main and "
                "pos.eq.dec;meta.main for a position index")
        return PositionIndex(ra.sql_name, dec.sql_name)

    @property
    def position_index(self) -> PositionIndex | None:
        for index in self.indexes:
            if index.kind == "position":
                return self.position_columns(index)
        return None

    def indexed_columns(self) -> set[str]:
        """SQL names of the columns an index starts with (TAP_SCHEMA's indexed)."""
        names = set(self.sql_names(self.primary))
        for index in self.indexes:
            names.update(self.sql_names(index.columns[:1]))
        pos = self.position_index
        if pos:
            names.update((pos.ra, pos.dec))
        return names

    def metadata(self, unicode_columns: Collection[str] = ()) -> TableMeta:
        """This table as the plain metadata adql/ and the writers use.

        ``unicode_columns`` names (by SQL name) the text columns that hold
        non-ASCII (as the import found, ``dc.tables.unicode_columns``).
        """
        indexed = self.indexed_columns()
        wide = set(unicode_columns)
        return TableMeta(
            schema=self.schema, name=self.id.lower(),
            columns=tuple(c.metadata(c.sql_name in indexed, c.sql_name in wide)
                          for c in self.columns if not c.hidden),
            description=self.description,
            title=self.meta.get("title", inherit=False),
            primary_key=self.sql_names(self.primary),
            foreign_keys=tuple(self._foreign_key(fk) for fk in self.foreign_keys),
            position=self.position_index,
            partitions=partitioning.of(self),
            read_groups=frozenset(self.read_groups),
            meta=self.meta.as_dict(),
        )

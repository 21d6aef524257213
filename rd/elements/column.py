"""Column definitions: column, param, values, option, description; column names.

Column names are SQL regular identifiers (case-insensitive, lower-cased in the
database), or, as in DaCHS, ``quoted/`` and any text: a delimited identifier,
kept exactly (``quoted/B-V``, ``quoted/Mixed Case``).  Elsewhere in an RD
(keys, indexes, rowmakers, buildFrom) a column is named by ``quoted/B-V`` or
by its name; :meth:`rd.elements.table.Table.column` resolves both.
"""

from __future__ import annotations

import re

from rd.errors import DRError
from rd.meta import HasProperties, Meta, MetaItem, Property
from rd.structure import Attr, Element, element, parse_bool, parse_int
from rd.tablemeta import ColumnMeta
from rd.types import SQLType, as_unicode, parse_type

# SQL regular identifiers: the names DR accepts for tables, and for columns
# without DaCHS's quoted/ prefix.
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
QUOTED_PREFIX = "quoted/"
MAX_NAME_BYTES = 63  # PostgreSQL cuts longer names (NAMEDATALEN - 1)


def split_column_name(text: str) -> tuple[str, bool]:
    """(name, delimited) of a column name as an RD writes it (``quoted/B-V``)."""
    if text.startswith(QUOTED_PREFIX):
        return text[len(QUOTED_PREFIX):], True
    return text, False


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
    Attr("name", required=True,
         doc="the column name: a SQL regular identifier, or quoted/ and any text "
             "for a delimited identifier (case-sensitive), e.g. quoted/B-V"),
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
    Attr("note", doc="tag of a note on the table (<meta name=\"note\" tag=...>) "
                     "explaining the column"),
)


@element
class Column(HasProperties):
    tag = "column"
    doc = "A column of a table."
    attrs = _COLUMN_ATTRS
    children = {"values": Values, "description": Description, "meta": Meta,
                "property": Property}

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Description):
            self.description = (child.content or "").strip()

    def finish(self) -> None:
        super().finish()
        self.description = " ".join(self.description.split())
        self.name, self.quoted = split_column_name(self.name)
        self._check_name()
        try:
            self.sql_type: SQLType = parse_type(self.type)
        except DRError as exc:
            raise self.error(exc.message, hint=exc.hint) from None
        self.note_item: MetaItem | None = None  # resolved by the table

    def _check_name(self) -> None:
        if self.quoted:
            if not self.name.strip() or "\x00" in self.name:
                raise self.error(f"{QUOTED_PREFIX + self.name!r} is not a valid column "
                                 "name", hint=f"{QUOTED_PREFIX} needs a name after it "
                                              "(any characters but NUL)")
        elif not NAME_RE.match(self.name):
            raise self.error(
                f"{self.name!r} is not a valid column name (not an SQL regular "
                "identifier)", hint="use letters, digits and underscores, not starting "
                f"with a digit, or, as in DaCHS, {QUOTED_PREFIX}{self.name} for a "
                "delimited identifier")
        if len(self.sql_name.encode("utf-8")) > MAX_NAME_BYTES:
            raise self.error(f"column name {self.name!r} is longer than PostgreSQL's "
                             f"{MAX_NAME_BYTES} bytes")

    @property
    def sql_name(self) -> str:
        """The name in the database and in results: a delimited name as written,
        a regular one in lower case (SQL always quotes it)."""
        return self.name if self.quoted else self.name.lower()

    @property
    def reference(self) -> str:
        """How an RD names this column elsewhere (``quoted/B-V`` or ``ra``)."""
        return QUOTED_PREFIX + self.name if self.quoted else self.name

    @property
    def note_text(self) -> str:
        """The text of the column's note (reStructuredText unless said otherwise)."""
        return self.note_item.value if self.note_item is not None else ""

    @property
    def values(self) -> Values | None:
        return next(self.children_of(Values), None)  # type: ignore[return-value]

    def metadata(self, indexed: bool = False, unicode: bool = False) -> ColumnMeta:
        """The column as plain metadata; ``unicode`` says it holds non-ASCII text
        (DR learns that at import), which its type then says."""
        principal = self.principal if self.principal is not None else self.verb_level <= 10
        return ColumnMeta(
            name=self.sql_name, sql_name=self.name if self.quoted else "",
            type=as_unicode(self.type) if unicode else self.type,
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

"""Services: ``service``, its cores (dbCore, scsCore, fixedQueryCore), ``condDesc``,
``inputKey``, ``outputTable``/``outputField`` and ``publish``."""

from __future__ import annotations

from rd.elements.table import _COLUMN_ATTRS, Column, Description, Values
from rd.meta import HasMeta, Meta
from rd.structure import Attr, Element, element, one_of, parse_bool, parse_int, parse_list

RENDERERS = ("form", "scs.xml", "api", "availability", "capabilities", "tables",
             "tableMetadata", "examples")


@element
class Property(Element):
    tag = "property"
    doc = "A named setting, e.g. onlyForRenderer on a condDesc."
    attrs = (Attr("name", required=True, doc="the property's name"),)
    text = "content"


class HasProperties(Element):
    def property(self, name: str, default: str = "") -> str:
        for child in self.child_elements:
            if isinstance(child, Property) and child.name == name:
                return (child.content or "").strip()
        return default


@element
class InputKey(Column, HasProperties):
    tag = "inputKey"
    doc = "A parameter a service takes: a column-like definition plus input hints."
    attrs = _COLUMN_ATTRS + (
        Attr("multiplicity", one_of("single", "multiple", "forced-single"), "single",
             doc="whether several values may be given"),
        Attr("inputUnit", default="", doc="unit users give the value in"),
        Attr("showItems", parse_int, 3, doc="rows of a selection box"),
    )
    children = {"values": Values, "description": Description, "meta": Meta,
                "property": Property}
    text = "default_value"


@element
class CondDesc(HasProperties):
    tag = "condDesc"
    doc = ("A condition users can set through a service: built from a column "
           "(buildFrom), or one of DR's kinds (cone, humanCone).")
    attrs = (
        Attr("buildFrom", doc="the column the condition is on (numeric ranges like "
                              "10 .. 20 or >5, enumerations, text patterns)"),
        Attr("kind", one_of("column", "cone", "humanCone"), "column",
             doc="cone: RA/DEC/SR; humanCone: a position or object name and radius"),
        Attr("required", parse_bool, False, doc="the service refuses queries without it"),
        Attr("silent", parse_bool, False, doc="not shown in forms"),
    )
    children = {"inputKey": InputKey, "property": Property, "meta": Meta}

    @property
    def input_keys(self) -> list[InputKey]:
        return list(self.children_of(InputKey))  # type: ignore[arg-type]

    def finish(self) -> None:
        super().finish()
        if self.kind == "column" and not self.build_from and not self.input_keys:
            raise self.error("needs buildFrom (a column) or inputKey children")

    def applies_to(self, renderer: str) -> bool:
        only = self.property("onlyForRenderer")
        if only and renderer not in parse_list(only):
            return False
        return renderer not in parse_list(self.property("notForRenderer"))


@element
class OutputField(Column):
    tag = "outputField"
    doc = "A column of a service's output (a table column by name, or an SQL select)."
    attrs = _COLUMN_ATTRS + (
        Attr("select", doc="an SQL expression giving the value (default: the column)"),
    )


@element
class OutputTable(Element):
    tag = "outputTable"
    doc = "The columns a service returns."
    attrs = (
        Attr("autoCols", parse_list, (), doc="columns of the queried table to return"),
        Attr("verbLevel", parse_int, None, doc="return all columns up to this verbLevel"),
    )
    children = {"outputField": OutputField, "column": Column, "meta": Meta}

    @property
    def fields(self) -> list[Column]:
        return [c for c in self.child_elements if isinstance(c, Column)]


class Core(Element):
    """Base of cores: what answers a service's queries."""

    attrs = (
        Attr("queriedTable", doc="the table queried (id in this RD)"),
        Attr("sortKey", default="", doc="default ordering column(s)"),
        Attr("limit", parse_int, None, doc="default row limit"),
        Attr("distinct", parse_bool, False, doc="SELECT DISTINCT"),
    )
    children = {"condDesc": CondDesc, "outputTable": OutputTable}

    @property
    def cond_descs(self) -> list[CondDesc]:
        return list(self.children_of(CondDesc))  # type: ignore[arg-type]

    @property
    def output_table(self) -> OutputTable | None:
        return next(self.children_of(OutputTable), None)  # type: ignore[return-value]

    def finish(self) -> None:
        super().finish()
        if self.tag != "fixedQueryCore" and not self.queried_table:
            raise self.error("needs queriedTable (the table it queries)")


@element
class DBCore(Core):
    tag = "dbCore"
    doc = "Queries one table through the conditions of its condDescs."


@element
class SCSCore(Core):
    tag = "scsCore"
    doc = "A dbCore for cone searches: adds a distance column and sorts by it."


@element
class QueryText(Element):
    tag = "query"
    doc = "The SQL SELECT a fixedQueryCore runs."
    text = "content"


@element
class FixedQueryCore(Core):
    tag = "fixedQueryCore"
    doc = "Runs a fixed SQL query (a query child, attribute or the text)."
    attrs = Core.attrs + (Attr("query", doc="the SQL SELECT to run"),)
    children = {**Core.children, "query": QueryText}
    text = "query_text"

    def finish(self) -> None:
        super().finish()
        child = next(self.children_of(QueryText), None)
        self.sql = " ".join(
            (self.query or (child.content if child else None) or self.query_text or ""
             ).split())
        if not self.sql:
            raise self.error("needs a query")


CORES = {"dbCore": DBCore, "scsCore": SCSCore, "fixedQueryCore": FixedQueryCore}


@element
class Publish(Element):
    tag = "publish"
    doc = "Lists a renderer of the service on the root page (local) and/or in the " \
          "registry (ivo_managed)."
    attrs = (
        Attr("render", required=True, doc="the renderer published"),
        Attr("sets", parse_list, ("local",), doc="local, ivo_managed"),
    )


@element
class Service(HasMeta):
    tag = "service"
    doc = "A service: a core answering queries, exposed through renderers."
    attrs = (
        Attr("allowed", parse_list, ("form",), doc="renderers: form, scs.xml, api, ..."),
        Attr("defaultRenderer", default="", doc="renderer for the service's bare URL"),
        Attr("core", doc="a core defined elsewhere in the RD (id)"),
        Attr("limitTo", default="", doc="a group allowed to use the service"),
    )
    children = {"meta": Meta, "publish": Publish, "outputTable": OutputTable,
                "inputKey": InputKey, "property": Property, **CORES}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.inline_core: Core | None = None

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Core):
            if self.inline_core is not None:
                raise child.error("a service takes one core")
            self.inline_core = child

    def finish(self) -> None:
        super().finish()
        if self.id is None:
            raise self.error("a service needs an id (its name in URLs)")
        unknown = [r for r in self.allowed if r not in RENDERERS]
        if unknown:
            raise self.error(f"renderer(s) {', '.join(unknown)} not known to DR "
                             f"(known: {', '.join(RENDERERS)})")
        if self.inline_core is None and not self.core:
            raise self.error("needs a core (dbCore, scsCore, fixedQueryCore or core=)")
        for pub in self.children_of(Publish):
            if pub.render not in self.allowed:
                raise pub.error(f"publishes renderer {pub.render!r}, which the service "
                                "does not allow")

    @property
    def publications(self) -> list[Publish]:
        return list(self.children_of(Publish))  # type: ignore[arg-type]

    def resolve_core(self) -> Core:
        if self.inline_core is not None:
            return self.inline_core
        found = self.rd.by_id(self.core)
        if not isinstance(found, Core):
            raise self.error(f"{self.core!r} is not a core of this RD")
        return found

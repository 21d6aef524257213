"""Services: ``service``, its cores (dbCore, scsCore, fixedQueryCore, pythonCore...),
``condDesc``, ``inputKey``, ``outputTable``/``outputField`` and ``publish``.

A service DR cannot serve yet (a core it lacks, only renderers it lacks)
loads with a warning and :attr:`Service.unavailable` saying why; the rest of
its RD works.  ``rd`` knows DaCHS's renderers (rd/vocabulary.py); which of them
DR serves is the engine's to say (:meth:`Service.serve_renderers`), and those it
lacks are dropped from ``allowed`` with a warning.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import replace

from rd.elements.column import _COLUMN_ATTRS, Column, Description, Values
from rd.elements.datalink import PROC_CHILDREN
from rd.elements.procs import ProcApp
from rd.meta import HasMeta, HasProperties, Meta, MetaItem, Property
from rd.structure import (
    Attr,
    Element,
    Opaque,
    element,
    one_of,
    parse_bool,
    parse_int,
    parse_list,
)
from rd.vocabulary import DACHS_CORES, DACHS_RENDERERS

__all__ = ["HasProperties", "Property"]  # also importable from here, as before


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
           "(buildFrom), or one of DR's kinds (cone, humanCone, siap, humanSiap, "
           "ssa).")
    attrs = (
        Attr("buildFrom", doc="the column the condition is on (numeric ranges like "
                              "10 .. 20 or >5, enumerations, text patterns)"),
        Attr("kind", one_of("column", "cone", "humanCone", "siap", "humanSiap", "ssa"),
             "column",
             doc="cone: RA/DEC/SR; humanCone: a position or object name and radius; "
                 "siap: SIA 1.0's POS/SIZE/INTERSECT/FORMAT; humanSiap: a position "
                 "or object name, size and intersection; ssa: SSA 1.1's POS, SIZE, "
                 "BAND, TIME, FORMAT, TARGETNAME, COLLECTION over //ssap#hcd"),
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


# What an outputField naming a column of the queried table may change about it.
OVERRIDABLE = ("unit", "ucd", "utype", "xtype", "description", "tablehead", "verbLevel",
               "displayHint", "note")


@element
class OutputField(Column):
    tag = "outputField"
    doc = ("A column of a service's output: a column of the queried table by name "
           "(what it gives here, e.g. tablehead, verbLevel, note, overrides the "
           "column's), or an SQL select.")
    attrs = tuple(replace(a, default=None) if a.name in OVERRIDABLE else a
                  for a in _COLUMN_ATTRS) + (
        Attr("select", doc="an SQL expression giving the value (default: the column)"),
    )

    def finish(self) -> None:
        self.given = {a.name for a in self.attrs
                      if a.name in OVERRIDABLE and getattr(self, a.py_name) is not None}
        for attr in self.attrs:  # the defaults of a column where nothing was given
            if attr.name in OVERRIDABLE and getattr(self, attr.py_name) is None:
                default = next(a.default for a in _COLUMN_ATTRS if a.name == attr.name)
                setattr(self, attr.py_name, default)
        super().finish()

    def overrides(self) -> dict[str, object]:
        """What this field sets for the table column it names (by py names)."""
        return {a.py_name: getattr(self, a.py_name) for a in self.attrs
                if a.name in self.given}


@element
class OutputTable(HasMeta):
    tag = "outputTable"
    doc = "The columns a service returns; notes (meta name=note) for its fields' note=."
    attrs = (
        Attr("autoCols", parse_list, (), doc="columns of the queried table to return"),
        Attr("verbLevel", parse_int, None, doc="return all columns up to this verbLevel"),
    )
    children = {"outputField": OutputField, "column": Column, "meta": Meta}

    @property
    def fields(self) -> list[Column]:
        return [c for c in self.child_elements if isinstance(c, Column)]

    @property
    def notes(self) -> dict[str, MetaItem]:
        return {item.attr("tag"): item for item in self.meta.get_all("note", inherit=False)}


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
class SSAPCore(Core):
    tag = "ssapCore"
    doc = ("A dbCore for Simple Spectral Access over a //ssap#hcd table: its "
           "condDescs come from //ssap#hcd_condDescs, the ssap.xml renderer answers.")


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


@element
class DatalinkCore(Core):
    tag = "datalinkCore"
    doc = ("Answers DataLink and SODA requests (dlmeta, dlget, dlasync) for the "
           "datasets its descriptorGenerator finds by ID; engine/datalink does the "
           "work of the //soda procedures it applies.")
    children = {"inputKey": InputKey, "property": Property, "meta": Meta,
                **PROC_CHILDREN}

    # Datalink code of the RD's own that DR cannot stand in for: a descriptor
    # generator decides which datasets an ID reaches, data functions and
    # formatters what a client gets.  Such a core's services are unavailable
    # (fail closed).  metaMakers of its own only add links to datasets already
    # found: DR runs them (rd/datalinkcode.py).
    DECIDING = ("descriptorGenerator", "dataFunction", "dataFormatter")

    def finish(self) -> None:
        Element.finish(self)
        self.unservable: str | None = None
        for app in self.child_elements:
            if app.tag in self.DECIDING and not getattr(app, "proc_def", None):
                self.unservable = self.unservable or (
                    f"DR does not run a <{app.tag}> of the RD's own code")
        # Its output is the links table, not columns of a queried table.
        self.add_child(OutputTable(self, self.pos))

    def procs(self, tag: str) -> list[Element]:
        """Its applications of one kind (``metaMaker``...), in RD order."""
        return [c for c in self.child_elements if c.tag == tag]


@element
class InputTable(HasMeta):
    tag = "inputTable"
    doc = "The parameters a core takes (a pythonCore's): its inputKeys."
    children = {"inputKey": InputKey, "meta": Meta}

    @property
    def input_keys(self) -> list[InputKey]:
        return list(self.children_of(InputKey))  # type: ignore[arg-type]


@element
class CoreProc(ProcApp):
    tag = "coreProc"
    doc = ("The code of a pythonCore: a function body that sees ``self`` (the core: "
           "its outputTable), ``inputTable`` (``args``: the parameters by name; "
           "``job`` in a UWS job), ``service`` and ``queryMeta``, and returns a "
           "(media type, bytes) pair, a table (rsc.TableForDef(self.outputTable, "
           "rows=...)) or None (results added to the job).")
    required_type = "coreProc"


@element
class PythonCore(Core):
    tag = "pythonCore"
    doc = ("A core computing its answer in Python (its coreProc) from the parameters "
           "of its inputTable; the renderers api (synchronous) and uws.xml (a UWS "
           "job per request) run it.")
    children = {"inputTable": InputTable, "outputTable": OutputTable,
                "coreProc": CoreProc, "property": Property}

    def finish(self) -> None:
        Element.finish(self)
        if self.core_proc is None:
            raise self.error("needs a coreProc (the code computing its answer)")

    @property
    def input_keys(self) -> list[InputKey]:
        table = next(self.children_of(InputTable), None)
        return table.input_keys if table is not None else []  # type: ignore[union-attr]

    @property
    def core_proc(self) -> CoreProc | None:
        return next(self.children_of(CoreProc), None)  # type: ignore[return-value]


class UnimplementedCore(Opaque):
    """A DaCHS core DR lacks: the service using it loads as unavailable."""


CORES: dict[str, type[Element]] = {"dbCore": DBCore, "scsCore": SCSCore,
                                   "ssapCore": SSAPCore,
                                   "fixedQueryCore": FixedQueryCore,
                                   "datalinkCore": DatalinkCore,
                                   "pythonCore": PythonCore}
CORES.update({tag: type(f"Unimplemented_{tag}", (UnimplementedCore,), {"tag": tag})
              for tag in sorted(DACHS_CORES) if tag not in CORES})


@element
class Publish(Element):
    tag = "publish"
    doc = "Lists a renderer of the service on the root page (local) and/or in the " \
          "registry (ivo_managed)."
    attrs = (
        Attr("render", required=True, doc="the renderer published"),
        Attr("sets", parse_list, ("local",), doc="local, ivo_managed"),
        Attr("service", doc="another service of the RD whose renderer this is (DaCHS: "
                            "a form published as this service's browser interface)"),
        Attr("auxiliary", parse_bool, False, doc="an auxiliary capability (DaCHS)"),
    )


@element
class Service(HasMeta, HasProperties):
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
        self.inline_core: Element | None = None
        # Why DR cannot serve this service yet (None: it can); see resolve_core.
        self.unavailable: str | None = None
        self.unserved: tuple[str, ...] = ()  # renderers of allowed DR lacks

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Core | UnimplementedCore):
            if self.inline_core is not None:
                raise child.error("a service takes one core")
            self.inline_core = child

    def finish(self) -> None:
        super().finish()
        if self.id is None:
            raise self.error("a service needs an id (its name in URLs)")
        unknown = [r for r in (*self.allowed, self.default_renderer)
                   if r and r not in DACHS_RENDERERS]
        if unknown:
            close = [m for r in unknown
                     for m in difflib.get_close_matches(r, DACHS_RENDERERS, 1)]
            raise self.error(f"renderer(s) {', '.join(unknown)} not known to DR or DaCHS",
                             hint=(f"did you mean {', '.join(close)}?" if close else
                                   f"DaCHS's renderers: {', '.join(sorted(DACHS_RENDERERS))}"))
        if self.default_renderer and self.default_renderer not in self.allowed:
            self.allowed += (self.default_renderer,)
        if self.inline_core is None and not self.core:
            raise self.error("needs a core (dbCore, scsCore, fixedQueryCore or core=)")
        if isinstance(self.inline_core, UnimplementedCore):
            self.mark_unavailable(f"DR does not implement <{self.inline_core.tag}> yet")
        elif getattr(self.inline_core, "unservable", None):
            self.mark_unavailable(self.inline_core.unservable)
        for pub in self.children_of(Publish):
            if pub.service:
                continue  # another service's renderer; checked by the resource
            if pub.render not in self.allowed:
                raise pub.error(f"publishes renderer {pub.render!r}, which the service "
                                "does not allow")

    def serve_renderers(self, served: Collection[str]) -> None:
        """Narrow ``allowed`` to the renderers of it the engine serves, ``served``.

        The engine calls this when it binds the service (and ``dr val`` as it
        would); the renderers dropped warn with file and line, and so do their
        publications; a service left with none is unavailable.  Calling it again
        changes nothing.
        """
        lacking = tuple(r for r in self.allowed if r not in served)
        if not lacking:
            return
        written = self.allowed
        self.unserved += lacking
        self.allowed = tuple(r for r in written if r in served)
        if self.allowed:
            self.warn(f"renderer(s) {', '.join(lacking)} not implemented by DR yet; "
                      f"served as {', '.join(self.allowed)} only")
        else:
            self.mark_unavailable(
                f"DR does not implement its renderer(s) {', '.join(written)} yet")
        if self.default_renderer in lacking:
            self.warn(f"default renderer {self.default_renderer!r} is not implemented by "
                      "DR yet; ignored")
            self.default_renderer = ""
        for pub in self.children_of(Publish):
            if not pub.service and pub.render in lacking:
                pub.warn(f"renderer {pub.render!r} is not implemented by DR yet; not "
                         "published")

    def mark_unavailable(self, reason: str) -> None:
        """Load the service, but as one DR cannot serve (the first reason counts)."""
        if self.unavailable is None:
            self.unavailable = reason
            self.warn(f"service {self.id!r} is unavailable: {reason}")

    @property
    def publications(self) -> list[Publish]:
        """What the service publishes (renderers DR lacks left out)."""
        return [p for p in self.children_of(Publish)  # type: ignore[misc]
                if p.render not in self.unserved]

    def resolve_core(self) -> Core:
        """The core; a core DR lacks marks the service unavailable and raises."""
        if self.inline_core is not None:
            found: Element | None = self.inline_core
        else:
            found = self.rd.by_id(self.core)
        if isinstance(found, UnimplementedCore):
            self.mark_unavailable(f"DR does not implement <{found.tag}> yet")
            raise self.error(self.unavailable or "")
        if getattr(found, "unservable", None):
            self.mark_unavailable(found.unservable)
            raise self.error(self.unavailable or "")
        if not isinstance(found, Core):
            raise self.error(f"{self.core!r} is not a core of this RD")
        return found

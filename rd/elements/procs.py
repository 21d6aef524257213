"""Procedures: ``procDef`` and its applications (``apply``, ``rowfilter``,
``sourceFields``), with ``setup``, ``par``, ``bind`` and ``code``; and ``macDef``.

A procDef is Python with parameters: ``<setup>`` declares ``<par>``s (a Python
expression as default; ``late`` ones are evaluated at each call, where the
row is visible) and setup ``<code>`` run once; the body ``<code>`` runs per
call.  An application names its procDef (``procDef="//procs#dictMap"``, an id
of this RD or ``otherrd#id``) and ``<bind>``s its pars; it may add setups and
replace the body.  rd/proccode.py compiles them when the RD loads.
"""

from __future__ import annotations

from rd.structure import Attr, Element, element, one_of, parse_bool

PROC_TYPES = ("apply", "rowfilter", "sourceFields", "phraseMaker", "descriptorGenerator",
              "metaMaker", "dataFunction", "dataFormatter", "iterator", "pargetter",
              "mixinProc", "regTest", "t_t")


@element
class Code(Element):
    tag = "code"
    doc = "Python statements (a function body)."
    text = "content"


class Parameter(Element):
    """Base of par and bind: a name and a Python expression as text."""

    attrs = (
        Attr("key", doc="the parameter's name"),
        Attr("name", doc="same as key (DaCHS alias)"),
        Attr("late", parse_bool, False, doc="evaluated at each call, where vars and "
                                            "the row are visible"),
        Attr("description", default="", doc="what the parameter is about"),
        Attr("alias", doc="a deprecated name of the parameter"),
    )
    text = "content"

    def finish(self) -> None:
        super().finish()
        self.key = self.key or self.name
        if not self.key or not self.key.isidentifier():
            raise self.error(f"needs key, a Python name (got {self.key!r})")
        content = (self.content or "").strip()
        self.expression: str | None = {"": None, "__EMPTY__": '""',
                                       "__NULL__": "None"}.get(content, content)


@element
class Par(Parameter):
    tag = "par"
    doc = ("A parameter of a procedure; the text is its default (a Python expression; "
           "empty: it must be bound, __NULL__: None, __EMPTY__: an empty string).")


@element
class Bind(Parameter):
    tag = "bind"
    doc = "Sets a parameter of the applied procDef to a Python expression (the text)."

    def finish(self) -> None:
        super().finish()
        if self.expression is None:
            raise self.error(f"binding of {self.key!r} is empty")


@element
class Setup(Element):
    tag = "setup"
    doc = ("The namespace a procedure runs in: pars, and code run once when the RD "
           "loads (its names are globals of the body).")
    attrs = (Attr("imports", default="", doc="comma-separated modules to import; a.b.c "
                                             "means from a.b import c"),)
    children = {"par": Par, "code": Code}

    @property
    def pars(self) -> list[Par]:
        return list(self.children_of(Par))  # type: ignore[arg-type]

    @property
    def codes(self) -> list[str]:
        return [c.content or "" for c in self.children_of(Code)]  # type: ignore[attr-defined]

    def import_lines(self) -> list[str]:
        lines = []
        for spec in (s.strip() for s in self.imports.split(",")):
            if spec:
                module, _, name = spec.rpartition(".")
                lines.append(f"from {module} import {name}" if module else f"import {spec}")
        return lines


class Procedure(Element):
    """Base of procDef and its applications: setups and a body."""

    attrs = (
        Attr("type", one_of(*PROC_TYPES), doc="what kind of procedure this is"),
        Attr("doc", default="", doc="documentation"),
        Attr("deprecated", doc="a deprecation message shown when it is used"),
        Attr("code", doc="the body (or a code child)"),
    )
    children = {"setup": Setup, "code": Code}

    @property
    def setups(self) -> list[Setup]:
        return list(self.children_of(Setup))  # type: ignore[arg-type]

    @property
    def body(self) -> str | None:
        bodies = [c.content for c in self.children_of(Code)]  # type: ignore[attr-defined]
        if self.code:
            bodies.insert(0, self.code)
        text = "\n".join(b for b in bodies if b and b.strip())
        return text or None


@element
class ProcDef(Procedure):
    tag = "procDef"
    doc = "A reusable procedure, applied by id (procDef=\"...\")."


class ProcApp(Procedure):
    """An application of a procedure: ``procDef`` reference, bindings, own setups."""

    required_type: str = ""
    attrs = Procedure.attrs + (
        Attr("name", doc="a name for messages"),
        Attr("procDef", doc="the procDef applied: an id, //procs#name or rd#id"),
    )
    children = {"setup": Setup, "code": Code, "bind": Bind}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        # Set by the reader: the ProcDef element procDef names; None if it is
        # DaCHS vocabulary DR lacks (then this application is skipped).
        self.definition: ProcDef | None = None
        self.unavailable = False

    @property
    def bindings(self) -> list[Bind]:
        return list(self.children_of(Bind))  # type: ignore[arg-type]

    def finish(self) -> None:
        super().finish()
        if not self.proc_def and self.body is None:
            raise self.error("needs a procDef or a <code> body")

    def label(self) -> str:
        return self.name or self.proc_def or self.tag


@element
class RowFilter(ProcApp):
    tag = "rowfilter"
    doc = ("Python run on each row a grammar yields, before the rowmakers: the body "
           "sees row (a dict) and yields the rows to pass on (none, one or several).")
    required_type = "rowfilter"


@element
class SourceFields(ProcApp):
    tag = "sourceFields"
    doc = ("Python run once per source file; it sees sourceToken (the file's path) and "
           "returns a dict whose items are added to every row of that source.")
    required_type = "sourceFields"


@element
class MacDef(Element):
    tag = "macDef"
    doc = "Defines the macro \\name, expanding to the (expanded) text, for the rest of the RD."
    attrs = (Attr("name", required=True, doc="the macro's name (two characters or more)"),)
    text = "content"

    def finish(self) -> None:
        super().finish()
        if len(self.name) < 2 or not self.name.isidentifier():
            raise self.error(f"macro name {self.name!r} must be a name of two or more "
                             "characters")

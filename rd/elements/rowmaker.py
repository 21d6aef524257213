"""Rowmakers: how grammar fields become table columns (idmaps, map, var, apply, ignoreOn)."""

from __future__ import annotations

from rd.elements.column import split_column_name
from rd.elements.procs import ProcApp
from rd.structure import Attr, Element, element, parse_bool, parse_list


class Trigger(Element):
    """Base of the row triggers inside ``ignoreOn``."""

    def condition(self) -> str:
        raise NotImplementedError


@element
class KeyIs(Trigger):
    tag = "keyIs"
    doc = "Fires when the field ``key`` has the string value ``value``."
    attrs = (Attr("key", required=True, doc="a grammar field"),
             Attr("value", default="", doc="the value compared with"))

    def condition(self) -> str:
        return f"(vars.get({self.key!r}) == {self.value!r})"


@element
class KeyMissing(Trigger):
    tag = "keyMissing"
    doc = "Fires when the field ``key`` is absent or NULL."
    attrs = (Attr("key", required=True, doc="a grammar field"),)

    def condition(self) -> str:
        return f"(vars.get({self.key!r}) is None)"


@element
class KeyNull(KeyMissing):
    tag = "keyNull"
    doc = "Fires when the field ``key`` is NULL."


@element
class KeyPresent(Trigger):
    tag = "keyPresent"
    doc = "Fires when the field ``key`` has a non-NULL value."
    attrs = (Attr("key", required=True, doc="a grammar field"),)

    def condition(self) -> str:
        return f"(vars.get({self.key!r}) is not None)"


class Combinator(Trigger):
    children: dict = {}

    def triggers(self) -> list[Trigger]:
        return [c for c in self.child_elements if isinstance(c, Trigger)]

    def finish(self) -> None:
        super().finish()
        if not self.triggers():
            raise self.error("needs at least one trigger (keyIs, keyMissing, ...)")


@element
class AndTrigger(Combinator):
    tag = "and"
    doc = "Fires when all contained triggers fire."

    def condition(self) -> str:
        return "(" + " and ".join(t.condition() for t in self.triggers()) + ")"


@element
class NotTrigger(Combinator):
    tag = "not"
    doc = "Fires when none of the contained triggers fires."

    def condition(self) -> str:
        return "(not (" + " or ".join(t.condition() for t in self.triggers()) + "))"


TRIGGERS = {"keyIs": KeyIs, "keyMissing": KeyMissing, "keyNull": KeyNull,
            "keyPresent": KeyPresent, "and": AndTrigger, "not": NotTrigger}
AndTrigger.children = NotTrigger.children = dict(TRIGGERS)


@element
class IgnoreOn(Combinator):
    tag = "ignoreOn"
    doc = "Rows for which any contained trigger fires are skipped (counted as ignored)."
    attrs = (Attr("bail", parse_bool, False,
                  doc="stop the import with an error instead of skipping"),)
    children = dict(TRIGGERS)

    def condition(self) -> str:
        return "(" + " or ".join(t.condition() for t in self.triggers()) + ")"


_MAPPING_ATTRS = (
    Attr("key", doc="the destination (a column for map, quoted/B-V for a delimited "
                    "name; a variable for var)"),
    Attr("dest", doc="same as key (DaCHS alias)"),
    Attr("name", doc="same as key (DaCHS alias)"),
    Attr("source", doc="the grammar field (or var) to copy"),
    Attr("src", doc="same as source (DaCHS alias)"),
    Attr("nullExpr", doc="a Python expression; a value equal to it is NULL"),
    Attr("nullExcs", parse_list, (), doc="exception names turning into NULL"),
)


class MappingRule(Element):
    """Base of map and var: ``key`` set from ``source`` or a Python expression."""

    attrs = _MAPPING_ATTRS
    text = "code"

    def finish(self) -> None:
        super().finish()
        self.key = self.key or self.dest or self.name
        self.source = self.source or self.src
        if not self.key:
            raise self.error("needs key (what it sets)")
        code = self.code if self.code and self.code.strip() else None
        if code and self.source:
            raise self.error("has both source and an expression; give one")
        if not code and not self.source:  # the field of the column's (bare) name
            self.source = split_column_name(self.key)[0]
        self.code = code


@element
class Map(MappingRule):
    tag = "map"
    doc = ("Sets column ``key`` from the field ``source`` or from the Python expression "
           "in the text, where @name is the grammar field or var name.")


@element
class Var(MappingRule):
    tag = "var"
    doc = ("Computes an intermediate value @key for later maps and applies, from a "
           "Python expression or a field (source).")


@element
class Apply(ProcApp):
    tag = "apply"
    doc = ("Runs Python statements for each row; they see ``vars`` (fields and vars) and "
           "``result`` (the columns made so far) and may change both.  procDef names a "
           "procedure to apply (e.g. //procs#dictMap) whose pars bind sets.")
    required_type = "apply"
    text = "inline_code"

    @property
    def body(self) -> str | None:
        own = super().body
        inline = self.inline_code if self.inline_code and self.inline_code.strip() else None
        return "\n".join(b for b in (own, inline) if b) or None


@element
class Rowmaker(Element):
    tag = "rowmaker"
    doc = "Maps the fields of a grammar's rows to the columns of a table."
    attrs = (
        Attr("idmaps", parse_list, (), doc="columns (globs allowed, * for all) filled "
                                           "from the field of the same name"),
        Attr("simplemaps", parse_list, (), doc="col:field pairs"),
    )
    children = {"map": Map, "var": Var, "apply": Apply, "ignoreOn": IgnoreOn}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.maps: list[Map] = []
        self.vars: list[Var] = []
        self.applies: list[Apply] = []
        self.ignore_on: list[IgnoreOn] = []

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        for cls, target in ((Map, self.maps), (Var, self.vars), (Apply, self.applies),
                            (IgnoreOn, self.ignore_on)):
            if isinstance(child, cls):
                target.append(child)

    def finish(self) -> None:
        super().finish()
        self.simple_pairs  # noqa: B018 -- reports a malformed simplemaps now

    @property
    def simple_pairs(self) -> tuple[tuple[str, str], ...]:
        """(column, field) pairs of simplemaps (``col:@field`` is DaCHS for col:field)."""
        pairs = []
        for item in self.simplemaps:
            col, sep, field = item.partition(":")
            if not sep or not col.strip() or not field.strip():
                raise self.error(f"simplemaps item {item!r} is not column:field")
            pairs.append((col.strip(), field.strip().lstrip("@")))
        return tuple(pairs)

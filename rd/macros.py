"""DaCHS's backslash macros: reading ``\\name{arg}…`` in RD text and what each expands to.

The syntax is DaCHS's: a macro is a backslash, a name of at least two
characters and any number of ``{arguments}`` (macros inside arguments expand
first; ``\\{`` and ``\\}`` are literal braces there); ``\\\\`` is a literal
backslash, ``\\+`` glues text together and a backslash before a line end
becomes a blank.

Three kinds of macros exist.  Most expand to text when the RD is read
(``\\schema``, ``\\getConfig{web}{serverURL}``, ``\\metaString{title}``…).
Inside tables, table macros name the table and its columns (``\\qName``,
``\\nameForUCD{…}``).  Inside rowmakers and grammars, source macros expand to
Python code evaluated per source file while importing (``\\inputRelativePath``
becomes ``_source_.input_relative_path(True)``; see rd/importing.py).  A macro
DR does not know, or cannot expand here, is left as written and reported
through the scope's ``warn``.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rd import site
from rd.site import Site

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z_0-9]+")

# Longer expansions are refused: macDefs expanding each other ten times over
# would otherwise grow like the "billion laughs" (ten levels, 10^10 characters).
MAX_EXPANSION = 1_000_000


class MacroFailure(Exception):
    """A known macro cannot expand here (bad arguments, missing meta...)."""


Lookup = Callable[[str, list[str]], "str | None"]


def expand(text: str, lookup: Lookup) -> str:
    """``text`` with its macros replaced; ``lookup`` returns None for unknown names."""
    if "\\" not in text:
        return text
    out, _ = _expand(text, 0, lookup, in_argument=False)
    return out


def _expand(text: str, i: int, lookup: Lookup, in_argument: bool) -> tuple[str, int]:
    out: list[str] = []
    size = 0  # of the expansions in ``out``
    n = len(text)
    while i < n:
        j = text.find("\\", i)
        if in_argument:
            k = text.find("}", i)
            if k >= 0 and (j < 0 or k < j):
                out.append(text[i:k])
                return "".join(out), k + 1
        if j < 0:
            out.append(text[i:])
            return "".join(out), n
        out.append(text[i:j])
        nxt = text[j + 1:j + 2]
        if nxt == "\\":
            out.append("\\")
            i = j + 2
        elif nxt == "+":
            i = j + 2
        elif nxt == "\n":
            out.append(" ")
            i = j + 2
        elif in_argument and nxt in "{}":
            out.append(nxt)
            i = j + 2
        else:
            match = NAME_RE.match(text, j + 1)
            if match is None:
                out.append("\\")
                i = j + 1
                continue
            k = match.end()
            args = []
            while k < n and text[k] == "{":
                arg, k = _expand(text, k + 1, lookup, in_argument=True)
                args.append(arg)
            expansion = lookup(match.group(), args)
            out.append(text[j:k] if expansion is None else expansion)
            size += len(out[-1])
            if size > MAX_EXPANSION:
                raise MacroFailure(f"macros expand to more than {MAX_EXPANSION:,} "
                                   "characters")
            i = k
    if in_argument:
        raise MacroFailure("a macro argument lacks its closing }")
    return "".join(out), i


# -- what DaCHS 2.7 defines (its reference, "Predefined Macros") ------------------

TEXT_MACROS = frozenset("""
    RSTcc0 RSTccby RSTccbysa RSTservicelink RSTtable decapitalize getConfig
    internallink lower magicEmpty metaSeq metaString quote rdId rdIdDotted reSub
    resdir schema sql_standardPubDID sqlquote test today upper urlquote now
""".split())
TABLE_MACROS = frozenset("colNames curtable getParam nameForUCD nameForUCDs qName "
                         "tablename".split())
SOURCE_MACROS = frozenset("""
    dlMetaURI docField fullDLURL fullPath inputRelativePath inputSize
    lastSourceElements property rootlessPath rowsMade rowsProcessed sourceCDate
    sourceDate splitPreviewPath srcstem standardPreviewPath standardPubDID
""".split())
SERVICE_MACROS = frozenset({"tablesForTAP"})
ALL_MACROS = TEXT_MACROS | TABLE_MACROS | SOURCE_MACROS | SERVICE_MACROS

_LICENCES = {
    "RSTcc0": ("{} is dedicated to the public domain under `CC0 1.0 "
               "<https://creativecommons.org/publicdomain/zero/1.0/>`_."),
    "RSTccby": ("{} is licensed under the `Creative Commons Attribution 4.0 licence "
                "<https://creativecommons.org/licenses/by/4.0/>`_."),
    "RSTccbysa": ("{} is licensed under the `Creative Commons Attribution-ShareAlike 4.0 "
                  "licence <https://creativecommons.org/licenses/by-sa/4.0/>`_."),
}


def _boolean_literal(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1", "on"):
        return True
    if lowered in ("false", "no", "0", "off"):
        return False
    raise MacroFailure(f"{text!r} is not a boolean")


@dataclass
class Scope:
    """What macros expand to at one place of an RD.

    ``element`` is the element whose text is expanded (its ancestors give the
    table and meta context); ``params`` are the FEED/LOOP parameters and the
    RD's macDefs in force; ``code`` says whether source macros may expand here
    (rowmakers, grammars, procedures applied there).
    """

    rd: Any
    element: Any
    site: Site
    params: Mapping[str, str] = field(default_factory=dict)
    code: bool = False
    inputs_relative_resdir: str = ""

    def lookup(self, name: str, args: list[str]) -> str | None:
        if name in self.params:
            return self.params[name]
        method = getattr(self, f"macro_{name}", None)
        if method is None:
            if name in SOURCE_MACROS and not self.code:
                raise MacroFailure("is only available in rowmakers and grammars")
            if name in ALL_MACROS:
                raise MacroFailure("is DaCHS vocabulary DR does not expand yet")
            return None
        if name in SOURCE_MACROS and not self.code:
            raise MacroFailure("is only available in rowmakers and grammars")
        try:
            return method(*args)
        except TypeError:
            raise MacroFailure(f"takes different arguments (got {len(args)})") from None

    # -- helpers ---------------------------------------------------------------

    def _ancestor(self, tag: str) -> Any:
        node = self.element
        while node is not None:
            if getattr(node, "tag", None) == tag:
                return node
            node = getattr(node, "parent", None)
        raise MacroFailure(f"needs an enclosing <{tag}>")

    def _meta_items(self, key: str) -> list[Any]:
        node = self.element
        while node is not None:
            store = getattr(node, "meta", None)
            if store is not None and hasattr(store, "get_all"):
                return store.get_all(key)
            node = getattr(node, "parent", None)
        return []

    def _service_url(self, service_id: str, renderer: str) -> str:
        return self.site.url(f"{self.rd.rd_id}/{service_id}/{renderer}")

    # -- text macros -------------------------------------------------------------

    def macro_schema(self) -> str:
        return self.rd.schema or ""

    def macro_rdId(self) -> str:
        return self.rd.rd_id

    def macro_rdIdDotted(self) -> str:
        return self.rd.rd_id.replace("/", ".")

    def macro_resdir(self) -> str:
        return self.inputs_relative_resdir.rstrip("/")

    def macro_getConfig(self, section: str, key: str | None = None) -> str:
        if key is None:
            section, key = "general", section
        value = self.site.get(section, key)
        if value is None:
            raise MacroFailure(f"DR has no configuration item [{section}] {key}")
        return value

    def macro_internallink(self, rel_path: str) -> str:
        return self.site.url(rel_path)

    def macro_RSTservicelink(self, service_id: str, title: str | None = None) -> str:
        return f"`{title or service_id} </{service_id.lstrip('/')}>`_"

    def macro_RSTtable(self, table_name: str) -> str:
        return f"`{table_name} </tableinfo/{table_name}>`_"

    def macro_metaString(self, key: str, default: str | None = None) -> str:
        items = self._meta_items(key)
        if not items:
            if default is not None:
                return default
            raise MacroFailure(f"no meta item {key!r} is defined here (yet)")
        if len(items) > 1:
            raise MacroFailure(f"meta item {key!r} has several values (use metaSeq)")
        return items[0].value.replace("\n", " ")

    def macro_metaSeq(self, key: str, default: str = "", joiner: str = ", ") -> str:
        items = self._meta_items(key)
        return joiner.join(i.value for i in items) if items else default

    def macro_sqlquote(self, arg: str) -> str:
        return "NULL" if arg in (None, "NULL") else "'{}'".format(arg.replace("'", "''"))

    def macro_quote(self, arg: str) -> str:
        return '"{}"'.format(arg.replace('"', '\\"'))

    def macro_sql_standardPubDID(self, column: str = "accref") -> str:
        return "'ivo://{}/~?' || {}".format(self.site.authority.replace("'", "''"), column)

    def macro_reSub(self, pattern: str, replacement: str, text: str) -> str:
        try:
            return re.sub(pattern, replacement, text)
        except re.error as exc:
            raise MacroFailure(f"bad regular expression: {exc}") from None

    def macro_upper(self, text: str) -> str:
        return text.upper()

    def macro_lower(self, text: str) -> str:
        return text.lower()

    def macro_decapitalize(self, text: str) -> str:
        return text[:1].lower() + text[1:]

    def macro_urlquote(self, text: str) -> str:
        return urllib.parse.quote(text)

    def macro_magicEmpty(self, value: str) -> str:
        return value or "__EMPTY__"

    def macro_test(self, *args: str) -> str:
        return "test macro expansion"

    def macro_today(self) -> str:
        return datetime.date.today().isoformat()

    def macro_now(self) -> str:
        # DaCHS's RD templates (dachs start) use \now for creationDate.
        return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _licence(self, which: str, what: str) -> str:
        return _LICENCES[which].format(what)

    def macro_RSTcc0(self, what: str) -> str:
        return self._licence("RSTcc0", what)

    def macro_RSTccby(self, what: str) -> str:
        return self._licence("RSTccby", what)

    def macro_RSTccbysa(self, what: str) -> str:
        return self._licence("RSTccbysa", what)

    # -- table macros (column names as SQL writes them) ---------------------------

    def macro_qName(self) -> str:
        if self.code and _is_under(self.element, ("rowmaker", "apply")):
            return "_table_qname_"
        return f"{self.rd.schema}.{self._ancestor('table').id}"

    def macro_curtable(self) -> str:
        return self.macro_qName()

    def macro_tablename(self) -> str:
        return self._ancestor("table").id

    def macro_colNames(self) -> str:
        return ", ".join(sql_name(c) for c in self._ancestor("table").columns)

    def macro_nameForUCD(self, ucd: str) -> str:
        return self.macro_nameForUCDs(ucd)

    def macro_nameForUCDs(self, ucds: str) -> str:
        wanted = {u.strip().lower() for u in ucds.split("|")}
        table = self._ancestor("table")
        found = [sql_name(c) for c in table.columns if c.ucd.lower() in wanted]
        if len(found) != 1:
            raise MacroFailure(f"table {table.id!r} has {len(found)} columns with "
                               f"UCD {ucds!r} (needs exactly one)")
        return found[0]

    def macro_getParam(self, name: str, default: str = "") -> str:
        for param in self._ancestor("table").params:
            if param.name == name:
                value = (param.content or "").strip()
                return value if value else (default or "NULL")
        return default

    # -- source macros (Python code, per source file) -----------------------------

    def macro_fullPath(self) -> str:
        return "_source_.full_path()"

    def macro_inputRelativePath(self, liberal: str = "True") -> str:
        return f"_source_.input_relative_path({_boolean_literal(liberal)})"

    def macro_rootlessPath(self) -> str:
        return "_source_.rootless_path()"

    def macro_srcstem(self) -> str:
        return "_source_.stem()"

    def macro_inputSize(self) -> str:
        return "_source_.size()"

    def macro_sourceDate(self) -> str:
        return "_source_.date()"

    def macro_sourceCDate(self) -> str:
        return "_source_.cdate()"

    def macro_lastSourceElements(self, count: str) -> str:
        try:
            return f"_source_.last_elements({int(count)})"
        except ValueError:
            raise MacroFailure(f"{count!r} is not a number") from None

    def macro_standardPubDID(self) -> str:
        return "_source_.standard_pubdid(vars)"

    def macro_dlMetaURI(self, service_id: str) -> str:
        return (f"'{self._service_url(service_id, 'dlmeta')}?ID=' + "
                "urllib.parse.quote(_source_.standard_pubdid(vars))")

    def macro_fullDLURL(self, service_id: str) -> str:
        return (f"'{self._service_url(service_id, 'dlget')}?ID=' + "
                "urllib.parse.quote(_source_.standard_pubdid(vars))")


CODE_TAGS = ("rowmaker", "rowfilter", "sourceFields", "iterator", "pargetter")


def in_code_context(element: Any) -> bool:
    """Whether source macros expand at ``element``: inside rowmakers and grammars."""
    node = element
    while node is not None:
        tag = getattr(node, "tag", None) or ""
        if tag in CODE_TAGS or tag.endswith("Grammar"):
            return True
        node = getattr(node, "parent", None)
    return False


def expand_in(text: str, scope: Scope, warn: Callable[[str], None]) -> str:
    """``text`` expanded in ``scope``; what does not expand is left and reported."""
    def lookup(name: str, args: list[str]) -> str | None:
        try:
            result = scope.lookup(name, args)
        except MacroFailure as exc:
            warn(f"macro \\{name} {exc}; left as written")
            return None
        if result is None:
            warn(f"unknown macro \\{name}; left as written")
        return result

    try:
        return expand(text, lookup)
    except MacroFailure as exc:
        warn(f"{exc}; macros left as written")
        return text


def expand_at(element: Any, text: str) -> str:
    """``text`` expanded where ``element`` is, after the RD was read (procDef code).

    Warnings go to the RD's warnings, naming the element's file and line.
    """
    rd = element.rd
    scope = Scope(rd, element, site.current(), params=getattr(rd, "macro_defs", {}),
                  code=in_code_context(element),
                  inputs_relative_resdir=inputs_relative_resdir(rd))

    def warn(message: str) -> None:
        rd.warnings.append(f"{element.pos}: <{element.tag}> {message}")

    return expand_in(text, scope, warn)


def inputs_relative_resdir(rd: Any) -> str:
    inputs_dir = getattr(rd, "inputs_dir", None)
    try:
        return rd.resdir_path.relative_to(inputs_dir.resolve()).as_posix()
    except (AttributeError, ValueError):
        return rd.rd_id.rpartition("/")[0]


def _is_under(element: Any, tags: tuple[str, ...]) -> bool:
    node = element
    while node is not None:
        if getattr(node, "tag", None) in tags:
            return True
        node = getattr(node, "parent", None)
    return False


def sql_name(column: Any) -> str:
    """A column's name as SQL must write it: delimited columns (quoted/B-V) in double
    quotes, exactly as named; regular ones as they are."""
    if getattr(column, "quoted", False):
        return '"' + column.name.replace('"', '""') + '"'
    return column.name

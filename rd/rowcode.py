"""Compiling a rowmaker into one Python function, once, when the RD loads.

The function takes ``vars`` (a dict of one row's grammar fields) and returns
the tuple of column values, or None when an ``ignoreOn`` trigger fires.
Every expression sits on known lines of the generated source, so an error
raised while making a row is attributed to the RD element that caused it.
"""

from __future__ import annotations

import fnmatch
import io
import re
import textwrap
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from rd import rmkfuncs
from rd.elements.rowmaker import Apply, IgnoreOn, Map, Rowmaker, Var
from rd.elements.table import Table
from rd.errors import RDError
from rd.structure import Element

_RESULT_KEY_RE = re.compile(r"""result\s*\[\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\1\s*\]""")


def replace_at_names(code: str, at: Element) -> str:
    """Turn ``@name`` into ``vars["name"]`` outside strings and comments."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError) as exc:
        raise at.error(f"cannot read the Python code: {exc}") from None
    lines = code.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []
    for first, second in zip(tokens, tokens[1:]):
        if (first.type == tokenize.OP and first.string == "@"
                and second.type == tokenize.NAME and first.end == second.start):
            row, col = first.start
            edits.append((row, col, second.end[1], f'vars["{second.string}"]'))
    for row, start, end, text in reversed(edits):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + text + line[end:]
    return "".join(lines)


@dataclass
class CompiledRowmaker:
    """A rowmaker bound to its table: output columns and the per-row function."""

    columns: tuple[str, ...]
    function: Callable[[dict[str, Any]], tuple | None]
    # column -> field when every column is a plain copy of a field, else None:
    # the engine may then skip per-row Python entirely.
    plain_copy: dict[str, str] | None
    # field names the rowmaker reads explicitly (idmaps by name, sources)
    required_fields: frozenset[str]
    spans: list[tuple[int, int, Element]] = field(default_factory=list)
    filename: str = ""

    def element_for(self, tb: TracebackType | None) -> Element | None:
        """The RD element whose code raised, from a traceback through our function."""
        lineno = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.filename:
                lineno = tb.tb_lineno
            tb = tb.tb_next
        if lineno is None:
            return None
        for start, end, elem in self.spans:
            if start <= lineno <= end:
                return elem
        return None


class _Source:
    """Accumulates generated lines and which RD element each block came from."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.spans: list[tuple[int, int, Element]] = []

    def add(self, text: str, elem: Element | None = None, indent: int = 1) -> None:
        start = len(self.lines) + 1
        for line in text.splitlines() or [""]:
            self.lines.append("    " * indent + line)
        if elem is not None:
            self.spans.append((start, len(self.lines), elem))


def _leading_lines(raw: str) -> int:
    """How many lines of ``raw`` precede its first non-blank one."""
    stripped = raw.lstrip()
    return raw[:len(raw) - len(stripped)].count("\n")


def _syntax_error(exc: SyntaxError, raw: str, at: Element, what: str) -> RDError:
    line = (at.pos.line or 0) + _leading_lines(raw) + (exc.lineno or 1) - 1
    return RDError(f"Python syntax error in the {what}: {exc.msg}", path=at.pos.path,
                   line=line, element=at.tag)


def _expression(raw: str, at: Element) -> str:
    code = replace_at_names(textwrap.dedent(raw).strip(), at)
    try:
        compile(code, str(at.pos), "eval")
    except SyntaxError as exc:
        raise _syntax_error(exc, raw, at, "expression") from None
    return f"(\n{code}\n)"


def _statements(raw: str, at: Element) -> str:
    code = replace_at_names(textwrap.dedent(raw).strip("\n"), at)
    try:
        compile(code, str(at.pos), "exec")
    except SyntaxError as exc:
        raise _syntax_error(exc, raw, at, "code") from None
    return code


def _value_code(elem: Map | Var, consts: dict[str, Any]) -> str:
    value = (_expression(elem.code, elem) if elem.code
             else f"vars.get({elem.source!r})")
    if elem.null_excs:
        names = ", ".join(elem.null_excs)
        value = f"_guard(lambda: {value}, ({names},))"
    if elem.null_expr is not None:
        const = f"_null{len(consts)}"
        try:
            consts[const] = eval(elem.null_expr, rmkfuncs.namespace())  # noqa: S307
        except Exception as exc:
            raise elem.error(f"nullExpr {elem.null_expr!r} cannot be evaluated: {exc}"
                             ) from None
        value = f"_nullify({value}, {const})"
    return value


def _guard(thunk: Callable[[], Any], excs: tuple[type[BaseException], ...]) -> Any:
    try:
        return thunk()
    except excs:
        return None


def _nullify(value: Any, null: Any) -> Any:
    return None if value == null else value


def compile_rowmaker(rowmaker: Rowmaker, table: Table,
                     extra_ignore: Sequence[IgnoreOn] = ()) -> CompiledRowmaker:
    """Bind ``rowmaker`` to ``table`` and compile it (raises RDError, located).

    ``extra_ignore`` are the grammar's ignoreOn triggers, checked first.
    """
    column_names = [c.name for c in table.columns]
    assignments: dict[str, tuple[str, Element | None]] = {}
    plain: dict[str, str] = {}
    required: set[str] = set()

    for pattern in rowmaker.idmaps:
        matched = [n for n in column_names if fnmatch.fnmatch(n.lower(), pattern.lower())]
        if not matched:
            raise rowmaker.error(f"idmaps {pattern!r} matches no column of table "
                                 f"{table.id!r}")
        for name in matched:
            assignments[name] = (f"vars.get({name!r})", None)
            plain[name] = name
            if not any(ch in pattern for ch in "*?["):
                required.add(name)
    for col, src in rowmaker.simple_pairs:
        assignments[_column(table, col, rowmaker)] = (f"vars.get({src!r})", None)
        plain[_column(table, col, rowmaker)] = src
        required.add(src)

    consts: dict[str, Any] = {}
    src = _Source()
    src.add("def __rowmaker(vars):", indent=0)
    for trigger in [*extra_ignore, *rowmaker.ignore_on]:
        src.add(f"if {trigger.condition()}:\n    return None", trigger)
    for var in rowmaker.vars:
        src.add(f"vars[{var.key!r}] = {_value_code(var, consts)}", var)
        if var.source:
            required.add(var.source)
    applies: list[Apply] = rowmaker.applies
    if applies:
        src.add("result = {}")
        for apply in applies:
            if apply.code is None:
                raise apply.error(f"procDef {apply.proc_def!r} is not known to DR yet")
            src.add(_statements(apply.code, apply), apply)
            for match in _RESULT_KEY_RE.finditer(apply.code):
                name = _column(table, match.group(2), apply)
                assignments.setdefault(name, (f"result.get({name!r})", None))
    for m in rowmaker.maps:
        name = _column(table, m.key, m)
        assignments[name] = (_value_code(m, consts), m)
        if m.source:
            required.add(m.source)
        if m.code or m.null_expr is not None or m.null_excs:
            plain.pop(name, None)
        else:
            plain[name] = m.source

    for col in table.columns:
        if col.required and col.name not in assignments:
            raise rowmaker.error(f"column {col.name!r} of table {table.id!r} is required, "
                                 "but this rowmaker never sets it")

    columns = tuple(assignments)
    if applies:
        for name, (code, elem) in assignments.items():
            if not code.startswith("result.get("):
                src.add(f"result[{name!r}] = {code}", elem)
        src.add("return (" + "".join(f"result.get({n!r}), " for n in columns) + ")")
    else:
        src.add("return (")
        for code, elem in assignments.values():
            src.add(f"{code},", elem, indent=2)
        src.add(")")

    filename = f"<rowmaker {rowmaker.pos}>"
    namespace = rmkfuncs.namespace()
    namespace.update(consts, _guard=_guard, _nullify=_nullify)
    exec(compile("\n".join(src.lines), filename, "exec"), namespace)  # noqa: S102
    is_plain = (not rowmaker.vars and not applies and not rowmaker.ignore_on
                and not extra_ignore
                and set(plain) == set(columns))
    return CompiledRowmaker(columns, namespace["__rowmaker"], plain if is_plain else None,
                            frozenset(required), src.spans, filename)


def _column(table: Table, name: str, at: Element) -> str:
    col = table.column(name)
    if col is None:
        raise at.error(f"table {table.id!r} has no column {name!r}")
    return col.name




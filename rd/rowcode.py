"""Compiling a rowmaker into one Python function, once, when the RD loads.

The function takes ``vars`` (a dict of one row's grammar fields) and returns
the tuple of column values, or None when an ``ignoreOn`` trigger fires.
Every expression sits on known lines of the generated source, so an error
raised while making a row is attributed to the RD element that caused it.
"""

from __future__ import annotations

import fnmatch
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from rd import rmkfuncs
from rd.elements.column import split_column_name
from rd.elements.procs import RowFilter, SourceFields
from rd.elements.rowmaker import IgnoreOn, Map, Rowmaker, Var
from rd.elements.table import Table
from rd.errors import DRError, RDError
from rd.importing import ROW_ITER, ProcError
from rd.macros import expand_at
from rd.proccode import RDView, compile_app, replace_at_names
from rd.structure import Element


@dataclass
class CompiledRowmaker:
    """A rowmaker bound to its table: output columns and the per-row function."""

    columns: tuple[str, ...]  # the table's column names (``B-V`` for quoted/B-V)
    function: Callable[[dict[str, Any]], tuple | None]
    # column -> field when every column is a plain copy of a field, else None:
    # the engine may then skip per-row Python entirely.
    plain_copy: dict[str, str] | None
    # field names the rowmaker reads explicitly (idmaps by name, sources)
    required_fields: frozenset[str]
    spans: list[tuple[int, int, Element]] = field(default_factory=list)
    filename: str = ""
    # code filenames of the compiled applies -> their elements
    procs: dict[str, Element] = field(default_factory=dict)
    # column name -> its name in the database (what COPY lists)
    sql_names: dict[str, str] = field(default_factory=dict)

    @property
    def sql_columns(self) -> tuple[str, ...]:
        """The SQL names of ``columns``, in order."""
        return tuple(self.sql_names.get(name, name) for name in self.columns)

    def element_for(self, tb: TracebackType | None) -> Element | None:
        """The RD element whose code raised, from a traceback through our function."""
        lineno, proc = None, None
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename == self.filename:
                lineno = tb.tb_lineno
            elif filename in self.procs:
                proc = self.procs[filename]
            tb = tb.tb_next
        if proc is not None:
            return proc
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
    assignments: dict[str, tuple[str, Element | None]] = {}
    plain: dict[str, str] = {}
    required: set[str] = set()

    for pattern in rowmaker.idmaps:
        matched = _idmapped(table, pattern)
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
    src.add("result = {}")
    for trigger in [*extra_ignore, *rowmaker.ignore_on]:
        src.add(f"if {trigger.condition()}:\n    return None", trigger)
    for var in rowmaker.vars:
        src.add(f"vars[{var.key!r}] = {_value_code(var, consts)}", var)
        if var.source:
            required.add(var.source)
    rd = rowmaker.rd
    extra = {"targetTable": table, "rd": RDView(rd, getattr(rd, "inputs_dir", None)),
             "_table_qname_": table.qualified_name}
    procs: dict[str, Element] = {}
    applies = []
    for apply in rowmaker.applies:
        compiled = compile_app(apply, extra, expand_at)
        if compiled is None:
            continue  # DaCHS vocabulary DR lacks; the reader warned
        name = f"_apply{len(applies)}"
        consts[name] = compiled.function
        procs[compiled.filename] = apply
        applies.append(apply)
        src.add(f"{name}(vars, result)", apply)
    for m in rowmaker.maps:
        name = _column(table, m.key, m)
        assignments[name] = (_value_code(m, consts), m)
        if m.source:
            required.add(m.source)
        if m.code or m.null_expr is not None or m.null_excs:
            plain.pop(name, None)
        else:
            plain[name] = m.source
    _map_product_keys(rowmaker, table, assignments, plain)

    for col in table.columns:
        if col.required and col.name not in assignments and not applies:
            raise rowmaker.error(f"column {col.name!r} of table {table.id!r} is required, "
                                 "but this rowmaker never sets it")

    columns = tuple(assignments)
    if applies:
        # applies may set any column in result, as in DaCHS: every column is made
        columns = tuple(c.name for c in table.columns)
        for name, (code, elem) in assignments.items():
            src.add(f"result[{name!r}] = {code}", elem)
        src.add("return (" + "".join(f"result.get({n!r}), " for n in columns) + ")")
    else:
        src.add("return (")
        for code, elem in assignments.values():
            src.add(f"{code},", elem, indent=2)
        src.add(")")

    filename = f"<rowmaker {rowmaker.pos}>"
    namespace = rmkfuncs.namespace()
    namespace.update(consts, _guard=_guard, _nullify=_nullify,
                     _table_qname_=table.qualified_name)
    exec(compile("\n".join(src.lines), filename, "exec"), namespace)  # noqa: S102
    is_plain = (not rowmaker.vars and not applies and not rowmaker.ignore_on
                and not extra_ignore
                and set(plain) == set(columns))
    return CompiledRowmaker(columns, namespace["__rowmaker"], plain if is_plain else None,
                            frozenset(required), src.spans, filename, procs,
                            {c.name: c.sql_name for c in table.columns})


def _map_product_keys(rowmaker: Rowmaker, table: Table,
                      assignments: dict[str, tuple[str, Element | None]],
                      plain: dict[str, str]) -> None:
    """The columns of //products#table (a ``productKey`` property) take the key
    //products#define put in the row, unless a map, simplemaps or an idmaps naming
    the column sets them: DaCHS adds such maps to the rowmakers of product tables."""
    explicit = {_column(table, m.key, m) for m in rowmaker.maps}
    explicit |= {_column(table, col, rowmaker) for col, _ in rowmaker.simple_pairs}
    explicit |= {name for pattern in rowmaker.idmaps if not any(c in pattern for c in "*?[")
                 for name in _idmapped(table, pattern)}
    for col in table.columns:
        key = col.property("productKey")
        if key and col.name not in explicit:
            assignments[col.name] = (f"vars.get({key!r})", None)
            plain[col.name] = key


def _idmapped(table: Table, pattern: str) -> list[str]:
    """Names of the columns an idmaps item names: a column (``quoted/B-V`` too) or
    a glob over the names, ignoring case."""
    if not any(ch in pattern for ch in "*?["):
        col = table.column(pattern)
        return [col.name] if col is not None else []
    glob = split_column_name(pattern)[0].lower()
    return [c.name for c in table.columns if fnmatch.fnmatchcase(c.name.lower(), glob)]


def _column(table: Table, name: str, at: Element) -> str:
    col = table.column(name)
    if col is None:
        raise at.error(f"table {table.id!r} has no column {name!r}")
    return col.name





def compile_grammar_procs(grammar: Element) -> tuple[list, list]:
    """The rowfilters and sourceFields of a grammar element, compiled.

    Rowfilters become functions of a row yielding rows; sourceFields
    functions of a source path returning a dict added to its rows.
    """
    rd = grammar.rd
    extra = {"rd": RDView(rd, getattr(rd, "inputs_dir", None))}
    rowfilters, source_fields = [], []
    for child in grammar.child_elements:
        if isinstance(child, RowFilter | SourceFields):
            compiled = compile_app(child, extra, expand_at)
            if compiled is None:
                continue  # DaCHS vocabulary DR lacks; the reader warned
            label = f"<{child.tag}> at {child.pos}"
            if isinstance(child, RowFilter):
                rowfilters.append(_row_function(compiled.function, label))
            else:
                source_fields.append(_fields_function(compiled.function, label))
    return rowfilters, source_fields


def _row_function(function: Callable[..., Any], label: str) -> Callable[[dict], Any]:
    def rowfilter(row: dict) -> list[dict]:
        try:
            return list(function(row, ROW_ITER) or ())
        except rmkfuncs.IgnoreThisRow:
            return []
        except DRError:
            raise
        except Exception as exc:
            raise ProcError(f"{type(exc).__name__}: {exc} (in {label})") from None
    return rowfilter


def _fields_function(function: Callable[..., Any], label: str) -> Callable[[str], Any]:
    def source_fields(path: str) -> Any:
        try:
            return function(path, None)
        except DRError:
            raise
        except Exception as exc:
            raise ProcError(f"{type(exc).__name__}: {exc} (in {label})") from None
    return source_fields

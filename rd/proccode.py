"""Compiling procedure applications (``apply``, ``rowfilter``, ``sourceFields``,
``metaMaker``...) once, at load.

An application becomes one Python function with its own globals: the
rowmaker functions, ``rd``, ``parent`` and what the caller adds
(``targetTable``…), the early pars (bound or defaulted, evaluated now), the
setup code (run now).  Late pars are assigned at the top of the function, so
they see the row.  Text that comes from a procDef (its body, setup code and
par defaults) expands its macros here, in the application's place: a
procDef in //procs may say ``\\inputRelativePath`` and mean the source of the
rowmaker applying it.  As in DaCHS, ``@name`` in bodies and late pars means
``vars["name"]``.
"""

from __future__ import annotations

import io
import textwrap
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rd import rmkfuncs
from rd.elements.procs import Par, ProcApp, ProcDef
from rd.errors import RDError
from rd.structure import Element

# The arguments each kind of application's function takes (DaCHS's formalArgs,
# minus what DR passes as globals instead).
SIGNATURES = {"apply": ("vars", "result"), "rowfilter": ("row", "rowIter"),
              "sourceFields": ("sourceToken", "data"),
              # datalinkCore: the dataset an ID names (rd/datalinkcode.py)
              "metaMaker": ("self", "descriptor"),
              # embeddedGrammar: methods of its row iterator (grammars/embedded.py)
              "iterator": ("self",), "pargetter": ("self",),
              # pythonCore: the core, its arguments, the service (rd/corecode.py)
              "coreProc": ("self", "inputTable", "queryMeta", "service")}


@dataclass
class CompiledProc:
    function: Callable[..., Any]
    filename: str
    element: ProcApp


class RDView:
    """``rd`` in procedure code: what DaCHS code asks its RD (getById, getAbsPath...)."""

    def __init__(self, rd: Any, inputs_dir: Path | None) -> None:
        self._rd = rd
        self.schema = rd.schema
        self.sourceId = rd.rd_id
        self.resdir = str(rd.resdir_path)
        self.inputsDir = inputs_dir

    def getById(self, ident: str) -> Any:  # noqa: N802 (DaCHS's name)
        found = self._rd.by_id(ident)
        if found is None:
            raise KeyError(f"the RD has no element with id {ident!r}")
        return found

    def getAbsPath(self, relative: str) -> str:  # noqa: N802 (DaCHS's name)
        return str(self._rd.resdir_path / relative)


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


def dedent(text: str) -> str:
    """``text`` without common indentation (tabs count as 8 blanks) or blank edges."""
    return textwrap.dedent(text.expandtabs(8)).strip("\n")


def _located_syntax_error(exc: SyntaxError, raw: str, at: Element, what: str) -> RDError:
    stripped = raw.lstrip()
    leading = raw[:len(raw) - len(stripped)].count("\n")
    line = (at.pos.line or 0) + leading + (exc.lineno or 1) - 1
    return RDError(f"Python syntax error in the {what}: {exc.msg}", path=at.pos.path,
                   line=line, element=at.tag)


def checked(code: str, at: Element, mode: str, what: str, raw: str | None = None) -> str:
    """``code`` after @-replacement, compiled once to report syntax errors located."""
    code = replace_at_names(code, at)
    try:
        if mode == "body":  # a function body: return and yield are fine
            compile("def _f():\n" + textwrap.indent(code, " ") + "\n pass", "", "exec")
        else:
            compile(code, str(at.pos), mode)
    except SyntaxError as exc:
        if mode == "body" and exc.lineno:
            exc.lineno -= 1
        raise _located_syntax_error(exc, raw if raw is not None else code, at,
                                    what) from None
    return code


def _run(code: str, names: dict[str, Any], at: Element, what: str,
         mode: str = "exec") -> Any:
    try:
        if mode == "eval":
            return eval(code, names)  # noqa: S307 (publisher code, trusted)
        exec(code, names)  # noqa: S102 (publisher code, trusted)
    except Exception as exc:
        raise at.error(f"{what} failed when the RD loaded: {type(exc).__name__}: {exc}"
                       ) from None
    return None


def compile_app(app: ProcApp, extra: dict[str, Any],
                expand: Callable[[Element, str], str]) -> CompiledProc | None:
    """``app`` as a function, or None when its procDef is DaCHS vocabulary DR lacks.

    ``expand`` expands the macros of procDef-provided text in ``app``'s place.
    """
    if app.unavailable:
        return None
    definition: ProcDef | None = app.definition
    label = f"procDef {app.proc_def!r}" if app.proc_def else f"<{app.tag}>"
    if (definition is not None and definition.type and app.required_type
            and definition.type != app.required_type):
        raise app.error(f"{label} has type {definition.type}, but <{app.tag}> needs one "
                        f"of type {app.required_type}")
    inherited = definition.setups if definition is not None else []

    def text_of(raw: str, at: Element) -> str:
        # procDef text is expanded here, the application's own when it was read
        return expand(app, raw) if _within(at, definition) else raw

    pars: dict[str, Par] = {}
    for setup in [*inherited, *app.setups]:
        for par in setup.pars:
            pars[par.key] = par
    binds = {b.key: b for b in app.bindings}
    for par in pars.values():
        if par.alias and par.alias in binds and par.key not in binds:
            binds[par.key] = binds.pop(par.alias)
    for key, bind in binds.items():
        if key not in pars:
            known = ", ".join(pars) or "none"
            raise bind.error(f"binds {key!r}, which {label} does not declare "
                             f"(its pars: {known})")

    names = rmkfuncs.namespace()
    names.update(extra, parent=app.parent)
    for setup in [*inherited, *app.setups]:
        for line in setup.import_lines():
            _run(line, names, setup, f"import ({line})")
    late: list[str] = []
    for key, par in pars.items():
        source: Element = binds.get(key) or par
        expression = source.expression  # type: ignore[attr-defined]
        if expression is None:
            raise app.error(f"par {key!r} of {label} has no default and must be bound",
                            hint=f'add <bind key="{key}">a Python expression</bind>')
        code = checked(text_of(expression, source), source, "eval", f"value of {key!r}")
        if par.late or source.late:  # type: ignore[attr-defined]
            late.append(f"{key} = ({code})")
        else:
            names[key] = _run(code, names, source, f"the value of {key!r}", "eval")
    for setup in [*inherited, *app.setups]:
        for body in setup.codes:
            code = checked(dedent(text_of(body, setup)), setup, "exec", "setup code", body)
            _run(code, names, setup, "the setup code")

    own = app.body
    body = own if own is not None else (definition.body if definition else None)
    body_at = app if own is not None else definition
    if body is None:
        body = "pass"
    else:
        body = checked(dedent(text_of(body, body_at)), body_at, "body", "code", body)
    signature = SIGNATURES.get(app.required_type, ("vars", "result"))
    preamble = ["vars = row"] if app.required_type == "rowfilter" else []
    source_text = "\n".join([f"def _proc({', '.join(signature)}):",
                             *("    " + line for line in preamble + late),
                             textwrap.indent(body, "    ")])
    filename = f"<{app.tag} {app.label()} at {app.pos}>"
    try:
        exec(compile(source_text, filename, "exec"), names)  # noqa: S102 (trusted)
    except SyntaxError as exc:  # e.g. return with a value inside a generator
        raise app.error(f"Python error in the {label} body: {exc.msg}") from None
    return CompiledProc(names["_proc"], filename, app)


def _within(element: Element | None, ancestor: Element | None) -> bool:
    node = element
    while node is not None and ancestor is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False

"""``<script>``: SQL or Python a ``make`` (or its table) runs at a point of an import.

The types are DaCHS's: preCreation, postCreation, preImport, newSource,
sourceDone, preIndex, afterMeta, beforeDrop.  Python bodies are compiled
when the RD loads, so a syntax error names its line in the RD; the engine
runs them (engine/ingest/scripts.py) with the names DaCHS gives them:
``table``, and ``sourceToken``/``feeder`` where DaCHS has them.
"""

from __future__ import annotations

import textwrap
from types import CodeType

from rd.errors import RDError
from rd.structure import Attr, Element, element, one_of, parse_bool

SCRIPT_TYPES = ("preCreation", "postCreation", "preImport", "newSource", "sourceDone",
                "preIndex", "afterMeta", "beforeDrop")
SCRIPT_FUNCTION = "__dr_script"
# What the generated function takes, as DaCHS's script runner passes it.
_HEADER = f"def {SCRIPT_FUNCTION}(table, sourceToken=None, feeder=None):\n"


@element
class Script(Element):
    tag = "script"
    doc = ("SQL or Python run at a point of the import of its table (type). In SQL, "
           "\\curtable and \\qName are the table's qualified name.")
    attrs = (
        Attr("type", one_of(*SCRIPT_TYPES), required=True, doc="when it runs"),
        Attr("lang", one_of("SQL", "AC_SQL", "python"), "SQL",
             doc="SQL; AC_SQL (errors ignored); python (sees table, sourceToken, "
                 "feeder)"),
        Attr("name", default="", doc="a name for messages"),
        Attr("notify", parse_bool, True, doc="DaCHS: announce when it runs (DR always "
                                              "says which script failed)"),
    )
    text = "content"

    def finish(self) -> None:
        super().finish()
        self.code: CodeType | None = None
        self._leading = 0
        if self.lang == "python":
            self.code = self._compile()

    @property
    def label(self) -> str:
        return f"{self.type} script" + (f" {self.name!r}" if self.name else "")

    @property
    def filename(self) -> str:
        return f"<script {self.pos}>"

    def _compile(self) -> CodeType:
        raw = textwrap.dedent(self.content or "")
        body = raw.lstrip("\n")
        self._leading = len(raw) - len(body)
        source = _HEADER + textwrap.indent(body.rstrip() or "pass", "    ") + "\n"
        try:
            return compile(source, self.filename, "exec")
        except SyntaxError as exc:
            raise self.error_at(exc.lineno, f"Python syntax error: {exc.msg}") from None

    def rd_line(self, code_line: int | None) -> int | None:
        """The RD line of a line of the compiled script (for error messages)."""
        if code_line is None or self.pos.line is None:
            return self.pos.line
        return self.pos.line + self._leading + max(code_line - 2, 0)

    def error_at(self, code_line: int | None, message: str) -> RDError:
        return RDError(message, path=self.pos.path, line=self.rd_line(code_line),
                       element=self.tag)

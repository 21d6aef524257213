"""freeREGrammar: records found by one regular expression, split into fields by another.

Parameters: ``rowProduction`` [``(?m)^.+$\\n``: matches one whole record],
``parseRE`` (required: matched at the start of each record; its named groups
are the fields), ``ignoreJunk`` [False: non-blank text between or after
records is an error], ``stripTokens`` [False], ``enc`` [utf-8].  Inline
flags such as ``(?xsm)`` work as in Python.  A group that did not take part
in the match, or matched nothing, is None.  The file is read whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import Any

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.textsource import encoding_param, open_text, reading, regex_param
from rd.errors import RDError, SourceError

ELEMENT = "freeREGrammar"


class FreeREGrammar(Grammar):
    """Records and their fields by two regular expressions; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        p = self.params
        if not p.get("parseRE"):
            raise RDError("needs parseRE, a regular expression with named groups",
                          element=ELEMENT)
        self.parse_re = regex_param(p, "parseRE", "", ELEMENT)
        if not self.parse_re.groupindex:
            raise RDError("parseRE has no named groups (?P<name>...), so records would "
                          "have no fields", element=ELEMENT)
        self.names = list(self.parse_re.groupindex)
        self.production = regex_param(p, "rowProduction", r"(?m)^.+$\n", ELEMENT)
        if self.production.fullmatch(""):
            raise RDError("rowProduction matches the empty string", element=ELEMENT)
        self.ignore_junk = bool(p.get("ignoreJunk", False))
        self.strip = bool(p.get("stripTokens", False))
        self.encoding = encoding_param(p, ELEMENT)

    def _junk(self, text: str, path: Path, line: int) -> None:
        if not self.ignore_junk and text.strip():
            lead = len(text) - len(text.lstrip())
            raise SourceError(f"{text.strip()[:60]!r} is not part of a record",
                              path=str(path), line=line + text.count("\n", 0, lead),
                              hint="check rowProduction, or set ignoreJunk=\"True\"")

    def _records(self, path: Path) -> Iterator[tuple[int, dict[str, str | None]]]:
        with open_text(path, self.encoding, False) as stream, \
                reading(path, self.encoding, lambda: None):
            text = stream.read()
        pos, line = 0, 1  # line is where text[pos] is
        for match in self.production.finditer(text):
            self._junk(text[pos:match.start()], path, line)
            line += text.count("\n", pos, match.start())
            fields = self.parse_re.match(match.group())
            if fields is None:
                raise SourceError(f"parseRE does not match the record "
                                  f"{match.group()[:60]!r}", path=str(path), line=line)
            values = fields.groupdict()
            if self.strip:
                values = {k: v.strip() if v else v for k, v in values.items()}
            yield line, {k: v or None for k, v in values.items()}
            line += match.group().count("\n")
            pos = match.end()
        self._junk(text[pos:], path, line)

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        records = self._records(path)
        while chunk := list(islice(records, batch_rows)):
            yield RowBatch({name: [values[name] for _, values in chunk]
                            for name in self.names}, [line for line, _ in chunk])

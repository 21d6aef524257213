"""columnGrammar: fixed-width text, fields cut out by character positions.

Parameters: ``colDefs`` (required; DaCHS syntax, whitespace-separated items
``name: 1-6`` or ``name:1-6`` for 1-based inclusive character ranges, or
``name: 7`` for one character), ``topIgnoredLines`` [0], ``commentIntroducer``
["": none], ``strip`` [True], ``enc`` [utf-8], ``gunzip`` [False].  A field
that is empty after stripping (including one beyond the end of a short line)
is None; blank lines are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.textsource import encoding_param, open_text, reading, skip_lines
from rd.errors import RDError

ELEMENT = "columnGrammar"

_ITEM = re.compile(r"(?P<name>[^\s:]+)\s*:\s*(?P<start>\d+)(?:\s*-\s*(?P<end>\d+))?\s*")


@dataclass(frozen=True)
class ColumnSpan:
    """A field and the 0-based slice of a line it occupies."""

    name: str
    start: int
    stop: int


def parse_col_defs(text: str) -> list[ColumnSpan]:
    """Parse a colDefs value such as ``ra: 1-10 dec:12-21 flag: 23``."""
    spans: list[ColumnSpan] = []
    text = text.strip()
    pos = 0
    while pos < len(text):
        match = _ITEM.match(text, pos)
        if match is None:
            raise RDError(f"cannot read colDefs at {text[pos:pos + 20]!r}", element=ELEMENT,
                          hint="write items like 'ra: 10-20' (characters 10 to 20, counted "
                               "from 1) or 'flag: 23', separated by blanks")
        start = int(match["start"])
        end = int(match["end"] or start)
        if start < 1 or end < start:
            raise RDError(f"colDefs range {match.group().strip()!r} is empty or starts "
                          "before character 1", element=ELEMENT)
        if any(span.name == match["name"] for span in spans):
            raise RDError(f"colDefs names {match['name']!r} twice", element=ELEMENT)
        spans.append(ColumnSpan(match["name"], start - 1, end))
        pos = match.end()
    if not spans:
        raise RDError("colDefs is empty", element=ELEMENT)
    return spans


class ColumnGrammar(Grammar):
    """Rows of a fixed-width text file; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        if not self.params.get("colDefs"):
            raise RDError("needs colDefs, the fields' character positions", element=ELEMENT)
        self.spans = parse_col_defs(self.params["colDefs"])
        self.top_ignored = int(self.params.get("topIgnoredLines", 0))
        self.comment = self.params.get("commentIntroducer", "")
        self.strip = bool(self.params.get("strip", True))
        self.encoding = encoding_param(self.params, ELEMENT)
        self.gunzip = bool(self.params.get("gunzip", False))

    def _is_data(self, line: str) -> bool:
        return bool(line.strip()) and not (self.comment and line.startswith(self.comment))

    def _column(self, texts: list[str], span: ColumnSpan) -> list[str | None]:
        fields = (text[span.start:span.stop] for text in texts)
        if self.strip:
            return [value.strip() or None for value in fields]
        return [value if value.strip() else None for value in fields]

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        last_line = 0
        with open_text(path, self.encoding, self.gunzip) as stream, \
                reading(path, self.encoding, lambda: last_line + 1, self.gunzip):
            numbered = enumerate(stream, start=skip_lines(stream, self.top_ignored) + 1)
            while chunk := list(islice(numbered, batch_rows)):
                last_line = chunk[-1][0]
                kept = [(number, line.rstrip("\r\n")) for number, line in chunk
                        if self._is_data(line)]
                if not kept:
                    continue
                texts = [text for _, text in kept]
                yield RowBatch({span.name: self._column(texts, span) for span in self.spans},
                               [number for number, _ in kept])

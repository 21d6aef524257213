"""keyValueGrammar: key-value pairs, one row per file or one per pair, as DaCHS reads them.

Parameters: ``kvSeparators`` [":=": any of these characters ends the key],
``pairSeparators`` ["\\n": any of these characters ends a pair],
``commentPattern`` ["(?m)#.*": text it matches is removed first],
``yieldPairs`` [False], ``mapKeys`` (source key -> field name), ``enc``
[utf-8].  The separators are characters of a regular-expression class, as
in DaCHS, so ``\\n`` or ``\\t`` may be written as such.  Keys and values are
stripped of blanks; empty pairs are skipped.

Without yieldPairs a file is one row whose fields are its keys (renamed by
mapKeys); a key given twice keeps its last value.  With yieldPairs each
pair is a row ``{"key": ..., "value": ...}``.  A pair without a separator is
a SourceError naming its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.textsource import encoding_param, open_text, reading
from rd.errors import RDError, SourceError

ELEMENT = "keyValueGrammar"


def _char_class(params: Mapping[str, Any], name: str, default: str) -> str:
    chars = params.get(name, default)
    if not chars:
        raise RDError(f"{name} is empty; give the separating characters", element=ELEMENT)
    try:
        re.compile(f"[{chars}]")
    except re.error as exc:
        raise RDError(f"{name} {chars!r} cannot be a character class ({exc})",
                      element=ELEMENT) from None
    return chars


class KeyValueGrammar(Grammar):
    """Key-value pairs of a text file; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        p = self.params
        self.kv_chars = kv = _char_class(p, "kvSeparators", ":=")
        pairs = _char_class(p, "pairSeparators", "\n")
        self.pair_split = re.compile(f"[{pairs}]")
        self.kv_split = re.compile(f"([^{kv}]+)[{kv}](.*)", re.DOTALL)
        try:
            self.comment = re.compile(p.get("commentPattern", "(?m)#.*"))
        except re.error as exc:
            raise RDError(f"commentPattern is not a valid regular expression ({exc})",
                          element=ELEMENT) from None
        self.yield_pairs = bool(p.get("yieldPairs", False))
        self.key_map: dict[str, str] = dict(p.get("mapKeys") or {})
        self.encoding = encoding_param(p, ELEMENT)

    def _pairs(self, path: Path) -> Iterator[tuple[int, str, str]]:
        """(line, key, value) of each pair of the file."""
        with open_text(path, self.encoding, False) as stream, \
                reading(path, self.encoding, lambda: None):
            text = stream.read()
        # Comments are blanked out rather than cut, so that lines keep their numbers.
        text = self.comment.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
        pos, line = 0, 1  # line is where text[pos] is
        for match in [*self.pair_split.finditer(text), None]:
            record = text[pos:match.start() if match else len(text)]
            if record.strip():
                lead = len(record) - len(record.lstrip())
                record_line = line + record.count("\n", 0, lead)
                parts = self.kv_split.match(record.strip())
                if parts is None:
                    raise SourceError(f"{record.strip()[:60]!r} is not a key-value pair",
                                      path=str(path), line=record_line,
                                      hint=f"keys end at one of {self.kv_chars!r}; set "
                                           "kvSeparators to the file's separator")
                yield record_line, parts.group(1).strip(), parts.group(2).strip()
            if match:
                line += text.count("\n", pos, match.end())
                pos = match.end()

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        pairs = list(self._pairs(path))
        if self.yield_pairs:
            for start in range(0, len(pairs), batch_rows):
                chunk = pairs[start:start + batch_rows]
                yield RowBatch({"key": [key for _, key, _ in chunk],
                                "value": [value for _, _, value in chunk]},
                               [line for line, _, _ in chunk])
            return
        record = {self.key_map.get(key, key): value for _, key, value in pairs}
        if record:
            yield RowBatch({name: [value] for name, value in record.items()}, [1])

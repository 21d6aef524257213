"""A source file PostgreSQL can COPY as it stands: the engine's fast path around the grammar.

When a csvGrammar's parameters mean exactly what ``COPY ... (FORMAT csv)``
does, and the rowmaker maps every field unchanged, the engine streams the
file's bytes to PostgreSQL instead of parsing them in Python.  This module
describes such a file; csvGrammar.passthrough decides when one exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from gzip import GzipFile
from io import BufferedReader

# Python codec names (as codecs.lookup spells them) PostgreSQL converts
# from exactly.  ASCII is read as UTF8, of which it is a subset.
POSTGRES_ENCODINGS = {
    "utf-8": "UTF8",
    "utf-8-sig": "UTF8",
    "ascii": "UTF8",
    "iso8859-1": "LATIN1",
    "cp1252": "WIN1252",
}


def sql_literal(text: str) -> str:
    """``text`` as a standard-conforming SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@dataclass
class CopyPassthrough:
    """An open source file positioned at its first data byte, plus the COPY options to read it.

    Use it as a context manager (or call ``close``) to close ``file``.
    Where COPY and csvGrammar.batches read a file differently, the engine
    falls back to the grammar when COPY fails: COPY refuses blank lines (the
    grammar skips them), reads a line holding only ``\\.`` as end of data,
    and takes a quote inside an unquoted field as opening a quoted part
    (Python's csv keeps it as a character).
    """

    file: BufferedReader | GzipFile
    names: tuple[str, ...]  # the fields, in file order
    delimiter: str
    quote: str
    null: str
    encoding: str  # PostgreSQL's name for the file's encoding, e.g. UTF8
    first_line: int  # the source line COPY calls line 1

    def source_line(self, copy_line: int) -> int:
        """The source line of PostgreSQL's "COPY t, line N"."""
        return self.first_line + copy_line - 1

    def options_sql(self, columns: Sequence[str]) -> str:
        """The parenthesised COPY options, e.g. ``(FORMAT csv, DELIMITER ',', ...)``.

        ``columns`` are the target columns as SQL identifiers (inserted as
        given), in the order of ``names``; they get FORCE_NULL so that a
        quoted ``""`` is NULL too, as the grammar reads it.
        """
        options = [
            "FORMAT csv",
            f"DELIMITER {sql_literal(self.delimiter)}",
            f"QUOTE {sql_literal(self.quote)}",
            f"NULL {sql_literal(self.null)}",
            f"ENCODING {sql_literal(self.encoding)}",
        ]
        if columns:
            options.append(f"FORCE_NULL ({', '.join(columns)})")
        return f"({', '.join(options)})"

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> CopyPassthrough:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

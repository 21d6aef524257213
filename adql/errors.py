"""ADQLError: what the translator tells a user whose query it cannot run.

Every error carries the 1-based line and column of the offending token and an
excerpt of the query with that token marked, both as fields (for the TAP error
document and the web form) and in the message text.
"""

from __future__ import annotations

from rd.errors import DRError

# How much of the offending line the excerpt shows on either side of the token.
_EXCERPT_WIDTH = 60


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character ``offset`` in ``text``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def excerpt(text: str, offset: int) -> str:
    """The line holding ``offset`` with a caret under the offending character."""
    offset = max(0, min(offset, len(text)))
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    line = text[start:end].replace("\t", " ")
    column = offset - start
    if len(line) > 2 * _EXCERPT_WIDTH:
        left = max(0, column - _EXCERPT_WIDTH)
        line = ("…" if left else "") + line[left:left + 2 * _EXCERPT_WIDTH] + "…"
        column = column - left + (1 if left else 0)
    return f"  {line}\n  {' ' * column}^"


def abbreviated(number: str) -> str:
    """A number's digits as a message shows them: long ones cut in the middle."""
    if len(number) <= 24:
        return number
    digits = sum(c.isdigit() for c in number)
    return f"{number[:10]}…{number[-6:]} ({digits} digits)"


class ADQLError(DRError):
    """A query DR cannot accept, located at ``line``/``column`` of the query.

    ``offset`` is the 0-based character offset of the offending token; the
    translator sets it where it detects the problem, and ``locate`` turns it
    into line, column and excerpt once the query text is known.
    """

    def __init__(self, message: str, *, offset: int | None = None,
                 query: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = message
        self.offset = offset
        self.line: int | None = None
        self.column: int | None = None
        self.excerpt = ""
        if query is not None:
            self.locate(query)

    def locate(self, query: str) -> ADQLError:
        """Fill in line, column and the excerpt from the query text; returns self."""
        if self.line is not None:
            return self
        offset = len(query) if self.offset is None else self.offset
        self.line, self.column = line_and_column(query, offset)
        self.excerpt = excerpt(query, offset)
        self.message = (f"line {self.line}, column {self.column}: {self.reason}\n"
                        f"{self.excerpt}")
        self.args = (self.message,)
        return self


class UnknownTable(ADQLError):
    """A query names a table the translator was not given (which may exist, but not
    for this caller: TAP answers both alike)."""

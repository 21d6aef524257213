"""What every grammar provides: row batches from a source file, plus its header facts.

A grammar is built from the parameters of its RD element (``<csvGrammar
delimiter=";">`` gives ``{"delimiter": ";"}``; child elements such as
``colDefs`` arrive as text under their element name).  It never touches a
database.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_BATCH_ROWS = 5000


@dataclass
class RowBatch:
    """Rows of one source file, column by column.

    ``columns`` maps each grammar field name to a sequence (list or numpy
    array) of equal length; a missing value is ``None`` (or NaN, or a masked
    entry, in numpy arrays).  Text grammars deliver strings; binary grammars
    typed values.  ``lines[i]`` is where row i starts in the source (line
    number for text, row number for binary tables and for grammars written in
    Python), for error messages.
    """

    columns: dict[str, Sequence[Any]]
    lines: Sequence[int]
    # Dispatching grammars (DaCHS's isDispatching) name, for each row, the
    # role of the make whose table it is meant for; None sends rows to all.
    roles: Sequence[str] | None = None

    def __len__(self) -> int:
        return len(self.lines)

    def for_role(self, role: str | None) -> RowBatch:
        """The rows meant for the make with ``role`` (all rows when not dispatching)."""
        if self.roles is None:
            return self
        keep = [i for i, r in enumerate(self.roles) if r == role]
        return RowBatch({name: [values[i] for i in keep]
                         for name, values in self.columns.items()},
                        [self.lines[i] for i in keep], [role] * len(keep))


@dataclass(frozen=True)
class ColumnDescription:
    """A column as a source file declares it (CALIFA header, FITS TTYPE/TFORM...)."""

    name: str
    type: str  # an RD column type: integer, real[], text...
    unit: str = ""
    description: str = ""
    ucd: str = ""


@dataclass
class SourceHeader:
    """What a source declares about itself: metadata keys and column descriptions."""

    meta: dict[str, str] = field(default_factory=dict)
    columns: list[ColumnDescription] = field(default_factory=list)


class Grammar(ABC):
    """Base of all grammars; subclasses set ``element`` to their RD element name."""

    element: str = ""

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.params = dict(params)

    @abstractmethod
    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        """Yield the rows of ``path``; raise rd.errors.SourceError naming file and line."""

    def header(self, path: Path) -> SourceHeader:
        """Metadata the source declares about itself (none by default)."""
        return SourceHeader()

"""What every streaming output format offers: head, batch, tail, and the result status.

A caller writes ``head()``, then ``batch(b)`` for each batch of rows as it
arrives, then ``tail(status)``.  The status says how the result ended: OK,
OVERFLOW (rows were cut at MAXREC; ``Status.overflow()``) or ERROR with a
message (``Status.error(msg)``), for an error that happened after ``head()``
went out.  Formats that can say so in-band (VOTable, JSON, HTML) produce a
well-formed document either way; CSV and TSV cannot, and their ``tail``
writes nothing for a failed result, so the caller must make the failure
visible out of band (e.g. by aborting the HTTP response instead of ending it
cleanly) — ``in_band_status`` tells which kind a writer is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from engine.formats.batch import Batch

STATUS_VALUES = ("OK", "OVERFLOW", "ERROR")


@dataclass(frozen=True)
class Status:
    """How a result ended; ``message`` explains an ERROR."""

    value: str = "OK"
    message: str = ""

    def __post_init__(self) -> None:
        if self.value not in STATUS_VALUES:
            raise ValueError(f"status must be one of {', '.join(STATUS_VALUES)}")

    @classmethod
    def ok(cls) -> Status:
        return cls("OK")

    @classmethod
    def overflow(cls) -> Status:
        return cls("OVERFLOW")

    @classmethod
    def error(cls, message: str) -> Status:
        return cls("ERROR", message)


OK = Status.ok()
OVERFLOW = Status.overflow()


class Writer(Protocol):
    """A streaming output format for one result."""

    in_band_status: ClassVar[bool]

    def head(self) -> bytes:
        """Everything before the first row."""

    def batch(self, batch: Batch) -> bytes:
        """The rows of one batch."""

    def tail(self, status: Status) -> bytes:
        """Everything after the last row, telling the status where the format can."""

"""Cutting a result at MAXREC, and knowing whether rows were cut (DALI's OVERFLOW)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from engine.formats.batch import Batch


def head(batch: Batch, n: int) -> Batch:
    """The first ``n`` rows of a batch."""
    return Batch([column[:n] for column in batch.columns], min(n, batch.length))


class Limited:
    """Iterates over at most ``limit`` rows of ``batches``; ``overflow`` tells if rows
    were left out.  MAXREC=0 always overflows: DALI wants the marker there."""

    def __init__(self, batches: Iterable[Batch], limit: int) -> None:
        self._batches = iter(batches)
        self.limit = limit
        self.rows = 0
        self.overflow = limit == 0

    def __iter__(self) -> Iterator[Batch]:
        if self.limit == 0:
            return
        for batch in self._batches:
            room = self.limit - self.rows
            if batch.length > room:
                self.overflow = True
                if room > 0:
                    self.rows += room
                    yield head(batch, room)
                return
            self.rows += batch.length
            yield batch

"""A progress line for long imports on a terminal: rows so far and rows per second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts rows; redraws one status line at most twice a second when on a tty."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = ""
        self.rows = 0
        self._start = time.monotonic()
        self._last_draw = 0.0

    def begin(self, label: str) -> None:
        self.label, self.rows = label, 0
        self._start = time.monotonic()

    def add(self, rows: int) -> None:
        self.rows += rows
        now = time.monotonic()
        if self.enabled and now - self._last_draw > 0.5:
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.rows / max(now - self._start, 1e-9)
        self.stream.write(f"\r{self.label}: {self.rows:,} rows, {rate:,.0f} rows/s   ")
        self.stream.flush()

    def end(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

"""Slowing down password guessing per client address: exponential delays, in memory.

After ``n`` failed logins in a row from one address, its next attempt waits until
``min(cap, base * 2**(n-1))`` seconds after the last failure.  A success, or
``forget_after`` seconds without a failure, forgets the address.  It only ever
delays, never refuses — so a flood of wrong passwords from someone else's
address costs the rightful user at most ``cap`` seconds, and nobody can lock the
server or an account out.  At most ``max_addresses`` are remembered, the one
that failed longest ago forgotten first, so memory stays bounded whatever the
number of addresses.

One :class:`Backoff` per server process, used from one thread (the reactor's);
the clock is injectable for tests.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Failures:
    count: int
    last: float


class Backoff:
    """Failed logins per address, and the delay they earn."""

    def __init__(self, *, base: float = 0.5, cap: float = 4.0,
                 forget_after: float = 900.0, max_addresses: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base, self.cap, self.forget_after = base, cap, forget_after
        self.max_addresses = max_addresses
        self._clock = clock
        self._failures: OrderedDict[str, _Failures] = OrderedDict()

    def __len__(self) -> int:
        return len(self._failures)

    def _current(self, address: str, now: float) -> _Failures | None:
        entry = self._failures.get(address)
        if entry is not None and now - entry.last >= self.forget_after:
            del self._failures[address]
            return None
        return entry

    def delay(self, address: str) -> float:
        """Seconds to wait before checking the next password from ``address``."""
        now = self._clock()
        entry = self._current(address, now)
        if entry is None:
            return 0.0
        wait = min(self.cap, self.base * 2 ** min(entry.count - 1, 32))
        return max(0.0, entry.last + wait - now)

    def record(self, address: str, *, success: bool) -> None:
        """Note the outcome of a login from ``address``."""
        if success:
            self._failures.pop(address, None)
            return
        now = self._clock()
        entry = self._current(address, now)
        self._failures[address] = _Failures((entry.count if entry else 0) + 1, now)
        self._failures.move_to_end(address)
        while len(self._failures) > self.max_addresses:
            self._failures.popitem(last=False)

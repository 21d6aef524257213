"""How far a streaming-replication standby lags its primary, in seconds.

PostgreSQL measures positions in WAL, not time, and ``now() -
pg_last_xact_replay_timestamp()`` grows on an idle primary although nothing is
missing.  So the lag is measured the other way round: a :class:`LagClock`
notes the primary's flushed WAL position (what a standby can have at best)
once per check, and a standby whose replay position has reached a sample
taken at time *t* holds everything the primary held then.  Its lag is
``now - t`` for the newest such sample — nought when it has replayed all
there is, however long the primary has been idle; growing second by second
while replay is paused or slow; unknown (infinite) while it is behind every
sample still kept.  The figure errs high by at most one check interval.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass

# The environment variable naming the standby a UWS worker may read from (set by
# the server's runner while reads go to the standby; unset otherwise).
READ_DSN_VAR = "DR_READ_DSN"
PRIMARY_POSITION = "SELECT pg_current_wal_flush_lsn()"
STANDBY_POSITION = "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()"


def parse_lsn(text: str) -> int:
    """A WAL position as PostgreSQL prints it (``16/B374D848``), as a number."""
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


class LagClock:
    """The primary's WAL positions over the last ``keep`` seconds."""

    def __init__(self, keep: float) -> None:
        self.keep = keep
        self._samples: collections.deque[tuple[float, int]] = collections.deque()

    def note_primary(self, when: float, lsn: int) -> None:
        """The primary had flushed WAL up to ``lsn`` at ``when`` (monotonic seconds)."""
        if self._samples and self._samples[-1][1] >= lsn:
            # Nothing new: the last sample holds for now too.
            self._samples[-1] = (when, self._samples[-1][1])
        else:
            self._samples.append((when, lsn))
        while len(self._samples) > 1 and self._samples[0][0] < when - self.keep:
            self._samples.popleft()

    def lag(self, now: float, replayed: int) -> float:
        """Seconds since the primary last had nothing the standby lacks
        (``replayed``: the standby's replay position); inf when unknown."""
        for when, lsn in reversed(self._samples):
            if lsn <= replayed:
                return 0.0 if (when, lsn) == self._samples[-1] else max(now - when, 0.0)
        return math.inf


@dataclass(frozen=True)
class Verdict:
    """Whether reads may go to the standby now, and why (for the log)."""

    usable: bool
    reason: str
    lag: float | None = None


def judge(lag: float, max_lag: float) -> Verdict:
    """The verdict for a standby ``lag`` seconds behind, allowed ``max_lag``."""
    if lag <= max_lag:
        return Verdict(True, f"the standby lags {lag:.1f} s", lag)
    shown = "an unknown time" if math.isinf(lag) else f"{lag:.1f} s"
    return Verdict(False, f"the standby lags {shown}, more than maxReplicaLag "
                          f"({max_lag:g} s)", lag)


def primary_position(cur) -> int:
    cur.execute(PRIMARY_POSITION)
    return parse_lsn(cur.fetchone()[0])


def standby_position(cur) -> int | None:
    """The standby's replay position; None when the server is not a standby (any
    more: a promoted standby is a primary of its own, which DR does not read)."""
    cur.execute(STANDBY_POSITION)
    in_recovery, replayed = cur.fetchone()
    if not in_recovery or replayed is None:
        return None
    return parse_lsn(replayed)

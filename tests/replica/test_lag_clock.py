"""The standby's lag in seconds, from WAL positions: nought on an idle primary, growing
while replay stands still, unknown when the standby is behind everything kept."""

from __future__ import annotations

import math

import pytest

from engine.db.replication import LagClock, judge, parse_lsn


def test_wal_positions_read_as_postgresql_prints_them():
    assert parse_lsn("0/0") == 0
    assert parse_lsn("16/B374D848") == (0x16 << 32) | 0xB374D848
    assert parse_lsn("1/0") > parse_lsn("0/FFFFFFFF")


def test_an_idle_primary_means_no_lag_however_long_it_idles():
    clock = LagClock(keep=10)
    for second in range(0, 600):
        clock.note_primary(second, 1000)
    assert clock.lag(600, replayed=1000) == 0.0


def test_a_standby_that_stopped_replaying_lags_from_the_last_position_it_reached():
    clock = LagClock(keep=10)
    clock.note_primary(100, 1000)   # the standby replayed up to here...
    clock.note_primary(101, 1000)
    clock.note_primary(102, 2000)   # ...and then a write came
    assert clock.lag(102.5, replayed=1000) == 1.5
    clock.note_primary(105, 2000)
    assert clock.lag(105.2, replayed=1000) == pytest.approx(4.2)
    assert clock.lag(105.2, replayed=2000) == 0.0


def test_a_standby_behind_every_kept_position_lags_an_unknown_time():
    clock = LagClock(keep=5)
    for second in range(100, 120):
        clock.note_primary(second, 1000 * second)
    assert clock.lag(120, replayed=1000 * 116) == 4.0
    # Positions older than ``keep`` seconds are forgotten.
    assert math.isinf(clock.lag(120, replayed=1000 * 105))


def test_the_verdict_allows_up_to_max_replica_lag():
    assert judge(0.0, 2).usable
    assert judge(2.0, 2).usable
    late = judge(2.5, 2)
    assert not late.usable and "more than maxReplicaLag (2 s)" in late.reason
    assert "an unknown time" in judge(math.inf, 30).reason

"""The per-address login backoff, on a clock the test moves."""

from __future__ import annotations

from engine.accounts import Backoff


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(**kwargs) -> tuple[Backoff, Clock]:
    clock = Clock()
    return Backoff(clock=clock, **kwargs), clock


def fail(backoff: Backoff, address: str, times: int = 1) -> None:
    for _ in range(times):
        backoff.record(address, success=False)


def test_an_address_without_failures_waits_nothing():
    backoff, _ = make()
    assert backoff.delay("192.0.2.1") == 0.0


def test_delays_double_with_each_failure_up_to_the_cap():
    backoff, _ = make(base=0.5, cap=4.0)
    delays = []
    for _ in range(7):
        fail(backoff, "192.0.2.1")
        delays.append(backoff.delay("192.0.2.1"))
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_the_delay_counts_from_the_last_failure():
    backoff, clock = make(base=1.0, cap=8.0)
    fail(backoff, "192.0.2.1", 3)  # 4 s
    clock.now += 1.5
    assert backoff.delay("192.0.2.1") == 2.5
    clock.now += 10
    assert backoff.delay("192.0.2.1") == 0.0
    fail(backoff, "192.0.2.1")  # the count goes on: 8 s
    assert backoff.delay("192.0.2.1") == 8.0


def test_a_success_forgets_the_failures():
    backoff, _ = make()
    fail(backoff, "192.0.2.1", 5)
    backoff.record("192.0.2.1", success=True)
    assert backoff.delay("192.0.2.1") == 0.0 and len(backoff) == 0
    fail(backoff, "192.0.2.1")
    assert backoff.delay("192.0.2.1") == 0.5


def test_failures_are_forgotten_after_a_quiet_while():
    backoff, clock = make(forget_after=900.0)
    fail(backoff, "192.0.2.1", 6)
    clock.now += 900.0
    assert backoff.delay("192.0.2.1") == 0.0 and len(backoff) == 0
    fail(backoff, "192.0.2.1")
    assert backoff.delay("192.0.2.1") == 0.5


def test_addresses_are_counted_apart():
    backoff, _ = make()
    fail(backoff, "192.0.2.1", 4)
    assert backoff.delay("192.0.2.2") == 0.0
    fail(backoff, "192.0.2.2")
    assert (backoff.delay("192.0.2.1"), backoff.delay("192.0.2.2")) == (4.0, 0.5)


def test_memory_is_bounded_forgetting_the_longest_ago_failed_first():
    backoff, clock = make(max_addresses=3)
    for n in range(5):
        fail(backoff, f"192.0.2.{n}")
        clock.now += 0.01
    fail(backoff, "192.0.2.2")  # failing again makes it the newest
    fail(backoff, "192.0.2.5")
    assert len(backoff) == 3
    assert [backoff.delay(f"192.0.2.{n}") > 0 for n in range(6)] == [
        False, False, True, False, True, True]


def test_the_delay_never_exceeds_the_cap_whatever_the_flood():
    backoff, _ = make(base=0.5, cap=3.0)
    fail(backoff, "192.0.2.1", 10_000)
    assert backoff.delay("192.0.2.1") == 3.0

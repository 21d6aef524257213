"""PostgreSQL stopped and started again under load: while it is down every request is a
quick 503 with Retry-After, never a 500 or a hang, and ``dr serve`` serves again by
itself once it is back.  The cluster is this module's own, so that stopping it
touches no other test's server."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from engine.db.cluster import Cluster
from tests.conftest import FAST_SETTINGS
from tests.faults.conftest import (
    Restartable,
    import_faults,
    serve_database,
    write_faults_resource,
)
from tests.support import make_world_traversable_tmpdir, wait_until

CLIENTS = 3
REQUESTS = (
    "/faults/q/cone/scs.xml?RA=10&DEC=10&SR=5",
    "/tap/sync?LANG=ADQL&QUERY=SELECT+TOP+20+id,mag+FROM+faults.main",
)


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[Cluster]:
    state = make_world_traversable_tmpdir("dr-faults-cluster-")
    cluster = Cluster(state, settings=FAST_SETTINGS)
    cluster.start()
    yield cluster
    cluster.stop()
    shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="module")
def loaded_server(own_cluster, tmp_path_factory) -> Iterator[Restartable]:
    """``dr serve`` over 2,000 rows of ``faults`` in the module's own cluster."""
    home = tmp_path_factory.mktemp("faults-pgdown")
    inputs = home / "inputs"
    write_faults_resource(inputs, 2_000)
    import_faults(own_cluster.dsn, inputs)
    srv = serve_database(own_cluster.dsn, inputs, home)
    yield srv
    srv.stop()


@dataclass
class Outcome:
    started: float
    ended: float
    status: int | None       # None: no HTTP answer at all (an exception)
    retry_after: str = ""
    body: bytes = b""
    error: str = ""


@dataclass
class Client(threading.Thread):
    """Asks the server its requests in turn until told to stop, noting each outcome."""

    url: str
    outcomes: list[Outcome] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)

    def __hash__(self) -> int:
        return id(self)

    def run(self) -> None:
        n = 0
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                r = requests.get(self.url + REQUESTS[n % len(REQUESTS)], timeout=30)
                outcome = Outcome(started, time.monotonic(), r.status_code,
                                  r.headers.get("Retry-After", ""), r.content)
            except requests.RequestException as exc:
                outcome = Outcome(started, time.monotonic(), None, error=repr(exc))
            self.outcomes.append(outcome)
            n += 1
            time.sleep(0.05)

    def since(self, moment: float) -> list[Outcome]:
        return [o for o in self.outcomes if o.started >= moment]


def answered_ok(outcome: Outcome) -> bool:
    return outcome.status == 200 and b'value="OK"' in outcome.body


def test_a_database_restart_under_load_is_503_meanwhile_and_heals_by_itself(
        own_cluster, loaded_server):
    clients = [Client(loaded_server.url) for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    try:
        assert wait_until(lambda: all(any(map(answered_ok, c.outcomes)) for c in clients),
                          30)
        own_cluster.stop()
        down = time.monotonic()
        assert wait_until(lambda: all(len(c.since(down)) >= 5 for c in clients), 30)
        restarting = time.monotonic()
        own_cluster.start()
        up = time.monotonic()
        assert wait_until(lambda: all(any(map(answered_ok, c.since(up))) for c in clients),
                          60), "the server did not recover"
        recovered = time.monotonic()
    finally:
        for client in clients:
            client.stopping.set()
        for client in clients:
            client.join(40)
    outcomes = [o for c in clients for o in c.outcomes]
    print(f"{len(outcomes)} requests; PostgreSQL down {restarting - down:.1f} s, "
          f"starting {up - restarting:.1f} s; all clients served again "
          f"{recovered - up:.1f} s after it was up")
    assert not [o.error for o in outcomes if o.status is None]
    assert {o.status for o in outcomes} <= {200, 503}
    while_down = [o for o in outcomes if o.started >= down and o.ended <= restarting]
    assert while_down
    for outcome in while_down:
        assert outcome.status == 503, outcome.body[:300]
        assert outcome.retry_after.isdigit()
        assert b"database" in outcome.body
        assert outcome.ended - outcome.started < 5  # answered at once, not after a wait
    # Once every client was served again, nobody is refused any more.
    settled = max(min(o.started for o in c.since(up) if answered_ok(o)) for c in clients)
    assert all(answered_ok(o) for o in outcomes if o.started > settled)

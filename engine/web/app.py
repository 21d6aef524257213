"""The running site: configuration, database pool, templates and the current SiteState.

``reload`` builds a new SiteState in a worker thread and swaps it in on the
reactor thread; requests already running keep the state they started with.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from twisted.internet.defer import Deferred

from engine.config import Config
from engine.web import registry, urls
from engine.web.access import HONOURS_ACCOUNTS, plain_http_warning, withheld
from engine.web.dbpool import DBPool
from engine.web.readpool import read_replica
from engine.web.respond import login_url
from engine.web.state import SiteState, load_state
from engine.web.templates import make_environment, render

log = logging.getLogger("dr.web")


class App:
    """Shared by all requests; touched only from the reactor thread (except the pool)."""

    def __init__(self, config: Config, dsn: str, reactor: Any = None, *,
                 renderers: Mapping[str, Any]) -> None:
        self.config = config
        self.renderers = renderers  # the service renderer classes DR serves, by name
        web = config.web
        self.pool = DBPool(dsn, connections=web.db_connections, wait=web.db_wait,
                           reactor=reactor, statement_timeout=web.sync_timeout)
        # The read replica, if any: where read-only user queries go (readpool.py).
        self.replica = read_replica(config, self.pool, reactor)
        self.templates = make_environment()
        self.site_name = config.web.server_url.split("://")[-1].rstrip("/") or "DR"
        self.state = SiteState(config)

    def start(self) -> Deferred:
        """Start the pool and load the RDs; fires when the site is ready."""
        self.pool.start()
        if self.replica is not None:
            self.replica.start()
        return self.reload()

    def reads(self) -> Any:
        """Where a read-only user query takes its connection: the standby's pool
        while it is fresh enough, else the primary's (reactor thread).  Anything
        that writes, temporary tables included, uses ``self.pool``."""
        return self.replica.route() if self.replica is not None else self.pool

    def worker_dsn(self) -> str:
        """The standby's DSN for a UWS worker whose job only reads, while reads go
        there; '' otherwise (reactor thread)."""
        return self.replica.worker_dsn() if self.replica is not None else ""

    def reload(self) -> Deferred:
        """Re-read every RD (in a worker thread) and swap the new state in."""
        def load(conn) -> SiteState:
            state = load_state(self.config, conn, self.renderers)
            try:
                registry.sync(self, state, self.renderers, conn)
            except Exception:  # the site serves on; OAI-PMH shows the older dates
                conn.rollback()
                log.exception("bringing the registry's records up to date failed")
            return state

        d = self.pool.run_with_connection(load)

        def swap(state: SiteState) -> SiteState:
            self.state = state
            log.info("loaded %d RDs, %d services, %d tables (%d broken)",
                     len(state.rds), len(state.services), len(state.tables),
                     len(state.broken))
            restricted = withheld(state)
            if restricted:
                log.warning("restricting %d resource(s) to their groups (honoured by %s; "
                            "withheld from everyone elsewhere): %s", len(restricted),
                            ", ".join(sorted(p or "/" for p in HONOURS_ACCOUNTS)),
                            "; ".join(restricted))
            warning = plain_http_warning(self.config, restricted)
            if warning:
                log.warning("%s", warning)
            return state

        def failed(failure):
            log.error("reloading RDs failed; keeping the previous state: %s",
                      failure.getErrorMessage())
            return failure

        return d.addCallbacks(swap, failed)

    def render_page(self, name: str, request: Any = None, **context: Any) -> bytes:
        """Template ``name``; with ``request``, its header names who is logged in
        (or links to the login page, coming back here)."""
        values = {"viewer": None, "login_url": urls.login()}
        if request is not None:
            who = getattr(request, "identity", None) or getattr(request, "context", None)
            values["viewer"] = who.user if who is not None else None
            values["login_url"] = login_url(request)
        values.update(context)
        return render(self.templates, name, site_name=self.site_name, **values)

"""A small twisted.web server with the UWS resource at /tap/async, for tests only.

``python -m tests.uws.harness`` (DR_CONFIG naming a test configuration) builds
the App and a JobList for the ``sleep`` test kind, starts the runner with a
one-second destruction sweep and prints ``listening on URL`` when ready.
Requests are DR's own (engine.web.site.Site: bounded bodies, DR's parameter
parsing, the request context).  The header ``X-Test-User`` stands in for the
authentication that will set the context's user.
"""

from __future__ import annotations

import logging
import sys

from twisted.internet import reactor
from twisted.web import resource

from engine.config import load_config
from engine.db.connect import open_database
from engine.uws.kinds import register_kind
from engine.uws.runner import start_runner
from engine.uws.schema import install_uws_schema
from engine.web.app import App
from engine.web.context import ANONYMOUS, RequestContext
from engine.web.site import Site
from engine.web.uws import JobList


def caller_from_header(request) -> RequestContext:
    """The caller named by X-Test-User (anonymous without it)."""
    user = request.getHeader(b"x-test-user")
    return RequestContext(user=user.decode("utf-8")) if user else ANONYMOUS


def main() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger("dr").handlers[:] = [handler]
    logging.getLogger("dr").setLevel(logging.INFO)
    cfg = load_config()
    db = open_database(cfg)
    conn = db.connect()
    install_uws_schema(conn)
    conn.close()
    register_kind("sleep", "tests.uws.kind:run", validate="tests.uws.kind:validate")
    app = App(cfg, db.dsn, renderers={})  # no RD services: only the job list
    app.pool.start()
    root, tap = resource.Resource(), resource.Resource()
    root.putChild(b"tap", tap)
    tap.putChild(b"async", JobList(app, "sleep", "/tap/async"))
    site = Site(root, cfg, authenticate=caller_from_header)
    port = reactor.listenTCP(cfg.web.server_port, site, interface="127.0.0.1")

    def ready(_):
        print(f"listening on http://127.0.0.1:{port.getHost().port}", flush=True)

    reactor.callWhenRunning(lambda: start_runner(app, sweep_interval=1.0).addCallback(ready))
    reactor.run()


if __name__ == "__main__":
    main()

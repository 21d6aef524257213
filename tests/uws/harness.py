"""A small twisted.web server with the UWS resource at /tap/async, for tests only.

``python -m tests.uws.harness`` (DR_CONFIG naming a test configuration) builds
the App and a UWSResource for the ``sleep`` test kind, starts the runner with
a one-second destruction sweep and prints ``listening on URL`` when ready.
Requests are DR's own (engine.web.site.Site: bounded bodies, DR's parameter
parsing), and path segments are decoded as the site does.  The header
``X-Test-User`` stands in for the authentication that sets ``request.dr_user``.
"""

from __future__ import annotations

import logging
import sys
from urllib.parse import unquote

from twisted.internet import reactor
from twisted.web import resource, server

from engine.config import load_config
from engine.db.connect import open_database
from engine.uws.kinds import register_kind
from engine.uws.resource import UWSResource
from engine.uws.runner import start_runner
from engine.uws.schema import install_uws_schema
from engine.web.app import App
from engine.web.site import Site

PREFIX = ["tap", "async"]


class Dispatcher(resource.Resource):
    isLeaf = True

    def __init__(self, uws: UWSResource) -> None:
        super().__init__()
        self.uws = uws

    def render(self, request: server.Request):
        segments = [unquote(s.decode("utf-8", "replace"))
                    for s in request.prepath + request.postpath]
        segments = [s for s in segments if s]
        if segments[:2] != PREFIX:
            request.setResponseCode(404)
            return b"not here\n"
        user = request.getHeader(b"x-test-user")
        if user:
            request.dr_user = user.decode("utf-8")
        return self.uws.render(request, segments[2:])


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
    app = App(cfg, db.dsn)
    app.pool.start()
    site = Site(Dispatcher(UWSResource(app, "sleep", "/tap/async")), cfg)
    port = reactor.listenTCP(cfg.web.server_port, site, interface="127.0.0.1")

    def ready(_):
        print(f"listening on http://127.0.0.1:{port.getHost().port}", flush=True)

    reactor.callWhenRunning(lambda: start_runner(app, sweep_interval=1.0).addCallback(ready))
    reactor.run()


if __name__ == "__main__":
    main()

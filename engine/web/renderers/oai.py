"""/oai.xml: the publishing registry's OAI-PMH 2.0 interface (DaCHS's URL).

GET and POST (form-encoded) alike; the arguments go to engine/registry/oai.py
as they came, names case-sensitive.  OAI-PMH errors are answered in the
protocol's words with HTTP 200; only what is not an OAI-PMH request at all (a
body too large, arguments that are not UTF-8) gets an HTTP error.
"""

from __future__ import annotations

import functools
from typing import Any

from twisted.web.server import NOT_DONE_YET

from engine.errors import ProtocolError
from engine.registry import oai
from engine.registry.records import Site
from engine.web import registry
from engine.web.resource import Endpoint, failure_error
from engine.web.respond import finish

XML = b"text/xml; charset=utf-8"


def _pairs(args: dict[bytes, list[bytes]]) -> list[tuple[str, str]]:
    try:
        return [(name.decode("utf-8"), value.decode("utf-8"))
                for name, values in args.items() for value in values]
    except UnicodeDecodeError:
        raise ProtocolError("OAI-PMH arguments must be UTF-8 text") from None


class OAIPMH(Endpoint):
    error_format = "text"

    @functools.cached_property
    def token_key(self) -> bytes:
        """The resumption tokens' key, read (or made) once per server process."""
        return oai.token_key(self.app.config.general.state_dir)

    def render_GET(self, request: Any) -> Any:
        app = self.app
        pairs = _pairs(request.args)
        state = app.state
        site = Site.from_config(app.config)
        key = self.token_key

        def work(conn) -> bytes:
            def record_of(entry):
                return registry.record_of(app, state, app.renderers, entry)

            with conn.cursor() as cur:
                return oai.answer(oai.Repository(cur, site, record_of, key), pairs)

        def done(body: bytes) -> None:
            request.setHeader(b"content-type", XML)
            finish(request, body)

        def failed(failure) -> None:
            finish(request, self.error(request, failure_error(failure, request)))

        app.pool.run_with_connection(work).addCallback(done).addErrback(failed)
        return NOT_DONE_YET

    render_POST = render_GET

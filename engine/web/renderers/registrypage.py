"""/registry: the publishing registry for people — a page per registered record, and
an index of them all.

``/registry?ivoid=ivo://...`` shows one record as the registry serves it over
OAI-PMH (engine/registry/summary.py reads the same XML) and links to that XML;
a withdrawn record answers 410 with the date it was withdrawn, an identifier
never registered 404.  ``/registry`` lists every record that is not withdrawn.
Like /oai.xml it describes restricted resources but serves none of their data.
"""

from __future__ import annotations

from typing import Any

from twisted.web.server import NOT_DONE_YET

from engine.errors import ProtocolError
from engine.registry import records, store
from engine.registry.summary import summarise
from engine.services.params import Params
from engine.web import registry, urls
from engine.web.resource import Endpoint, failure_error
from engine.web.respond import finish

HTML = b"text/html; charset=utf-8"


class RegistryPage(Endpoint):
    def render_GET(self, request: Any) -> Any:
        app = self.app
        state = app.state
        ivoid = Params.from_twisted(request.args).get("ivoid")

        def work(conn) -> tuple[str, dict]:
            """(template, context) in a worker thread."""
            with conn.cursor() as cur:
                if ivoid is None:
                    return "registry.html", {"entries": store.live(cur)}
                entry = store.entry(cur, ivoid)
            if entry is None:
                raise ProtocolError(f"{ivoid} is not registered here", status=404)
            if entry.deleted:
                raise ProtocolError(f"{entry.ivoid} was withdrawn from the registry on "
                                    f"{records.stamp(entry.updated)}", status=410)
            record = registry.record_of(app, state, app.renderers, entry)
            if record is None:
                raise ProtocolError(f"the record of {entry.ivoid} cannot be written now "
                                    "(its resource descriptor does not load)", status=503)
            return "record.html", {"record": summarise(record, entry.kind),
                                   "xml_url": urls.registry_record(entry.ivoid)}

        def done(found: tuple[str, dict]) -> None:
            template, context = found
            title = context["record"].title if "record" in context else \
                "The publishing registry"
            request.setHeader(b"content-type", HTML)
            finish(request, app.render_page(template, request, title=title, **context))

        def failed(failure) -> None:
            finish(request, self.error(request, failure_error(failure, request)))

        app.pool.run_with_connection(work).addCallback(done).addErrback(failed)
        return NOT_DONE_YET

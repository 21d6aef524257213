"""The registry's records as the running site writes them (engine/registry/ builds,
this module knows the services).

A service's record gets the capability of each renderer it publishes
(``<publish render=...>``, another service's renderer too), built by the
renderer classes as its VOSI capabilities are.  :func:`sync` runs whenever the
server (re)loads its RDs: it keeps the site's own records registered and
records every live record's digest, so a record's datestamp moves when, and
only when, what it says changes (a new RD text, a new configuration).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from lxml import etree

from engine import vosi
from engine.registry import records, store
from engine.registry.records import Site
from engine.registry.store import Entry
from engine.tap.capabilities import tap_capabilities
from engine.web import urls

log = logging.getLogger("dr.web")


def _capabilities(app: Any, state: Any, bound: Any,
                  renderers: Mapping[str, Any]) -> list[vosi.Capability]:
    rd_id = bound.rd.rd_id
    caps = []
    for pub in bound.service.publications:
        target = state.service(rd_id, pub.service) if pub.service else bound
        renderer = renderers.get(pub.render)
        if target is None or renderer is None:
            continue
        url = app.config.web.server_url.rstrip("/") + urls.service(rd_id, target.id,
                                                                  pub.render)
        cap = renderer.capability(app, target, url)
        if cap is not None:
            caps.append(cap)
    return caps


def record_of(app: Any, state: Any, renderers: Mapping[str, Any], entry: Entry
              ) -> etree._Element | None:
    """The VOResource record of ``entry`` as the site ``state`` serves it (None: its
    service is not loaded, e.g. its RD is broken)."""
    site = Site.from_config(app.config)
    if entry.rd_id == "":
        if entry.res_id == records.REGISTRY:
            return records.registry_record(entry, site)
        if entry.res_id == records.AUTHORITY:
            return records.authority_record(entry, site)
        if entry.res_id == records.TAP:
            base = app.config.web.server_url.rstrip("/") + "/tap"
            return records.tap_record(entry, tap_capabilities(app.config, base), site)
        return None
    bound = state.service(entry.rd_id, entry.res_id)
    if bound is None:
        return None
    reference = app.config.web.server_url.rstrip("/") + urls.service(entry.rd_id,
                                                                     bound.id)
    return records.service_record(entry, bound.service.meta, bound.title, reference,
                                  _capabilities(app, state, bound, renderers), site)


def sync(app: Any, state: Any, renderers: Mapping[str, Any], conn) -> None:
    """Keep the site's own records and note every live record's digest (worker
    thread, with a connection of its own; commits)."""
    site = Site.from_config(app.config)
    with conn.cursor() as cur:
        store.ensure(cur, site.ivoid(), records.AUTHORITY, records.HARVESTED)
        store.ensure(cur, site.ivoid("registry"), records.REGISTRY, records.HARVESTED)
        store.ensure(cur, site.ivoid("tap"), records.TAP, records.HARVESTED)
        digests = {}
        for entry in store.live(cur):
            record = record_of(app, state, renderers, entry)
            if record is None:
                log.warning("registry record %s cannot be written: %s/%s is not loaded",
                            entry.ivoid, entry.rd_id, entry.res_id)
            else:
                digests[entry.ivoid] = records.digest(record)
        store.note_digests(cur, digests)
    conn.commit()

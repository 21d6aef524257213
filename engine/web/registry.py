"""The registry's records as the running site writes them (engine/registry/ builds,
this module knows the services).

A service's record gets the capability of each renderer it publishes
(``<publish render=...>``, another service's renderer too), built by the
renderer classes as its VOSI capabilities are; a table's record its tableset.
Services and the tables they serve point at each other (IsServiceFor,
IsServedBy: a table's ``<publish services=...>`` names its services, and TAP
serves every ADQL table).  :func:`sync` runs whenever the
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
from engine.db.metadata import served_metadata
from engine.registry import records, store
from engine.registry.coverage import coverage_of
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


def _tables_served_by(rd: Any, service_id: str, site: Site
                      ) -> list[records.Related]:
    """The registered tables and data collections whose publications name the
    service."""
    served = records.registered_tables(rd) + [
        d for d in rd.data if records.registrable(d)]
    return [records.Related(records.SERVICE_FOR, site.rd_ivoid(rd.rd_id, item.id),
                            item.meta.get("title") or getattr(item, "qualified_name",
                                                              item.id))
            for item in served
            if any(service_id in pub.services for pub in item.publications)]


def _services_of(state: Any, rd: Any, item: Any, site: Site, adql: bool
                 ) -> list[records.Related]:
    """What serves a table or a data element's tables: the registered services its
    publications name, and TAP when (one of) them is queryable by ADQL."""
    names = sorted({s for pub in item.publications for s in pub.services})
    found = [records.Related(records.SERVED_BY, site.rd_ivoid(rd.rd_id, name),
                             bound.title)
             for name in names if (bound := state.service(rd.rd_id, name)) is not None
             and records.registrable(bound.service)]
    if adql:
        found.append(records.Related(records.SERVED_BY, site.ivoid("tap"),
                                     f"{site.publisher} TAP service"))
    return found


def _measured(state: Any):
    """A table's dr limits figures as the site loaded them (None: never measured)."""
    return lambda table: state.limits.get(table.qualified_name.lower())


def _collection_record(state: Any, rd: Any, entry: Entry, site: Site,
                       server_url: str) -> etree._Element | None:
    data = rd.data_by_id(entry.res_id)
    if data is None:
        return None
    tables = records.collection_tables(rd, data)
    metas = [served_metadata(t, state.imported.get(t.qualified_name.lower()))
             for t in tables]
    related = _services_of(state, rd, data, site, any(t.adql == "True" for t in tables))
    title = data.meta.get("title") or f"{rd.rd_id} {data.id}"  # RD's title inherited
    reference = (server_url + urls.table_info(tables[0].qualified_name) if tables
                 else server_url + "/")
    return records.collection_record(
        entry, data.meta, title, metas, reference, rd.meta.get("description"), site,
        related, coverage_of(rd, tables, data.meta, _measured(state)))


def record_of(app: Any, state: Any, renderers: Mapping[str, Any], entry: Entry
              ) -> etree._Element | None:
    """The VOResource record of ``entry`` as the site ``state`` serves it (None: its
    service or table is not loaded, e.g. its RD is broken)."""
    site = Site.from_config(app.config)
    server_url = app.config.web.server_url.rstrip("/")
    if entry.kind == records.REGISTRY:
        return records.registry_record(entry, site)
    if entry.kind == records.AUTHORITY:
        return records.authority_record(entry, site)
    if entry.kind == records.TAP:
        tables = [records.Related(records.SERVICE_FOR, site.rd_ivoid(rd.rd_id, t.id),
                                  t.meta.get("title") or t.qualified_name)
                  for rd in state.rds.values() for t in records.registered_tables(rd)
                  if t.adql == "True"]
        return records.tap_record(entry, tap_capabilities(app.config, server_url + "/tap"),
                                  site, tables)
    rd = state.rds.get(entry.rd_id)
    if rd is None:
        return None
    if entry.kind == records.TABLE:
        table = rd.table(entry.res_id)
        if table is None:
            return None
        meta = served_metadata(table, state.imported.get(table.qualified_name.lower()))
        return records.table_record(
            entry, table.meta, meta, server_url + urls.table_info(table.qualified_name),
            rd.meta.get("description"), site,
            _services_of(state, rd, table, site, table.adql == "True"),
            coverage_of(rd, [table], table.meta, _measured(state)))
    if entry.kind == records.DATA:
        return _collection_record(state, rd, entry, site, server_url)
    bound = state.service(entry.rd_id, entry.res_id)
    if bound is None:
        return None
    reference = server_url + urls.service(entry.rd_id, bound.id)
    queried = [bound.table] if bound.table is not None else []
    return records.service_record(entry, bound.service.meta, bound.title, reference,
                                  _capabilities(app, state, bound, renderers), site,
                                  _tables_served_by(rd, bound.id, site),
                                  coverage_of(rd, queried, bound.service.meta,
                                              _measured(state)))


def sync(app: Any, state: Any, renderers: Mapping[str, Any], conn) -> None:
    """Keep the site's own records, note every live record's digest and tell
    ``state`` what is registered (worker thread, with a connection of its own;
    commits)."""
    site = Site.from_config(app.config)
    with conn.cursor() as cur:
        store.ensure(cur, site.ivoid(), records.AUTHORITY, records.HARVESTED)
        store.ensure(cur, site.ivoid("registry"), records.REGISTRY, records.HARVESTED)
        store.ensure(cur, site.ivoid("tap"), records.TAP, records.HARVESTED)
        digests = {}
        live = store.live(cur)
        state.registered = {(e.rd_id, e.kind, e.res_id): e.ivoid for e in live}
        for entry in live:
            record = record_of(app, state, renderers, entry)
            if record is None:
                log.warning("registry record %s cannot be written: %s/%s is not loaded",
                            entry.ivoid, entry.rd_id, entry.res_id)
            else:
                digests[entry.ivoid] = records.digest(record)
        store.note_digests(cur, digests)
    conn.commit()

"""What the server serves: the loaded RDs, their bound services and imported tables.

Built at start-up and on reload (in a worker thread, then swapped in on the
reactor), so a reload never leaves requests half-served.  A broken RD is
logged and left out; the others keep working.  A service DR cannot serve (a
core or renderers DaCHS has and DR lacks, or one that fails to bind) is left
out of ``services`` and listed in ``unavailable`` with the reason, for the
root page and its VOSI availability; the rest of its RD works.  Which renderers
DR serves is the caller's to say (the names of routes.SERVICE_RENDERERS): rd
knows only DaCHS's vocabulary.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field

from engine.config import Config
from engine.db.metadata import apply_recorded_audience, served_metadata
from engine.limits import store as limits_store
from engine.limits.store import TableLimits
from engine.obscore import served_table
from engine.pycore import run as pycore_run
from engine.services.core import BoundService
from engine.services.resolver import NameSource, name_sources
from engine.sia import sia2
from engine.tap.tables import queryable_tables
from rd.elements.column import Option
from rd.elements.resource import Resource
from rd.elements.service import PythonCore
from rd.elements.table import Table
from rd.errors import DRError
from rd.loader import all_rd_files, load_rd_file
from rd.tablemeta import TableMeta

log = logging.getLogger("dr.web")


@dataclass
class SiteState:
    """Everything a request needs to know about the site; replaced whole on reload."""

    config: Config
    rds: dict[str, Resource] = field(default_factory=dict)
    services: dict[tuple[str, str], BoundService] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)  # rd path -> error
    # (rd id, service id) -> why DR cannot serve it
    unavailable: dict[tuple[str, str], str] = field(default_factory=dict)
    imported: dict[str, dict] = field(default_factory=dict)  # table name -> dc.tables row
    tables: dict[str, Table] = field(default_factory=dict)  # imported RD tables
    name_sources: list[NameSource] = field(default_factory=list)
    tap_tables: list[TableMeta] = field(default_factory=list)  # queryable through TAP
    tap_listed: set[str] = field(default_factory=set)  # those TAP_SCHEMA lists
    tap_restricted: bool = False  # some TAP table is not for everyone
    # (rd id, kind, id) -> ivoid of what the registry holds (engine/web/registry.py)
    registered: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # table name -> what dr limits measured (engine/limits/store.py)
    limits: dict[str, TableLimits] = field(default_factory=dict)

    def service(self, rd_id: str, service_id: str) -> BoundService | None:
        return self.services.get((rd_id, service_id))

    def unavailable_reason(self, rd_id: str, service_id: str) -> str | None:
        """Why a service of a loaded RD is not served (None: served or unknown)."""
        return self.unavailable.get((rd_id, service_id))

    def table_meta(self) -> dict[str, TableMeta]:
        return {name: served_metadata(t, self.imported.get(name))
                for name, t in self.tables.items()}


def _read_imported(conn) -> dict[str, dict]:
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('dc.tables')")
        if cur.fetchone()[0] is None:
            return {}
        cur.execute("SELECT table_name, rd_id, adql, description, source_meta, nrows, "
                    "updated, unicode_columns, read_groups FROM dc.tables")
        names = [d[0] for d in cur.description]
        return {row[0]: dict(zip(names, row)) for row in cur.fetchall()}


def _enumerations(conn, table: Table) -> dict[str, list[str]]:
    """Allowed values of columns whose <values> lists options or says fromdb."""
    out: dict[str, list[str]] = {}
    for col in table.columns:
        values = col.values
        if values is None:
            continue
        options = [(o.content or "").strip() for o in values.children_of(Option)]
        if values.fromdb:
            with conn.cursor() as cur:
                cur.execute("SAVEPOINT dr_enum")
                try:
                    cur.execute(f"SELECT DISTINCT {values.fromdb}")
                    options += [str(r[0]) for r in cur.fetchall() if r[0] is not None]
                    cur.execute("RELEASE SAVEPOINT dr_enum")
                except Exception as exc:  # a bad fromdb must not take the site down
                    cur.execute("ROLLBACK TO SAVEPOINT dr_enum")
                    log.warning("%s: values fromdb failed: %s", values.pos, exc)
        if options:
            out[col.name.lower()] = sorted(dict.fromkeys(options))
    return out


def _bind_services(state: SiteState, conn, rd: Resource, path: str,
                   renderers: Collection[str]) -> None:
    """Bind the services of ``rd`` (those over ivoa.obscore with SIA 2 parameters
    through engine.sia.sia2); those DR cannot serve are listed as unavailable."""
    rd_id = rd.rd_id
    for service in rd.services:
        try:
            computed = isinstance(service.resolve_core(), PythonCore)
        except DRError:
            computed = False  # binding it below says what is wrong
        # A pythonCore computes its answers: only the renderers that run it.
        service.serve_renderers(
            [r for r in renderers if r in pycore_run.RENDERERS] if computed else
            [r for r in renderers if r != "uws.xml"])
        if service.unavailable is not None:
            state.unavailable[(rd_id, service.id)] = service.unavailable
            log.warning("service %s/%s unavailable: %s", rd_id, service.id,
                        service.unavailable)
            continue
        try:
            queried = service.resolve_core().queried_table
            core_table = rd.resolve_table(queried, service) if queried else None
            options = _enumerations(conn, core_table) if core_table else {}
            measured = (state.limits.get(core_table.qualified_name.lower())
                        if core_table else None)
            stats = measured.columns if measured is not None else {}
            if core_table is not None and sia2.is_sia2_service(service, core_table):
                bound = sia2.bind(rd, service, conn, state.imported, options)
                if bound is None:
                    raise service.error("SIA 2 needs ivoa.obscore, which this "
                                        "database lacks (dr init makes it)")
            else:
                meta = (served_metadata(core_table, state.imported.get(
                    core_table.qualified_name.lower())) if core_table else None)
                bound = BoundService(rd, service, options, meta, stats=stats)
            state.services[(rd_id, service.id)] = bound
        except DRError as exc:
            state.broken[f"{path}#{service.id}"] = str(exc)
            state.unavailable[(rd_id, service.id)] = str(exc)
            log.error("service %s/%s not loaded: %s", rd_id, service.id, exc)


def load_state(config: Config, conn, renderers: Collection[str]) -> SiteState:
    """Read every RD under the inputs directory and bind its services to the
    ``renderers`` DR serves (blocking)."""
    state = SiteState(config)
    state.imported = _read_imported(conn)
    with conn.cursor() as cur:
        state.limits = limits_store.load_all(cur)
    obscore_table = served_table(conn)
    for path in all_rd_files(config.inputs_dir):
        rd_id = str(path.relative_to(config.inputs_dir).with_suffix(""))
        try:
            rd = load_rd_file(path, rd_id)
        except DRError as exc:
            state.broken[str(path)] = str(exc)
            log.error("RD %s not loaded: %s", path, exc)
            continue
        apply_recorded_audience(rd.tables, state.imported)
        state.rds[rd_id] = rd
        for table in rd.tables:
            if table.qualified_name.lower() in state.imported:
                state.tables[table.qualified_name.lower()] = table
        _bind_services(state, conn, rd, str(path), renderers)
    if obscore_table is not None and sia2.has_contributors(conn):
        # DaCHS's site-wide SIA 2 service, once there is something to find.
        system = sia2.system_rd()
        state.rds[system.rd_id] = system
        _bind_services(state, conn, system, str(system.path), renderers)
    conn.rollback()
    # Restricted tables, and tables with rows under embargo, lend no names: that
    # would leak their rows to everyone.
    adql_tables = [t.metadata() for t in state.tables.values()
                   if t.adql == "True" and not t.read_groups and not t.embargo_column]
    state.name_sources = name_sources(adql_tables)
    queryable = queryable_tables(state.rds.values(), state.imported, obscore_table)
    state.tap_tables = [served_metadata(t, state.imported.get(t.qualified_name.lower()))
                        for t in queryable]
    state.tap_listed = {t.qualified_name.lower() for t in queryable if t.adql == "True"}
    state.tap_restricted = any(t.read_groups for t in state.tap_tables)
    return state

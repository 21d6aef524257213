"""The ``soda`` job kind: a SODA 1.0 {async} cutout, run by a UWS worker process.

The job's parameters are a dlget request's: one ID and SODA's filtering
parameters.  The dataset is found as dlmeta finds it, with the datalink
service its dc.products row names (``datalink``, e.g. ``califa/cubes#dl``)
deciding which accrefs are served.  The job runs as its owner (the user who
created it; nobody for an anonymous job) with the groups the owner has when
it runs (engine/accounts/users.py ``owner_groups``: none for a disabled or
deleted user): a dataset whose file (its table's readGroups, a running
embargo) or whose datalink service (``limitTo``) asks for a group they are
not in ends the job in ERROR with the very message an unknown ID gets, so a
job tells no more than dlmeta would.  The one
result, ``result``, is the cutout as FITS (several values of a parameter: one
image extension per combination, engine/soda/cutout.py); without filtering
parameters, the whole dataset.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

from engine.accounts.users import owner_groups
from engine.config import load_config
from engine.datalink.links import Fault, Where, resolve
from engine.datalink.recipe import Recipe, recipe_of
from engine.db.metadata import apply_recorded_audience
from engine.errors import ProtocolError
from engine.products import local
from engine.products.restrictions import allowed, product_restrictions
from engine.soda.cutout import cut_file
from engine.soda.params import CutoutRequest, parse_request
from engine.uws.model import Job, Result
from rd.accrefs import NotFoundError, getAccrefFromStandardPubDID
from rd.elements.service import DatalinkCore
from rd.elements.table import Table
from rd.errors import DRError
from rd.loader import load_rd

KIND = "soda"
RUN = "engine.datalink.job:run"
VALIDATE = "engine.datalink.job:validate"


def _request(job: Job) -> tuple[str, CutoutRequest]:
    ids = [p.text for p in job.parameters if p.name.upper() == "ID"]
    if len(ids) != 1:
        raise ProtocolError("UsageError: a SODA job takes exactly one ID" if ids else
                            "UsageError: a SODA job needs an ID (a publisher DID)")
    raw: dict[str, list[str]] = {}
    for p in job.parameters:
        raw.setdefault(p.name.upper(), []).append(p.text)
    return ids[0], parse_request(raw)


def validate(job: Job) -> None:
    """Check the parameters at run time (worker process)."""
    _request(job)


def _served(conn, accref_hint: str, inputs_dir: Path
            ) -> tuple[Recipe, dict[str, Table], str | None]:
    """The recipe of the datalink service of the product, its RD's tables and the
    service's limitTo."""
    with conn.cursor() as cur:
        cur.execute("SELECT p.datalink, t.rd_id FROM dc.products p LEFT JOIN dc.tables t "
                    "ON t.table_name = p.source_table WHERE p.accref = %s",
                    (accref_hint,))
        row = cur.fetchone()
    if row is None:
        return Recipe(), {}, None
    datalink, table_rd = row
    rd_id, _, service_id = (datalink or "").partition("#")
    rd = load_rd(rd_id or table_rd, inputs_dir) if (rd_id or table_rd) else None
    if rd is None:
        return Recipe(), {}, None
    tables = {t.qualified_name.lower(): t for t in rd.tables}
    with conn.cursor() as cur:
        cur.execute("SELECT table_name, read_groups FROM dc.tables WHERE table_name = "
                    "ANY(%s)", (list(tables),))
        apply_recorded_audience(tables.values(),
                                {name: {"read_groups": groups} for name, groups in cur})
    recipe, limit_to = Recipe(), None
    for service in rd.services:
        if service.id == service_id and isinstance(service.inline_core, DatalinkCore):
            recipe, limit_to = recipe_of(service.inline_core), service.limit_to
    return recipe, tables, limit_to


def run(job: Job, conn, workdir: Path) -> list[Result]:
    """Cut the dataset into ``workdir`` (worker process)."""
    config = load_config()
    ident, request = _request(job)
    authority = config.ivoa.authority
    try:
        accref = getAccrefFromStandardPubDID(ident, f"ivo://{authority}/~?")
    except NotFoundError:
        accref = ""
    try:
        recipe, tables, limit_to = _served(conn, accref, config.inputs_dir)
    except DRError as exc:
        raise ProtocolError(f"Error: the service of {ident} cannot be loaded: "
                            f"{exc}") from None
    today = datetime.datetime.now(datetime.UTC).date()
    groups = owner_groups(conn, job.owner)

    def may_see(product) -> bool:
        table = tables.get(product.source_table)
        if table is None or (limit_to and limit_to not in groups):
            return False
        return allowed(groups, product_restrictions(table, product, today))

    where = Where(config.web.server_url.rstrip("/"), authority, config.inputs_dir,
                  "", None, tables, may_see, lambda path: None)
    with conn.cursor() as cur:
        try:
            product = resolve(cur, ident, recipe, where)
        except Fault as fault:  # Restricted too: word for word an unknown ID's
            raise ProtocolError(f"UsageError: {fault.message}") from None
    if product.remote:
        raise ProtocolError(f"UsageError: {ident} is not stored here, so it cannot be "
                            "cut")
    source = local.local_file(product.access_path, config.inputs_dir)
    if request.is_empty():
        name = Path(product.access_path).name
        shutil.copyfile(source, workdir / name)
        with open(source, "rb") as f:
            gzipped = f.read(2) == local.GZIP_MAGIC
        return [Result("result", name, local.served_type(product.mime, gzipped))]
    if not recipe.cutouts:
        raise ProtocolError("UsageError: this service does not cut datasets")
    with open(workdir / "cutout.fits", "wb") as out:
        cut_file(source, request, out)
    return [Result("result", "cutout.fits", "application/fits")]

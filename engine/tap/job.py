"""The ``tap`` job kind: an async TAP query, run by a UWS worker process into a file."""

from __future__ import annotations

from pathlib import Path

from engine.accounts import owner_groups
from engine.config import load_config
from engine.db.fetch import FetchCancelled, fetch_batches
from engine.db.rowsecurity import as_caller
from engine.errors import ProtocolError
from engine.formats import Status
from engine.formats.limit import Limited
from engine.tap.query import TapQuery
from engine.tap.tables import load_tap_tables, table_map
from engine.uws.model import Job, Result

KIND = "tap"
RUN = "engine.tap.job:run"
VALIDATE = "engine.tap.job:validate"
READS_ONLY = "engine.tap.job:reads_only"


def validate(job: Job) -> None:
    """Check the parameters at run time, as TAP wants (worker process)."""
    TapQuery.from_params(job.params(), load_config())


def reads_only(job: Job) -> bool:
    """A query without uploads only reads: it may run on the read replica (uploads
    become temporary tables, which a hot standby cannot make) (worker process)."""
    return not any(v.strip() for v in job.params().all("UPLOAD"))


def run(job: Job, conn, workdir: Path) -> list[Result]:
    """Run the query and write its result (worker process)."""
    config = load_config()
    query = TapQuery.from_params(job.params(), config)
    # The same fetcher and limits as /sync; a worker process may wait on it.
    query = query.fetch_uploads(config.web)
    groups = owner_groups(conn, job.owner)
    tables = table_map(load_tap_tables(config.inputs_dir, conn), groups)
    plan = query.plan(conn, tables, job.data, config.web.upload_limit)
    # Uploads were made above; the user's query itself runs read-only, as its owner.
    conn.commit()
    conn.readonly = True
    with conn.cursor() as cur:
        as_caller(cur, groups)
    name = f"result.{query.format.extension}"
    rows = 0
    try:
        batches = fetch_batches(conn, plan.sql, plan.values, plan.columns,
                                max_rows=plan.limit + 1)
        writer = query.format.writer(plan.columns, spool_limit=config.web.spool_limit,
                                     site_url=config.web.server_url, **plan.writer_options)
        with open(workdir / name, "wb") as out:
            rows = _write(writer, batches, plan.limit, out, query.format.spooled,
                          config.web.spool_limit)
    except FetchCancelled:
        raise ProtocolError("the query ran longer than the job's execution duration "
                            "and was stopped") from None
    return [Result("result", name, query.format.content_type, rows=rows)]


def _write(writer, batches, limit: int, out, spooled: bool, spool_limit: int) -> int:
    """Write the result file; the rows written.  A file that would grow past
    ``spool_limit`` bytes ends early with an error status saying so."""
    limited = Limited(batches, limit)
    status = None
    if not spooled:
        out.write(writer.head())
    for batch in limited:
        if spooled:
            if not writer.add(batch):
                break  # finish() records the spool limit as the status
        else:
            out.write(writer.batch(batch))
            if out.tell() > spool_limit:
                message = (f"the result was cut off: it grew past {spool_limit:,} bytes, "
                           "the most this server keeps for a job; ask for fewer rows or "
                           "columns")
                if not writer.in_band_status:  # CSV cannot say so: the job fails
                    raise ProtocolError(message)
                status = Status.error(message)
                break
    if status is None:
        status = Status.overflow() if limited.overflow else Status.ok()
    if spooled:
        for chunk in writer.finish(status):
            out.write(chunk)
        writer.close()
    else:
        out.write(writer.tail(status))
    batches.close()
    return writer.rows if spooled else limited.rows

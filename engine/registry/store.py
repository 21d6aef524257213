"""``dc.resources``: the records of the publishing registry and when each changed.

``dr pub RD`` makes an RD's registered services exactly those with a
``<publish>`` in the set ``ivo_managed``, and its tables that publish
themselves there (:func:`publish`); ``dr pub -u`` and
``dr drop`` withdraw them (:func:`withdraw`).  A withdrawn record stays, as
deleted, so that harvesters learn it is gone.  The site's own records (the
registry, its authority, TAP) are kept by :func:`ensure`.  A record's datestamp
(``updated``) moves only when its content does: the server, which writes the
records, reports their digests (:func:`note_digests`).  Times are UTC, to the
second, as OAI-PMH's granularity is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NOW = "date_trunc('second', now())"
_COLUMNS = "ivoid, rd_id, kind, res_id, sets, created, updated, deleted"


@dataclass(frozen=True)
class Entry:
    """One record's header: its identifier, origin, sets, datestamp and status."""

    ivoid: str
    rd_id: str           # '' for the site's own records
    kind: str            # service, table, registry, authority, tap
    res_id: str          # the service's or table's id in its RD ('' for the site's)
    sets: tuple[str, ...]
    created: datetime.datetime
    updated: datetime.datetime
    deleted: bool


def _entries(cur) -> list[Entry]:
    return [Entry(ivoid, rd_id, kind, res_id, tuple(sets), created, updated, deleted)
            for ivoid, rd_id, kind, res_id, sets, created, updated, deleted
            in cur.fetchall()]


def publish(cur, rd_id: str, records: Mapping[str, tuple[str, str, Iterable[str]]]
            ) -> tuple[list[str], list[str]]:
    """Make the registered resources of ``rd_id`` exactly ``records`` (ivoid ->
    (kind, id in the RD, sets)): new ones are added, withdrawn ones come back,
    those no longer listed are withdrawn.  Returns (published, withdrawn) ivoids."""
    for ivoid, (kind, res_id, sets) in records.items():
        _register(cur, ivoid, rd_id, kind, res_id, sets)
    cur.execute(f"UPDATE dc.resources SET deleted = true, updated = {NOW} "
                "WHERE rd_id = %s AND NOT deleted AND NOT ivoid = ANY(%s) "
                "RETURNING ivoid", (rd_id, [i.lower() for i in records]))
    return sorted(i.lower() for i in records), sorted(r[0] for r in cur.fetchall())


def withdraw(cur, rd_id: str) -> list[str]:
    """Withdraw every record of ``rd_id`` (kept as deleted); the ivoids withdrawn."""
    return publish(cur, rd_id, {})[1]


def ensure(cur, ivoid: str, kind: str, sets: Iterable[str]) -> None:
    """Keep one of the site's own records (rd_id '') registered."""
    _register(cur, ivoid, "", kind, "", sets)


def _register(cur, ivoid: str, rd_id: str, kind: str, res_id: str,
              sets: Iterable[str]) -> None:
    """Add a record, or bring it back: a new datestamp when it was withdrawn or
    its kind or sets change."""
    cur.execute(
        f"INSERT INTO dc.resources (ivoid, rd_id, kind, res_id, sets) VALUES "
        f"(%s, %s, %s, %s, %s) ON CONFLICT (ivoid) DO UPDATE SET "
        f"rd_id = excluded.rd_id, kind = excluded.kind, res_id = excluded.res_id, "
        f"sets = excluded.sets, deleted = false, "
        f"updated = CASE WHEN dc.resources.deleted OR dc.resources.sets <> "
        f"excluded.sets OR dc.resources.kind <> excluded.kind THEN {NOW} "
        f"ELSE dc.resources.updated END",
        (ivoid.lower(), rd_id, kind, res_id, sorted(set(sets))))


def note_digests(cur, digests: Mapping[str, str]) -> None:
    """Record the digests of the records as now written; a record whose digest
    changed gets a new datestamp (one never written before keeps its own)."""
    for ivoid, digest in digests.items():
        cur.execute(f"UPDATE dc.resources SET digest = %s, updated = CASE WHEN "
                    f"digest = '' THEN updated ELSE {NOW} END "
                    "WHERE ivoid = %s AND digest <> %s", (digest, ivoid.lower(), digest))


def live(cur) -> list[Entry]:
    """The records not withdrawn."""
    cur.execute(f"SELECT {_COLUMNS} FROM dc.resources WHERE NOT deleted ORDER BY ivoid")
    return _entries(cur)


def entry(cur, ivoid: str) -> Entry | None:
    cur.execute(f"SELECT {_COLUMNS} FROM dc.resources WHERE ivoid = %s", (ivoid.lower(),))
    found = _entries(cur)
    return found[0] if found else None


def headers(cur, *, set_name: str | None = None, start: datetime.datetime | None = None,
            until: datetime.datetime | None = None,
            after: tuple[datetime.datetime, str] | None = None,
            limit: int = 100) -> list[Entry]:
    """Records by datestamp and ivoid: in ``set_name`` (None: any), with datestamps
    from ``start`` to ``until`` (inclusive), after the (datestamp, ivoid) ``after``
    (where the previous page ended), at most ``limit``."""
    conditions, values = ["true"], []
    if set_name is not None:
        conditions.append("%s = ANY(sets)")
        values.append(set_name)
    if start is not None:
        conditions.append("updated >= %s")
        values.append(start)
    if until is not None:
        conditions.append("updated <= %s")
        values.append(until)
    if after is not None:
        conditions.append("(updated, ivoid) > (%s, %s)")
        values += list(after)
    cur.execute(f"SELECT {_COLUMNS} FROM dc.resources WHERE {' AND '.join(conditions)} "
                "ORDER BY updated, ivoid LIMIT %s", (*values, limit))
    return _entries(cur)


def earliest(cur) -> datetime.datetime | None:
    cur.execute("SELECT min(updated) FROM dc.resources")
    return cur.fetchone()[0]


def set_names(cur) -> list[str]:
    cur.execute("SELECT DISTINCT unnest(sets) FROM dc.resources ORDER BY 1")
    return [row[0] for row in cur.fetchall()]

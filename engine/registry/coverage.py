"""A record's ``coverage``: what the RD states, completed by what ``dr limits`` measured.

As in DaCHS, an RD's ``<coverage>`` speaks for every resource of the RD: the
values it writes out win, and its ``<updater>`` names the tables whose
measurements fill in the rest.  An RD without one lets each record speak for
its own tables: a table's record its measurements, a service's record those
of the table it queries.  ``coverage.waveband`` and
``coverage.regionOfRegard`` meta add the messengers and the blur radius.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from engine.limits.store import TableLimits
from rd.elements.coverage import Spectral, Temporal
from rd.elements.resource import Resource
from rd.elements.table import Table
from rd.meta import MetaStore
from rd.moc import Moc

Interval = tuple[float, float]


@dataclass(frozen=True)
class Coverage:
    moc: Moc | None = None
    temporal: tuple[Interval, ...] = ()   # MJD
    spectral: tuple[Interval, ...] = ()   # Joules
    wavebands: tuple[str, ...] = ()
    region_of_regard: str = ""

    def __bool__(self) -> bool:
        return bool(self.moc or self.temporal or self.spectral or self.wavebands
                    or self.region_of_regard)


def _hull(ranges: Iterable[Interval | None]) -> tuple[Interval, ...]:
    found = [r for r in ranges if r is not None]
    return ((min(r[0] for r in found), max(r[1] for r in found)),) if found else ()


def _union(mocs: Iterable[Moc | None]) -> Moc | None:
    found = [m for m in mocs if m]
    return found[0].union(*found[1:]) if found else None


def coverage_of(rd: Resource, tables: Iterable[Table], meta: MetaStore | None,
                measured: Callable[[Table], TableLimits | None]) -> Coverage:
    """The coverage of a record of ``rd`` about ``tables`` (a table, or the table a
    service queries); ``measured`` gives a table's dr limits figures."""
    declared = rd.coverage
    if declared is not None:
        def of(axis: str) -> list[TableLimits]:
            table = declared.measured(axis)
            found = measured(table) if table is not None else None
            return [found] if found is not None else []

        moc = declared.moc or _union(m.moc for m in of("space"))
        temporal = tuple(declared.intervals(Temporal)) or _hull(m.time for m in of("time"))
        spectral = tuple(declared.intervals(Spectral)) or \
            _hull(m.energy for m in of("spectral"))
    else:
        own = [m for t in tables if (m := measured(t)) is not None]
        moc = _union(m.moc for m in own)
        temporal = _hull(m.time for m in own)
        spectral = _hull(m.energy for m in own)
    wavebands: tuple[str, ...] = ()
    region = ""
    if meta is not None:
        wavebands = tuple(dict.fromkeys(i.value for i in meta.get_all("coverage.waveband")))
        region = meta.get("coverage.regionOfRegard") or ""
    return Coverage(moc, temporal, spectral, wavebands, region)

"""Which data elements ``dr imp`` runs, and in what order: those named, else the
auto ones, each followed by the data elements its ``recreateAfter`` names."""

from __future__ import annotations

from collections.abc import Sequence

from rd.elements.data import Data
from rd.elements.resource import Resource
from rd.errors import DRError


def select_data(rd: Resource, data_ids: Sequence[str],
                skipped: list[str] | None = None) -> list[Data]:
    """The data elements to import: those named, else the auto ones DR can import
    (the others are added to ``skipped`` with the reason), each followed by those
    its ``recreateAfter`` names (once, after the last that names them)."""
    chosen = _chosen_data(rd, data_ids, skipped)
    ordered: list[Data] = []

    def add(data: Data, naming: tuple[Data, ...]) -> None:
        if data in naming:
            raise data.error("recreateAfter goes round in a circle: "
                             + " -> ".join(d.id or "?" for d in (*naming, data)))
        if data in ordered:
            ordered.remove(data)
        ordered.append(data)
        for ident in data.recreate_after:
            after = rd.data_by_id(ident)
            if after is None:
                known = ", ".join(d.id or "?" for d in rd.data if d.id) or "none"
                raise data.error(f"recreateAfter {ident!r} is no data element of this "
                                 f"RD (it has: {known})")
            if after.unimportable is not None:
                raise after.error(f"cannot be imported: {after.unimportable}")
            add(after, (*naming, data))

    for data in chosen:
        add(data, ())
    return ordered


def _chosen_data(rd: Resource, data_ids: Sequence[str],
                 skipped: list[str] | None) -> list[Data]:
    if not data_ids:
        chosen = []
        for data in rd.data:
            if not (data.auto and data.makes):
                continue
            if data.unimportable is not None:
                if skipped is not None:
                    skipped.append(f"{data.pos}: <data> {data.id or ''!r} not imported: "
                                   f"{data.unimportable}")
                continue
            chosen.append(data)
        return chosen
    chosen = []
    for ident in data_ids:
        data = rd.data_by_id(ident)
        if data is None:
            known = ", ".join(d.id or "?" for d in rd.data) or "none"
            raise DRError(f"{rd.rd_id} has no data element {ident!r} (it has: {known})")
        if data.unimportable is not None:
            raise data.error(f"cannot be imported: {data.unimportable}")
        chosen.append(data)
    return chosen

"""Spatial coverage as a HEALPix Multi-Order Coverage map (IVOA MOC 2.0), in pure Python.

A :class:`Moc` is a set of NESTED HEALPix cells of one depth (its maximal order),
held as sorted disjoint half-open ranges of cell numbers at that depth, which
makes unions and comparisons a matter of interval arithmetic.  Written out
(:meth:`Moc.ascii`) it is normalised: four sibling cells become their parent,
as the MOC standard's ASCII serialisation requires (``"3/3 10 4/16-18 22 6/"``;
the trailing ``6/`` states the depth when its order holds no cell).  The
database finds the cells (pg_sphere's ``healpix_nest``); this module only
arranges them; it lives in ``rd`` because an RD's ``<coverage>`` may state a
MOC, which is checked when the RD loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_DEPTH = 29  # the MOC standard's deepest order
_TOKEN = re.compile(r"(\d+)/|(\d+)(?:-(\d+))?")


@dataclass(frozen=True)
class Moc:
    """Cells of order ``depth`` as sorted, disjoint, non-touching ranges [start, end)."""

    depth: int
    ranges: tuple[tuple[int, int], ...]

    @classmethod
    def from_cells(cls, depth: int, cells: Iterable[int]) -> Moc:
        """The MOC of NESTED cell numbers of order ``depth`` (any order, repeats)."""
        _check_depth(depth)
        ranges: list[tuple[int, int]] = []
        ordered = sorted(set(cells))
        if ordered and (ordered[0] < 0 or ordered[-1] >= 12 * 4 ** depth):
            raise ValueError(f"cells {ordered[0]}..{ordered[-1]} do not all exist at "
                             f"order {depth}")
        for cell in ordered:
            if ranges and ranges[-1][1] == cell:
                ranges[-1] = (ranges[-1][0], cell + 1)
            else:
                ranges.append((cell, cell + 1))
        return cls(depth, tuple(ranges))

    @classmethod
    def parse(cls, text: str) -> Moc:
        """A MOC from its ASCII serialisation (``order/cell cell-cell ...``)."""
        pieces: list[tuple[int, int, int]] = []  # (order, first, last)
        order: int | None = None
        position = 0
        text = text.strip()
        if text[:1] == "s":  # MOC 2.0's optional space prefix
            position = 1
        while position < len(text):
            if text[position].isspace():
                position += 1
                continue
            match = _TOKEN.match(text, position)
            if match is None:
                raise ValueError(f"not a MOC at character {position + 1}: "
                                 f"{text[position:position + 20]!r}")
            position = match.end()
            if match.group(1) is not None:
                order = int(match.group(1))
                _check_depth(order)
                pieces.append((order, -1, -1))
                continue
            if order is None:
                raise ValueError("a MOC starts with an order, like 6/")
            first = int(match.group(2))
            last = int(match.group(3)) if match.group(3) else first
            if last < first or last >= 12 * 4 ** order:
                raise ValueError(f"cells {first}-{last} do not exist at order {order}")
            pieces.append((order, first, last))
        if not pieces:
            return cls(0, ())
        depth = max(p[0] for p in pieces)
        spans = [(first << 2 * (depth - o), (last + 1) << 2 * (depth - o))
                 for o, first, last in pieces if first >= 0]
        return cls(depth, _merge(spans))

    def at_depth(self, depth: int) -> Moc:
        """The same sky at another depth (coarser: every touched cell counts whole)."""
        _check_depth(depth)
        if depth >= self.depth:
            shift = 2 * (depth - self.depth)
            return Moc(depth, tuple((s << shift, e << shift) for s, e in self.ranges))
        shift = 2 * (self.depth - depth)
        return Moc(depth, _merge([(s >> shift, ((e - 1) >> shift) + 1)
                                  for s, e in self.ranges]))

    def union(self, *others: Moc) -> Moc:
        depth = max([self.depth] + [o.depth for o in others])
        spans = [r for moc in (self, *others) for r in moc.at_depth(depth).ranges]
        return Moc(depth, _merge(spans))

    def cells(self) -> dict[int, list[int]]:
        """The normalised cells: order -> sorted cell numbers (each cell as coarse as
        the MOC allows)."""
        out: dict[int, list[int]] = {}
        for start, end in self.ranges:
            while start < end:
                order, size = self.depth, 1
                while order > 0 and start % (size * 4) == 0 and start + size * 4 <= end:
                    order, size = order - 1, size * 4
                out.setdefault(order, []).append(start // size)
                start += size
        return {order: sorted(out[order]) for order in sorted(out)}

    def ascii(self) -> str:
        """The MOC standard's ASCII serialisation, e.g. ``3/3 10 4/16-18 22 6/``."""
        parts = []
        cells = self.cells()
        for order, numbers in cells.items():
            runs: list[list[int]] = []
            for n in numbers:
                if runs and runs[-1][1] == n - 1:
                    runs[-1][1] = n
                else:
                    runs.append([n, n])
            parts.append(f"{order}/" + " ".join(
                str(a) if a == b else f"{a}-{b}" for a, b in runs))
        if self.depth not in cells:
            parts.append(f"{self.depth}/")
        return " ".join(parts)

    @property
    def sky_fraction(self) -> float:
        """The fraction of the sphere covered (0..1)."""
        return sum(e - s for s, e in self.ranges) / (12 * 4 ** self.depth)

    def __bool__(self) -> bool:
        return bool(self.ranges)


def _check_depth(depth: int) -> None:
    if not 0 <= depth <= MAX_DEPTH:
        raise ValueError(f"a HEALPix order is between 0 and {MAX_DEPTH}, not {depth}")


def _merge(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, disjoint ranges covering ``spans`` (touching ranges joined)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)

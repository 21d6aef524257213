"""``<coverage>``: where, when and at what energies an RD's data lie, for its
registry records.

Values written in the RD (``<spatial>`` as an ASCII MOC, ``<temporal>`` MJD
intervals, ``<spectral>`` intervals in Joules) are the publisher's word and
win; an ``<updater>`` names the tables ``dr limits`` measures for whatever the
RD leaves out (``sourceTable`` for all three, ``spaceTable``, ``timeTable``,
``spectralTable`` for one each) and the MOC order it uses.
"""

from __future__ import annotations

from rd.elements.table import Table
from rd.meta import HasMeta, HasProperties, Meta, Property
from rd.moc import Moc
from rd.structure import Attr, Element, element, parse_int


def parse_interval(text: str) -> tuple[float, float]:
    parts = text.split()
    if len(parts) != 2:
        raise ValueError(f"an interval is two numbers, lower and upper, not {text!r}")
    low, high = (float(p) for p in parts)
    if not low <= high:
        raise ValueError(f"the lower end of {text!r} is above its upper end")
    return low, high


class _Interval(Element):
    text = "interval_text"

    def finish(self) -> None:
        super().finish()
        self.interval: tuple[float, float] | None = None
        if self.interval_text and self.interval_text.strip():
            try:
                self.interval = parse_interval(self.interval_text)
            except ValueError as exc:
                raise self.error(str(exc)) from None


@element
class Temporal(_Interval):
    tag = "temporal"
    doc = "A time interval the data cover: two MJDs (empty: dr limits measures it)."


@element
class Spectral(_Interval):
    tag = "spectral"
    doc = ("A spectral interval the data cover: two particle energies in Joules "
           "(empty: dr limits measures it).")


@element
class Spatial(Element):
    tag = "spatial"
    doc = "The sky the data cover, an ASCII MOC (empty: dr limits measures it)."
    text = "moc_text"

    def finish(self) -> None:
        super().finish()
        self.moc = None
        if self.moc_text and self.moc_text.strip():
            try:
                self.moc = Moc.parse(self.moc_text)
            except ValueError as exc:
                raise self.error(f"not an ASCII MOC: {exc}") from None


@element
class Updater(HasMeta, HasProperties):
    tag = "updater"
    doc = "Which tables dr limits measures for the coverage, and at which MOC order."
    children = {"meta": Meta, "property": Property}
    attrs = (
        Attr("mocOrder", parse_int, 6, doc="the HEALPix order of the MOC (6: about "
                                           "a degree; each step halves the cells)"),
        Attr("sourceTable", doc="a table (id) to measure all of space, time and "
                                "energy on"),
        Attr("spaceTable", doc="the table the MOC comes from (overrides sourceTable)"),
        Attr("timeTable", doc="the table the time range comes from"),
        Attr("spectralTable", doc="the table the energy range comes from"),
    )

    def finish(self) -> None:
        super().finish()
        if not 0 <= self.moc_order <= 29:
            raise self.error(f"mocOrder is a HEALPix order, 0 to 29, not {self.moc_order}")


@element
class Coverage(HasMeta, HasProperties):
    tag = "coverage"
    doc = "The coverage of the RD's resources in space, time and energy."
    children = {"updater": Updater, "spatial": Spatial, "temporal": Temporal,
                "spectral": Spectral, "meta": Meta, "property": Property}

    @property
    def updater(self) -> Updater | None:
        return next(self.children_of(Updater), None)

    @property
    def moc(self):
        return next((s.moc for s in self.children_of(Spatial) if s.moc), None)

    def intervals(self, kind: type[_Interval]) -> list[tuple[float, float]]:
        return [c.interval for c in self.children_of(kind) if c.interval]

    def measured(self, axis: str) -> Table | None:
        """The table ``dr limits`` measures for ``axis`` (space, time, spectral)."""
        updater = self.updater
        if updater is None:
            return None
        ref = getattr(updater, f"{axis}_table") or updater.source_table
        return self.rd.resolve_table(ref, updater) if ref else None

    def finish(self) -> None:
        super().finish()
        for axis in ("space", "time", "spectral"):
            self.measured(axis)  # an unknown table is an error naming the line

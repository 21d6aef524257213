"""``dr limits``: row counts, coverage and column statistics measured in PostgreSQL,
checked against the same figures computed here with numpy, astropy and healpy
from the source rows; what anonymous callers may not read is not measured.
"""

from __future__ import annotations

import math

import astropy.units as u
import healpy
import numpy as np
import pytest

from engine.limits import store
from rd.moc import Moc
from tests.ingest.resources import write_resource

ROWS = 400


def _rows() -> list[tuple]:
    rng = np.random.default_rng(7)
    out = []
    for i in range(ROWS):
        ra, dec = rng.uniform(150, 170), rng.uniform(-5, 25)
        wl = rng.uniform(3700, 7500)  # Angstrom
        mjd = 55000 + rng.uniform(0, 900)
        mag = "NaN" if i % 50 == 0 else f"{rng.normal(15, 2):.4f}"
        kind = ("galaxy", "star", "qso")[i % 3 if i % 10 else 0]
        released = "2099-01-01" if i % 4 == 0 else "2001-01-01"
        out.append((i, ra, dec, wl, mjd, mag, kind, released))
    return out


TABLE = """
  <table id="obs" onDisk="True" adql="True" embargoColumn="released">
    <column name="id" type="integer" ucd="meta.id;meta.main"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="wl" type="real" unit="Angstrom" ucd="em.wl.central"/>
    <column name="mjd" type="double precision" unit="d" ucd="time.epoch"/>
    <column name="mag" type="real" unit="mag" ucd="phot.mag"/>
    <column name="kind" type="text"><property name="statistics">enumerate</property>
    </column>
    <column name="released" type="date"/>
    <column name="secret" type="integer"><property name="statistics">no</property>
    </column>
  </table>
  <table id="closed" onDisk="True" adql="True" readGroups="team">
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
  </table>
  <table id="dated" onDisk="True">
    <column name="start" type="timestamp" ucd="time.start"/>
    <column name="stop" type="timestamp" ucd="time.end"/>
    <column name="freq" type="double precision" unit="GHz" ucd="em.freq"/>
  </table>
  <data id="dated_import">
    <sources pattern="data/dated.csv"/>
    <csvGrammar/>
    <make table="dated"><rowmaker idmaps="*"/></make>
  </data>
  <data id="import">
    <sources pattern="data/obs.csv"/>
    <csvGrammar/>
    <make table="obs"><rowmaker idmaps="*"/></make>
  </data>
  <data id="closed_import">
    <sources pattern="data/closed.csv"/>
    <csvGrammar/>
    <make table="closed"><rowmaker idmaps="*"/></make>
  </data>
"""


@pytest.fixture
def measured(db):
    rows = _rows()
    csv = "id,ra,dec,wl,mjd,mag,kind,released,secret\n" + "".join(
        f"{i},{ra!r},{dec!r},{wl!r},{mjd!r},{mag},{kind},{rel},{i}\n"
        for i, ra, dec, wl, mjd, mag, kind, rel in rows)
    write_resource(db.home / "inputs", "lim", TABLE,
                   {"data/obs.csv": csv, "data/closed.csv": "ra,dec\n10,10\n20,20\n",
                    "data/dated.csv": "start,stop,freq\n"
                                      "2015-01-01T00:00:00,2015-01-01T06:00:00,230\n"
                                      "2016-03-01T12:00:00,2016-03-02T00:00:00,345\n"})
    result = db.cli("imp", "lim")
    assert result.status == 0, result.err
    result = db.cli("limits", "lim", "-m", "7")
    assert result.status == 0, result.err
    with db.connect() as conn, conn.cursor() as cur:
        found = store.load_all(cur)
    public = [r for r in rows if r[7] != "2099-01-01"]  # rows under embargo are not
    return result.out, found, public


def test_counts_extremes_and_percentiles_are_those_of_the_public_rows(measured):
    out, found, public = measured
    limits = found["lim.obs"]
    assert "lim.obs: 300 rows, MOC of order 7" in out
    assert limits.rows == len(public) == 300
    mags = np.array([float(r[5]) for r in public])
    finite = mags[np.isfinite(mags)]
    stats = limits.columns["mag"]
    assert stats.minimum == pytest.approx(finite.min(), rel=1e-6)
    assert stats.maximum == pytest.approx(finite.max(), rel=1e-6)
    assert stats.fill == 1.0  # NaN is a value, only not an extreme
    # percentile_disc: a value of the data at that rank
    assert np.isclose(finite, stats.median, rtol=1e-6).any()
    assert abs(stats.median - np.median(finite)) < 0.2
    assert stats.p03 < stats.median < stats.p97
    assert "secret" not in limits.columns  # statistics=no
    kind = limits.columns["kind"]
    counts = {k: sum(1 for r in public if r[6] == k) for k in ("galaxy", "star", "qso")}
    assert list(kind.values) == sorted(counts, key=lambda k: (-counts[k], k))
    assert list(kind.freqs) == pytest.approx([counts[k] / 300 for k in kind.values])


def test_the_moc_holds_exactly_the_healpix_cells_of_the_public_positions(measured):
    _, found, public = measured
    moc = found["lim.obs"].moc
    ra = np.array([r[1] for r in public])
    dec = np.array([r[2] for r in public])
    cells = healpy.ang2pix(2 ** 7, ra, dec, nest=True, lonlat=True)
    assert moc == Moc.from_cells(7, cells.tolist())
    # A MOC library from PyPI reads what the registry will serve.
    from mocpy import MOC

    parsed = MOC.from_str(moc.ascii())
    assert parsed.contains_lonlat(ra * u.deg, dec * u.deg).all()
    assert parsed.sky_fraction == pytest.approx(moc.sky_fraction)


def test_time_and_energy_ranges_come_out_in_mjd_and_joules(measured):
    _, found, public = measured
    limits = found["lim.obs"]
    mjds = [r[4] for r in public]
    assert limits.time == pytest.approx((min(mjds), max(mjds)))
    wls = np.array([r[3] for r in public], dtype=np.float32) * u.AA
    energies = wls.to(u.J, equivalencies=u.spectral()).value
    assert limits.energy == pytest.approx((energies.min(), energies.max()), rel=1e-6)


def test_timestamps_and_frequencies_count_too(measured):
    from astropy.time import Time

    _, found, _ = measured
    dated = found["lim.dated"]
    assert dated.time == pytest.approx((Time("2015-01-01T00:00:00").mjd,
                                        Time("2016-03-02T00:00:00").mjd))
    hz = np.array([230, 345]) * u.GHz
    assert dated.energy == pytest.approx(tuple(hz.to(u.J, equivalencies=u.spectral())
                                               .value), rel=1e-9)
    assert dated.moc is None  # no positions


def test_a_table_only_a_group_may_read_gives_away_nothing(measured):
    out, found, _ = measured
    closed = found["lim.closed"]
    assert closed.rows == 0 and closed.moc is None
    assert closed.columns["ra"].minimum is None
    assert "lim.closed: 0 rows" in out


def test_dr_limits_replaces_earlier_figures_and_dr_drop_forgets_them(db, measured):
    result = db.cli("limits", "lim", "obs")  # the RD's default order this time
    assert result.status == 0, result.err
    assert "lim.closed" not in result.out
    with db.connect() as conn, conn.cursor() as cur:
        found = store.load_all(cur)
    assert found["lim.obs"].moc.depth == 6 and "lim.closed" in found
    assert db.cli("drop", "lim").status == 0
    assert db.query("SELECT count(*) FROM dc.table_limits") == [(0,)]
    assert db.query("SELECT count(*) FROM dc.column_stats") == [(0,)]


def test_an_unknown_table_is_an_error_naming_it(db, measured):
    result = db.cli("limits", "lim", "nosuch")
    assert result.status != 0
    assert "'nosuch' is not a table of this RD" in result.err


def test_moc_serialisation_round_trips_and_matches_the_standards_example():
    text = "3/3 10 4/16-18 22 6/"
    assert Moc.parse(text).ascii() == text
    whole = Moc.from_cells(2, range(12 * 16))
    assert whole.ascii() == "0/0-11 2/" and whole.sky_fraction == 1.0
    assert Moc.parse("1/0 2/").union(Moc.parse("1/1")).ascii() == "1/0-1 2/"
    assert math.isclose(Moc.parse("0/4").sky_fraction, 1 / 12)
    for bad in ("6/49152", "x", "3/5-2", "30/1"):
        with pytest.raises(ValueError):
            Moc.parse(bad)

"""//ssap#hcd and //ssap#setMeta: a DaCHS-style SSA table of spectra loads and
imports; its SSA columns, params and products come out as DaCHS's would."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from astropy.io import fits

from rd.errors import RDError
from rd.loader import load_rd

MIXIN = """<mixin fluxCalibration="ABSOLUTE" fluxUnit="erg/(s.cm**2.Angstrom)"
      spectralUnit="Angstrom" instrument="TestSpec">//ssap#hcd</mixin>"""
SET_META = """<apply procDef="//ssap#setMeta">
          <bind key="pubDID">\\standardPubDID</bind>
          <bind key="dstitle">@OBJECT + " spectrum"</bind>
          <bind key="targname">@OBJECT</bind>
          <bind key="alpha">@RA</bind>
          <bind key="delta">@DEC</bind>
          <bind key="dateObs">vars.get("DATE_OBS") or vars.get("JD_OBS")</bind>
          <bind key="timeExt">@EXPTIME</bind>
          <bind key="specstart">@WAVEMIN * 1e-10</bind>
          <bind key="specend">@WAVEMAX * 1e-10</bind>
          <bind key="specmid">12345</bind>
          <bind key="length">vars.get("NPOINTS") or vars.get("NAXIS1")</bind>
        </apply>"""
RD = """<resource schema="ssat">
  <meta name="publisher">The Test Spectra Publisher</meta>
  <table id="spectra" onDisk="True" adql="True">
    MIXIN
  </table>
  <data id="import">
    <sources pattern="data/*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.spectra"</bind>
        <bind key="preview">None</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="spectra">
      <rowmaker idmaps="*">
        SET_META
      </rowmaker>
    </make>
  </data>
</resource>
"""

# file: (OBJECT, RA, DEC, date keyword and value, EXPTIME, WAVEMIN, WAVEMAX [Angstrom])
SPECTRA = {
    "a.fits": ("HD 1234", 10.5, -20.25, ("DATE-OBS", "2020-01-01T12:00:00"), 600.0,
               4000.0, 7000.0),
    "b.fits": ("NGC 42", 200.0, 45.0, ("JD-OBS", 2459000.5), 30.0, 3500.0, 9000.0),
    "c.fits": ("Vega", 279.2347, 38.7837, ("DATE-OBS", "2021-06-30"), 1.5,
               5000.0, 5100.0),
}


def write_spectrum(path, name: str, values: tuple) -> None:
    """a.fits and b.fits: a 1-D image; c.fits: a BINTABLE with an empty primary."""
    obj, ra, dec, (date_key, date), exptime, wmin, wmax = values
    cards = [("OBJECT", obj), ("RA", ra), ("DEC", dec), (date_key, date),
             ("EXPTIME", exptime), ("WAVEMIN", wmin), ("WAVEMAX", wmax)]
    if name == "c.fits":
        wl = np.linspace(wmin, wmax, 50)
        table = fits.BinTableHDU.from_columns([
            fits.Column("WAVELENGTH", "D", unit="Angstrom", array=wl),
            fits.Column("FLUX", "E", array=np.ones(50, dtype="f4"))])
        primary = fits.PrimaryHDU()
        primary.header.extend([*cards, ("NPOINTS", 50)])
        fits.HDUList([primary, table]).writeto(path)
    else:
        primary = fits.PrimaryHDU(np.arange(100, dtype=">f4"))
        primary.header.extend(cards)
        primary.writeto(path)


def line_of(text: str, rd_text: str) -> int:
    return rd_text[:rd_text.index(text)].count("\n") + 1


def setup_inputs(db, mixin: str = MIXIN, set_meta: str = SET_META) -> str:
    """Write the RD and the spectra; the RD's text."""
    base = db.home / "inputs" / "ssat"
    (base / "data").mkdir(parents=True)
    rd_text = RD.replace("MIXIN", mixin).replace("SET_META", set_meta)
    (base / "q.rd").write_text(rd_text)
    for name, values in SPECTRA.items():
        write_spectrum(base / "data" / name, name, values)
    return rd_text


def test_hcd_spectra_import_with_their_ssa_columns(db):
    setup_inputs(db)
    result = db.cli("imp", "ssat/q")
    assert result.status == 0, result.err
    rows = db.query(
        "SELECT accref, ssa_dstitle, ssa_targname, ssa_pubdid, degrees(long(ssa_location)),"
        " degrees(lat(ssa_location)), ssa_dateobs, ssa_timeext, ssa_specstart,"
        " ssa_specend, ssa_specmid, ssa_specext, ssa_length, mime, accsize,"
        " ssa_pdate FROM ssat.spectra ORDER BY accref")
    assert [r[0] for r in rows] == ["ssat/data/a.fits", "ssat/data/b.fits",
                                    "ssat/data/c.fits"]
    a, b, c = rows
    assert a[1:4] == ("HD 1234 spectrum", "HD 1234",
                      "ivo://dr.example.org/~?ssat/data/a.fits")
    for row, name in zip(rows, SPECTRA):
        _, ra, dec, _, exptime, wmin, wmax = SPECTRA[name]
        assert row[4] == pytest.approx(ra, abs=1e-8)
        assert row[5] == pytest.approx(dec, abs=1e-8)
        assert row[7] == pytest.approx(exptime)
        assert row[8] == pytest.approx(wmin * 1e-10, rel=1e-6)
        assert row[9] == pytest.approx(wmax * 1e-10, rel=1e-6)
        # the true middle of the band, not DaCHS's half width; the bind is ignored
        assert row[10] == pytest.approx((wmin + wmax) / 2 * 1e-10, rel=1e-6)
        assert row[11] == pytest.approx((wmax - wmin) * 1e-10, rel=1e-6)
        assert row[13] == "image/fits"
        assert row[14] == (db.home / "inputs" / row[0]).stat().st_size
    # an ISO timestamp, a Julian date and an ISO date, all as MJD
    assert [r[6] for r in rows] == [pytest.approx(58849.5), pytest.approx(59000.0),
                                    pytest.approx(59395.0)]
    assert [r[12] for r in rows] == [100, 100, 50]
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    assert all(abs(now - r[15]) < datetime.timedelta(minutes=5) for r in rows)


def test_set_meta_takes_a_date_written_as_a_number_in_text(db):
    """As a CSV gives it: "59000.25" is an MJD, "2459000.5" a Julian date."""
    bind = '<bind key="dateObs">vars.get("DATE_OBS") or vars.get("JD_OBS")</bind>'
    text = ('<bind key="dateObs">"2459000.5" if vars.get("JD_OBS") else '
            '"59000.25"</bind>')
    setup_inputs(db, set_meta=SET_META.replace(bind, text))
    result = db.cli("imp", "ssat/q")
    assert result.status == 0, result.err
    rows = db.query("SELECT ssa_dateobs FROM ssat.spectra ORDER BY accref")
    assert [r[0] for r in rows] == [pytest.approx(59000.25), pytest.approx(59000.0),
                                    pytest.approx(59000.25)]


def test_hcd_products_go_to_dc_products(db):
    setup_inputs(db)
    assert db.cli("imp", "ssat/q").status == 0
    assert db.query("SELECT accref, access_path, source_table, mime FROM dc.products"
                    " ORDER BY accref") == [
        (f"ssat/data/{n}", f"ssat/data/{n}", "ssat.spectra", "image/fits")
        for n in SPECTRA]
    indexes = {r[0] for r in db.query(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'ssat'")}
    assert any("USING gist (ssa_location)" in i for i in indexes), indexes
    assert any("(ssa_pubdid)" in i for i in indexes), indexes
    assert any("(ssa_targname)" in i for i in indexes), indexes


def test_dr_limits_measures_an_ssa_table(db):
    """The MOC from ssa_location (no RA/Dec columns), the time range from
    ssa_dateObs and the spectral range from ssa_specstart/ssa_specend."""
    import healpy

    from engine.limits import store
    from rd.moc import Moc

    setup_inputs(db)
    assert db.cli("imp", "ssat/q").status == 0
    result = db.cli("limits", "ssat/q")
    assert result.status == 0, result.err
    with db.connect() as conn, conn.cursor() as cur:
        limits = store.load_all(cur)["ssat.spectra"]
    ra, dec = zip(*((v[1], v[2]) for v in SPECTRA.values()), strict=True)
    cells = healpy.ang2pix(64, ra, dec, nest=True, lonlat=True)
    assert limits.moc == Moc.from_cells(6, cells.tolist())
    assert limits.time == pytest.approx((58849.5, 59395.0))
    h_c = 6.62607015e-34 * 299792458
    assert limits.energy == pytest.approx((h_c / 9000e-10, h_c / 3500e-10), rel=1e-6)


def test_hcd_params_come_from_the_mixin_parameters(db):
    setup_inputs(db)
    rd = load_rd("ssat/q", db.home / "inputs")
    assert not rd.warnings, rd.warnings
    table = rd.table("spectra")
    params = {p.name: (p.content or "").strip() for p in table.params}
    assert params["ssa_fluxcalib"] == "ABSOLUTE"
    assert params["ssa_fluxunit"] == "erg/(s.cm**2.Angstrom)"
    assert params["ssa_spectralunit"] == "Angstrom"
    assert params["ssa_instrument"] == "TestSpec"
    assert params["ssa_publisher"] == "The Test Spectra Publisher"  # the meta
    assert params["ssa_spectralucd"] == "em.wl"
    assert params["ssa_fluxucd"] == "phot.flux.density;em.wl"
    assert params["ssa_specres"] == "NaN"
    assert (params["ssa_model"], params["ssa_csysName"], params["ssa_dstype"]) == \
        ("Spectrum-1.0", "ICRS", "Spectrum")
    assert params["ssa_collection"] == params["ssa_creator"] == ""  # NULL
    assert len(params) == 28
    fluxcalib = next(p for p in table.params if p.name == "ssa_fluxcalib")
    assert fluxcalib.utype == "ssa:Char.FluxAxis.Calibration"
    assert [c.name for c in table.columns][:6] == [
        "accref", "owner", "embargo", "mime", "accsize", "ssa_dstitle"]
    assert len(table.columns) == 26


def test_hcd_without_flux_calibration_is_an_rd_error(db):
    rd_text = setup_inputs(db, mixin=MIXIN.replace('fluxCalibration="ABSOLUTE" ', ""))
    with pytest.raises(RDError) as caught:
        load_rd("ssat/q", db.home / "inputs")
    # DR places it at the table the mixin is applied to
    table_line = line_of('<table id="spectra"', rd_text)
    assert caught.value.line == table_line
    assert "fluxCalibration" in caught.value.message
    result = db.cli("imp", "ssat/q")
    assert result.status != 0
    assert f"ssat/q.rd:{table_line}: " in result.err, result.err
    assert "mixin //ssap#hcd needs the parameter 'fluxCalibration'" in result.err


def test_set_meta_without_dstitle_is_an_rd_error(db):
    rd_text = setup_inputs(db, set_meta=SET_META.replace(
        '<bind key="dstitle">@OBJECT + " spectrum"</bind>', ""))
    result = db.cli("imp", "ssat/q")
    assert result.status != 0
    apply_line = line_of('<apply procDef="//ssap#setMeta">', rd_text)
    assert f"ssat/q.rd:{apply_line}: <apply> " in result.err, result.err
    assert "'dstitle'" in result.err and "must be bound" in result.err


def test_idmaps_ssa_star_is_enough_and_obscore_takes_the_params(db):
    mixin = (MIXIN.replace("instrument=", 'collection="Test Spectra" instrument=')
             + '\n    <mixin calibLevel="1">//obscore#publishSSAPHCD</mixin>')
    setup_inputs(db, mixin=mixin)
    rd_path = db.home / "inputs" / "ssat" / "q.rd"
    rd_path.write_text(rd_path.read_text().replace('idmaps="*"', 'idmaps="ssa_*"'))
    result = db.cli("imp", "ssat/q")
    assert result.status == 0, result.err
    rows = db.query("SELECT obs_publisher_did, s_ra, s_dec, em_min, t_min < t_max,"
                    " instrument_name, obs_collection, o_ucd, em_ucd, dataproduct_type"
                    " FROM ivoa.obscore ORDER BY obs_publisher_did")
    assert rows[0][0] == "ivo://dr.example.org/~?ssat/data/a.fits"
    assert rows[0][1:4] == (pytest.approx(10.5), pytest.approx(-20.25),
                            pytest.approx(4e-7))
    assert rows[0][4:] == (True, "TestSpec", "Test Spectra", "phot.flux.density;em.wl",
                           "em.wl", "spectrum")
    assert len(rows) == 3


def test_targetname_is_answered_from_an_index(db):
    """TARGETNAME compares the name without blanks in lower case; //ssap#hcd indexes
    that very expression, so it does not scan the table."""
    from engine.services.ssa import SQUASHED_NAME

    setup_inputs(db)
    assert db.cli("imp", "ssat/q").status == 0
    plan = db.query(f"SET enable_seqscan = off; EXPLAIN SELECT accref FROM ssat.spectra "
                    f"WHERE {SQUASHED_NAME} = 'hd1234'")
    assert any("spectra_ssa_targname_squashed" in line[0] for line in plan), plan

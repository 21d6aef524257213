"""dr imp with fitsProdGrammar: one row per FITS file, footprints pg_sphere can search."""

from __future__ import annotations

import pytest

from tests.grammars.fitsimages import tan_cards, write_fits
from tests.ingest.resources import write_resource

IMAGES_TABLE = """
  <table id="images" onDisk="True" adql="True">
    <column name="object" type="text"/>
    <column name="s_region" type="spoly" unit="deg"/>
    <column name="center" type="spoint"/>
    <column name="s_ra" type="double precision" unit="deg"/>
    <column name="s_dec" type="double precision" unit="deg"/>
    <column name="s_fov" type="double precision" unit="deg"/>
    <column name="em_min" type="double precision" unit="m"/>
    <column name="em_max" type="double precision" unit="m"/>
    <column name="t_min" type="double precision" unit="d"/>
    <column name="t_exptime" type="double precision" unit="s"/>
    <column name="naxis" type="integer[]"/>
  </table>"""

# Only copies, so COPY gets the grammar's values as they are.
PLAIN_MAPS = """
  <map key="object" source="OBJECT"/>
  <map key="s_region" source="dr_s_region"/>
  <map key="center" source="dr_s_center"/>
  <map key="s_ra" source="dr_s_ra"/>
  <map key="s_dec" source="dr_s_dec"/>
  <map key="s_fov" source="dr_s_fov"/>
  <map key="em_min" source="dr_em_min"/>
  <map key="em_max" source="dr_em_max"/>
  <map key="t_min" source="dr_t_min"/>
  <map key="t_exptime" source="dr_t_exptime"/>
  <map key="naxis" source="dr_naxis"/>"""


def images_rd(maps: str = PLAIN_MAPS, grammar: str = "<fitsProdGrammar/>") -> str:
    return IMAGES_TABLE + f"""
  <data id="import">
    <sources pattern="data/*.fits*"/>
    {grammar}
    <make table="images"><rowmaker>{maps}</rowmaker></make>
  </data>"""


def write_images(data) -> None:
    write_fits(data / "tan.fits", tan_cards(150.0, 30.0, 200, 100)
               + [("OBJECT", "tan"), ("DATE-OBS", "2020-01-01T12:00:00"),
                  ("EXPTIME", 120.0)], (200, 100))
    write_fits(data / "zero.fits.gz", tan_cards(0.2, -10.0, 100, 100)
               + [("OBJECT", "zero")], (100, 100), compress=True)
    write_fits(data / "pole.fits", tan_cards(30.0, 89.8, 100, 100)
               + [("OBJECT", "pole")], (100, 100))
    write_fits(data / "cube.fits", tan_cards(40.0, 5.0, 30, 20)
               + [("OBJECT", "cube"), ("CTYPE3", "WAVE"), ("CUNIT3", "Angstrom"),
                  ("CRVAL3", 3745.0), ("CDELT3", 2.0), ("CRPIX3", 1.0)], (30, 20, 50))


def objects_at(db, ra: float, dec: float) -> list[str]:
    return [r[0] for r in db.query(
        "SELECT object FROM fp.images WHERE spoint(radians(%s), radians(%s)) @ s_region "
        "ORDER BY object", (ra, dec))]


@pytest.mark.parametrize("maps", [PLAIN_MAPS, PLAIN_MAPS.replace(
    '<map key="object" source="OBJECT"/>', '<map key="object">@OBJECT.strip()</map>')],
    ids=["copied", "through-rowmaker-code"])
def test_footprints_import_as_spoly_and_pgsphere_finds_the_right_files(db, inputs, maps):
    base = write_resource(inputs, "fp", images_rd(maps)).parent
    write_images(base / "data")
    result = db.cli("imp", "fp")
    assert result.status == 0, result.err
    assert "fp.images: 4 rows" in result.out
    assert objects_at(db, 150.9, 30.4) == ["tan"]
    assert objects_at(db, 359.9, -10.1) == ["zero"]  # west of RA=0
    assert objects_at(db, 0.5, -9.7) == ["zero"]  # east of it
    assert objects_at(db, 0.0, 90.0) == ["pole"]
    assert objects_at(db, 200.0, 89.9) == ["pole"]  # beyond the pole, seen from the centre
    assert objects_at(db, 40.1, 5.05) == ["cube"]
    assert objects_at(db, 180.0, 0.0) == []
    assert objects_at(db, 150.0, 31.0) == []  # just north of the 1 deg tall image
    assert db.query("SELECT object, degrees(center <-> spoint(radians(s_ra), "
                    "radians(s_dec))) < 1e-9, naxis FROM fp.images ORDER BY object") == [
        ("cube", True, [30, 20, 50]), ("pole", True, [100, 100]),
        ("tan", True, [200, 100]), ("zero", True, [100, 100])]
    [(s_ra, s_dec, t_min, t_exptime, em_min)] = db.query(
        "SELECT s_ra, s_dec, t_min, t_exptime, em_min FROM fp.images WHERE object = 'tan'")
    assert (s_ra, s_dec, t_min, t_exptime) == pytest.approx((150.0, 30.0, 58849.5, 120.0))
    assert em_min is None
    assert db.query("SELECT em_min, em_max FROM fp.images WHERE object = 'cube'") == [
        pytest.approx((3744e-10, 3844e-10), rel=1e-12)]


def test_a_file_with_a_broken_wcs_fails_the_import_naming_it(db, inputs):
    base = write_resource(inputs, "fp", images_rd()).parent
    write_images(base / "data")
    write_fits(base / "data" / "broken.fits", [
        ("OBJECT", "broken"), ("CTYPE1", "RA---TAN"), ("CTYPE2", "DEC--SIN")], (4, 4))
    result = db.cli("imp", "fp")
    assert result.status != 0
    assert "broken.fits: its WCS is unusable: Inconsistent projection types" in result.err
    assert "Traceback" not in result.err
    assert db.query("SELECT to_regclass('fp.images')") == [(None,)]


def test_gencol_columns_of_an_image_import_it_unchanged(db, inputs, tmp_path):
    sample = write_fits(tmp_path / "sample.fits", tan_cards(0.2, -10.0, 100, 100)
                        + [("OBJECT", "zero"), ("DATE-OBS", "2020-01-01"),
                           ("EXPTIME", 30.0, "[s] exposure")], (100, 100))
    result = db.cli("gencol", str(sample))
    assert result.status == 0, result.err
    assert '<column name="exptime" type="double precision" unit="s" ' in result.out
    assert '<column name="dr_s_region" type="spoly" unit="deg"' in result.out
    base = write_resource(inputs, "gc", f"""
      <table id="t" onDisk="True">{result.out}</table>
      <data id="import">
        <sources pattern="data/*.fits"/>
        <fitsProdGrammar/>
        <make table="t"><rowmaker idmaps="*"/></make>
      </data>""").parent
    (base / "data" / "a.fits").write_bytes(sample.read_bytes())
    result = db.cli("imp", "gc")
    assert result.status == 0, result.err
    assert db.query("SELECT object, date_obs, exptime, naxis1, dr_s_xel2, "
                    "spoint(radians(359.9), radians(-10.1)) @ dr_s_region FROM gc.t") == [
        ("zero", "2020-01-01", 30.0, 100, 100, True)]

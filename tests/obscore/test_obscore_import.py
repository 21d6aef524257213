"""ivoa.obscore through dr imp and dr drop: rows, the union of tables, metadata, errors."""

from __future__ import annotations

import pytest

from engine.db.rowsecurity import as_caller
from tests.ingest.resources import write_resource
from tests.obscore.obscoredata import write_images, write_spectra

SOURCES = "SELECT table_name FROM ivoa._obscoresources ORDER BY 1"


def imp(db, *args: str) -> None:
    result = db.cli("imp", *args)
    assert result.status == 0, result.err


def test_the_view_exists_empty_before_anything_publishes(db):
    assert db.query("SELECT count(*) FROM ivoa.obscore") == [(0,)]
    assert db.query("SELECT count(*) FROM tap_schema.columns "
                    "WHERE table_name = 'ivoa.obscore'") == [(38,)]


def test_rows_appear_with_imp_and_leave_with_drop(db, inputs):
    write_images(inputs, 20)
    imp(db, "ocimg")
    rows = db.query(
        "SELECT obs_id, obs_publisher_did, access_url, access_format, access_estsize, "
        "calib_level, obs_collection, dataproduct_type, obs_title, target_name, s_ra, "
        "s_dec, t_min, t_max, t_exptime, em_min, s_xel1, facility_name, preview, "
        "source_table, filter_name FROM ivoa.obscore ORDER BY obs_id")
    assert len(rows) == 20
    assert rows[0] == (
        "ocimg/data/img00001.fits", "ivo://dr.example.org/~?ocimg/data/img00001.fits",
        "http://localhost:8080/getproduct/ocimg/data/img00001.fits", "image/fits",
        (10240 + 1) // 1024, 2, "OC images", "image", "Image of field 1", "field 1",
        150.01, 2.0, 59001.0, pytest.approx(59001 + 600 / 86400), 600.0, 4e-7, 512,
        "Calar Alto",
        "http://localhost:8080/getproduct/ocimg/data/img00001.fits?preview=True",
        "ocimg.images", "r")
    assert db.query(SOURCES) == [("ocimg.images",)]

    result = db.cli("drop", "ocimg")
    assert result.status == 0, result.err
    assert db.query("SELECT count(*) FROM ivoa.obscore") == [(0,)]
    assert db.query(SOURCES) == []


def test_two_tables_are_one_union_with_null_where_a_table_lacks_a_value(db, inputs):
    write_images(inputs, 20)
    write_spectra(inputs, 30)
    imp(db, "ocimg")
    imp(db, "ocspec")
    assert db.query("SELECT source_table, dataproduct_type, count(*) FROM ivoa.obscore "
                    "GROUP BY 1, 2 ORDER BY 1") == [
        ("ocimg.images", "image", 20), ("ocspec.spectra", "spectrum", 30)]
    # //obscore#publishSSAPMIXC's defaults: SSA columns where the table has them,
    # NULL where it lacks them (no ssa_aperture, ssa_instrument, ssa_targclass).
    assert db.query(
        "SELECT obs_publisher_did, obs_collection, s_ra, s_dec, t_min, t_exptime, "
        "em_xel, calib_level, facility_name, s_fov, instrument_name, target_class, "
        "filter_name FROM ivoa.obscore WHERE obs_id = 'ocspec/data/spec00001.fits'") == [
        ("ivo://dr.example.org/ocspec?1", "OC spectra", pytest.approx(151.01),
         pytest.approx(2.0), pytest.approx(59501 - 1800 / 86400 / 2), 1800.0, 2000, 1,
         "Calar Alto", None, None, None, None)]

    # Re-importing one table keeps the other's rows; dropping it leaves those.
    imp(db, "ocimg")
    assert db.query("SELECT count(*) FROM ivoa.obscore") == [(50,)]
    assert db.cli("drop", "ocimg").status == 0
    assert db.query("SELECT source_table, count(*) FROM ivoa.obscore GROUP BY 1") == [
        ("ocspec.spectra", 30)]


def test_tap_schema_describes_obscore_and_the_extra_column(db, inputs):
    write_images(inputs, 5)
    imp(db, "ocimg")
    columns = {row[0]: row[1:] for row in db.query(
        "SELECT column_name, datatype, arraysize, xtype, unit, ucd, utype, indexed, std "
        "FROM tap_schema.columns WHERE table_name = 'ivoa.obscore'")}
    assert columns["s_ra"] == ("double", None, None, "deg", "pos.eq.ra",
                               "obscore:Char.SpatialAxis.Coverage.Location.Coord."
                               "Position2D.Value2.C1", 1, 1)
    assert columns["s_region"] == ("double", "*", "polygon", None, "pos.outline;obs.field",
                                   "obscore:Char.SpatialAxis.Coverage.Support.Area", 1, 1)
    assert columns["access_estsize"][:5] == ("long", None, None, "kbyte",
                                             "phys.size;meta.file")
    assert columns["calib_level"][0] == "int"
    assert columns["t_min"][3:5] == ("d", "time.start;obs.exposure")
    assert columns["em_max"][3:5] == ("m", "em.wl;stat.max")
    assert columns["filter_name"] == ("char", "*", None, None, "instr.filter", None, 0, 0)
    mandatory = """dataproduct_type calib_level obs_collection obs_id obs_publisher_did
        access_url access_format access_estsize target_name s_ra s_dec s_fov s_region
        s_resolution s_xel1 s_xel2 t_min t_max t_exptime t_resolution t_xel em_min
        em_max em_res_power em_xel o_ucd pol_states pol_xel facility_name
        instrument_name""".split()
    assert set(mandatory) <= set(columns)
    assert db.query("SELECT schema_name, utype FROM tap_schema.tables "
                    "WHERE table_name = 'ivoa.obscore'") == [
        ("ivoa", "ivo://ivoa.net/std/ObsCore#table-1.1")]

    assert db.cli("drop", "ocimg").status == 0
    assert db.query("SELECT count(*) FROM tap_schema.columns WHERE table_name = "
                    "'ivoa.obscore' AND column_name = 'filter_name'") == [(0,)]


def test_tables_declaring_one_extra_column_differently_cannot_both_publish(db, inputs):
    write_images(inputs, 5)
    imp(db, "ocimg")
    write_resource(inputs, "other", """
      <table id="t" onDisk="True">
        <mixin productType="'image'" extra_columns="filter_name">//obscore#publish</mixin>
        <column name="accref" type="text"/>
        <column name="mime" type="text"/>
        <column name="accsize" type="bigint"/>
        <column name="filter_name" type="integer"/>
      </table>
      <data id="d"><sources pattern="data/*.csv"/><csvGrammar/>
        <make table="t"><rowmaker idmaps="*"/></make></data>""",
        {"data/t.csv": "accref,mime,accsize,filter_name\na,image/fits,1,3\n"})
    result = db.cli("imp", "other")
    assert result.status != 0
    assert "extra ivoa.obscore column 'filter_name'" in result.err
    assert "ocimg.images declares type 'text', other.t 'integer'" in result.err
    assert db.query(SOURCES) == [("ocimg.images",)]


def test_rows_obscore_forbids_fail_the_import_naming_the_mixin(db, inputs):
    # No accref: obs_id and obs_publisher_did have nothing to come from.
    path = write_resource(inputs, "noid", """
      <table id="t" onDisk="True">
        <mixin productType="'image'" calibLevel="2">//obscore#publish</mixin>
        <column name="x" type="integer"/>
      </table>
      <data id="d"><sources pattern="data/*.csv"/><csvGrammar/>
        <make table="t"><rowmaker idmaps="*"/></make></data>""",
        {"data/t.csv": "x\n1\n"})
    result = db.cli("imp", "noid")
    assert result.status != 0
    assert (f"{path}:2: <table> //obscore#publish: some rows would have obs_id is NULL; "
            "obs_publisher_did is NULL in ivoa.obscore") in result.err
    assert db.query(SOURCES) == []
    assert db.query("SELECT to_regclass('noid.t')") == [(None,)]


def test_values_outside_obscores_vocabulary_fail_the_import(db, inputs):
    write_resource(inputs, "badvalues", """
      <table id="t" onDisk="True">
        <mixin productType="'picture'" calibLevel="7" obsId="x" did="'ivo://x/' || x"
          >//obscore#publish</mixin>
        <column name="x" type="text"/>
      </table>
      <data id="d"><sources pattern="data/*.csv"/><csvGrammar/>
        <make table="t"><rowmaker idmaps="*"/></make></data>""",
        {"data/t.csv": "x\na\n"})
    result = db.cli("imp", "badvalues")
    assert result.status != 0
    assert ("some rows would have dataproduct_type is not one of image, cube, spectrum, "
            "sed, timeseries, visibility, event, measurements; calib_level is outside "
            "0..4 in ivoa.obscore") in result.err


def test_bad_sql_in_a_mixin_parameter_fails_the_import(db, inputs):
    write_resource(inputs, "badsql", """
      <table id="t" onDisk="True">
        <mixin productType="'image'" obsId="x" did="'d' || x" collectionName="'c'"
          ra="no_such_column">//obscore#publish</mixin>
        <column name="x" type="text"/>
      </table>
      <data id="d"><sources pattern="data/*.csv"/><csvGrammar/>
        <make table="t"><rowmaker idmaps="*"/></make></data>""",
        {"data/t.csv": "x\na\n"})
    result = db.cli("imp", "badsql")
    assert result.status != 0
    assert "//obscore#publish: its parameters do not make valid SQL over this table" \
        in result.err
    assert "no_such_column" in result.err


def test_the_publish_mixin_needs_a_dataproduct_type(db, inputs):
    write_resource(inputs, "notype", """
      <table id="t" onDisk="True" mixin="//obscore#publish">
        <column name="accref" type="text"/>
      </table>""")
    result = db.cli("val", "notype")
    assert result.status != 0
    assert "mixin //obscore#publish needs the parameter 'dataproduct_type'" in result.err


def test_a_restricted_tables_rows_are_in_obscore_for_its_group_only(db, inputs):
    write_resource(inputs, "secret", """
      <table id="t" onDisk="True" readGroups="team">
        <mixin productType="'image'">//obscore#publish</mixin>
        <column name="accref" type="text"/>
        <column name="mime" type="text"/>
        <column name="accsize" type="bigint"/>
      </table>
      <data id="d"><sources pattern="data/*.csv"/><csvGrammar/>
        <make table="t"><rowmaker idmaps="*"/></make></data>""",
        {"data/t.csv": "accref,mime,accsize\na,image/fits,1\n"})
    imp(db, "secret")
    conn = db.connect()
    with conn.cursor() as cur:
        for groups, rows in (("", 0), ("other", 0), ("team", 1)):
            # A caller's query, as the server runs it (engine/db/rowsecurity.py).
            as_caller(cur, groups.split(",") if groups else [])
            cur.execute("SELECT count(*) FROM ivoa.obscore")
            assert cur.fetchone()[0] == rows, groups
            conn.rollback()
    conn.close()


def test_server_url_and_authority_come_from_the_configuration(db, inputs):
    with open(db.config_path, "a") as config:
        config.write("[web]\nserverURL = https://data.example.edu/dr/\n"
                     "[ivoa]\nauthority = example.edu\n")
    write_images(inputs, 1)
    imp(db, "ocimg")
    assert db.query("SELECT access_url, obs_publisher_did FROM ivoa.obscore") == [
        ("https://data.example.edu/dr/getproduct/ocimg/data/img00001.fits",
         "ivo://example.edu/~?ocimg/data/img00001.fits")]


OBSCORE_FORM_COLUMNS = [
    # DaCHS's two ways to give a table ObsCore's columns: all of them ...
    """<FEED source="//obscore#obscore-columns"/>""",
    # ... or those it needs, by name from the ObsCore table (its namePath).
    """<LOOP listItems="dataproduct_type calib_level obs_collection obs_id
        obs_publisher_did access_url s_ra s_dec s_region">
      <events><column original="\\item"/></events>
    </LOOP>""",
]


@pytest.mark.parametrize("columns", OBSCORE_FORM_COLUMNS, ids=["feed", "namePath"])
def test_a_table_in_obscore_form_publishes_with_publish_obscore_like(db, inputs,
                                                                      columns):
    # Every parameter of //obscore#publishObscoreLike defaults to its own column
    # (NULL where the table has none).
    write_resource(inputs, "native", f"""
      <table id="obs" onDisk="True" adql="True" namePath="//obscore#ObsCore">
        {columns}
        <mixin preview="NULL">//obscore#publishObscoreLike</mixin>
      </table>
      <data id="d"><sources pattern="data/*.csv"/><csvGrammar/>
        <make table="obs"><rowmaker idmaps="dataproduct_type, calib_level,
          obs_collection, obs_id, obs_publisher_did, access_url, s_ra, s_dec, s_region"
          /></make></data>""",
        {"data/obs.csv": """
          dataproduct_type,calib_level,obs_collection,obs_id,obs_publisher_did,access_url,s_ra,s_dec,s_region
          cube,3,native,n1,ivo://x/n?1,http://x/n1,10.5,-20,"{(10d,-21d),(11d,-21d),(11d,-19d)}"
          """})
    imp(db, "native")
    assert db.query("SELECT dataproduct_type, calib_level, obs_id, access_url, s_ra, "
                    "s_dec, area(s_region) > 0, preview, source_table, em_min "
                    "FROM ivoa.obscore") == [
        ("cube", 3, "n1", "http://x/n1", 10.5, -20.0, True, None, "native.obs", None)]


def test_a_parameter_the_mixin_lacks_is_reported(db, inputs):
    path = write_resource(inputs, "typo", """
      <table id="t" onDisk="True">
        <mixin productType="'image'" calibLevl="3">//obscore#publish</mixin>
        <column name="accref" type="text"/>
      </table>""")
    result = db.cli("val", "-v", "typo")
    assert result.status == 0, result.err
    assert (f"{path}:2: <table> mixin //obscore#publish has no parameter 'calibLevl'; "
            "ignored") in result.out + result.err

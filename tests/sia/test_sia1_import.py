"""//siap#computePGS and #setMeta at import, beyond the demo's path: headers read
without fitsProdGrammar's computed fields, Julian dates, images without a WCS."""

from __future__ import annotations

import contextlib

import numpy as np
from astropy.io import fits

from tests.sia.test_sia1 import write_image

RD = """<resource schema="siaf">
  <table id="images" onDisk="True" primary="accref" mixin="//siap#pgs"/>
  <data id="import">
    <sources pattern="data/*.fits"/>
    <fitsProdGrammar computedFields="False">
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.images"</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="images">
      <rowmaker>
        <apply procDef="//siap#computePGS">
          <bind key="missingIsError">MISSING</bind>
        </apply>
        <apply procDef="//siap#setMeta">
          <bind key="title">vars.get("OBJECT")</bind>
          <bind key="dateObs">2458850.0</bind>
        </apply>
      </rowmaker>
    </make>
  </data>
</resource>
"""


def setup_inputs(db, missing_is_error: bool, with_plain: bool) -> None:
    data = db.home / "inputs" / "siaf" / "data"
    data.mkdir(parents=True)
    (data.parent / "q.rd").write_text(RD.replace("MISSING", str(missing_is_error)))
    write_image(data / "sky.fits", "sky", 150.0, 2.0, 0.2, None)
    if with_plain:
        fits.PrimaryHDU(np.zeros((4, 4), dtype=">f4")).writeto(data / "plain.fits")


def test_compute_pgs_finds_the_footprint_without_the_grammars_computed_fields(db):
    setup_inputs(db, True, False)
    result = db.cli("imp", "siaf/q")
    assert result.status == 0, result.err
    with contextlib.closing(db.connect()) as conn, conn.cursor() as cur:
        cur.execute("SELECT centerAlpha, centerDelta, dateObs, instId, "
                    "spoint(radians(150.09), radians(2.09)) @ coverage, "
                    "spoint(radians(150.11), radians(2.0)) @ coverage FROM siaf.images")
        ra, dec, mjd, instrument, inside, outside = cur.fetchone()
    assert (round(ra, 6), round(dec, 6)) == (150.0, 2.0)
    assert mjd == 58849.5 and instrument is None
    assert inside and not outside


def test_an_image_without_a_wcs_fails_the_import_unless_allowed(db):
    setup_inputs(db, True, True)
    result = db.cli("imp", "siaf/q")
    assert result.status != 0 and "plain.fits" in result.err
    assert "no celestial WCS" in result.err or "unusable" in result.err


def test_missing_is_error_false_leaves_the_wcs_columns_null(db):
    setup_inputs(db, False, True)
    result = db.cli("imp", "siaf/q")
    assert result.status == 0, result.err
    with contextlib.closing(db.connect()) as conn, conn.cursor() as cur:
        cur.execute("SELECT imageTitle, coverage IS NULL, nAxes FROM siaf.images "
                    "ORDER BY imageTitle NULLS FIRST")
        assert cur.fetchall() == [(None, True, None), ("sky", False, 2)]

"""make_grammar, describe and gencol: grammars by element name, and `dr gencol`'s output."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from astropy.io import fits

import grammars
from grammars.base import ColumnDescription, SourceHeader
from grammars.gencol import column_elements
from grammars.units import column_unit
from rd.errors import SourceError


@pytest.mark.parametrize("element, params", [
    ("csvGrammar", {}),
    ("califaGrammar", {}),
    ("fitsTableGrammar", {}),
    ("columnGrammar", {"colDefs": "a: 1-2"}),
    ("reGrammar", {"names": "a"}),
    ("freeREGrammar", {"parseRE": "(?P<a>.*)"}),
    ("keyValueGrammar", {}),
    ("voTableGrammar", {}),
    ("nullGrammar", {}),
    ("dictlistGrammar", {}),
    ("transparentGrammar", {}),
])
def test_make_grammar_builds_the_grammar_of_each_element(element, params):
    grammar = grammars.make_grammar(element, params)
    assert grammar.element == element
    assert element in grammars.ELEMENTS


def test_an_unknown_grammar_element_is_a_key_error():
    with pytest.raises(KeyError):
        grammars.make_grammar("hdf5Grammar", {})


def test_describe_reads_a_califa_csv(data):
    header = grammars.describe(data / "califa_sample.csv")
    assert header.meta["AUTHOR"] == "Carlos C. Califa"
    assert [c.name for c in header.columns][:2] == ["califaid", "califaname"]


def test_describe_reads_gzipped_califa_csv_and_fits(data, tmp_path):
    csv_gz = tmp_path / "t.csv.gz"
    csv_gz.write_bytes(gzip.compress((data / "califa_sample.csv").read_bytes()))
    assert len(grammars.describe(csv_gz).columns) == 6
    fits_gz = tmp_path / "t.fits.gz"
    fits.BinTableHDU.from_columns([fits.Column(name="A", format="K", array=[1])]
                                  ).writeto(fits_gz)
    assert grammars.describe(fits_gz).columns == [ColumnDescription("a", "bigint")]


def test_describe_refuses_a_plain_csv(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(SourceError, match="has no '# COLUMN1: name, type, unit, "
                                          "description' header lines"):
        grammars.describe(path)


def test_describe_refuses_unknown_kinds_of_file(tmp_path):
    path = tmp_path / "t.hdf5"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="is neither a CALIFA-format table"):
        grammars.describe(path)


def test_gencol_writes_one_escaped_column_element_per_line():
    header = SourceHeader(columns=[
        ColumnDescription("ra", "double precision", "deg", 'right ascension "RA" & <more>',
                          "pos.eq.ra;meta.main"),
        ColumnDescription("name", "text", description="line\nbreak"),
        ColumnDescription("n", "integer"),
    ])
    assert column_elements(header) == (
        '<column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main" '
        'description="right ascension &quot;RA&quot; &amp; &lt;more&gt;"/>\n'
        '<column name="name" type="text" description="line&#10;break"/>\n'
        '<column name="n" type="integer"/>\n')


def test_gencol_output_of_a_fits_table_is_well_formed_xml(tmp_path):
    from lxml import etree
    path = tmp_path / "t.fits"
    hdu = fits.BinTableHDU.from_columns([
        fits.Column(name="FLUX", format="E", unit="erg/s/cm^2", array=np.ones(1, "f4"))])
    hdu.header["TCOMM1"] = "flux in <band> & 'aperture'"
    hdu.writeto(path)
    text = column_elements(grammars.describe(path))
    element = etree.fromstring(f"<table>{text}</table>")[0]
    assert dict(element.attrib) == {"name": "flux", "type": "real", "unit": "erg/s/cm^2",
                                    "description": "flux in <band> & 'aperture'"}


@pytest.mark.parametrize("unit, description, expected", [
    ("degrees", "", ("deg", "")),
    ("Degrees (J2000)", "position", ("deg", "position (J2000)")),
    ("arcsec", "", ("arcsec", "")),
    ("Mpc", "", ("Mpc", "")),
    ("mpc", "", ("mpc", "")),  # could be milliparsec: kept as written
    ("erg/s (per bin)", "", ("erg/s (per bin)", "")),
    ("none", "", ("", "")),
])
def test_units_map_to_vo_spellings_only_where_unambiguous(unit, description, expected):
    assert column_unit(unit, description) == expected

"""The rowmaker functions behave as DaCHS 2.7's reference documentation says
("Functions Available for Row Makers"): its examples, and the behaviour its text
describes, checked through the namespace rowmaker code runs in."""

from __future__ import annotations

import datetime
import re

import pytest

from rd import rmkfuncs, site
from rd.loader import load_rd

F = rmkfuncs.namespace()
DT = datetime.datetime


@pytest.fixture
def a_site():
    before = site.current()
    site.install(site.Site({"web.serverurl": "https://data.example.edu/",
                            "ivoa.authority": "example.edu"}))
    yield
    site.install(before)


def test_every_function_dachs_documents_for_rowmakers_is_there(shared):
    text = (shared / "dachs-reference" / "dachs-2.7-refdoc.rst").read_text()
    section = text[text.index("Functions Available for Row Makers"):
                   text.index("API function reference")]
    documented = set(re.findall(r"^\*(\w+)\(", section, re.MULTILINE))
    assert len(documented) > 40
    assert sorted(documented - set(F)) == []


# -- angles ---------------------------------------------------------------------

@pytest.mark.parametrize(("args", "kwargs", "text"), [
    ((-3.24722, "", 0, True, True), {}, "-031449"),
    ((0,), {}, "+0 00 00.00"),
    ((0,), {"addSign": False}, "0 00 00.00"),
    ((-0.25,), {"sepChar": ":"}, "-0:15:00.00"),
    ((-23.50,), {"secondFracs": 4}, "-23 30 00.0000"),
])
def test_degToDms_formats_as_documented(args, kwargs, text):
    assert F["degToDms"](*args, **kwargs) == text


def test_degToDms_round_trips_through_dmsToDeg():
    text = F["degToDms"](-25.6835, sepChar=":")
    assert format(F["dmsToDeg"](text, sepChar=":"), ".4f") == "-25.6835"


@pytest.mark.parametrize(("args", "kwargs", "text"), [
    ((0,), {"sepChar": ":"}, "00:00:00.000"),
    ((122.057,), {"secondFracs": 1}, "08 08 13.7"),
    ((122.057,), {"secondFracs": 1, "truncate": True}, "08 08 13.6"),
    ((-0.055,), {"secondFracs": 0}, "-00 00 13"),
    ((-0.055,), {"secondFracs": 0, "truncate": True}, "-00 00 13"),
    ((-1.056,), {"secondFracs": 0}, "-00 04 13"),
    ((359.9999999,), {}, "24 00 00.000"),
    ((359.2222,), {"secondFracs": 4, "sepChar": ":"}, "23:56:53.3280"),
])
def test_degToHms_formats_as_documented(args, kwargs, text):
    assert F["degToHms"](*args, **kwargs) == text


def test_degToHms_round_trips_through_hmsToDeg():
    assert format(F["hmsToDeg"](F["degToHms"](256.25, secondFracs=9)), ".4f") == "256.2500"


@pytest.mark.parametrize(("args", "text"), [
    ((0,), "00:00:00"), ((23.5,), "23:30:00"), ((23.55,), "23:33:00"),
    ((23.525,), "23:31:30"), ((23.553, ":", 2), "23:33:10.80"),
    ((123.553, ":", 2), "123:33:10.80"),
])
def test_hoursToHms_formats_as_documented(args, text):
    assert F["hoursToHms"](*args) == text


def test_hmsToDeg_and_dmsToDeg_read_the_documented_forms():
    assert format(F["hmsToDeg"]("22 23 23.3"), "3.8f") == "335.84708333"
    assert format(F["hmsToDeg"]("22:23:23.3", ":"), "3.8f") == "335.84708333"
    assert format(F["hmsToDeg"]("222323.3", ""), "3.8f") == "335.84708333"
    assert format(F["dmsToDeg"]("45 30.6"), "3.8f") == "45.51000000"
    assert format(F["dmsToDeg"]("45:30.6", ":"), "3.8f") == "45.51000000"
    assert format(F["dmsToDeg"]("-45 30 7.6"), "3.8f") == "-45.50211111"


def test_hmsToDeg_and_dmsToDeg_name_the_bad_value():
    with pytest.raises(ValueError, match=r"^Invalid time with sepChar None: 'junk'$"):
        F["hmsToDeg"]("junk")
    with pytest.raises(ValueError, match=r"^Invalid dms value with sepChar None: 'junk'$"):
        F["dmsToDeg"]("junk")


def test_parseAngle_reads_hms_dms_and_fractional_hours():
    assert format(F["parseAngle"]("23 59 59.95", "hms"), ".8f") == "359.99979167"
    assert format(F["parseAngle"]("-20:31:05.12", "dms", sepChar=":"), "10.5f") == " -20.51809"
    assert format(F["parseAngle"]("21.0209556", "fracHour"), "010.6f") == "315.314334"
    with pytest.raises(ValueError, match="hms, dms or fracHour"):
        F["parseAngle"]("12", "rad")


def test_makeIAUId_truncates_to_the_iau_format():
    assert F["makeIAUId"]("GAVO J", 10.5, -3.24722) == "GAVO J004200-031449"
    assert F["makeIAUId"]("J", 122.057, 5.99999, longSec=1) == "J080813.6+055959"
    assert F["makeIAUId"]("J", 122.057, 5.99999, 1, 1) == "J080813.6+055959.9"


# -- times ----------------------------------------------------------------------

@pytest.mark.parametrize(("literal", "parsed"), [
    ("1998-12-14", DT(1998, 12, 14, 0, 0)),
    ("1998-12-14T13:30:12", DT(1998, 12, 14, 13, 30, 12)),
    ("1998-12-14T13:30:12Z", DT(1998, 12, 14, 13, 30, 12)),
    ("1998-12-14T13:30:12.224Z", DT(1998, 12, 14, 13, 30, 12, 224000)),
    ("19981214T133012Z", DT(1998, 12, 14, 13, 30, 12)),
    ("19981214T133012+00:00", DT(1998, 12, 14, 13, 30, 12)),
])
def test_parseISODT_reads_iso_literals_in_utc(literal, parsed):
    assert F["parseISODT"](literal) == parsed
    assert F["utils"].parseISODT(literal) == parsed


def test_parseISODT_knows_leap_seconds_only_through_time_tuples():
    with pytest.raises(ValueError, match="^second must be in 0..59$"):
        F["parseISODT"]("2016-12-31T23:59:60")
    # DaCHS's documentation shows 01:00: DaCHS converts to the local time of the
    # machine (CET) that built it; DR stays in UTC.
    assert F["parseISODT"]("2016-12-31T23:59:60", useTime=True) == DT(2017, 1, 1, 0, 0)


def test_parseISODT_rejects_junk_and_other_time_zones():
    message = (r"^Bad ISO datetime literal: junk \(required format: "
               r"yyyy-mm-ddThh:mm:ssZ\)$")
    with pytest.raises(ValueError, match=message):
        F["parseISODT"]("junk")
    with pytest.raises(ValueError, match="Bad ISO datetime literal"):
        F["parseISODT"]("1998-12-14T13:30:12+02:00")


def test_rowmaker_code_turns_iso_timestamps_into_mjd():
    assert F["dateTimeToMJD"](F["parseISODT"]("2000-01-01T12:00:00")) == 51544.5
    assert F["toMJD"]("2000-01-01T12:00:00") == 51544.5
    assert F["toMJD"](2451545.0) == 51544.5
    assert F["toMJD"](51544.5) == 51544.5


def test_tai_and_tt_differ_by_32_184_seconds():
    tai = DT(2020, 5, 1, 12, 0, 0)
    assert F["TAItoTT"](tai) == DT(2020, 5, 1, 12, 0, 32, 184000)
    assert F["TTtoTAI"](F["TAItoTT"](tai)) == tai


def test_julian_and_besselian_years():
    assert F["dateTimeToJYear"](DT(2000, 1, 1, 12)) == 2000.0
    assert F["dateTimeToJYear"](DT(2050, 1, 1, 0)) == 2050.0  # JD 2469807.5
    # B1950.0 is JD 2433282.4235 (Lieske 1979)
    b1950 = F["bYearToDateTime"](1950.0)
    assert F["dateTimeToJdn"](b1950) == pytest.approx(2433282.42346, abs=1e-5)
    assert F["bYearToDateTime"](1900.0) == F["jdnToDateTime"](2415020.31352)


def test_computeMean_of_numbers_and_datetimes():
    assert F["computeMean"](1., 3) == 2.0
    assert F["computeMean"](DT(2000, 10, 13), DT(2000, 10, 12)) == DT(2000, 10, 12, 12, 0)


# -- values, text and code ------------------------------------------------------

def test_requireValue_passes_values_and_refuses_none():
    assert F["requireValue"](0, "mag") == 0
    with pytest.raises(rmkfuncs.ValidationError, match="^mag: "):
        F["requireValue"](None, "mag")


def test_iterSimpleText_skips_comments_and_joins_continued_lines(tmp_path):
    path = tmp_path / "meta.txt"
    path.write_text("# a comment\n\n  first line  \nsecond \\\ncontinued\\\nend\n#x\nlast\n")
    with open(path) as f:
        assert list(F["iterSimpleText"](f)) == [
            (3, "first line"), (4, "second continuedend"), (8, "last")]


def test_loadPythonModule_loads_relative_to_a_file(tmp_path):
    res = tmp_path / "inputs" / "foo" / "res"
    res.mkdir(parents=True)
    (res / "helper.py").write_text("VALUE = 7\n")
    (res / "mod.py").write_text(
        "import helper\n\ndef answer():\n    return helper.VALUE * 6\n")
    module, spec = F["loadPythonModule"]("mod", relativeTo=str(res / "q.rd"))
    assert module.answer() == 42
    assert spec.name == module.__name__ == "foo_res_mod"
    with pytest.raises(ImportError, match="no Python module"):
        F["loadPythonModule"](str(res / "missing"))


def test_getRelativePath_and_flat_names(tmp_path):
    assert F["getRelativePath"](str(tmp_path / "a" / "b.fits"), str(tmp_path)) == "a/b.fits"
    with pytest.raises(ValueError):
        F["getRelativePath"]("/elsewhere/b.fits", str(tmp_path))
    with pytest.raises(ValueError, match="hazardous in URLs"):
        F["getRelativePath"](str(tmp_path / "a b.fits"), str(tmp_path), liberalChars=False)
    assert F["getFlatName"]("califa/data/V500 x.fits") == "califa_2Fdata_2FV500_20x.fits"
    assert F["getFlatName"]("../a_b") == "_2E._2Fa_5Fb"
    assert F["getFlatName"]("a/b") != F["getFlatName"]("a_2Fb")


def test_getQueryMeta_says_what_dr_lacks():
    with pytest.raises(rmkfuncs.Unsupported, match="only in imports"):
        F["getQueryMeta"]()


# -- the site's URLs and identifiers ----------------------------------------------

def test_site_paths_and_absolute_urls(a_site):
    assert F["makeSitePath"]("foo/bar") == "/foo/bar"
    assert F["makeSitePath"]("/foo/bar") == "/foo/bar"
    assert F["makeAbsoluteURL"]("/foo/bar") == "https://data.example.edu/foo/bar"
    assert F["makeAbsoluteURL"]("foo", canonical=True) == "https://data.example.edu/foo"
    assert F["base"].makeAbsoluteURL("x") == "https://data.example.edu/x"


def test_product_links_point_at_getproduct(a_site):
    assert F["quoteProductKey"]("califa/data/a b+c.fits") == "califa/data/a%20b%2Bc.fits"
    assert F["makeProductLink"]("califa/data/a b.fits") == (
        "https://data.example.edu/getproduct/califa/data/a%20b.fits")
    assert F["makeProductLink"]("x/y.fits", withHost=False) == "/getproduct/x/y.fits"
    assert F["makeProductLink"]("x/y.fits", useHost="http://mirror.org/") == (
        "http://mirror.org/getproduct/x/y.fits")
    assert F["makeProductLink"]("https://elsewhere.org/f.fits") == (
        "https://elsewhere.org/f.fits")


def test_accrefs_come_back_from_standard_pubdids(a_site):
    pubdid = F["getStandardPubDID"]("califa/data/a.fits")
    assert pubdid == "ivo://example.edu/~?califa/data/a.fits"
    assert F["getAccrefFromStandardPubDID"](pubdid) == "califa/data/a.fits"
    assert F["getAccrefFromStandardPubDID"]("califa/data/a.fits") == "califa/data/a.fits"
    assert F["getAccrefFromStandardPubDID"](
        "ivo://other/~?x", authBase="ivo://other/~?") == "x"
    with pytest.raises(F["base"].NotFoundError, match="ivo://else.org"):
        F["getAccrefFromStandardPubDID"]("ivo://else.org/~?a.fits")


def test_datalink_meta_links_name_the_service_and_pubdid(a_site, tmp_path):
    path = tmp_path / "spec" / "q.rd"
    path.parent.mkdir()
    path.write_text('<resource schema="s"><service id="dl" allowed="dlmeta">'
                    '<nullCore/></service></resource>')
    rd = load_rd("spec", tmp_path)
    assert F["getDatalinkMetaLink"](rd.by_id("dl"), "spec/data/a.fits") == (
        "https://data.example.edu/spec/q/dl/dlmeta?ID="
        "ivo%3A//example.edu/~%3Fspec/data/a.fits")
    with pytest.raises(TypeError, match="service element"):
        F["getDatalinkMetaLink"]("dl", "a.fits")


# -- WCS axes -----------------------------------------------------------------------

def test_getWCSAxis_converts_between_pixels_and_physical_values():
    header = {"NAXIS3": 11, "CTYPE3": "WAVE", "CUNIT3": "Angstrom", "CRVAL3": 4000.0,
              "CRPIX3": 1.0, "CDELT3": 2.0}
    axis = F["getWCSAxis"](header, 3)
    assert (axis.name, axis.cunit) == ("WAVE", "Angstrom")
    assert axis.pixToPhys(1) == 4000.0 and axis.pix0ToPhys(0) == 4000.0
    assert axis.physToPix(4010.0) == 6.0 and axis.physToPix0(4010.0) == 5.0
    assert axis.getLimits() == (4000.0, 4020.0)
    assert F["getWCSAxis"]({"CRVAL1": 1.0, "CRPIX1": 1, "CD1_1": -0.5, "NAXIS1": 3},
                           1).getLimits() == (0.0, 1.0)


def test_getWCSAxis_refuses_coupled_axes_unless_forced():
    header = {"CRVAL1": 10.0, "CRPIX1": 1.0, "CDELT1": 1.0, "PC1_2": 0.1,
              "CRVAL2": 0.0, "CDELT2": 1.0}
    with pytest.raises(ValueError, match="PC1_2"):
        F["getWCSAxis"](header, 2)
    assert F["getWCSAxis"](header, 1, forceSeparable=True).pixToPhys(3) == 12.0
    with pytest.raises(ValueError, match="no WCS for axis 4"):
        F["getWCSAxis"](header, 4)

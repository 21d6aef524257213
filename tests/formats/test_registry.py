"""RESPONSEFORMAT values as clients send them map to writers and Content-Types."""

from __future__ import annotations

import pytest

from engine.formats import accepted, lookup
from engine.formats.delimited import DelimitedWriter
from engine.formats.fits import FitsSpool
from engine.formats.votable import VOTableWriter
from rd.tablemeta import ResultColumn

COLUMNS = [ResultColumn("a", "int")]


@pytest.mark.parametrize("value, content_type, serialization", [
    ("votable", "application/x-votable+xml", "binary2"),
    ("application/x-votable+xml", "application/x-votable+xml", "binary2"),
    ("text/xml", "text/xml", "binary2"),
    ("application/x-votable+xml;serialization=binary2",
     "application/x-votable+xml;serialization=binary2", "binary2"),
    ("Application/X-VOTable+XML; serialization=BINARY2",
     "application/x-votable+xml;serialization=binary2", "binary2"),
    ("votable/b2", "application/x-votable+xml;serialization=binary2", "binary2"),
    ("votable/td", "application/x-votable+xml;serialization=tabledata", "tabledata"),
    ("application/x-votable+xml;serialization=tabledata",
     "application/x-votable+xml;serialization=tabledata", "tabledata"),
    ("", "application/x-votable+xml", "binary2"),
])
def test_votable_spellings(value, content_type, serialization):
    fmt = lookup(value)
    assert fmt.content_type == content_type
    writer = fmt.writer(COLUMNS, infos=[("QUERY", "x")], directory="/tmp")
    assert isinstance(writer, VOTableWriter) and writer.serialization == serialization


@pytest.mark.parametrize("value, content_type", [
    ("csv", "text/csv;charset=utf-8;header=present"),
    ("text/csv", "text/csv;charset=utf-8;header=present"),
    ("text/csv;charset=utf-8;header=present", "text/csv;charset=utf-8;header=present"),
    ("tsv", "text/tab-separated-values;charset=utf-8"),
    ("text/tab-separated-values", "text/tab-separated-values;charset=utf-8"),
    ("json", "application/json;charset=utf-8"),
    ("application/json", "application/json;charset=utf-8"),
    ("application/json; charset=UTF-8", "application/json;charset=utf-8"),
    ("fits", "application/fits"), ("application/fits", "application/fits"),
    ("html", "text/html;charset=utf-8"), ("text/html", "text/html;charset=utf-8"),
])
def test_other_formats(value, content_type):
    assert lookup(value).content_type == content_type


def test_every_content_type_is_accepted_back_as_a_format():
    # Clients may send the Content-Type they got (or capabilities list) back.
    from engine.formats.registry import FORMATS

    for fmt in FORMATS.values():
        assert lookup(fmt.content_type).content_type == fmt.content_type


def test_writers_ignore_options_of_other_formats():
    assert isinstance(lookup("csv").writer(COLUMNS, infos=[("QUERY", "x")]), DelimitedWriter)
    fits = lookup("fits")
    assert fits.spooled
    spool = fits.writer(COLUMNS, infos=[], directory=None)
    assert isinstance(spool, FitsSpool)
    spool.close()


def test_unknown_format_names_every_accepted_value():
    with pytest.raises(ValueError) as error:
        lookup("application/vnd.ms-excel")
    assert "application/vnd.ms-excel" in str(error.value)
    assert all(value in str(error.value) for value in accepted())

"""CSV, TSV, JSON and HTML output: what the csv and json modules and an HTML parser read."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pytest

from engine.formats.batch import Batch
from engine.formats.delimited import DelimitedWriter
from engine.formats.htmltable import HTMLTableWriter
from engine.formats.jsonformat import JSONWriter
from engine.formats.writer import OK, Status
from rd.tablemeta import ResultColumn
from tests.formats.conftest import COLUMNS, ROWS


def render(writer, batches, status=OK) -> str:
    data = writer.head() + b"".join(writer.batch(b) for b in batches) + writer.tail(status)
    return data.decode("utf-8")


def test_csv_has_a_header_and_one_record_per_row(sample):
    text = render(DelimitedWriter(COLUMNS), [sample, sample])
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert records[0] == [c.name for c in COLUMNS]
    assert len(records) == 1 + 2 * len(ROWS)
    first = dict(zip(records[0], records[1]))
    assert first["id"] == "1" and first["ra"] == "10.5" and first["flag"] == "T"
    assert first["label"] == "Grüße ☃"
    assert first["flux"] == "1.0 2.0 3.0" and first["ints"] == "1 2"
    assert first["obs_time"] == "2020-01-02T03:04:05.123456"
    assert records[2] == [""] * len(COLUMNS)
    third = dict(zip(records[0], records[3]))
    assert third["mag"] == "+Inf" and third["flux"] == "NaN 2.0 3.0"


def test_csv_quotes_only_fields_that_need_it():
    columns = [ResultColumn("text", "char", "*"), ResultColumn("n", "int")]
    rows = [('say "hi", then\r\nleave', 1), ("plain", 2)]
    text = render(DelimitedWriter(columns), [Batch.from_rows(columns, rows)])
    assert text.endswith('leave",1\r\nplain,2\r\n')
    assert list(csv.reader(io.StringIO(text, newline="")))[1:] == [
        ['say "hi", then\r\nleave', "1"], ["plain", "2"]]


def test_tsv_escapes_tabs_and_line_breaks():
    columns = [ResultColumn("text", "char", "*"), ResultColumn("n", "int")]
    rows = [("a\tb\nc\\d", 1), (None, None)]
    text = render(DelimitedWriter(columns, delimiter="\t"), [Batch.from_rows(columns, rows)])
    assert text.split("\n") == ["text\tn", "a\\tb\\nc\\\\d\t1", "\t", ""]


def test_csv_cannot_tell_an_error_so_its_writer_says_so(sample):
    writer = DelimitedWriter(COLUMNS)
    assert writer.in_band_status is False
    assert writer.tail(Status.error("boom")) == b""


def test_json_document_has_columns_data_and_status(sample):
    doc = json.loads(render(JSONWriter(COLUMNS), [sample, sample], Status.overflow()))
    assert doc["status"] == {"value": "OVERFLOW"}
    assert doc["columns"][1] == {"name": "ra", "datatype": "double", "arraysize": None,
                                 "unit": "deg", "ucd": "pos.eq.ra;meta.main", "utype": None,
                                 "xtype": None, "description": None}
    assert len(doc["data"]) == 2 * len(ROWS)
    first, empty, third = doc["data"][:3]
    row = dict(zip([c.name for c in COLUMNS], first))
    assert row["id"] == 1 and row["ra"] == 10.5 and row["flag"] is True
    assert row["flux"] == [1.0, 2.0, 3.0] and row["poly"] == [1, 2, 3, 4, 5, 6]
    assert row["label"] == "Grüße ☃" and row["obs_time"] == "2020-01-02T03:04:05.123456"
    assert empty == [None] * len(COLUMNS)
    row = dict(zip([c.name for c in COLUMNS], third))
    assert row["mag"] is None and row["flux"] == [None, 2.0, 3.0] and row["series"] == []


def test_json_error_mid_stream_is_still_valid_json(sample):
    doc = json.loads(render(JSONWriter(COLUMNS), [sample], Status.error('no "space"')))
    assert doc["status"] == {"value": "ERROR", "message": 'no "space"'}
    assert len(doc["data"]) == len(ROWS)


def test_json_empty_result():
    doc = json.loads(render(JSONWriter(COLUMNS), []))
    assert doc["data"] == [] and doc["status"] == {"value": "OK"}


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.paragraphs: list[str] = []
        self._in = ""

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
        self._in = tag

    def handle_endtag(self, tag):
        self._in = ""

    def handle_data(self, data):
        if self._in in ("td", "th"):
            self.rows[-1][-1] += data
        elif self._in == "p":
            self.paragraphs.append(data)


@pytest.mark.parametrize("status, note", [(Status.overflow(), "cut at the row limit"),
                                          (Status.error("<boom>"), "<boom>")])
def test_html_table_escapes_cells_and_shows_the_status(status, note):
    columns = [ResultColumn("name", "char", "*", description="The <name>"),
               ResultColumn("ra", "double", unit="deg")]
    text = render(HTMLTableWriter(columns),
                  [Batch.from_rows(columns, [("<script>&", 1.5), (None, None)])], status)
    assert "<script>" not in text and 'title="The &lt;name&gt;"' in text
    parser = _Cells()
    parser.feed(text)
    assert parser.rows == [["name", "ra [deg]"], ["<script>&", "1.5"], ["", ""]]
    assert note in parser.paragraphs[0]

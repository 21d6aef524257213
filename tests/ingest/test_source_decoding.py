"""Bytes a source file's encoding cannot decode are reported at their exact line,
whichever way the file is read: PostgreSQL's COPY reading the file itself (the
pass-through), or the grammar in Python."""

from __future__ import annotations

import gzip

import pytest

from tests.ingest.resources import CATALOG_TABLE

PASSTHROUGH = """
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar{options}/>
    <make table="main"><rowmaker idmaps="*"/></make>
  </data>"""
# A rowmaker that computes: the file goes through the grammar in Python.
GRAMMAR = """
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar{options}/>
    <make table="main"><rowmaker idmaps="*">
      <map dest="mag">float(@mag) + 0</map>
    </rowmaker></make>
  </data>"""


def _catalog(n: int) -> list[bytes]:
    lines = [b"id,ra,dec,mag,name,flux"]
    for i in range(1, n + 1):
        lines.append(f'{i},{i % 360},{i % 80},{10 + i % 7},obj {i},"{{1,2,3}}"'.encode())
    return lines


@pytest.fixture
def inputs(db):
    path = db.home / "inputs"
    (path / "cat/data").mkdir(parents=True)
    return path


def _import(db, inputs, data: str, lines: list[bytes], options: str = "",
            name: str = "a.csv", compress: bool = False) -> str:
    (inputs / "cat/q.rd").write_text('<resource schema="cat">' + CATALOG_TABLE
                                     + data.format(options=options) + "</resource>\n")
    content = b"\n".join(lines) + b"\n"
    (inputs / "cat/data" / name).write_bytes(gzip.compress(content) if compress
                                             else content)
    result = db.cli("imp", "cat")
    assert result.status != 0
    return result.err


@pytest.mark.parametrize("data", [PASSTHROUGH, GRAMMAR], ids=["passthrough", "grammar"])
def test_a_latin1_byte_in_a_utf8_file_is_reported_at_its_line(db, inputs, data):
    lines = _catalog(20000)
    lines[15000 - 1] = "15000,1,2,3,K\xf6ln,\"{1,2,3}\"".encode("latin-1")
    err = _import(db, inputs, data, lines)
    assert "data/a.csv:15000: is not valid utf-8 (byte b'\\xf6')" in err


@pytest.mark.parametrize("data", [PASSTHROUGH, GRAMMAR], ids=["passthrough", "grammar"])
def test_the_line_is_exact_in_gzipped_files_with_crlf(db, inputs, data):
    lines = [line + b"\r" for line in _catalog(9000)]
    lines[8000 - 1] = b"7999,1,2,3,\xff\xfe,\"{1,2,3}\"\r"
    err = _import(db, inputs, data, lines, ' gunzip="True"', compress=True)
    assert "data/a.csv:8000: is not valid utf-8 (byte b'\\xff')" in err


def test_comment_lines_count_as_lines(db, inputs):
    lines = _catalog(9000)
    lines[1:1] = [b"# a comment"] * 3
    lines[8000 - 1] = b"7996,1,2,3,\xff\xfe,\"{1,2,3}\""
    err = _import(db, inputs, PASSTHROUGH, lines, ' commentIntroducer="#"')
    assert "data/a.csv:8000: is not valid utf-8 (byte b'\\xff')" in err


def test_a_nul_character_is_reported_at_its_line(db, inputs):
    lines = _catalog(20000)
    lines[12345 - 1] = b'12344,1,2,3,a\x00b,"{1,2,3}"'
    err = _import(db, inputs, PASSTHROUGH, lines)
    assert "data/a.csv:12345:" in err and "0x00" in err

"""Fuzzing the RD reader: whatever an RD file holds, loading it (as ``dr val`` does)
gives a resource or an RDError naming the file and the line or element — never
another exception, never the "this is a bug in DR" wrapper, never slowly.

The inputs are the demo's RDs (inputs/) damaged as XML — attributes dropped
or given odd values, elements renamed, removed, duplicated or moved, text
replaced — or as bytes; plus XML's own attacks (entity expansion, external
entities, deep nesting) and macro definitions expanding each other.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

from engine.web.routes import SERVICE_RENDERERS
from rd.errors import RDError
from rd.loader import load_rd_file
from tests.fuzz.budget import fuzz, tried
from tests.fuzz.mutations import damaged_bytes, edited_xml
from tests.servers import INPUTS

TIME_LIMIT = 5.0  # seconds to load or refuse one RD

RD_FILES = sorted(INPUTS.glob("*/*.rd"))
SOURCES = {str(path.relative_to(INPUTS).with_suffix("")): path.read_bytes()
           for path in RD_FILES}
RD_IDS = sorted(SOURCES)
TAGS = sorted({element.tag for source in SOURCES.values()
               for element in etree.fromstring(source).iter() if isinstance(element.tag, str)})
VALUES = ["", " ", "x", "0", "-1", "1e999", "nan", "True", "False", "yes", "#", "//",
          "#x", "//scs#nosuch", "//nosuch#x", "califa/q#main", "q#x", "a#b#c",
          "real[", "char(*)", "double precision[3]", "text[]", "integer", "unicode",
          "spoint", "\\schema", "\\getConfig{web}{serverURL}", "\\nosuch{", "\\upper{",
          "\\metaString{title}", "@x", "${x}", "*", "9" * 40, "a b", "\u00e9", "东京",
          "\x7f", "&amp;", "<![CDATA[", "x" * 300, "f(", "__import__('os')", "1/0"]


def load(source: bytes, rd_id: str, directory: Path) -> None:
    """Load ``source`` as the RD ``rd_id`` (its references resolving among the demo's
    RDs) and bind its services as ``dr val`` does: fine, or a located RDError."""
    tried("rd")
    path = directory / f"{rd_id.replace('/', '_')}.rd"
    path.write_bytes(source)
    started = time.monotonic()
    try:
        rd = load_rd_file(path, rd_id, INPUTS)
        for service in rd.services:
            service.serve_renderers(SERVICE_RENDERERS)
    except RDError as exc:
        assert "bug in DR" not in (exc.hint or ""), (exc, exc.__cause__)
        assert exc.path and (exc.line is not None or exc.element), exc
    finally:
        elapsed = time.monotonic() - started
        assert elapsed < TIME_LIMIT, f"{elapsed:.1f} s to load {source[:300]!r}"


@st.composite
def damaged_rds(draw) -> tuple[str, bytes]:
    """(RD id, a demo RD with one to three XML edits)."""
    rd_id = draw(st.sampled_from(RD_IDS))
    return rd_id, draw(edited_xml(SOURCES[rd_id], VALUES, TAGS))


@fuzz(100)
@given(case=damaged_rds())
@example(case=("jplus/images", SOURCES["jplus/images"].replace(
    b'<make table="images">', b'<make table="#">')))
def test_damaged_rds_load_or_raise_a_located_rderror(tmp_path, case):
    rd_id, source = case
    load(source, rd_id, tmp_path)


@fuzz(60)
@given(rd_id=st.sampled_from(RD_IDS), data=st.data())
def test_rds_damaged_as_bytes_load_or_raise_a_located_rderror(tmp_path, rd_id, data):
    load(data.draw(damaged_bytes([SOURCES[rd_id]])), rd_id, tmp_path)


def _laughs(levels: int) -> bytes:
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1))
    return (f'<?xml version="1.0"?><!DOCTYPE resource [{entities}]>'
            f'<resource schema="x"><meta name="title">&l{levels};</meta></resource>').encode()


def _macro_bomb(levels: int) -> bytes:
    backslash = "\\"
    defs = '<macDef name="m0">lollollollol</macDef>' + "".join(
        f'<macDef name="m{i}">{f"{backslash}m{i - 1}" * 10}</macDef>'
        for i in range(1, levels + 1))
    return (f'<resource schema="x">{defs}<table id="t"><column name="c" '
            f'description="{backslash}m{levels}"/></table></resource>').encode()


ATTACKS = {
    "billion laughs": _laughs(9),
    "macro bomb": _macro_bomb(9),
    "external entity": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM '
                       b'"file:///etc/passwd">]><resource schema="x"><meta name="title">'
                       b'&x;</meta></resource>',
    "external DTD": b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:1/x.dtd">'
                    b'<resource schema="x"/>',
    "parameter entity": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % x SYSTEM '
                        b'"http://127.0.0.1:1/x"> %x;]><resource schema="x"/>',
    "XInclude": b'<resource schema="x" xmlns:xi="http://www.w3.org/2001/XInclude">'
                b'<xi:include href="/etc/passwd" parse="text"/></resource>',
    "deep nesting": b'<resource schema="x">' + b"<meta name='a'>" * 5000
                    + b"</meta>" * 5000 + b"</resource>",
    "many attributes": b'<resource schema="x" '
                       + b" ".join(b'a%d="1"' % i for i in range(5000)) + b"/>",
    "UTF-16": '<?xml version="1.0" encoding="utf-16"?><resource schema="x"/>'
              .encode("utf-16"),
    "unknown encoding": b'<?xml version="1.0" encoding="nonsense"?><resource schema="x"/>',
    "not UTF-8": b'<resource schema="\xe9"/>',
    "NUL": b'<resource schema="x\x00"/>',
    "empty": b"",
    "only a comment": b"<!-- x -->",
    "another root": b'<table id="x"/>',
    "namespaced root": b'<r:resource xmlns:r="urn:x" schema="x"/>',
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_xml_attacks_are_refused_quickly(tmp_path, name):
    load(ATTACKS[name], "fuzz/q", tmp_path)


def test_entities_are_never_expanded(tmp_path):
    path = tmp_path / "q.rd"
    path.write_bytes(ATTACKS["external entity"])
    rd = load_rd_file(path, "fuzz/q", INPUTS)
    assert "root:" not in str(rd.meta.get("title"))


def test_errors_in_a_copy_name_the_line_of_the_original_attribute(tmp_path):
    # Found by fuzzing: the copied <publish> of califa/q's table had no line.
    path = tmp_path / "q.rd"
    path.write_bytes(b'<resource schema="x">\n\n<table id="t" original="califa/q#main"/>'
                     b"\n</resource>")
    with pytest.raises(RDError) as caught:
        load_rd_file(path, "fuzz/q", INPUTS)
    assert caught.value.line == 3, caught.value

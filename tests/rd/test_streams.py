"""STREAMs replayed by FEED and LOOP: a stream that leads back to itself is an error
naming the FEED that closes the circle; a stream's <doc> describes it and is not
replayed (DaCHS reference: doc is an atomic child of STREAM, NXSTREAM and events)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rd.errors import RDError
from rd.loader import load_rd


def write(inputs: Path, rd_id: str, body: str) -> Path:
    path = inputs / f"{rd_id}.rd"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<resource schema="s">' + textwrap.dedent(body) + "</resource>\n")
    return path


def test_streams_feeding_each_other_in_a_circle_name_the_closing_feed(tmp_path):
    path = write(tmp_path, "res/q", """
      <STREAM id="a">
        <column name="x"/>
        <FEED source="b"/>
      </STREAM>
      <STREAM id="b">
        <FEED source="a"/>
      </STREAM>
      <table id="main" onDisk="True">
        <FEED source="a"/>
      </table>
    """)
    with pytest.raises(RDError) as caught:
        load_rd("res", tmp_path)
    assert str(caught.value).startswith(
        f"{path}:7: <FEED> STREAM 'a' replays itself (through a -> b -> a)")


def test_a_loop_over_a_stream_that_loops_over_itself_is_an_error(tmp_path):
    path = write(tmp_path, "res/q", """
      <STREAM id="cols">
        <LOOP listItems="a b" source="cols"/>
      </STREAM>
      <table id="main" onDisk="True">
        <FEED source="cols"/>
      </table>
    """)
    with pytest.raises(RDError) as caught:
        load_rd("res", tmp_path)
    assert str(caught.value).startswith(f"{path}:3: <LOOP> STREAM 'cols' replays itself")


def test_a_circle_through_another_rd_is_an_error_too(tmp_path):
    write(tmp_path, "lib/q", """
      <STREAM id="there">
        <FEED source="res/q#here"/>
      </STREAM>
    """)
    write(tmp_path, "res/q", """
      <STREAM id="here">
        <column name="x"/>
        <FEED source="lib/q#there"/>
      </STREAM>
      <table id="main" onDisk="True">
        <FEED source="here"/>
      </table>
    """)
    with pytest.raises(RDError) as caught:
        load_rd("res", tmp_path)
    assert "STREAM 'res/q#here' replays itself (through here -> lib/q#there -> " \
           "res/q#here)" in str(caught.value)


def test_a_stream_fed_twice_side_by_side_is_no_circle(tmp_path):
    write(tmp_path, "res/q", """
      <STREAM id="band">
        <column name="\\band\\+mag"/>
      </STREAM>
      <STREAM id="bands">
        <FEED source="band" band="V"/>
        <FEED source="band" band="R"/>
      </STREAM>
      <table id="main" onDisk="True">
        <FEED source="bands"/>
        <FEED source="band" band="I"/>
      </table>
    """)
    rd = load_rd("res", tmp_path)
    assert [c.name for c in rd.table("main").columns] == ["Vmag", "Rmag", "Imag"]


def test_the_doc_of_a_stream_or_events_stays_there(tmp_path):
    write(tmp_path, "res/q", """
      <STREAM id="s">
        <doc>Adds the column b.</doc>
        <column name="b"/>
      </STREAM>
      <table id="main" onDisk="True">
        <column name="a"/>
        <FEED source="s"/>
        <LOOP listItems="x y">
          <events>
            <doc>One column per item.</doc>
            <column name="c\\item"/>
          </events>
        </LOOP>
      </table>
    """)
    rd = load_rd("res", tmp_path)
    assert [c.name for c in rd.table("main").columns] == ["a", "b", "cx", "cy"]
    assert rd.warnings == []

"""No RD, however wrong, gives a traceback: each file of tests/rd/broken/ holds one
mistake, and ``dr val`` and ``dr imp`` both report it as ``file:line: <element> what``.

``load`` mistakes fail validation (and so the import); ``import`` mistakes pass
validation and fail the import.  XML that is not well-formed names no element
of ours: the parser's message says which tags it could not match.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

BROKEN = Path(__file__).parent / "broken"

# file: (phase, line, element or None, what the message says)
EXPECTED = {
    "empty.rd": ("load", 1, "resource", "is missing: the file is empty"),
    "whitespace_only.rd": ("load", 1, "resource", "is missing: the file is empty"),
    "not_xml.rd": ("load", 1, None, "not well-formed XML: Start tag expected"),
    "unclosed_tag.rd": ("load", 4, None, "Opening and ending tag mismatch: table line 2 "
                                         "and resource"),
    "mismatched_tag.rd": ("load", 3, None, "Opening and ending tag mismatch: table line 2 "
                                           "and tabel"),
    "undefined_entity.rd": ("load", 2, None, "Entity 'unknown' not defined"),
    "wrong_root.rd": ("load", 1, None, "the root element is <table>, not <resource>"),
    "missing_schema.rd": ("load", 1, "resource", "lacks the required attribute 'schema'"),
    "bad_schema_name.rd": ("load", 1, "resource", "schema 'my-schema' is not an SQL name"),
    "unknown_element.rd": ("load", 2, "tabel", "unknown element <tabel> inside <resource>"),
    "unknown_attribute.rd": ("load", 3, "column", "unknown attribute 'colour'"),
    "bad_boolean.rd": ("load", 2, "table", "attribute onDisk: 'maybe' is not a boolean"),
    "bad_integer.rd": ("load", 3, "column", "attribute verbLevel: 'high' is not an "
                                            "integer"),
    "bad_enum.rd": ("load", 2, "table", "attribute adql: 'sometimes' is not one of True, "
                                        "False, hidden"),
    "bad_column_type.rd": ("load", 3, "column", "unknown column type 'float128'"),
    "bad_column_name.rd": ("load", 3, "column", "'2mass' is not a valid column name"),
    "bad_table_name.rd": ("load", 2, "table", "'main table' is not a valid table name"),
    "long_table_name.rd": ("load", 2, "table", f"table name '{'t' * 64}' is longer than "
                                               "PostgreSQL's 63 bytes"),
    "long_schema_name.rd": ("load", 1, "resource", f"schema '{'s' * 64}' is longer than "
                                                   "PostgreSQL's 63 bytes"),
    "table_without_id.rd": ("load", 2, "table", "a table needs an id"),
    "column_without_name.rd": ("load", 3, "column", "lacks the required attribute 'name'"),
    "duplicate_column.rd": ("load", 4, "column", "column 'A' is defined twice"),
    "duplicate_id.rd": ("load", 5, "table", "id 'main' is already used at "),
    "text_in_column.rd": ("load", 3, "column", "takes no text content (found 'the "
                                               "magnitude')"),
    "primary_key_unknown.rd": ("load", 2, "table", "primary key column 'id' is not a "
                                                   "column of this table"),
    "index_unknown_column.rd": ("load", 4, "index", "index column 'b' is not a column"),
    "index_without_columns.rd": ("load", 4, "index", "needs columns (or an SQL "
                                                     "expression as its text)"),
    "foreign_key_dangling.rd": ("load", 4, "foreignKey", "'other' is not a table of this "
                                                         "RD (tables: main)"),
    "make_dangling_table.rd": ("load", 6, "make", "'mian' is not a table of this RD"),
    "make_dangling_rowmaker.rd": ("load", 8, "make", "'rm' is not a rowmaker of this RD"),
    "service_dangling_core.rd": ("load", 5, "service", "'nocore' is not a core of this "
                                                       "RD"),
    "core_dangling_table.rd": ("load", 6, "dbCore", "'mane' is not a table of this RD"),
    "service_without_core.rd": ("load", 2, "service", "needs a core"),
    "service_without_id.rd": ("load", 5, "service", "a service needs an id"),
    "unknown_renderer.rd": ("load", 5, "service", "renderer(s) frm not known to DR or "
                                                  "DaCHS"),
    "publish_not_allowed.rd": ("load", 7, "publish", "publishes renderer 'scs.xml', which "
                                                     "the service does not allow"),
    "publish_dangling_service.rd": ("load", 7, "publish", "'web' is not a service of "
                                                          "this RD (services: s)"),
    "feed_dangling_stream.rd": ("load", 3, "FEED", "no STREAM with id 'nowhere'"),
    "mixin_unknown.rd": ("load", 2, "table", "no system element '//scs#nothing'"),
    "note_undefined.rd": ("load", 3, "column", "note '1' is not a note of table 'main' "
                                               "(its notes: 2)"),
    "note_without_tag.rd": ("load", 4, "meta", "a note needs a tag"),
    "map_syntax_error.rd": ("load", 10, "map", "Python syntax error in the expression"),
    "map_unknown_column.rd": ("load", 10, "map", "table 'main' has no column 'b'"),
    "idmaps_no_match.rd": ("load", 9, "rowmaker", "idmaps 'z*' matches no column of "
                                                  "table 'main'"),
    "python_script_syntax_error.rd": ("load", 8, "script", "Python syntax error: "
                                                           "expected ':'"),
    "bad_script_type.rd": ("load", 7, "script", "attribute type: 'whenever' is not one "
                                                "of preCreation"),
    "sources_without_grammar.rd": ("load", 5, "data", "has sources but no grammar"),
    "two_grammars.rd": ("load", 8, "csvGrammar", "a data element takes exactly one "
                                                 "grammar"),
    "column_in_data.rd": ("load", 6, "column", "is not allowed inside <data>"),
    "make_outside_data.rd": ("load", 5, "make", "is not allowed inside <resource>"),
    "loop_without_events.rd": ("load", 3, "LOOP", "an <events> child"),
    "original_dangling.rd": ("load", 4, "column", "original 'nothing' names no element"),
    "stream_feeds_itself.rd": ("load", 3, "FEED", "replays itself"),
    "sql_script_fails.rd": ("import", 7, "script", "preIndex script failed: invalid "
                                                   "input syntax for type integer"),
    "python_script_raises.rd": ("import", 8, "script", "postCreation script failed: "
                                                       "relation \"nowhere\" does not "
                                                       "exist"),
    "sources_match_nothing.rd": ("import", 6, "sources", "sources data/*.nothing match "
                                                         "no file"),
    "fromdb_bad_sql.rd": ("import", 7, "ignoreSources", "fromdb query failed: syntax "
                                                        "error"),
    "grammar_lacking_data_named.rd": ("import d", 5, "data", "cannot be imported: DR does "
                                                             "not implement <pdsGrammar>"),
}

def test_the_corpus_and_the_expectations_list_the_same_files():
    assert sorted(p.name for p in BROKEN.glob("*.rd")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 40


def _check(result, rd_path: Path, line: int, element: str | None, what: str) -> None:
    text = result.out + result.err
    assert "Traceback" not in text, text
    assert result.status != 0, text
    where = f"{rd_path}:{line}: " + (f"<{element}> " if element else "")
    assert where in result.err, (where, result.err)
    assert what in result.err, (what, result.err)
    located = re.compile(r"q\.rd:\d+: (<\w+> )?")
    assert located.search(result.err), result.err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_rd_is_reported_with_file_line_and_element(db, name):
    phase, line, element, what = EXPECTED[name]
    resdir = db.home / "inputs" / "broken"
    resdir.mkdir(parents=True)
    rd = resdir / "q.rd"
    shutil.copy(BROKEN / name, rd)
    val = db.cli("val", "broken")
    if phase == "load":
        _check(val, rd, line, element, what)
    else:
        assert "Traceback" not in val.out + val.err
        assert val.status == 0, val.err
    imp = db.cli("imp", "broken", *phase.split()[1:])
    _check(imp, rd, line, element, what)

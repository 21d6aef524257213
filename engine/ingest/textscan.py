"""Which text columns of a loaded table hold non-ASCII: one scan, at import.

VOTable's ``char`` is ASCII; a column holding anything else must be
described as ``unicodeChar`` for clients to read its values back exactly
(astropy refuses UTF-8 in BINARY2 ``char``, STIL garbles it).  DR keeps
``char`` where it knows the values are ASCII — half the bytes of
``unicodeChar``, and what standards and DaCHS-era clients expect — so each
import looks once at every text column of the tables it loaded and records
the answer in ``dc.tables.unicode_columns``
(:func:`engine.db.metadata.served_metadata` applies it).
"""

from __future__ import annotations

from engine.db.identifiers import q
from rd.elements.table import Table


def non_ascii_columns(cur, table: Table, sql_name: str) -> list[str]:
    """The SQL names of ``table``'s text columns holding any non-ASCII
    character in the table ``sql_name`` (qualified, quoted).

    Columns already declared ``unicode`` and hidden columns are not looked at.
    A character is non-ASCII exactly when it takes more than one byte in
    UTF-8, DR's database encoding, so octet and character lengths differ; in
    a database of another encoding every text column counts as non-ASCII.
    """
    names = [c.sql_name for c in table.columns
             if c.sql_type.is_text and c.sql_type.base != "unicode" and not c.hidden]
    if not names:
        return []
    cur.execute("SELECT current_setting('server_encoding')")
    if cur.fetchone()[0] != "UTF8":
        return names
    tests = ", ".join(f"coalesce(bool_or(octet_length({q(n)}::text) <> "
                      f"char_length({q(n)}::text)), false)" for n in names)
    cur.execute(f"SELECT {tests} FROM {sql_name}")
    found = cur.fetchone()
    return [name for name, hit in zip(names, found) if hit]

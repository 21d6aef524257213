"""Running ``<script>`` elements during an import: SQL, AC_SQL and Python, as DaCHS does.

SQL scripts see ``\\curtable`` and ``\\qName`` as the qualified name of the
table being made.  AC_SQL runs statement by statement and ignores failing
ones.  Python scripts are the RD author's (trusted, like rowmaker code): they
get ``table`` (what DaCHS calls it: ``table.query``, ``table.connection``,
``table.deleteMatching``, ``table.tableDef.rd``…) and, for newSource and
sourceDone, ``sourceToken`` (the source file's path) and ``feeder``.  Any
failure names the script's file, line and element.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from psycopg2 import Error as DatabaseError

from rd import rmkfuncs
from rd.elements.script import SCRIPT_FUNCTION, Script
from rd.elements.table import Table
from rd.errors import RDError


def split_sql(text: str) -> list[str]:
    """Statements of an SQL script: split at semicolons outside quotes, dollar
    quotes and comments."""
    out, start, i, n = [], 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"":
            end = text.find(ch, i + 1)
            while end != -1 and text[end + 1:end + 2] == ch:  # doubled quote
                end = text.find(ch, end + 2)
            i = n if end == -1 else end + 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end == -1 else end + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end == -1 else end + 2
        elif ch == "$":
            tag_end = text.find("$", i + 1)
            tag = text[i:tag_end + 1] if tag_end != -1 else ""
            if tag and (tag == "$$" or tag[1:-1].isidentifier()):
                end = text.find(tag, tag_end + 1)
                i = n if end == -1 else end + len(tag)
            else:
                i += 1
        elif ch == ";":
            out.append(text[start:i])
            start = i = i + 1
        else:
            i += 1
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def run_scripts(cur, scripts: Sequence[Script], kind: str, table: Table, sql_name: str,
                **names: Any) -> None:
    """Run the scripts of type ``kind`` for ``table`` (built as ``sql_name``)."""
    for script in scripts:
        if script.type == kind:
            run_script(cur, script, table, sql_name, **names)


def run_script(cur, script: Script, table: Table, sql_name: str, **names: Any) -> None:
    if script.lang == "python":
        _run_python(cur, script, table, sql_name, names)
        return
    sql = (script.content or "").replace("\\curtable", sql_name).replace("\\qName",
                                                                         sql_name)
    statements = split_sql(sql)
    for statement in statements:
        cur.execute("SAVEPOINT dr_script")
        try:
            cur.execute(statement)
        except DatabaseError as exc:
            cur.execute("ROLLBACK TO SAVEPOINT dr_script")
            if script.lang == "AC_SQL":
                continue
            first = " ".join(statement.split())[:80]
            raise script.error(f"{script.label} failed: {_pg_message(exc)} "
                               f"(in: {first})") from None
        finally:
            cur.execute("RELEASE SAVEPOINT dr_script")


def _pg_message(exc: DatabaseError) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return primary or str(exc).strip().splitlines()[0]


def _run_python(cur, script: Script, table: Table, sql_name: str,
                names: dict[str, Any]) -> None:
    namespace = rmkfuncs.namespace()
    exec(script.code, namespace)  # noqa: S102 -- the RD author's code, compiled at load
    function = namespace[SCRIPT_FUNCTION]
    cur.execute("SAVEPOINT dr_script")
    try:
        function(ScriptTable(cur, table, sql_name), **names)
    except RDError:
        cur.execute("ROLLBACK TO SAVEPOINT dr_script")
        raise
    except Exception as exc:
        cur.execute("ROLLBACK TO SAVEPOINT dr_script")
        line = None
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == script.filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        message = (_pg_message(exc) if isinstance(exc, DatabaseError)
                   else f"{type(exc).__name__}: {exc}")
        raise script.error_at(line, f"{script.label} failed: {message}") from None
    cur.execute("RELEASE SAVEPOINT dr_script")


class _Connection:
    """``table.connection``: DB-API style access through the import's cursor."""

    def __init__(self, cur) -> None:
        self._cur = cur

    def execute(self, query: str, args: Any = None):
        self._cur.execute(query, args)
        return self._cur

    def cursor(self):
        return self._cur.connection.cursor()

    def queryToDicts(self, query: str, args: Any = None) -> Iterator[dict]:  # noqa: N802
        self._cur.execute(query, args)
        names = [d[0] for d in self._cur.description or ()]
        for row in self._cur.fetchall():
            yield dict(zip(names, row))


class _RDView:
    """``table.tableDef.rd``: the RD as DaCHS scripts use it."""

    def __init__(self, rd) -> None:
        self._rd = rd
        self.schema = rd.schema
        self.resdir = str(rd.resdir_path)

    def getById(self, ident: str):  # noqa: N802
        found = self._rd.by_id(ident)
        if found is None:
            raise KeyError(f"no element with id {ident!r} in {self._rd.rd_id}")
        return found

    def getAbsPath(self, rel: str) -> str:  # noqa: N802
        return str(self._rd.resdir_path / rel)

    def openRes(self, rel: str, mode: str = "r"):  # noqa: N802
        return open(Path(self._rd.resdir_path) / rel, mode)  # noqa: SIM115


class _TableDefView:
    """``table.tableDef``: the table's definition."""

    def __init__(self, table: Table, sql_name: str) -> None:
        self._table = table
        self.id = table.id
        self.columns = table.columns
        self.rd = _RDView(table.rd)
        self._sql_name = sql_name

    def getQName(self) -> str:  # noqa: N802
        return self._sql_name


class ScriptTable:
    """What DaCHS's python scripts call ``table``: the table being made."""

    def __init__(self, cur, table: Table, sql_name: str) -> None:
        self.connection = _Connection(cur)
        self.tableDef = _TableDefView(table, sql_name)  # noqa: N815
        self.tableName = sql_name  # noqa: N815
        self._cur = cur

    def query(self, query: str, args: Any = None):
        """Run SQL (``\\curtable`` is this table); returns the cursor to iterate."""
        self._cur.execute(query.replace("\\curtable", self.tableName), args)
        return self._cur

    def deleteMatching(self, condition: str, pars: Any = None) -> None:  # noqa: N802
        self._cur.execute(f"DELETE FROM {self.tableName} WHERE {condition}", pars)

    def commit(self) -> None:
        """DaCHS scripts may commit; an import is one transaction, so nothing happens."""


class Feeder:
    """``feeder`` of sourceDone scripts: rows are already written when they run."""

    def flush(self) -> None:
        """Nothing to flush: DR has written the source's rows when the script runs."""

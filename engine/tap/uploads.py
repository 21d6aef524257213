"""TAP uploads: VOTables named in UPLOAD become temporary tables on the query's connection.

``UPLOAD=name,param:part`` takes the VOTable from the multipart part ``part``;
``name,http://...`` is fetched beforehand by engine.tap.fetch, holding no
database connection.  The table lives in the connection's pg_temp and ADQL
reaches it as ``TAP_UPLOAD.name``.  Whatever a client can get wrong in an
upload (names, types, values) is a 400 with a plain message.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import psycopg2
from astropy.io.votable import parse_single_table

from engine.db.identifiers import q
from engine.db.rowsecurity import grant_temporary
from engine.errors import ProtocolError
from engine.ingest.copyformat import format_column, rows_to_copy
from rd.tablemeta import ColumnMeta, TableMeta
from rd.types import parse_type

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
SQL_TYPES = {"boolean": "boolean", "bit": "boolean", "unsignedByte": "smallint",
             "short": "smallint", "int": "integer", "long": "bigint", "float": "real",
             "double": "double precision", "char": "text", "unicodeChar": "unicode"}
TEXT_DATATYPES = ("char", "unicodeChar")
# PostgreSQL's system columns (and oid, one before PostgreSQL 12): no user
# column may have these names.
SYSTEM_COLUMNS = frozenset({"tableoid", "xmin", "cmin", "xmax", "cmax", "ctid", "oid"})
MAX_NAME_BYTES = 63  # PostgreSQL's NAMEDATALEN - 1; names here are ASCII
TABLE_PREFIX = "tap_upload_"
MAX_COLUMNS = 1600  # PostgreSQL's limit


@dataclass(frozen=True)
class UploadSpec:
    name: str
    source: str  # "param:<part>" or a URL

    @property
    def part(self) -> str | None:
        """The multipart part that holds the table; None when it is a URL."""
        return self.source[len("param:"):] if self.source.startswith("param:") else None


def parse_upload(values: list[str], max_uploads: int) -> list[UploadSpec]:
    """UPLOAD values: ``name,source`` pairs, several separated by semicolons."""
    specs = []
    for value in values:
        for item in value.split(";"):
            if not item.strip():
                continue
            name, sep, source = item.partition(",")
            name, source = name.strip(), source.strip()
            if not sep or not name or not source:
                raise ProtocolError(f"UPLOAD {item[:80]!r} is not 'name,param:part' or "
                                    "'name,URL'", param="UPLOAD")
            if not NAME_RE.match(name):
                raise ProtocolError(f"upload table name {name[:80]!r} must be a plain "
                                    "name (letters, digits, underscores)", param="UPLOAD")
            if len(TABLE_PREFIX + name) > MAX_NAME_BYTES:
                raise ProtocolError(f"upload table name {name[:20]!r}… is longer than "
                                    f"{MAX_NAME_BYTES - len(TABLE_PREFIX)} characters",
                                    param="UPLOAD")
            if not (source.startswith("param:") or source.startswith(("http://",
                                                                       "https://"))):
                raise ProtocolError(f"upload source {source[:80]!r} must be param:<part> "
                                    "or an http(s) URL", param="UPLOAD")
            specs.append(UploadSpec(name, source))
            if len(specs) > max_uploads:
                raise ProtocolError(f"a request may upload at most {max_uploads} tables",
                                    param="UPLOAD")
    names = [s.name.lower() for s in specs]
    if len(set(names)) != len(names):
        raise ProtocolError("two uploads have the same name", param="UPLOAD")
    return specs


def _column(field) -> ColumnMeta:
    name, datatype = field.name or "", field.datatype
    if not NAME_RE.match(name):
        raise ProtocolError(f"upload column name {name[:80]!r} must be a plain name "
                            "(letters, digits, underscores)", param="UPLOAD")
    if len(name) > MAX_NAME_BYTES:
        raise ProtocolError(f"upload column name {name[:20]!r}… is longer than "
                            f"{MAX_NAME_BYTES} characters", param="UPLOAD")
    if name.lower() in SYSTEM_COLUMNS:
        raise ProtocolError(f"upload column name {name!r} is reserved by the database; "
                            "rename the column", param="UPLOAD")
    sql_type = SQL_TYPES.get(datatype)
    if sql_type is None:
        raise ProtocolError(f"upload column {name!r} has the VOTable type "
                            f"{datatype}, which DR cannot store", param="UPLOAD")
    arraysize = field.arraysize or ""
    if arraysize and datatype not in TEXT_DATATYPES:
        if "x" in arraysize:
            raise ProtocolError(f"upload column {name!r} is a multidimensional array "
                                f"({arraysize}), which DR cannot store", param="UPLOAD")
        sql_type += "[]"
    return ColumnMeta(name.lower(), sql_type, unit=str(field.unit or ""),
                      ucd=field.ucd or "", xtype=field.xtype or "",
                      description=(field.description or "").strip())


def _columns(spec: UploadSpec, fields) -> tuple[ColumnMeta, ...]:
    if not fields:
        raise ProtocolError(f"upload {spec.name!r} has no columns", param="UPLOAD")
    if len(fields) > MAX_COLUMNS:
        raise ProtocolError(f"upload {spec.name!r} has more than {MAX_COLUMNS} columns",
                            param="UPLOAD")
    columns = tuple(_column(f) for f in fields)
    seen: set[str] = set()
    for column in columns:
        if column.name in seen:
            raise ProtocolError(f"upload {spec.name!r} has two columns named "
                                f"{column.name!r} (names ignore case)", param="UPLOAD")
        seen.add(column.name)
    return columns


def _text_type(column: ColumnMeta, values) -> ColumnMeta:
    """Text holding non-ASCII becomes ``unicode``, so results declare unicodeChar."""
    if column.type == "text" and any(isinstance(v, str) and not v.isascii()
                                     for v in values):
        return dataclasses.replace(column, type="unicode")
    return column


def create_upload(cursor, spec: UploadSpec, data: bytes) -> TableMeta:
    """Parse one VOTable and load it into a temporary table (the query's connection)."""
    try:
        table = parse_single_table(io.BytesIO(data), verify="ignore")
        array = table.array
        fields = table.fields
        values = [_values(array[f.ID or f.name]) for f in fields]
    except Exception as exc:  # astropy raises many kinds for bad input
        raise ProtocolError(f"upload {spec.name!r} is not a readable VOTable: {exc}",
                            param="UPLOAD") from None
    columns = tuple(_text_type(c, v) for c, v in
                    zip(_columns(spec, fields), values, strict=True))
    sql_name = f"{TABLE_PREFIX}{spec.name.lower()}"
    cols_ddl = ", ".join(f"{q(c.name)} {parse_type(c.type).sql}" for c in columns)
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{q(sql_name)}")
    cursor.execute(f"CREATE TEMPORARY TABLE {q(sql_name)} ({cols_ddl})")
    formatted = [format_column(v) for v in values]
    if formatted[0]:
        try:
            cursor.copy_expert(f"COPY pg_temp.{q(sql_name)} FROM STDIN",
                               io.BytesIO(rows_to_copy(formatted)))
        except psycopg2.DataError as exc:
            raise ProtocolError(f"upload {spec.name!r} holds a value the database "
                                f"cannot store: {exc.diag.message_primary}",
                                param="UPLOAD") from None
    cursor.execute(f"ANALYZE pg_temp.{q(sql_name)}")
    grant_temporary(cursor, f"pg_temp.{q(sql_name)}")
    return TableMeta("tap_upload", spec.name.lower(), columns,
                     sql_name=f"pg_temp.{q(sql_name)}")


def _values(column):
    """Masked numpy columns as arrays; text and object columns (arrays) as lists."""
    if column.dtype.kind == "O":
        mask = getattr(column, "mask", None)
        data = list(column.data if hasattr(column, "data") else column)
        if mask is not None and mask is not False:
            data = [None if m is True else v for v, m in zip(data, list(mask))]
        return [v.tolist() if hasattr(v, "tolist") else v for v in data]
    if column.dtype.kind == "S":
        return [None if v is None else v.decode("utf-8", "replace")
                for v in column.tolist()]
    if column.dtype.kind == "U":
        return [None if v is None else str(v) for v in column.tolist()]
    return column


def load_uploads(cursor, specs: list[UploadSpec], part: Callable[[str], bytes | None],
                 fetched: Mapping[str, bytes], limit: int) -> dict[str, TableMeta]:
    """Create every upload: ``part(name)`` gives a multipart part's bytes or None;
    ``fetched`` holds the bytes of URL uploads by upload name, fetched beforehand."""
    tables = {}
    for spec in specs:
        if spec.part is None:
            data = fetched.get(spec.name)
            if data is None:
                raise RuntimeError(f"upload {spec.name!r} was not fetched beforehand")
        else:
            data = part(spec.part)
            if data is None:
                raise ProtocolError(f"upload {spec.name!r} names the part "
                                    f"{spec.part!r}, which the request lacks",
                                    param="UPLOAD")
        if len(data) > limit:
            raise ProtocolError(f"upload {spec.name!r} is larger than this service's "
                                f"limit of {limit:,} bytes", param="UPLOAD", status=413)
        tables[f"tap_upload.{spec.name.lower()}"] = create_upload(cursor, spec, data)
    return tables

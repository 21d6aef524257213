"""TAP uploads: VOTables named in UPLOAD become temporary tables on the query's connection.

``UPLOAD=name,param:part`` takes the VOTable from the multipart part ``part``;
``name,http://...`` fetches it.  The table lives in the connection's pg_temp
and ADQL reaches it as ``TAP_UPLOAD.name``.
"""

from __future__ import annotations

import io
import re
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from astropy.io.votable import parse_single_table

from engine.errors import ProtocolError
from engine.ingest.copyformat import format_column, rows_to_copy
from engine.ingest.ddl import q
from rd.tablemeta import ColumnMeta, TableMeta

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
SQL_TYPES = {"boolean": "boolean", "bit": "boolean", "unsignedByte": "smallint",
             "short": "smallint", "int": "integer", "long": "bigint", "float": "real",
             "double": "double precision", "char": "text", "unicodeChar": "text"}
FETCH_TIMEOUT = 30


@dataclass(frozen=True)
class UploadSpec:
    name: str
    source: str  # "param:<part>" or a URL


def parse_upload(values: list[str]) -> list[UploadSpec]:
    """UPLOAD values: ``name,source`` pairs, several separated by semicolons."""
    specs = []
    for value in values:
        for item in value.split(";"):
            if not item.strip():
                continue
            name, sep, source = item.partition(",")
            name, source = name.strip(), source.strip()
            if not sep or not name or not source:
                raise ProtocolError(f"UPLOAD {item!r} is not 'name,param:part' or "
                                    "'name,URL'", param="UPLOAD")
            if not NAME_RE.match(name):
                raise ProtocolError(f"upload table name {name!r} must be a plain name "
                                    "(letters, digits, underscores)", param="UPLOAD")
            if not (source.startswith("param:") or source.startswith(("http://",
                                                                       "https://"))):
                raise ProtocolError(f"upload source {source!r} must be param:<part> or an "
                                    "http(s) URL", param="UPLOAD")
            specs.append(UploadSpec(name, source))
    names = [s.name.lower() for s in specs]
    if len(set(names)) != len(names):
        raise ProtocolError("two uploads have the same name", param="UPLOAD")
    return specs


def _fetch(url: str, limit: int) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
            data = response.read(limit + 1)
    except OSError as exc:
        raise ProtocolError(f"cannot fetch the upload {url}: {exc}", param="UPLOAD") from None
    return data


def _column(field) -> ColumnMeta:
    datatype = field.datatype
    base = SQL_TYPES.get(datatype)
    if base is None:
        raise ProtocolError(f"upload column {field.name!r} has the VOTable type "
                            f"{datatype}, which DR cannot store", param="UPLOAD")
    arraysize = field.arraysize or ""
    sql_type = base
    if arraysize and datatype not in ("char", "unicodeChar"):
        sql_type = f"{base}[]"
    if not NAME_RE.match(field.name):
        raise ProtocolError(f"upload column name {field.name!r} must be a plain name",
                            param="UPLOAD")
    return ColumnMeta(field.name.lower(), sql_type, unit=str(field.unit or ""),
                      ucd=field.ucd or "", xtype=field.xtype or "",
                      description=(field.description or "").strip())


def create_upload(cursor, spec: UploadSpec, data: bytes) -> TableMeta:
    """Parse one VOTable and load it into a temporary table (the query's connection)."""
    try:
        table = parse_single_table(io.BytesIO(data), verify="ignore")
    except Exception as exc:  # astropy raises many kinds for bad input
        raise ProtocolError(f"upload {spec.name!r} is not a readable VOTable: {exc}",
                            param="UPLOAD") from None
    columns = tuple(_column(f) for f in table.fields)
    sql_name = f"tap_upload_{spec.name.lower()}"
    cols_ddl = ", ".join(f"{q(c.name)} {c.type}" for c in columns)
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{q(sql_name)}")
    cursor.execute(f"CREATE TEMPORARY TABLE {q(sql_name)} ({cols_ddl})")
    array = table.array
    formatted = [format_column(_values(array[f.ID or f.name])) for f in table.fields]
    if formatted and formatted[0]:
        cursor.copy_expert(f"COPY pg_temp.{q(sql_name)} FROM STDIN",
                           io.BytesIO(rows_to_copy(formatted)))
    cursor.execute(f"ANALYZE pg_temp.{q(sql_name)}")
    return TableMeta("tap_upload", spec.name.lower(), columns,
                     sql_name=f"pg_temp.{q(sql_name)}")


def _values(column):
    """Masked numpy columns as arrays; object columns (strings, arrays) as lists."""
    if column.dtype.kind == "O":
        mask = getattr(column, "mask", None)
        data = list(column.data if hasattr(column, "data") else column)
        if mask is not None and mask is not False:
            data = [None if m is True else v for v, m in zip(data, list(mask))]
        return [v.tolist() if hasattr(v, "tolist") else v for v in data]
    if column.dtype.kind in "SU":
        return [None if v is None else str(v) for v in column.tolist()]
    return column


def load_uploads(cursor, specs: list[UploadSpec], part: Callable[[str], bytes | None],
                 limit: int) -> dict[str, TableMeta]:
    """Create every upload; ``part(name)`` gives a multipart part's bytes or None."""
    tables = {}
    for spec in specs:
        if spec.source.startswith("param:"):
            data = part(spec.source[len("param:"):])
            if data is None:
                raise ProtocolError(f"upload {spec.name!r} names the part "
                                    f"{spec.source[6:]!r}, which the request lacks",
                                    param="UPLOAD")
        else:
            data = _fetch(spec.source, limit)
        if len(data) > limit:
            raise ProtocolError(f"upload {spec.name!r} is larger than this service's "
                                f"limit of {limit:,} bytes", param="UPLOAD", status=413)
        tables[f"tap_upload.{spec.name.lower()}"] = create_upload(cursor, spec, data)
    return tables

"""ADQL 2.1 → PostgreSQL 15 + pg_sphere: DR's TAP query translator.

    from adql import translate, parse, ADQLError
    tr = translate(query, tables, maxrec=None)   # tr.sql, tr.columns, tr.limit

``tables`` maps lower-case "schema.table" to ``rd.tablemeta.TableMeta`` (TAP
uploads as schema "tap_upload", their ``sql_name`` naming the real table).
``features()`` lists the language features for TAPRegExt; ``UDF_SQL`` holds
the helper functions the SQL needs in schema ``dc``; ``functions.register_udf``
adds user-defined functions.
"""

from __future__ import annotations

from adql.errors import ADQLError, UnknownTable
from adql.features import features
from adql.functions import Function, register_udf
from adql.parser import parse
from adql.translate import Translation, translate
from adql.udf_sql import UDF_SQL

__all__ = ["ADQLError", "Function", "Translation", "UDF_SQL", "features",
           "parse", "register_udf", "translate", "UnknownTable"]

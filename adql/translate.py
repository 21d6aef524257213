"""translate(): ADQL text and table metadata in, one PostgreSQL SELECT and result metadata out.

MAXREC: the caller either passes ``maxrec`` — the outermost LIMIT then becomes
min(TOP, MAXREC+1), so a result of MAXREC+1 rows means "overflow" and the
caller drops the last row — or runs ``SELECT * FROM (<sql>) AS q LIMIT n``
itself (result column names are unique, so that is always valid SQL, but
PostgreSQL does not promise to keep an inner ORDER BY; prefer ``maxrec``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The rule modules fill the checker's and the generator's rule tables on import.
from adql import (  # noqa: F401
    check_expr,
    check_geometry,
    check_predicates,
    check_query,
    gen_expr,
    gen_geometry,
    gen_query,
)
from adql.checking import Checker
from adql.errors import ADQLError
from adql.generator import Generator
from adql.nodes_query import Select
from adql.resolved import Output
from adql.shapes import parse_reusing_shapes
from rd.tablemeta import ResultColumn, TableMeta


@dataclass(frozen=True)
class Translation:
    sql: str
    columns: list[ResultColumn]  # what the VOTable writer needs per column
    limit: int | None


def translate(query: str, tables: Mapping[str, TableMeta], *,
              maxrec: int | None = None) -> Translation:
    """Translate ``query`` against ``tables`` (keys: lower-case "schema.table").

    Raises ADQLError, with line and column, for anything DR will not run.
    """
    if maxrec is not None and maxrec < 0:
        raise ValueError("maxrec must not be negative")
    try:
        # Inside the try: copying a remembered shape recurses as deep as the tree.
        tree = parse_reusing_shapes(query)
        outputs = Checker(tables).check_statement(tree)
        sql = Generator(maxrec).sql(tree)
    except ADQLError as exc:
        raise exc.locate(query) from None
    except RecursionError:
        raise ADQLError("the query is nested too deeply", offset=0, query=query) from None
    top = tree.query.top if isinstance(tree.query, Select) else None
    return Translation(sql, [_column(output) for output in outputs], top)


def _column(output: Output) -> ResultColumn:
    adql_type = output.type
    vo = adql_type.votable()
    return ResultColumn(output.name, vo.datatype, vo.arraysize, vo.xtype, adql_type.unit,
                        adql_type.ucd, adql_type.utype, adql_type.description)

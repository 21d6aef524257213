"""``dc.products``: one row per published file, the one place that knows where it is.

``dr imp`` writes the rows of the tables it imports (engine/products/collect.py)
and ``dr drop`` removes them, inside the caller's transaction; the server and
everything that hands out files looks an accref up here and never joins text
from a request to a path.  Functions take a cursor and run on whatever thread
the caller's connection lives on.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Iterator
from dataclasses import astuple, dataclass, fields

from psycopg2.extras import execute_values

from engine.products.mimes import can_preview
from rd.errors import DRError

AUTO_PREVIEW = "AUTO"  # //products#define's default: DR makes the preview itself
URL_SCHEMES = ("http://", "https://", "ftp://")


@dataclass(frozen=True)
class Product:
    """A row of dc.products."""

    accref: str
    owner: str | None
    embargo: datetime.date | None
    access_path: str  # relative to the inputs directory, or a URL
    source_table: str  # schema.table, lower case
    mime: str
    accsize: int | None = None
    preview: str | None = None  # None, AUTO, a relative path or a URL
    preview_mime: str | None = None
    datalink: str | None = None

    @property
    def remote(self) -> bool:
        """Whether the file is elsewhere (the access path is a URL)."""
        return self.access_path.startswith(URL_SCHEMES)

    @property
    def has_preview(self) -> bool:
        """Whether a preview can be served: one the RD names, or one DR makes of a
        local file of a type it previews (the file itself decides in the end)."""
        if self.preview is None:
            return False
        return (self.preview != AUTO_PREVIEW
                or (not self.remote and can_preview(self.mime)))

    def embargoed(self, today: datetime.date) -> bool:
        """Whether the product is not public yet.  As in DaCHS, the embargo date
        decides; ``owner`` names the group it is for until then."""
        return self.embargo is not None and self.embargo > today


COLUMNS = tuple(f.name for f in fields(Product))
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM dc.products"


class ProductConflict(DRError):
    """An import names an accref that another table already publishes."""


def lookup(cur, accref: str) -> Product | None:
    """The product with ``accref``, or None."""
    cur.execute(_SELECT + " WHERE accref = %s", (accref,))
    row = cur.fetchone()
    return Product(*row) if row else None


def lookup_all(cur, accrefs: Collection[str]) -> list[Product]:
    """The products among ``accrefs`` (those that are published), in one query."""
    if not accrefs:
        return []
    cur.execute(_SELECT + " WHERE accref = ANY(%s)", (list(accrefs),))
    return [Product(*row) for row in cur.fetchall()]


def each_of_tables(cur, tables: Collection[str]) -> Iterator[tuple[str, str]]:
    """(accref, access path) of every local product of the tables, read in batches
    (a server-side cursor on ``cur``'s connection)."""
    with cur.connection.cursor(name="dr_products_of_tables") as named:
        named.itersize = 10000
        named.execute("SELECT accref, access_path FROM dc.products WHERE source_table "
                      "= ANY(%s) AND access_path !~ '^(https?|ftp)://' ORDER BY accref",
                      (list(tables),))
        yield from named


def forget_tables(cur, tables: Collection[str]) -> None:
    """Remove the products of the tables (qualified, lower-case names)."""
    if tables:
        cur.execute("DELETE FROM dc.products WHERE source_table = ANY(%s)",
                    (list(tables),))


def start_marking(cur) -> None:
    """Begin recording which accrefs :func:`write` writes (for :func:`sweep`), for
    the rest of the transaction."""
    cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS dr_products_written "
                "(accref text PRIMARY KEY) ON COMMIT DROP")
    cur.execute("TRUNCATE dr_products_written")


def sweep(cur, tables: Collection[str]) -> list[tuple[str, str]]:
    """Remove the products of the tables not written since :func:`start_marking`;
    (accref, access path) of each, by accref."""
    cur.execute("DELETE FROM dc.products p WHERE p.source_table = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM dr_products_written w WHERE w.accref = p.accref) "
                "RETURNING p.accref, p.access_path", (list(tables),))
    return sorted(cur.fetchall())


def write(cur, products: Iterable[Product], own: Collection[str] = (),
          marking: bool = False) -> None:
    """Insert or replace products.  An accref a table other than those in ``own``
    publishes is refused: one RD cannot take over another's files.  With
    ``marking``, the accrefs are recorded for :func:`sweep`."""
    rows = [astuple(p) for p in products]
    if not rows:
        return
    cur.execute("SELECT p.accref, p.source_table FROM dc.products p JOIN "
                "unnest(%s::text[], %s::text[]) AS n(accref, source_table) "
                "ON p.accref = n.accref AND p.source_table <> n.source_table "
                "AND p.source_table <> ALL(%s) LIMIT 1",
                ([r[0] for r in rows], [r[4] for r in rows], list(own)))
    clash = cur.fetchone()
    if clash:
        raise ProductConflict(
            f"the accref {clash[0]!r} is already published by the table {clash[1]}",
            hint="accrefs are unique on a site; drop that table first, or give "
                 "//products#define another accref")
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c != "accref")
    execute_values(cur, f"INSERT INTO dc.products ({', '.join(COLUMNS)}) VALUES %s "
                        f"ON CONFLICT (accref) DO UPDATE SET {updates}", rows,
                   page_size=1000)
    if marking:
        execute_values(cur, "INSERT INTO dr_products_written (accref) VALUES %s "
                            "ON CONFLICT DO NOTHING", [(r[0],) for r in rows],
                       page_size=1000)

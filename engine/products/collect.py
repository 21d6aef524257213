"""Products during ``dr imp``: what //products#define put into the rows goes to dc.products.

DaCHS feeds its products table from a second make that the //products#table
mixin adds to every data element filling a product table.  DR reads the same
keys (``prodtblAccref``…) from the rows the grammar yields — the grammar is
wrapped, so the source is parsed once — and writes them in the import's
transaction.  Rows the grammar's ``ignoreOn`` skips publish no product, as in
DaCHS.  For each data element the importer calls::

    products = ProductImport(cur, rd, tables, updating, grammar_element)
    grammar = products.wrap(grammar)
    ...load each source...; products.source_done()
    report.warnings += products.finish()

An ordinary import replaces the products of its tables: it writes what the
rows name and then removes the products they no longer name, saying which
lost their file.  An updating one adds and replaces, then names the products
of its tables whose files are gone.  Products are written every FLUSH_ROWS, so
memory does not grow with their number.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from engine.products import local, store
from engine.products.store import Product
from rd.elements.table import Table
from rd.errors import SourceError

FLUSH_ROWS = 5000  # products kept in memory before they are written
SHOWN = 5  # files named in a warning

# Columns of dc.products and the //products#define keys they come from.
KEYS = {"accref": "prodtblAccref", "owner": "prodtblOwner",
        "embargo": "prodtblEmbargo", "access_path": "prodtblPath",
        "source_table": "prodtblTable", "mime": "prodtblMime",
        "accsize": "prodtblFsize", "preview": "prodtblPreview",
        "preview_mime": "prodtblPreviewMime", "datalink": "prodtblDatalink"}


def is_product_table(table: Table) -> bool:
    """Whether ``table`` has the columns of //products#table."""
    return any(col.property("productKey") for col in table.columns)


class ProductImport:
    """The products of one data element's tables during an import (one transaction)."""

    def __init__(self, cur, rd: Any, tables: Sequence[Table], updating: bool,
                 grammar_element: Any = None) -> None:
        self.cur = cur
        self.inputs_dir = Path(rd.inputs_dir or rd.resdir_path)
        self.names = {t.qualified_name.lower() for t in tables}
        self.product_tables = sorted(t.qualified_name.lower() for t in tables
                                     if is_product_table(t))
        # //products#define's table as DaCHS RDs write it ("\schema.main"), or the id
        self.table_names = {name: name for name in self.product_tables}
        self.table_names.update((t.id.lower(), t.qualified_name.lower()) for t in tables
                                if is_product_table(t))
        self.updating = updating
        self.pending: dict[str, Product] = {}
        self.warnings: list[str] = []
        self.missing: list[str] = []  # the first paths written that name no file
        self.missing_count = 0
        self.ignored = _ignore_test(grammar_element)
        self.source: Path | None = None
        self.source_rel: str | None = None  # the source, as an access path
        if not updating and self.active:
            store.start_marking(cur)
        elif not updating:  # a table that no longer mixes in //products#table
            store.forget_tables(cur, self.names)

    @property
    def active(self) -> bool:
        return bool(self.product_tables)

    def wrap(self, grammar: Any) -> Any:
        """``grammar`` as the import reads it: unchanged unless a table has products."""
        return _Collecting(grammar, self) if grammar is not None and self.active else grammar

    # -- rows (during COPY: no database work here) ------------------------------------

    def take(self, batch: Any, path: Path | None) -> None:
        """Record the products of a batch the grammar yielded for ``path``."""
        if path != self.source:
            self.source = path
            try:
                self.source_rel = (local.stored_path(str(path), self.inputs_dir)
                                   if path is not None else None)
            except local.OutsideInputs:
                self.source_rel = None
        columns = batch.columns
        if "prodtblAccref" not in columns:
            if not len(batch):
                return
            raise SourceError(
                f"the rows for {', '.join(self.product_tables)} (which mixes in "
                "//products#table) name no product", path=str(path),
                hint='add <rowfilter procDef="//products#define"> with <bind '
                     'key="table">"\\schema.<table id>"</bind> to the grammar')
        names = list(columns)
        values = [list(columns[n]) for n in names]
        for i in range(len(batch)):
            row = {name: column[i] for name, column in zip(names, values)}
            if self.ignored(row) or row.get("prodtblAccref") is None:
                continue
            self.pending[str(row["prodtblAccref"])] = self._product(row, path,
                                                                   batch.lines[i])

    def _product(self, row: dict[str, Any], path: Path, line: int) -> Product:
        values = {column: row.get(key) for column, key in KEYS.items()}
        named = str(values["source_table"] or "").lower()
        table = self.table_names.get(named)
        if table is None:
            made = ", ".join(self.product_tables)
            raise SourceError(f"//products#define names the table {named or 'None'!r}, "
                              f"but this data element makes the product table(s) {made}",
                              path=str(path), line=line,
                              hint='bind table to "\\schema.<table id>"')
        accref = str(values["accref"])
        if values["access_path"] is None:
            raise SourceError(f"product {accref!r} has no path", path=str(path), line=line)
        try:
            access = local.stored_path(str(values["access_path"]), self.inputs_dir)
        except local.OutsideInputs as exc:
            raise SourceError(f"product {accref!r}: {exc}", path=str(path),
                              line=line) from None
        try:
            embargo = _date(values["embargo"])
        except ValueError:
            raise SourceError(f"the embargo of {accref!r}, {values['embargo']!r}, is not "
                              "a date (YYYY-MM-DD)", path=str(path), line=line) from None
        if (not self.updating and not local.is_url(access) and access != self.source_rel
                and not (self.inputs_dir / access).exists()):
            self.missing_count += 1
            if len(self.missing) < SHOWN:
                self.missing.append(access)
        preview = values["preview"]
        if preview not in (None, store.AUTO_PREVIEW) and not local.is_url(str(preview)):
            try:
                preview = local.stored_path(str(preview), self.inputs_dir)
            except local.OutsideInputs as exc:
                raise SourceError(f"the preview of {accref!r}: {exc}",
                                  path=str(path), line=line) from None
        size = values["accsize"]
        return Product(
            accref=accref, owner=_text(values["owner"]),
            embargo=embargo, access_path=access, source_table=table,
            mime=_text(values["mime"]) or "application/octet-stream",
            accsize=int(size) if size is not None else None,
            preview=_text(preview), preview_mime=_text(values["preview_mime"]),
            datalink=_text(values["datalink"]))

    # -- between sources and at the end (database work) -----------------------------

    def source_done(self) -> None:
        """After each source is loaded: write the products if there are many."""
        if len(self.pending) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        store.write(self.cur, self.pending.values(), own=self.names,
                    marking=not self.updating)
        self.pending.clear()

    def finish(self) -> list[str]:
        """Write what is left, remove what is gone; warnings for the import's report."""
        if not self.active:
            return []
        self._flush()
        tables = ", ".join(self.product_tables)
        if self.updating:
            gone = [path for _, path in store.each_of_tables(self.cur, self.product_tables)
                    if not (self.inputs_dir / path).exists()]
            if gone:
                self.warnings.append(_listed(
                    f"the files of {len(gone)} product(s) of {tables} are gone; "
                    "/getproduct answers 404 for them until the files are back or the "
                    "data is imported anew", gone))
            return self.warnings
        if self.missing_count:
            self.warnings.append(_listed(
                f"{self.missing_count} product(s) of {tables} have no file; /getproduct "
                "answers 404 for them", self.missing, self.missing_count))
        lost = store.sweep(self.cur, self.names)
        vanished = [path for _, path in lost if not local.is_url(path)
                    and not (self.inputs_dir / path).exists()]
        if vanished:
            self.warnings.append(_listed(
                f"{len(vanished)} product(s) of {tables} are no longer published because "
                "their files are gone", vanished))
        gone = set(vanished)
        others = [accref for accref, path in lost if path not in gone]
        if others:
            self.warnings.append(_listed(
                f"{len(others)} product(s) of {tables} are no longer published (no "
                "source of this import names them)", others))
        return self.warnings


class _Collecting:
    """A grammar whose batches also go to a ProductImport; never passed through
    PostgreSQL (that would skip the rows)."""

    def __init__(self, grammar: Any, products: ProductImport) -> None:
        self.grammar, self.products = grammar, products

    def __getattr__(self, name: str) -> Any:
        if name == "passthrough":
            raise AttributeError(name)
        return getattr(self.grammar, name)

    def header(self, path: Path) -> Any:
        return self.grammar.header(path)

    def batches(self, path: Path, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for batch in self.grammar.batches(path, *args, **kwargs):
            self.products.take(batch, None if path is None else Path(path))
            yield batch


def _ignore_test(grammar_element: Any) -> Callable[[dict[str, Any]], bool]:
    """Whether the grammar's ignoreOn skips a row (these rows publish nothing)."""
    triggers = list(getattr(grammar_element, "ignore_on", None) or ())
    if not triggers:
        return lambda row: False
    code = " or ".join(t.condition() for t in triggers)
    return eval(compile(f"lambda vars: bool({code})", "<ignoreOn>", "eval"),  # noqa: S307
                {"__builtins__": {"bool": bool}})


def _date(value: Any) -> datetime.date | None:
    """An embargo as a date: a date, a datetime or ISO text; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value).strip()[:10])


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _listed(message: str, items: Sequence[str], total: int | None = None) -> str:
    total = len(items) if total is None else total
    more = f" and {total - SHOWN} more" if total > SHOWN else ""
    return f"{message}: {', '.join(items[:SHOWN])}{more}"

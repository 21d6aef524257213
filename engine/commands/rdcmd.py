"""RD commands: ``dr imp``, ``dr drop``, ``dr val``, ``dr schema``, ``dr gencol``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.config import Config
from engine.db.connect import open_database
from engine.ingest.drop import drop_rd
from engine.ingest.importer import import_rd
from engine.ingest.progress import Progress
from rd.errors import DRError
from rd.loader import all_rd_files, load_rd, load_rd_file, resolve_reference


def _print_warnings(rd) -> None:
    for warning in rd.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def cmd_imp(cfg: Config, args: argparse.Namespace) -> int:
    rd = load_rd(args.rd, cfg.inputs_dir)
    _print_warnings(rd)
    db = open_database(cfg)
    conn = db.connect()
    try:
        report = import_rd(conn, rd, args.data, Progress())
    finally:
        conn.close()
    for rep in report.tables.values():
        rejected = f", {rep.rejected:,} rejected" if rep.rejected else ""
        print(f"{rep.name}: {rep.rows:,} rows{rejected}")
    if report.sources_skipped:
        print(f"{report.sources_skipped} unchanged source(s) skipped")
    print(f"imported {rd.rd_id} (import {report.import_id})")
    return 0


def cmd_drop(cfg: Config, args: argparse.Namespace) -> int:
    rd = load_rd(args.rd, cfg.inputs_dir)
    conn = open_database(cfg).connect()
    try:
        dropped = drop_rd(conn, rd)
    finally:
        conn.close()
    print(f"dropped {', '.join(dropped) or 'nothing'} ({rd.rd_id})")
    return 0


def cmd_val(cfg: Config, args: argparse.Namespace) -> int:
    refs = args.rds or [str(p) for p in all_rd_files(cfg.inputs_dir)]
    failed = 0
    for ref in refs:
        try:
            path, rd_id = resolve_reference(ref, cfg.inputs_dir)
            rd = load_rd_file(path, rd_id)
        except DRError as exc:
            print(f"{ref}: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        _print_warnings(rd)
        print(f"{rd.rd_id}: OK")
    return 1 if failed else 0


def cmd_schema(cfg: Config, args: argparse.Namespace) -> int:
    from rd.xsd import schema_text

    text = schema_text()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_gencol(cfg: Config, args: argparse.Namespace) -> int:
    from grammars import describe
    from grammars.gencol import column_elements

    sys.stdout.write(column_elements(describe(Path(args.file))))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("imp", aliases=["import"], help="import an RD's data")
    p.add_argument("rd", help="RD reference: resdir (califa), resdir/name, or a path")
    p.add_argument("data", nargs="*", help="ids of data elements (default: all auto)")
    p.set_defaults(func=cmd_imp)

    p = sub.add_parser("drop", help="drop an RD's tables and metadata")
    p.add_argument("rd", help="RD reference")
    p.set_defaults(func=cmd_drop)

    p = sub.add_parser("val", aliases=["validate"],
                       help="check RDs without touching the database")
    p.add_argument("rds", nargs="*", help="RD references (default: every RD in inputs)")
    p.set_defaults(func=cmd_val)

    p = sub.add_parser("schema", help="write the XML Schema of the RD language")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("gencol", help="print <column> elements for a CALIFA-format CSV "
                                      "or FITS table")
    p.add_argument("file", help="the source file")
    p.set_defaults(func=cmd_gencol)

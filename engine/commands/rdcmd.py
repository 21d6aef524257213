"""RD commands: ``dr imp``, ``dr drop``, ``dr pub``, ``dr limits``, ``dr val``,
``dr schema``, ``dr gencol``.

The importer and the system schema (which pull in the ADQL translator and
astropy) are imported by the commands that use them, so every other ``dr``
call starts without them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.config import Config
from engine.db.connect import open_database
from rd.errors import DRError, RDError
from rd.loader import all_rd_files, load_rd, load_rd_file, resolve_reference


def _print_warnings(rd) -> None:
    for warning in rd.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def cmd_imp(cfg: Config, args: argparse.Namespace) -> int:
    from engine.ingest.importer import import_rd
    from engine.ingest.progress import Progress
    from engine.install import install_system_schema

    rd = load_rd(args.rd, cfg.inputs_dir)
    _print_warnings(rd)
    db = open_database(cfg)
    conn = db.connect()
    try:
        install_system_schema(conn)
        report = import_rd(conn, rd, args.data, Progress())
    finally:
        conn.close()
    for skipped in report.data_skipped + report.warnings:
        print(f"warning: {skipped}", file=sys.stderr)
    for rep in report.tables.values():
        rejected = f", {rep.rejected:,} rejected" if rep.rejected else ""
        print(f"{rep.name}: {rep.rows:,} rows{rejected}")
    if report.sources_skipped:
        print(f"{report.sources_skipped} unchanged source(s) skipped")
    print(f"imported {rd.rd_id} (import {report.import_id})")
    return 0


def cmd_drop(cfg: Config, args: argparse.Namespace) -> int:
    from engine.ingest.drop import drop_rd
    from engine.install import install_system_schema

    rd = load_rd(args.rd, cfg.inputs_dir)
    conn = open_database(cfg).connect()
    try:
        install_system_schema(conn)
        dropped = drop_rd(conn, rd)
        withdrawn = _withdraw(conn, rd.rd_id)
    finally:
        conn.close()
    print(f"dropped {', '.join(dropped) or 'nothing'} ({rd.rd_id})")
    if withdrawn:
        print(f"withdrew {', '.join(withdrawn)} from the registry")
    return 0


def _withdraw(conn, rd_id: str) -> list[str]:
    from engine.registry import store

    with conn.cursor() as cur:
        withdrawn = store.withdraw(cur, rd_id)
    conn.commit()
    return withdrawn


def cmd_pub(cfg: Config, args: argparse.Namespace) -> int:
    from engine.install import install_system_schema
    from engine.registry import records, store

    rds = [load_rd(ref, cfg.inputs_dir) for ref in args.rds]  # all load, or none is done
    for rd in rds:
        _print_warnings(rd)
    conn = open_database(cfg).connect()
    try:
        install_system_schema(conn)
        for rd in rds:
            if args.unpublish:
                published, withdrawn = [], _withdraw(conn, rd.rd_id)
            else:
                wanted = records.published_resources(rd, records.Site.from_config(cfg))
                with conn.cursor() as cur:
                    published, withdrawn = store.publish(cur, rd.rd_id, wanted)
                conn.commit()
            for ivoid in published:
                print(f"published {ivoid}")
            for ivoid in withdrawn:
                print(f"withdrew {ivoid}")
            if not published and not withdrawn:
                print(f"{rd.rd_id} publishes no service or table in the set ivo_managed "
                      "(<publish ... sets=\"ivo_managed\"/>): nothing to register")
    finally:
        conn.close()
    return 0


def _describe(limits) -> str:
    parts = [f"{limits.rows:,} rows"]
    if limits.moc:
        parts.append(f"MOC of order {limits.moc.depth} covering "
                     f"{100 * limits.moc.sky_fraction:.3g}% of the sky")
    if limits.time:
        parts.append("MJD {:.6g} to {:.6g}".format(*limits.time))
    if limits.energy:
        parts.append("{:.4g} to {:.4g} J".format(*limits.energy))
    parts.append(f"statistics of {len(limits.columns)} columns")
    return ", ".join(parts)


def cmd_limits(cfg: Config, args: argparse.Namespace) -> int:
    import time

    from engine.install import install_system_schema
    from engine.limits import store
    from engine.limits.survey import Options, survey

    rd = load_rd(args.rd, cfg.inputs_dir)
    _print_warnings(rd)
    tables = [t for t in rd.tables if t.on_disk]
    if args.tables:
        tables = [rd.resolve_table(ident, rd) for ident in args.tables]
    updater = rd.coverage.updater if rd.coverage is not None else None
    order = args.moc_order if args.moc_order is not None else \
        updater.moc_order if updater is not None else 6
    options = Options(moc_order=order, sample_rows=args.sample_rows)
    conn = open_database(cfg).connect()
    try:
        install_system_schema(conn)
        with conn.cursor() as cur:
            cur.execute("SELECT table_name FROM dc.tables")
            imported = {row[0] for row in cur.fetchall()}
        for table in tables:
            if table.qualified_name.lower() not in imported:
                print(f"{table.qualified_name}: not imported; skipped", file=sys.stderr)
                continue
            started = time.monotonic()
            limits = survey(conn, table, options)
            with conn.cursor() as cur:
                store.save(cur, limits)
            conn.commit()
            print(f"{table.qualified_name}: {_describe(limits)} "
                  f"({time.monotonic() - started:.1f} s)")
    finally:
        conn.close()
    print("a running server shows these after dr serve reload (or its next start)")
    return 0


def _rds_to_check(cfg: Config, refs: list[str]) -> list[tuple[str, Path | None, str, Path]]:
    """(label, file or None if unresolvable, RD id, inputs directory) for each RD the
    arguments name: RD references, RD files, or directories (every RD below)."""
    inputs = cfg.inputs_dir.resolve()
    out: list[tuple[str, Path | None, str, Path]] = []
    for ref in refs or [str(cfg.inputs_dir)]:
        as_path = Path(ref)
        if as_path.is_dir():
            base = as_path.resolve()
            root = inputs if base == inputs or inputs in base.parents else base
            for path in all_rd_files(as_path):
                rd_id = str(path.resolve().relative_to(root).with_suffix(""))
                out.append((rd_id, path, rd_id, root))
            continue
        try:
            path, rd_id = resolve_reference(ref, cfg.inputs_dir)
        except DRError:
            out.append((ref, None, "", inputs))
            continue
        inside = path.resolve().is_relative_to(inputs)
        out.append((rd_id if inside else ref, path, rd_id, inputs))
    return out


def cmd_val(cfg: Config, args: argparse.Namespace) -> int:
    """One line per RD: ok or N warnings (stdout), error: ... (stderr); exit status 1
    if any RD has an error."""
    # Here, not at the top: every dr command would pay for importing the server.
    from engine.web.routes import SERVICE_RENDERERS

    failed = 0
    checked = _rds_to_check(cfg, args.rds)
    for label, path, rd_id, inputs in checked:
        try:
            if path is None:
                resolve_reference(label, cfg.inputs_dir)  # raises, saying what it tried
            rd = load_rd_file(path, rd_id, inputs)
            for service in rd.services:  # as dr serve binds them
                service.serve_renderers(SERVICE_RENDERERS)
        except DRError as exc:
            failed += 1
            message = exc.message if isinstance(exc, RDError) else str(exc)
            print(f"{label}: error: {message}", file=sys.stderr)  # CI logs show stderr
            if args.verbose and exc.hint:
                print(f"    hint: {exc.hint}", file=sys.stderr)
            continue
        count = len(rd.warnings)
        print(f"{label}: " + (f"{count} warning{'s' if count != 1 else ''}" if count
                              else "OK"))
        if args.verbose:
            for warning in rd.warnings:
                print(f"    {warning}")
    if not checked:
        print(f"no RDs below {cfg.inputs_dir}")
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

    p = sub.add_parser("pub", aliases=["publish"],
                       help="register an RD's services in the publishing registry "
                            "(those with <publish sets=\"ivo_managed\">)")
    p.add_argument("rds", nargs="+", metavar="rd", help="RD references")
    p.add_argument("-u", "--unpublish", action="store_true",
                   help="withdraw them instead (harvesters see them as deleted)")
    p.set_defaults(func=cmd_pub)

    p = sub.add_parser("limits", help="measure an RD's tables for the registry's "
                                      "coverage and the forms' hints (row counts, MOC, "
                                      "time and energy ranges, column statistics)")
    p.add_argument("rd", help="RD reference")
    p.add_argument("tables", nargs="*", help="ids of tables (default: all on disk)")
    p.add_argument("-m", "--moc-order", type=int, choices=range(0, 30), metavar="ORDER",
                   help="HEALPix order of the MOC (default: the RD's <updater "
                        "mocOrder>, else 6)")
    p.add_argument("-s", "--sample-rows", type=int, default=1_000_000, metavar="N",
                   help="percentiles of larger tables come from a sample of about N "
                        "rows (default 1,000,000)")
    p.set_defaults(func=cmd_limits)

    p = sub.add_parser("val", aliases=["validate"],
                       help="check RDs without touching the database (one line per RD; "
                            "exit status 1 if any has an error)")
    p.add_argument("rds", nargs="*", help="RD references, RD files or directories (every "
                                          "RD below); default: every RD in inputs")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="list each RD's warnings (and the hints of errors)")
    p.set_defaults(func=cmd_val)

    p = sub.add_parser("schema", help="write the XML Schema of the RD language")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("gencol", help="print <column> elements for a CALIFA-format CSV, "
                                      "a FITS table or a FITS image or cube")
    p.add_argument("file", help="the source file")
    p.set_defaults(func=cmd_gencol)

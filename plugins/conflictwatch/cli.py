"""The `conflictwatch` command: the same functions the DAGs call, without a scheduler."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from conflictwatch.config import get_settings


def _summary_tables(warehouse: Path, top: int = 5) -> str:
    """Row counts of the marts and the top incidents, for the end of a run."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        lines = ["marts:"]
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        for (table,) in tables:
            n = con.execute(f'select count(*) from marts."{table}"').fetchone()[0]
            lines.append(f"  {table:<32} {n:>7} rows")
        errors = con.execute("select count(*) from raw.ingest_errors").fetchone()[0]
        lines.append(f"  {'raw.ingest_errors':<32} {errors:>7} rows")
        if ("fct_incident_reports",) in tables:
            rows = con.execute(
                f"""select coalesce(cast(event_date as varchar), 'date?'), coalesce(location_name, location_mention, '?'),
                           coalesce(admin1, '?'), coalesce(sub_event_type, '?'), coalesce(perpetrator, '?'),
                           killed, injured
                    from marts.fct_incident_reports
                    order by coalesce(killed, 0) + coalesce(injured, 0) desc, event_date nulls last,
                             coalesce(location_name, location_mention), incident_report_id
                    limit {int(top)}"""
            ).fetchall()
            lines.append("top incidents (by killed + injured):")
            for r in rows:
                lines.append(
                    f"  {r[0]:<10}  {r[1][:24]:<24} {r[2][:10]:<10} {r[3][:34]:<34} {r[4][:30]:<30}"
                    f" killed={r[5] if r[5] is not None else '?'} injured={r[6] if r[6] is not None else '?'}"
                )
        return "\n".join(lines)
    finally:
        con.close()


def cmd_run(args: argparse.Namespace) -> int:
    from conflictwatch.ingest import run

    settings = get_settings()
    warehouse = Path(args.warehouse).resolve() if args.warehouse else settings.warehouse
    if args.warehouse:
        settings = get_settings(warehouse=warehouse)
    from conflictwatch.lock import WarehouseLocked, warehouse_lock

    try:
        with warehouse_lock(warehouse):  # before any work: a second run waits, then refuses
            summary = run(args.input, warehouse, settings, build=not args.no_build,
                          workers=args.workers, force=args.force)
    except WarehouseLocked as exc:
        print(f"run refused: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # the run as a whole failed (load or dbt): say why, exit non-zero
        logging.getLogger("conflictwatch").error("run failed: %s", exc, exc_info=args.verbose_log)
        return 1
    print(
        f"discovered {summary.discovered} articles, {summary.new} new (the rest loaded before); "
        f"loaded {summary.documents} documents, {summary.frames} frames; {summary.errors} ingest errors; "
        f"{summary.seconds:.1f} s"
    )
    for message in summary.error_messages[:20]:
        print(f"  error: {message}")
    if summary.transform_skipped:
        print(summary.transform_skipped)
    if summary.dbt_ok or summary.transform_skipped:
        print(_summary_tables(warehouse))
    if summary.discovered == 0 and summary.errors == 0:
        print("nothing to ingest", file=sys.stderr)
        return 2
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from conflictwatch.evaluate import EvalError, evaluate, format_report, report_to_dict

    try:
        report = evaluate(Path(args.gold), Path(args.warehouse))
    except EvalError as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report_to_dict(report), indent=2, default=str))
    else:
        print(format_report(report, verbose=args.verbose, markdown=args.markdown))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    print(_summary_tables(Path(args.warehouse), args.top))
    return 0


def build_parser() -> argparse.ArgumentParser:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="conflictwatch", description=__doc__)
    parser.add_argument("-v", "--verbose-log", action="store_true", help="log at INFO level")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="ingest files, folders or corpora, then build the marts")
    p.add_argument("--input", action="append", required=True, metavar="PATH",
                   help="a .txt/.html/.htm/.html.gz file, a folder (optional manifest.csv), or a .jsonl/.csv corpus; repeatable")
    p.add_argument("--warehouse", metavar="FILE", help=f"DuckDB file (default {settings.warehouse})")
    p.add_argument("--no-build", action="store_true", help="load the raw tables only; skip dbt")
    p.add_argument("--workers", type=int, metavar="N",
                   help="processes tagging batches side by side (default: CONFLICTWATCH_WORKERS, else every core)")
    p.add_argument("--force", action="store_true", help="ignore the seen-set: read and tag everything again")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("eval", help="score the marts against a gold file")
    p.add_argument("--gold", required=True, metavar="FILE")
    p.add_argument("--warehouse", default=str(settings.warehouse), metavar="FILE")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--markdown", action="store_true", help="a Markdown table (for the README)")
    p.add_argument("--verbose", action="store_true", help="list every miss, spurious record and field mismatch")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("summary", help="row counts of the marts and the top incidents")
    p.add_argument("--warehouse", default=str(settings.warehouse), metavar="FILE")
    p.add_argument("--top", type=int, default=5)
    p.set_defaults(func=cmd_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose_log else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

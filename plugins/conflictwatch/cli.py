"""The `conflictwatch` command: the same functions the DAGs call, without a scheduler.

Exit codes (the contract scripts can rely on; README "Command line"):
  0  done
  1  the run or command failed (load or dbt failed, a locked file, an export that failed)
  2  bad usage (unknown option, a file that does not exist, SQL that does not parse, nothing to ingest)
  3  done, but some inputs were quarantined in raw.ingest_errors (only with `run --strict`)
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click

from conflictwatch.config import get_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_QUARANTINED = 0, 1, 2, 3
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


class CliError(click.ClickException):
    """A clean one-line error with an exit code from the contract."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(f"conflictwatch: error: {self.format_message()}", err=True)


def _version() -> str:
    try:
        return version("conflictwatch")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _console(stderr: bool = False):
    import shutil

    from rich.console import Console

    # piped output has no terminal width: 160 columns rather than rich's 80
    return Console(stderr=stderr, highlight=False, width=shutil.get_terminal_size((160, 24)).columns)


# --- opening DuckDB files ---------------------------------------------------------------------


def open_read_only(path: Path):
    """A read-only connection, or a one-line CliError: missing file (2), locked or unreadable (1)."""
    import duckdb

    path = Path(path)
    if not path.exists():
        raise CliError(f"{path}: no such file (run `conflictwatch run` or `make run` first)", EXIT_USAGE)
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        first = str(exc).splitlines()[0]
        if "lock" in first.lower():
            raise CliError(f"{path}: locked by another process (a run is writing it); "
                           f"read the analyst copy instead ({get_settings(warehouse=path).published_warehouse.name})") from None
        raise CliError(f"{path}: cannot open: {first}") from None
    except duckdb.Error as exc:
        raise CliError(f"{path}: cannot open: {str(exc).splitlines()[0]}") from None


def _analyst_default() -> Path:
    return get_settings().published_warehouse


def _has_table(con, schema: str, table: str) -> bool:
    return con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()[0] > 0


def _summary_tables(warehouse: Path, top: int = 5) -> str:
    """Row counts of the marts and the top incidents; works on the warehouse and the analyst copy."""
    con = open_read_only(warehouse)
    try:
        lines = ["marts:"]
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        if not tables:
            raise CliError(f"{warehouse}: no marts in this file (was dbt run on it?)")
        for (table,) in tables:
            n = con.execute(f'select count(*) from marts."{table}"').fetchone()[0]
            lines.append(f"  {table:<32} {n:>7} rows")
        if _has_table(con, "raw", "ingest_errors"):  # the analyst copy holds no raw tables
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


# --- the group ----------------------------------------------------------------------------------


@click.group(context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch run --input include/seeds --warehouse data/warehouse.duckdb
  conflictwatch summary
  conflictwatch query "select admin1, count(*) from marts.fct_incidents group by 1"
  conflictwatch export --format geojson
  conflictwatch report --output data/report.html

Exit codes: 0 ok, 1 failed, 2 bad usage, 3 ok with quarantined inputs (run --strict).""")
@click.version_option(_version(), "-V", "--version", prog_name="conflictwatch")
@click.option("-v", "--verbose-log", is_flag=True, help="Log at INFO level (to stderr).")
def cli(verbose_log: bool) -> None:
    """conflictwatch: news reports about the war in northwest Syria -> incidents, aid flows and
    ceasefire violations, each traced to its sentence."""
    logging.basicConfig(
        level=logging.INFO if verbose_log else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


# --- run ----------------------------------------------------------------------------------------


@contextmanager
def _run_progress(enabled: bool):
    """Progress bars for a run: articles read, extracted and tagged (count and rate, as batches come
    back from the workers), then loading, dbt build and publishing (elapsed time). The bars wrap the
    stage functions `conflictwatch.ingest.run` calls for the duration of the call."""
    if not enabled:
        yield
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    import conflictwatch.ingest as ingest

    progress = Progress(SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(),
                        TextColumn("{task.completed:.0f} {task.fields[unit]}"), TextColumn("{task.fields[rate]}"),
                        TimeElapsedColumn(), console=_console(stderr=True))
    articles = progress.add_task("read, extract, NLP", total=None, unit="articles", rate="")
    started = time.monotonic()
    originals = {name: getattr(ingest, name) for name in ("process_batches", "load_files", "transform")}

    def batches(*args, **kwargs):
        stats = kwargs.get("stats") if "stats" in kwargs else (args[4] if len(args) > 4 else None)
        for path in originals["process_batches"](*args, **kwargs):
            done = sum(s.get("items", 0) for s in stats) if stats is not None else progress.tasks[articles].completed + 1
            progress.update(articles, completed=done,
                            rate=f"{done / max(1e-6, time.monotonic() - started):.1f}/s")
            yield path

    def stage(name, description):
        def wrapped(*args, **kwargs):
            task = progress.add_task(description, total=1, unit="", rate="")
            result = originals[name](*args, **kwargs)
            progress.update(task, completed=1)
            return result
        return wrapped

    patched = {"process_batches": batches, "load_files": stage("load_files", "load (raw tables)"),
               "transform": stage("transform", "dbt build + analyst copy")}
    for name, fn in patched.items():
        setattr(ingest, name, fn)
    try:
        with progress:
            yield
    finally:
        for name, fn in originals.items():
            setattr(ingest, name, fn)


def _checked_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CliError(f"--url {url!r}: not an http(s) URL", EXIT_USAGE)
    return url.strip()


def _source_params(settings, inputs: tuple[str, ...], sources: tuple[str, ...], urls: tuple[str, ...],
                   allow_hosts: tuple[str, ...]) -> dict:
    """The run's Params (as the ingest DAG takes them) from --input/--source/--url, or a usage error."""
    from conflictwatch.ingest import declared_sources
    from conflictwatch.sourceconfig import SourcesConfigError

    if not (inputs or sources or urls):
        raise CliError("nothing to ingest: give --input PATH, --source NAME or --url URL", EXIT_USAGE)
    if sources and (inputs or urls):
        raise CliError("--source reads declared sources; give it without --input and --url", EXIT_USAGE)
    for path in inputs:
        if not Path(path).exists():
            raise CliError(f"{path}: no such file or folder", EXIT_USAGE)
    if sources:
        try:
            config = declared_sources(settings)
            for name in sources:
                config.get(name)
        except SourcesConfigError as exc:
            raise CliError(str(exc).splitlines()[0], EXIT_USAGE) from None
        except KeyError as exc:
            raise CliError(f"--source: {exc.args[0]} ({settings.sources_file})", EXIT_USAGE) from None
    return {"sources": list(sources), "urls": [_checked_url(u) for u in urls],
            "fetch_allow_hosts": list(allow_hosts)}


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch run --input include/seeds --warehouse data/warehouse.duckdb
  conflictwatch run --input articles/ --input corpus.jsonl --strict
  conflictwatch run --input page.html.gz --no-build
  conflictwatch run --source syria_feed --source syria_sitemap     # sources of include/sources.yml
  conflictwatch run --url https://example.org/news/idlib-shelling.html

Give --input, --source or --url (--input and --url may be combined).""")
@click.option("--input", "inputs", multiple=True, metavar="PATH",
              help="A .txt/.html/.htm/.html.gz file, a folder (optional manifest.csv), or a .jsonl/.csv corpus; repeatable.")
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="A source of the sources file (CONFLICTWATCH_SOURCES, include/sources.yml) by name: a feed, "
                   "sitemap, URL list, folder or corpus; read even if disabled or unscheduled. Repeatable.")
@click.option("--url", "urls", multiple=True, metavar="URL", help="An http(s) article to fetch and ingest; repeatable.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST",
              help="A host this run may fetch although it resolves to a private address (e.g. 127.0.0.1); repeatable.")
@click.option("--warehouse", metavar="FILE", help="DuckDB file (default: CONFLICTWATCH_WAREHOUSE or data/warehouse.duckdb).")
@click.option("--no-build", is_flag=True, help="Load the raw tables only; skip dbt and publishing.")
@click.option("--strict", is_flag=True, help="Exit 3 when any input was quarantined in raw.ingest_errors.")
@click.option("--workers", type=int, default=None, metavar="N",
              help="Processes side by side (default: CONFLICTWATCH_WORKERS, else every core).")
@click.option("--force", is_flag=True, help="Read everything again, even what the warehouse's seen-set knows.")
@click.option("--progress/--no-progress", default=None, help="Progress bars (default: when stderr is a terminal).")
@click.pass_context
def run(ctx: click.Context, inputs: tuple[str, ...], sources: tuple[str, ...], urls: tuple[str, ...],
        allow_hosts: tuple[str, ...], warehouse: str | None, no_build: bool, strict: bool,
        workers: int | None, force: bool, progress: bool | None) -> None:
    """Ingest files, folders, corpora or web sources, then build the marts and publish the analyst copy
    and exports. The same ingest path as the ingest_articles DAG: --source and --url are its `sources`
    and `urls` Params, --allow-host its `fetch_allow_hosts`.

    Incremental: what the warehouse's seen-set knows is not read again, and a run that loads no new
    document skips dbt and says so. A second run on the same warehouse waits for the first
    (CONFLICTWATCH_LOCK_TIMEOUT seconds), then refuses, naming the holder."""
    from conflictwatch.ingest import run as run_pipeline
    from conflictwatch.lock import WarehouseLocked, warehouse_lock

    settings = get_settings()
    if warehouse:
        settings = get_settings(warehouse=Path(warehouse).resolve())
    params = _source_params(settings, inputs, sources, urls, allow_hosts)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        # the lock before any work: a second run waits, then refuses
        with warehouse_lock(settings.warehouse), _run_progress(show):
            summary = run_pipeline(list(inputs), settings.warehouse, settings, build=not no_build,
                                   params=params, workers=workers, force=force)
    except WarehouseLocked as exc:
        raise CliError(f"run refused: {exc}") from None
    except Exception as exc:  # the run as a whole failed (load or dbt): say why, exit 1
        logging.getLogger("conflictwatch").error("run failed: %s", exc, exc_info=logging.getLogger().isEnabledFor(logging.INFO))
        raise CliError(f"run failed: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    click.echo(
        f"discovered {summary.discovered} articles, {summary.new} new (the rest loaded before); "
        f"loaded {summary.documents} documents, {summary.frames} frames; {summary.errors} ingest errors; "
        + (f"{summary.aliases} copies of documents loaded before recorded as their sources; " if summary.aliases else "")
        + f"{summary.seconds:.1f} s"
    )
    for message in summary.error_messages[:20]:
        click.echo(f"  error: {message}")
    if summary.transform_skipped:
        click.echo(summary.transform_skipped)
    if summary.dbt_ok:
        click.echo(_summary_tables(settings.warehouse))
        click.echo(f"analyst copy: {settings.published_warehouse}")
    if summary.discovered == 0 and summary.errors == 0:
        click.echo("nothing to ingest", err=True)
        ctx.exit(EXIT_USAGE)
    if strict and summary.errors:
        click.echo(f"{summary.errors} inputs quarantined (raw.ingest_errors); exit 3 because of --strict", err=True)
        ctx.exit(EXIT_QUARANTINED)


# --- eval, summary -------------------------------------------------------------------------------


@cli.command("eval", context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch eval --gold tests/fixtures/gold/seed_gold.yaml --warehouse data/eval.duckdb
  conflictwatch eval --gold corpus/dev/gold.yaml --warehouse data/corpus-dev.duckdb --verbose""")
@click.option("--gold", required=True, metavar="FILE", help="The gold YAML file.")
@click.option("--warehouse", default=lambda: str(get_settings().warehouse), metavar="FILE", show_default="the warehouse")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--markdown", is_flag=True, help="A Markdown table (for the README).")
@click.option("--verbose", is_flag=True, help="List every miss, spurious record and field mismatch.")
@click.option("--figures-only", is_flag=True,
              help="No quotation of the articles (for a split that is scored, never read: corpus/README.md).")
def eval_(gold: str, warehouse: str, as_json: bool, markdown: bool, verbose: bool, figures_only: bool) -> None:
    """Score the marts against a gold file (precision, recall, F1, field accuracy, evidence integrity)."""
    from conflictwatch.evaluate import EvalError, evaluate, format_report, report_to_dict

    for path in (gold, warehouse):
        if not Path(path).exists():
            raise CliError(f"{path}: no such file", EXIT_USAGE)
    try:
        report = evaluate(Path(gold), Path(warehouse))
    except EvalError as exc:
        raise CliError(f"eval: {exc}") from None
    if figures_only and (verbose or as_json):
        raise CliError("eval: --figures-only takes no --verbose or --json (both quote the articles)", EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(report_to_dict(report), indent=2, default=str))
    else:
        click.echo(format_report(report, verbose=verbose, markdown=markdown, snippets=not figures_only))


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch summary                                  # the analyst copy
  conflictwatch summary --warehouse data/warehouse.duckdb --top 10""")
@click.option("--warehouse", default=lambda: str(_analyst_default()), metavar="FILE", show_default="the analyst copy")
@click.option("--top", type=int, default=5, show_default=True, help="How many top incidents to list.")
def summary(warehouse: str, top: int) -> None:
    """Row counts of the marts and the top incidents."""
    click.echo(_summary_tables(Path(warehouse), top))


# --- query, search --------------------------------------------------------------------------------


def _print_rows(columns: list[str], rows: list[tuple], fmt: str, title: str | None = None) -> None:
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        click.echo(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=2, default=str))
    else:
        from rich.table import Table

        table = Table(title=title, show_lines=False)
        for c in columns:
            table.add_column(c, overflow="fold", max_width=70)
        for r in rows:
            table.add_row(*("" if v is None else str(v) for v in r))
        _console().print(table)
        click.echo(f"{len(rows)} rows", err=True)


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch query "select event_date, location_name, killed_best, perpetrator from marts.fct_incidents order by 1"
  conflictwatch query "select admin1, count(*) as incidents, sum(killed_best) from marts.fct_incidents group by 1" --format csv
  conflictwatch query "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"

The file is opened read-only: statements that write fail.""")
@click.argument("sql")
@click.option("--warehouse", default=lambda: str(_analyst_default()), metavar="FILE", show_default="the analyst copy")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--limit", type=int, default=1000, show_default=True, help="At most this many rows (0: all).")
def query(sql: str, warehouse: str, fmt: str, limit: int) -> None:
    """Run read-only SQL against the analyst copy and print the result."""
    import duckdb

    con = open_read_only(Path(warehouse))
    try:
        from conflictwatch.publish import load_extension

        load_extension(con, "fts")  # the analyst copy's full-text index needs it
        cur = con.execute(sql)
        if cur.description is None:
            return
        columns = [d[0] for d in cur.description]
        rows = cur.fetchmany(limit) if limit else cur.fetchall()
    except (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException) as exc:
        raise CliError(f"query: {str(exc).splitlines()[0]}", EXIT_USAGE) from None
    except duckdb.InvalidInputException as exc:  # a write against the read-only file
        raise CliError(f"query: {str(exc).splitlines()[0]}", EXIT_USAGE) from None
    except duckdb.Error as exc:
        raise CliError(f"query: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()
    _print_rows(columns, rows, fmt)


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch search "Bab al-Hawa convoy"
  conflictwatch search "ceasefire violation" --limit 3 --format json""")
@click.argument("words")
@click.option("--warehouse", default=lambda: str(_analyst_default()), metavar="FILE", show_default="the analyst copy")
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def search(words: str, warehouse: str, limit: int, fmt: str) -> None:
    """Full-text search over the articles' titles and text (BM25, the analyst copy's fts index)."""
    import duckdb

    from conflictwatch.publish import search as fts_search

    con = open_read_only(Path(warehouse))
    try:
        rows = fts_search(con, words, limit)
    except duckdb.CatalogException:
        raise CliError(f"{warehouse}: no full-text index (publish the analyst copy again with a newer conflictwatch)") from None
    finally:
        con.close()
    _print_rows(["document_id", "title", "published_date", "score"], rows, fmt)


# --- export, report, docs --------------------------------------------------------------------------


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch export --format parquet                 # data/exports/parquet/<mart>.parquet
  conflictwatch export --format geojson --output incidents.geojson
  conflictwatch export --format acled --format geoparquet --output-dir /tmp/pack

Formats: parquet (one file per mart), geoparquet and geojson (fct_incidents as points, lon/lat
WGS84), acled (ACLED's column names and codes). The same files are written after every build
into data/warehouse_analyst_exports/.""")
@click.option("--format", "formats", multiple=True, required=True,
              type=click.Choice(["parquet", "geojson", "geoparquet", "acled", "all"]), help="Repeatable.")
@click.option("--warehouse", default=lambda: str(_analyst_default()), metavar="FILE", show_default="the analyst copy")
@click.option("--output-dir", default=lambda: str(get_settings().data_dir / "exports"), metavar="DIR",
              show_default="data/exports")
@click.option("--output", metavar="PATH", help="The file (or, for parquet, the folder) to write; one format only.")
def export(formats: tuple[str, ...], warehouse: str, output_dir: str, output: str | None) -> None:
    """Export the marts for other tools: Parquet, GeoParquet, GeoJSON, ACLED CSV."""
    import duckdb

    from conflictwatch.publish import EXPORTERS, FORMATS
    from conflictwatch.publish import export as do_export

    chosen = list(FORMATS) if "all" in formats else list(dict.fromkeys(formats))
    if output and len(chosen) > 1:
        raise CliError("--output takes one format; use --output-dir for several", EXIT_USAGE)
    open_read_only(Path(warehouse)).close()  # missing or locked: one clean line
    for fmt in chosen:
        target = Path(output) if output else Path(output_dir) / EXPORTERS[fmt][0]
        started = time.monotonic()
        try:
            do_export(Path(warehouse), fmt, target)
        except duckdb.Error as exc:
            raise CliError(f"export {fmt}: {str(exc).splitlines()[0]}") from None
        click.echo(f"{fmt:<11} {target}  ({time.monotonic() - started:.1f} s)")


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch report                                   # data/report.html
  conflictwatch report --output /tmp/nw-syria.html --warehouse data/eval_analyst.duckdb

One HTML file, no server and no internet needed: a map of incidents sized by deaths, a weekly
timeline by governorate, perpetrators, aid crossings over time, violations per agreement; the
evidence sentence of every mark on hover and click.""")
@click.option("--warehouse", default=lambda: str(_analyst_default()), metavar="FILE", show_default="the analyst copy")
@click.option("--output", default=lambda: str(get_settings().data_dir / "report.html"), metavar="FILE",
              show_default="data/report.html")
def report(warehouse: str, output: str) -> None:
    """Write the self-contained HTML report."""
    from conflictwatch.report import write_report

    open_read_only(Path(warehouse)).close()
    out = write_report(Path(warehouse), Path(output))
    click.echo(f"report: {out} ({out.stat().st_size // 1024} KB)")


@cli.command(context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch docs                     # http://127.0.0.1:8580/ until Ctrl+C
  conflictwatch docs --port 9000 --generate

dbt's docs site reads manifest.json and catalog.json with fetch(), which browsers refuse for
file:// pages; served over HTTP it works. data/dbt_target/static_index.html is the one-file
version that also opens from disk.""")
@click.option("--port", type=int, default=8580, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--generate", is_flag=True, help="Run `dbt docs generate` first (needs the warehouse unlocked).")
def docs(port: int, host: str, generate: bool) -> None:
    """Serve the dbt docs site (lineage, column descriptions, tests) locally."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    settings = get_settings()
    target = settings.warehouse.parent / "dbt_target"
    if generate:
        from conflictwatch.transform import DbtError, dbt_docs_generate

        try:
            dbt_docs_generate(settings.warehouse, settings)
        except DbtError as exc:
            raise CliError(str(exc).splitlines()[0]) from None
    if not (target / "index.html").exists():
        raise CliError(f"{target}/index.html: no docs site yet (run `make run`, or `conflictwatch docs --generate`)", EXIT_USAGE)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    try:
        server = ThreadingHTTPServer((host, port), partial(Quiet, directory=str(target)))
    except OSError as exc:
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    click.echo(f"dbt docs: http://{host}:{server.server_address[1]}/  (Ctrl+C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cli.command("sources-schema", context_settings=CONTEXT, epilog="""\b
Examples:
  conflictwatch sources-schema                                     # print it
  conflictwatch sources-schema --output include/sources.schema.json
  conflictwatch sources-schema --output include/sources.schema.json --check

The JSON Schema comes from the typed model in conflictwatch.sourceconfig (the same one
load_sources validates with); include/sources.yml names it for YAML editors.""")
@click.option("--output", metavar="FILE", help="Write it here instead of printing it.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if FILE differs from the schema.")
def sources_schema(output: str | None, check: bool) -> None:
    """Write the JSON Schema of the sources file (include/sources.yml)."""
    import json

    from conflictwatch.sourceconfig import sources_schema as schema

    text = json.dumps(schema(), indent=2) + "\n"
    if check:
        if not output:
            raise CliError("--check needs --output FILE", EXIT_USAGE)
        current = Path(output).read_text(encoding="utf-8") if Path(output).exists() else ""
        if current != text:
            raise CliError(f"{output} is out of date: run `make sources-schema`")
        click.echo(f"{output}: up to date")
    elif output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"sources schema: {output}")
    else:
        click.echo(text, nl=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 1 failed, 2 bad usage, 3 quarantined with --strict)."""
    try:
        # standalone_mode=False: ctx.exit(n), --help and --version come back as the return value
        rv = cli.main(args=argv, prog_name="conflictwatch", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("aborted", err=True)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    return rv if isinstance(rv, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""dbt invocation and the analyst copy: everything after the raw tables are loaded.

dbt runs as a subprocess of this interpreter's environment (dbt keeps global state that
does not survive several in-process invocations well, and a subprocess releases the
DuckDB lock for certain when it exits). A run that knows early that it will build can start
that subprocess ahead (`DbtChild`): it imports dbt and parses the project while the documents
are still being tagged, and runs the build when asked.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from conflictwatch import publish
from conflictwatch.config import Settings, get_settings
from conflictwatch.lock import warehouse_lock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DbtResult:
    command: list[str]
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class DbtError(RuntimeError):
    pass


def dbt_summary(output: str) -> str:
    """dbt's own one-line tally ('Done. PASS=225 WARN=0 ERROR=0 ...'), else its last line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    done = [ln for ln in lines if "Done." in ln]
    return (done or lines or ["(no output)"])[-1]


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_env(warehouse: Path, settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "CONFLICTWATCH_WAREHOUSE": str(Path(warehouse).resolve()),
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    # dbt writes each seed's compiled SQL to <target>/run/<seed path>; with an absolute seed
    # path that join lands ON the seed CSV and overwrites it. Seeds stay on the project's
    # relative path (../include/reference), so the variable must not reach dbt.
    env.pop("CONFLICTWATCH_REFERENCE_DIR", None)
    return env


# dbt's log file at its default level (debug) writes ~100 lines per node: about a tenth of a
# build's CPU. The file keeps dbt's info lines (what the console shows); DBT_LOG_LEVEL_FILE
# in the environment (e.g. debug) still wins.
LOG_LEVEL_FILE = "info"


def dbt_target(warehouse: Path) -> Path:
    return Path(warehouse).resolve().parent / "dbt_target"


def _dbt_args(args: Sequence[str], project: Path, target: Path) -> list[str]:
    return [*args, "--project-dir", str(project), "--profiles-dir", str(project), "--target-path", str(target)]


def _child_env(warehouse: Path, settings: Settings, target: Path) -> dict[str, str]:
    env = dbt_env(warehouse, settings)
    env["DBT_LOG_PATH"] = str(target / "logs")
    env.setdefault("DBT_LOG_LEVEL_FILE", LOG_LEVEL_FILE)
    return env


class DbtChild:
    """A dbt subprocess started before the build it will run (`python -m conflictwatch.dbt_child`).

    It imports dbt and parses the project (a few seconds of CPU) while the caller still tags
    documents; `run(args)` then sends it the command, under the warehouse lock, and waits.
    One command per child; `close()` ends an unused child (end of its input, then SIGTERM).
    """

    def __init__(self, warehouse: Path, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self.warehouse = Path(warehouse).resolve()
        self.target = dbt_target(self.warehouse)
        self.timing: dict[str, float] = {}  # after run(): import_s, parse_s, waited_s (the build's wait for them)
        project = self.settings.dbt_project_dir
        self.proc: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-m", "conflictwatch.dbt_child", str(project), str(self.target)],
            env=_child_env(self.warehouse, self.settings, self.target), cwd=project, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        log.info("dbt started ahead (pid %d): importing and parsing while the run goes on", self.proc.pid)

    def fits(self, warehouse: Path, settings: Settings) -> bool:
        return (self.proc is not None and self.warehouse == Path(warehouse).resolve()
                and self.settings.dbt_project_dir == settings.dbt_project_dir)

    def run(self, args: Sequence[str]) -> tuple[int, str]:
        proc, self.proc = self.proc, None
        assert proc is not None, "a DbtChild runs one command"
        command = _dbt_args(args, self.settings.dbt_project_dir, self.target)
        log.info("running dbt %s (in the dbt process started ahead, pid %d)", " ".join(command), proc.pid)
        sent = time.time()
        try:
            output, _ = proc.communicate(json.dumps(command) + "\n")
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        return proc.returncode, self._timing(output, sent)

    def _timing(self, output: str, sent: float) -> str:
        """Strip the child's timing line; keep how long the build waited for its import and parse."""
        from conflictwatch.dbt_child import TIMING

        head, _, rest = output.partition("\n")
        if not head.startswith(TIMING):
            return output
        try:
            t = json.loads(head[len(TIMING):])
            self.timing = {"import_s": t["import_s"], "parse_s": t["parse_s"],
                           "waited_s": max(0.0, t["ready"] - sent)}
            log.info("dbt process: imported in %.1f s, parsed in %.1f s; the build waited %.1f s for it",
                     t["import_s"], t["parse_s"], self.timing["waited_s"])
        except (ValueError, KeyError):
            pass
        return rest

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            proc.communicate("\n", timeout=0.5)  # it exits at once if it is waiting for a command
        except subprocess.TimeoutExpired:
            proc.terminate()  # still importing or parsing
            try:
                proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()


def run_dbt(
    args: Sequence[str],
    warehouse: Path,
    settings: Settings | None = None,
    target_path: Path | None = None,
    check: bool = True,
    child: DbtChild | None = None,
) -> DbtResult:
    """`dbt <args>` against the given warehouse; raises DbtError with dbt's output on failure.

    `child`, a DbtChild started for this warehouse, runs it (no dbt start-up left to wait for)."""
    settings = settings or get_settings()
    project = settings.dbt_project_dir
    target = target_path or dbt_target(warehouse)
    if child is not None and target_path is None and child.fits(warehouse, settings):
        with warehouse_lock(warehouse):
            returncode, output = child.run(args)
        command = ["dbt", *_dbt_args(args, project, target)]
    else:
        command = [dbt_executable(), *_dbt_args(args, project, target)]
        log.info("running %s", " ".join(command))
        env = _child_env(warehouse, settings, target)
        with warehouse_lock(warehouse):
            proc = subprocess.run(command, env=env, capture_output=True, text=True, cwd=project)
        returncode, output = proc.returncode, proc.stdout + proc.stderr
    result = DbtResult(command, returncode, output)
    if check and not result.ok:
        raise DbtError(f"dbt {' '.join(args)} failed (exit {returncode}):\n{_tail(output)}")
    return result


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


def project_fingerprint(settings: Settings | None = None) -> str:
    """One hash of everything a build reads besides the raw tables: every file of the dbt project
    and of the reference folder its seeds come from (the same walk as the DAG's render manifest)."""
    import hashlib

    from conflictwatch.airflow.dbt import hash_project_files

    digest = hashlib.sha256()
    hash_project_files(digest, (settings or get_settings()).dbt_project_dir)
    return digest.hexdigest()


# What a build after new raw rows must run, when the project is the one the marts were built
# with (`conflictwatch.ingest.transform`): everything downstream of the raw tables (`source:raw+`)
# except its views. A view stores only its query, which did not change, so creating it again
# changes nothing; its data tests still run (they read the view, so they see the new rows).
# Each of dbt's nodes costs ~0.1-0.2 s of its own Python: 11 of the 27 models are views.
# dbt keeps the order through the views left out (transitive edges of the selected subgraph),
# so a test of a view runs after the tables the view reads are rebuilt.
RAW_DOWNSTREAM_EXCEPT_VIEWS = (
    "source:raw+,resource_type:test",
    "source:raw+,config.materialized:table",
    "source:raw+,config.materialized:incremental",
)
# The same build's models alone, when its data tests run from their compiled SQL instead of as
# dbt nodes (`conflictwatch.dbt_tests`; dbt_build(data_tests=False) also leaves out the tests
# dbt's indirect selection would add).
RAW_DOWNSTREAM_MODELS = RAW_DOWNSTREAM_EXCEPT_VIEWS[1:]


def dbt_build(warehouse: Path, settings: Settings | None = None, selector: str | None = None,
              unit_tests: bool = False, select: str | Sequence[str] | None = None,
              child: DbtChild | None = None, data_tests: bool = True) -> DbtResult:
    """Seeds, models, snapshots and every data test, in dependency order.

    Unit tests check the models' SQL on fixed inputs, not the data: they are the same on every
    build, so the pipeline leaves them to `make test` (tests/test_dbt_project.py runs them)
    unless `unit_tests` is set. `select`: one selection or several (their union). `data_tests`
    False: no data test either (the caller runs them: `build`).
    """
    args = ["build"]
    if selector:
        args += ["--selector", selector]
    if select:
        args += ["--select", *([select] if isinstance(select, str) else select)]
    excluded = ([] if unit_tests else ["unit_test"]) + ([] if data_tests else ["test"])
    if excluded:
        args += ["--exclude-resource-type", *excluded]
    return run_dbt(args, warehouse, settings, child=child)


def build(warehouse: Path, settings: Settings, fingerprint: str, after_new_rows: bool,
          child: DbtChild | None = None, stages: dict[str, float] | None = None) -> None:
    """The pipeline's dbt build (`conflictwatch.ingest.transform`); raises DbtError on failure.

    `after_new_rows` (the project unchanged since the marts were built): what the new raw rows
    require. When the last build in which dbt ran the data tests left their plan for this
    project and warehouse (`conflictwatch.dbt_tests`), dbt builds the models alone and the tests
    run from their compiled SQL in one DuckDB connection (~2 s instead of dbt's ~0.1-0.2 s of
    Python for each of ~120 nodes); otherwise dbt runs them (RAW_DOWNSTREAM_EXCEPT_VIEWS).
    Else everything. A build in which dbt ran the tests saves their plan for the next one.
    `stages` receives the wall seconds of the dbt build and of the data tests run outside it.
    """
    from conflictwatch import dbt_tests

    stages = stages if stages is not None else {}
    target = dbt_target(warehouse)
    plan = dbt_tests.load_plan(target, fingerprint, warehouse) if after_new_rows else None
    t0 = time.monotonic()
    if plan is None:
        (target / dbt_tests.PLAN_FILE).unlink(missing_ok=True)
        dbt_build(warehouse, settings, select=RAW_DOWNSTREAM_EXCEPT_VIEWS if after_new_rows else None, child=child)
        stages["dbt build"] = time.monotonic() - t0
        saved = dbt_tests.save_plan(target, fingerprint, warehouse)
        log.info("data tests' plan for the next incremental build: %s", f"{saved} tests" if saved else "none")
        return
    dbt_build(warehouse, settings, select=RAW_DOWNSTREAM_MODELS, child=child, data_tests=False)
    stages["dbt build"] = time.monotonic() - t0
    t0 = time.monotonic()
    with warehouse_lock(warehouse):
        results = dbt_tests.run_plan(plan, warehouse, target)
    stages["data tests (compiled SQL)"] = time.monotonic() - t0
    if dbt_tests.failed(results):
        raise DbtError(f"data tests failed after dbt build --select {' '.join(RAW_DOWNSTREAM_MODELS)}:\n"
                       + dbt_tests.describe(results))


def dbt_docs_generate(warehouse: Path, settings: Settings | None = None) -> DbtResult:
    # --static also writes static_index.html: one file with the manifest and catalog inlined, which
    # opens from disk (index.html fetches its JSON files, which browsers refuse for file:// pages)
    return run_dbt(["docs", "generate", "--static"], warehouse, settings)


def publish_analyst_copy(warehouse: Path, destination: Path | None = None, schemas: Sequence[str] = ("marts", "reference")) -> Path:
    """Copy the mart schemas into a fresh file and swap it in atomically (os.replace).

    Analysts open this copy, never the working warehouse, so a reader can never block the
    pipeline's single writer and never sees a half-built mart.
    """
    warehouse = Path(warehouse)
    destination = Path(destination) if destination else get_settings(warehouse=warehouse).published_warehouse
    tmp = destination.with_name(f".{destination.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    # Attach the warehouse under its own catalog name so dbt's views (which name it) resolve.
    with warehouse_lock(warehouse):
        for stale in destination.parent.glob(f".{destination.name}.tmp-*"):  # left by a killed run
            stale.unlink(missing_ok=True)
        return _publish(warehouse, destination, tmp, schemas)


def _publish(warehouse: Path, destination: Path, tmp: Path, schemas: Sequence[str]) -> Path:
    src = warehouse.stem
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"attach '{warehouse}' as \"{src}\" (read_only)")
        tables = con.execute(
            f"""select table_schema, table_name from information_schema.tables
                where table_catalog = '{src}' and table_schema in ({", ".join(f"'{s}'" for s in schemas)})
                order by 1, 2"""
        ).fetchall()
        for schema in sorted({s for s, _ in tables}):
            con.execute(f'create schema "{schema}"')
        for schema, table in tables:
            con.execute(f'create table "{schema}"."{table}" as select * from "{src}"."{schema}"."{table}"')
        # The export pack (Parquet, GeoParquet, GeoJSON, ACLED CSV) is written from the new copy's
        # marts on a second cursor while this one adds the descriptions, qa.test_failures and the
        # full-text index (DuckDB works outside the GIL: ~0.5 s of the two overlap); the link to it
        # is swapped after the copy itself.
        for extension in ("spatial", "fts"):  # loaded once, before the two cursors use them
            publish.load_extension(con, extension)
        pack = _PackWriter(con.cursor(), publish.exports_dir(destination), destination)
        pack.start()
        try:
            publish.finish_analyst_copy(con, src, tuple(schemas))  # descriptions + full-text index
        finally:
            pack.join()
        con.execute(f'detach "{src}"')
    finally:
        con.close()
    if pack.error is not None:
        raise pack.error
    os.replace(tmp, destination)
    log.info("published %d tables to %s", len(tables), destination)
    publish.swap_pack(publish.exports_dir(destination), pack.folder)
    log.info("publish pack: %s (%d marts)", publish.exports_dir(destination), len(pack.counts))
    return destination


class _PackWriter(threading.Thread):
    def __init__(self, cursor: duckdb.DuckDBPyConnection, link: Path, analyst_file: Path):
        super().__init__(name="export-pack", daemon=True)
        self.cursor, self.link, self.analyst_file = cursor, link, analyst_file
        self.folder: Path | None = None
        self.counts: dict[str, int] = {}
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.folder, self.counts = publish.write_pack_files(self.cursor, self.link, self.analyst_file)
        except BaseException as exc:  # re-raised by the publishing thread
            self.error = exc
        finally:
            self.cursor.close()

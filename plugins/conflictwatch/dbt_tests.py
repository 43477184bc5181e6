"""The data tests of an incremental build, run from their compiled SQL in one DuckDB connection.

After new raw rows, with the dbt project unchanged since the marts were built
(`conflictwatch.ingest.transform`), the build runs the ~120 data tests downstream of the raw
tables. As dbt nodes they cost ~0.1-0.2 s of dbt's own Python each (compiling the test's
Jinja, its materialization, artifacts), ~90% of their time: their queries take ~1-2 s in all.
The SQL does not change while the project does not, so:

* every build in which dbt ran the tests saves them (`save_plan`): each test downstream of a raw
  source with its compiled SQL and config (severity, warn_if, error_if, fail_calc, limit,
  store_failures) from dbt's manifest.json, under the project's fingerprint and the warehouse;
* the next incremental build lets dbt build only the models (`transform.RAW_DOWNSTREAM_MODELS`),
  then `run_plan` runs the same tests as dbt's test materialization does
  (macros/materializations/test.sql): `create or replace table qa.<test> as (<sql>)` for the
  stored failures, then `select <fail_calc> ...` against `warn_if` / `error_if`; a failing
  error-severity test fails the build (DbtError, as dbt's exit 1 does), a warn-severity one
  warns. The results go to `data_tests_results.json` beside dbt's run_results.json.

A plan that does not fit (another project fingerprint, warehouse or dbt version, or none) is not
used: dbt then runs the tests itself, as before, and the plan is saved again. The difference
with dbt's build: all the models are built before the tests run (dbt runs a model's tests before
its children and skips them when one fails); the build fails either way, and nothing is
published (tests/test_dbt_tests.py: each test fails on a broken row as dbt's does).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb

log = logging.getLogger(__name__)

PLAN_FILE = "conflictwatch_data_tests.json"
RESULTS_FILE = "data_tests_results.json"
PLAN_VERSION = 1
# DuckDB runs each query on its own threads outside the GIL; a few cursors side by side keep
# it busy between the small queries (measured on FA-KES: docs/benchmarks.md).
THREADS = 4


@dataclass(frozen=True)
class TestResult:
    unique_id: str
    name: str
    status: str  # pass | warn | fail | error
    failures: int | None
    message: str
    execution_time: float


def downstream_of_sources(manifest: Mapping[str, Any], source_name: str = "raw") -> set[str]:
    """Every node downstream of the project's `source_name` tables (dbt's `source:raw+`)."""
    start = [uid for uid, s in manifest.get("sources", {}).items() if s.get("source_name") == source_name]
    children = manifest.get("child_map", {})
    seen: set[str] = set()
    todo = list(start)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def plan_from_manifest(manifest: Mapping[str, Any], fingerprint: str, warehouse: Path) -> dict[str, Any] | None:
    """The tests downstream of the raw tables that this manifest has compiled SQL for; None when
    one of them was not compiled (dbt did not run it in the invocation that wrote the manifest)."""
    downstream = downstream_of_sources(manifest)
    tests = []
    for uid in sorted(downstream):
        node = manifest["nodes"].get(uid)
        if not node or node.get("resource_type") != "test":
            continue
        config = node.get("config") or {}
        if not config.get("enabled", True):
            continue
        sql = node.get("compiled_code")
        if not sql or not node.get("compiled"):
            return None
        tests.append({
            "unique_id": uid,
            "name": node["name"],
            "relation": node.get("relation_name"),
            "sql": sql,
            "severity": str(config.get("severity") or "error").lower(),
            "warn_if": config.get("warn_if") or "!= 0",
            "error_if": config.get("error_if") or "!= 0",
            "fail_calc": config.get("fail_calc") or "count(*)",
            "limit": config.get("limit"),
            "store_failures": bool(config.get("store_failures")) and (config.get("store_failures_as") or "table") == "table",
        })
    if not tests:
        return None
    return {"version": PLAN_VERSION, "fingerprint": fingerprint, "warehouse": str(Path(warehouse).resolve()),
            "dbt_version": manifest.get("metadata", {}).get("dbt_version"), "tests": tests}


def save_plan(target: Path, fingerprint: str, warehouse: Path) -> int:
    """After a build in which dbt ran the tests: the plan from its manifest.json (0: none saved)."""
    path = Path(target) / PLAN_FILE
    path.unlink(missing_ok=True)
    try:
        manifest = json.loads((Path(target) / "manifest.json").read_text())
    except (OSError, ValueError):
        return 0
    plan = plan_from_manifest(manifest, fingerprint, warehouse)
    if plan is None:
        return 0
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(plan))
    tmp.replace(path)
    return len(plan["tests"])


def load_plan(target: Path, fingerprint: str, warehouse: Path) -> dict[str, Any] | None:
    """The saved plan if it was saved for this project, this warehouse and this dbt; else None."""
    try:
        plan = json.loads((Path(target) / PLAN_FILE).read_text())
    except (OSError, ValueError):
        return None
    dbt_version = metadata.version("dbt-core")
    if (plan.get("version") != PLAN_VERSION or plan.get("fingerprint") != fingerprint
            or plan.get("warehouse") != str(Path(warehouse).resolve()) or plan.get("dbt_version") != dbt_version
            or not plan.get("tests")):
        return None
    return plan


def _run_one(con: duckdb.DuckDBPyConnection, test: Mapping[str, Any]) -> TestResult:
    """One test as macros/materializations/test.sql and dbt's get_test_sql run it."""
    started = time.perf_counter()
    sql = test["sql"]
    if test.get("limit") is not None:
        sql = f"select * from (\n{sql}\n) _dbt_limit_subq_{test['name']} limit {int(test['limit'])}"
    try:
        if test["store_failures"] and test.get("relation"):
            con.execute(f"create or replace table {test['relation']} as (\n{sql}\n)")
            main = f"select * from {test['relation']}"
        else:
            main = sql
        calc = test["fail_calc"]
        failures, should_warn, should_error = con.execute(
            f"select {calc} as failures, {calc} {test['warn_if']} as should_warn, "
            f"{calc} {test['error_if']} as should_error from (\n{main}\n) dbt_internal_test"
        ).fetchone()
    except duckdb.Error as exc:
        return TestResult(test["unique_id"], test["name"], "error", None, f"{type(exc).__name__}: {exc}",
                          time.perf_counter() - started)
    failures = int(failures or 0)
    # dbt's TestRunner: an error-severity test that meets error_if fails, else warn_if warns
    if test["severity"] == "error" and should_error:
        status, condition = "fail", test["error_if"]
    elif should_warn:
        status, condition = "warn", test["warn_if"]
    else:
        status, condition = "pass", None
    message = (f"Got {failures} result{'' if failures == 1 else 's'}, configured to {status} if {condition}"
               if condition else "")
    return TestResult(test["unique_id"], test["name"], status, failures, message, time.perf_counter() - started)


def run_tests(warehouse: Path, tests: Iterable[Mapping[str, Any]], threads: int = THREADS) -> list[TestResult]:
    """Every test on its own cursor of one connection to the warehouse, `threads` at a time."""
    tests = list(tests)
    con = duckdb.connect(str(warehouse))
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []
    lock = threading.Lock()

    def run(test: Mapping[str, Any]) -> TestResult:
        cursor = getattr(local, "cursor", None)
        if cursor is None:
            cursor = local.cursor = con.cursor()
            with lock:
                cursors.append(cursor)
        return _run_one(cursor, test)

    try:
        with ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="data-test") as pool:
            return list(pool.map(run, tests))
    finally:
        for cursor in cursors:
            cursor.close()
        con.close()


def run_plan(plan: Mapping[str, Any], warehouse: Path, target: Path, threads: int = THREADS) -> list[TestResult]:
    """The plan's tests against the warehouse; their results in `target`/data_tests_results.json."""
    started = time.perf_counter()
    results = run_tests(warehouse, plan["tests"], threads)
    elapsed = time.perf_counter() - started
    Path(target).mkdir(parents=True, exist_ok=True)
    (Path(target) / RESULTS_FILE).write_text(json.dumps(
        {"elapsed_time": elapsed, "threads": threads, "results": [asdict(r) for r in results]}, indent=1))
    counts = {s: sum(r.status == s for r in results) for s in ("pass", "warn", "fail", "error")}
    log.info("data tests (compiled SQL, %d threads): %d in %.2f s: PASS=%d WARN=%d FAIL=%d ERROR=%d",
             threads, len(results), elapsed, counts["pass"], counts["warn"], counts["fail"], counts["error"])
    for r in results:
        if r.status == "warn":
            log.warning("data test %s: %s", r.name, r.message)
    return results


def failed(results: Iterable[TestResult]) -> list[TestResult]:
    return [r for r in results if r.status in ("fail", "error")]


def describe(results: Iterable[TestResult]) -> str:
    """dbt's lines for the failed and errored tests, and its tally."""
    results = list(results)
    lines = [f"{'Failure' if r.status == 'fail' else 'Error'} in test {r.name} ({r.unique_id})\n  {r.message}"
             for r in failed(results)]
    counts = {s: sum(r.status == s for r in results) for s in ("pass", "warn", "fail", "error")}
    lines.append("Done. PASS={pass} WARN={warn} ERROR={error} FAIL={fail} (data tests run from their compiled SQL)"
                 .format(**counts))
    return "\n".join(lines)

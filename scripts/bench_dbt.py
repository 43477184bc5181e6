"""How should transform_dbt run dbt? Times each way on the seeds' warehouse and checks the lock.

  build    one task, `dbt build`
  watcher  Cosmos ExecutionMode.WATCHER: one `dbt build` producer, each node a watching task
  local    Cosmos ExecutionMode.LOCAL: one dbt invocation per node task, queued by the one-slot pool

Each mode runs `airflow dags test transform_dbt` (SQLite metadata, one task at a time) on a
fresh copy of a warehouse holding the seeds' raw tables, and the script reports wall-clock,
task count and whether any task hit DuckDB's file lock. A last probe starts two model-level
dbt calls at once on the same file, which is what LOCAL mode does without the pool under a
parallel executor, and reports whether they collide.

Usage: python scripts/bench_dbt.py [--modes build,watcher,local] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOCK_MARKERS = ("Could not set lock on file", "Conflicting lock is held")


def _env(home: Path, data: Path, mode: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(home / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "CONFLICTWATCH_DATA_DIR": str(data),
        "CONFLICTWATCH_WAREHOUSE": str(data / "warehouse.duckdb"),
        "DO_NOT_TRACK": "1",
    }
    if mode:
        env["CONFLICTWATCH_DBT_MODE"] = mode
    return env


def _run(args: list[str], env: dict[str, str], timeout: int = 1800) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO)


def raw_warehouse(work: Path) -> Path:
    """The seeds ingested (no dbt): the starting point every mode gets a copy of."""
    data = work / "raw"
    proc = _run([str(BIN / "conflictwatch"), "run", "--input", str(REPO / "include" / "seeds"),
                 "--warehouse", str(data / "warehouse.duckdb"), "--no-build"],
                {**os.environ, "CONFLICTWATCH_DATA_DIR": str(data)})
    if proc.returncode:
        sys.exit(f"ingesting the seeds failed:\n{proc.stdout}{proc.stderr}")
    return data / "warehouse.duckdb"


def task_states(env: dict[str, str]) -> dict[str, int]:
    code = (
        "from collections import Counter\n"
        "from airflow.utils.session import create_session\n"
        "from airflow.models import DagRun, TaskInstance\n"
        "with create_session() as s:\n"
        "    dr = s.query(DagRun).filter_by(dag_id='transform_dbt').order_by(DagRun.id.desc()).first()\n"
        "    c = Counter(str(t.state) for t in s.query(TaskInstance).filter_by(run_id=dr.run_id))\n"
        "    print('STATES=' + __import__('json').dumps(dict(c)))\n"
    )
    out = _run([sys.executable, "-c", code], env).stdout
    line = [ln for ln in out.splitlines() if ln.startswith("STATES=")]
    return json.loads(line[0][7:]) if line else {}


def bench_mode(mode: str, raw: Path, work: Path) -> dict:
    home, data = work / f"home-{mode}", work / f"data-{mode}"
    data.mkdir(parents=True)
    shutil.copy(raw, data / "warehouse.duckdb")
    env = _env(home, data, mode)
    for args in (["db", "migrate"], ["pools", "set", "warehouse", "1", "single DuckDB writer"]):
        proc = _run([str(BIN / "airflow"), *args], env)
        if proc.returncode:
            sys.exit(f"airflow {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    started = time.monotonic()
    proc = _run([str(BIN / "airflow"), "dags", "test", "transform_dbt"], env)
    seconds = time.monotonic() - started
    log = proc.stdout + proc.stderr
    (work / f"dags-test-{mode}.log").write_text(log)
    states = task_states(env)
    return {
        "mode": mode,
        "seconds": round(seconds, 1),
        "ok": proc.returncode == 0 and set(states) == {"success"},
        "tasks": sum(states.values()),
        "states": states,
        "lock_errors": sum(log.count(m) for m in LOCK_MARKERS),
    }


def collision_probe(raw: Path, work: Path) -> dict:
    """Two dbt model runs at once on one DuckDB file: what LOCAL mode does without the pool."""
    data = work / "data-probe"
    data.mkdir(parents=True)
    shutil.copy(raw, data / "warehouse.duckdb")
    env = _env(work / "home-probe", data)
    env.update({"CONFLICTWATCH_REFERENCE_DIR": str(REPO / "include" / "reference")})
    project = REPO / "dbt_project"
    seed = _run([str(BIN / "dbt"), "seed", "--project-dir", str(project), "--profiles-dir", str(project),
                 "--target-path", str(data / "t0")], env)
    if seed.returncode:
        return {"error": "dbt seed failed: " + seed.stdout[-1000:]}
    procs = [
        subprocess.Popen(
            [str(BIN / "dbt"), "run", "--select", model, "--project-dir", str(project), "--profiles-dir",
             str(project), "--target-path", str(data / f"t{i}"), "--log-path", str(data / f"l{i}")],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=project,
        )
        for i, model in enumerate(("stg_raw__documents", "stg_raw__frames"), start=1)
    ]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    return {
        "concurrent_runs": 2,
        "failed": sum(p.returncode != 0 for p in procs),
        "lock_errors": sum(o.count(m) for o in outs for m in LOCK_MARKERS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modes", default="build,watcher,local")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-dbt-"))
    try:
        raw = raw_warehouse(work)
        results = [bench_mode(m.strip(), raw, work) for m in args.modes.split(",") if m.strip()]
        probe = collision_probe(raw, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{'mode':<9} {'wall-clock':>10} {'tasks':>6} {'ok':>4} {'lock errors':>12}")
    for r in results:
        print(f"{r['mode']:<9} {r['seconds']:>9.1f}s {r['tasks']:>6} {('yes' if r['ok'] else 'NO'):>4} {r['lock_errors']:>12}")
    print(f"two dbt model runs at once on one file (LOCAL without the pool): {probe}")
    if args.keep:
        print(f"logs in {work}")
    if args.json:
        args.json.write_text(json.dumps({"modes": results, "collision_probe": probe}, indent=2))


if __name__ == "__main__":
    main()

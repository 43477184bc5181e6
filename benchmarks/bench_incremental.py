"""Where a +1% run's seconds go: FA-KES into a fresh warehouse, then 1% new articles, repeated.

    make bench-incr    (= .venv/bin/python benchmarks/bench_incremental.py [--repeat 2] [--limit N] [--before DIR])

The issue's "+1% new documents <= 10% of the first run's wall" measured on its own (`make bench`
runs it among much else, 18 min): each repetition runs `conflictwatch.ingest.run` (what
`conflictwatch run` calls) on FA-KES into a fresh warehouse, then at once on FA-KES plus 1% new
articles (the same `variant` articles `make bench` adds) into that warehouse; the ratio is taken
within the repetition (the machine is shared: back to back is the only fair comparison), and the
median over repetitions is printed. Every run prints its stages: start-up (the process wall
minus the run's own), discover -> extract -> NLP -> batch files, load, dbt build (dbt's own
elapsed time, its models, seeds and tests summed from run_results.json, and what the run waited
for besides: dbt's start-up and parse not yet done, its exit), the analyst copy (tables,
descriptions, qa.test_failures, full-text index) and the export pack.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import FAKES, PY, measure, read_fakes, variant, write_jsonl

# The run, with the analyst copy's parts timed (conflictwatch.publish's functions wrapped) and
# dbt's run_results.json summed by resource type.
RUN = """
import json, sys, dataclasses, time
from pathlib import Path
from conflictwatch import publish
from conflictwatch.config import get_settings
from conflictwatch.ingest import run
parts = {}
def timed(name, fn):
    def wrapper(*a, **k):
        t0 = time.monotonic()
        try:
            return fn(*a, **k)
        finally:
            parts[name] = parts.get(name, 0.0) + time.monotonic() - t0
    return wrapper
for name in ("finish_analyst_copy", "write_pack", "write_pack_files"):
    setattr(publish, name, timed(name, getattr(publish, name)))
wh = Path(sys.argv[2])
settings = get_settings(warehouse=wh, data_dir=wh.parent / "data")
s = run([sys.argv[1]], wh, settings)
out = dataclasses.asdict(s)
out["publish_parts"] = parts
rr = wh.parent / "dbt_target" / "run_results.json"
if rr.exists():
    res = json.loads(rr.read_text())
    by = {}
    for r in res["results"]:
        kind = r["unique_id"].split(".", 1)[0]
        n, t = by.get(kind, (0, 0.0))
        by[kind] = (n + 1, t + (r.get("execution_time") or 0.0))
    out["dbt"] = {"elapsed": res.get("elapsed_time"), "by_type": by}
dt = wh.parent / "dbt_target" / "data_tests_results.json"
if "data tests (compiled SQL)" in s.stages and dt.exists():
    res = json.loads(dt.read_text())
    out["data_tests"] = {"elapsed": res["elapsed_time"], "n": len(res["results"])}
print(json.dumps(out, default=str))
"""


def run(corpus: Path, warehouse: Path, plugins: Path | None = None) -> dict:
    """One `conflictwatch.ingest.run`; `plugins`: another checkout's plugins/ folder (its
    conflictwatch package, hence its dbt project) instead of this one's."""
    env = {"PYTHONPATH": str(plugins)} if plugins else None
    m = measure([PY, "-c", RUN, str(corpus), str(warehouse)], env=env)
    m["summary"] = json.loads(m.pop("out").strip().splitlines()[-1])
    return m


def stages(m: dict) -> dict[str, float]:
    s = m["summary"]
    st = s["stages"]
    parts = s.get("publish_parts", {})
    out = {
        "start-up (process wall - run)": m["wall"] - s["seconds"],
        "discover -> extract -> NLP -> batch files": st.get("discover+extract+nlp", 0.0),
        "load": st.get("load", 0.0),
    }
    if "dbt build" not in st:  # a checkout from before these stages were split (--before)
        out["dbt build + analyst copy + export pack"] = st.get("dbt+publish", 0.0)
    else:
        out["dbt build (wall the run waited)"] = st["dbt build"]
    dbt = s.get("dbt") or {}
    if dbt:
        by = dbt["by_type"]
        out["  dbt: its own elapsed time"] = dbt["elapsed"] or 0.0
        for kind in ("seed", "model", "test", "unit_test"):
            if kind in by:
                n, t = by[kind]
                out[f"  dbt: {kind}s (execution time summed over 4 threads)"] = t
                out[f"  dbt: {kind}s (nodes)"] = n
        if "dbt build" in st:
            waited = st.get("dbt build: waited for dbt's import and parse", 0.0)
            out["  dbt: the build waited for the dbt process's import and parse"] = waited
            out["  dbt: the rest (profile, project, selection, artifacts, exit)"] = (
                st["dbt build"] - (dbt["elapsed"] or 0.0) - waited)
    if "data tests (compiled SQL)" in st:  # conflictwatch.dbt_tests: outside dbt, one connection
        out["data tests from their compiled SQL (wall the run waited)"] = st["data tests (compiled SQL)"]
        if s.get("data_tests"):
            out["  data tests outside dbt (nodes)"] = s["data_tests"]["n"]
    if "analyst copy + pack" in st:
        # write_pack: the pack written after the copy was swapped in (one after the other);
        # write_pack_files alone: written on a second cursor beside finish_analyst_copy
        pack = parts.get("write_pack", 0.0)
        finish = parts.get("finish_analyst_copy", 0.0)
        out["analyst copy + export pack"] = st["analyst copy + pack"]
        out["  descriptions, qa.test_failures, full-text index"] = finish
        if pack:
            out["  export pack (Parquet, GeoParquet, GeoJSON, ACLED), after the copy"] = pack
        else:
            out["  export pack (Parquet, GeoParquet, GeoJSON, ACLED), beside the line above"] = (
                parts.get("write_pack_files", 0.0))
        out["  the rest: tables copied, the new file closed (checkpoint) and swapped in"] = (
            st["analyst copy + pack"] - pack - finish)
    out["whole process"] = m["wall"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--limit", type=int, help="the first N FA-KES articles")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--before", type=Path, metavar="CHECKOUT",
                        help="also measure another checkout (e.g. a worktree of main), alternating with this one "
                             "within each repetition: its plugins/ on PYTHONPATH, the same interpreter and packages")
    args = parser.parse_args(argv)
    if not FAKES.is_file():
        print(f"skipped: FA-KES not found at {FAKES}")
        return 0
    work = Path(tempfile.mkdtemp(prefix="cw-bench-incr-"))
    try:
        rows = read_fakes(args.limit)
        n = len(rows)
        extra = max(1, n // 100)
        corpus = write_jsonl(work / "fakes.jsonl", rows)
        plus = write_jsonl(work / "fakes_plus.jsonl", rows + [variant(rows, 10 * n + k) for k in range(extra)])
        print(f"{n} FA-KES articles, +{extra} new; load average {os.getloadavg()}", flush=True)
        versions = [("this checkout", None)]
        if args.before:
            versions = [(f"before ({args.before})", args.before.resolve() / "plugins"), *versions]
        ratios: dict[str, list[float]] = {name: [] for name, _ in versions}
        for rep in range(args.repeat):
            for name, plugins in versions:
                wh = work / f"r{rep}-{len(ratios[name])}-{name.split()[0]}" / "warehouse.duckdb"
                started = time.strftime("%H:%M:%S", time.gmtime())
                fresh = run(corpus, wh, plugins)
                plus_run = run(plus, wh, plugins)
                ratio = plus_run["wall"] / fresh["wall"]
                ratios[name].append(ratio)
                load = os.getloadavg()
                print(f"\n{name}, repetition {rep + 1} ({started} UTC; load average at the end {load[0]:.1f} "
                      f"{load[1]:.1f}): fresh {fresh['wall']:.1f} s wall, {fresh['cpu']:.1f} s CPU; +{extra}: "
                      f"{plus_run['wall']:.1f} s wall, {plus_run['cpu']:.1f} s CPU = {100 * ratio:.1f}% of the fresh run",
                      flush=True)
                fs, ps = stages(fresh), stages(plus_run)
                print(f"| stage | fresh (s) | +{extra} (s) |\n|---|---|---|")
                for key in list(dict.fromkeys([*fs, *ps])):
                    fmt = "{:.0f}" if key.endswith("(nodes)") else "{:.2f}"
                    cells = [fmt.format(t[key]) if key in t else "-" for t in (fs, ps)]
                    print(f"| {key} | {cells[0]} | {cells[1]} |", flush=True)
        print()
        for name, values in ratios.items():
            print(f"{name}: +{extra} new / fresh, per repetition: {', '.join(f'{100 * r:.1f}%' for r in values)}; "
                  f"median {100 * statistics.median(values):.1f}%")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

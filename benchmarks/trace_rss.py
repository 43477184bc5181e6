"""Peak RSS of one pipeline run, per process role and per stage (speed issue 10: where memory grows).

    .venv/bin/python benchmarks/trace_rss.py [--articles N | --scale 10] [--workers 2] [--out trace.json]

Builds the corpus as `make bench` does (benchmarks/bench_pipeline.py: FA-KES, or its first
`--limit` articles, times `--scale` distinct variants), runs `conflictwatch.ingest.run` on it
into a fresh warehouse in a child process, and samples the whole process tree every 0.2 s.
Each process is given a role: `parent` (the run), `worker` (a forked pool worker), `dbt` (the dbt
subprocess, and anything under it), `other`. Reports per role its peak RSS (and the peak of the
sum of its processes), the peak of the whole tree (the figure `make bench` reports) with what
made it up at that moment, and which stage the run was in then (from the stage wall times the
run returns). PSS (proportional: shared copy-on-write pages split between the processes that
share them) is sampled too, every 1 s, since the pool workers are forks of the parent.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pipeline as bp
import psutil


def role_of(proc: psutil.Process, root: int) -> str:
    try:
        argv = proc.cmdline()
        cmd = " ".join(argv)
        if any(Path(a).name == "dbt" for a in argv[:2]):
            return "dbt"
        for parent in proc.parents():
            if parent.pid == root:
                break
            try:
                if any(Path(a).name == "dbt" for a in parent.cmdline()[:2]):
                    return "dbt"
            except (psutil.Error, IndexError):
                continue
        if proc.pid == root:
            return "parent"
        if proc.ppid() == root and "multiprocessing" not in cmd:
            return "worker"
        return "other"
    except (psutil.Error, IndexError):
        return "other"


def trace(command: list[str], interval: float = 0.2) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=bp.REPO)
    samples: list[dict] = []
    roles: dict[int, str] = {}
    last_pss = [0.0]

    def sample() -> None:
        try:
            root = psutil.Process(proc.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            procs = []
        now = time.perf_counter() - started
        want_pss = now - last_pss[0] >= 1.0
        rows = []
        for p in procs:
            try:
                if p.pid not in roles:
                    roles[p.pid] = role_of(p, proc.pid)
                rss = p.memory_info().rss
                pss = p.memory_full_info().pss if want_pss else None
                rows.append((p.pid, roles[p.pid], rss, pss))
            except psutil.Error:
                continue
        if want_pss:
            last_pss[0] = now
        samples.append({"t": now, "procs": rows})

    out, err = bp.communicate_sampling(proc, sample, interval)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"run failed ({proc.returncode}):\n{err[-3000:]}")
    summary = json.loads(out.strip().splitlines()[-1])
    return {"wall": wall, "samples": samples, "summary": summary}


def stage_at(t: float, wall: float, summary: dict) -> str:
    """The stage the run was in `t` seconds after the process started (its stages ran in order,
    after a start-up of wall - seconds)."""
    start = wall - summary["seconds"]
    if t < start:
        return "start-up"
    edge = start
    for name in ("discover+extract+nlp", "load", "dbt+publish"):
        edge += summary["stages"].get(name, 0.0)
        if t < edge:
            return name
    return "after dbt (summary, exit)"


def report(result: dict) -> dict:
    samples, summary, wall = result["samples"], result["summary"], result["wall"]
    per_role: dict[str, dict] = {}
    tree_peak = {"rss": 0}
    pss_peak = {"pss": 0}
    for s in samples:
        total = sum(r[2] for r in s["procs"])
        by_role: dict[str, int] = {}
        for _pid, role, rss, _pss in s["procs"]:
            by_role[role] = by_role.get(role, 0) + rss
            d = per_role.setdefault(role, {"max_one": 0, "max_sum": 0, "max_one_t": 0.0})
            if rss > d["max_one"]:
                d["max_one"], d["max_one_t"] = rss, s["t"]
        for role, v in by_role.items():
            per_role[role]["max_sum"] = max(per_role[role]["max_sum"], v)
        if total > tree_peak["rss"]:
            tree_peak = {"rss": total, "t": s["t"], "by_role": by_role, "stage": stage_at(s["t"], wall, summary)}
        if s["procs"] and all(r[3] is not None for r in s["procs"]):
            pss = sum(r[3] for r in s["procs"])
            if pss > pss_peak["pss"]:
                pss_peak = {"pss": pss, "t": s["t"], "stage": stage_at(s["t"], wall, summary)}
    for d in per_role.values():
        d["max_one_stage"] = stage_at(d["max_one_t"], wall, summary)
    # the tree's peak within each stage
    per_stage: dict[str, dict] = {}
    for s in samples:
        st = stage_at(s["t"], wall, summary)
        total = sum(r[2] for r in s["procs"])
        if total > per_stage.get(st, {}).get("rss", -1):
            roles: dict[str, int] = {}
            for _pid, role, rss, _pss in s["procs"]:
                roles[role] = roles.get(role, 0) + rss
            per_stage[st] = {"rss": total, "t": s["t"], "by_role": roles}
    return {"wall": wall, "stages": summary["stages"], "documents": summary["documents"],
            "tree_peak": tree_peak, "pss_peak": pss_peak, "per_role": per_role, "per_stage": per_stage}


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, help="the first N FA-KES articles (default: all 804)")
    ap.add_argument("--scale", type=int, default=10, help="times the articles, as distinct variants (1: FA-KES)")
    ap.add_argument("--workers", type=int)
    ap.add_argument("--out", type=Path, help="write the whole trace (every sample) as JSON")
    ap.add_argument("--corpus", type=Path, help="reuse this .jsonl corpus instead of building one")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="cw-rss-"))
    try:
        if args.corpus:
            corpus = args.corpus
        else:
            rows = bp.read_fakes(args.limit)
            big = bp.distinct([bp.variant(rows, k) for k in range(args.scale * len(rows))])
            corpus = bp.write_jsonl(work / "corpus.jsonl", big)
        command = [bp.PY, "-c", bp.RUN, str(corpus), str(work / "w" / "warehouse.duckdb")]
        command += [str(args.workers)] if args.workers else []
        load = os.getloadavg()
        result = trace(command)
        rep = report(result)
        rep["load_before"], rep["load_after"] = load, os.getloadavg()
        rep["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        print(f"{rep['documents']} documents, wall {rep['wall']:.1f} s, stages "
              + ", ".join(f"{k} {v:.1f} s" for k, v in rep["stages"].items()))
        tp = rep["tree_peak"]
        print(f"tree peak RSS {mb(tp['rss'])} at {tp['t']:.1f} s ({tp['stage']}): "
              + ", ".join(f"{k} {mb(v)}" for k, v in sorted(tp["by_role"].items())))
        if rep["pss_peak"]["pss"]:
            pp = rep["pss_peak"]
            print(f"tree peak PSS {mb(pp['pss'])} at {pp['t']:.1f} s ({pp['stage']})")
        for role, d in sorted(rep["per_role"].items()):
            print(f"  {role}: one process max {mb(d['max_one'])} at {d['max_one_t']:.1f} s ({d['max_one_stage']}), "
                  f"all of them max {mb(d['max_sum'])}")
        for st, d in rep["per_stage"].items():
            print(f"  stage {st}: tree max {mb(d['rss'])} at {d['t']:.1f} s: "
                  + ", ".join(f"{k} {mb(v)}" for k, v in sorted(d["by_role"].items())))
        print(f"load average before {rep['load_before'][0]:.1f}, after {rep['load_after'][0]:.1f}")
        if args.out:
            args.out.write_text(json.dumps({**rep, "samples": result["samples"]}, default=str))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

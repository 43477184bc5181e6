"""Score the pipeline's HTML extractor on the Zyte article-extraction benchmark.

    .venv/bin/python benchmarks/bench_extract.py [--corpus PATH] [--resamples N] [--seed S]

Runs `conflictwatch.extract.extract_html` (the very function the pipeline calls) on every
page, scores it with the benchmark's shingle metric (benchmarks/aeb_metric.py) and prints
precision, recall and F1 with bootstrap 95% intervals, pages per second and the published
peer table. Exits 0 with "skipped: ..." when the corpus is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aeb_metric

from conflictwatch.extract import extract_html

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "zyte-aeb"

# From the corpus's SOURCE.md (F1, precision, recall where published).
PEERS = [
    ("rs_trafilatura", 0.970, None, None),
    ("commercial AutoExtract (2019)", 0.970, None, None),
    ("go_trafilatura", 0.960, None, None),
    ("trafilatura 2.0.0", 0.958, 0.938, 0.978),
    ("newspaper4k", 0.949, None, None),
    ("Readability.js", 0.947, None, None),
    ("readability-lxml", 0.922, None, None),
    ("goose3", 0.896, None, None),
    ("jusText", 0.804, None, None),
]


def load_corpus(corpus: Path) -> tuple[dict[str, dict], dict[str, str]]:
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        page_id: gzip.decompress((corpus / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
        for page_id in sorted(truth)
    }
    return truth, pages


def run(corpus: Path, resamples: int, seed: int) -> dict[str, object]:
    truth, pages = load_corpus(corpus)
    predictions: dict[str, str] = {}
    start = time.perf_counter()
    for page_id, html in pages.items():
        predictions[page_id], _ = extract_html(html, truth[page_id].get("url"))
    elapsed = time.perf_counter() - start
    counts = [aeb_metric.page_counts(truth[i].get("articleBody", ""), predictions[i]) for i in pages]
    return {
        "pages": len(pages),
        "seconds": elapsed,
        "pages_per_s": len(pages) / elapsed,
        "scores": aeb_metric.scores(counts),
        "intervals": aeb_metric.bootstrap(counts, n=resamples, seed=seed),
    }


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if not (args.corpus / "ground-truth.json").is_file():
        print(f"skipped: corpus not found at {args.corpus}")
        return 0
    result = run(args.corpus, args.resamples, args.seed)
    scores, ci = result["scores"], result["intervals"]
    print(f"conflictwatch.extract.extract_html on {result['pages']} pages of {args.corpus}")
    for key in ("precision", "recall", "f1"):
        low, high = ci[key]
        print(
            f"  {key:<9} {scores[key]:.3f}  (95% CI {low:.3f}-{high:.3f}, {args.resamples} bootstrap resamples, seed {args.seed})"
        )
    print(f"  speed     {result['pages_per_s']:.1f} pages/s ({result['seconds']:.1f} s, one process)")
    print("\nPublished on this set (SOURCE.md):   F1     P      R")
    print(
        f"  {'conflictwatch (this run)':<32} {_fmt(scores['f1'])}  {_fmt(scores['precision'])}  {_fmt(scores['recall'])}"
    )
    for name, f1, p, r in PEERS:
        print(f"  {name:<32} {_fmt(f1)}  {_fmt(p)}  {_fmt(r)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

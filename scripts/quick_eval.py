"""Score the event coder on a corpus split without dbt (fast loop; `make eval-corpus` is the measurement).

    .venv/bin/python scripts/quick_eval.py dev [--verbose] [--budget]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from conflictwatch.corpus import load_split, quick_warehouse, run_nlp
from conflictwatch.error_budget import budget, format_budget
from conflictwatch.evaluate import evaluate, format_report


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("split", choices=("train", "dev", "train+dev", "val", "dev+val"))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--budget", action="store_true")
    args = ap.parse_args()
    splits = args.split.split("+")
    if "val" in splits and (args.verbose or args.budget):
        ap.error("val is scored, never read: no --verbose or --budget on it (corpus/README.md)")
    for split in splits:
        arts = load_split(split)
        path = quick_warehouse(run_nlp(arts), Path(f"data/quick-{split}.duckdb"))
        gold = Path(f"corpus/{split}/gold.yaml")
        report = evaluate(gold, path)
        text = format_report(report, verbose=args.verbose, snippets=split != "val")
        print(f"== {split}")
        print("\n".join(line for line in text.splitlines() if not line.startswith(("aid_flows", "ceasefire")) or args.verbose))
        if args.budget:
            print(format_budget(budget(gold, path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

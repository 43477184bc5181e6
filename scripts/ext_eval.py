"""Score the event coder on the extension's train articles only (corpus/README.md, draw.py step 4).

    .venv/bin/python scripts/ext_eval.py [--verbose]

The 55 train articles of the extension were annotated after the rules of seven sessions were
written: their first score is a figure on unseen text, like val's; after that they are train.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

import yaml

from conflictwatch.corpus import CORPUS_DIR, load_split, quick_warehouse, run_nlp
from conflictwatch.evaluate import evaluate, format_report


def extension_files() -> set[str]:
    with (CORPUS_DIR / "sources.csv").open(newline="", encoding="utf-8") as fh:
        return {r["file"] for r in csv.DictReader(fh) if r["split"] == "train" and r["stratum"] == "extension"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    files = extension_files()
    arts = [a for a in load_split("train") if a.file in files and a.gold is not None]
    path = quick_warehouse(run_nlp(arts), Path("data/quick-train-ext.duckdb"))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as fh:
        yaml.safe_dump({"articles": [a.gold for a in arts]}, fh, sort_keys=False, allow_unicode=True)
    print(f"== train extension ({len(arts)} articles)")
    print(format_report(evaluate(Path(fh.name), path), verbose=args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Score the event coder on one extension's articles only (corpus/README.md, draw.py steps 4 and 5).

    .venv/bin/python scripts/ext_eval.py [--stratum extension|extension2] [--split train|val] [--verbose]

The train articles of an extension were annotated after the rules before them were written: their
first score is a figure on unseen text, like val's; after that they are train. `--split val`
scores an extension's val articles (never with --verbose: val is scored, never read).
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


def extension_files(stratum: str = "extension", split: str = "train") -> set[str]:
    with (CORPUS_DIR / "sources.csv").open(newline="", encoding="utf-8") as fh:
        return {r["file"] for r in csv.DictReader(fh) if r["split"] == split and r["stratum"] == stratum}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--stratum", choices=("extension", "extension2"), default="extension")
    ap.add_argument("--split", choices=("train", "val"), default="train")
    args = ap.parse_args()
    if args.split == "val" and args.verbose:
        ap.error("val is scored, never read: no --verbose on it (corpus/README.md)")
    files = extension_files(args.stratum, args.split)
    arts = [a for a in load_split(args.split) if a.file in files and a.gold is not None]
    path = quick_warehouse(run_nlp(arts), Path(f"data/quick-{args.split}-{args.stratum}.duckdb"))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as fh:
        yaml.safe_dump({"articles": [a.gold for a in arts]}, fh, sort_keys=False, allow_unicode=True)
    print(f"== {args.split} {args.stratum} ({len(arts)} articles)")
    print(format_report(evaluate(Path(fh.name), path), verbose=args.verbose, snippets=args.split != "val"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

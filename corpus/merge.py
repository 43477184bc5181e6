"""Merge the annotators' files into one gold file per split: corpus/<split>/gold.yaml.

    .venv/bin/python corpus/merge.py

Each article's record comes from its first annotator (assignments.csv); the second
annotations (annotations/agreement/) only feed the agreement figures (corpus/agreement.py).
Every tally's and background event's evidence is added to the article's `negatives` (the
scorer's list of statements that must not become incidents). Articles not yet annotated are
left out and counted.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SPLITS = ("train", "dev", "test", "val")
HEADER = """# Gold for the {split} split of the annotated corpus ({n} articles; corpus/README.md).
# Written by hand from the text alone with docs/codebook.md, before the pipeline ran on these
# articles; merged from corpus/annotations/ by corpus/merge.py (do not edit here).
"""


def load_annotations(folder: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in sorted(folder.glob("a*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for art in data.get("articles") or []:
            art = dict(art)
            art["annotator"] = data.get("annotator") or path.stem
            out[art["file"]] = art
    return out


def with_negatives(art: dict) -> dict:
    negatives = list(art.get("negatives") or [])
    for key in ("tallies", "background"):
        for item in art.get(key) or []:
            ev = item.get("evidence")
            if ev and ev not in negatives:
                negatives.append(ev)
    art["negatives"] = negatives
    return art


def main() -> int:
    with (HERE / "assignments.csv").open(newline="", encoding="utf-8") as fh:
        assigned = {r["file"]: r for r in csv.DictReader(fh)}
    annotated = load_annotations(HERE / "annotations")
    for split in SPLITS:
        files = sorted(f for f, r in assigned.items() if r["split"] == split)
        arts = [with_negatives(annotated[f]) for f in files if f in annotated]
        body = yaml.safe_dump({"articles": arts}, sort_keys=False, allow_unicode=True, width=120)
        (HERE / split / "gold.yaml").write_text(HEADER.format(split=split, n=len(arts)) + body, encoding="utf-8")
        print(f"{split}: {len(arts)} of {len(files)} articles annotated")
    return 0


if __name__ == "__main__":
    sys.exit(main())

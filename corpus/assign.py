"""Deal the corpus to annotators and pick the 10% that a second annotator codes independently.

    .venv/bin/python corpus/assign.py   # writes corpus/assignments.csv

Seeded (random.Random(SEED)); within each split the articles are shuffled and dealt round
the annotators, so every annotator codes train, dev and test articles alike. The agreement
sample is every tenth article of each split's shuffled order, coded a second time by another
annotator (dealt in turn), who never opens the first annotator's file.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 4242
ANNOTATORS = ("a1", "a2", "a3", "a4", "a5", "a6")


def main() -> None:
    with (HERE / "sources.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rng = random.Random(SEED)
    out = []
    turn = 0
    picks = 0
    for split in ("test", "dev", "train"):
        files = sorted(r["file"] for r in rows if r["split"] == split)
        rng.shuffle(files)
        for i, name in enumerate(files):
            first = ANNOTATORS[turn % len(ANNOTATORS)]
            turn += 1
            second = ""
            if i % 10 == 0:
                offset = 1 + picks % (len(ANNOTATORS) - 1)
                second = ANNOTATORS[(ANNOTATORS.index(first) + offset) % len(ANNOTATORS)]
                picks += 1
            out.append({"file": name, "split": split, "annotator": first, "second_annotator": second})
    with (HERE / "assignments.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    for a in ANNOTATORS:
        print(a, sum(1 for r in out if r["annotator"] == a), "+", sum(1 for r in out if r["second_annotator"] == a))


if __name__ == "__main__":
    main()

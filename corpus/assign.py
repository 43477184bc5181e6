"""Deal the corpus to annotators and pick the 10% that a second annotator codes independently.

    .venv/bin/python corpus/assign.py   # writes corpus/assignments.csv

Seeded (random.Random(SEED)); within each split the articles are shuffled and dealt round
the annotators, so every annotator codes train, dev and test articles alike. The agreement
sample is every tenth article of each split's shuffled order, coded a second time by another
annotator (dealt in turn), who never opens the first annotator's file.

The extension (draw.py step 4: val and 55 more train articles) is dealt the same way to a
second team, a7-a10, after the first 350 (whose assignments are unchanged); the second
extension (draw.py step 5) to a third team, a11-a14, after those.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 4242
ANNOTATORS = ("a1", "a2", "a3", "a4", "a5", "a6")
EXTENSION_ANNOTATORS = ("a7", "a8", "a9", "a10")
EXTENSION2_ANNOTATORS = ("a11", "a12", "a13", "a14")


def deal(files_by_split: dict[str, list[str]], team: tuple[str, ...], rng: random.Random) -> list[dict[str, str]]:
    out = []
    turn = 0
    picks = 0
    for split, files in files_by_split.items():
        files = sorted(files)
        rng.shuffle(files)
        for i, name in enumerate(files):
            first = team[turn % len(team)]
            turn += 1
            second = ""
            if i % 10 == 0:
                offset = 1 + picks % (len(team) - 1)
                second = team[(team.index(first) + offset) % len(team)]
                picks += 1
            out.append({"file": name, "split": split, "annotator": first, "second_annotator": second})
    return out


def main() -> None:
    with (HERE / "sources.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rng = random.Random(SEED)
    first = {sp: [r["file"] for r in rows if r["split"] == sp and not r["stratum"].startswith("extension")] for sp in ("test", "dev", "train")}
    ext = {sp: [r["file"] for r in rows if r["split"] == sp and r["stratum"] == "extension"] for sp in ("val", "train")}
    ext2 = {sp: [r["file"] for r in rows if r["split"] == sp and r["stratum"] == "extension2"] for sp in ("val", "train")}
    out = deal(first, ANNOTATORS, rng) + deal(ext, EXTENSION_ANNOTATORS, rng) + deal(ext2, EXTENSION2_ANNOTATORS, rng)
    with (HERE / "assignments.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(out[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    for a in ANNOTATORS + EXTENSION_ANNOTATORS + EXTENSION2_ANNOTATORS:
        print(a, sum(1 for r in out if r["annotator"] == a), "+", sum(1 for r in out if r["second_annotator"] == a))


if __name__ == "__main__":
    main()

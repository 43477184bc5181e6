"""Build the held-out FA-KES test set (tests/fixtures/testset/) by a fixed, reproducible rule.

    .venv/bin/python scripts/testset.py [--corpus ../shared/corpora/fa-kes/FA-KES-Dataset.csv]

Rule (see tests/fixtures/testset/README.md):
  * pool: rows of ANY governorate whose content is 300..2,500 characters long, sorted by unit_id,
    EXCLUDING every unit_id already in tests/fixtures/devset/ or tests/fixtures/devset_aid/ (read
    from their file names) and every row whose content equals an excluded row's content
    (FA-KES has a few duplicated texts under different ids);
  * positives: rows of the pool whose content matches CASUALTY_RE (the dev set's casualty-verb pattern);
    16 drawn with random.Random(SEED).sample;
  * negatives: rows of the pool that do NOT match it; 4 drawn with random.Random(SEED + 1).
published_date: the article's own dateline, as for the dev set (scripts/devset.py `dateline`);
the corpus date column is kept as dataset_date.
The gold (test_gold.yaml) is written by hand, not by this script.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from devset import CASUALTY_RE, DEFAULT_CORPUS, MAX_CHARS, MIN_CHARS, load, write_set

SEED = 20261122
N_POSITIVE = 16
N_NEGATIVE = 4
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "testset"
EXCLUDE_DIRS = [ROOT / "tests" / "fixtures" / "devset", ROOT / "tests" / "fixtures" / "devset_aid"]


def excluded_ids() -> set[str]:
    ids = set()
    for d in EXCLUDE_DIRS:
        for p in d.glob("*.txt"):
            ids.add(p.stem.rsplit("_", 1)[-1])
    return ids


def select(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    ex = excluded_ids()
    ex_text = {r["article_content"].strip() for r in rows if r["unit_id"] in ex}
    pool = [
        r
        for r in rows
        if r["unit_id"] not in ex
        and r["article_content"].strip() not in ex_text
        and MIN_CHARS <= len(r["article_content"].strip()) <= MAX_CHARS
    ]
    pool.sort(key=lambda r: int(r["unit_id"]))
    pos = [r for r in pool if CASUALTY_RE.search(r["article_content"])]
    neg = [r for r in pool if not CASUALTY_RE.search(r["article_content"])]
    positives = random.Random(SEED).sample(pos, N_POSITIVE)
    negatives = random.Random(SEED + 1).sample(neg, min(N_NEGATIVE, len(neg)))
    return positives, negatives


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    write_set(*select(load(args.corpus)), args.out)


if __name__ == "__main__":
    main()

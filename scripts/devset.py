"""Build the FA-KES dev set (tests/fixtures/devset/) by a fixed, reproducible rule.

    .venv/bin/python scripts/devset.py [--corpus ../shared/corpora/fa-kes/FA-KES-Dataset.csv]

Rule (see tests/fixtures/devset/README.md):
  * pool: rows whose `location` is idlib or aleppo, whose content is 300..2,500 characters long
    (short enough to annotate every sentence by hand);
  * positives: rows of the pool whose content matches CASUALTY_RE (a casualty verb);
    16 drawn with random.Random(SEED).sample over the pool sorted by unit_id;
  * negatives: rows of the pool that do NOT match CASUALTY_RE; 4 drawn the same way
    with random.Random(SEED + 1).
published_date: the article's own dateline (the first date in its first 260 characters:
"Thursday 27 Oct 2016", "09-07-2015", "Published July 2 2016" ...), because the corpus's `date`
column is often not the publication day (8 of these 20 disagree with their dateline by days
to months); the corpus date is kept as `dataset_date` and `date_basis` says which was used.
Same corpus, same files. The gold (dev_gold.yaml) is written by hand, not by this script.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import random
import re
import sys
from datetime import date
from pathlib import Path

SEED = 20190601
N_POSITIVE = 16
N_NEGATIVE = 4
LOCATIONS = {"idlib", "aleppo"}
MIN_CHARS, MAX_CHARS = 300, 2500
CASUALTY_RE = re.compile(r"\b(killed|killing|wounded|injured|injuring|dead|died)\b", re.I)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "fa-kes" / "FA-KES-Dataset.csv"
OUT = ROOT / "tests" / "fixtures" / "devset"


def load(corpus: Path) -> list[dict]:
    csv.field_size_limit(sys.maxsize)
    with corpus.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def select(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    pool = [
        r
        for r in rows
        if r["location"].strip().lower() in LOCATIONS
        and MIN_CHARS <= len(r["article_content"].strip()) <= MAX_CHARS
    ]
    pool.sort(key=lambda r: int(r["unit_id"]))
    pos = [r for r in pool if CASUALTY_RE.search(r["article_content"])]
    neg = [r for r in pool if not CASUALTY_RE.search(r["article_content"])]
    positives = random.Random(SEED).sample(pos, N_POSITIVE)
    negatives = random.Random(SEED + 1).sample(neg, min(N_NEGATIVE, len(neg)))
    return positives, negatives


_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_MON = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATELINES = [
    (re.compile(r"\b(\d{1,2})-(\d{1,2})-(\d{4})\b"), lambda m: (int(m[3]), int(m[2]), int(m[1]))),
    (
        re.compile(r"\b(\d{1,2}) " + _MON + r" (\d{4})\b", re.I),
        lambda m: (int(m[3]), _MONTHS[m[2].lower()], int(m[1])),
    ),
    (
        re.compile(r"\b" + _MON + r" (\d{1,2}),? (\d{4})\b", re.I),
        lambda m: (int(m[3]), _MONTHS[m[1].lower()], int(m[2])),
    ),
]


def dateline(content: str) -> str | None:
    """The first date written in the article's first 260 characters, ISO, or None."""
    head = content[:260]
    found = []
    for rx, parts in _DATELINES:
        m = rx.search(head)
        if m:
            with contextlib.suppress(ValueError):
                found.append((m.start(), date(*parts(m)).isoformat()))
    return min(found)[1] if found else None


def iso(d: str) -> str:
    m, dd, y = (int(x) for x in d.strip().split("/"))
    return date(y, m, dd).isoformat()


def write_set(positives: list[dict], negatives: list[dict], out: Path) -> None:
    """Articles as title + blank line + content, and their manifest (shared by the set scripts)."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for i, r in enumerate(positives + negatives):
        tag = "neg" if i >= len(positives) else "pos"
        name = f"{i:03d}_{tag}_{r['unit_id']}.txt"
        text = r["article_title"].strip() + "\n\n" + r["article_content"].strip() + "\n"
        (out / name).write_text(text, encoding="utf-8")
        own = dateline(r["article_content"])
        manifest.append(
            {
                "file": name,
                "published_date": own or iso(r["date"]),
                "source_name": r["source"],
                "dataset_date": iso(r["date"]),
                "date_basis": "dateline in the text" if own else "FA-KES date column",
            }
        )
        print(name, r["location"], r["date"], r["source"], len(r["article_content"]))
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(
            f, fieldnames=["file", "published_date", "source_name", "dataset_date", "date_basis"]
        )
        w.writeheader()
        w.writerows(manifest)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    write_set(*select(load(args.corpus)), args.out)


if __name__ == "__main__":
    main()

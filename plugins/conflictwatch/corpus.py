"""The annotated corpus (corpus/<split>/): its articles, gold and a direct NLP run over them.

Used by training (scripts/train_events.py), the debugging view (scripts/event_debug.py) and
the error budget; the scored evaluation goes through the whole pipeline (`make eval-corpus`).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from conflictwatch.config import PROJECT_ROOT
from conflictwatch.records import Document, stable_id

CORPUS_DIR = PROJECT_ROOT / "corpus"
SPLITS = ("train", "dev", "test")


@dataclass
class Article:
    file: str
    split: str
    text: str
    manifest_date: dt.date | None
    source_name: str | None
    gold: dict[str, Any] | None

    def document(self) -> Document:
        uri = str(CORPUS_DIR / self.split / self.file)
        return Document(stable_id(uri), uri, "file", self.text, "", "", "plain",
                        published_date=self.manifest_date.isoformat() if self.manifest_date else None,
                        source_name=self.source_name)


def load_split(split: str, corpus_dir: Path = CORPUS_DIR) -> list[Article]:
    folder = corpus_dir / split
    manifest = {}
    with (folder / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            manifest[row["file"]] = row
    gold_path = folder / "gold.yaml"
    gold = {}
    if gold_path.exists():
        for art in (yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}).get("articles") or []:
            gold[art["file"]] = art
    out = []
    for name in sorted(manifest):
        row = manifest[name]
        date = dt.date.fromisoformat(row["published_date"]) if row.get("published_date") else None
        out.append(Article(name, split, (folder / name).read_text(encoding="utf-8"), date, row.get("source_name"),
                           gold.get(name)))
    return out


def run_nlp(articles: list[Article], nlp=None):
    """(article, doc) pairs, the docs made as the pipeline makes them."""
    from conflictwatch.nlp.pipeline import load_nlp, make_doc

    nlp = nlp or load_nlp()
    docs = [make_doc(nlp, a.document()) for a in articles]
    return list(zip(articles, nlp.pipe(docs, batch_size=16), strict=True))

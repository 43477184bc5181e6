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
SPLITS = ("train", "dev", "test", "val")


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
        if gold and name not in gold:  # drawn but not yet annotated: nothing to score or learn from
            continue
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


def incident_row(article: Article, doc, frame) -> dict[str, Any]:
    """A frame as the incident mart would show it, geocoded from the NLP's own place mention."""
    from conflictwatch.nlp.mentions.places import load_gazetteer

    gaz = load_gazetteer()
    by_id = _place_index(gaz)
    place = by_id.get(frame.location_id)
    a = frame.attrs
    date = dt.date(frame.date_year, frame.date_month, frame.date_day) if frame.date_kind == "absolute" else None
    return {
        "incident_report_id": frame.frame_id if frame.document_id else f"{article.file}:{frame.evidence_start_char}",
        "document_id": stable_id(str(CORPUS_DIR / article.split / article.file)),
        "source_uri": str(CORPUS_DIR / article.split / article.file),
        "event_date": date,
        "date_precision": a.get("date_precision"),
        "location_mention": frame.location_mention,
        "location_name": place.name if place else frame.location_mention,
        "admin1": (place.admin1 if place and place.admin1 else (place.name if place and place.kind == "admin1" else frame.location_admin1_hint)),
        "perpetrator": " and ".join(_actor_names().get(x, x) for x in a.get("perpetrator_actor_ids") or []) or None,
        "sub_event_type": frame.sub_event_type,
        **{k: a.get(k) for k in ("killed", "injured", "killed_children", "killed_women", "injured_children", "injured_women")},
        "evidence_text": frame.evidence_text,
        "evidence_start_char": frame.evidence_start_char,
        "evidence_end_char": frame.evidence_end_char,
    }


_CACHE: dict[str, Any] = {}


def _place_index(gaz) -> dict[str, Any]:
    if "places" not in _CACHE:
        _CACHE["places"] = {p.location_id: p for p in gaz.places}
    return _CACHE["places"]


def _actor_names() -> dict[str, str]:
    if "actors" not in _CACHE:
        from conflictwatch.nlp.kit.terms import read_csv

        _CACHE["actors"] = {r["actor_id"]: r["name"] for r in read_csv("actors.csv")}
    return _CACHE["actors"]


def quick_warehouse(pairs, path: Path) -> Path:
    """A DuckDB file with just the marts the incident scoring reads, built from the NLP's frames.

    For fast development loops only: it skips dbt (geocoding joins, in-article de-duplication),
    so its scores approximate `make eval-corpus`, which is the measurement.
    """
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    rows, docs = [], []
    for article, doc in pairs:
        docs.append((stable_id(str(CORPUS_DIR / article.split / article.file)), str(CORPUS_DIR / article.split / article.file), doc.text))
        rows += [incident_row(article, doc, f) for f in doc._.cw_frames if f.frame_type == "casualty_event"]
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.dim_documents (document_id varchar, source_uri varchar, text varchar)")
    con.executemany("insert into marts.dim_documents values (?, ?, ?)", docs)
    cols = ["incident_report_id", "document_id", "source_uri", "event_date", "date_precision", "location_mention",
            "location_name", "admin1", "perpetrator", "sub_event_type", "killed", "injured", "killed_children",
            "killed_women", "injured_children", "injured_women", "evidence_text", "evidence_start_char", "evidence_end_char"]
    types = {"event_date": "date", "evidence_start_char": "integer", "evidence_end_char": "integer",
             **{k: "integer" for k in cols if k.startswith(("killed", "injured"))}}
    con.execute("create table marts.fct_incident_reports (" + ", ".join(f"{c} {types.get(c, 'varchar')}" for c in cols) + ")")
    con.executemany(f"insert into marts.fct_incident_reports values ({', '.join('?' * len(cols))})",
                    [[r[c] for c in cols] for r in rows])
    con.close()
    return path

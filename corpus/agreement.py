"""Inter-annotator agreement on the 10% sample coded twice (annotations/agreement/).

    .venv/bin/python corpus/agreement.py          # prints the table for docs/corpus.md

The first annotator's record is taken as gold and the second's as the system output, scored
with the evaluation's own matching rule (same article, same place, same day) and field
comparisons; for aid flows, agreements and violations a pair is records whose evidence
overlaps. F1 is symmetric, so which annotator plays gold does not change it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb
import yaml

from conflictwatch.evaluate import evaluate, find_spans

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from merge import load_annotations, with_negatives  # noqa: E402

SPLITS = ("train", "dev", "test", "val")
COLS = ["incident_report_id", "document_id", "source_uri", "event_date", "date_precision", "location_mention",
        "location_name", "admin1", "perpetrator", "sub_event_type", "killed", "injured", "killed_children",
        "killed_women", "injured_children", "injured_women", "evidence_text", "evidence_start_char", "evidence_end_char"]


def text_of(name: str) -> str:
    for split in SPLITS:
        path = HERE / split / name
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(name)


def as_rows(name: str, incidents: list[dict]) -> list[list]:
    text = text_of(name)
    rows = []
    for i, g in enumerate(incidents):
        span = (find_spans(text, g.get("evidence")) or [(None, None)])[0]
        rows.append([f"{name}:{i}", name, name, str(g.get("date")) if g.get("date") else None, g.get("date_precision"),
                     g.get("location"), g.get("location"), g.get("admin1"), g.get("perpetrator"), g.get("sub_event_type"),
                     g.get("killed"), g.get("injured"), g.get("killed_children"), g.get("killed_women"),
                     g.get("injured_children"), g.get("injured_women"), g.get("evidence"), span[0], span[1]])
    return rows


def overlap_f1(first: dict, second: dict, key) -> tuple[int, int, int]:
    """(pairs, records of the first, records of the second) matched by overlapping evidence."""
    tp = n1 = n2 = 0
    for name in first:
        text = text_of(name)
        a = [find_spans(text, r.get("evidence")) for r in key(first[name])]
        b = [find_spans(text, r.get("evidence")) for r in key(second[name])]
        n1, n2 = n1 + len(a), n2 + len(b)
        used = set()
        for sa in a:
            for j, sb in enumerate(b):
                if j not in used and any(x[0] < y[1] and y[0] < x[1] for x in sa for y in sb):
                    used.add(j)
                    tp += 1
                    break
    return tp, n1, n2


def main() -> int:
    primary = load_annotations(HERE / "annotations")
    second = load_annotations(HERE / "annotations" / "agreement")
    names = sorted(n for n in second if n in primary)
    first = {n: with_negatives(dict(primary[n])) for n in names}
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold.yaml"
        gold.write_text(yaml.safe_dump({"articles": list(first.values())}, allow_unicode=True), encoding="utf-8")
        wh = Path(tmp) / "second.duckdb"
        con = duckdb.connect(str(wh))
        con.execute("create schema marts")
        con.execute("create table marts.dim_documents (document_id varchar, source_uri varchar, text varchar)")
        con.executemany("insert into marts.dim_documents values (?, ?, ?)", [(n, n, text_of(n)) for n in names])
        types = {"event_date": "date", "evidence_start_char": "integer", "evidence_end_char": "integer"}
        types |= {c: "integer" for c in COLS if c.startswith(("killed", "injured"))}
        con.execute("create table marts.fct_incident_reports (" + ", ".join(f"{c} {types.get(c, 'varchar')}" for c in COLS) + ")")
        for n in names:
            rows = as_rows(n, second[n].get("incidents") or [])
            if rows:
                con.executemany(f"insert into marts.fct_incident_reports values ({', '.join('?' * len(COLS))})", rows)
        con.close()
        report = evaluate(gold, wh)
    inc = report.categories["incidents"]
    print(f"Articles coded twice: {len(names)} ({', '.join(sorted({second[n]['annotator'] for n in names}))} as second annotators)")
    print()
    print("| records | first | second | agreed | F1 |")
    print("|---|---|---|---|---|")
    print(f"| incidents (same place and day) | {inc.gold} | {inc.produced} | {inc.tp} | {inc.f1:.2f} |")
    for label, key in (("tallies", lambda a: a.get("tallies") or []), ("aid flows", lambda a: a.get("aid_flows") or []),
                       ("agreements", lambda a: (a.get("ceasefires") or {}).get("agreements") or []),
                       ("violations", lambda a: (a.get("ceasefires") or {}).get("violations") or [])):
        tp, n1, n2 = overlap_f1(first, second, key)
        f1 = 2 * tp / (n1 + n2) if n1 + n2 else 1.0
        print(f"| {label} (overlapping evidence) | {n1} | {n2} | {tp} | {f1:.2f} |")
    print()
    print("| field, on incidents both coded | agreement |")
    print("|---|---|")
    for f in report.fields:
        if f.category == "incidents" and f.total:
            print(f"| {f.field} | {f.accuracy:.2f} ({f.correct}/{f.total}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

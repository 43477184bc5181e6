"""The error budget: how much incident F1 each kind of error costs, found by fixing one kind at a time.

Every produced incident row is paired with the gold incident its evidence tells (the gold
evidence or a restatement of it overlapping the row's evidence sentence), whatever its place
or date. Then, one class at a time, the paired rows take the gold's value for that class and the
set is scored again with the evaluation's own matching rule:

    place       location and governorate
    date        event date and precision
    type        sub-event type
    actor       perpetrator
    count       killed and injured (field accuracy only: counts do not decide a match)
    split/merge several rows telling one gold incident become one; a row telling several gold
                incidents is copied for each
    spurious    rows that tell no gold incident are dropped
    missed      gold incidents that no row tells are added (the recall ceiling)

The F1 gained by each fix is what that class of error costs now.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conflictwatch.evaluate import evaluate, find_spans

CLASSES = ("place", "date", "type", "actor", "count", "split_merge", "spurious", "missed")


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _gold_spans(text: str | None, g: dict[str, Any]) -> list[tuple[int, int]]:
    spans = []
    for ev in [g.get("evidence"), *(g.get("also_evidence") or [])]:
        spans += find_spans(text, ev)
    return spans


def pair_rows(article: dict[str, Any], rows: list[dict[str, Any]], text: str | None) -> list[list[int]]:
    """For each row, the indexes of the gold incidents whose evidence its evidence overlaps."""
    golds = article.get("incidents") or []
    spans = [_gold_spans(text, g) for g in golds]
    out = []
    for row in rows:
        s, e = row.get("evidence_start_char"), row.get("evidence_end_char")
        if s is None or e is None:
            out.append([])
            continue
        out.append([gi for gi, sp in enumerate(spans) if any(_overlap((int(s), int(e)), x) for x in sp)])
    return out


def _best(article, row, gis):
    golds = article.get("incidents") or []
    if not gis:
        return None
    from conflictwatch.evaluate import place_similarity

    return max((golds[i] for i in gis), key=lambda g: place_similarity(g.get("location"), row.get("location_name")))


def _fix(article, rows, text, klass: str) -> list[dict[str, Any]]:
    golds = article.get("incidents") or []
    paired = pair_rows(article, rows, text)
    if klass == "spurious":
        return [r for r, gis in zip(rows, paired, strict=True) if gis]
    if klass == "missed":
        told = {gi for gis in paired for gi in gis}
        return rows + [_as_row(g) for gi, g in enumerate(golds) if gi not in told]
    if klass == "split_merge":
        out, seen = [], set()
        for row, gis in zip(rows, paired, strict=True):
            if not gis:
                out.append(row)
                continue
            fresh = [gi for gi in gis if gi not in seen]
            seen.update(gis)
            if fresh:
                out.append(row)  # the row keeps its own place and date for the first incident it tells
            for gi in fresh[1:]:  # ... and is copied, with the gold's place and date, for the others
                copy = dict(row)
                copy.update(_place_date(golds[gi]))
                out.append(copy)
        return out
    for row, gis in zip(rows, paired, strict=True):
        g = _best(article, row, gis)
        if g is None:
            continue
        row.update(FIXERS[klass](g))
    return rows


def _place_date(g):
    return {**FIXERS["place"](g), **FIXERS["date"](g)}


def _as_row(g):
    row = {"incident_report_id": "gold", "evidence_text": g.get("evidence"), "evidence_start_char": None,
           "evidence_end_char": None}
    for k in FIXERS:
        row.update(FIXERS[k](g))
    return row


FIXERS: dict[str, Callable[[dict], dict]] = {
    "place": lambda g: {"location_name": g.get("location"), "location_mention": g.get("location"), "admin1": g.get("admin1")},
    "date": lambda g: {"event_date": g.get("date"), "date_precision": g.get("date_precision")},
    "type": lambda g: {"sub_event_type": g.get("sub_event_type")},
    "actor": lambda g: {"perpetrator": g.get("perpetrator")},
    "count": lambda g: {k: g.get(k) for k in ("killed", "injured", "killed_children", "killed_women",
                                               "injured_children", "injured_women")},
}


def budget(gold: Path, warehouse: Path) -> list[tuple[str, float, float, dict[str, float]]]:
    """(class, F1 after fixing it, gain, field accuracies) for every class, the baseline first."""
    def summary(report):
        inc = report.categories["incidents"]
        fields = {f.field: f.accuracy or 0.0 for f in report.fields if f.category == "incidents"}
        return inc.f1, fields

    base_f1, base_fields = summary(evaluate(gold, warehouse))
    rows = [("baseline", base_f1, 0.0, base_fields)]
    for klass in CLASSES:
        f1, fields = summary(evaluate(gold, warehouse, lambda a, r, t, k=klass: _fix(a, r, t, k)))
        rows.append((klass, f1, f1 - base_f1, fields))
    return rows


def format_budget(rows) -> str:
    fields = ("killed", "injured", "date", "admin1", "perpetrator", "sub_event_type")
    head = f"{'fixed':12} {'F1':>5} {'gain':>6}  " + " ".join(f"{f[:8]:>8}" for f in fields)
    lines = [head, "-" * len(head)]
    for klass, f1, gain, acc in rows:
        lines.append(f"{klass:12} {f1:5.2f} {gain:+6.2f}  " + " ".join(f"{acc.get(f, 0):8.2f}" for f in fields))
    return "\n".join(lines)

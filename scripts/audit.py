"""An analyst's audit of a full FA-KES run, scripted (`make audit`); writes docs/audit.md.

    .venv/bin/python scripts/audit.py [--fakes ../shared/corpora/fa-kes/FA-KES-Dataset.csv] [--skip-run]

1. Runs the pipeline on every FA-KES article except the ids reserved for evaluation by others
   (../shared/heldout/fakes_reserved_ids.txt: left out of the run altogether, so nothing of them
   is read or shown).
2. Draws a seeded random sample of 50 rows of marts.fct_incident_reports among the articles of
   the annotated corpus (corpus/{train,dev,test}) and judges each against the hand annotation:
   right when it tells a gold incident of its article (same place, same day by the evaluation's
   rule) and agrees with it on sub-event type, killed and perpetrator. Rows of test articles are
   counted but not shown (the test split is not read while building).
3. Checks the marts as an analyst would: each of the ten most-reported incidents is one row: any
   other fct_incidents row of the same kind in the same district within three days is flagged,
   and each flagged pair is judged by hand in docs/audit_judgements.csv (same incident, or
   distinct: another place, day or side); a flagged pair nobody has judged counts as a split. No
   event dated after its article's own date; no place outside Syria given a Syrian governorate.
Skips cleanly when the FA-KES copy is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import yaml

from conflictwatch.evaluate import actor_set, gold_date, place_similarity
from conflictwatch.evaluate import dates_compatible as compatible

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FAKES = SHARED / "corpora" / "fa-kes" / "FA-KES-Dataset.csv"
RESERVED = SHARED / "heldout" / "fakes_reserved_ids.txt"
WORK = ROOT / "data" / "audit"
JUDGEMENTS = ROOT / "docs" / "audit_judgements.csv"  # flagged top-10 pairs, judged by hand
SEED = 2026
SAMPLE = 50

csv.field_size_limit(sys.maxsize)


def write_corpus(fakes: Path, out: Path) -> int:
    reserved = {x.strip() for x in RESERVED.read_text().splitlines() if x.strip() and not x.startswith("#")}
    rows = []
    with fakes.open(newline="", encoding="latin-1") as fh:
        for r in csv.DictReader(fh):
            if r["unit_id"] in reserved or not r["article_content"].strip():
                continue
            for k in ("article_title", "article_content"):
                with contextlib.suppress(UnicodeDecodeError, UnicodeEncodeError):
                    r[k] = r[k].encode("latin-1").decode("utf-8")
            date = dt.datetime.strptime(r["date"].strip(), "%m/%d/%Y").date().isoformat()
            rows.append({"id": r["unit_id"], "title": r["article_title"].strip(),
                         "text": r["article_title"].strip() + "\n\n" + r["article_content"].strip(),
                         "published_date": date, "source_name": r["source"]})
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def load_gold() -> dict[str, tuple[str, dict]]:
    out = {}
    for split in ("train", "dev", "test"):
        path = ROOT / "corpus" / split / "gold.yaml"
        for art in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("articles") or []:
            out[art["file"].removeprefix("fakes_").removesuffix(".txt")] = (split, art)
    return out


def judge(row: dict, article: dict) -> tuple[bool, str]:
    """(right on all, what is wrong) for one row against its article's gold incidents."""
    told = []
    for g in article.get("incidents") or []:
        names = [g.get("location"), *(g.get("location_alternatives") or [])]
        if not any(place_similarity(n, row["location_name"]) > 0 or place_similarity(n, row["location_mention"]) > 0
                   for n in names):
            continue
        gdate, gprec = gold_date(g.get("date"))
        if gdate is None or row["event_date"] is None:
            continue
        if compatible(gdate, g.get("date_precision") or gprec, row["event_date"], row["date_precision"]):
            told.append(g)
    if not told:
        return False, "no gold incident at this place and day"
    # several gold incidents at that place and day (an air strike and shelling): the row tells the one
    # it agrees with most, as an auditor reading it would match it
    wrong = min((_wrong_fields(g, row) for g in told), key=len)
    return not wrong, ", ".join(wrong) or "right"


def _wrong_fields(g: dict, row: dict) -> list[str]:
    return [name for name, ok in (
        ("type", g.get("sub_event_type") == row["sub_event_type"]),
        ("killed", g.get("killed") == row["killed"]),
        ("perpetrator", actor_set(g.get("perpetrator")) == actor_set(row["perpetrator"])),
    ) if not ok]


def checks(con) -> dict[str, object]:
    top = con.execute("""
        select incident_id, n_documents, event_date, admin2, sub_event_type, location_name
        from marts.fct_incidents order by n_documents desc, n_reports desc, incident_id limit 10""").fetchall()
    split = []
    judged = load_judgements()
    for incident_id, n_docs, day, admin2, sub, name in top:
        twins = con.execute("""
            select location_name, event_date from marts.fct_incidents
            where incident_id != ? and sub_event_type = ? and admin2 is not distinct from ?
              and abs(event_date - ?::date) <= 3 order by event_date, location_name""", [incident_id, sub, admin2, day]).fetchall()
        verdicts = [judged.get((name, str(day), sub, other, str(other_day)), "not judged") for other, other_day in twins]
        split.append((name, str(day), sub, n_docs, [(o, str(d), v) for (o, d), v in zip(twins, verdicts, strict=True)]))
    after = con.execute("""
        select count(*) from marts.fct_incident_reports r join marts.dim_documents d using (document_id)
        where r.event_date > d.report_date""").fetchone()[0]
    abroad = con.execute("""
        select count(*) from marts.fct_incident_reports
        where (location_id like 'abroad:%' or location_id like 'country:%') and admin1 is not null""").fetchone()[0]
    return {"top": split, "after_publication": after, "abroad_with_admin1": abroad}


def load_judgements() -> dict[tuple[str, ...], str]:
    """(place, day, kind, other place, other day) -> "distinct: why" | "same: why", judged by hand."""
    if not JUDGEMENTS.exists():
        return {}
    with JUDGEMENTS.open(encoding="utf-8") as f:
        return {(r["place"], r["date"], r["kind"], r["other_place"], r["other_date"]): f"{r['verdict']}: {r['why']}"
                for r in csv.DictReader(f)}


def split_count(top) -> int:
    """Top incidents with another row of the same incident: judged the same, or flagged and not judged."""
    return sum(1 for *_, twins in top if any(not v.startswith("distinct") for *_, v in twins))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fakes", type=Path, default=FAKES)
    ap.add_argument("--skip-run", action="store_true", help="audit the warehouse of the last run")
    a = ap.parse_args()
    if not a.fakes.exists() or not RESERVED.exists():
        print(f"audit skipped: {a.fakes} or {RESERVED} not found")
        return 0
    warehouse = WORK / "warehouse.duckdb"
    if not a.skip_run:
        n = write_corpus(a.fakes, WORK / "fakes.csv")
        print(f"running the pipeline on {n} FA-KES articles (reserved ids left out) ...", flush=True)
        subprocess.run([str(Path(sys.executable).with_name("conflictwatch")), "run", "--force", "--input",
                        str(WORK / "fakes.csv"), "--warehouse", str(warehouse)], check=True, stdout=subprocess.DEVNULL)
    con = duckdb.connect(str(warehouse), read_only=True)
    cols = ["incident_report_id", "source_uri", "location_name", "location_mention", "event_date", "date_precision",
            "sub_event_type", "killed", "perpetrator", "evidence_text"]
    rows = [dict(zip(cols, r, strict=True)) for r in con.execute(
        f"select {', '.join(cols)} from marts.fct_incident_reports order by incident_report_id").fetchall()]
    gold = load_gold()
    annotated = [r for r in rows if r["source_uri"].rsplit("#", 1)[-1] in gold]
    sample = random.Random(SEED).sample(annotated, min(SAMPLE, len(annotated)))
    verdicts = []
    for r in sample:
        split, article = gold[r["source_uri"].rsplit("#", 1)[-1]]
        ok, why = judge(r, article)
        verdicts.append((split, ok, why, r))
    report = checks(con)
    report["all"] = all_rows(annotated, gold)
    write_report(len(rows), len(annotated), verdicts, report)
    right = sum(ok for _, ok, _, _ in verdicts)
    print(f"sample: {right}/{len(verdicts)} right on event, place, date, killed and perpetrator "
          f"({right / len(verdicts):.0%}); every annotated row: {format_all(report['all'])}; "
          f"top-10 incidents split: {split_count(report['top'])} "
          f"(flagged pairs {sum(len(t[4]) for t in report['top'])}, judged distinct by hand "
          f"{sum(v.startswith('distinct') for t in report['top'] for *_, v in t[4])}); "
          f"dated after their article: {report['after_publication']}; abroad with a governorate: {report['abroad_with_admin1']}")
    return 0


def all_rows(annotated: list[dict], gold: dict) -> dict[str, tuple[int, int]]:
    """The same verdict over every row of an annotated article, by split: 50 rows swing by about 7
    points (one standard error) whenever the run's rows change, the whole population does not."""
    out: dict[str, list[int]] = {}
    for r in annotated:
        split, article = gold[r["source_uri"].rsplit("#", 1)[-1]]
        ok, _ = judge(r, article)
        out.setdefault(split, [0, 0])
        out[split][0] += int(ok)
        out[split][1] += 1
    return {split: (right, n) for split, (right, n) in sorted(out.items())}


def format_all(counts: dict[str, tuple[int, int]]) -> str:
    return ", ".join(f"{split} {right}/{n} ({right / max(1, n):.0%})" for split, (right, n) in counts.items())


def write_report(n_rows: int, n_annotated: int, verdicts, report) -> None:
    right = sum(ok for _, ok, _, _ in verdicts)
    lines = [
        "# Audit of a full FA-KES run (`make audit`)",
        "",
        "Written by `scripts/audit.py` (its docstring says what it does). FA-KES articles reserved for",
        "evaluation by others are left out of the run.",
        "",
        f"- incident reports in the run: {n_rows}; of articles in the annotated corpus: {n_annotated}",
        f"- seeded sample of {len(verdicts)} of those rows, judged against the hand annotation: "
        f"**{right} right on all of event, place, date, killed and perpetrator ({right / max(1, len(verdicts)):.0%})**",
        f"- every row of an annotated article, judged the same way, by split: {format_all(report['all'])} "
        "(train and dev were read while building; test never was)",
        f"- rows dated after their article's own date: **{report['after_publication']}**",
        f"- rows placed outside Syria but given a Syrian governorate: **{report['abroad_with_admin1']}**",
        "",
        f"## The ten most-reported incidents: {split_count(report['top'])} split",
        "",
        "Other rows of the same kind in the same district within three days are flagged; each flagged pair",
        f"is judged by hand in `{JUDGEMENTS.relative_to(ROOT)}` (a pair not judged counts as a split).",
        "",
        "| incident | date | kind | articles | flagged rows (place, date: verdict) |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {name} | {day} | {sub} | {n} | {'; '.join(f'{o} {d}: {v}' for o, d, v in twins) or 'none'} |"
              for name, day, sub, n, twins in report["top"]]
    lines += ["", "## The sample", "", "| split | verdict | what is wrong | row |", "|---|---|---|---|"]
    for split, ok, why, r in sorted(verdicts, key=lambda v: (v[0], v[1])):
        shown = "(test split: not shown)" if split == "test" else (
            f"{r['location_name']} {r['event_date']} {r['sub_event_type']} killed={r['killed']} perp={r['perpetrator']}")
        lines.append(f"| {split} | {'right' if ok else 'wrong'} | {why if split != 'test' else ''} | {shown} |")
    (ROOT / "docs" / "audit.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

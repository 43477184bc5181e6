"""Check annotation files against the codebook (docs/codebook.md); exit 1 on any error.

    .venv/bin/python corpus/validate.py corpus/annotations/a1.yaml [...]

Checks: every article file exists in corpus/<split>/; every evidence string (incidents,
also_evidence, tallies, background, aid flows, agreements, violations, negatives) is a
verbatim substring of the article; types, precisions, governorates and actor names are from
the codebook's lists; counts are non-negative integers or null; dates are ISO.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SPLITS = ("train", "dev", "test", "val")

SUB_EVENT_TYPES = {
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Air/drone strike": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Chemical weapon": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Sexual violence": "Violence against civilians",
}
ADMIN1 = {
    "Aleppo", "Idlib", "Hama", "Homs", "Latakia", "Tartus", "Damascus", "Rural Damascus", "Daraa",
    "Quneitra", "As-Suwayda", "Deir ez-Zor", "Raqqa", "Hasakah",
}
ACTORS = {
    "Syrian government forces", "Russia", "Iran", "Iran-backed militias", "Hezbollah", "Turkey",
    "Hayat Tahrir al-Sham", "Al-Qaeda (Hurras al-Din)", "Syrian National Army", "Free Syrian Army",
    "Opposition armed groups", "Islamic State", "Syrian Democratic Forces", "US-led coalition", "Israel",
    "Unidentified armed group",
}
PRECISIONS = {"day", "week", "month", "year"}
TALLY_KINDS = {"article_total", "period", "war", "claim"}
BACKGROUND_WHY = {"past", "abroad"}
AID_KINDS = {
    "delivery", "interruption", "closure", "crossing_status", "crossing_opening", "authorisation",
    "share_of_aid", "dependency", "provider",
}
COUNT_FIELDS = [
    f"{what}{suffix}" for what in ("killed", "injured") for suffix in ("", "_low", "_high", "_children", "_women")
] + ["count_shared_among", "count_as_reported", "violations_low"]
INCIDENT_KEYS = {
    "location", "location_alternatives", "admin1", "geo_precision", "date", "date_precision", "event_type",
    "sub_event_type", "perpetrator", "target", "killed_vague", "injured_vague", "evidence", "also_evidence",
    "source", "note", *COUNT_FIELDS,
}


def article_text(name: str) -> tuple[str | None, str | None]:
    for split in SPLITS:
        path = HERE / split / name
        if path.exists():
            return path.read_text(encoding="utf-8"), split
    return None, None


def _iso(value: Any) -> bool:
    if value is None or isinstance(value, (dt.date, int)):
        return True
    return bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(value)))


def _actors_ok(value: Any, allow_civilians: bool) -> bool:
    if value is None:
        return True
    names = value if isinstance(value, list) else [p.strip() for p in str(value).split(" and ")]
    allowed = ACTORS | ({"Civilians"} if allow_civilians else set())
    return all(n in allowed for n in names)


def check_evidence(errors: list[str], where: str, text: str, evidence: Any) -> None:
    if not evidence or not isinstance(evidence, str):
        errors.append(f"{where}: evidence missing")
    elif evidence not in text:
        errors.append(f"{where}: evidence is not a verbatim substring: {evidence!r}")


def check_incident(errors: list[str], where: str, text: str, inc: dict[str, Any]) -> None:
    unknown = set(inc) - INCIDENT_KEYS
    if unknown:
        errors.append(f"{where}: unknown keys {sorted(unknown)}")
    if not inc.get("location"):
        errors.append(f"{where}: location missing")
    if inc.get("admin1") not in ADMIN1:
        errors.append(f"{where}: admin1 {inc.get('admin1')!r} is not a governorate of the codebook")
    sub = inc.get("sub_event_type")
    if sub not in SUB_EVENT_TYPES:
        errors.append(f"{where}: sub_event_type {sub!r} unknown")
    elif inc.get("event_type") != SUB_EVENT_TYPES[sub]:
        errors.append(f"{where}: event_type should be {SUB_EVENT_TYPES[sub]!r} for {sub!r}")
    if inc.get("geo_precision") not in (1, 2, 3):
        errors.append(f"{where}: geo_precision must be 1, 2 or 3")
    if inc.get("date_precision") not in PRECISIONS:
        errors.append(f"{where}: date_precision must be one of {sorted(PRECISIONS)}")
    if not inc.get("date") or not _iso(inc.get("date")):
        errors.append(f"{where}: date must be an ISO date")
    if not _actors_ok(inc.get("perpetrator"), False):
        errors.append(f"{where}: perpetrator {inc.get('perpetrator')!r} is not from the actor list")
    if not _actors_ok(inc.get("target"), True):
        errors.append(f"{where}: target {inc.get('target')!r} is not from the actor list")
    for key in COUNT_FIELDS:
        v = inc.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            errors.append(f"{where}: {key} must be a non-negative integer or null, not {v!r}")
    check_evidence(errors, where, text, inc.get("evidence"))
    for i, extra in enumerate(inc.get("also_evidence") or []):
        check_evidence(errors, f"{where} also_evidence[{i}]", text, extra)


def check_article(errors: list[str], art: dict[str, Any]) -> str | None:
    name = art.get("file")
    text, split = article_text(str(name))
    where = str(name)
    if text is None:
        errors.append(f"{where}: no such corpus article")
        return None
    for key in ("incidents", "tallies", "background", "aid_flows", "ceasefires", "negatives"):
        if key not in art:
            errors.append(f"{where}: '{key}' missing (write an empty list)")
    if not _iso(art.get("published_date")) or not art.get("published_date"):
        errors.append(f"{where}: published_date must be an ISO date")
    for i, inc in enumerate(art.get("incidents") or []):
        check_incident(errors, f"{where} incident[{i}]", text, inc)
    for i, t in enumerate(art.get("tallies") or []):
        if t.get("kind") not in TALLY_KINDS:
            errors.append(f"{where} tally[{i}]: kind must be one of {sorted(TALLY_KINDS)}")
        check_evidence(errors, f"{where} tally[{i}]", text, t.get("evidence"))
    for i, b in enumerate(art.get("background") or []):
        if b.get("why") not in BACKGROUND_WHY:
            errors.append(f"{where} background[{i}]: why must be one of {sorted(BACKGROUND_WHY)}")
        check_evidence(errors, f"{where} background[{i}]", text, b.get("evidence"))
    for i, a in enumerate(art.get("aid_flows") or []):
        if a.get("kind") not in AID_KINDS:
            errors.append(f"{where} aid_flow[{i}]: kind {a.get('kind')!r} unknown")
        check_evidence(errors, f"{where} aid_flow[{i}]", text, a.get("evidence"))
    cf = art.get("ceasefires") or {}
    if not isinstance(cf, dict):
        errors.append(f"{where}: ceasefires must be a mapping with agreements and violations")
        cf = {}
    for i, a in enumerate(cf.get("agreements") or []):
        check_evidence(errors, f"{where} agreement[{i}]", text, a.get("evidence"))
    for i, v in enumerate(cf.get("violations") or []):
        check_evidence(errors, f"{where} violation[{i}]", text, v.get("evidence"))
        if v.get("kind") not in ("event", "aggregate"):
            errors.append(f"{where} violation[{i}]: kind must be event or aggregate")
        if not _actors_ok(v.get("violators"), False):
            errors.append(f"{where} violation[{i}]: violators {v.get('violators')!r} not from the actor list")
    for i, n in enumerate(art.get("negatives") or []):
        check_evidence(errors, f"{where} negative[{i}]", text, n)
    return split


def validate(path: Path) -> tuple[list[str], int]:
    errors: list[str] = []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    seen: set[str] = set()
    articles = data.get("articles") or []
    for art in articles:
        if art.get("file") in seen:
            errors.append(f"{art.get('file')}: annotated twice in {path.name}")
        seen.add(art.get("file"))
        check_article(errors, art)
    return errors, len(articles)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    bad = 0
    for name in argv:
        errors, n = validate(Path(name))
        for e in errors:
            print(f"{name}: {e}")
        print(f"{name}: {n} articles, {len(errors)} errors")
        bad += len(errors)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

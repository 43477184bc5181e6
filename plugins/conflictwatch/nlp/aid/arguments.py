"""The arguments of an aid statement: crossings, agencies, countries, destinations, quantities."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictwatch.nlp.aid.lexicon import (
    CROSSING_GENERIC_RE,
    FROM_COUNTRY_RE,
    NEIGHBOURS,
    NOT_CROSSING_NAMES,
    AidLexicon,
)
from conflictwatch.nlp.kit.clauses import Segment
from conflictwatch.nlp.kit.mentions import AREA_KINDS, place_name, within
from conflictwatch.nlp.kit.numbers import as_int, exact_counts
from conflictwatch.nlp.kit.spans import ActorMention, PlaceMention, text_of
from conflictwatch.nlp.kit.terms import Hit

_COUNTRY_OF_ADJ = {"Turkish": "Turkey", "Jordanian": "Jordan", "Iraqi": "Iraq"}
_DOC_FROM_RE = re.compile(r"\bfrom\s+(Turkey|Türkiye|Jordan|Iraq)\b|\b(Turkish|Jordanian|Iraqi) border\b")
_UNIT_AFTER = (r"\s+(?:of\s+)?(?:(?:aid|humanitarian|relief|food|UN|U\.N\.|WFP|UNHCR|UNICEF|IOM)\s+){0,2}(?:")
QUANTITY_UNITS = ("trucks", "tonnes", "parcels")  # the units of an aid quantity (`quantity`)
_COUNT_HEADS = ("", "new", "more", "additional", "new border", "border", "more border", "additional border")


@dataclass
class Crossing:
    start: int
    end: int
    text: str
    name: str | None
    location_id: str | None
    from_country: str | None = None
    admin1: str | None = None


def crossings_in(seg: Segment, places: list[PlaceMention], lex: AidLexicon) -> list[Crossing]:
    """The segment's crossings: the gazetteer's, then named "X crossing / border gate" phrases."""
    hits: list[Crossing] = []
    for p in places:
        if p.kind == "crossing" and seg.start_char <= p.start_char < seg.end_char:
            row = lex.crossings.get((p.location_id or "").lower()) or lex.crossings.get(place_name(p).lower()) or {}
            hits.append(Crossing(p.start_char, p.end_char, p.text, row.get("name") or p.name or p.text, p.location_id,
                                 row.get("from_country") or None, p.admin1 or row.get("admin1") or None))
    for m in CROSSING_GENERIC_RE.finditer(seg.text):
        s, e = m.start() + seg.start_char, m.end() + seg.start_char
        if not any(s < h.end and h.start < e for h in hits):
            hit = _generic_crossing(m, s, e, lex)
            if hit is not None:
                hits.append(hit)
    return sorted(hits, key=lambda h: h.start)


def _generic_crossing(m: re.Match, s: int, e: int, lex: AidLexicon) -> Crossing | None:
    name = m.group("name")
    if name and name.split()[0].lower() in NOT_CROSSING_NAMES:
        name = None
    what = m.group("what").lower()
    if not name and not re.match(r"border|crossing point", what) and "border" not in m.group(0).lower():
        return None  # a bare "gate" or "crossings" (people crossing) is not a border crossing
    alias = m.group("alias")
    row = next((lex.crossings[k.lower()] for k in (alias, name) if k and k.lower() in lex.crossings), {})
    return Crossing(s, e, m.group(0), row.get("name") or alias or name, row.get("location_id") or None,
                    row.get("from_country") or None, row.get("admin1") or None)


def agencies_in(seg: Segment, lex: AidLexicon) -> list[Hit]:
    """Agencies acting in the segment; one only quoted as a source ("according to") is not.
    Hyphens read as spaces, so "a UN-Syrian Arab Red Crescent convoy" names two agencies."""
    found = lex.terms.find("agency", seg.text.replace("-", " "), seg.start_char)
    text = text_of(seg.doc)
    return [a for a in found if not lex.terms.first("source_before", text[max(seg.start_char, a.start - 25):a.start])]


def from_country_of(seg: Segment, lex: AidLexicon) -> str | None:
    """"from Turkey", "Turkey's ... gate", "the Turkish border"."""
    m = FROM_COUNTRY_RE.search(seg.text)
    if m:
        c = m.group("c") or m.group("c2")
        return "Turkey" if c == "Türkiye" else c
    for _s, _e, surface, canonical in lex.terms.find("country_adj", seg.text):
        if re.search(surface + r"\s+(?:border|side|territory)", seg.text):
            return canonical
    return None


def document_from_country(text: str) -> str | None:
    """A "from Turkey" / "Turkish border" anywhere in the document: where its crossings lead from."""
    m = _DOC_FROM_RE.search(text)
    if not m:
        return None
    if m.group(1):
        return "Turkey" if m.group(1) == "Türkiye" else m.group(1)
    return _COUNTRY_OF_ADJ[m.group(2)]


def _area_like(p: PlaceMention) -> bool:
    return p.kind in (*AREA_KINDS, "unresolved")


def destination(seg: Segment, places: list[PlaceMention], exclude: list[tuple[int, int]],
                lex: AidLexicon) -> PlaceMention | None:
    """The destination: a place after into/to/reached, else the segment's first area-like place
    (never a neighbouring country, nor a foreign country named as a party: "Russia vetoed")."""
    cands = [p for p in places if seg.start_char <= p.start_char < seg.end_char and _area_like(p)
             and not any(p.start_char < e and s < p.end_char for s, e in exclude)
             and place_name(p) not in NEIGHBOURS and not (p.kind == "country" and place_name(p) != "Syria")]
    for p in cands:
        if lex.terms.first("destination_before", text_of(seg.doc)[max(seg.start_char, p.start_char - 30):p.start_char]):
            return p
    return cands[0] if cands else None


def previous_destination(seg: Segment, places: list[PlaceMention], lex: AidLexicon) -> PlaceMention | None:
    """The last place the previous sentence names after a destination word ("let aid into X")."""
    text = text_of(seg.doc)
    lo = max(0, seg.start_char - 400)
    prev = [p for p in places if lo <= p.start_char < seg.start_char and _area_like(p)
            and not re.search(r"[.!?]\s", text[p.end_char:seg.start_char].rstrip())]
    for p in reversed(prev):
        if lex.terms.first("destination_before", text[max(0, p.start_char - 40):p.start_char]):
            return p
    return None


def opening_subject(seg: Segment, actors: list[ActorMention]) -> list[ActorMention]:
    """"The regime insisted ..., but relented and opened ...": actors in the segment's first third."""
    return within(actors, seg.start_char, seg.start_char + max(1, len(seg.text) // 3))


def quantity(text: str, off: int, lex: AidLexicon) -> tuple[int | float, str, int, int] | None:
    """The first "N trucks / tonnes / parcels (of aid)", read through agency names ("14 UN trucks")."""
    for n in exact_counts(text, off):
        rest = text[n.end - off:]
        for term in lex.terms["unit"]:
            m = re.match(_UNIT_AFTER + term.regex.pattern + r")", rest, term.regex.flags)
            if m and term.canonical in QUANTITY_UNITS:
                return as_int(n.value), term.canonical, n.start, n.end + m.end()
    return None


def count_before(text: str, pos: int, floor: int) -> int | None:
    """"opened two new border crossings": the count right before the crossing noun."""
    window = text[max(floor, pos - 40):pos]
    counts = exact_counts(window)
    if counts and window[counts[-1].end:].strip().lower() in _COUNT_HEADS:
        return int(counts[-1].value)
    return None


def negated(text: str, pos: int, lex: AidLexicon) -> bool:
    return bool(lex.terms.first("negation", text[max(0, pos - 30):pos]))


def cause_of(text: str, lex: AidLexicon) -> str | None:
    m = lex.terms.first("cause", text)
    return m.group(0).strip() if m else None



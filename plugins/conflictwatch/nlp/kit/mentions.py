"""The mentions other components found, read the way the record components need them.

Places, actors and dates come from `cw_places`, `cw_actors`, `cw_dates`; when a component did
not run (the extension is None, as in tests on blank pipelines) a small fallback stands in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from spacy.tokens import Doc

from conflictwatch.nlp.kit.spans import ActorMention, PlaceMention, text_of
from conflictwatch.nlp.kit.terms import Term, find_terms

# "northwest Syria", "rebel-held Syria": a region the gazetteer does not list
AREA_RE = re.compile(
    r"\b(?:(?:north|south|east|west)(?:[- ]?(?:west|east))?(?:ern)?|rebel-held|opposition-held)\s+Syria\b", re.IGNORECASE
)
AREA_KINDS = ("admin1", "admin2", "region", "country", "community", "admin3")


def within(mentions: Iterable, start: int, end: int) -> list:
    """The mentions lying wholly inside [start, end)."""
    return [m for m in mentions if start <= m.start_char and m.end_char <= end]


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def unique(names: Iterable[str | None]) -> list[str]:
    """The names in order, each once, empty ones left out."""
    out: list[str] = []
    for n in names:
        if n and n not in out:
            out.append(n)
    return out


def doc_places(doc: Doc) -> list[PlaceMention]:
    """cw_places, plus region phrases ("northwest Syria") and, when no places component ran,
    spaCy's GPE/LOC entities."""
    places = list(doc._.cw_places or [])
    extra = [PlaceMention(m.start(), m.end(), m.group(0), "region") for m in AREA_RE.finditer(text_of(doc))]
    if doc._.cw_places is None:
        extra += [PlaceMention(e.start_char, e.end_char, e.text, "unresolved") for e in doc.ents if e.label_ in ("GPE", "LOC")]
    for p in extra:
        if not any(overlaps(p.start_char, p.end_char, q.start_char, q.end_char) for q in places):
            places.append(p)
    return sorted(places, key=lambda p: p.start_char)


def place_name(p: PlaceMention) -> str:
    """The gazetteer's name (else the mention) without a generic head ("Idlib region" -> "Idlib")
    or a disambiguating parenthesis ("Duma (Duma)" -> "Duma"; the location_id stays precise)."""
    name = re.sub(r"\s*\([^()]*\)$", "", p.name or p.text) or (p.name or p.text)
    return re.sub(r"\s+(?:region|province|governorate|countryside|city|area|enclave)$", "", name, flags=re.I)


def doc_actors(doc: Doc, party_terms: Iterable[Term]) -> list[ActorMention]:
    """cw_actors, plus what a party lexicon adds where they found nothing (metonyms such as
    "Moscow", adjectives such as "Russian warplanes"). Read once per document and lexicon (the aid
    and ceasefire components read the same party list): a new list each call."""
    cache = doc.user_data.setdefault("cw_doc_actors", {})
    key = (id(party_terms), len(doc._.cw_actors or ()))
    hit = cache.get(key)
    if hit is None or hit[0] is not party_terms or hit[1] is not doc._.cw_actors:
        hit = cache[key] = (party_terms, doc._.cw_actors, _doc_actors(doc, party_terms))
    return list(hit[2])


def _doc_actors(doc: Doc, party_terms: Iterable[Term]) -> list[ActorMention]:
    found = list(doc._.cw_actors or [])
    for s, e, surface, canonical in find_terms(party_terms, text_of(doc)):
        if any(overlaps(s, e, a.start_char, a.end_char) for a in found):
            continue
        found.append(ActorMention(s, e, surface, "lexicon:" + canonical.lower().replace(" ", "-"), canonical, "party"))
    return sorted(found, key=lambda a: a.start_char)


def report_date(doc: Doc) -> dt.date | None:
    """The day the report was filed, which relative dates count from: its dateline (the document
    model's), else the manifest's publication date (doc._.cw_meta), else None."""
    model = doc._.cw_document if Doc.has_extension("cw_document") else None
    if model is not None and model.reference_date is not None:
        return model.reference_date
    meta = (doc._.cw_meta if Doc.has_extension("cw_meta") else None) or {}
    value = meta.get("published_date")
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return value if isinstance(value, dt.date) else None

"""The aid component's reference data: include/reference/aid_terms.csv (cue lists by category,
plus the `party` list of ceasefire_terms.csv for actors) and crossings.csv."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conflictwatch.nlp.kit.terms import Lexicon, reference_path

# "the Bab al-Hawa crossing", "Nasib border crossing", "the Ramtha border gate (Al-Yarubiyah)": a
# named crossing the gazetteer may not know. Structural (capitalised words before a crossing noun).
_NAME_WORD = r"(?:[A-Z]|(?:al|el|ad|as|ar|ash|at|az|an|ed|es|ul)-[A-Z])[\w'’ıİğüşöçÇĞÜŞÖ-]*"
CROSSING_GENERIC_RE = re.compile(
    r"\b(?:(?P<name>(?:" + _NAME_WORD + r"\s+|(?:al|el|bin|ibn|de)\s+){0,3}?" + _NAME_WORD + r")\s+)?"
    r"(?:border\s+)?(?P<what>crossings?|border gates?|gates?|border points?|crossing points?)\b"
    r"(?:\s*\((?P<alias>[^)]{2,40})\))?"
)
NOT_CROSSING_NAMES = frozenset({"the", "a", "new", "two", "three", "border", "this", "that", "key", "main", "un", "u.n.",
                                "turkish", "syrian"})
FROM_COUNTRY_RE = re.compile(r"\bfrom\s+(?P<c>Turkey|Türkiye|Jordan|Iraq|Lebanon)\b|\b(?P<c2>Turkey|Türkiye|Jordan|Iraq|Lebanon)(?:'s|’s)\b")
NEIGHBOURS = ("Turkey", "Türkiye", "Jordan", "Iraq", "Lebanon", "Hatay")


@dataclass(frozen=True)
class AidLexicon:
    terms: Lexicon
    crossings: dict[str, dict]  # crossings.csv rows by lower-cased location_id, name and Turkish name
    compact: re.Pattern  # a compact delivery clause (see compact_pattern)


def compact_pattern(terms: Lexicon) -> re.Pattern:
    """GIVER? VERB (QUANTITY UNIT of)? ADJECTIVE? AID (to PLACE)?, from the term lists: "Russia
    brings 2.5 tons of humanitarian aid to Hama", "the UN managed to dispatch limited aid to Houla"."""
    def alt(category: str) -> str:
        return "|".join(t.regex.pattern for t in terms[category])

    return re.compile(
        r"\b(?P<verb>" + alt("send_verb") + r")\s+"
        r"(?:(?P<qty>(?:(?:more than|over|at least|some|about|around|nearly|almost)\s+)?[\w.,]+(?:\s+(?:million|thousand))?)"
        r"\s+(?P<unit>tonnes|tons|trucks?|truckloads|lorries|parcels|food baskets)\s+of\s+)?"
        r"(?:(?:" + alt("aid_adjective") + r")\s+)?"
        r"(?P<aid>" + alt("aid_good") + r")"
        r"(?:\s+(?:to|into)\s+(?P<dest>(?:(?:Syria(?:s|'s|’s)?|Syrian|the|besieged|rebel-held|opposition-held|northern|southern"
        r"|eastern|western|northwestern|northeastern|central)\s+){0,3}[A-Z][\w'’-]*))?",
        re.IGNORECASE,
    )


@lru_cache(maxsize=4)
def load_crossings(path: str) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    p = Path(path)
    if not p.exists():
        return rows
    with p.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for key in (row.get("location_id"), row.get("name"), row.get("turkish_name")):
                if key:
                    rows[key.lower()] = row
    return rows


def load_lexicon(configured_dir: str | None = None) -> AidLexicon:
    terms = Lexicon.from_reference("aid_terms.csv", configured_dir, borrow={"party": "ceasefire_terms.csv"})
    crossings = load_crossings(str(reference_path("crossings.csv", configured_dir)))
    return AidLexicon(terms, crossings, compact_pattern(terms))

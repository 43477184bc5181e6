"""conflictwatch_aid_v1: aid-flow frames (crossings, authorisations, shares, deliveries).

One frame per aid-flow statement, at most one per sentence: the most specific kind the
sentence supports wins (see docs/aid_and_ceasefires.md for the rules and where the line
between an aid flow and generic humanitarian-need prose is drawn).

This module also holds the small helpers the ceasefire component shares (numbers,
durations, dates and actors when the components that own them have not run, clause spans):
they live here so that neither component imports a stage it does not own.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from conflictwatch.nlp.context import title_line
from conflictwatch.nlp.kit import numbers as shared_numbers
from conflictwatch.nlp.kit.spans import ActorMention, DateMention, PlaceMention, get_list
from conflictwatch.records import Frame

# ---------------------------------------------------------------------------------------
# Reference terms (include/reference/*_terms.csv)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    category: str
    regex: re.Pattern
    canonical: str


def reference_dir(configured: str | None = None) -> Path:
    if configured:
        return Path(configured)
    from conflictwatch.config import get_settings

    return get_settings().reference_dir


@lru_cache(maxsize=8)
def load_terms(path: str) -> dict[str, list[Term]]:
    terms: dict[str, list[Term]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not {"category", "pattern", "canonical"} <= set(reader.fieldnames or []):
            raise ValueError(f"{path}: not a terms CSV (header must have category, pattern, canonical)")
        for row in reader:
            flags = 0 if (row.get("case_sensitive") or "n").strip().lower() == "y" else re.IGNORECASE
            regex = re.compile(r"(?<![\w-])(?:" + row["pattern"] + r")(?![\w])", flags)
            terms.setdefault(row["category"], []).append(Term(row["category"], regex, row.get("canonical") or ""))
    return terms


def find_terms(terms: list[Term], text: str, offset: int = 0) -> list[tuple[int, int, str, str]]:
    """Non-overlapping (start, end, surface, canonical) matches, longest first on overlap."""
    found = []
    for term in terms:
        for m in term.regex.finditer(text):
            if m.end() > m.start():
                found.append((m.start() + offset, m.end() + offset, m.group(0), term.canonical))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str, str]] = []
    for f in found:
        if not kept or f[0] >= kept[-1][1]:
            kept.append(f)
    return kept


def any_term(terms: list[Term], text: str) -> re.Match | None:
    best = None
    for term in terms:
        m = term.regex.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


# ---------------------------------------------------------------------------------------
# Numbers: a thin adapter over the shared parser (conflictwatch.nlp.kit.numbers); _WORDNUM is
# kept only as a regex piece for patterns that need a number word ("at least 300 times").
# ---------------------------------------------------------------------------------------

_WORDNUM = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|a dozen|dozen|a hundred|hundred"
_DECIMAL = re.compile(r"(\d+\.\d+)(?:\s+(million|thousand|hundred|billion))?", re.IGNORECASE)


@dataclass
class Num:
    start: int
    end: int
    text: str
    value: float
    qualifier: str | None

    @property
    def low(self) -> int | None:
        """The lower bound when the text states one ("at least 800", "more than 20")."""
        return int(self.value) if self.qualifier in shared_numbers.LOWER else None


def word_value(word: str) -> float | None:
    """'twelve' -> 12, 'twenty-one' -> 21, '1,600' -> 1600, '2.5' -> 2.5."""
    w = word.strip()
    m = _DECIMAL.fullmatch(w)
    if m:
        return float(m.group(1)) * (shared_numbers.SCALES[m.group(2).lower()] if m.group(2) else 1)
    v = shared_numbers.words_to_int(w)
    return float(v) if v is not None else None


def find_numbers(text: str, offset: int = 0) -> list[Num]:
    """Exact counts in `text` from the shared parser (vague words such as "dozens" are left
    out: no quantity or count here is built on them). Decimals keep their fraction."""
    out = []
    for n in shared_numbers.find_numbers(text):
        if n.vague or n.value is None:
            continue
        value: float = n.value
        dec = _DECIMAL.search(n.text)
        if dec:
            value = word_value(dec.group(0)) or value
        qual = n.qualifier if n.qualifier != "range" else None
        out.append(Num(n.start_char + offset, n.end_char + offset, n.text, value, qual))
    return out


def as_int(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


# "for three months", "for the next 12 months", "for an initial six months", "six-month"
DURATION_RE = re.compile(
    r"(?:for|over|during|within|in)\s+(?:the\s+|an?\s+)?(?:next\s+|first\s+|past\s+|last\s+|another\s+|initial\s+|further\s+|additional\s+|coming\s+)*"
    r"(?P<n>\d+(?:\.\d+)?|" + _WORDNUM + r")\s+(?P<unit>days?|weeks?|months?|years?)\b"
    r"|(?P<n2>\d+|" + _WORDNUM + r")-(?P<unit2>day|week|month|year)\b",
    re.IGNORECASE,
)


def duration_days(n: float, unit: str) -> int:
    unit = unit.lower().rstrip("s")
    if unit == "day":
        return round(n)
    if unit == "week":
        return round(n * 7)
    if unit == "month":
        return 365 if n == 12 else round(n * 30)
    return round(n * 365)


def find_duration(text: str, offset: int = 0) -> dict | None:
    for m in DURATION_RE.finditer(text):
        n_text, unit = (m.group("n"), m.group("unit")) if m.group("n") else (m.group("n2"), m.group("unit2"))
        n = word_value(n_text)
        if n is None:
            continue
        result = {
            "duration_days": duration_days(n, unit),
            "duration_text": m.group(0),
            "start": m.start() + offset,
            "end": m.end() + offset,
        }
        if unit.lower().startswith("month"):
            result["duration_months"] = as_int(n)
        return result
    return None


PERCENT_RE = re.compile(
    r"(?:(?P<qual>nearly|almost|around|about|some|over|more than|at least|just|only|roughly)\s+)?"
    r"(?P<n>\d+(?:\.\d+)?|" + _WORDNUM + r")\s*(?:%|per\s?cent|percent)",
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------
# Dates (fallback when conflictwatch_dates_v1 has not run: doc._.cw_dates is None)
# ---------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7}
_M = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_DATE_RES = [
    ("absolute", re.compile(_M + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b")),
    ("absolute", re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _M + r",?\s+(?P<year>(?:19|20)\d\d)\b")),
    ("month", re.compile(r"(?:(?:early|mid|late|end of|the end of)[\s-]+)?" + _M + r"(?:\s+of)?,?\s+(?P<year>(?:19|20)\d\d)\b")),
    ("month_day", re.compile(_M + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b")),
    ("month_day", re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _M + r"(?!\w)")),
    ("weekday", re.compile(r"(?:(?:early|late)\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:morning|night|evening|afternoon))?")),
    ("relative", re.compile(r"\b(?P<rel>today|yesterday|last night|tonight)\b", re.IGNORECASE)),
    ("year", re.compile(r"(?<![\w,.-])(?P<year>(?:19|20)\d\d)(?![\w-])")),
]


def fallback_dates(text: str) -> list[DateMention]:
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for kind, regex in _DATE_RES:
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            g = m.groupdict()
            month = _MONTHS[g["month"].lower().rstrip(".")] if g.get("month") else None
            if kind == "month_day" and g["month"] == "May" and not re.match(r"May\s+\d", m.group(0)):
                pass
            mention = DateMention(m.start(), m.end(), m.group(0), kind)
            mention.year = int(g["year"]) if g.get("year") else None
            mention.month = month
            mention.day = int(g["day"]) if g.get("day") else None
            if kind == "weekday":
                mention.weekday = _WEEKDAYS[g["weekday"].lower()]
            if kind == "relative":
                mention.offset_days = 0 if g["rel"].lower() in ("today", "tonight") else -1
            mention.precision = {"month": "month", "year": "year"}.get(kind, "day")
            taken.append((m.start(), m.end()))
            out.append(mention)
    return sorted(out, key=lambda d: d.start_char)


# A month named without a year ("in February", "a February ceasefire", "since late March"):
# kind "month" with no year; dbt takes the publication's year (minus one if that is later).
# "May" only after a preposition, so that the modal verb is never a date.
BARE_MONTH = re.compile(
    r"\b(?P<cue>in|since|until|till|from|by|of|before|after|during|early|late|mid|end of|a|an|the|last|this)[\s-]+"
    r"(?:(?:early|late|mid)[\s-]+)?"
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)(?![\w-])"
    r"(?!\s+\d)",
)
# Datelines ("Date of publication 16 September 2016", "Published April 24 2017", "Last updated
# at ..."): the publication date, never the date of a statement in the text.
DATELINE = re.compile(r"\b(?:date of publication|published(?: on)?|last updated(?: at| on)?|updated(?: at| on)?|posted(?: on)?)\s*:?\s*(?:\w+\s+){0,1}$", re.IGNORECASE)


def doc_dates(doc: Doc) -> list[DateMention]:
    """The document's date mentions (cw_dates, else the fallback regexes), without datelines,
    plus bare month names the date component leaves out."""
    found = fallback_dates(doc.text) if doc._.cw_dates is None else list(doc._.cw_dates)
    text = doc.text
    found = [d for d in found if not DATELINE.search(text[max(0, d.start_char - 40):d.start_char])]
    for m in BARE_MONTH.finditer(text):
        s, e = m.start("month"), m.end("month")
        if m.group("month") == "May" and m.group("cue").lower() in ("a", "an", "the", "this"):
            continue
        if any(s < d.end_char and d.start_char < e for d in found):
            continue
        found.append(DateMention(s, e, m.group("month"), "month", None, _MONTHS[m.group("month").lower()],
                                 precision="month"))
    return sorted(found, key=lambda d: d.start_char)


def dates_in(dates: list[DateMention], start: int, end: int) -> list[DateMention]:
    return [d for d in dates if start <= d.start_char and d.end_char <= end]


def set_date(frame: Frame, d: DateMention | None) -> None:
    if d is None:
        return
    frame.date_text = d.text
    frame.date_kind = d.kind
    frame.date_year, frame.date_month, frame.date_day = d.year, d.month, d.day
    frame.date_weekday, frame.date_offset_days = d.weekday, d.offset_days


def date_parts(d: DateMention | None) -> dict | None:
    if d is None:
        return None
    parts = {"kind": d.kind, "year": d.year, "month": d.month, "day": d.day, "weekday": d.weekday,
             "offset_days": d.offset_days, "text": d.text}
    return {k: v for k, v in parts.items() if v is not None}


# ---------------------------------------------------------------------------------------
# Actors: cw_actors first, then the parties lexicon for what they miss (metonyms, adjectives)
# ---------------------------------------------------------------------------------------


def doc_actors(doc: Doc, party_terms: list[Term]) -> list[ActorMention]:
    found = list(doc._.cw_actors or [])
    for s, e, surface, canonical in find_terms(party_terms, doc.text):
        if any(s < a.end_char and a.start_char < e for a in found):
            continue
        found.append(ActorMention(s, e, surface, "lexicon:" + canonical.lower().replace(" ", "-"), canonical, "party"))
    return sorted(found, key=lambda a: a.start_char)


def actors_in(actors: list[ActorMention], start: int, end: int) -> list[ActorMention]:
    return [a for a in actors if start <= a.start_char and a.end_char <= end]


def unique(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        if n and n not in out:
            out.append(n)
    return out


# ---------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------

AREA_RE = re.compile(
    r"\b(?:(?:north|south|east|west)(?:[- ]?(?:west|east))?(?:ern)?|rebel-held|opposition-held)\s+Syria\b", re.IGNORECASE
)
_AREA_KINDS = ("admin1", "admin2", "region", "country", "community", "admin3")


def doc_places(doc: Doc) -> list[PlaceMention]:
    """cw_places, plus region phrases ("northwest Syria") and NER places the gazetteer missed."""
    places = list(doc._.cw_places or [])
    extra: list[PlaceMention] = []
    for m in AREA_RE.finditer(doc.text):
        extra.append(PlaceMention(m.start(), m.end(), m.group(0), "region"))
    if doc._.cw_places is None:
        for ent in doc.ents:
            if ent.label_ in ("GPE", "LOC"):
                extra.append(PlaceMention(ent.start_char, ent.end_char, ent.text, "unresolved"))
    for p in extra:
        if not any(p.start_char < q.end_char and q.start_char < p.end_char for q in places):
            places.append(p)
    return sorted(places, key=lambda p: p.start_char)


def place_name(p: PlaceMention) -> str:
    """The gazetteer's name (else the mention) without a generic head ("Idlib region" -> "Idlib")
    or a disambiguating parenthesis ("Duma (Duma)" -> "Duma"; the location_id stays precise)."""
    name = re.sub(r"\s*\([^()]*\)$", "", p.name or p.text) or (p.name or p.text)
    return re.sub(r"\s+(?:region|province|governorate|countryside|city|area|enclave)$", "", name, flags=re.I)


# ---------------------------------------------------------------------------------------
# Sentences: spaCy's, cut again at line breaks (headlines, captions and paragraphs never
# share a statement with the next line)
# ---------------------------------------------------------------------------------------


@dataclass
class Segment:
    doc: Doc
    start_char: int
    end_char: int

    @property
    def text(self) -> str:
        return self.doc.text[self.start_char:self.end_char]


def sentences(doc: Doc) -> list[Segment]:
    out: list[Segment] = []
    for sent in doc.sents:
        start = sent.start_char
        for m in re.finditer(r"[^\n]+", sent.text):
            piece = m.group(0)
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append(Segment(doc, start + m.start() + lead, start + m.start() + len(piece.rstrip())))
    return out


# ---------------------------------------------------------------------------------------
# Evidence: the smallest run of clauses (split at commas, semicolons, dashes) holding the statement
# ---------------------------------------------------------------------------------------

_CLAUSE_SPLIT = re.compile(r",\s+|;\s+|\s+[–—]\s+|:\s+")


def clause_span(doc: Doc, sent: Span, required: list[tuple[int, int]]) -> tuple[int, int]:
    text = sent.text
    bounds = [0]
    for m in _CLAUSE_SPLIT.finditer(text):
        bounds.append(m.start())
        bounds.append(m.end())
    bounds.append(len(text.rstrip().rstrip(".").rstrip()))
    segs = [(bounds[i] + sent.start_char, bounds[i + 1] + sent.start_char) for i in range(0, len(bounds) - 1, 2)]
    segs = [s for s in segs if s[1] > s[0]] or [(sent.start_char, sent.end_char)]
    req = [r for r in required if r and r[0] is not None]
    if not req:
        return sent.start_char, segs[-1][1]
    lo = min(r[0] for r in req)
    hi = max(r[1] for r in req)
    start = max([s for s, _ in segs if s <= lo], default=segs[0][0])
    end = min([e for _, e in segs if e >= hi], default=segs[-1][1])
    while start < end and doc.text[start].isspace():
        start += 1
    # never cut inside a parenthesis or quotation the statement opened
    chunk = doc.text[start:end]
    if chunk.count("(") > chunk.count(")"):
        close = doc.text.find(")", end, sent.end_char)
        if close != -1:
            end = close + 1
    return start, end


def make_frame(doc: Doc, sent: Span, frame_type: str, trigger: re.Match | tuple[int, int, str],
               required: list[tuple[int, int]], attrs: dict) -> Frame:
    t_start, t_end, t_text = (trigger.start(), trigger.end(), trigger.group(0)) if isinstance(trigger, re.Match) else trigger
    start, end = clause_span(doc, sent, [(t_start, t_end), *required])
    return Frame(
        document_id="",
        frame_type=frame_type,
        frame_index=0,
        sentence_index=0,
        evidence_text=doc.text[start:end],
        evidence_start_char=start,
        evidence_end_char=end,
        trigger=t_text,
        attrs={k: v for k, v in attrs.items() if v not in (None, [], {})},
    )


def shift(m: re.Match, offset: int) -> tuple[int, int, str]:
    return (m.start() + offset, m.end() + offset, m.group(0))


# ---------------------------------------------------------------------------------------
# Aid flows
# ---------------------------------------------------------------------------------------

CROSSING_GENERIC = re.compile(
    r"\b(?:(?P<name>(?:(?:[A-Z]|(?:al|el|ad|as|ar|ash|at|az|an|ed|es|ul)-[A-Z])[\w'’ıİğüşöçÇĞÜŞÖ-]*\s+|(?:al|el|bin|ibn|de)\s+){0,3}?(?:[A-Z]|(?:al|el|ad|as|ar|ash|at|az|an|ed|es|ul)-[A-Z])[\w'’ıİğüşöçÇĞÜŞÖ-]*)\s+)?"
    r"(?:border\s+)?(?P<what>crossings?|border gates?|gates?|border points?|crossing points?)\b"
    r"(?:\s*\((?P<alias>[^)]{2,40})\))?"
)
_NOT_CROSSING_NAMES = {"the", "a", "new", "two", "three", "border", "this", "that", "key", "main", "un", "u.n.", "turkish", "syrian"}

NEGATION = re.compile(r"\b(?:not|no|never|n't|without|neither|nor|failed to|unable to|not able to)\b", re.IGNORECASE)
STATUS_INTERRUPT = re.compile(r"\b(?:interrupt(?:ed|ion|s)?|disrupt(?:ed|ion|s)?|halt(?:ed|s)?|suspend(?:ed|s)?|suspension|stopp?(?:ed|s)?|block(?:ed|s)?|cut off|paused?)\b", re.IGNORECASE)
STATUS_CLOSED = re.compile(r"\b(?:clos(?:ed|es|ing|ure)|shut(?:\s+down)?|sealed)\b", re.IGNORECASE)
STATUS_OPEN = re.compile(r"\b(?:remain(?:s|ed)? open|(?:is|was|are|were|stays?|stayed) open|operat(?:ing|ional|ed|es)|continu(?:ed|ing|al|ous|es)|flow(?:ed|ing|s)?|passage|function(?:ing|ed)|running)\b", re.IGNORECASE)
OPENING = re.compile(r"\b(?:(?:re)?opened|(?:agreed|decided|moved|voted|allowed|began) to (?:re)?open|will (?:re)?open|(?:re)?opens)\b", re.IGNORECASE)
NOT_REACHED = re.compile(
    r"\bno\s+(?:[\w.]+\s+){0,3}?(?:aid|assistance|relief|convoys?|trucks?|deliveries|supplies)\s+(?:\w+\s+)?(?:reached|entered|crossed|arrived|got through|came|went)\b"
    # "humanitarian aid has not reached the district in weeks", "aid convoys have been unable to enter"
    r"|\b(?:aid|assistance|relief|convoys?|deliveries|supplies)\s+(?:has|have|had)\s+(?:not|never|been\s+unable\s+to|been\s+prevented\s+from)\s+"
    r"(?:(?:been\s+able\s+to|yet|since)\s+)?(?:reach(?:ed)?|enter(?:ed)?|arriv(?:ed|e)|got\s+through|cross(?:ed)?|been\s+(?:delivered|allowed))\b",
    re.IGNORECASE,
)
# A compact delivery clause: ACTOR? VERB (QUANTITY UNIT of)? (adjectives) AID (to PLACE)?
# ("Russia brings 2.5 tons of humanitarian aid to Hama", "the UN managed to dispatch limited
# aid to Houla"). Several such clauses in one run-on sentence (lost punctuation, strings of
# headlines) each give a frame.
COMPACT_DELIVERY = re.compile(
    r"\b(?P<verb>deliver(?:s|ed|ing)?|brings?|brought|sen[dt]s?|dispatch(?:es|ed)?|distribut(?:es|ed)|ship(?:s|ped)|airdrop(?:s|ped)|air-?dropp?(?:s|ed))\s+"
    r"(?:(?P<qty>(?:(?:more than|over|at least|some|about|around|nearly|almost)\s+)?[\w.,]+(?:\s+(?:million|thousand))?)\s+(?P<unit>tonnes|tons|trucks?|truckloads|lorries|parcels|food baskets)\s+of\s+)?"
    r"(?:(?:limited|more|new|further|urgent|vital|much-needed|badly[- ]needed|desperately[- ]needed|emergency|life-saving|lifesaving)\s+)?"
    r"(?P<aid>(?:humanitarian\s+|relief\s+|food\s+|medical\s+)?(?:aid|assistance|relief|supplies|medicines?))\b"
    r"(?:\s+(?:to|into)\s+(?P<dest>(?:(?:Syria(?:s|'s|’s)?|Syrian|the|besieged|rebel-held|opposition-held|northern|southern|eastern|western|northwestern|northeastern|central)\s+){0,3}[A-Z][\w'’-]*))?",
    re.IGNORECASE,
)
PURPOSE_BEFORE = re.compile(r"\b(?:to|will|would|could|can|may|might|plans? to|planning to|ready to|aims? to|pledged to|promised to)\s+(?:\w+\s+)?$", re.IGNORECASE)
SUCCESS_BEFORE = re.compile(r"\b(?:managed|able|began|started|continued|continues|was allowed|were allowed)\s+to\s+$", re.IGNORECASE)
AUTH_VERB = re.compile(r"\b(?:authori[sz](?:ed|es|ing|ation)|extend(?:ed|s|ing)?|extension|renew(?:ed|s|al|ing)?|re-?authori[sz]\w*|mandate|approv(?:ed|es|al|ing)|adopt(?:ed|s|ing))\b", re.IGNORECASE)
CONSENT = re.compile(r"\b(?:agreed\s+to\s+(?:allow|let|keep|extend|authori[sz]e)|allow(?:ed|s)|permit(?:ted|s)|"
                     r"consent(?:ed|s)?\s+to|gave\s+(?:its\s+)?(?:consent|approval|permission|green\s+light))\b", re.IGNORECASE)
SYRIAN_GOVERNMENT = re.compile(r"\b(?:Damascus|(?:the\s+)?Syrian\s+(?:government|authorities|regime)|(?:the\s+)?(?:Assad\s+)?regime|"
                               r"President\s+(?:Bashar\s+(?:al-)?)?Assad)\b(?:\s+\w+){0,3}\s*$", re.IGNORECASE)
_VETO = r"veto(?:ed|es|ing)?"
VETO = re.compile(rf"\b{_VETO}\b", re.IGNORECASE)
NOT_RENEWED = re.compile(rf"\b(?:{_VETO}|refus(?:ed|es|ing)\s+to|block(?:ed|s|ing)|reject(?:ed|s|ing))\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){{0,2}}$", re.IGNORECASE)
RESOLUTION = re.compile(r"\bresolution\s+(?P<num>\d{3,4})\b", re.IGNORECASE)
CROSS_BORDER = re.compile(r"\bcross-?\s?border\b", re.IGNORECASE)
SHARE_OF_AID = re.compile(r"\bof\s+(?:all\s+|the\s+(?:total\s+)?)?(?:[\w-]+\s+){0,2}?(?:aid|assistance|relief|deliveries|supplies)\b", re.IGNORECASE)
DEPENDS = re.compile(r"\b(?:depend(?:s|ed|ing|ent)?|rel(?:y|ies|ied|iant)|reliant)\s+(?:\w+\s+){0,2}?on\s+(?:\w+\s+){0,2}?(?:aid|assistance|relief)\b", re.IGNORECASE)
PROVIDER = re.compile(
    r"\b(?:(?:primary|main|major|largest|biggest|principal|sole|only|key)\s+(?:source|provider|supplier|donor|channel)s?\s+of\s+(?:\w+\s+)?(?:aid|assistance|relief)"
    r"|provid(?:es|ed|ing)\s+(?:most|the (?:bulk|majority))\s+of\s+(?:the\s+)?(?:\w+\s+)?(?:aid|assistance|relief))\b",
    re.IGNORECASE,
)
DELIVERY_VERB = re.compile(r"\b(?:deliver(?:ed|s|ing)?|cross(?:ed|es|ing)?|enter(?:ed|s|ing)?|arriv(?:ed|es|e|ing)|reach(?:ed|es|ing)?|brought|sent|dispatched|distributed|carrying|carried|loaded with)\b", re.IGNORECASE)
AID_CONTEXT = re.compile(r"\b(?:aid|humanitarian|relief|food|medical|medicine|supplies|shelter|tents|blankets|flour|wheat)\b", re.IGNORECASE)
CONVOY = re.compile(r"\b(?:aid|humanitarian|relief|UN|U\.N\.)\s+(?:aid\s+)?convoys?\b|\bconvoys?\s+of\s+(?:\d[\d,]*|\w+)\s+(?:aid\s+|humanitarian\s+|relief\s+)?(?:trucks|lorries|vehicles)\b", re.IGNORECASE)
FROM_COUNTRY = re.compile(r"\bfrom\s+(?P<c>Turkey|Türkiye|Jordan|Iraq|Lebanon)\b|\b(?P<c2>Turkey|Türkiye|Jordan|Iraq|Lebanon)(?:'s|’s)\b")
# a destination: "into X", "reached X", "entered the town of X", "in the besieged city of X"
TO_AREA_PREP = re.compile(
    r"\b(?:into|to|reach(?:ed|ing|es)?|enter(?:ed|ing|s)?|in|for)\s+"
    r"(?:(?:the|besieged|rebel-held|opposition-held|government-held|regime-held)\s+){0,2}"
    r"(?:(?:towns?|city|cities|villages?|district|area|neighbou?rhood|suburb|region|province)\s+of\s+)?$",
    re.IGNORECASE,
)
# Aid kept out or stopped by someone: "UN agencies have been barred from entering X", "the UN
# decided to suspend all aid convoys in X" (needs an aid word or an agency in the sentence)
BLOCKED = re.compile(
    r"\b(?:barred|banned|blocked|prevented|stopped|kept|denied\s+access)\s+from\s+(?:entering|reaching|accessing|delivering\s+to|getting\s+into)\b"
    r"|\bsuspen(?:d|ds|ded|ding|sion\s+of)\s+(?:all\s+|its\s+|their\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:aid|humanitarian|relief)(?:\s+(?:convoys?|deliveries|operations|shipments|distributions?|work))?\b",
    re.IGNORECASE,
)
# A delivery whose carrier is named: "trucks carrying assistance ... entered X", "lorries loaded
# with food reached X"
CARRIER = re.compile(
    r"\b(?:trucks|lorries|vehicles|convoys?)\s+(?:carrying|loaded\s+with|laden\s+with|filled\s+with)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:aid|assistance|relief|supplies|food|medicines?|medical\s+supplies|flour|wheat)\b",
    re.IGNORECASE,
)
DECIDED_BEFORE = re.compile(r"\b(?:decided|voted|moved|was forced|were forced|had)\s+to\s+$", re.IGNORECASE)
ARRIVED = re.compile(r"\b(?:entered|reached|arrived(?:\s+in|\s+at)?|crossed\s+into|got\s+into|made\s+it\s+(?:in)?to)\b", re.IGNORECASE)
# Aid being unloaded has arrived, even when the convoy is then attacked: "struck the convoy as
# trucks unloaded aid in X", "volunteers were unloading trucks carrying humanitarian aid"
UNLOADED = re.compile(
    r"\b(?:unload(?:ed|ing|s)?|offload(?:ed|ing|s)?)\s+(?:[\w-]+\s+){0,5}?(?:aid|assistance|relief|supplies)\b",
    re.IGNORECASE,
)
SINCE = re.compile(r"\bsince\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,3}?(?=[,.;]|\s+(?:according|said|when)|$)", re.IGNORECASE)
ATTACKED = re.compile(r"\b(?:hit|struck|targeted|attack(?:ed)?|bomb(?:ed|ing)?|air ?strikes?|airstrikes?|shelled|destroy(?:ed|ing)|ambush(?:ed)?)\b", re.IGNORECASE)
STUCK = re.compile(r"\b(?:stuck|awaiting|waiting for|held up|denied|prevented|not allowed|blocked|unable|not able|failed to|turned back)\b", re.IGNORECASE)
SOURCE_CUE = re.compile(r"\b(?:according to|said|told|quoted by|cited by|reported by)\s+(?:the\s+|a\s+)?(?:\w+\s+)?$", re.IGNORECASE)
CAUSE = re.compile(r"\b(?:due to|because of|because|owing to|as a result of|after)\s+[^,.;]+", re.IGNORECASE)


@lru_cache(maxsize=4)
def load_crossings(path: str) -> dict[str, dict]:
    """crossings.csv rows keyed by location_id and by lower-cased name / Turkish name."""
    rows: dict[str, dict] = {}
    p = Path(path)
    if not p.exists():
        return rows
    with open(p, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for key in (row.get("location_id"), row.get("name"), row.get("turkish_name")):
                if key:
                    rows[key.lower()] = row
    return rows


@dataclass
class CrossingHit:
    start: int
    end: int
    text: str
    name: str | None
    location_id: str | None
    from_country: str | None = None
    admin1: str | None = None


def crossings_in(doc: Doc, sent: Span, places: list[PlaceMention], crossings: dict[str, dict]) -> list[CrossingHit]:
    hits: list[CrossingHit] = []
    for p in places:
        if p.kind == "crossing" and sent.start_char <= p.start_char < sent.end_char:
            row = crossings.get((p.location_id or "").lower()) or crossings.get(place_name(p).lower()) or {}
            hits.append(CrossingHit(p.start_char, p.end_char, p.text, row.get("name") or p.name or p.text,
                                    p.location_id, row.get("from_country") or None, p.admin1 or row.get("admin1") or None))
    for m in CROSSING_GENERIC.finditer(sent.text):
        s, e = m.start() + sent.start_char, m.end() + sent.start_char
        if any(s < h.end and h.start < e for h in hits):
            continue
        name = m.group("name")
        if name and name.split()[0].lower() in _NOT_CROSSING_NAMES:
            name = None
        what = m.group("what").lower()
        if not name and not re.match(r"border|crossing point", what) and "border" not in m.group(0).lower():
            continue  # a bare "gate" or "crossings" (people crossing) is not a border crossing
        alias = m.group("alias")
        row = {}
        for key in (alias, name):
            if key and key.lower() in crossings:
                row = crossings[key.lower()]
                break
        canonical = row.get("name") or alias or name
        hits.append(CrossingHit(s, e, m.group(0), canonical, row.get("location_id") or None,
                                row.get("from_country") or None, row.get("admin1") or None))
    return sorted(hits, key=lambda h: h.start)


class AidFinder:
    def __init__(self, terms: dict[str, list[Term]], crossings: dict[str, dict]):
        self.terms = terms
        self.crossings = crossings

    def __call__(self, doc: Doc) -> list[Frame]:
        places = doc_places(doc)
        dates = doc_dates(doc)
        actors = doc_actors(doc, self.terms.get("party", []))
        doc_from = self._document_from_country(doc.text)
        frames: list[Frame] = []
        for sent in sentences(doc):
            compact = self._compact_deliveries(doc, sent, places, dates, actors)
            frame = self._sentence(doc, sent, places, dates, actors, doc_from)
            if frame is not None and not (compact and frame.attrs.get("kind") == "delivery"):
                frames.append(frame)
            frames += compact
        # a statement repeated verbatim (photo caption and related-links list, headline and lead)
        # is one statement: the first occurrence is kept
        seen: set[str] = set()
        kept: list[Frame] = []
        for f in frames:
            key = re.sub(r"\W+", " ", f.evidence_text).strip().lower()
            if key not in seen:
                seen.add(key)
                kept.append(f)
        return _merge_authorisations(_headline_restated(doc.text, kept))

    def _compact_deliveries(self, doc: Doc, sent: Span, places, dates, actors) -> list[Frame]:
        """Every compact delivery clause of the sentence, each its own frame (see COMPACT_DELIVERY)."""
        text, off = sent.text, sent.start_char
        out: list[Frame] = []
        agencies = find_terms(self.terms.get("agency", []), text, off)
        for m in COMPACT_DELIVERY.finditer(text):
            v0 = m.start() + off
            before = doc.text[max(off, v0 - 30):v0]
            if PURPOSE_BEFORE.search(before) and not SUCCESS_BEFORE.search(before):
                continue  # "to send aid", "plans to deliver": an intention
            if re.match(r"(?:sen[dt]s?|brings?|brought)$", m.group("verb"), re.I) and not (m.group("qty") or m.group("dest")):
                continue  # "sent relief" alone is too loose
            qty = None
            if m.group("qty"):
                nums = find_numbers(m.group("qty"))
                if not nums:
                    continue
                qty = as_int(nums[0].value)
            # the giver: an agency or actor right before the verb (auxiliaries, "managed to" between)
            giver = None
            cands = [(a[0], a[1], a[3]) for a in agencies if a[1] <= v0] + \
                    [(a.start_char, a.end_char, a.name) for a in actors if a.end_char <= v0 and off <= a.start_char]
            for s0, e0, name in sorted(cands, key=lambda c: -c[1]):
                gap = doc.text[e0:v0]
                if re.fullmatch(r"\s*(?:(?:has|have|had|is|was|were|are|also|again|reportedly|on \w+|managed to|was able to|began to|started to|continued to|continues to)\s+)*", gap, re.I):
                    giver = (s0, e0, name)
                break
            dest = None
            dest_text = None
            end = m.end() + off
            if m.group("dest"):
                ds, de = m.start("dest") + off, m.end("dest") + off
                dest = next((p for p in places if ds <= p.start_char < de and p.kind not in ("country",)), None)
                if dest is not None:
                    end = max(end, dest.end_char)  # the gazetteer's mention may run on ("Hama Province")
                else:
                    # not in the gazetteer: the capitalised name as written
                    dest_text = re.sub(r"^(?:(?:Syria(?:s|'s|’s)?|Syrian|the|besieged|rebel-held|opposition-held|\w+ern)\s+)+", "",
                                       m.group("dest"), flags=re.I) or None
            start = giver[0] if giver else v0
            neg = _negated(text, m.start())
            attrs = {
                "kind": "interruption" if neg else "delivery",
                "status": "interrupted" if neg else None,
                "agency": giver[2] if giver else None,
                "quantity": qty,
                "unit": self._unit(m.group("unit")) if m.group("unit") else None,
                "to_area": place_name(dest) if dest else dest_text,
            }
            f = make_frame(doc, sent, "aid_flow", (v0, m.end("verb") + off, m.group("verb")), [(start, end)], attrs)
            # the clause itself is the evidence: a run-on sentence holds several statements
            f.evidence_start_char, f.evidence_end_char = start, end
            f.evidence_text = doc.text[start:end]
            if dest is not None:
                f.location_mention, f.location_id, f.location_start_char = dest.text, dest.location_id, dest.start_char
            set_date(f, _pick_event_date([d for d in dates if off <= d.start_char < sent.end_char
                                          and (start <= d.start_char < end or 0 <= d.start_char - end < 40)]))
            out.append(f)
        return out

    def _unit(self, surface: str) -> str | None:
        for term in self.terms.get("unit", []):
            if term.regex.fullmatch(surface):
                return term.canonical
        return None

    # -- helpers ------------------------------------------------------------------------

    def _document_from_country(self, text: str) -> str | None:
        m = re.search(r"\bfrom\s+(Turkey|Türkiye|Jordan|Iraq)\b|\b(Turkish|Jordanian|Iraqi) border\b", text)
        if not m:
            return None
        if m.group(1):
            return "Turkey" if m.group(1) == "Türkiye" else m.group(1)
        return {"Turkish": "Turkey", "Jordanian": "Jordan", "Iraqi": "Iraq"}[m.group(2)]

    def _agencies(self, sent: Span) -> list[tuple[int, int, str, str]]:
        """Agencies acting in the sentence; one only quoted as a source ("according to") is not."""
        # hyphenated pairs name two agencies ("a UN-Syrian Arab Red Crescent convoy"); the
        # replacement keeps every offset
        found = find_terms(self.terms.get("agency", []), sent.text.replace("-", " "), sent.start_char)
        text = sent.doc.text
        return [a for a in found if not SOURCE_CUE.search(text[max(sent.start_char, a[0] - 25):a[0]])]

    def _from_country(self, sent: Span) -> str | None:
        m = FROM_COUNTRY.search(sent.text)
        if m:
            c = m.group("c") or m.group("c2")
            return "Turkey" if c == "Türkiye" else c
        for _s, _e, _surface, canonical in find_terms(self.terms.get("country_adj", []), sent.text):
            if re.search(_surface + r"\s+(?:border|side|territory)", sent.text):
                return canonical
        return None

    def _to_area(self, sent: Span, places: list[PlaceMention], exclude: list[tuple[int, int]]) -> PlaceMention | None:
        """The destination: a place after into/to/reached, else the sentence's area-like place."""
        cands = [
            p for p in places
            if sent.start_char <= p.start_char < sent.end_char
            and p.kind in (*_AREA_KINDS, "unresolved")
            and not any(p.start_char < e and s < p.end_char for s, e in exclude)
            and place_name(p) not in ("Turkey", "Türkiye", "Jordan", "Iraq", "Lebanon", "Hatay")
            and not (p.kind == "country" and place_name(p) != "Syria")  # "Russia vetoed ...": a party
        ]
        for p in cands:
            before = sent.doc.text[max(sent.start_char, p.start_char - 30):p.start_char]
            if TO_AREA_PREP.search(before):
                return p
        return cands[0] if cands else None

    # -- one sentence -> at most one frame -----------------------------------------------

    def _sentence(self, doc: Doc, sent: Span, places, dates, actors, doc_from) -> Frame | None:
        text = sent.text
        off = sent.start_char
        crossings = crossings_in(doc, sent, places, self.crossings)
        crossing = crossings[0] if crossings else None
        agencies = self._agencies(sent)
        agency = agencies[0][3] if agencies else None
        aid_word = any_term(self.terms.get("aid_noun", []), text)
        sent_dates = dates_in(dates, sent.start_char, sent.end_char)
        duration = find_duration(text, off)
        ex = [(c.start, c.end) for c in crossings]
        area = self._to_area(sent, places, ex)
        from_country = self._from_country(sent) or (crossing.from_country if crossing else None)
        if crossing and not from_country:
            from_country = doc_from
        base = {
            "crossing_mention": crossing.text if crossing else None,
            "crossing_name": crossing.name if crossing else None,
            "crossing_id": crossing.location_id if crossing else None,
            "from_country": from_country,
            "to_area": place_name(area) if area else (crossing.admin1 if crossing else None),
            "agency": agency,
        }
        if duration:
            base.update({k: duration[k] for k in ("duration_days", "duration_text", "duration_months") if k in duration})
        req: list[tuple[int, int]] = []

        def finish(kind: str, trig, extra: dict, required: list[tuple[int, int]]) -> Frame:
            attrs = {"kind": kind, **base, **extra}
            f = make_frame(doc, sent, "aid_flow", trig, required, attrs)
            loc = crossing if crossing else None
            if loc is not None:
                f.location_mention, f.location_id, f.location_start_char = loc.text, loc.location_id, loc.start
            elif area is not None:
                f.location_mention, f.location_id, f.location_start_char = area.text, area.location_id, area.start_char
            inside = dates_in(dates, f.evidence_start_char, f.evidence_end_char) or sent_dates
            set_date(f, _pick_event_date(inside))
            return f

        if duration:
            req.append((duration["start"], duration["end"]))

        # 1. authorisation: Security Council / resolution + authorise|extend + cross-border aid
        authoriser = find_terms(self.terms.get("authoriser", []), text, off)
        resolution = RESOLUTION.search(text)
        auth = AUTH_VERB.search(text)
        # 0. consent of the state: "Damascus agreed to allow the UN to use Bab al-Hawa for six months"
        consent = CONSENT.search(text)
        if consent and crossing and not _negated(text, consent.start()) and crossing.start >= consent.start() + off:
            who = SYRIAN_GOVERNMENT.search(text[:consent.start()])
            subj = [a for a in actors_in(actors, off, consent.start() + off) if a.name not in ("United Nations", "UN")]
            by = "Syrian government" if who else subj[-1].name if subj else None
            if by:
                need = [*req, (crossing.start, crossing.end)]
                need.append((who.start() + off, who.end() + off) if who else (subj[-1].start_char, subj[-1].end_char))
                base["to_area"] = crossing.admin1 if area is not None and who and area.start_char < consent.start() + off \
                    else base["to_area"]
                status = "extended" if re.search(r"\bextend|\brenew", text[consent.start():], re.I) else "authorised"
                return finish("authorisation", shift(consent, off), {"authorised_by": by, "status": status,
                                                                    "agency": agency}, need)
        lapsed = bool(auth) and (_negated(text, auth.start()) or bool(NOT_RENEWED.search(text[max(0, auth.start() - 40):auth.start()])))
        closed_now = STATUS_CLOSED.search(text)
        if auth and lapsed and crossing and closed_now and closed_now.start() < auth.start():
            # "X was closed ... after the Security Council failed to renew the mechanism": a closure,
            # and the failed renewal is its cause
            need = [*req, (crossing.start, crossing.end)]
            return finish("closure", shift(closed_now, off), {"status": "closed", "cause": _cause(text)}, need)
        veto = VETO.search(text)
        if auth and (authoriser or resolution or veto) and (crossing or CROSS_BORDER.search(text) or aid_word):
            # "failed to renew", "vetoed the extension": the authorisation lapsed
            status = "lapsed" if lapsed else "extended" if re.match(r"exten|renew", auth.group(0), re.I) else "authorised"
            # the most specific verb: "extend its decision authorizing X" -> evidence from "authorizing"
            trig = shift(auth, off)
            spec = list(AUTH_VERB.finditer(text))
            for m in spec:
                if re.match(r"authori", m.group(0), re.I):
                    trig = shift(m, off)
            extra = {
                "authorised_by": authoriser[0][3] if authoriser else "UN Security Council" if veto else None,
                "status": status,
                "resolution": resolution.group("num") if resolution else None,
                "agency": agency or ("UN" if (authoriser or resolution) else None),
            }
            need = [*req, *( [(crossing.start, crossing.end)] if crossing else [])]
            return finish("authorisation", trig, extra, need)

        # 2. opening of crossings: "opened two new border crossings into north Syria"
        opening = OPENING.search(text)
        if opening and crossings and not _negated(text, opening.start()):
            target = next((c for c in crossings if c.start >= opening.start() + off), crossings[0])
            count = _count_before(doc.text, target.start, off)
            subj = [a for a in actors_in(actors, off, opening.start() + off)]
            if not subj:
                subj = _previous_subject(doc, sent, actors)
            extra = {
                "crossings_count": count if count is not None else (len([c for c in crossings if c.start >= opening.start() + off]) or None),
                "authorised_by": subj[-1].name if subj else None,
                "status": "open",
            }
            end_req = [(target.start, target.end)]
            if area and area.start_char > target.start:
                end_req.append((area.start_char, area.end_char))
            return finish("crossing_opening", shift(opening, off), extra, [*req, *end_req])

        # 3. no aid reached X for N days -> interruption
        nr = NOT_REACHED.search(text)
        if (nr or BLOCKED.search(text)) and area is None:
            # "aid has not reached the besieged east": the destination the previous sentence named
            area = _previous_destination(doc, sent, places)
            if area is not None:
                base["to_area"] = place_name(area)
        if nr:
            cause = CAUSE.search(text)
            extra = {"status": "interrupted", "cause": cause.group(0).strip() if cause else None,
                     "agency": agency}
            need = [*req]
            if area:
                need.append((area.start_char, area.end_char))
            return finish("interruption", shift(nr, off), extra, need)

        # 3b. aid kept out / suspended by someone
        blocked = BLOCKED.search(text)
        if blocked and (aid_word or agencies) and (not PURPOSE_BEFORE.search(text[:blocked.start()][-30:])
                                                   or DECIDED_BEFORE.search(text[:blocked.start()][-30:])):
            b0 = blocked.start() + off
            givers = [a for a in agencies if a[1] <= b0]
            after = [p for p in places if blocked.end() + off <= p.start_char < blocked.end() + off + 45
                     and p.kind in (*_AREA_KINDS, "unresolved")]
            dest = after[0] if after else area
            extra = {"status": "interrupted", "cause": _cause(text),
                     "agency": " and ".join(unique([a[3] for a in givers])) or agency}
            if dest is not None:
                base["to_area"] = place_name(dest)
                area = dest
            need = [*req, *[(a[0], a[1]) for a in givers]]
            if dest is not None:
                need.append((dest.start_char, dest.end_char))
            return finish("interruption", shift(blocked, off), extra, need)

        if crossing and (aid_word or agencies):
            closed = STATUS_CLOSED.search(text)
            interrupted = STATUS_INTERRUPT.search(text)
            is_open = STATUS_OPEN.search(text)
            trig = closed or interrupted
            if trig:
                need = [*req, (crossing.start, crossing.end)]
                need += [(d.start_char, d.end_char) for d in sent_dates if d.start_char > trig.start() + off][:1]
                if _negated(text, trig.start()):
                    return finish("crossing_status", shift(trig, off), {"status": "open"}, need)
                if closed:
                    return finish("closure", shift(closed, off), {"status": "closed", "cause": _cause(text)}, need)
                return finish("interruption", shift(interrupted, off), {"status": "interrupted", "cause": _cause(text)}, need)
            near = is_open and abs(is_open.start() + off - crossing.start) < 60
            if near and crossing.name and (aid_word or agencies) and not NEGATION.search(text[: is_open.start()][-25:]):
                need = [*req, (crossing.start, crossing.end)]
                return finish("crossing_status", shift(is_open, off), {"status": "open"}, need)

        # 4. shares: "N per cent of all aid", "N% of ... depends on aid"
        for pm in PERCENT_RE.finditer(text):
            pct = word_value(pm.group("n"))
            if pct is None:
                continue
            after = text[pm.end():]
            dep = DEPENDS.search(after)
            if dep and dep.start() < 150:
                # "75% of X's opposition-held Y region depends on aid": the phrase's head (last place)
                span_end = pm.end() + dep.start() + off
                inside = [p for p in places if pm.end() + off <= p.start_char < span_end
                          and p.kind in (*_AREA_KINDS, "unresolved")]
                dep_area = inside[-1] if inside else self._to_area(sent, places, ex)
                extra = {"share_pct": as_int(pct), "unit": "percent", "agency": None}
                if dep_area:
                    base["to_area"] = place_name(dep_area)
                    area = dep_area
                need = [(pm.start() + off, pm.end() + off), (pm.end() + dep.start() + off, pm.end() + dep.end() + off)]
                return finish("dependency", (need[1][0], need[1][1], dep.group(0)), extra, need)
            share = SHARE_OF_AID.match(after.lstrip()) if after.lstrip().lower().startswith("of") else None
            if share:
                since = SINCE.search(text)
                # the receiving area is the clause's subject, before the percentage
                subj_area = next((p for p in places if off <= p.start_char < pm.start() + off and p.kind in (*_AREA_KINDS, "unresolved")), None)
                if subj_area:
                    base["to_area"] = place_name(subj_area)
                    area = subj_area
                extra = {"share_pct": as_int(pct), "unit": "percent", "agency": None,
                         "period_start_text": since.group(0) if since else None}
                need = [(pm.start() + off, pm.end() + off + len(after) - len(after.lstrip()) + share.end())]
                if subj_area:
                    need.append((subj_area.start_char, subj_area.end_char))
                if since:
                    need.append((since.start() + off, since.end() + off))
                return finish("share_of_aid", shift(pm, off), extra, need)

        # 5. provider: "the primary source of aid to X is the UN"
        prov = PROVIDER.search(text)
        if prov and agencies:
            ag = min(agencies, key=lambda a: abs(a[0] - (prov.start() + off)))
            extra = {"agency": ag[3]}
            need = [(ag[0], ag[1])]
            dest = re.match(r"\s+(?:to|in|for)\s+((?:[A-Z][\w'’-]*\s?)+)", text[prov.end():])
            if not area and dest:
                extra["to_area"] = dest.group(1).strip()
            if area:
                need.append((area.start_char, area.end_char))
            return finish("provider", shift(prov, off), extra, need)

        # 6. deliveries with a quantity or an aid convoy that moved
        convoy = CONVOY.search(text)
        qty = self._quantity(text, off)
        unloaded = UNLOADED.search(text)
        carrier = CARRIER.search(text)
        arrived = ARRIVED.search(text, carrier.end()) if carrier else None
        if unloaded or (carrier and arrived and not _negated(text, arrived.start())
                        and not STUCK.search(text)
                        and not PURPOSE_BEFORE.search(text[:arrived.start()][-30:])):
            # the aid reached its destination (an attack on it afterwards is a separate incident)
            trig_m = unloaded or carrier
            extra = {"status": None, "unit": "trucks" if re.search(r"\b(?:trucks|lorries)\b", trig_m.group(0), re.I) else None,
                     "agency": " and ".join(unique([a[3] for a in agencies])) or None}
            if qty:
                extra.update({"quantity": qty[0], "unit": qty[1]})
            need = [*req, shift(trig_m, off)[:2]]
            if arrived and not unloaded:
                need.append(shift(arrived, off)[:2])
            if area is not None:
                need.append((area.start_char, area.end_char))
            return finish("delivery", shift(trig_m, off), extra, need)
        if ATTACKED.search(text):
            return None  # an attack on a convoy is an incident, not an aid flow
        if qty and (AID_CONTEXT.search(text) or agencies):
            value, unit, s, e = qty
            moved = DELIVERY_VERB.search(text)
            if moved or convoy:
                neg = _negated(text, (moved or convoy).start()) or bool(STUCK.search(text))
                extra = {"quantity": value, "unit": unit, "status": "interrupted" if neg else None}
                kind = "interruption" if neg else "delivery"
                return finish(kind, (s, e, doc.text[s:e]), extra, [*req, (s, e)] + ([shift(moved, off)[:2]] if moved else []))
        if convoy:
            moved = DELIVERY_VERB.search(text, convoy.end())
            if moved and not STUCK.search(text) and re.search(r"\b(?:to|will|would|could|can|may|might)\s+(?:\w+\s+)?$", text[max(0, moved.start() - 15):moved.start()], re.I):
                moved = None  # "to allow convoys to reach X", "are going to enter": a purpose, not a delivery
            if moved:
                neg = _negated(text, moved.start()) or bool(STUCK.search(text))
                kind = "interruption" if neg else "delivery"
                extra = {"status": "interrupted" if neg else None, "cause": _cause(text) if neg else None}
                return finish(kind, shift(convoy, off), extra, [*req, shift(moved, off)[:2]])
        return None

    def _quantity(self, text: str, off: int) -> tuple[int | float, str, int, int] | None:
        units = self.terms.get("unit", [])
        for n in find_numbers(text, off):
            rest = text[n.end - off:]
            for term in units:
                m = re.match(r"\s+(?:of\s+)?(?:(?:aid|humanitarian|relief|food|UN|U\.N\.|WFP|UNHCR|UNICEF|IOM)\s+){0,2}(?:"
                             + term.regex.pattern + r")", rest, term.regex.flags)  # "14 UN trucks"
                if m and term.canonical in ("trucks", "tonnes", "parcels"):
                    return as_int(n.value), term.canonical, n.start, n.end + m.end()
        return None


def _headline_restated(text: str, frames: list[Frame]) -> list[Frame]:
    """A headline's aid flow that the body tells again ("UN aid convoy enters northwest Syria via Bab
    al-Hawa" over "A convoy of 14 UN trucks ... crossed ... on Thursday") is one flow: the body's
    frame is kept and takes what only the headline says."""
    first = title_line(text)
    if first is None:
        return frames
    head_end = len(first)
    out = list(frames)
    for h in [f for f in frames if f.evidence_end_char <= head_end]:
        def same(a, b, key):
            return a.attrs.get(key) is None or b.attrs.get(key) is None or a.attrs[key] == b.attrs[key]
        body = next((b for b in frames if b.evidence_start_char > head_end and b.attrs.get("kind") == h.attrs.get("kind")
                     and all(same(h, b, k) for k in ("crossing_id", "agency", "status"))), None)
        if body is None:
            continue
        for k, v in h.attrs.items():
            if body.attrs.get(k) is None and v is not None:
                body.attrs[k] = v
        out.remove(h)
    return out


def _previous_destination(doc: Doc, sent: Span, places: list[PlaceMention]) -> PlaceMention | None:
    """The last place the previous sentence names after a destination word ("let aid into X")."""
    lo = max(0, sent.start_char - 400)
    prev = [p for p in places if lo <= p.start_char < sent.start_char and p.kind in (*_AREA_KINDS, "unresolved")
            and not re.search(r"[.!?]\s", doc.text[p.end_char:sent.start_char].rstrip())]
    for p in reversed(prev):
        if TO_AREA_PREP.search(doc.text[max(0, p.start_char - 40):p.start_char]):
            return p
    return None


def _negated(text: str, pos: int) -> bool:
    window = text[max(0, pos - 30):pos]
    return bool(NEGATION.search(window))


def _cause(text: str) -> str | None:
    m = CAUSE.search(text)
    return m.group(0).strip() if m else None


def _count_before(text: str, pos: int, floor: int) -> int | None:
    window = text[max(floor, pos - 40):pos]
    nums = find_numbers(window)
    if nums and window[nums[-1].end:].strip().lower() in ("", "new", "more", "additional", "new border", "border", "more border", "additional border"):
        return int(nums[-1].value)
    return None


def _previous_subject(doc: Doc, sent: Span, actors: list[ActorMention]) -> list[ActorMention]:
    """"The regime insisted ..., but relented and opened ...": the clause's subject, if an actor."""
    return actors_in(actors, sent.start_char, sent.start_char + max(1, len(sent.text) // 3))


def _pick_event_date(dates: list[DateMention]) -> DateMention | None:
    rank = {"absolute": 0, "month_day": 1, "weekday": 2, "relative": 3, "month": 4, "year": 5}
    return min(dates, key=lambda d: rank.get(d.kind, 9)) if dates else None


def _merge_authorisations(frames: list[Frame]) -> list[Frame]:
    """One authorisation per authoriser and resolution: the most specific sentence wins."""
    out: list[Frame] = []
    groups: dict[tuple, list[Frame]] = {}
    for f in frames:
        if f.attrs.get("kind") == "authorisation":
            key = (f.attrs.get("authorised_by"), f.attrs.get("resolution"), f.attrs.get("crossing_name") and None)
            groups.setdefault(key, []).append(f)
        else:
            out.append(f)

    def score(f: Frame) -> int:
        a = f.attrs
        return sum(bool(a.get(k)) for k in ("crossing_name", "duration_days", "to_area", "from_country", "resolution"))

    for group in groups.values():
        best = max(group, key=score)
        for other in group:
            for k, v in other.attrs.items():
                best.attrs.setdefault(k, v)
        out.append(best)
    return sorted(out, key=lambda f: f.evidence_start_char)


def build_aid_finder(configured_dir: str | None = None) -> AidFinder:
    base = reference_dir(configured_dir)
    terms = {**load_terms(str(base / "aid_terms.csv")), "party": load_terms(str(base / "ceasefire_terms.csv")).get("party", [])}
    return AidFinder(terms, load_crossings(str(base / "crossings.csv")))


@Language.factory("conflictwatch_aid_v1", default_config={"reference_dir": None})
def make_aid(nlp: Language, name: str, reference_dir: str | None):
    finder = build_aid_finder(reference_dir)

    def component(doc: Doc) -> Doc:
        get_list(doc, "cw_frames").extend(finder(doc))
        return doc

    return component

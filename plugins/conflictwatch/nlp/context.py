"""Shared helpers for the frame components: sentences, segments, event types, mention lookups."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from conflictwatch.nlp.kit.spans import ActorMention, DateMention, PlaceMention

# How specific a place kind is (lower = more specific); countries never locate an incident.
PLACE_RANK = {
    "neighbourhood": 0, "community": 1, "crossing": 1, "road": 2, "admin3": 3, "admin2": 4,
    "region": 5, "admin1": 5, "country": 9,
    # a name the gazetteer does not know, in an "in X" slot of a Syrian story, is nearly always a village
    "unresolved": 2,
}
ADMIN_KINDS = ("admin3", "admin2", "admin1", "region", "country")


def place_rank(place: PlaceMention | None) -> int:
    if place is None:
        return 10
    return PLACE_RANK.get(place.kind, 6)


def place_precision(place: PlaceMention) -> int:
    if place.geo_precision:
        return place.geo_precision
    return 1 if place_rank(place) <= 2 else 3


@dataclass(frozen=True)
class SentenceSpan:
    index: int
    start: int
    end: int
    text: str


def sentences(doc: Doc) -> list[SentenceSpan]:
    """Sentences of the doc; falls back to line/period splitting if no sentence boundaries are set."""
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        out = [SentenceSpan(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)]
    else:
        out = []
        for m in re.finditer(r"[^.!?\n]+(?:[.!?]+|$)", doc.text):
            if m.group(0).strip():
                out.append(SentenceSpan(len(out), m.start(), m.end(), m.group(0)))
    # a line break ends a sentence (titles, captions, paragraphs): split there
    split: list[SentenceSpan] = []
    for s in out:
        pieces = re.split(r"(\n\s*)", s.text)
        offset = s.start
        for piece in pieces:
            if piece.strip() and not re.fullmatch(r"\n\s*", piece):
                split.append(SentenceSpan(len(split), offset, offset + len(piece), piece))
            offset += len(piece)
    return split


def title_line(text: str) -> str | None:
    """The document's first line when it reads as a title: four words or more, no closing full stop,
    and a body after it. Casualty and aid frames inside it are headline statements."""
    first = text.split("\n", 1)[0]
    title = first.strip()
    if "\n" not in text or len(title.split()) < 4 or title[-1] in ".!?":
        return None
    return first


def in_span(mentions: list, start: int, end: int) -> list:
    return [m for m in mentions if m.start_char >= start and m.end_char <= end]


def most_specific(places: list[PlaceMention]) -> PlaceMention | None:
    usable = [p for p in places if p.kind != "country"]
    if not usable:
        return None
    return min(usable, key=lambda p: (place_rank(p), p.start_char))


def contains(outer: PlaceMention | None, inner: PlaceMention | None) -> bool:
    """True when `outer` is an admin area / region that (as far as the text tells) contains `inner`."""
    if outer is None or inner is None:
        return outer is None
    if (outer.kind == "region" and not outer.admin1 and (outer.location_id or "").startswith("region:")
            and inner.kind in ("admin1", "admin2")):
        return True  # a multi-governorate region ("northwest Syria") holds a governorate
    if place_rank(outer) <= place_rank(inner):
        return False
    if outer.kind == "region":
        return True
    names = {_skel(outer.name), _skel(outer.text)} - {""}
    if outer.kind == "admin1":
        names.add(_skel(outer.admin1))
    elif outer.kind == "admin2":
        names.add(_skel(outer.admin2))
    names -= {""}
    inner_admins = {_skel(inner.admin1), _skel(inner.admin1_hint), _skel(inner.admin2)} - {""}
    if not inner_admins:
        return True  # unknown admin: the text does not say otherwise
    return bool(names & inner_admins)


def same_place(a: PlaceMention | None, b: PlaceMention | None) -> bool:
    if a is None or b is None:
        return False
    if a.location_id and b.location_id:
        return a.location_id == b.location_id
    # one side unresolved: the same words in the text count ("Maaret al-Numan" twice, once resolved)
    names_a = {_fold(x) for x in (a.name, a.text) if x} - {""}
    names_b = {_fold(x) for x in (b.name, b.text) if x} - {""}
    return bool(names_a & names_b)


def _skel(text: str | None) -> str:
    """Transliteration-insensitive key: Idlib = Idleb, Aleppo = Halab is beyond it."""
    return re.sub(r"[aeiouy\s]+", "", _fold(text))


def _fold(text: str | None) -> str:
    if not text:
        return ""
    t = text.lower().replace("’", "'").replace("'", "")
    t = re.sub(r"\b(governorate|province|city|town|village|region|countryside|district)\b", "", t)
    t = re.sub(r"^(the|#)\s*", "", t.strip())
    return re.sub(r"[\s\-#]+", " ", t).strip()


def actor_key(actor: ActorMention) -> str:
    return actor.actor_id


# --- event types -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    start_char: int
    end_char: int
    text: str
    event_type: str
    sub_event_type: str
    priority: int


class EventTypeMatcher:
    def __init__(self, rows: list[dict[str, str]]):
        self.by_trigger = {_norm_trigger(r["trigger"]): r for r in rows}
        alternation = "|".join(
            r"[\s\-]*".join(re.escape(w) for w in t.split(" "))
            for t in sorted(self.by_trigger, key=len, reverse=True)
        )
        self.regex = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w])", re.IGNORECASE)

    @classmethod
    def from_csv(cls, path: Path) -> EventTypeMatcher:
        with open(path, newline="", encoding="utf-8") as f:
            return cls(list(csv.DictReader(f)))

    def find(self, text: str, base: int = 0) -> list[Trigger]:
        out = []
        for m in self.regex.finditer(text):
            row = self.by_trigger.get(_norm_trigger(m.group(0))) or self._lookup(m.group(0))
            if row is None:
                continue
            out.append(Trigger(base + m.start(), base + m.end(), m.group(0), row["event_type"],
                               row["sub_event_type"], int(row["priority"])))
        return out

    def _lookup(self, surface: str) -> dict[str, str] | None:
        squashed = re.sub(r"[\s\-]+", "", surface.lower())
        for trig, row in self.by_trigger.items():
            if trig.replace(" ", "") == squashed:
                return row
        return None

    @staticmethod
    def best(triggers: list[Trigger]) -> Trigger | None:
        return min(triggers, key=lambda t: (t.priority, t.start_char)) if triggers else None


def _norm_trigger(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", text.lower()).strip()


@lru_cache(maxsize=4)
def load_event_types(reference_dir: str | None = None) -> EventTypeMatcher:
    if reference_dir:
        base = Path(reference_dir)
    else:
        from conflictwatch.config import get_settings

        base = get_settings().reference_dir
    return EventTypeMatcher.from_csv(base / "event_types.csv")


# --- dates ----------------------------------------------------------------------------------

_KIND_RANK = {"absolute": 0, "month_day": 1, "weekday": 2, "relative": 3, "month": 4, "year": 5}


def date_rank(date: DateMention | None) -> int:
    return 9 if date is None else _KIND_RANK.get(date.kind, 8)


def dates_compatible(a: DateMention | None, b: DateMention | None) -> bool:
    """Can two unresolved dates be the same day? Only explicit same-kind disagreements say no."""
    if a is None or b is None:
        return True
    if a.month and b.month and a.day and b.day:
        if a.year and b.year and a.year != b.year:
            return False
        return a.month == b.month and abs(a.day - b.day) <= 1
    if a.weekday and b.weekday:
        return abs(a.weekday - b.weekday) in (0, 1, 6)
    if a.kind == "relative" and b.kind == "relative":
        return abs((a.offset_days or 0) - (b.offset_days or 0)) <= 1
    return True

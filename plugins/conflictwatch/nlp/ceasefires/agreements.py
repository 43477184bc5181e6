"""Ceasefire agreements: a ceasefire word that is not a call, with an anchor (a date, parties, a
venue, a name, an area: codebook section 5); the mentions of one agreement are one record.

Each mention is read in its window of the segment (from the previous mention to the next). A
mention joins an agreement already found when nothing it says contradicts it (no other date, no
other parties, not "another" truce); a mention with no anchor of its own ("the truce") refers to
the last one found. The record takes its evidence, date and name from its best-anchored mention
outside the headline. Each agreement is kept with the segments that refer to it (`by_segment`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from conflictwatch.nlp.ceasefires.dates import ahead, context_of, implied_start, start_and_announced
from conflictwatch.nlp.ceasefires.lexicon import CeasefireDocument, made_by_re
from conflictwatch.nlp.ceasefires.mentions import (
    agreement_mentions,
    ceasefire_words,
    explicit_name,
    is_venue,
    located_in_zone,
)
from conflictwatch.nlp.ceasefires.naming import agreement_area, refresh
from conflictwatch.nlp.ceasefires.parties import Parties, parties_of
from conflictwatch.nlp.kit.clauses import Segment, clause_around, in_title_case, segment_of
from conflictwatch.nlp.kit.dates import date_parts, resolve, same_time
from conflictwatch.nlp.kit.frames import make_frame, set_date, set_location
from conflictwatch.nlp.kit.mentions import place_name, unique, within
from conflictwatch.nlp.kit.spans import DateMention, PlaceMention
from conflictwatch.nlp.kit.terms import Hit
from conflictwatch.records import Frame

_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


@dataclass
class Reading:
    """One agreement mention as read in its window of the segment."""

    window: Segment
    mention: Hit
    clause: tuple[int, int]
    start: DateMention | None
    announced: DateMention | None
    parties: Parties
    venue: str | None
    name: str | None
    area: PlaceMention | None
    definite: bool
    another: bool  # "another truce", "a broader ceasefire": not one named before
    context: str | None  # ended | violated | conceded (the mention is their object)
    headline: bool

    @property
    def anchored(self) -> bool:
        """The mention identifies an agreement (an area alone does not identify "the recent ceasefires in X")."""
        p = self.parties
        area = self.area is not None and not self.mention.text.lower().endswith("s")
        return bool(self.venue or p.parties or p.brokers or p.announced_by or self.start or self.name or area)

    @property
    def score(self) -> int:
        """How well the mention identifies its agreement (the record's evidence is the best one's)."""
        p = self.parties
        return (4 * bool(self.start) + (self.start is not None and self.start.precision == "day")
                + 2 * bool(p.parties or p.brokers) + bool(p.announced_by) + bool(self.venue) + bool(self.name) + bool(self.area)
                - 4 * self.headline)


@dataclass
class Agreement:
    readings: list[Reading]
    frame: Frame | None = None
    resolved: tuple[dt.date, str] | None = None  # the start, resolved against the report's date

    @property
    def best(self) -> Reading:
        return max(self.readings, key=lambda r: r.score)

    @property
    def start(self) -> DateMention | None:
        """The most precise start any mention gives ("took effect three days ago" over "this week")."""
        dated = [r for r in self.readings if r.start is not None]
        if not dated:
            return None
        return min(dated, key=lambda r: (_PRECISION_RANK.get(r.start.precision, 9), -r.score)).start

    @property
    def parties(self) -> list[str]:
        return unique(p for r in self.readings for p in r.parties.parties)

    @property
    def brokers(self) -> list[str]:
        return unique(p for r in self.readings for p in r.parties.brokers)

    @property
    def venue(self) -> str | None:
        return next((r.venue for r in self.readings if r.venue), None)

    @property
    def mention_start(self) -> int:
        return self.readings[0].mention.start

    @property
    def segment_start(self) -> int:
        return self.readings[-1].window.start_char

    @property
    def sort_key(self) -> tuple:
        d = self.start
        if d is None:
            return (0, 0, 0)
        # month_day / weekday / relative carry no year: they are "this year", after any explicit year
        return (d.year if d.year is not None else 9999, d.month or 0, d.day or 0)

    def hint(self) -> dict:
        """What a violation records to be tied to this agreement in dbt: its name and start (the
        resolved day to the precision known, else the date's parts)."""
        frame = self.frame
        out = {"name": frame.attrs.get("name") if frame else None, "start_char": frame.evidence_start_char if frame else None}
        if self.resolved is not None:
            day, precision = self.resolved
            parts = {"year": day.year, "month": day.month if precision != "year" else None,
                     "day": day.day if precision in ("day", "week") else None, "kind": "absolute"}
        else:
            d = self.start
            parts = {} if d is None else {"year": d.year, "month": d.month, "day": d.day, "weekday": d.weekday, "kind": d.kind}
        out.update({k: v for k, v in parts.items() if v is not None})
        return out


@dataclass
class Agreements:
    found: list[Agreement] = field(default_factory=list)
    by_segment: dict[int, Agreement] = field(default_factory=dict)


def find_agreements(cd: CeasefireDocument) -> Agreements:
    out = Agreements()
    about_ceasefire = any(ceasefire_words(seg, cd.lex) for seg in cd.segs)
    for si, seg in enumerate(cd.segs):
        for r in _readings(cd, si, seg, out, about_ceasefire):
            _place(cd, si, r, out)
    for ag in out.found:
        ag.frame = _frame(cd, ag)
    return out


def _joined(mentions: list[Hit], text: str) -> list[Hit]:
    """Adjacent ceasefire words are one mention ("cessation of hostilities agreement")."""
    out: list[Hit] = []
    for m in mentions:
        if out and not text[out[-1].end:m.start].strip(" \"“”'’") and not is_venue(m) and not is_venue(out[-1]):
            prev = out[-1]
            out[-1] = Hit(prev.start, m.end, text[prev.start:m.end], prev.canonical)
        else:
            out.append(m)
    return out


def _readings(cd: CeasefireDocument, si: int, seg: Segment, out: Agreements, about_ceasefire: bool) -> list[Reading]:
    """The segment's mentions read in their windows; a bare "the agreement" right after a ceasefire
    counts; a zone named as the place of something ("killed ... in a de-escalation zone") does not."""
    named = _joined(agreement_mentions(seg, cd.lex, about_ceasefire), cd.text)
    if not named and out.found and si - segment_of(cd.segs, out.found[-1].segment_start) <= 2:
        weak = cd.lex.first("weak_reference", seg.text)
        if weak:
            word = weak.group(0).split()[-1]
            named = [Hit(weak.end() - len(word) + seg.start_char, weak.end() + seg.start_char, weak.group(0), "agreement")]
    mentions = [m for m in named if not located_in_zone(seg.text, m.start - seg.start_char, m.end - seg.start_char)
                and (cd.in_headline(m.start, m.end) or not in_title_case(cd.text, m.start, m.end))]
    words = [m for m in mentions if not is_venue(m)] or mentions  # a venue is read with the word it goes with
    readings = []
    for i, m in enumerate(words):
        lo = words[i - 1].end if i else seg.start_char
        hi = words[i + 1].start if i + 1 < len(words) else seg.end_char
        readings.append(_read(cd, Segment(seg.doc, lo, hi), m, named, mentions))
    return readings


def _read(cd: CeasefireDocument, window: Segment, m: Hit, named: list[Hit], mentions: list[Hit]) -> Reading:
    off, text, rel = window.start_char, window.text, m.start - window.start_char
    c_start, c_end = clause_around(text, rel)
    clause = (c_start + off, c_end + off)
    dates = within(cd.dates, off, clause[1])
    if not within(cd.dates, clause[0], clause[1]):
        # "after September 17, 2018, when Turkey and Russia held Sochi meetings"
        dates = [d for d in dates if clause[0] - d.end_char < 60]
    actors = within(cd.actors, off, window.end_char)
    start, announced = start_and_announced(window, dates, m.start, actors, cd.lex)
    start = start or announced or implied_start(window, m.start, clause[1], cd.lex)  # "a truce declared last week"
    start = ahead(start, cd.text, cd.reference, announced if announced is not start else None, cd.lex)
    parties = parties_of(window, actors, m.start, cd.lex)
    venue = m.canonical if is_venue(m) else next((v.canonical for v in mentions if is_venue(v)), None)
    definite = bool(cd.lex.first("definite_before", text[max(0, rel - 30):rel])) \
        and not cd.lex.first("indefinite_before", text[max(0, rel - 25):rel])
    area = agreement_area(cd, window, clause, [m], named)
    return Reading(window, m, clause, start, announced, parties, venue, explicit_name(text, cd.lex), area, definite,
                   bool(cd.lex.first("another_before", text[max(0, rel - 30):rel])), context_of(cd.text, m.start, cd.lex),
                   cd.in_headline(m.start, m.end))


def _violation_object(cd: CeasefireDocument, r: Reading) -> bool:
    """"violating the truce": the object of a violation, unless the sentence says what the
    agreement is (a start, "between", a venue, a name, its brokers)."""
    if r.context != "violated":
        return False
    text, rel = r.window.text, r.mention.start - r.window.start_char
    made = made_by_re(cd.lex).match(text[rel:rel + 60]) and (r.parties.brokers or r.parties.parties)
    said = cd.lex.first("start_cue", text[rel:rel + 80]) or cd.lex.first("between", text[rel:rel + 40]) or r.venue or r.name
    return not (said or made)


def _resolved(cd: CeasefireDocument, d: DateMention | None) -> tuple[dt.date, str] | None:
    if d is None:
        return None
    day, precision = resolve(d, cd.reference)
    if day is None:
        return None
    return day, (d.precision if d.precision in ("week", "month", "year") else precision)


YEAR_RE = re.compile(r"\b((?:19|20)\d\d)\b")


def _compatible(cd: CeasefireDocument, ag: Agreement, r: Reading) -> bool:
    """Nothing the reading says contradicts the agreement: not "another" one, the same venue if
    both name one, a start at the same time if both are dated, shared parties if both name some."""
    if r.another:
        return False
    if r.venue and ag.venue:
        return r.venue == ag.venue
    mine, theirs = _resolved(cd, r.start), ag.resolved
    if mine and theirs and not same_time(mine[0], mine[1], theirs[0], theirs[1]):
        return False
    years = {int(y) for y in YEAR_RE.findall(r.window.text)}
    if not mine and theirs and years and theirs[0].year not in years:
        return False  # "held meetings in Astana in 2017 and announced ... zones": not the 2020 truce
    a, b = set(ag.parties or ag.brokers), set(r.parties.parties or r.parties.brokers)
    return not (a and b and not a & b)


def _place(cd: CeasefireDocument, si: int, r: Reading, out: Agreements) -> None:
    """A new agreement, another mention of one already found, or a reference to the last one."""
    if _violation_object(cd, r) or not r.anchored:
        if out.found and (r.definite or r.context):
            out.by_segment.setdefault(si, out.found[-1])  # "the truce": the one last mentioned
        return
    in_force = r.context or r.parties.possessed or cd.lex.first("establish", r.window.text)
    only_parties = not (r.venue or r.start or r.name or r.parties.announced_by)  # or an area
    if only_parties and not in_force and not out.found:
        return  # parties or an area alone, nothing that says it was in force ("a truce in X is needed")
    same = next((ag for ag in reversed(out.found) if _compatible(cd, ag, r)), None)
    if same is None:
        same = Agreement([])
        out.found.append(same)
    same.readings.append(r)
    if same.resolved is None:
        same.resolved = _resolved(cd, r.start)
    out.by_segment.setdefault(si, same)


def _frame(cd: CeasefireDocument, ag: Agreement) -> Frame:
    """The record: the best mention's evidence, the best start, every mention's parties and brokers."""
    best, start = ag.best, ag.start
    m0 = best.mention
    announced = next((r for r in ag.readings if r.parties.announced_by), None)
    area = best.area or next((r.area for r in ag.readings if r.area), None)
    attrs = {
        "name": best.name or next((r.name for r in ag.readings if r.name), None),
        "announced_by": announced.parties.announced_by if announced else None,
        "announced_date": date_parts(next((r.announced for r in ag.readings if r.announced), None)),
        "area": place_name(area) if area else None,
        "date_precision": start.precision if start else None,
        "venue": ag.venue,
        "agreement_kind": "de-escalation zone" if is_venue(m0) else m0.canonical,
    }
    seg = cd.segs[segment_of(cd.segs, best.window.start_char)]
    need = [(m0.start, m0.end)] + [(d.start_char, d.end_char) for d in (best.start, best.announced) if d]
    need += [(a.start_char, a.end_char) for a in within(cd.actors, best.window.start_char, best.window.end_char)
             if a.name in best.parties.parties or a.name in best.parties.brokers or a.name == best.parties.announced_by]
    frame = make_frame(seg, "ceasefire_agreement", (m0.start, m0.end, m0.text), need, attrs)
    set_date(frame, start, cd.reference)
    ag.resolved = _resolved(cd, start)
    if best.area is not None:
        set_location(frame, best.area.text, best.area.location_id, best.area.start_char)
    ag.frame = frame
    refresh(ag)
    return frame


def pick_agreement(agreements: list[Agreement], pos: int, definite: bool) -> Agreement | None:
    """A violation's agreement when its segment names none: "the truce" is the last one mentioned
    before it; otherwise the latest-starting one (in force when the violation happened)."""
    if not agreements:
        return None
    if definite:
        before = [a for a in agreements if a.mention_start < pos]
        if before:
            return before[-1]
    return max(agreements, key=lambda a: (a.sort_key, a.mention_start))

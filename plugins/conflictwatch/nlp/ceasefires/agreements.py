"""Ceasefire agreements: a ceasefire word that is not a call, with an anchor (a venue, parties,
a date, a name) and something that puts it in force; mentions of one agreement merged.

Each agreement is kept with the segments that refer to it (`by_segment`), so that a violation
in the same segment is tied to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from conflictwatch.nlp.ceasefires.dates import start_and_announced
from conflictwatch.nlp.ceasefires.lexicon import CeasefireDocument, made_by_re
from conflictwatch.nlp.ceasefires.mentions import agreement_mentions, explicit_name, is_venue, located_in_zone
from conflictwatch.nlp.ceasefires.naming import agreement_area, refresh
from conflictwatch.nlp.ceasefires.parties import Parties, parties_of
from conflictwatch.nlp.kit.clauses import Segment, clause_around, segment_of
from conflictwatch.nlp.kit.dates import date_parts
from conflictwatch.nlp.kit.frames import make_frame, set_date, set_location
from conflictwatch.nlp.kit.mentions import place_name, unique, within
from conflictwatch.nlp.kit.spans import DateMention
from conflictwatch.nlp.kit.terms import Hit
from conflictwatch.records import Frame


@dataclass
class Agreement:
    frame: Frame
    segment_start: int
    mention_start: int
    start: DateMention | None = None
    parties: list[str] = field(default_factory=list)
    brokers: list[str] = field(default_factory=list)
    venue: str | None = None

    @property
    def sort_key(self) -> tuple:
        d = self.start
        if d is None:
            return (0, 0, 0)
        # month_day / weekday / relative carry no year: they are "this year", after any explicit year
        return (d.year if d.year is not None else 9999, d.month or 0, d.day or 0)

    def hint(self) -> dict:
        """What a violation records to be tied to this agreement in dbt (its date parts and name)."""
        out = {"name": self.frame.attrs.get("name"), "start_char": self.frame.evidence_start_char}
        d = self.start
        if d is not None:
            out.update({k: v for k, v in (("year", d.year), ("month", d.month), ("day", d.day),
                                          ("weekday", d.weekday), ("kind", d.kind)) if v is not None})
        return out

    def join(self, parties: Parties) -> None:
        self.parties = unique(self.parties + parties.parties)
        self.brokers = unique(self.brokers + parties.brokers)
        refresh(self, parties.announced_by)


@dataclass
class Reading:
    """A segment's agreement mention as read: its clause, dates and parties."""

    seg: Segment
    mentions: list[Hit]
    named: list[Hit]  # every ceasefire word, also a zone named as a place: the agreement's area may be tied to one
    clause: tuple[int, int]
    start: DateMention | None
    announced: DateMention | None
    parties: Parties
    venue: str | None


@dataclass
class Agreements:
    found: list[Agreement] = field(default_factory=list)
    by_segment: dict[int, Agreement] = field(default_factory=dict)


def find_agreements(cd: CeasefireDocument) -> Agreements:
    out = Agreements()
    for si, seg in enumerate(cd.segs):
        named = _mentions(cd, si, seg, out)
        mentions = [m for m in named if not located_in_zone(seg.text, m.start - seg.start_char, m.end - seg.start_char)]
        if mentions:
            _read_segment(cd, si, _read(cd, seg, mentions, named), out)
    for ag in out.found:
        refresh(ag)
    return out


def _mentions(cd: CeasefireDocument, si: int, seg: Segment, out: Agreements) -> list[Hit]:
    """The segment's mentions; a bare "the agreement" right after a ceasefire counts."""
    mentions = agreement_mentions(seg, cd.lex)
    if not mentions and out.found and si - segment_of(cd.segs, out.found[-1].segment_start) <= 2:
        weak = cd.lex.first("weak_reference", seg.text)
        if weak:
            word = weak.group(0).split()[-1]
            mentions = [Hit(weak.end() - len(word) + seg.start_char, weak.end() + seg.start_char, weak.group(0), "agreement")]
    return mentions


def _read(cd: CeasefireDocument, seg: Segment, mentions: list[Hit], named: list[Hit]) -> Reading:
    """Where a zone is named as the place of something ("killed ... in a de-escalation zone"),
    that mention is left out of `mentions` but kept in `named`."""
    off = seg.start_char
    m0 = mentions[0]
    c_start, c_end = clause_around(seg.text, m0.start - off)
    clause = (c_start + off, c_end + off)
    dates = within(cd.dates, off, clause[1])
    if not within(cd.dates, clause[0], clause[1]):
        # "after September 17, 2018, when Turkey and Russia held Sochi meetings"
        dates = [d for d in dates if clause[0] - d.end_char < 60]
    start, announced = start_and_announced(seg, dates, m0.start, cd.lex)
    parties = parties_of(seg, within(cd.actors, off, seg.end_char), m0.start, clause, cd.lex)
    venue = next((m.canonical for m in mentions if is_venue(m)), None)
    return Reading(seg, mentions, named, clause, start, announced, parties, venue)


def _violation_object(cd: CeasefireDocument, r: Reading) -> bool:
    """"violating the cessation of hostilities agreement": the object of a violation, unless the
    sentence also says what the agreement is (a start, "between", a venue, its brokers)."""
    text, rel = r.seg.text, r.mentions[0].start - r.seg.start_char
    lex = cd.lex
    violated = lex.first("violated_before", text[max(0, rel - 40):rel]) or lex.match("violated_after", text[rel:rel + 60])
    if not violated:
        return False
    made = made_by_re(lex).match(text[rel:rel + 60]) and (r.parties.brokers or r.parties.parties)
    said = lex.first("start_cue", text[rel:rel + 80]) or lex.first("between", text[rel:rel + 40]) or r.venue
    return not (said or made)


def _read_segment(cd: CeasefireDocument, si: int, r: Reading, out: Agreements) -> None:
    if _violation_object(cd, r):
        return
    text, rel = r.seg.text, r.mentions[0].start - r.seg.start_char
    definite = bool(cd.lex.first("definite_before", text[max(0, rel - 30):rel])) \
        and not cd.lex.first("indefinite_before", text[max(0, rel - 25):rel])
    if definite and not r.venue and r.start is None:
        if out.found:  # "The agreement was mediated by Moscow and Ankara": the one last mentioned
            if r.parties.parties or r.parties.brokers or r.parties.announced_by:
                out.found[-1].join(r.parties)
            out.by_segment[si] = out.found[-1]
        return
    anchored = r.venue or r.parties.parties or r.parties.brokers or r.start or explicit_name(text, cd.lex)
    if not anchored or not (cd.lex.first("establish", text) or r.venue or r.start):
        return
    same = _same_agreement(out.found, r.start, r.venue, definite)
    if same is not None:
        same.join(r.parties)
        out.by_segment[si] = same
        return
    ag = _new_agreement(cd, r)
    out.found.append(ag)
    out.by_segment[si] = ag


def _new_agreement(cd: CeasefireDocument, r: Reading) -> Agreement:
    m0, p = r.mentions[0], r.parties
    area = agreement_area(cd, r.seg, r.clause, r.mentions, r.named)
    attrs = {
        "name": explicit_name(r.seg.text, cd.lex),
        "announced_by": p.announced_by,
        "announced_date": date_parts(r.announced),
        "area": place_name(area) if area else None,
        "date_precision": r.start.precision if r.start else None,
        "venue": r.venue,
        "agreement_kind": "de-escalation zone" if is_venue(m0) else m0.canonical,
    }
    need = [(m0.start, m0.end)] + [(d.start_char, d.end_char) for d in (r.start, r.announced) if d]
    need += [(a.start_char, a.end_char) for a in within(cd.actors, r.seg.start_char, r.seg.end_char)
             if a.name in p.parties or a.name in p.brokers or a.name == p.announced_by]
    frame = make_frame(r.seg, "ceasefire_agreement", (m0.start, m0.end, m0.text), need, attrs)
    set_date(frame, r.start)
    if area:
        set_location(frame, area.text, area.location_id, area.start_char)
    return Agreement(frame, r.seg.start_char, m0.start, r.start, p.parties, p.brokers, r.venue)


def _same_agreement(found: list[Agreement], start: DateMention | None, venue: str | None,
                    definite: bool) -> Agreement | None:
    """An agreement already found with the same venue, or a start date that agrees (a definite
    mention's relative start within a week of an earlier relative start is the same one too)."""
    for ag in found:
        if venue and ag.venue == venue:
            return ag
        if start is None or ag.start is None:
            continue
        a, b = ag.start, start
        if definite and a.kind == b.kind == "relative" and a.offset_days is not None and b.offset_days is not None \
                and abs(a.offset_days - b.offset_days) <= 7:
            return ag
        if a.year == b.year and a.month == b.month and a.month is not None and (a.day is None or b.day is None or a.day == b.day):
            return ag
    return None


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



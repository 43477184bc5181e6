"""Ceasefire violations: one frame per violation statement, with its kind (event | aggregate),
violators, agreement, counts (from the event coder's frames), date and place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conflictwatch.nlp.ceasefires.agreements import Agreement, Agreements, pick_agreement
from conflictwatch.nlp.ceasefires.counts import (
    COUNT_KEYS,
    aggregate_details,
    counted,
    int_or_none,
    is_period_toll,
    linked_casualty,
)
from conflictwatch.nlp.ceasefires.lexicon import TIMES_RE, CeasefireDocument
from conflictwatch.nlp.ceasefires.triggers import Found, find_trigger
from conflictwatch.nlp.ceasefires.violators import Violators, violators_of
from conflictwatch.nlp.kit.clauses import at_least_words, clause_around
from conflictwatch.nlp.kit.dates import most_specific
from conflictwatch.nlp.kit.durations import find_period
from conflictwatch.nlp.kit.frames import copy_date, make_frame, set_date, set_evidence, set_location
from conflictwatch.nlp.kit.mentions import within
from conflictwatch.nlp.kit.numbers import first_count
from conflictwatch.nlp.kit.spans import DateMention, PlaceMention
from conflictwatch.records import Frame

_ITEM_RE = re.compile(r"\b(?P<n>\d[\d,]*)\s+(?:(?:breaches|violations|times)\s+)?by\s+")
_MIN_EVIDENCE_WORDS = 5
_ITEM_TAIL_RE = re.compile(r"(?:\s+(?!and\b)[a-z][\w-]*)*")  # the actor's head noun ("Russian forces")


@dataclass
class Violation:
    """A violation being built: its trigger, attrs and the spans its evidence must hold."""

    found: Found
    attrs: dict
    agreement_clause: tuple[int, int] | None
    need: list[tuple[int, int]] = field(default_factory=list)
    agreement: Agreement | None = None
    who: Violators | None = None


def find_violations(cd: CeasefireDocument, ags: Agreements) -> list[tuple[int, Frame, bool]]:
    """(segment index, frame, explicit) for each violation statement, in text order; a list of
    counts by violator ("20 by Russian forces, 13 by regime forces") gives one aggregate each."""
    out = []
    for si in range(len(cd.segs)):
        found = find_trigger(cd, si, ags)
        if found is None:
            continue
        items = itemised(cd, found, ags)
        out += [(si, f, True) for f in items] or [(si, build(cd, found, ags), found.explicit)]
    return out


def itemised(cd: CeasefireDocument, found: Found, ags: Agreements) -> list[Frame]:
    """"Breaches recorded included: 20 by Russian forces 13 by regime forces 2 by the PYD militia":
    two or more counts, each of one violator's breaches."""
    seg, text = found.seg, cd.text
    items = []
    for m in _ITEM_RE.finditer(seg.text):
        at = m.end() + seg.start_char
        actor = next((a for a in cd.actors if at <= a.start_char <= at + 12 and a.end_char <= seg.end_char
                      and re.fullmatch(r"\s*(?:the\s+)?", text[at:a.start_char])), None)
        if actor is not None:
            items.append((m.start() + seg.start_char, actor, first_count(m.group("n"))))
    if len(items) < 2:
        return []
    frames = []
    for i, (start, actor, n) in enumerate(items):
        # the item runs to the next one (or the clause's end): "13 by regime forces"
        stop = items[i + 1][0] if i + 1 < len(items) else seg.end_char
        end = actor.end_char + len(_ITEM_TAIL_RE.match(text, actor.end_char, stop).group(0))
        v = Violation(found, {"kind": "aggregate", "violations_low": n, "violators": [actor.name]}, None)
        _link_agreement(cd, v, ags)
        frame = make_frame(seg, "ceasefire_violation", (start, end, text[start:end]), [], v.attrs)
        set_evidence(frame, text, at_least_words(text, seg.start_char, start, end, _MIN_EVIDENCE_WORDS), end)
        frames.append(frame)
    return frames


def _agreement_clause(found: Found, cd: CeasefireDocument) -> tuple[int, int] | None:
    """The clause naming the agreement, when the trigger lies outside it or it is conceded."""
    if not found.mentions:
        return None
    off, text = found.seg.start_char, found.seg.text
    cs, ce = clause_around(text, found.mentions[0].start - off)
    if not (cs + off <= found.trigger[0] < ce + off) or cd.lex.match("concessive_lead", text[cs:].lstrip()):
        return cs + off, ce + off
    return None


def _kind_and_counts(cd: CeasefireDocument, v: Violation) -> None:
    """aggregate for a count of violations, a habitual statement without dead, or a period toll;
    the counts the event coder found in the segment."""
    seg = v.found.seg
    times, period, toll = TIMES_RE.search(seg.text), find_period(seg.text, seg.start_char), counted(cd, seg)
    killed, killed_low, injured = (int_or_none(toll, k) for k in ("killed", "killed_low", "injured"))
    habitual = cd.lex.first("habitual", seg.text) and not (killed or injured)
    total = cd.lex.first("total_breaches", seg.text)
    kind = "aggregate" if times or total or habitual or v.found.general or is_period_toll(toll) else "event"
    v.attrs.update({"kind": kind, "killed": killed, "killed_low": killed_low, "injured": injured})
    if kind == "aggregate" and toll is not None and toll.attrs.get("period_text") and not period:
        v.attrs["period_text"] = toll.attrs["period_text"]
    if times or total:
        count = times or total
        v.attrs["violations_low"] = first_count(count.group("n"))
        v.need.append((count.start() + seg.start_char, count.end() + seg.start_char))
    if period:
        v.attrs.update({"period_days": period.days, "period_text": period.text})
        v.need.append((period.start, period.end))
    if toll is not None and killed is not None:
        v.need.append((toll.evidence_start_char, toll.evidence_end_char))


def _link_agreement(cd: CeasefireDocument, v: Violation, ags: Agreements) -> None:
    ag = ags.by_segment.get(v.found.si)
    if ag is None:
        definite = bool(cd.lex.first("definite_reference", v.found.seg.text))
        ag = pick_agreement(ags.found, v.found.trigger[0], definite)
    v.agreement = ag
    if ag is not None:
        v.attrs["agreement_hint"] = ag.hint()


def _own_dates(cd: CeasefireDocument, v: Violation) -> list[DateMention]:
    """The segment's dates outside the agreement's clause and other than its start."""
    seg, clause = v.found.seg, v.agreement_clause
    return [d for d in within(cd.dates, seg.start_char, seg.end_char)
            if not (clause and clause[0] <= d.start_char < clause[1])
            and not (v.agreement is not None and v.agreement.start is d)]


def _link_casualty(cd: CeasefireDocument, v: Violation) -> Frame | None:
    """The casualty event the violation is: its evidence start, and its counts where the segment
    has none of its own; returned when its date is to be the violation's."""
    cas = linked_casualty(cd, v.found.si, dated=v.attrs["kind"] == "event")
    if cas is None:
        return None
    v.attrs["casualty_evidence_start_char"] = cas.evidence_start_char
    if v.attrs.get("killed") is None and v.attrs.get("injured") is None:
        for k in COUNT_KEYS:
            if v.attrs.get(k) is None and cas.attrs.get(k) is not None:
                v.attrs[k] = cas.attrs[k]
    return cas if not _own_dates(cd, v) and cas.date_kind is not None else None


def _place(cd: CeasefireDocument, v: Violation) -> PlaceMention | None:
    """The segment's first place outside the agreement's clause: not a broker's capital, a venue
    abroad or a country."""
    seg, clause, text = v.found.seg, v.agreement_clause, cd.text
    for p in cd.places:
        if not (seg.start_char <= p.start_char < seg.end_char) or p.kind == "country":
            continue
        if (clause and clause[0] <= p.start_char < clause[1]) or (p.location_id or "").startswith("abroad:"):
            continue
        if not cd.lex.first("signatories_before", text[max(seg.start_char, p.start_char - 80):p.start_char]):
            return p
    return None


def _dates(cd: CeasefireDocument, v: Violation, frame: Frame, cas_dated: Frame | None) -> None:
    own = _own_dates(cd, v)
    if not own and v.who is not None and v.who.from_previous:
        prev = cd.segs[v.found.si - 1]
        own = within(cd.dates, prev.start_char, prev.end_char)
    set_date(frame, most_specific(own), cd.reference)
    if not own and cas_dated is not None and v.attrs["kind"] == "event":
        copy_date(frame, cas_dated)


def _frame(cd: CeasefireDocument, v: Violation) -> Frame:
    found, who = v.found, v.who
    frame = make_frame(found.seg, "ceasefire_violation", found.trigger, v.need, v.attrs)
    if v.attrs["kind"] == "event" and found.mentions and found.conceded and not found.explicit and v.agreement_clause:
        # "The assault was launched despite a truce that ...": keep the agreement clause too
        s = min(frame.evidence_start_char, v.agreement_clause[0])
        e = max(frame.evidence_end_char, v.agreement_clause[1])
        set_evidence(frame, cd.text, s, e)
    if who is not None and who.subjects:
        a = who.subjects[0]
        frame.perpetrator_mention = a.text
        frame.perpetrator_actor_id = a.actor_id if not a.actor_id.startswith("lexicon:") else None
    return frame


def build(cd: CeasefireDocument, found: Found, ags: Agreements) -> Frame:
    v = Violation(found, {}, _agreement_clause(found, cd))
    _kind_and_counts(cd, v)
    v.who = violators_of(cd, found, v.agreement_clause, v.attrs["kind"], ags)
    v.attrs["violators"] = v.who.names
    v.need += [(a.start_char, a.end_char) for a in v.who.subjects[:1]]
    _link_agreement(cd, v, ags)
    cas_dated = _link_casualty(cd, v)
    if v.attrs["kind"] == "aggregate":
        aggregate_details(cd, found.si, v.attrs)
    frame = _frame(cd, v)
    _dates(cd, v, frame, cas_dated)
    place = _place(cd, v)
    if place is not None:
        set_location(frame, place.text, place.location_id, place.start_char)
    return frame




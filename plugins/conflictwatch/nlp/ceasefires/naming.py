"""An agreement's area and its descriptive name ("Idlib Turkey-Russia ceasefire of March 2020")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from conflictwatch.nlp.ceasefires.lexicon import CeasefireDocument
from conflictwatch.nlp.kit.clauses import Segment
from conflictwatch.nlp.kit.mentions import overlaps, within
from conflictwatch.nlp.kit.spans import PlaceMention
from conflictwatch.nlp.kit.terms import Hit

if TYPE_CHECKING:
    from conflictwatch.nlp.ceasefires.agreements import Agreement

_AREA_BEFORE_RE = re.compile(r"(?:['’]s)?\s+(?:(?:northwest(?:ern)?|north(?:ern)?|south(?:ern)?|east(?:ern)?|west(?:ern)?|"
                             r"de-?escalation|humanitarian|local|partial|nationwide|new|fragile|\d+-\w+)\s+){0,2}", re.I)
_AREA_AFTER_RE = re.compile(r"\S*\s+(?:[\w-]+\s+){0,9}?(?:in|for|around|across|covering|over|of|throughout)\s+"
                            r"(?:the\s+)?(?:(?:northwest(?:ern)?|north(?:ern)?|south(?:ern)?|east(?:ern)?|west(?:ern)?)\s+)?"
                            r"(?:(?:province|governorate|city|region|town|countryside|part)\s+of\s+)?$", re.I)
_AREA_SUBJECT_RE = re.compile(r"\s+(?:(?:falls?|lies?|is|are)\s+(?:with)?in\s+|where\s+)(?:a|an|the)\s+(?:[\w-]+\s+){0,2}$", re.I)
_NOT_AREAS = ("country", "crossing", "road")


def _names_area(text: str, p: PlaceMention, start: int, end: int) -> bool:
    """The place is the agreement's area when it names it: a modifier right before the mention ("the
    Idlib ceasefire", "Idlib's de-escalation zone"), the object of "in/for/around ..." right after it
    ("a truce in Deraa"), or the subject of "falls within a ... zone"; not a place elsewhere in the
    clause ("bombed Ariha despite the Sochi agreement")."""
    if p.end_char <= start:
        gap = text[p.end_char:start]
        return bool(_AREA_BEFORE_RE.fullmatch(gap) or _AREA_SUBJECT_RE.fullmatch(gap))
    gap = text[end:p.start_char]
    return p.start_char >= end and len(gap) < 80 and not re.search(r"[,;:]", gap) and bool(_AREA_AFTER_RE.fullmatch(gap))


def agreement_area(cd: CeasefireDocument, seg: Segment, clause: tuple[int, int], mentions: list[Hit],
                   named: list[Hit]) -> PlaceMention | None:
    actors = within(cd.actors, seg.start_char, seg.end_char)
    for p in cd.places:
        if not (clause[0] <= p.start_char < clause[1]) or p.kind in _NOT_AREAS or not (p.admin1 or p.kind == "region"):
            continue
        if any(overlaps(a.start_char, a.end_char, p.start_char, p.end_char) for a in actors):
            continue
        if any(overlaps(m.start, m.end, p.start_char, p.end_char) for m in (*mentions, *named)):
            continue  # the ceasefire word or the venue itself ("the Sochi agreement")
        if (p.location_id or "").startswith("abroad:"):
            continue
        if any(_names_area(cd.text, p, m.start, m.end) for m in named):
            return p
    return None


def build_name(ag: Agreement) -> str:
    """A descriptive name: "Sochi agreement", "Turkey-Russia ceasefire of March 2020"."""
    attrs = ag.frame.attrs
    kind = attrs.get("agreement_kind") or "ceasefire"
    if ag.venue:
        return f"{ag.venue} de-escalation zones" if ag.venue == "Astana" else f"{ag.venue} agreement"
    who = "-".join(ag.parties or ag.brokers) or (f"{attrs['announced_by']}-announced" if attrs.get("announced_by") else "")
    when = f" of {ag.start.text}" if ag.start else ""
    return " ".join(p for p in (attrs.get("area"), who, kind) if p) + when


def refresh(ag: Agreement, announced_by: str | None = None) -> None:
    """The frame's parties, brokers, announcer and (unless the text gave one) name, after a merge.
    Guarantors named only as mediators stand in for the parties."""
    attrs = ag.frame.attrs
    if announced_by and not attrs.get("announced_by"):
        attrs["announced_by"] = announced_by
    if ag.parties or ag.brokers:
        attrs["parties"] = ag.parties or ag.brokers
    if ag.brokers:
        attrs["brokers"] = ag.brokers
    if not attrs.get("name") or attrs.get("name_source") == "built":
        attrs["name"] = build_name(ag)
        attrs["name_source"] = "built"
    else:
        attrs["name_source"] = "text"

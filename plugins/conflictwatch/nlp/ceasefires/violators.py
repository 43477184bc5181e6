"""Who violated: actors in the violating clause before the trigger (not objects, sources or
signatories), the agent after it ("attacks by X"), the agreement's parties when "both sides"
did, the previous sentence's attackers, and "its backers" named nearby."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conflictwatch.nlp.ceasefires.agreements import Agreements
from conflictwatch.nlp.ceasefires.lexicon import CeasefireDocument
from conflictwatch.nlp.ceasefires.parties import chain
from conflictwatch.nlp.ceasefires.triggers import Found, first_attack
from conflictwatch.nlp.kit.mentions import unique, within
from conflictwatch.nlp.kit.spans import ActorMention

_BACKERS_RE = re.compile(r"\b(?:its|their)\s+(?:main\s+)?(?:backers?|allies|supporters)\b", re.I)
_BACKER_NOUN_RE = re.compile(r"\b(?:backers?|allies|supporters|patrons)\b", re.I)
_NOT_VIOLATORS = ("UN",)


def _may_violate(a: ActorMention) -> bool:
    """Not a mediator, nor a source ("a monitor", the Observatory, a news agency): they report breaches."""
    return a.name not in _NOT_VIOLATORS and a.role != "source"


@dataclass
class Violators:
    subjects: list[ActorMention] = field(default_factory=list)  # the actors the text names as violating
    names: list[str] = field(default_factory=list)
    from_previous: bool = False  # taken from the previous sentence's attack


def is_violator(cd: CeasefireDocument, a: ActorMention, lo: int, clause: tuple[int, int] | None) -> bool:
    """An actor in the violating clause, not an object ("the suffering of X") unless it controls
    the attackers ("groups controlled by the regime"), nor the source of a claim."""
    if clause and clause[0] <= a.start_char < clause[1]:
        return False
    before = cd.text[max(lo, a.start_char - 40):a.start_char]
    if before.rfind("(") > before.rfind(")"):
        return False  # "Nusra and IS (both outlawed in Russia) continue attempts ...": an aside
    if cd.lex.match("speaker_after", cd.text[a.end_char:a.end_char + 40]):
        return False
    if cd.lex.first("controller_before", before):
        return True
    return not cd.lex.first("object_before", before[-14:])


def _passive(cd: CeasefireDocument, found: Found) -> bool:
    """"A truce agreed by X and Y ... has been violated": X and Y are the agreement's, not violators."""
    t0 = found.trigger[0]
    return found.explicit and any(m.end <= t0 for m in found.mentions) and \
        bool(cd.lex.first("passive_before", cd.text[max(found.seg.start_char, t0 - 40):t0]))


def _agents_after(cd: CeasefireDocument, found: Found) -> list[ActorMention]:
    """"attacks by X", "was launched by X" (not "a truce brokered by X")."""
    t1, end = found.trigger[1], found.seg.end_char
    return [a for a in within(cd.actors, t1, end)
            if cd.lex.first("passive_agent_before", cd.text[max(t1, a.start_char - 10):a.start_char])
            and not cd.lex.first("signatories_before", cd.text[max(t1, a.start_char - 80):a.start_char])]


def backers(cd: CeasefireDocument, si: int) -> list[str]:
    """"the regime and its backers" -> the backers this or the next two sentences name."""
    for s in cd.segs[si: si + 3]:
        for m in _BACKER_NOUN_RE.finditer(s.text):
            pos = m.end() + s.start_char
            found = chain(cd.text, pos, within(cd.actors, s.start_char, s.end_char), pos + 3, cd.lex)
            if found:
                return [a.name for a in found]
    return []


def violators_of(cd: CeasefireDocument, found: Found, clause: tuple[int, int] | None, kind: str,
                 ags: Agreements) -> Violators:
    t0 = found.trigger[0]
    lo = clause[1] if clause and clause[1] <= t0 else found.seg.start_char
    passive = _passive(cd, found)
    subj = [] if passive else [a for a in within(cd.actors, lo, t0) if is_violator(cd, a, lo, clause)]
    if not subj and (kind == "event" or passive):
        subj = _agents_after(cd, found)
    out = Violators(subj, unique([a.name for a in subj if _may_violate(a)]))
    own = ags.by_segment.get(found.si)
    if not out.names and own is not None and cd.lex.match("both_sides_after", cd.text[found.trigger[1]:found.trigger[1] + 60].lstrip()):
        out.names = list(own.parties)  # "violated by both sides": the agreement's parties
    if not out.names and found.si > 0 and not passive:
        prev = cd.segs[found.si - 1]
        if first_attack(cd, prev.text):
            out.names = unique([a.name for a in within(cd.actors, prev.start_char, prev.end_char) if _may_violate(a)])
            out.from_previous = bool(out.names)
    if _BACKERS_RE.search(cd.text[lo:t0]):
        out.names = unique(out.names + backers(cd, found.si))
    return out

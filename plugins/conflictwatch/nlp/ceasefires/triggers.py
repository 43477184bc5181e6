"""What makes a segment a violation statement: an explicit "violated / breached" with an
agreement, or an attack conceded against one ("despite a truce", "a truce took effect, but ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictwatch.nlp.ceasefires.agreements import Agreements
from conflictwatch.nlp.ceasefires.lexicon import TIMES_RE, ZONE_RE, CeasefireDocument
from conflictwatch.nlp.ceasefires.mentions import agreement_mentions, place_like
from conflictwatch.nlp.kit.clauses import Segment
from conflictwatch.nlp.kit.frames import Trigger, as_trigger
from conflictwatch.nlp.kit.terms import Hit

_BARE_NOUN_RE = re.compile(r"violations?|breach(?:es)?", re.I)
_BROKE_RE = re.compile(r"broke|broken", re.I)
_AGREEMENT_AFTER_RE = re.compile(r"\bagreements?\b|\bdeals?\b", re.I)
_BUT_RE = re.compile(r",?\s+but\s+")
_NOT_ATTACKS = ("killed", "killing", "hit")
_DIGIT_RE = re.compile(r"\d")


@dataclass
class Found:
    """A segment's violation trigger, as found."""

    si: int
    seg: Segment
    trigger: Trigger
    explicit: bool  # an explicit "violated / breached" (not a conceded attack)
    mentions: list[Hit]  # the segment's agreement mentions
    conceded: bool  # the segment concedes an agreement ("despite", "although")


def first_attack(cd: CeasefireDocument, text: str) -> re.Match | None:
    """The first attack word, not counting "killed / killing / hit" (they name the toll)."""
    for term in cd.lex["attack"]:
        for m in term.regex.finditer(text):
            if m.group(0).lower() not in _NOT_ATTACKS:
                return m
    return None


def _explicit(cd: CeasefireDocument, text: str, mentions: list[Hit], off: int) -> re.Match | None:
    """"violated the truce", "in breach of a ceasefire"; not a bare noun with no count ("Violations
    of ceasefire deals" as a heading) nor a collapse ("the ceasefire which broke down")."""
    viol = cd.lex.first("violation", text)
    if viol is None:
        return None
    if _BARE_NOUN_RE.fullmatch(viol.group(0)) and not TIMES_RE.search(text) \
            and not cd.lex.first("violation_noun_lead", text[:viol.start()]):
        return None
    if mentions and _BROKE_RE.fullmatch(viol.group(0)) and any(
            m.end - off <= viol.start() and cd.lex.match("collapse_after", text[m.start - off:]) for m in mentions):
        return None
    if mentions or _AGREEMENT_AFTER_RE.search(text[viol.end():viol.end() + 40]):
        return viol
    return None


def _contrasted(cd: CeasefireDocument, text: str, mentions: list[Hit], off: int, attack: re.Match) -> bool:
    """"A truce took effect on Saturday, but regime forces shelled X hours later"."""
    but = _BUT_RE.search(text)
    return bool(but and mentions and mentions[0].end - off <= but.start() < attack.start()
                and cd.lex.first("in_force", text[:but.start()]))


def _conceded_attack(cd: CeasefireDocument, seg: Segment, mentions: list[Hit], any_ceasefire: bool,
                     ags: Agreements) -> re.Match | None:
    text, off = seg.text, seg.start_char
    attack = first_attack(cd, text)
    if attack is None:
        return None
    concessive = cd.lex.first("concessive", text)
    zone = next((z for z in ZONE_RE.finditer(text) if not place_like(text, z.start(), z.start() + len(z.group(1)))), None)
    if (mentions and concessive and concessive.start() <= mentions[0].start - off < concessive.end() + 80) \
            or (zone and any_ceasefire and attack.start() < zone.start() + 60) or _contrasted(cd, text, mentions, off, attack):
        return attack
    if concessive and any(a.mention_start < off for a in ags.found):
        deal = cd.lex.first("deal_conceded", text)  # "Despite the deal there has been ...": the deal found earlier
        if deal and attack.start() > deal.start():
            return attack
    return None


def find_trigger(cd: CeasefireDocument, si: int, ags: Agreements, any_ceasefire: bool) -> Found | None:
    seg = cd.segs[si]
    text, off = seg.text, seg.start_char
    mentions = agreement_mentions(seg, cd.lex)
    viol = _explicit(cd, text, mentions, off)
    m = viol or _conceded_attack(cd, seg, mentions, any_ceasefire, ags)
    if m is None:
        return None
    if cd.lex.first("generalisation", text) and not _DIGIT_RE.search(text):
        return None  # "every time Russia declares a truce it is the first to violate it"
    if len(text.split()) < 8 and not _DIGIT_RE.search(text):
        return None  # a headline-like fragment ("Violations of ceasefire deals")
    return Found(si, seg, as_trigger(m, off), viol is not None, mentions, bool(cd.lex.first("concessive", text)))

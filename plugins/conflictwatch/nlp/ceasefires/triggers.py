"""What makes a segment a violation statement: an explicit "violated / breached" with an
agreement, or an attack conceded against one ("despite a truce", "a truce took effect, but ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictwatch.nlp.ceasefires.agreements import Agreements
from conflictwatch.nlp.ceasefires.lexicon import TIMES_RE, CeasefireDocument, cue_filter
from conflictwatch.nlp.ceasefires.mentions import agreement_mentions
from conflictwatch.nlp.kit.clauses import Segment
from conflictwatch.nlp.kit.frames import Trigger, as_trigger
from conflictwatch.nlp.kit.terms import Hit

_BARE_NOUN_RE = re.compile(r"violations?|breach(?:es)?", re.I)
_BROKE_RE = re.compile(r"broke|broken", re.I)
_AGREEMENT_AFTER_RE = re.compile(r"\bagreements?\b|\bdeals?\b", re.I)
_AGREEMENT_OBJECT_RE = re.compile(r"\s*(?:of|to|in|against|on|since)\s+(?:[\w\"“”-]+\s+){0,4}?(?:agreements?|deals?)\b", re.I)
_HEDGE_BEFORE_RE = re.compile(r"\b(?:could|would|may|might|threat\w*|risk\w*|warn\w*|fear\w*)\b(?:\s+\w+){0,2}\s*$", re.I)
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
    general: bool = False  # violence in general ("the deaths come despite ..."): many attacks, an aggregate


def first_attack(cd: CeasefireDocument, text: str) -> re.Match | None:
    """The first attack word, not counting "killed / killing / hit" (they name the toll)."""
    for term in cd.lex["attack"]:
        for m in term.regex.finditer(text):
            if m.group(0).lower() not in _NOT_ATTACKS:
                return m
    return None


def _object_of(cd: CeasefireDocument, text: str, end: int, mentions: list[Hit], off: int) -> bool:
    """An agreement is the object of the word ending at `end` ("a breach of the truce", "another
    violation to the truce", "breaches since the agreement came into effect")."""
    if any(m.start - off >= end and cd.lex.match("noun_object_after", text[end:m.start - off]) for m in mentions):
        return True
    return bool(_AGREEMENT_OBJECT_RE.match(text[end:end + 60]))


def _explicit(cd: CeasefireDocument, text: str, mentions: list[Hit], off: int) -> re.Match | None:
    """"violated the truce", "in breach of a ceasefire", "another violation to the truce"; not a
    bare noun with no count and no agreement as its object ("Violations of ceasefire deals" as a
    heading) nor a collapse ("the ceasefire which broke down")."""
    viol = cd.lex.first("violation", text)
    if viol is None:
        return None
    if _BARE_NOUN_RE.fullmatch(viol.group(0)) and not TIMES_RE.search(text) \
            and not cd.lex.first("violation_noun_lead", text[:viol.start()]) and not _object_of(cd, text, viol.end(), mentions, off):
        return None
    if mentions and _BROKE_RE.fullmatch(viol.group(0)) and any(
            m.end - off <= viol.start() and cd.lex.match("collapse_after", text[m.start - off:]) for m in mentions):
        return None
    if mentions or _AGREEMENT_AFTER_RE.search(text[viol.end():viol.end() + 40]):
        return viol
    return None


def _undermined(cd: CeasefireDocument, text: str, mentions: list[Hit], off: int) -> re.Match | None:
    """"continue attempts to break down the cessation of hostilities": an agreement as the object
    of breaking or undermining it (not "the truce broke down", where it is the subject)."""
    for m in mentions:
        for verb in cd.lex["undermine_verb"]:
            for v in verb.regex.finditer(text[:m.start - off]):
                hedged = _HEDGE_BEFORE_RE.search(text[max(0, v.start() - 30):v.start()])
                if len(text[v.end():m.start - off].split()) <= 5 and not hedged:
                    return v
    return None


def _contrasted(cd: CeasefireDocument, text: str, mentions: list[Hit], off: int, attack: re.Match) -> bool:
    """"A truce took effect on Saturday, but regime forces shelled X hours later"."""
    but = _BUT_RE.search(text)
    return bool(but and mentions and mentions[0].end - off <= but.start() < attack.start()
                and cd.lex.first("in_force", text[:but.start()]))


def _conceded(cd: CeasefireDocument, seg: Segment, mentions: list[Hit], ags: Agreements) -> tuple[re.Match, bool] | None:
    """An attack (or violence in general) conceded against an agreement: "despite a truce",
    "although a truce was in place", "instead of honouring the agreement", "a truce took effect,
    but ..."; (the trigger, whether it is violence in general)."""
    text, off = seg.text, seg.start_char
    attack = first_attack(cd, text)
    violence = cd.lex.first("violence_noun", text)
    event = attack or violence
    if event is None:
        return None
    general = attack is None
    concessive = cd.lex.first("concessive", text)
    if mentions and concessive and concessive.start() <= mentions[0].start - off < concessive.end() + 80:
        return event, general
    if attack is not None and _contrasted(cd, text, mentions, off, attack):
        return attack, False
    if concessive and any(a.mention_start < off for a in ags.found):
        deal = cd.lex.first("deal_conceded", text)  # "Despite the deal there has been ...": the deal found earlier
        if deal and event.start() > deal.start():
            return event, general
    return None


def find_trigger(cd: CeasefireDocument, si: int, ags: Agreements) -> Found | None:
    seg = cd.segs[si]
    text, off = seg.text, seg.start_char
    if not (cue_filter(cd.lex).search(text) or (ags.found and cd.lex.first("concessive", text))):
        return None  # no agreement mention, no violation word, and no agreement found before to concede
    mentions = agreement_mentions(seg, cd.lex)
    viol = _explicit(cd, text, mentions, off)
    undermined = None if viol else _undermined(cd, text, mentions, off)
    conceded = None if viol or undermined else _conceded(cd, seg, mentions, ags)
    m = viol or undermined or (conceded[0] if conceded else None)
    if m is None:
        return None
    if len(text.split()) < 8 and not _DIGIT_RE.search(text):
        return None  # a headline-like fragment ("Violations of ceasefire deals")
    general = undermined is not None or bool(conceded and conceded[1])
    return Found(si, seg, as_trigger(m, off), viol is not None or undermined is not None, mentions,
                 bool(cd.lex.first("concessive", text)), general)

"""Who made an agreement: actors listed after "between / brokered by / agreed by", before
"agreed / signed / held", around "with", in a hyphenated pair; and who announced it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conflictwatch.nlp.ceasefires.lexicon import COUNTRY_OF, HYPHEN_PAIR_RE, modifier_pattern
from conflictwatch.nlp.kit.clauses import Segment
from conflictwatch.nlp.kit.mentions import unique
from conflictwatch.nlp.kit.spans import ActorMention, text_of
from conflictwatch.nlp.kit.terms import Lexicon

_RELATIVE_CLAUSE_RE = re.compile(r"\s*[-–—]\s*(?:which|who)\b[^,–—]*[,–—]")
_WITH_RE = re.compile(r"\S+(?:\s+[\w-]+){0,2}?\s+with\s+")
_LIST_GAP = r"\s*,?\s*(?:and|&)?\s*(?:the\s+)?"
_AUXILIARIES = r"\s*(?:(?:has|have|had)(?:\s+been)?\s+)?"
_POSSESSIVE_GAP_RE = re.compile(r"(?:['’]s)?\s+(?:[\w-]+\s+){0,4}")
_ANNOUNCE_GAP = 40


@dataclass
class Parties:
    parties: list[str] = field(default_factory=list)
    brokers: list[str] = field(default_factory=list)
    announced_by: str | None = None
    possessed: bool = False  # "Russia's ceasefire": a ceasefire someone has is one in force


def chain(text: str, pos: int, actors: list[ActorMention], limit: int, lex: Lexicon) -> list[ActorMention]:
    """Actors listed from `pos` on ("Moscow and Ankara", "Turkey, Russia, and Iran"); the first must
    start by `limit` (after an optional "the" and a modifier: "regime allies Iran")."""
    modifier = modifier_pattern(lex)
    # "agreed by regime allies Iran and Russia": "regime" modifies "allies" and is no party itself
    heads = "|".join(t.regex.pattern for t in lex["modifier_head"])
    actors = [a for a in actors if not re.match(r"\s+(?:" + heads + r")", text[a.end_char:a.end_char + 20], re.I)]
    out: list[ActorMention] = []
    cur = pos
    for a in sorted((a for a in actors if a.start_char >= pos), key=lambda a: a.start_char):
        if a.start_char < cur:
            continue
        if out:
            rel = _RELATIVE_CLAUSE_RE.match(text[cur:])  # "Moscow – which supports the regime ..., and Ankara"
            if rel:
                cur += rel.end()
                if a.start_char < cur:
                    continue
        gap = text[cur:a.start_char]
        if not out and a.start_char > limit and not re.fullmatch(r"\s*(?:the\s+)?" + modifier + r"?", gap, re.I):
            break
        # one hyphenated modifier is allowed: "government forces and non-jihadist rebels"
        if out and not re.fullmatch(r"\s*,?\s*(?:and|&)?\s*(?:the\s+)?(?:its\s+)?(?:[a-z]+-[a-z-]+\s+)?" + modifier + r"?", gap, re.I):
            break
        out.append(a)
        cur = a.end_char
    return out


def chain_before(text: str, pos: int, actors: list[ActorMention], floor: int) -> list[ActorMention]:
    """Actors listed right before `pos`: "Turkey, Russia, and Iran held"."""
    out: list[ActorMention] = []
    cur = pos
    for a in sorted((a for a in actors if floor <= a.start_char and a.end_char <= pos), key=lambda a: -a.start_char):
        if not re.fullmatch(_AUXILIARIES if not out else _LIST_GAP, text[a.end_char:cur], re.I):
            break
        out.insert(0, a)
        cur = a.start_char
    return out


def _after(seg: Segment, category: str, actors: list[ActorMention], lex: Lexicon) -> list[str]:
    text, off = text_of(seg.doc), seg.start_char
    return [a.name for h in lex.find(category, seg.text, off) for a in chain(text, h.end, actors, h.end + 3, lex)]


def _with(seg: Segment, actors: list[ActorMention], mention: int, lex: Lexicon) -> list[str]:
    """"had a local truce with the regime": the actor before the mention and those after "with"."""
    text = text_of(seg.doc)
    w = _WITH_RE.match(text[mention:mention + 60])
    if not w:
        return []
    after = [a.name for a in chain(text, mention + w.end(), actors, mention + w.end() + 4, lex)]
    if not after:
        return []
    before = [a for a in actors if a.end_char <= mention and mention - a.end_char < 60
              and not re.search(r"[,;]", text[a.end_char:mention])]
    return [a.name for a in before[-1:]] + after


def _before_verbs(seg: Segment, actors: list[ActorMention], lex: Lexicon) -> list[str]:
    """"Turkey, Russia and Iran agreed": two or more actors, or one before held/signed/agreed."""
    out: list[str] = []
    for h in lex.find("party_verb", seg.text, seg.start_char):
        before = chain_before(text_of(seg.doc), h.start, actors, seg.start_char)
        if len(before) >= 2 or (before and lex.matches("strong_party_verb", h.text.lower())):
            out += [a.name for a in before]
    return out


def _hyphen_pairs(seg: Segment) -> list[str]:
    out: list[str] = []
    for m in HYPHEN_PAIR_RE.finditer(seg.text):
        out += [COUNTRY_OF.get(m.group(1).lower(), m.group(1)), COUNTRY_OF.get(m.group(2).lower(), m.group(2))]
    return out


def announcer(seg: Segment, actors: list[ActorMention], mention: int, lex: Lexicon) -> str | None:
    """Who announced the agreement: the subject of "announced / declared" right before the mention
    ("Russia's Defence Ministry declared a 48-hour truce"), the agent of "announced by" after it, or
    the possessor of a claim or promise of it ("Russia's claims about a halt to the bombing")."""
    text = text_of(seg.doc)
    for h in lex.find("announce", text[max(seg.start_char, mention - _ANNOUNCE_GAP - 20):mention], max(seg.start_char, mention - _ANNOUNCE_GAP - 20)):
        if mention - h.end > _ANNOUNCE_GAP or "," in text[h.end:mention]:
            continue
        subj = [a for a in actors if a.end_char <= h.start and h.start - a.end_char < 40]
        if subj and (len(subj) == 1 or not re.search(r"[,;]", text[subj[-1].end_char:h.start])):
            return subj[-1].name
    by = re.match(r"\S*\s+(?:[\w-]+\s+){0,3}?(?:announced|declared)\s+(?:[\w-]+\s+){0,3}?by\s+", text[mention:mention + 70], re.I)
    if by:
        found = chain(text, mention + by.end(), actors, mention + by.end() + 4, lex)
        if found:
            return found[0].name
    return next((a.name for a in _possessors(seg, actors, mention) if lex.first("announcement_of", text[a.end_char:mention])), None)


def _possessors(seg: Segment, actors: list[ActorMention], mention: int) -> list[ActorMention]:
    """An actor in the possessive right before the mention ("Russia's unilateral ceasefire",
    "Russias claims about a halt"): lost apostrophes leave "Russias"."""
    text = text_of(seg.doc)
    out = []
    for a in actors:
        if a.end_char > mention or mention - a.end_char > 60:
            continue
        lost_apostrophe = a.text.lower() == a.name.lower() + "s"  # "Russias", never "rebels"
        possessive = lost_apostrophe or text[a.end_char:a.end_char + 2] in ("'s", "’s")
        if possessive and _POSSESSIVE_GAP_RE.fullmatch(text[a.end_char:mention]):
            out.append(a)
    return out


def parties_of(seg: Segment, actors: list[ActorMention], mention: int, lex: Lexicon) -> Parties:
    """The agreement's parties, brokers and announcer as the segment names them (`actors` are the
    segment's). A possessor of the ceasefire itself ("Russia's unilateral ceasefire") is its party."""
    text = text_of(seg.doc)
    parties = _after(seg, "between", actors, lex) + _with(seg, actors, mention, lex)
    parties += _after(seg, "by_party", actors, lex) + _before_verbs(seg, actors, lex) + _hyphen_pairs(seg)
    owners = [a.name for a in _possessors(seg, actors, mention) if not lex.first("announcement_of", text[a.end_char:mention])]
    brokers = _after(seg, "by_broker", actors, lex)
    by = announcer(seg, actors, mention, lex)
    if by and by in parties + owners and len(parties + owners) > 1:
        by = None
    return Parties(unique(parties + owners), unique(brokers), by, bool(owners))

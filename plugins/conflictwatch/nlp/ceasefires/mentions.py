"""Where a segment mentions a ceasefire: the ceasefire words that are neither a call, a place
("the ceasefire line"), a tag list, nor a zone named as the place of something else."""

from __future__ import annotations

import re

from conflictwatch.nlp.ceasefires.lexicon import EXPLICIT_NAME_RE, VENUES
from conflictwatch.nlp.kit.clauses import Segment
from conflictwatch.nlp.kit.terms import Hit, Lexicon

_STRONG_RE = re.compile(r"de-?escalation|cease|truce|hostilities", re.I)
_LINE_AFTER_RE = re.compile(r"\s+lines?\b", re.I)
_ZONE_AFTER_RE = re.compile(r"\s+(?:zones?|areas?)\b", re.I)
_OUTSIDE_BEFORE_RE = re.compile(r"\boutside\s+(?:of\s+)?(?:the\s+|a\s+)?(?:[\w-]+\s+)?$", re.I)
_IN_A_BEFORE_RE = re.compile(r"\b(?:in|inside|within)\s+(?:a|an|one of the)\s+(?:[\w-]+\s+)?$", re.I)
_ZONE_END_RE = re.compile(r"(?:zones?|areas?)$", re.I)
_TAGS_RE = re.compile(r"\bTags:?\s+((?:[\w'’-]+\s+){0,15})$")
_CALL_BREAK_RE = re.compile(r"[,;]|\b(?:after|when|but|although)\b", re.I)
_SYRIA_RE = re.compile(r"\bSyria")


def place_like(text: str, s: int, e: int) -> bool:
    """A ceasefire word used as a place: "the Golan ceasefire line", "outside the ceasefire zone"."""
    if _LINE_AFTER_RE.match(text[e:e + 12]):
        return True
    return bool(_ZONE_AFTER_RE.match(text[e:e + 12])) and bool(_OUTSIDE_BEFORE_RE.search(text[max(0, s - 40):s]))


def in_tag_list(text: str, rel: int, lex: Lexicon) -> bool:
    """A keyword list ("Tags Syria Airstrikes Truce Ceasefire Assad ..."): no statement."""
    m = _TAGS_RE.search(text[max(0, rel - 160):rel])
    return bool(m) and not lex.first("function_word", m.group(1))


def located_in_zone(text: str, s: int, e: int) -> bool:
    """"(strikes killed four) in a de-escalation zone": a zone named as the place of something."""
    zone = _ZONE_END_RE.search(text[s:e]) or _ZONE_AFTER_RE.match(text[e:e + 10])
    return bool(zone) and bool(_IN_A_BEFORE_RE.search(text[max(0, s - 30):s]))


def is_call(text: str, rel: int, lex: Lexicon) -> bool:
    """A call, push or attempt for a ceasefire ("called for a ceasefire", "efforts to reach a
    truce"): the call governs the mention when only a short noun phrase lies between."""
    window = text[max(0, rel - 45):rel]
    m = lex.last("call", window)
    if m is None:
        return False
    between = window[m.end():]
    return len(between.split()) <= 5 and not _CALL_BREAK_RE.search(between)


def ceasefire_words(seg: Segment, lex: Lexicon) -> list[Hit]:
    """The segment's ceasefire words and venues; a bare "agreement"/"deal" only next to a venue,
    a halt to the fighting or a ceasefire word; none in a sentence about a conflict abroad."""
    text, off = seg.text, seg.start_char
    found = [h for h in lex.find("agreement", text, off)
             if not place_like(text, h.start - off, h.end - off) and not in_tag_list(text, h.start - off, lex)]
    if found and lex.first("foreign", text) and not _SYRIA_RE.search(text):
        return []  # "a three-year ceasefire between Ankara and the PKK": a conflict outside Syria
    venues = lex.find("venue", text, off)
    strong = [h for h in found if h.canonical != "agreement" or _STRONG_RE.search(h.text)]
    if strong or venues or (found and lex.first("halt", text)):
        return sorted(found + venues)
    return []


def agreement_mentions(seg: Segment, lex: Lexicon) -> list[Hit]:
    """Ceasefire words that are not a call for one."""
    return [h for h in ceasefire_words(seg, lex) if not is_call(seg.text, h.start - seg.start_char, lex)]


def is_venue(hit: Hit) -> bool:
    return hit.canonical in VENUES


def explicit_name(text: str, lex: Lexicon) -> str | None:
    """A capitalised name the text gives ("the Sochi Memorandum", "Astana Agreement")."""
    m = EXPLICIT_NAME_RE.search(text)
    if m is None or in_tag_list(text, m.start(), lex) or re.match(r"Tags\b", m.group(1)):
        return None
    if re.match(r"(?:The|A|An|This|That|However|But)\s", m.group(1)):
        return None
    return m.group(1).strip()

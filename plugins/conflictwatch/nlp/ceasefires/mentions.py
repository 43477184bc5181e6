"""Where a segment mentions a ceasefire: the ceasefire words that are neither a call, a place
("the ceasefire line"), a tag list, nor a zone named as the place of something else."""

from __future__ import annotations

import re

from conflictwatch.nlp.ceasefires.lexicon import EXPLICIT_NAME_RE, VENUES
from conflictwatch.nlp.kit.clauses import Segment, in_title_case
from conflictwatch.nlp.kit.terms import Hit, Lexicon

_STRONG_RE = re.compile(r"de-?escalation|cease|truce|hostilities|halt|pause|respite|lull", re.I)
_LINE_AFTER_RE = re.compile(r"\s+lines?\b", re.I)
_ZONE_AFTER_RE = re.compile(r"\s+(?:zones?|areas?)\b", re.I)
_OUTSIDE_BEFORE_RE = re.compile(r"\boutside\s+(?:of\s+)?(?:the\s+|a\s+)?(?:[\w-]+\s+)?$", re.I)
_IN_A_BEFORE_RE = re.compile(r"\b(?:in|inside|within)\s+(?:a|an|one of the)\s+(?:[\w-]+\s+)?[\"“”']?$", re.I)
_ZONE_END_RE = re.compile(r"(?:zones?|areas?)$", re.I)
_TAGS_RE = re.compile(r"\bTags:?\s+((?:[\w'’-]+\s+){0,15})$")
_INDEFINITE_BEFORE_RE = re.compile(r"\b(?:a|an|any|another)\s+(?:[\w-]+\s+)?$", re.I)
_CALL_BREAK_RE = re.compile(r"[,;]|\b(?:after|when|but|although)\b", re.I)


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


def is_call(text: str, rel: int, end: int, lex: Lexicon) -> bool:
    """A call, push, plan or attempt for a ceasefire ("called for a ceasefire", "efforts to reach a
    truce", "a deal is being negotiated"): the call governs the mention when only a short noun phrase
    lies between; an attempt against one ("attempts to break down the truce") is no call for it."""
    if lex.match("call_after", text[end:end + 40]):
        return True
    window = text[max(0, rel - 45):rel]
    m = lex.last("call", window)
    if m is None:
        return False
    between = window[m.end():]
    return len(between.split()) <= 5 and not _CALL_BREAK_RE.search(between) and not lex.first("undermine_verb", between)


def ceasefire_words(seg: Segment, lex: Lexicon, ceasefire_document: bool = False) -> list[Hit]:
    """The segment's ceasefire words, and its venues where something was concluded there ("agreed
    in Sochi"; not "talks held in Astana"). A bare "agreement"/"deal" counts next to a venue, a halt
    to the fighting or a ceasefire word, or, in a document about a ceasefire, when the text says
    who brokered it ("an agreement brokered by Turkey and Russia")."""
    text, off = seg.text, seg.start_char
    found = [h for h in lex.find("agreement", text, off)
             if not place_like(text, h.start - off, h.end - off) and not in_tag_list(text, h.start - off, lex)]
    strong = [h for h in found if h.canonical != "agreement" or _STRONG_RE.search(h.text)]
    venues = [v for v in lex.find("venue", text, off) if strong or lex.first("concluding_verb", text)
              or any(0 <= h.start - v.end <= 1 for h in found)]  # "the Sochi agreement"
    if strong or venues or (found and lex.first("halt", text)):
        return sorted(found + venues)
    if ceasefire_document:
        return [h for h in found if lex.match("by_broker", re.sub(r"^\S*\s+", "", text[h.end - off:h.end - off + 40]))]
    return []


def agreement_mentions(seg: Segment, lex: Lexicon, ceasefire_document: bool = False) -> list[Hit]:
    """Ceasefire words that are not a call for one."""
    off = seg.start_char
    return [h for h in ceasefire_words(seg, lex, ceasefire_document) if not is_call(seg.text, h.start - off, h.end - off, lex)]


def is_venue(hit: Hit) -> bool:
    return hit.canonical in VENUES


def explicit_name(text: str, lex: Lexicon) -> str | None:
    """A name the text gives: capitalised ("the Sochi Memorandum", "Astana Agreement"), or one the
    reports use as a name ("the cessation of hostilities", "the de-escalation zones agreement")."""
    named = lex.first("named_agreement", text)
    if named and not _INDEFINITE_BEFORE_RE.search(text[:named.start()]):
        return named.group(0)  # "a cessation of hostilities" is any, not the one of that name
    m = EXPLICIT_NAME_RE.search(text)
    if m and in_title_case(text, m.start(1), m.end(1)):
        return None  # a headline's capitals are no name
    if m is None or in_tag_list(text, m.start(), lex) or re.match(r"Tags\b", m.group(1)):
        return None
    if re.match(r"(?:The|A|An|This|That|However|But)\s", m.group(1)):
        return None
    return m.group(1).strip()

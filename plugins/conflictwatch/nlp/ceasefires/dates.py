"""An agreement's dates: when it started (or starts) and when it was announced.

A date is the start when the text ties it to the mention: right before it ("On February 27 a
ceasefire", "the September 12 truce"), or after it in the same stretch of clause ("a truce agreed
in February", "took effect on Monday"). Where the mention is the object of a violation, of its
end or of a concession ("violated the truce on Monday", "declared the ceasefire over on Monday",
"killed ... on Monday despite a truce"), only a date after a start cue is its start. An age
("week-old ceasefire") or a time in force ("had kept the town calm for two years") dates it too.
"""

from __future__ import annotations

import datetime as dt
import re

from conflictwatch.nlp.kit.clauses import Segment
from conflictwatch.nlp.kit.dates import resolve
from conflictwatch.nlp.kit.numbers import word_value
from conflictwatch.nlp.kit.spans import ActorMention, DateMention, text_of
from conflictwatch.nlp.kit.terms import Lexicon

_TIED_BREAK_RE = re.compile(r"[;:]|\s[–—]\s", re.I)
_COMMA_RE = re.compile(r",\s")
_WHEN_RE = re.compile(r",\s+(?:when|as)\b", re.I)
_ON_THAT_RE = re.compile(r"\s*(?:on|that)?\s*")
_WORD_RE = re.compile(r"[\w'’-]+")
_AGE_RE = re.compile(r"\b(?:(?P<n>\w+)-)?(?P<unit>day|week|month|year)-old\s+(?:[\w-]+\s+){0,2}$", re.I)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_UNIT_PRECISION = {"day": "day", "week": "week", "month": "month", "year": "year"}
MAX_BEFORE_WORDS = 8
_OWN_PHRASE_WORDS = 2


def _before_ok(text: str, d: DateMention, mention: int, actors: list[ActorMention], lex: Lexicon) -> bool:
    """Only determiners, modifiers, actors and verbs of making an agreement between the date and it."""
    gap = text[d.end_char:mention]
    for a in actors:
        if d.end_char <= a.start_char and a.end_char <= mention:
            gap = gap.replace(text[a.start_char:a.end_char], " ")
    words = [w for w in (w.strip("-'’") for w in _WORD_RE.findall(gap)) if w]
    return len(words) <= MAX_BEFORE_WORDS and all(lex.matches("start_gap_word", w) for w in words)


def tied(text: str, d: DateMention, mention: int, actors: list[ActorMention], lex: Lexicon) -> bool:
    """A date belongs to the agreement mention when only a short, unbroken stretch of the same
    clause lies between them, and it is not the date of an attack named just before it."""
    lo, hi = (d.end_char, mention) if d.end_char <= mention else (mention, d.start_char)
    between = text[lo:hi]
    if len(between) > 130 or _TIED_BREAK_RE.search(between) or lex.first("attack_between", between):
        return False
    if d.end_char <= mention:
        if _COMMA_RE.search(between) and not _WHEN_RE.search(between):
            return False
        if not _before_ok(text, d, mention, actors, lex):
            return False
    elif lex.first("date_gap_breaker", between):
        return False
    return not lex.first("attack_before", text[max(0, d.start_char - 40):d.start_char])


def _announced(seg: Segment, dates: list[DateMention], starts: list[int], lex: Lexicon) -> DateMention | None:
    """"On January 10, Turkey announced ... would start on January 12": the date by the announcement."""
    ann = lex.first("announce", seg.text)
    if ann is None or len(dates) < 2:
        return None
    text = text_of(seg.doc)
    a_pos, a_end = ann.start() + seg.start_char, ann.end() + seg.start_char
    found = None
    for d in dates:
        before = text[d.end_char:a_pos] if d.end_char <= a_pos else None
        after = text[a_end:d.start_char] if d.start_char >= a_end else None
        if (before is not None and len(before) < 40 and not any(d.start_char < s <= a_pos for s in starts)) or \
                (after is not None and _ON_THAT_RE.fullmatch(after)):
            found = d
    return found


def context_of(text: str, mention: int, lex: Lexicon) -> str | None:
    """"ended", "violated" or "conceded" when the mention is the object of one ("the collapse of a
    truce", "violated the truce", "despite a truce"), else None."""
    before, after = text[max(0, mention - 50):mention], text[mention:mention + 60]
    if lex.first("ended_before", before) or lex.match("ended_after", after):
        return "ended"
    if lex.first("violated_before", text[max(0, mention - 40):mention]) or lex.match("violated_after", after):
        return "violated"
    if lex.first("conceded_before", before):
        return "conceded"
    return None


def start_and_announced(seg: Segment, dates: list[DateMention], mention: int, actors: list[ActorMention],
                        lex: Lexicon) -> tuple[DateMention | None, DateMention | None]:
    """The start: a date tied to the mention after a start cue ("took effect on"), else (unless the
    mention is the object of an end, a violation or a concession) the tied date nearest it; never
    a superseded plan ("initially scheduled to start on"). The announcement's date is told apart."""
    if not dates:
        return None, None
    text = text_of(seg.doc)
    starts = [h.end for h in lex.find("start_cue", seg.text, seg.start_char)]
    announced = _announced(seg, dates, starts, lex)
    rest = [d for d in dates if d is not announced
            and not lex.first("superseded_before", text[max(seg.start_char, d.start_char - 60):d.start_char])]
    near = [d for d in rest if tied(text, d, mention, actors, lex)]
    after_cue = [d for d in near if any(0 <= d.start_char - s < 40 for s in starts)]
    if after_cue:
        return after_cue[0], announced
    if context_of(text, mention, lex) is not None:
        # "the September 12 truce ... collapsed", "despite a ceasefire that Turkey and Russia brokered
        # in December": a date in the mention's own phrase is still its start
        near = [d for d in near if (d.end_char <= mention and len(_WORD_RE.findall(text[d.end_char:mention])) <= _OWN_PHRASE_WORDS)
                or (d.start_char > mention and lex.first("making_verb", text[mention:d.start_char]))]
    if near:
        return min(near, key=lambda d: abs(d.start_char - mention)), announced
    return None, announced


def _ago(start: int, end: int, text: str, n: float, unit: str) -> DateMention:
    unit = unit.lower().rstrip("s")
    return DateMention(start, end, text, "relative", offset_days=-round(n * _UNIT_DAYS[unit]),
                       precision=_UNIT_PRECISION[unit])


def implied_start(seg: Segment, mention: int, clause_end: int, lex: Lexicon) -> DateMention | None:
    """A start the text implies: an age before the mention ("Syria's fragile week-old ceasefire":
    a week before the report) or a time in force after it ("had kept the town calm for over two
    years"), as a date relative to the report at that precision."""
    text = text_of(seg.doc)
    age = _AGE_RE.search(text[max(seg.start_char, mention - 40):mention])
    if age:
        n = word_value(age.group("n")) if age.group("n") else 1
        if n is not None:
            s = max(seg.start_char, mention - 40) + age.start()
            return _ago(s, s + len(age.group(0).rstrip()), age.group(0).strip(), n, age.group("unit"))
    held = lex.first("in_force_for", text[mention:clause_end])
    if held:
        n = word_value(held.group("n"))
        if n is not None:
            return _ago(mention + held.start(), mention + held.end(), held.group(0), n, held.group("unit"))
    return None


def ahead(d: DateMention | None, text: str, reference: dt.date | None, announced: DateMention | None,
          lex: Lexicon) -> DateMention | None:
    """A weekday the text puts ahead ("a ceasefire would begin Monday", "set to begin on Thursday")
    is the next such day after it was said (the announcement's day when the text gives it, else the
    report's), not the last one: a date relative to the report."""
    if d is None or d.kind != "weekday" or d.weekday is None or reference is None:
        return d
    if not lex.first("future_cue", text[max(0, d.start_char - 40):d.start_char]):
        return d
    said = resolve(announced, reference)[0] if announced is not None else None
    said = said or reference
    day = said + dt.timedelta(days=(d.weekday - said.isoweekday()) % 7)
    return DateMention(d.start_char, d.end_char, d.text, "relative", offset_days=(day - reference).days, precision="day")

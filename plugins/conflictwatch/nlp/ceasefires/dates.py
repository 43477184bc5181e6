"""An agreement's dates: when it started (or starts) and when it was announced."""

from __future__ import annotations

import re

from conflictwatch.nlp.kit.clauses import Segment
from conflictwatch.nlp.kit.spans import DateMention
from conflictwatch.nlp.kit.terms import Lexicon

_TIED_BREAK_RE = re.compile(r"[;:]|\s[–—]\s", re.I)
_COMMA_RE = re.compile(r",\s")
_WHEN_RE = re.compile(r",\s+(?:when|as)\b", re.I)
_ON_THAT_RE = re.compile(r"\s*(?:on|that)?\s*")


def tied(text: str, d: DateMention, mention: int, lex: Lexicon) -> bool:
    """A date belongs to the agreement mention when only a short, unbroken stretch of the same
    clause lies between them, and it is not the date of an attack named just before it."""
    lo, hi = (d.end_char, mention) if d.end_char <= mention else (mention, d.start_char)
    between = text[lo:hi]
    if len(between) > 130 or _TIED_BREAK_RE.search(between) or lex.first("attack_between", between):
        return False
    if d.end_char <= mention and _COMMA_RE.search(between) and not _WHEN_RE.search(between):
        return False
    return not lex.first("attack_before", text[max(0, d.start_char - 40):d.start_char])


def _announced(seg: Segment, dates: list[DateMention], starts: list[int], lex: Lexicon) -> DateMention | None:
    """"On January 10, Turkey announced ... would start on January 12": the date by the announcement."""
    ann = lex.first("announce", seg.text)
    if ann is None or len(dates) < 2:
        return None
    text = seg.doc.text
    a_pos, a_end = ann.start() + seg.start_char, ann.end() + seg.start_char
    found = None
    for d in dates:
        before = text[d.end_char:a_pos] if d.end_char <= a_pos else None
        after = text[a_end:d.start_char] if d.start_char >= a_end else None
        if (before is not None and len(before) < 40 and not any(d.start_char < s <= a_pos for s in starts)) or \
                (after is not None and _ON_THAT_RE.fullmatch(after)):
            found = d
    return found


def start_and_announced(seg: Segment, dates: list[DateMention], mention: int,
                        lex: Lexicon) -> tuple[DateMention | None, DateMention | None]:
    """The start: a date tied to the mention after a start cue ("took effect on"), else the tied
    date nearest the mention; never a superseded plan ("initially scheduled to start on") nor the
    date of a collapse. The announcement's date is told apart from it."""
    if not dates:
        return None, None
    text = seg.doc.text
    starts = [h.end for h in lex.find("start_cue", seg.text, seg.start_char)]
    announced = _announced(seg, dates, starts, lex)
    rest = [d for d in dates if d is not announced
            and not lex.first("superseded_before", text[max(seg.start_char, d.start_char - 60):d.start_char])]
    near = [d for d in rest if tied(text, d, mention, lex)]
    after_cue = [d for d in near if any(0 <= d.start_char - s < 40 for s in starts)]
    if lex.match("ended_after", text[mention:mention + 60]):
        near = []  # the date of a collapse is not the start of the agreement
    if after_cue:
        return after_cue[0], announced
    if near:
        return min(near, key=lambda d: abs(d.start_char - mention)), announced
    return None, announced

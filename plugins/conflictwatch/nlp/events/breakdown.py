"""A toll broken down by place: "nine in A, eight in B, two each in C and D".

Reports often give one total and then the dead place by place in elliptical clauses that have no
verb of their own. A sentence is a breakdown when it lists two or more "count ... in/at <place>"
segments and reads as a casualty report (a casualty word in it, or a count in the sentence
before it). Each segment gives its places their own figure ("each": every place gets it;
otherwise one place gets it, several share it as ACLED divides a shared figure).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from spacy.tokens import Span

from conflictwatch.nlp.kit import numbers as nums
from conflictwatch.nlp.kit.spans import PlaceMention, text_of

CASUALTY_WORDS = re.compile(r"\b(?:killed|killing|dead|deaths?|died|victims|casualties|wounded|injured|toll|lives)\b", re.I)
INJURY_WORDS = re.compile(r"\b(?:wounded|injured|injuries|hurt)\b", re.I)
SEGMENT_SPLIT = re.compile(r"[,;:]|\s(?:and|while|whereas)\s(?=(?:\w+\s+){0,2}?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b)", re.I)
SPECIFIC = frozenset({"community", "neighbourhood", "admin3", "unresolved", "road", "crossing", "facility"})


@dataclass
class PlaceCount:
    place: PlaceMention
    value: int
    role: str  # killed | injured
    each: bool
    start_char: int
    end_char: int
    children: int | None = None
    women: int | None = None


_OF_WHOM = re.compile(r"\b([\w-]+)\s+of\s+(?:whom|them)\s+(?:were\s+|are\s+)?(children|women)\b", re.I)


def _segments(sent: Span) -> list[tuple[int, int]]:
    text, base = sent.text, sent.start_char
    cuts = [0] + [m.end() for m in SEGMENT_SPLIT.finditer(text)] + [len(text)]
    return [(base + a, base + b) for a, b in itertools.pairwise(cuts) if b > a]


_SUBSET_BEFORE = re.compile(r"\b(?:including|among\s+(?:them|whom|which))\s+(?:at\s+least\s+)?$", re.I)
_NOT_PEOPLE = re.compile(r"\s*(?:km|kilomet|miles?|metres|meters|hours?|days?|weeks?|months?|years?|per\s*cent|%)", re.I)
_PLACE_TAIL = re.compile(r"\b(?:in|at|near|from|outside|inside|around)\s+(?:(?:the|a|an)\s+)?(?:[\w'’-]+\s+){0,3}$", re.I)


def _segment_count(doc_text: str, start: int, first_place: int) -> tuple[int, bool, int] | None:
    """(value, each, position) of the exact count nearest before the segment's first place, if any
    ("21 were killed in the area, 15 in a district of X": 15; "nine members of a family, six of whom
    were children, in X": nine, not the subset six)."""
    found = [n for n in nums.find_numbers(doc_text[start:first_place]) if not n.vague and n.value is not None
             and not re.match(r"\s+of\s+(?:whom|them)\b", doc_text[start + n.end_char : start + n.end_char + 12])
             and not _SUBSET_BEFORE.search(doc_text[max(start, start + n.start_char - 24) : start + n.start_char])
             and not _NOT_PEOPLE.match(doc_text[start + n.end_char : start + n.end_char + 12])]
    if not found or found[-1].value > 1000:
        return None
    n = found[-1]
    tail = doc_text[start + n.end_char : first_place]
    if not _PLACE_TAIL.search(tail):
        return None
    return n.value, bool(re.search(r"\beach\b", tail, re.I)), start + n.start_char


def find_breakdown(sent: Span, places: list[PlaceMention], previous_has_toll: bool) -> list[PlaceCount]:
    text = text_of(sent.doc)
    if not (CASUALTY_WORDS.search(sent.text) or previous_has_toll):
        return []
    role = "injured" if INJURY_WORDS.search(sent.text) and not re.search(r"\b(?:killed|dead|died|deaths?)\b", sent.text, re.I) else "killed"
    out: list[PlaceCount] = []
    pending = None  # where a count that has not met its place yet starts ("nine members ..., in X")
    for start, end in _segments(sent):
        seg_places = [p for p in places if start <= p.start_char < end and p.kind in SPECIFIC]
        if not seg_places:
            pending = pending if pending is not None else start
            continue
        count = _segment_count(text, start, seg_places[0].start_char)
        if count is None and pending is not None:  # "nine members of a family, six of whom ..., in X"
            count = _segment_count(text, pending, seg_places[0].start_char)
        pending = None
        if count is None:
            continue
        value, each, at = count
        subset = _OF_WHOM.search(text, at, seg_places[0].start_char)
        part = {}
        if subset and nums.words_to_int(subset.group(1)) is not None:
            part = {subset.group(2).lower(): nums.words_to_int(subset.group(1))}
        for p in seg_places:
            out.append(PlaceCount(p, value, role, each or len(seg_places) == 1, at, p.end_char, **part))
    # a breakdown lists two counts or more; one count for several places is divided instead (split_places)
    return out if len({c.start_char for c in out}) >= 2 else []

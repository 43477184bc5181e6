"""Sentences and clauses as statements are cut from them, and the evidence span of a statement.

Sentences are spaCy's, cut again at line breaks: headlines, captions and paragraphs never share
a statement with the next line. A clause is a run of text between commas, semicolons, colons
and dashes. Offsets are into `doc.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from conflictwatch.nlp.kit.spans import text_of

CLAUSE_SPLIT_RE = re.compile(r",\s+|;\s+|\s+[–—]\s+|:\s+")
_CLAUSE_EDGE_RE = re.compile(r",\s+|;\s+|\s+[–—]\s+")
_LINE_RE = re.compile(r"[^\n]+")
_CLAUSE_END_RE = re.compile(r",\s+|;\s+|\s+[–—]\s+|\.\s*$")


@dataclass
class Segment:
    """A sentence cut at line breaks: the unit statements are read from."""

    doc: Doc
    start_char: int
    end_char: int

    @property
    def text(self) -> str:
        return text_of(self.doc)[self.start_char : self.end_char]


def segments(doc: Doc) -> list[Segment]:
    """spaCy's sentences cut again at line breaks, each trimmed of surrounding spaces."""
    out: list[Segment] = []
    text = text_of(doc)
    for sent in doc.sents:
        start = sent.start_char
        for m in _LINE_RE.finditer(text, start, sent.end_char):
            piece = m.group(0)
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append(Segment(doc, m.start() + lead, m.start() + len(piece.rstrip())))
    return out


def segment_of(segs: list[Segment], char: int) -> int:
    """The index of the segment holding `char` (len(segs) when none does)."""
    return next((i for i, s in enumerate(segs) if s.start_char <= char < s.end_char), len(segs))


def clause_around(text: str, rel: int) -> tuple[int, int]:
    """The comma-delimited clause of `text` holding position `rel` (offsets relative to `text`)."""
    starts = [0] + [m.end() for m in _CLAUSE_EDGE_RE.finditer(text) if m.end() <= rel]
    ends = [m.start() for m in _CLAUSE_END_RE.finditer(text) if m.start() > rel] + [len(text)]
    return max(starts), min(ends)


def _clauses(seg: Segment) -> list[tuple[int, int]]:
    text = seg.text
    bounds = [0]
    for m in CLAUSE_SPLIT_RE.finditer(text):
        bounds += [m.start(), m.end()]
    bounds.append(len(text.rstrip().rstrip(".").rstrip()))
    spans = [(bounds[i] + seg.start_char, bounds[i + 1] + seg.start_char) for i in range(0, len(bounds) - 1, 2)]
    return [s for s in spans if s[1] > s[0]] or [(seg.start_char, seg.end_char)]


def clause_span(seg: Segment, required: list[tuple[int, int]]) -> tuple[int, int]:
    """The smallest run of the segment's clauses that holds every required span; a parenthesis
    opened inside is closed. With nothing required: the segment, without its closing full stop."""
    clauses = _clauses(seg)
    req = [r for r in required if r and r[0] is not None]
    if not req:
        return seg.start_char, clauses[-1][1]
    lo, hi = min(r[0] for r in req), max(r[1] for r in req)
    start = max([s for s, _ in clauses if s <= lo], default=clauses[0][0])
    end = min([e for _, e in clauses if e >= hi], default=clauses[-1][1])
    text = text_of(seg.doc)
    while start < end and text[start].isspace():
        start += 1
    chunk = text[start:end]
    if chunk.count("(") > chunk.count(")"):
        close = text.find(")", end, seg.end_char)
        if close != -1:
            end = close + 1
    return start, end


_TITLE_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*")
_SMALL_WORDS = frozenset({"of", "in", "to", "the", "a", "an", "and", "for", "on", "by", "at", "with", "despite", "from",
                          "as", "after", "over", "into", "amid", "via", "is", "are", "its", "or"})


def in_title_case(text: str, start: int, end: int, reach: int = 4) -> bool:
    """Whether [start, end) sits in a run of Title Case words (a headline, or the headline of another
    article pasted in as a link: "Related Four Ceasefire Violations Recorded in Damascus Province").
    Reads `reach` words on either side on the same line; small words do not count either way."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    def content(chunk: str) -> list[str]:
        return [w for w in _TITLE_WORD_RE.findall(chunk) if w.lower() not in _SMALL_WORDS]

    words = content(text[line_start:start])[-reach:] + content(text[start:end]) + content(text[end:line_end])[:reach]
    capitalised = sum(w[0].isupper() for w in words)
    return len(words) >= 5 and capitalised >= len(words) - 1


def at_least_words(text: str, floor: int, start: int, end: int, n: int = 5) -> int:
    """An evidence start moved back (not before `floor`) until the evidence has `n` words: the
    codebook asks for five at least."""
    while len(text[start:end].split()) < n and start > floor:
        prev = text.rfind(" ", floor, start - 1)
        start = floor if prev < 0 else prev + 1
    return start

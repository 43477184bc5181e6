"""Long texts in bounded pieces, with offsets into the whole text.

spaCy's tagger and parser need memory in proportion to a Doc's length, so a text longer than
`piece_chars` is cut at a blank line (else a line break, a sentence end, whitespace; a single
token longer than a piece is cut where the piece ends) and each piece is tagged alone. Every
offset is then moved by the piece's start, so `text[start:end]` of the whole document is still
each sentence, entity and evidence span.

What a cut costs: the layout (headline, dateline) is read from the first piece only, and the
later pieces count relative dates from that piece's reference date; a place or date a sentence
inherits from an earlier paragraph, a restatement and an agreement named in another piece are
not linked across a cut, as they are within one piece.
"""

from __future__ import annotations

import re
from dataclasses import replace

from conflictwatch.records import Annotation, Frame

PIECE_CHARS = 100_000
# Where a piece may end, best first; each must leave the piece more than half full.
_CUTS = (
    re.compile(r"\n[ \t]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"[.!?][\"'\u201d\u2019)]*\s+"),
    re.compile(r"\s+"),
)
# Character offsets a frame keeps in its attrs (besides its own columns).
_ATTR_OFFSETS = ("casualty_evidence_start_char",)


def piece_bounds(text: str, size: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of at most `size` characters covering `text`."""
    size = max(1, size)
    bounds, start = [], 0
    while len(text) - start > size:
        end = _cut(text, start, start + size)
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def _cut(text: str, start: int, limit: int) -> int:
    floor = start + (limit - start) // 2
    for pattern in _CUTS:
        ends = [m.end() for m in pattern.finditer(text, floor, limit)]
        if ends:
            return ends[-1]
    return limit


def shift(annotation: Annotation, offset: int, sentences_before: int) -> Annotation:
    """A piece's annotation with offsets into the whole text and sentences numbered after
    the `sentences_before` of the earlier pieces (entity and frame indexes are set by `join`)."""
    sentences = [replace(s, sentence_index=s.sentence_index + sentences_before,
                         start_char=s.start_char + offset, end_char=s.end_char + offset)
                 for s in annotation.sentences]
    entities = [replace(e, sentence_index=e.sentence_index + sentences_before,
                        start_char=e.start_char + offset, end_char=e.end_char + offset)
                for e in annotation.entities]
    frames = [_shift_frame(f, offset, sentences_before) for f in annotation.frames]
    return Annotation(sentences, entities, frames)


def _shift_frame(frame: Frame, offset: int, sentences_before: int) -> Frame:
    attrs = dict(frame.attrs)
    for key in _ATTR_OFFSETS:
        if isinstance(attrs.get(key), int):
            attrs[key] += offset
    if attrs.get("restated_in"):
        attrs["restated_in"] = [(s + offset, e + offset) for s, e in attrs["restated_in"]]
    hint = attrs.get("agreement_hint")
    if isinstance(hint, dict) and isinstance(hint.get("start_char"), int):
        attrs["agreement_hint"] = {**hint, "start_char": hint["start_char"] + offset}
    return replace(
        frame, attrs=attrs, sentence_index=frame.sentence_index + sentences_before,
        evidence_start_char=frame.evidence_start_char + offset, evidence_end_char=frame.evidence_end_char + offset,
        location_start_char=None if frame.location_start_char is None else frame.location_start_char + offset,
    )


def join(parts: list[Annotation], text: str) -> Annotation:
    """The pieces' shifted annotations as one, indexed in text order; every span checked
    against the whole text."""
    whole = Annotation(
        [s for p in parts for s in p.sentences], [e for p in parts for e in p.entities], [f for p in parts for f in p.frames]
    )
    for i, e in enumerate(whole.entities):
        e.entity_index = i
    for i, f in enumerate(whole.frames):
        f.frame_index = i
        if text[f.evidence_start_char : f.evidence_end_char] != f.evidence_text:
            raise ValueError(f"frame evidence does not match the text at {f.evidence_start_char}")
    for s in whole.sentences:
        if text[s.start_char : s.end_char] != s.text:
            raise ValueError(f"sentence does not match the text at {s.start_char}")
    return whole

"""A violation's dead and injured, read from the event coder's frames (casualty_event and
casualty_tally on doc._.cw_frames): the ceasefire component never counts them itself."""

from __future__ import annotations

import re

from conflictwatch.nlp.ceasefires.lexicon import SOURCE_ORG_RE, CeasefireDocument
from conflictwatch.nlp.kit.clauses import Segment
from conflictwatch.nlp.kit.numbers import as_int
from conflictwatch.records import Frame

_ATTACKS_RE = re.compile(r"\battacks?\b", re.I)
COUNT_KEYS = ("killed", "killed_low", "injured", "killed_children", "killed_women")


def int_or_none(frame: Frame | None, key: str) -> int | None:
    value = frame.attrs.get(key) if frame is not None else None
    return None if value is None else as_int(value)


def counted(cd: CeasefireDocument, seg: Segment) -> Frame | None:
    """The first casualty frame (event or tally) of the segment that counts dead or injured."""
    return next((f for f in cd.counts if seg.start_char <= f.evidence_start_char < seg.end_char
                 and (f.attrs.get("killed") is not None or f.attrs.get("injured") is not None)), None)


def is_period_toll(frame: Frame | None) -> bool:
    """"1,300 civilians have been killed in attacks in the zone since the agreement": the dead of
    many attacks over a period, so many violations."""
    return frame is not None and frame.frame_type == "casualty_tally" and frame.attrs.get("scope") in ("period", "war")


def _in(frames: list[Frame], start: int, end: int) -> list[Frame]:
    return [f for f in frames if start <= f.evidence_start_char < end]


def _continues(cd: CeasefireDocument, seg: Segment, dated: bool) -> bool:
    """The segment goes on about the same event: it refers back ("the strikes", a quote, "said")
    and opens no other event nor (for events) names a date."""
    if cd.lex.first("new_event", seg.text):
        return False
    if dated and any(seg.start_char <= d.start_char < seg.end_char for d in cd.dates):
        return False
    return bool(cd.lex.first("continues", seg.text.strip(" \"“”'")))  # a stray quote mark is no quote


def linked_casualty(cd: CeasefireDocument, si: int, dated: bool) -> Frame | None:
    """The casualty event of a violation: in its segment, else the previous or next one, else up to
    three segments on while the text clearly goes on about the same event."""
    segs, seg = cd.segs, cd.segs[si]
    lo = segs[si - 1].start_char if si > 0 else seg.start_char
    hi = segs[si + 1].end_char if si + 1 < len(segs) else seg.end_char
    near = _in(cd.casualties, seg.start_char, seg.end_char) or _in(cd.casualties, lo, hi)
    if near:
        return near[0]
    for j in range(si + 1, min(si + 4, len(segs))):
        if not _continues(cd, segs[j], dated):
            return None
        hit = _in(cd.casualties, segs[j].start_char, segs[j].end_char)
        if hit and j >= si + 2:
            return hit[0]
    return None


def aggregate_details(cd: CeasefireDocument, si: int, attrs: dict) -> None:
    """What the next segments add to an aggregate: the breakdown of its dead ("Of the 66 civilians
    killed, 29 are children"), the people its attacks displaced, who reported it."""
    killed = attrs.get("killed")
    for s in cd.segs[si + 1: si + 5]:
        for f in _in(cd.counts, s.start_char, s.end_char):
            if killed is not None and int_or_none(f, "killed") == killed:
                for who in ("children", "women"):
                    if int_or_none(f, "killed_" + who) is not None:
                        attrs.setdefault("killed_" + who, int_or_none(f, "killed_" + who))
            if int_or_none(f, "displaced") is not None and "displaced_low" not in attrs \
                    and _ATTACKS_RE.search(s.text):
                attrs["displaced_low"] = int_or_none(f, "displaced_low") or int_or_none(f, "displaced")
        if "reporting_source" not in attrs:
            org = SOURCE_ORG_RE.search(s.text)
            if org and cd.lex.first("told_cue", s.text):
                attrs["reporting_source"] = org.group(1).strip()

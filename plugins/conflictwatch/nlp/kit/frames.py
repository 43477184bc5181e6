"""Building records.Frame objects: evidence from clause spans, dates and places from mentions."""

from __future__ import annotations

import datetime as dt
import re

from conflictwatch.nlp.kit.clauses import Segment, clause_span
from conflictwatch.nlp.kit.dates import resolve
from conflictwatch.nlp.kit.spans import DateMention, text_of
from conflictwatch.records import Frame

DATE_FIELDS = ("date_text", "date_kind", "date_year", "date_month", "date_day", "date_weekday", "date_offset_days")
Trigger = tuple[int, int, str]


def as_trigger(m: re.Match, offset: int = 0) -> Trigger:
    """A regex match (on text starting at `offset`) as (start, end, text) in document offsets."""
    return m.start() + offset, m.end() + offset, m.group(0)


def make_frame(seg: Segment, frame_type: str, trigger: Trigger, required: list[tuple[int, int]],
               attrs: dict) -> Frame:
    """A frame whose evidence is the smallest clause run holding the trigger and `required`;
    empty attrs (None, [], {}) are left out."""
    start, end = clause_span(seg, [(trigger[0], trigger[1]), *required])
    return Frame(
        document_id="",
        frame_type=frame_type,
        frame_index=0,
        sentence_index=0,
        evidence_text=text_of(seg.doc)[start:end],
        evidence_start_char=start,
        evidence_end_char=end,
        trigger=trigger[2],
        attrs={k: v for k, v in attrs.items() if v not in (None, [], {})},
    )


def set_evidence(frame: Frame, text: str, start: int, end: int) -> None:
    frame.evidence_start_char, frame.evidence_end_char = start, end
    frame.evidence_text = text[start:end]


def set_date(frame: Frame, d: DateMention | None, reference: dt.date | None = None) -> None:
    """The frame's date from a mention (nothing when there is none). With the report's date known
    (its dateline, else its manifest), the day is resolved here, as the event coder does, with its
    precision in attrs["date_precision"] ("last week": the day seven days back, precision week);
    otherwise the parts go to dbt, which resolves them against the publication date."""
    if d is None:
        return
    day, precision = resolve(d, reference) if reference is not None else (None, "unknown")
    if day is not None:
        frame.date_text, frame.date_kind = d.text, "absolute"
        frame.date_year, frame.date_month, frame.date_day = day.year, day.month, day.day
        frame.date_weekday, frame.date_offset_days = None, None
        frame.attrs["date_precision"] = d.precision if d.precision in ("week", "month", "year") else precision
        return
    frame.date_text, frame.date_kind = d.text, d.kind
    frame.date_year, frame.date_month, frame.date_day = d.year, d.month, d.day
    frame.date_weekday, frame.date_offset_days = d.weekday, d.offset_days


def copy_date(dst: Frame, src: Frame) -> None:
    for col in DATE_FIELDS:
        setattr(dst, col, getattr(src, col))


def set_location(frame: Frame, text: str, location_id: str | None, start_char: int) -> None:
    frame.location_mention, frame.location_id, frame.location_start_char = text, location_id, start_char

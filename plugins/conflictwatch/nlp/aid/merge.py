"""One record per aid statement: a statement repeated verbatim, a headline the body tells again,
a delivery or interruption told again, and several sentences about one authorisation each become
one frame."""

from __future__ import annotations

import re

from conflictwatch.nlp.document import title_line
from conflictwatch.records import Frame

_SAME_IN_HEADLINE_AND_BODY = ("crossing_id", "agency", "status")
_AUTHORISATION_DETAIL = ("crossing_name", "duration_days", "to_area", "from_country", "resolution")


def drop_repeats(frames: list[Frame]) -> list[Frame]:
    """A statement repeated verbatim (photo caption and related links, headline and lead) is one:
    the first occurrence is kept."""
    seen: set[str] = set()
    kept = []
    for f in frames:
        key = re.sub(r"\W+", " ", f.evidence_text).strip().lower()
        if key not in seen:
            seen.add(key)
            kept.append(f)
    return kept


def _compatible(a: Frame, b: Frame, key: str) -> bool:
    return a.attrs.get(key) is None or b.attrs.get(key) is None or a.attrs[key] == b.attrs[key]


def merge_headline(text: str, frames: list[Frame]) -> list[Frame]:
    """A headline's flow that the body tells again (same kind; crossing, agency and status equal
    or unstated) is one flow: the body's frame is kept and takes what only the headline says."""
    first = title_line(text)
    if first is None:
        return frames
    head_end = len(first)
    out = list(frames)
    for h in [f for f in frames if f.evidence_end_char <= head_end]:
        body = next((b for b in frames if b.evidence_start_char > head_end and b.attrs.get("kind") == h.attrs.get("kind")
                     and all(_compatible(h, b, k) for k in _SAME_IN_HEADLINE_AND_BODY)), None)
        if body is None:
            continue
        for k, v in h.attrs.items():
            if body.attrs.get(k) is None and v is not None:
                body.attrs[k] = v
        out.remove(h)
    return out


def merge_authorisations(frames: list[Frame]) -> list[Frame]:
    """One authorisation per authoriser and resolution: the most detailed sentence is kept and
    the others' attributes fill its gaps."""
    out: list[Frame] = []
    groups: dict[tuple, list[Frame]] = {}
    for f in frames:
        if f.attrs.get("kind") == "authorisation":
            groups.setdefault((f.attrs.get("authorised_by"), f.attrs.get("resolution")), []).append(f)
        else:
            out.append(f)
    for group in groups.values():
        best = max(group, key=lambda f: sum(bool(f.attrs.get(k)) for k in _AUTHORISATION_DETAIL))
        for other in group:
            for k, v in other.attrs.items():
                best.attrs.setdefault(k, v)
        out.append(best)
    return sorted(out, key=lambda f: f.evidence_start_char)


_RESTATED_KINDS = ("delivery", "interruption")
_DATE_PARTS = ("date_kind", "date_year", "date_month", "date_day", "date_weekday", "date_offset_days")


def _same_date(a: Frame, b: Frame) -> bool:
    if a.date_kind is None or b.date_kind is None:
        return True
    return all(getattr(a, k) == getattr(b, k) for k in _DATE_PARTS)


def _same_flow(a: Frame, b: Frame) -> bool:
    """The same kind to the same named place, by the same agency and on the same day (where both
    say): a flow that names no place is never taken for another."""
    if a.attrs.get("kind") != b.attrs.get("kind") or a.attrs.get("kind") not in _RESTATED_KINDS:
        return False
    same_place = a.attrs.get("to_area") is not None and a.attrs.get("to_area") == b.attrs.get("to_area")
    return same_place and _compatible(a, b, "agency") and _same_date(a, b)


def _detail(f: Frame, head_end: int) -> tuple:
    """Which telling is the record: the body's over the headline's, then the one that says most."""
    said = sum(f.attrs.get(k) is not None for k in ("to_area", "agency", "quantity", "crossing_name", "cause"))
    return (f.evidence_start_char >= head_end, f.date_kind is not None, said, -f.evidence_start_char)


def merge_restatements(text: str, frames: list[Frame]) -> list[Frame]:
    """A delivery or interruption told again ("X received its first aid" in a caption, a related
    headline and the lead) is one flow; one on another day, to another place, or by another agency
    is another flow."""
    first = title_line(text)
    head_end = len(first) if first else 0
    groups: list[list[Frame]] = []
    for f in frames:
        group = next((g for g in groups if all(_same_flow(f, h) for h in g)), None)
        if group is None:
            groups.append([f])
        else:
            group.append(f)
    out = []
    for group in groups:
        best = max(group, key=lambda f: _detail(f, head_end))
        for other in group:
            for k, v in other.attrs.items():
                if best.attrs.get(k) is None and v is not None:
                    best.attrs[k] = v
        out.append(best)
    return sorted(out, key=lambda f: f.evidence_start_char)

"""Spans of time as texts write them: "for three months", "a six-month extension", "over the past 10 days".

Pure functions over strings; offsets are relative to the string given plus `offset`.
A month is 30 days, except that twelve months are a year (365).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictwatch.nlp.kit.numbers import WORD_NUMBER, as_int, word_value

DURATION_RE = re.compile(
    r"(?:for|over|during|within|in)\s+(?:the\s+|an?\s+)?(?:next\s+|first\s+|past\s+|last\s+|another\s+|initial\s+"
    r"|further\s+|additional\s+|coming\s+)*"
    r"(?P<n>\d+(?:\.\d+)?|" + WORD_NUMBER + r")\s+(?P<unit>days?|weeks?|months?|years?)\b"
    r"|(?P<n2>\d+|" + WORD_NUMBER + r")-(?P<unit2>day|week|month|year)\b",
    re.IGNORECASE,
)
# "in the last 30 days", "over the past two weeks": the window a count was made over
PERIOD_RE = re.compile(
    r"\b(?:in|over|during|within|for)\s+(?:the\s+)?(?:last|past|previous)?\s*(?P<n>\d+(?:\.\d+)?|[a-z]+)\s+"
    r"(?P<unit>days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


@dataclass
class Duration:
    start: int
    end: int
    text: str
    days: int
    months: int | float | None = None  # when the text counts months ("for three months" -> 3)


def duration_days(n: float, unit: str) -> int:
    unit = unit.lower().rstrip("s")
    if unit == "month" and n == 12:
        return 365
    return round(n * _UNIT_DAYS[unit])


def find_duration(text: str, offset: int = 0) -> Duration | None:
    """The first stated duration ("for the next 12 months" -> 365 days, 12 months)."""
    for m in DURATION_RE.finditer(text):
        n_text, unit = (m.group("n"), m.group("unit")) if m.group("n") else (m.group("n2"), m.group("unit2"))
        n = word_value(n_text)
        if n is None:
            continue
        months = as_int(n) if unit.lower().startswith("month") else None
        return Duration(m.start() + offset, m.end() + offset, m.group(0), duration_days(n, unit), months)
    return None


def find_period(text: str, offset: int = 0) -> Duration | None:
    """The window of a count ("in the last 30 days" -> 30 days); None when its number is no number."""
    m = PERIOD_RE.search(text)
    if m is None:
        return None
    n = word_value(m.group("n"))
    if n is None:
        return None
    return Duration(m.start() + offset, m.end() + offset, m.group(0), duration_days(n, m.group("unit")))

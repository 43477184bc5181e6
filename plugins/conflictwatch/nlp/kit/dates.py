"""The date grammar: date expressions in a text -> DateMention (kind and parts).

Nothing is resolved against the publication date here: each mention carries its kind and
parts (docs/CONTRACTS.md) and dbt resolves them. Kinds:

    absolute   "January 21, 2020", "21 January 2020", "2020-01-21"
    month_day  "January 15", "6 February", "on Wednesday (January 15)" (weekday kept too)
    month      "March 2020", "late August 2019"                      (precision month)
    year       "in 2017", "since 2011"                               (precision year)
    weekday    "on Tuesday", "Tuesday night", "said Tuesday"
    relative   "yesterday" (-1), "today" (0), "last week" (-7, week), "this month" (0, month)
"""

from __future__ import annotations

import datetime as dt
import re

from conflictwatch.nlp.kit.numbers import words_to_int
from conflictwatch.nlp.kit.spans import DateMention

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
}

# Month names are matched capitalised only ("may" the verb, "march" the noun).
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:night|morning|evening|afternoon|noon|dawn))"
_MOD = r"(?:(?:early|late|mid|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)[\s-]+)"

# "eight days ago", "eleven days ago": any count word a reporter spells out, as far as a month of days
_AGO_COUNT = ("(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
              "twenty|thirty)")

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-2]\d|3[01])\b")),
    ("mdy", re.compile(rf"\b(?P<mon>{_MONTH})\s+(?P<d>{_DAY})(?:,\s*|\s+)(?P<y>{_YEAR})\b")),
    ("dmy", re.compile(rf"\b(?P<d>{_DAY})(?:\s+of)?\s+(?P<mon>{_MONTH}),?\s+(?P<y>{_YEAR})\b")),
    ("md", re.compile(rf"\b(?P<mon>{_MONTH})\s+(?P<d>{_DAY})\b(?!\s*,?\s*\d)")),
    ("dm", re.compile(rf"\b(?P<d>{_DAY})(?:\s+of)?\s+(?P<mon>{_MONTH})\b")),
    ("my", re.compile(rf"(?:\b{_MOD})?\b(?P<mon>{_MONTH}),?\s+(?P<y>{_YEAR})\b")),
    ("y", re.compile(
        rf"\b(?:in|since|of|until|till|by|during|from|throughout|before|after|year|early|late|mid)[\s-]+(?:the\s+)?"
        rf"(?P<y>{_YEAR})\b(?![\s-]*(?:people|civilians|persons|km|\d))",
        re.IGNORECASE,
    )),
    # "a lightning 2014 campaign", "the 2013 sarin attack": a year before the event it dates
    ("ye", re.compile(
        rf"\b(?P<y>{_YEAR})(?=\s+(?:[\w-]+\s+)?(?:campaign|offensive|attacks?|war|uprising|revolution|massacres?|"
        r"siege|battles?|bombings?|air\s*strikes?|airstrikes?|assault|invasion)\b)"
    )),
    # "Tuesdays attack": a possessive that lost its apostrophe, only before an event noun
    ("wd", re.compile(
        rf"\b(?P<wd>{_WEEKDAY})(?:s(?=\s+(?:[\w-]+\s+)?(?:attacks?|air\s*strikes?|airstrikes?|strikes?|raids?|"
        r"shelling|bombardments?|bombings?|blasts?|explosions?|massacres?|assaults?|clashes|fighting|"
        rf"violence|ambush|offensive)\b))?(?P<part>{_PART})?\b"
    )),
    ("rel", re.compile(
        r"\b(?P<rel>the\s+day\s+before\s+yesterday|yesterday|today|tonight|last\s+night|this\s+morning"
        r"|this\s+week|last\s+week|this\s+month|last\s+month|this\s+year|last\s+year"
        rf"|(?P<k>a|{_AGO_COUNT}|\d{{1,2}})\s+(?P<unit>day|week|month|year)s?\s+ago)\b",
        re.IGNORECASE,
    )),
]

_RELATIVE = {
    "the day before yesterday": (-2, "day"),
    "yesterday": (-1, "day"),
    "today": (0, "day"),
    "tonight": (0, "day"),
    "this morning": (0, "day"),
    "last night": (-1, "day"),
    "this week": (0, "week"),
    "last week": (-7, "week"),
    "this month": (0, "month"),
    "last month": (-30, "month"),
    "this year": (0, "year"),
    "last year": (-365, "year"),
}
_AGO_UNITS = {"day": (1, "day"), "week": (7, "week"), "month": (30, "month"), "year": (365, "year")}


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _day(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))


def _mention(kind: str, m: re.Match[str], base: int) -> DateMention | None:
    g = m.groupdict()
    text = m.group(0)
    start, end = base + m.start(), base + m.end()
    if kind == "iso":
        return DateMention(start, end, text, "absolute", int(g["y"]), int(g["m"]), int(g["d"]))
    if kind in ("mdy", "dmy"):
        return DateMention(start, end, text, "absolute", int(g["y"]), _month(g["mon"]), _day(g["d"]))
    if kind in ("md", "dm"):
        return DateMention(start, end, text, "month_day", None, _month(g["mon"]), _day(g["d"]))
    if kind == "my":
        return DateMention(start, end, text, "month", int(g["y"]), _month(g["mon"]), precision="month")
    if kind in ("y", "ye"):
        return DateMention(base + m.start("y"), end, g["y"], "year", int(g["y"]), precision="year")
    if kind == "wd":
        return DateMention(start, end, text, "weekday", weekday=WEEKDAYS[g["wd"].lower()])
    if kind == "rel":
        key = re.sub(r"\s+", " ", g["rel"].lower())
        if g.get("unit"):  # "two days ago", "a week ago", "three months ago", "two years ago"
            days, precision = _AGO_UNITS[g["unit"].lower()]
            n = 1 if g["k"].lower() == "a" else words_to_int(g["k"])
            return DateMention(start, end, text, "relative", offset_days=-days * n, precision=precision)
        offset, precision = _RELATIVE[key]
        return DateMention(start, end, text, "relative", offset_days=offset, precision=precision)
    return None


def find_dates(text: str, base: int = 0) -> list[DateMention]:
    """Date mentions in `text`; earlier (more specific) patterns win overlaps."""
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            mention = _mention(kind, m, base)
            if mention is None:
                continue
            taken.append((m.start(), m.end()))
            out.append(mention)
    out.sort(key=lambda d: d.start_char)
    return _merge_weekday_with_date(out, text, base)


def _merge_weekday_with_date(dates: list[DateMention], text: str, base: int) -> list[DateMention]:
    """'Wednesday (January 15)', 'Wednesday, January 15': one mention with both parts."""
    out: list[DateMention] = []
    i = 0
    while i < len(dates):
        d = dates[i]
        nxt = dates[i + 1] if i + 1 < len(dates) else None
        if (
            nxt is not None
            and d.kind == "weekday"
            and nxt.kind in ("absolute", "month_day")
            and re.fullmatch(r"\s*[,(]?\s*(?:the\s+)?", text[d.end_char - base : nxt.start_char - base])
        ):
            end = nxt.end_char
            if text[end - base : end - base + 1] == ")":
                end += 1
            out.append(DateMention(
                d.start_char, end, text[d.start_char - base : end - base], nxt.kind,
                nxt.year, nxt.month, nxt.day, d.weekday, None, "day",
            ))
            i += 2
            continue
        out.append(d)
        i += 1
    return out


def resolve(mention: DateMention, reference: dt.date | None) -> tuple[dt.date | None, str]:
    """The day a mention means, read from `reference` (the report's date), and its precision.

    A month-day or month without a year is the latest one not after the reference (plus a day
    of slack); a weekday is the latest such day on or before it; relative dates count from it.
    Returns (None, "unknown") when the mention needs a reference and there is none.
    """
    try:
        if mention.kind == "absolute":
            return dt.date(mention.year, mention.month, mention.day), "day"
        if mention.kind == "year":
            return dt.date(mention.year, 1, 1), "year"
        if mention.kind == "month" and mention.year:
            return dt.date(mention.year, mention.month, 1), "month"
        if reference is None:
            return None, "unknown"
        if mention.kind == "month_day":
            day = dt.date(reference.year, mention.month, mention.day)
            return (day.replace(year=day.year - 1) if day > reference + dt.timedelta(days=1) else day), "day"
        if mention.kind == "month":
            day = dt.date(reference.year, mention.month, 1)
            return (day.replace(year=day.year - 1) if day > reference else day), "month"
        if mention.kind == "weekday":
            back = (reference.isoweekday() - mention.weekday) % 7
            return reference - dt.timedelta(days=back), "day"
        if mention.kind == "relative":
            day = reference + dt.timedelta(days=mention.offset_days or 0)
            if mention.precision == "month":
                return day.replace(day=1), "month"
            if mention.precision == "year":
                return day.replace(month=1, day=1), "year"
            return day, mention.precision or "day"
    except (TypeError, ValueError):
        return None, "unknown"
    return None, "unknown"


# --- a document's dates as statements use them ------------------------------------------------

# A month named without a year ("in February", "a February ceasefire", "since late March"): kind
# "month" with no year; dbt takes the publication's year (minus one if that is later). "May" only
# after a preposition, so that the modal verb is never a date.
BARE_MONTH_RE = re.compile(
    r"\b(?P<cue>(?i:in|since|until|till|from|by|of|before|after|during|early|late|mid|end of|a|an|the|last|this))[\s-]+"
    r"(?:(?:early|late|mid)[\s-]+)?"
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)(?![\w-])"
    r"(?!\s+\d)",
)
# A page's own date ("Date of publication 16 September 2016", "Published April 24 2017", "Last
# updated at ..."): the publication, never the date of a statement in the text.
DATELINE_CUE_RE = re.compile(
    r"\b(?:date of publication|published(?: on)?|last updated(?: at| on)?|updated(?: at| on)?|posted(?: on)?)\s*:?\s*"
    r"(?:\w+\s+){0,1}$",
    re.IGNORECASE,
)
_SPECIFICITY = {"absolute": 0, "month_day": 1, "weekday": 2, "relative": 3, "month": 4, "year": 5}


# "until 200 am [2300 GMT Monday]": the hour told again in GMT, in brackets, whose day is not the local
# day ("from 0600 GMT Sunday" is the day itself)
GMT_GLOSS_RE = re.compile(r"[\[(]\s*\d{1,2}:?\d{2}\s*(?:GMT|UTC)\s*,?\s*(?:on\s+)?$")


def statement_dates(text: str, found: list[DateMention] | None) -> list[DateMention]:
    """The dates statements can carry: `found` (cw_dates; the date grammar when None), without
    dates right after a dateline cue or a GMT hour, plus bare month names the grammar leaves out."""
    dates = find_dates(text) if found is None else list(found)
    dates = [d for d in dates if not DATELINE_CUE_RE.search(text[max(0, d.start_char - 40) : d.start_char])
             and not GMT_GLOSS_RE.search(text[max(0, d.start_char - 16) : d.start_char])]
    for m in BARE_MONTH_RE.finditer(text):
        s, e = m.start("month"), m.end("month")
        if m.group("month") == "May" and m.group("cue").lower() in ("a", "an", "the", "this"):
            continue
        if any(s < d.end_char and d.start_char < e for d in dates):
            continue
        dates.append(DateMention(s, e, m.group("month"), "month", None, MONTHS[m.group("month").lower()],
                                 precision="month"))
    return sorted(dates, key=lambda d: d.start_char)


def most_specific(dates: list[DateMention]) -> DateMention | None:
    """A full date before a month-day, a weekday, a relative day, a month, a year."""
    return min(dates, key=lambda d: _SPECIFICITY.get(d.kind, 9)) if dates else None


def date_parts(d: DateMention | None) -> dict | None:
    """The parts of a mention as a JSON-ready dict (None parts left out), for dbt to resolve."""
    if d is None:
        return None
    parts = {"kind": d.kind, "year": d.year, "month": d.month, "day": d.day, "weekday": d.weekday,
             "offset_days": d.offset_days, "text": d.text}
    return {k: v for k, v in parts.items() if v is not None}



_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def same_time(a: dt.date, a_precision: str, b: dt.date, b_precision: str) -> bool:
    """Two resolved dates that can be the same time, at the coarser of their precisions (a day
    within one day, a week within seven, the same month, the same year)."""
    rank = max(_PRECISION_RANK.get(a_precision, 0), _PRECISION_RANK.get(b_precision, 0))
    if rank == 0:
        return abs((a - b).days) <= 1
    if rank == 1:
        return abs((a - b).days) <= 7
    if rank == 2:
        return (a.year, a.month) == (b.year, b.month)
    return a.year == b.year

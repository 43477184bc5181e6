"""Counts as news reports write them: digits, number words, bounds, vague quantities, people.

Pure functions over strings; offsets are relative to the string given (add the sentence
offset to get `doc.text` offsets). Conventions (see docs/nlp.md, "vague quantities"):

    several, a few, a handful, a number of = 3 | dozens = 12 | scores = 20 | tens = 10
    hundreds = 100 | thousands = 1000 | tens of thousands = 10000
    hundreds of thousands = 100000 | millions = 1000000

Vague values are the smallest plausible reading (ACLED codes the lowest figure reported) and
carry `vague=True` so they are never mixed up with exact counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conflictwatch.nlp.kit.spans import NumberMention

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}

# Vague quantity -> conventional value; longest phrases first when matching.
VAGUE = {
    "hundreds of thousands": 100_000,
    "tens of thousands": 10_000,
    "a handful": 3,
    "a number": 3,
    "a few": 3,
    "several": 3,
    "many": 3,
    "dozens": 12,
    "scores": 20,
    "tens": 10,
    "hundreds": 100,
    "thousands": 1000,
    "millions": 1_000_000,
}

# Bound qualifiers -> how they set low/high.
LOWER = ("at least", "no fewer than", "not less than", "no less than", "more than", "over",
         "upwards of", "in excess of", "a minimum of", "at minimum")
UPPER = ("up to", "as many as", "at most", "no more than", "nearly", "almost", "close to",
         "fewer than", "less than", "under")
APPROX = ("around", "about", "approximately", "roughly", "some", "an estimated", "estimated",
          "an approximate", "or so")

_WORD_NUM = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
_SCALE = "|".join(SCALES)
_QUAL = "|".join(re.escape(q) for q in sorted((*LOWER, *UPPER, *APPROX), key=len, reverse=True))
_VAGUE = "|".join(re.escape(v) for v in sorted(VAGUE, key=len, reverse=True))

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDS = (
    rf"(?:(?:{_WORD_NUM})(?:[\s-]+(?:{_WORD_NUM}))?"
    rf"(?:\s+(?:{_SCALE})(?:\s+(?:and\s+)?(?:{_WORD_NUM})(?:[\s-]+(?:{_WORD_NUM}))?)?)?)"
)
_CORE = (
    rf"(?P<num>(?:{_DIGITS})(?:\s+(?:{_SCALE}))?"
    rf"|a\s+(?:{_SCALE}|dozen)"
    rf"|(?:{_WORD_NUM})\s+dozen"
    rf"|{_WORDS})"
    rf"|(?P<vague>(?:{_VAGUE})(?=\s+of\b|\s+\w)|(?:{_VAGUE})\b)"
)
_RANGE_TAIL = rf"(?:\s*(?:-|–|to|or)\s*(?P<num2>{_DIGITS}|{_WORDS}))?"
NUMBER_RE = re.compile(
    rf"(?<![\w.,$€£-])(?:(?:between\s+)?(?P<qual>{_QUAL})\s+)?(?:{_CORE}){_RANGE_TAIL}(?![\w])(?!-\w)",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(rf"between\s+(?P<a>{_DIGITS}|{_WORDS})\s+and\s+(?P<b>{_DIGITS}|{_WORDS})\b", re.I)


def words_to_int(text: str) -> int | None:
    """'twenty-one' -> 21, 'one hundred and five' -> 105, '1,300' -> 1300, '1.3 million' -> 1300000."""
    t = text.lower().strip()
    t = re.sub(r"[\s-]+", " ", t)
    m = re.fullmatch(rf"({_DIGITS})(?: ({_SCALE}))?", t)
    if m:
        value = float(m.group(1).replace(",", ""))
        if m.group(2):
            value *= SCALES[m.group(2)]
        return round(value)
    if t in ("a dozen", "dozen"):
        return 12
    m = re.fullmatch(r"(.+) dozen", t)
    if m:
        inner = words_to_int(m.group(1))
        return None if inner is None else inner * 12
    if t.startswith("a "):
        t = "one " + t[2:]
    total = 0
    current = 0
    seen = False
    for word in t.split():
        if word == "and":
            continue
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word in SCALES:
            current = max(current, 1) * SCALES[word]
            if SCALES[word] >= 1000:
                total += current
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _bounds(value: int, qualifier: str | None) -> tuple[int | None, int | None]:
    if qualifier is None:
        return value, value
    q = qualifier.lower()
    if q in LOWER:
        return value, None
    if q in UPPER:
        return None, value
    return None, None  # approximate: a best value, no bound


_MONTH_BEFORE_RE = re.compile(
    r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|may|june|july|"
    r"august|september|october|november|december)\.?\s*$",
    re.IGNORECASE,
)


def _is_date_part(text: str, start: int, raw: str) -> bool:
    """Digits that write a date, not a count: "Nov 02", "January 15", a dateline's glued "022017".

    A count never starts with a zero, and digits right after a month name are its day (or a
    day glued to the year, as datelines that lost their punctuation write it).
    """
    if not raw[:1].isdigit():
        return False
    if len(raw) > 1 and raw[0] == "0":
        return True
    month = _MONTH_BEFORE_RE.search(text[max(0, start - 12) : start])
    return bool(month) and not month.group(0).startswith("may")  # the verb, not the month


_CASUALTY_VERB_BEFORE = re.compile(
    r"\b(?:kill(?:ed|ing|s)|wound(?:ed|ing|s)|injur(?:ed|ing|es)|hurt(?:ing)?|displac(?:ed|ing|es))\s+(?:at\s+least\s+|more\s+than\s+)?$",
    re.I,
)


def find_numbers(text: str) -> list[NumberMention]:
    """Every count-like expression in `text`, with its qualifier, low/high and vagueness."""
    found: list[NumberMention] = []
    for m in NUMBER_RE.finditer(text):
        qual = m.group("qual")
        qual = re.sub(r"\s+", " ", qual.lower()) if qual else None
        if m.group("vague"):
            key = re.sub(r"\s+", " ", m.group("vague").lower())
            if key in ("a number",) and not re.match(r"\s+of\b", text[m.end():]):
                continue
            if key in ("tens", "scores", "dozens", "hundreds", "thousands", "millions") and not re.match(
                r"\s+(?:of\b|\w)", text[m.end():]
            ) and not _CASUALTY_VERB_BEFORE.search(text, 0, m.start("vague")):
                continue  # ... but "killed seven and wounded dozens": the verb's object
            value = VAGUE[key]
            found.append(NumberMention(m.start(), m.end(), m.group(0), value, value, None, True, qual))
            continue
        raw = m.group("num")
        if raw.lower() == "no":
            continue
        if _is_date_part(text, m.start("num"), raw):
            continue
        value = words_to_int(raw)
        if value is None:
            continue
        if m.group("num2"):
            hi = words_to_int(m.group("num2"))
            if hi is not None and hi > value:
                found.append(NumberMention(m.start(), m.end(), m.group(0), value, value, hi, False, "range"))
                continue
        low, high = _bounds(value, qual)
        found.append(NumberMention(m.start(), m.end(), m.group(0), value, low, high, False, qual))
    for m in _BETWEEN_RE.finditer(text):
        a, b = words_to_int(m.group("a")), words_to_int(m.group("b"))
        if a is None or b is None:
            continue
        found = [n for n in found if n.end_char <= m.start() or n.start_char >= m.end()]
        found.append(NumberMention(m.start(), m.end(), m.group(0), a, a, b, False, "range"))
    found.sort(key=lambda n: n.start_char)
    return found


# --- people counted by their nouns: "a woman and her daughter", "another child" -------------

CHILD_NOUNS = ("child", "children", "boy", "boys", "girl", "girls", "baby", "babies", "infant", "infants",
               "kid", "kids", "toddler", "toddlers", "minor", "minors", "son", "sons", "daughter",
               "daughters", "newborn", "teenager", "teenagers", "schoolchildren", "pupil", "pupils")
WOMEN_NOUNS = ("woman", "women", "mother", "mothers", "wife", "wives", "sister", "sisters",
               "grandmother", "widow")
FIGHTER_NOUNS = ("fighter", "fighters", "soldier", "soldiers", "troops", "militant", "militants",
                 "rebel", "rebels", "combatant", "combatants", "jihadist", "jihadists", "gunmen",
                 "gunman", "militiamen", "servicemen", "officer", "officers", "insurgents", "terrorists",
                 "extremists", "mercenaries", "forces")
OTHER_PERSON_NOUNS = ("man", "men", "civilian", "civilians", "person", "persons", "people", "father",
                      "fathers", "husband", "brother", "brothers", "resident", "residents",
                      "member", "members", "worker", "workers", "farmer", "farmers", "shepherd",
                      "volunteer", "volunteers", "rescuer", "rescuers", "paramedic", "paramedics",
                      "doctor", "doctors", "nurse", "nurses", "journalist", "journalists", "teacher",
                      "student", "students", "others", "victims", "individuals", "elderly",
                      "relatives", "family", "families", "villagers", "displaced", "refugees",
                      "patients", "passers-by", "bystanders", "citizen", "citizens", "teachers",
                      "correspondent", "correspondents", "reporter", "reporters", "cameraman", "photographer",
                      "medic", "medics", "policeman", "policemen", "detainee", "detainees", "prisoner",
                      "prisoners", "commander", "commanders", "staff", "employee", "employees")
PERSON_NOUNS = CHILD_NOUNS + WOMEN_NOUNS + FIGHTER_NOUNS + OTHER_PERSON_NOUNS

_ADJ = (
    r"(?:(?:young|little|small|elderly|old|other|more|further|additional|innocent|local|[\w-]+-year-old|pregnant|"
    r"displaced|unarmed|(?-i:[A-Z]\w*-[A-Z]\w+))\s+)"
)
_PERSON = "|".join(sorted(PERSON_NOUNS, key=len, reverse=True))
_ONE_DET = r"(?:a|an|one|another|the|her|his|their|its)"
_SMALL = r"(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"
PERSON_PHRASE_RE = re.compile(
    rf"\b(?P<first>(?:a|an|one|another)\s+{_ADJ}{{0,2}}(?P<n1>{_PERSON}))"
    rf"(?P<rest>(?:\s*,?\s+(?:and|with)\s+{_ONE_DET}\s+(?:{_SMALL}\s+)?{_ADJ}{{0,2}}(?:{_PERSON}))*)\b(?!-\w)",
    re.IGNORECASE,
)
_REST_ITEM_RE = re.compile(
    rf"{_ONE_DET}\s+(?:(?P<k>{_SMALL})\s+)?{_ADJ}{{0,2}}(?P<n>{_PERSON})\b", re.IGNORECASE
)


_PLURAL_IRREGULAR = {"children", "women", "men", "people", "troops", "gunmen", "militiamen", "servicemen",
                     "elderly", "displaced", "family", "families", "others", "victims"}


def _is_plural(noun: str) -> bool:
    n = noun.lower()
    return n in _PLURAL_IRREGULAR or (n.endswith("s") and not n.endswith("ss"))


@dataclass
class PersonCount:
    start_char: int
    end_char: int
    text: str
    total: int
    children: int = 0
    women: int = 0
    fighters: int = 0


def noun_group(noun: str) -> str:
    n = noun.lower()
    if n in CHILD_NOUNS:
        return "children"
    if n in WOMEN_NOUNS:
        return "women"
    if n in FIGHTER_NOUNS:
        return "fighters"
    return "civilians"


_BARE_NEXT_RE = re.compile(rf"\s+and\s+{_ADJ}{{0,2}}(?P<n>{_PERSON})\b(?!-\w)", re.IGNORECASE)


def find_person_counts(text: str) -> list[PersonCount]:
    """Singular people counted by their nouns: 'a woman and her daughter' = 2 (1 woman, 1 child)."""
    out: list[PersonCount] = []
    for m in PERSON_PHRASE_RE.finditer(text):
        nouns = [m.group("n1")]
        for r in _REST_ITEM_RE.finditer(m.group("rest") or ""):
            nouns += [r.group("n")] * (words_to_int(r.group("k")) or 1 if r.group("k") else 1)
        if _is_plural(nouns[0]):  # "a few civilians" is a vague number, not one person
            continue
        end = m.end()
        bare = _BARE_NEXT_RE.match(text, end)
        if bare and not _is_plural(bare.group("n")):  # "a woman and child": the article not repeated
            nouns.append(bare.group("n"))
            end = bare.end()
        groups = [noun_group(n) for n in nouns]
        out.append(PersonCount(
            m.start(), end, text[m.start():end], len(nouns),
            children=groups.count("children"), women=groups.count("women"), fighters=groups.count("fighters"),
        ))
    return out


# --- exact counts, decimals, percentages (aid quantities, breach counts) ----------------------

# A number word as a regex piece ("twenty-one", "a dozen"), for patterns such as "at least 300 times".
WORD_NUMBER = (
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen|a dozen|dozen|a hundred|hundred"
)
_DECIMAL_RE = re.compile(r"(\d+\.\d+)(?:\s+(million|thousand|hundred|billion))?", re.IGNORECASE)
PERCENT_RE = re.compile(
    r"(?:(?P<qual>nearly|almost|around|about|some|over|more than|at least|just|only|roughly)\s+)?"
    r"(?P<n>\d+(?:\.\d+)?|" + WORD_NUMBER + r")\s*(?:%|per\s?cent|percent)",
    re.IGNORECASE,
)


@dataclass
class Count:
    """An exact count (never a vague word) with its offsets; decimals keep their fraction."""

    start: int
    end: int
    text: str
    value: float
    qualifier: str | None

    @property
    def low(self) -> int | None:
        """The lower bound when the text states one ("at least 800", "more than 20")."""
        return int(self.value) if self.qualifier in LOWER else None


def word_value(word: str) -> float | None:
    """'twelve' -> 12, 'twenty-one' -> 21, '1,600' -> 1600, '2.5' -> 2.5, '1.3 million' -> 1300000."""
    w = word.strip()
    m = _DECIMAL_RE.fullmatch(w)
    if m:
        return float(m.group(1)) * (SCALES[m.group(2).lower()] if m.group(2) else 1)
    v = words_to_int(w)
    return float(v) if v is not None else None


def exact_counts(text: str, offset: int = 0) -> list[Count]:
    """The exact counts of `text` (find_numbers without vague words; ranges keep their first value)."""
    out = []
    for n in find_numbers(text):
        if n.vague or n.value is None:
            continue
        value: float = n.value
        dec = _DECIMAL_RE.search(n.text)
        if dec:
            value = word_value(dec.group(0)) or value
        qual = n.qualifier if n.qualifier != "range" else None
        out.append(Count(n.start_char + offset, n.end_char + offset, n.text, value, qual))
    return out


def first_count(text: str) -> int | None:
    counts = exact_counts(text)
    return int(counts[0].value) if counts else None


def as_int(value: float) -> int | float:
    """2.0 -> 2; 2.5 stays 2.5."""
    return int(value) if float(value).is_integer() else value

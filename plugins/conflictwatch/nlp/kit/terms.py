"""Where the reference lists live, read once: include/reference/*.csv (also dbt seeds)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from conflictwatch.nlp.kit.prefilter import Prefilter


def reference_dir(configured: str | None = None) -> Path:
    """The configured reference folder, else the settings' (CONFLICTWATCH_REFERENCE_DIR or include/reference)."""
    if configured:
        return Path(configured)
    from conflictwatch.config import get_settings

    return Path(get_settings().reference_dir)


def reference_path(name: str, configured: str | None = None) -> Path:
    return reference_dir(configured) / name


@lru_cache(maxsize=32)
def read_csv(name: str, configured: str | None = None) -> tuple[dict[str, str], ...]:
    with reference_path(name, configured).open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


@lru_cache(maxsize=1)
def pattern_tokenizer():
    """spaCy's English tokenizer, to split list entries the way texts are split ("car-bomb" -> car - bomb)."""
    import spacy

    return spacy.blank("en").tokenizer


def pattern_words(pattern: str) -> tuple[str, ...]:
    return tuple(t.lower_ for t in pattern_tokenizer()(pattern.strip()))


# -- term lists: include/reference/*_terms.csv (category, pattern, canonical, case_sensitive) ------


@dataclass(frozen=True)
class Term:
    category: str
    regex: re.Pattern
    canonical: str


class Hit(NamedTuple):
    """A term found in a text: character offsets (into the text searched, plus any offset given)."""

    start: int
    end: int
    text: str
    canonical: str


# A term matches whole words: where it starts with a word character, no word character or hyphen
# precedes it; where it ends with one, no word character follows. (A cue that ends in a space,
# "brokered by ", may be followed by anything.)
_WORD_START = r"(?:(?!\w)|(?<![\w-]))"
_WORD_END = r"(?:(?<!\w)|(?!\w))"


@lru_cache(maxsize=16)
def load_terms(path: str) -> dict[str, tuple[Term, ...]]:
    """A terms CSV as {category: terms}; each pattern is a regex matched on word boundaries."""
    terms: dict[str, list[Term]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not {"category", "pattern", "canonical"} <= set(reader.fieldnames or []):
            raise ValueError(f"{path}: not a terms CSV (header must have category, pattern, canonical)")
        for row in reader:
            flags = 0 if (row.get("case_sensitive") or "n").strip().lower() in ("y", "true") else re.IGNORECASE
            regex = re.compile(_WORD_START + "(?:" + row["pattern"] + ")" + _WORD_END, flags)
            terms.setdefault(row["category"], []).append(Term(row["category"], regex, row.get("canonical") or ""))
    return {k: tuple(v) for k, v in terms.items()}


_ANY_CACHE: dict[int, tuple[tuple[Term, ...], re.Pattern | None]] = {}


def _any_term(terms: tuple[Term, ...]) -> re.Pattern | None:
    """One pattern matching wherever any of the terms could: a cheap test that lets a text with
    no term skip the per-term scans (most clauses hold none). None when the terms cannot be joined."""
    cached = _ANY_CACHE.get(id(terms))
    if cached is not None and cached[0] is terms:
        return cached[1]
    try:
        joined = re.compile("|".join(
            ("(?i:" if t.regex.flags & re.IGNORECASE else "(?:") + t.regex.pattern + ")" for t in terms))
    except re.error:
        joined = None
    _ANY_CACHE[id(terms)] = (terms, joined)
    return joined


_PREFILTERS: dict[int, tuple[tuple[Term, ...], Prefilter]] = {}


def _prefilter(terms: tuple[Term, ...]) -> Prefilter:
    cached = _PREFILTERS.get(id(terms))
    if cached is not None and cached[0] is terms:
        return cached[1]
    pf = Prefilter(t.regex for t in terms)
    _PREFILTERS[id(terms)] = (terms, pf)
    return pf


def _candidates(terms: Iterable[Term], text: str, pos: int = 0) -> Iterable[Term]:
    """The terms that may match text[pos:], in their order: those whose matches need a literal the
    text lacks are left out (kit/prefilter.py); when more than three remain, one scan of all the
    terms at once may rule them all out (most clauses hold no term)."""
    if not isinstance(terms, tuple):
        return terms
    keep = _prefilter(terms).candidates(text, pos)
    if len(keep) <= 3:
        return [terms[i] for i in keep]
    joined = _any_term(terms)
    if joined is not None and joined.search(text, pos) is None:
        return ()
    return [terms[i] for i in keep]


def find_terms(terms: Iterable[Term], text: str, offset: int = 0) -> list[Hit]:
    """Non-overlapping matches in text order; on overlap the earliest, then the longest, wins."""
    found = [Hit(m.start() + offset, m.end() + offset, m.group(0), t.canonical)
             for t in _candidates(terms, text) for m in t.regex.finditer(text) if m.end() > m.start()]
    if not found:
        return []
    found.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for h in found:
        if not kept or h.start >= kept[-1].end:
            kept.append(h)
    return kept


def first_term(terms: Iterable[Term], text: str, pos: int = 0) -> re.Match | None:
    """The earliest match of any term in text[pos:] (as a match on the whole text)."""
    best = None
    for term in _candidates(terms, text, pos):
        m = term.regex.search(text, pos)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


def last_term(terms: Iterable[Term], text: str) -> re.Match | None:
    """The latest-starting match of any term in text."""
    best = None
    for term in _candidates(terms, text):
        for m in term.regex.finditer(text):
            if best is None or m.start() > best.start():
                best = m
    return best


class Lexicon:
    """Named term lists of one CSV (plus extra categories borrowed from another), looked up by name."""

    def __init__(self, terms: dict[str, tuple[Term, ...]]):
        self.terms = terms

    @classmethod
    def from_reference(cls, name: str, configured: str | None = None, borrow: dict[str, str] | None = None) -> Lexicon:
        """`name` from the reference folder; `borrow` maps a category to the CSV it comes from."""
        terms = dict(load_terms(str(reference_path(name, configured))))
        for category, other in (borrow or {}).items():
            terms[category] = load_terms(str(reference_path(other, configured))).get(category, ())
        return cls(terms)

    def __getitem__(self, category: str) -> tuple[Term, ...]:
        return self.terms.get(category, ())

    def find(self, category: str, text: str, offset: int = 0) -> list[Hit]:
        return find_terms(self[category], text, offset)

    def first(self, category: str, text: str, pos: int = 0) -> re.Match | None:
        return first_term(self[category], text, pos)

    def match(self, category: str, text: str) -> re.Match | None:
        """A match of the category at the very start of `text`."""
        for term in self[category]:
            m = term.regex.match(text)
            if m:
                return m
        return None

    def last(self, category: str, text: str) -> re.Match | None:
        return last_term(self[category], text)

    def ends(self, category: str, text: str) -> re.Match | None:
        """A match of the category that ends `text` (bar spaces): a cue right before a position."""
        stripped = text.rstrip()
        for term in self[category]:
            for m in term.regex.finditer(stripped):
                if m.end() == len(stripped):
                    return m
        return None

    def matches(self, category: str, surface: str) -> bool:
        """Whether a term of the category matches all of `surface`."""
        return any(term.regex.fullmatch(surface) for term in self[category])

    def canonical(self, category: str, surface: str) -> str | None:
        """The canonical value of the first term of the category that matches all of `surface`."""
        for term in self[category]:
            if term.regex.fullmatch(surface):
                return term.canonical
        return None

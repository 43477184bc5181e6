"""A cheap test that a text cannot hold a match of some patterns, derived from the patterns.

Most sentences of a war report say nothing about aid or ceasefires, yet the rules of those
components would run dozens of regex searches on each to find that out. A `Prefilter` reads the
patterns once (Python's own regex parser) and keeps, for each, a few literal strings one of which
every match must contain ("convoy" for `(?:aid|UN)\\s+convoys?`); `may_match(text)` is then a few
substring tests. It never says no where a pattern could match: a pattern it cannot reduce to
literals (`\\w+ly`) makes it say yes to every text. Both sides are compared after `fold`, which
maps every character to what Python's case-insensitive matching takes it for (checked against
`re` itself in tests/nlp/test_prefilter.py), so case-sensitive and case-insensitive patterns are
covered alike, and containment in a text implies containment in any text around it: a document
that fails the test has no segment that passes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from re import _constants as C  # the parser's opcodes
from re import _parser

_MAX_VARIANTS = 16  # a literal run with more spellings than this ([a-z]) is not used
_CLASS_SPELLINGS = 4  # a character class of this many single characters or fewer is spelled out
# Python's case-insensitive matching takes the dotted capital I and the dotless i for i; str.casefold
# does not (it gives "i̇" and "ı").
_FOLD = str.maketrans({"İ": "i", "ı": "i"})


def fold(text: str) -> str:
    return text.translate(_FOLD).casefold()


def _class_chars(items) -> list[str] | None:
    chars = []
    for op, av in items:
        if op is not C.LITERAL:
            return None
        chars.append(chr(av))
    return chars if len(chars) <= _CLASS_SPELLINGS else None


# Words too common to make a good literal ("will (?:re)?open": "open" is the one to look for).
_COMMON = frozenset({"a", "an", "and", "are", "at", "by", "for", "from", "had", "has", "have", "in", "is", "no", "not",
                     "of", "on", "or", "the", "to", "was", "were", "will", "with"})


def _weight(literal: str) -> int:
    return 0 if literal.strip().lower() in _COMMON else len(literal)


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The candidate likely to be the most selective (which one is chosen never changes what passes
    the filter's test wrongly, only how often it passes): literals of four letters or more that are
    not common words, the fewest of them, then the longest."""
    if not candidates:
        return None

    def key(c: frozenset[str]) -> tuple[int, int, int]:
        shortest = min(_weight(s) for s in c)
        return min(shortest, 4), -len(c), shortest

    return max(candidates, key=key)


def _required(seq) -> frozenset[str] | None:
    """Literals one of which every match of the parsed sequence contains (None: none known)."""
    candidates: list[frozenset[str]] = []
    run: set[str] = {""}

    def close() -> None:
        nonlocal run
        if run and all(run):
            candidates.append(frozenset(run))
        run = {""}

    for op, av in seq:
        if op is C.LITERAL:
            run = {r + chr(av) for r in run}
        elif op is C.IN and (chars := _class_chars(av)) is not None and len(run) * len(chars) <= _MAX_VARIANTS:
            run = {r + c for r in run for c in chars}
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue  # zero-width: the text around it is contiguous
        else:
            close()
            sub = None
            if op is C.SUBPATTERN:
                sub = _required(av[-1])
            elif op is C.ATOMIC_GROUP:
                sub = _required(av)
            elif op is C.BRANCH:
                branches = [_required(b) for b in av[1]]
                sub = None if any(b is None for b in branches) else frozenset().union(*branches)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
                sub = _required(av[2])
            if sub:
                candidates.append(sub)
    close()
    return _best(candidates)


@lru_cache(maxsize=4096)
def required_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Folded literals one of which every match of `pattern` contains; None when there are none."""
    try:
        found = _required(_parser.parse(pattern, flags))
    except Exception:  # a pattern the parser of this Python does not take: no reduction
        return None
    return _minimal(fold(s) for s in found) if found else None


def _minimal(literals: Iterable[str]) -> tuple[str, ...]:
    """The literals without those containing another (which the other implies)."""
    kept = sorted(set(literals), key=lambda s: (len(s), s))
    return tuple(s for i, s in enumerate(kept) if not any(t in s for t in kept[:i]))


_LAST_FOLDED: tuple[str, str] = ("", "")


def folded(text: str) -> str:
    """`fold(text)`, remembered for the last text (the rules ask about one segment many times)."""
    global _LAST_FOLDED
    last = _LAST_FOLDED
    if last[0] == text:
        return last[1]
    out = fold(text)
    _LAST_FOLDED = (text, out)
    return out


class Prefilter:
    """Which of some patterns a text may hold, decided by substring tests where it can be.

    `may_match(text)`: False only where none of the patterns can match `text` nor any text it is
    part of (literals only). `search(text)`: whether one of them matches `text` (`re.search`),
    searching only with the patterns whose literals the text contains.
    """

    def __init__(self, patterns: Iterable[re.Pattern]):
        self.entries = tuple((required_literals(p.pattern, p.flags), p) for p in patterns)
        self.always = any(lits is None for lits, _ in self.entries)
        self.literals = () if self.always else _minimal(s for lits, _ in self.entries for s in lits)

    def may_match(self, text: str) -> bool:
        return self.always or any(s in folded(text) for s in self.literals)

    def candidates(self, text: str, pos: int = 0) -> list[int]:
        """The indexes of the patterns that may match text[pos:] (their literals are in it)."""
        if not self.entries:
            return []
        f = folded(text[pos:] if pos else text)
        return [i for i, (lits, _) in enumerate(self.entries) if lits is None or any(s in f for s in lits)]

    def search(self, text: str, pos: int = 0) -> bool:
        f = folded(text[pos:] if pos else text)
        return any((lits is None or any(s in f for s in lits)) and p.search(text, pos) is not None
                   for lits, p in self.entries)

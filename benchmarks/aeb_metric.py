"""The Zyte article-extraction-benchmark metric, implemented from its description.

Tokens are the ``\\w+`` runs of a text; shingles are runs of 4 consecutive tokens, counted
as a multiset (a text shorter than 4 tokens is one short shingle). Per page, tp/fp/fn
are the shared/extra/missed shingles, divided by their sum so every page weighs the same.
Precision and recall are means over pages; F1 is the harmonic mean of those means.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from statistics import mean

_TOKEN = re.compile(r"\w+")

Counts = tuple[float, float, float]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def page_counts(true: str, pred: str, n: int = 4) -> Counts:
    """Normalised (tp, fp, fn) of one page; (0, 0, 0) when both texts have no tokens."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn)


def precision(pages: Sequence[Counts]) -> float:
    values = [_precision(*c) for c in pages if c[0] + c[1] > 0]
    return mean(values) if values else 0.0


def recall(pages: Sequence[Counts]) -> float:
    values = [_recall(*c) for c in pages if c[0] + c[2] > 0]
    return mean(values) if values else 0.0


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(pages: Sequence[Counts]) -> dict[str, float]:
    p, r = precision(pages), recall(pages)
    return {"precision": p, "recall": r, "f1": f1(p, r)}


def bootstrap(pages: Sequence[Counts], n: int = 1000, seed: int = 42) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of precision, recall and F1 over page resamples."""
    rng = random.Random(seed)
    draws: dict[str, list[float]] = {"precision": [], "recall": [], "f1": []}
    for _ in range(n):
        sample = [pages[rng.randrange(len(pages))] for _ in pages]
        for key, value in scores(sample).items():
            draws[key].append(value)
    intervals = {}
    for key, values in draws.items():
        values.sort()
        intervals[key] = (values[int(0.025 * n)], values[min(n - 1, int(0.975 * n))])
    return intervals

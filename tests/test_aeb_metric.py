"""The Zyte article-extraction-benchmark metric, on tiny hand-made pages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import aeb_metric as m


def test_shingles_are_a_multiset_of_four_token_runs():
    # GIVEN six tokens with punctuation between them  THEN three 4-token shingles
    assert m.shingles("a, b. c d e-f") == {
        ("a", "b", "c", "d"): 1,
        ("b", "c", "d", "e"): 1,
        ("c", "d", "e", "f"): 1,
    }
    # AND repeats are counted, short texts are one short shingle, no tokens none
    assert m.shingles("x y z w x y z w")[("x", "y", "z", "w")] == 2
    assert m.shingles("only two") == {("only", "two"): 1}
    assert m.shingles("  ...  ") == {}


def test_page_counts_are_normalised_to_sum_one():
    # GIVEN a truth of 5 shingles and a prediction sharing 3 of them plus 1 extra
    true = "t1 t2 t3 t4 t5 t6 t7 t8"
    pred = "t1 t2 t3 t4 t5 t6 x"
    # WHEN counted  THEN tp=3, fp=1, fn=2 divided by 6
    tp, fp, fn = m.page_counts(true, pred)
    assert (tp, fp, fn) == pytest.approx((3 / 6, 1 / 6, 2 / 6))


def test_precision_recall_f1_are_means_over_pages():
    # GIVEN a perfect page, a page that predicted nothing and a half-right page
    pages = [m.page_counts("a b c d e", "a b c d e"), m.page_counts("a b c d e", ""), (0.5, 0.5, 0.0)]
    # THEN precision skips the empty prediction (tp+fp = 0), recall counts it as 0
    assert m.precision(pages) == pytest.approx((1 + 0.5) / 2)
    assert m.recall(pages) == pytest.approx((1 + 0 + 1) / 3)
    s = m.scores(pages)
    assert s["f1"] == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_page_with_nothing_to_find_and_nothing_found_is_skipped():
    assert m.page_counts("", "") == (0.0, 0.0, 0.0)
    assert m.scores([(0.0, 0.0, 0.0), (1.0, 0.0, 0.0)]) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    pages = [(0.9, 0.1, 0.0), (0.5, 0.2, 0.3), (1.0, 0.0, 0.0), (0.2, 0.4, 0.4)] * 5
    a, b = m.bootstrap(pages, n=200, seed=7), m.bootstrap(pages, n=200, seed=7)
    assert a == b
    low, high = a["f1"]
    assert low <= m.scores(pages)["f1"] <= high

"""Numbers as news reports write them (numbers.py)."""

import pytest

from conflictwatch.nlp.kit.numbers import find_numbers, find_person_counts, words_to_int


def one(text):
    found = find_numbers(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,300", 1300),
        ("twenty-one", 21),
        ("nine", 9),
        ("a dozen", 12),
        ("one hundred and five", 105),
        ("1.5 million", 1_500_000),
        ("thirty two", 32),
        ("two dozen", 24),
    ],
)
def test_words_and_digits(text, value):
    assert words_to_int(text) == value


def test_exact_count_has_equal_bounds():
    n = one("the strike killed 14 people")
    assert (n.value, n.low, n.high, n.vague) == (14, 14, 14, False)


@pytest.mark.parametrize("qualifier", ["at least", "more than", "over", "no fewer than"])
def test_lower_bounds(qualifier):
    n = one(f"{qualifier} 31 civilians died")
    assert (n.value, n.low, n.high, n.qualifier) == (31, 31, None, qualifier)


@pytest.mark.parametrize("qualifier", ["up to", "nearly", "as many as"])
def test_upper_bounds(qualifier):
    n = one(f"{qualifier} forty fighters")
    assert (n.value, n.low, n.high) == (40, None, 40)


@pytest.mark.parametrize("qualifier", ["around", "about", "some", "approximately"])
def test_approximate_has_no_bounds(qualifier):
    n = one(f"{qualifier} 2,400 families")
    assert (n.value, n.low, n.high) == (2400, None, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("several civilians", 3),
        ("dozens of people", 12),
        ("scores of residents", 20),
        ("hundreds of families", 100),
        ("thousands of people", 1000),
        ("tens of thousands of people", 10_000),
    ],
)
def test_vague_quantities_follow_the_table(text, value):
    n = one(text)
    assert n.vague and n.value == value and n.high is None


def test_ranges():
    n = one("between 12 and 15 people")
    assert (n.low, n.high) == (12, 15)


def test_fractions_and_ages_are_not_counts():
    assert [n.text for n in find_numbers("two-thirds of them, a 7-year-old girl")] == []


def test_each_keeps_the_number():
    assert [n.value for n in find_numbers("three each in Sarmin and Binnish")] == [3]


@pytest.mark.parametrize(
    ("text", "total", "children", "women"),
    [
        ("wounding a man and his son", 2, 1, 0),
        ("a woman and her daughter", 2, 1, 1),
        ("another child", 1, 1, 0),
        ("one child", 1, 1, 0),
        ("an elderly woman", 1, 0, 1),
        ("a father and his three children", 4, 3, 0),
        ("a woman and child were killed", 2, 1, 1),  # the article not repeated
        ("a woman and children were killed", 1, 0, 1),  # a plural without a number is no count
    ],
)
def test_people_counted_by_their_nouns(text, total, children, women):
    (p,) = find_person_counts(text)
    assert (p.total, p.children, p.women) == (total, children, women)


def test_plural_nouns_are_not_one_person():
    assert find_person_counts("a few civilians") == []


def test_person_nouns_from_reporting_on_state_media():
    from conflictwatch.nlp.kit.numbers import find_person_counts

    assert [p.total for p in find_person_counts("a citizen was injured")] == [1]
    assert [p.total for p in find_person_counts("another Al-Watan correspondent was killed")] == [1]
    assert find_person_counts("a rebel-held town") == []
    assert find_person_counts("a Syrian jet") == []


def test_digits_that_write_a_date_are_not_counts():
    # GIVEN a dateline that lost its punctuation, a day after a month, and a zero-padded day
    text = "Homs Oct 142016 jets killed 9 people on March 3, and 08 more"
    # WHEN numbers are found
    values = [n.value for n in find_numbers(text)]
    # THEN only the count is one
    assert values == [9]


def test_the_verb_may_is_not_a_month():
    assert [n.value for n in find_numbers("the raid may 12 more have died")] == [12]

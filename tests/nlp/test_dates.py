"""Date mentions (dates.py): kinds and parts, never resolved in Python."""

import pytest
import spacy

from conflictwatch.nlp.kit.dates import find_dates, statement_dates
from conflictwatch.nlp.kit.spans import get_list
from conflictwatch.nlp.mentions import dates  # noqa: F401  (registers the factory)


def only(text):
    found = find_dates(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("on March 3, 2019 at dawn", ("absolute", 2019, 3, 3)),
        ("on 14 October 2016,", ("absolute", 2016, 10, 14)),
        ("dated 2018-06-09", ("absolute", 2018, 6, 9)),
        ("on June 4", ("month_day", None, 6, 4)),
        ("on 4 June", ("month_day", None, 6, 4)),
        ("the strike (June 4) hit", ("month_day", None, 6, 4)),
        ("in November 2018", ("month", 2018, 11, None)),
        ("in early November 2018", ("month", 2018, 11, None)),
        ("in 2016", ("year", 2016, None, None)),
    ],
)
def test_explicit_dates(text, parts):
    d = only(text)
    assert (d.kind, d.year, d.month, d.day) == parts


def test_month_and_year_precision():
    assert only("since late May 2018").precision == "month"
    assert only("in 2014 alone").precision == "year"


@pytest.mark.parametrize(
    ("text", "weekday"), [("on Friday", 5), ("Sunday night", 7), ("activists said Monday", 1)]
)
def test_weekdays(text, weekday):
    d = only(text)
    assert (d.kind, d.weekday, d.precision) == ("weekday", weekday, "day")


def test_weekday_with_date_is_one_mention():
    d = only("on Saturday (March 7) the jets")
    assert (d.kind, d.month, d.day, d.weekday, d.text) == ("month_day", 3, 7, 6, "Saturday (March 7)")


@pytest.mark.parametrize(
    ("text", "offset", "precision"),
    [
        ("yesterday's raid", -1, "day"),
        ("today", 0, "day"),
        ("last week", -7, "week"),
        ("this month", 0, "month"),
        ("two days ago", -2, "day"),
        ("the clinic was hit nine days ago", -9, "day"),
        ("eleven days ago", -11, "day"),
        ("a week ago", -7, "week"),
        ("two weeks ago", -14, "week"),
        ("three months ago", -90, "month"),
        ("seized it two year ago", -730, "year"),
    ],
)
def test_relative(text, offset, precision):
    d = only(text)
    assert (d.kind, d.offset_days, d.precision) == ("relative", offset, precision)


@pytest.mark.parametrize("text", ["In early April at least 88 were killed", "during March", "since late March", "the end of June"])
def test_a_month_without_a_year_after_a_cue_is_a_month(text):
    (d,) = statement_dates(text, [])  # the bare months statements (and the event coder) read
    assert (d.kind, d.year, d.day, d.precision) == ("month", None, None, "month")


def test_may_the_verb_and_plain_numbers_are_not_dates():
    assert find_dates("more people may flee; 2,015 families moved") == []


def test_component_marks_caption_dates_like_any_other():
    nlp = spacy.blank("en")
    nlp.add_pipe("conflictwatch_dates_v1")
    doc = nlp("A boy stands in the rubble in Sarmin, Syria, March 3, 2019. (AFP)\nJets struck on Sunday.")
    assert [(d.kind, d.text) for d in get_list(doc, "cw_dates")] == [
        ("absolute", "March 3, 2019"),
        ("weekday", "Sunday"),
    ]


def test_weekday_possessive_without_apostrophe_before_an_event_noun():
    # copies that lost their apostrophes: "Fridays raid" is Friday's raid
    d = only("Fridays air strikes on the market left the street in ruins")
    assert (d.kind, d.weekday, d.text) == ("weekday", 5, "Fridays")
    # a plural weekday that is not a possessive is not a date
    assert find_dates("the shop opens on Fridays and Saturdays only") == []


def test_a_year_before_the_event_it_dates_is_a_year_mention() -> None:
    from conflictwatch.nlp.kit.dates import find_dates

    (d,) = find_dates("IS seized large areas of Syria and Iraq in a lightning 2014 campaign.")
    assert (d.text, d.kind, d.year) == ("2014", "year", 2014)
    (d,) = find_dates("the 2013 sarin attack in Ghouta")
    assert d.year == 2013
    # a count that looks like a year is none
    assert find_dates("The blast killed 2014 people.") == []

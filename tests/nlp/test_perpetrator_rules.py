"""Perpetrator rules on hand-written text: the named group behind state media's generic "terrorists"."""

from __future__ import annotations

import pytest

from conflictwatch.nlp.kit.spans import get_list


@pytest.fixture(scope="module")
def full_nlp():
    from conflictwatch.nlp.pipeline import load_nlp

    return load_nlp()


def _perpetrators(doc) -> list:
    return [f.attrs.get("perpetrator_actor_ids") for f in get_list(doc, "cw_frames") if f.frame_type == "casualty_event"]


def test_a_generic_word_right_after_a_group_name_is_that_group(full_nlp):
    # GIVEN "Jabhat al-Nusra (an al-Qaeda offshoot) terrorists" acting: the group's name before the generic word
    doc = full_nlp("Shells hit Homs\n\nHoms SANA 4 May 2016 Jabhat al-Nusra (an al-Qaeda offshoot) terrorists fired "
                   "mortar shells on the town of Talkalakh on Wednesday killing three civilians a police source said.")
    # THEN the named group is the perpetrator, not the generic Opposition armed groups
    assert _perpetrators(doc) == [["hts"]]


def test_a_telling_that_names_the_group_beats_one_with_the_generic_word(full_nlp):
    # GIVEN an event told first with "terrorist" only, then again naming the group the terrorists belong to
    doc = full_nlp("Mortars hit Daraa\n\nDaraa SANA 4 May 2016 Terrorist rocket attack on the town of Nawa causes "
                   "damage. Terrorist groups affiliated to Jabhat al-Nusra targeted the town of Nawa with rocket shells "
                   "on Wednesday a source told SANA.")
    # THEN the event's perpetrator is the named group
    assert _perpetrators(doc) == [["hts"]]


def test_barrel_bombs_name_the_government_when_no_one_else_is_named(full_nlp):
    # GIVEN deaths in "barrel bomb attacks", with no actor named anywhere in the article
    doc = full_nlp("Deaths in Aleppo\n\nAleppo 4 May 2016 Seven people died in barrel bomb attacks on the village of "
                   "Hreitan on Wednesday a monitoring group said.")
    # THEN the Syrian government is the perpetrator (only its helicopters drop barrel bombs)
    assert _perpetrators(doc) == [["syrian_government"]]

"""Ceasefire violations on hand-built texts: what says an agreement was violated (codebook
section 5), and the kind of record it is (GIVEN a text WHEN tagged THEN these violations)."""

from __future__ import annotations

import pytest
import spacy

from conflictwatch.nlp.ceasefires.component import build_ceasefires

AGREEMENT = "A truce brokered by Turkey and Russia took effect in May 2018. "


@pytest.fixture(scope="module")
def nlp():
    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    return n


@pytest.fixture(scope="module")
def finder():
    return build_ceasefires()


def violations(nlp, finder, text):
    doc = nlp(text)
    frames = finder.frames(doc)
    for f in frames:
        assert doc.text[f.evidence_start_char : f.evidence_end_char] == f.evidence_text
    return [f for f in frames if f.frame_type == "ceasefire_violation"]


@pytest.mark.parametrize("sentence", [
    "The strikes on the town mark another violation to the truce agreed in May.",
    "The attack was the latest breach in a \"de-escalation\" agreement mediated by Russia last year.",
    "Moscow did not take the necessary steps in the face of breaches in the ceasefire, the opposition said.",
])
def test_a_violation_noun_whose_object_is_the_agreement_is_a_violation(nlp, finder, sentence):
    (v,) = violations(nlp, finder, AGREEMENT + sentence)
    assert v.attrs["agreement_hint"].get("month") == 5 or "de-escalation" in v.evidence_text


def test_a_violation_noun_without_an_agreement_is_a_heading_not_a_violation(nlp, finder):
    assert violations(nlp, finder, AGREEMENT + "Violations and more fighting were reported across the north.") == []


def test_the_total_number_of_breaches_is_an_aggregate_count(nlp, finder):
    text = AGREEMENT + "According to the centre this raises the total number of breaches since the agreement came into effect to 465."
    (v,) = violations(nlp, finder, text)
    assert (v.attrs["kind"], v.attrs["violations_low"]) == ("aggregate", 465)


def test_attempts_to_break_down_an_agreement_are_an_aggregate_violation_by_who_attempts(nlp, finder):
    text = "Hayat Tahrir al-Sham fighters continue attempts to break down the cessation of hostilities in the north."
    (v,) = violations(nlp, finder, text)
    assert v.attrs["kind"] == "aggregate"
    assert v.attrs["violators"] == ["Hayat Tahrir al-Sham"]


@pytest.mark.parametrize("sentence", [
    "The deaths come despite the area falling within the de-escalation zone agreed by Turkey and Russia.",
    "The latest violence comes despite an extension of the truce brokered by Turkey and Russia.",
])
def test_violence_in_general_conceded_against_an_agreement_is_an_aggregate(nlp, finder, sentence):
    (v,) = violations(nlp, finder, AGREEMENT + sentence)
    assert v.attrs["kind"] == "aggregate"


def test_instead_of_honouring_the_agreement_is_a_concession(nlp, finder):
    text = AGREEMENT + ("Instead of honoring its role as a guarantor of the agreement Russia bombed a market "
                        "full of civilians in the town on Monday.")
    (v,) = violations(nlp, finder, text)
    assert (v.attrs["kind"], v.attrs["violators"]) == ("event", ["Russia"])


def test_an_attack_while_the_ceasefire_is_in_effect_takes_the_previous_sentences_attackers(nlp, finder):
    text = ("Regime forces bombed the town with chlorine on Tuesday, killing dozens. "
            "All this is happening as the so-called ceasefire brokered by Turkey and Russia is in effect in the region.")
    (v,) = violations(nlp, finder, text)
    assert v.attrs["violators"] == ["Syrian government forces"]


def test_a_list_of_counts_by_violator_is_one_aggregate_each(nlp, finder):
    text = AGREEMENT + ("Breaches of the truce recorded included: 20 by Russian forces, 13 by regime forces "
                        "and 2 by Iran-backed militias.")
    vs = violations(nlp, finder, text)
    assert [(v.attrs["violations_low"], v.attrs["violators"]) for v in vs] == [
        (20, ["Russia"]), (13, ["Syrian government forces"]), (2, ["Iran-backed militias"])]
    # each evidence ends with its item and, as the codebook asks, has five words at least
    assert [v.evidence_text.split()[-3:] for v in vs] == [["by", "Russian", "forces"], ["by", "regime", "forces"],
                                                         ["by", "Iran-backed", "militias"]]
    assert all(len(v.evidence_text.split()) >= 5 for v in vs)


@pytest.mark.parametrize("sentence", [
    "Fighting resumed after the truce between the regime and the rebels broke down earlier this week.",
    "Jets returned after the collapse of the recent ceasefire which broke following the bombing of a convoy.",
])
def test_an_agreement_that_broke_down_is_a_collapse_not_a_violation(nlp, finder, sentence):
    assert violations(nlp, finder, AGREEMENT + sentence) == []


def test_a_threat_to_derail_an_agreement_is_no_violation(nlp, finder):
    text = AGREEMENT + "Officials warned the offensive could derail the truce brokered by Turkey and Russia."
    assert violations(nlp, finder, text) == []


def test_a_source_that_reports_the_breach_is_no_violator(nlp, finder):
    from conflictwatch.nlp.kit.spans import ActorMention
    from conflictwatch.nlp.mentions import actors  # noqa: F401  (registers doc._.cw_actors)

    # GIVEN an attack a monitor reports (both tagged as the actors component tags them), then
    # "the deaths come despite the zone"
    text = ("Syrian government forces shelled the town killing 19 civilians on Sunday, a monitor said. "
            "The deaths come despite the area falling within the de-escalation zone agreed by Turkey and Russia.")
    doc = nlp(text)
    doc._.cw_actors = [
        ActorMention(0, 24, "Syrian government forces", "syrian_government", "Syrian government forces", "perpetrator"),
        ActorMention(text.index("a monitor"), text.index("a monitor") + 9, "a monitor", "monitor", "A monitor (unnamed)", "source"),
    ]
    found = [f.attrs.get("violators") for f in finder.frames(doc) if f.frame_type == "ceasefire_violation"]
    # THEN the violator is the side that struck, not the monitor
    assert found == [["Syrian government forces"]]


def test_an_actor_in_a_parenthetical_aside_is_no_violator(nlp, finder):
    text = ("Hayat Tahrir al-Sham fighters (outlawed in Russia) continue attempts to break down the cessation "
            "of hostilities in the north.")
    (v,) = violations(nlp, finder, text)
    assert v.attrs["violators"] == ["Hayat Tahrir al-Sham"]


def test_a_general_statement_beside_a_counted_violation_of_the_same_agreement_is_no_record_of_its_own(nlp, finder):
    general = "The regime, however, has consistently violated the truce, launching frequent attacks."
    counted = "Regime forces violated the truce at least 300 times in the last month, killing 40 civilians."
    alone = violations(nlp, finder, AGREEMENT + general)
    assert [v.attrs["kind"] for v in alone] == ["aggregate"]  # the article's only word on it: kept
    both = violations(nlp, finder, AGREEMENT + counted + " " + general)
    assert [(v.attrs["kind"], v.attrs.get("violations_low")) for v in both] == [("aggregate", 300)]

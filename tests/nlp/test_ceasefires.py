"""conflictwatch_ceasefires_v1 on hand-written texts (GIVEN a text WHEN tagged THEN these frames)."""

from __future__ import annotations

import pytest
import spacy

from conflictwatch.nlp.ceasefires.component import build_ceasefires
from conflictwatch.nlp.kit.spans import ActorMention, get_list
from conflictwatch.records import Frame


@pytest.fixture(scope="module")
def nlp():
    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    return n


@pytest.fixture(scope="module")
def counting_nlp():
    """The whole pipeline: the event coder's frames are where a violation takes its dead and injured from."""
    from conflictwatch.nlp.pipeline import load_nlp

    return load_nlp()


@pytest.fixture(scope="module")
def finder():
    return build_ceasefires()


def run(nlp, finder, text, actors=None, casualties=()):
    doc = nlp(text)
    if actors is not None:
        doc._.cw_actors = actors
    get_list(doc, "cw_frames").extend(casualties)
    frames = finder.frames(doc)
    for f in frames:
        assert doc.text[f.evidence_start_char : f.evidence_end_char] == f.evidence_text
    agreements = [f for f in frames if f.frame_type == "ceasefire_agreement"]
    violations = [f for f in frames if f.frame_type == "ceasefire_violation"]
    return agreements, violations


def test_announced_date_and_start_date_are_told_apart(nlp, finder):
    text = "On March 3, Russia announced that a truce in Deraa would take effect on March 6."
    (a,), _ = run(nlp, finder, text)
    assert (a.date_month, a.date_day) == (3, 6)
    assert a.attrs["announced_by"] == "Russia"
    assert a.attrs["announced_date"]["day"] == 3
    assert "Russia announced" in a.evidence_text


def test_brokered_between_metonyms_give_parties_and_month_precision(nlp, finder):
    text = "A ceasefire was brokered between Washington and Moscow in February 2016 after weeks of talks."
    (a,), _ = run(nlp, finder, text)
    assert a.attrs["parties"] == ["United States", "Russia"]
    assert (a.date_year, a.date_month, a.date_day) == (2016, 2, None)
    assert a.attrs["date_precision"] == "month"
    assert a.attrs["name"] == "United States-Russia ceasefire of February 2016"


def test_mediators_in_a_following_sentence_join_the_agreement(nlp, finder):
    text = (
        "The shelling came despite a truce that took effect on Saturday in the south. "
        "The deal was mediated by Amman and Moscow, officials said."
    )
    actors = []
    for word, name in (("Amman", "Jordan"), ("Moscow", "Russia")):
        s = text.index(word)
        actors.append(ActorMention(s, s + len(word), word, name.lower(), name, "party"))
    (a,), (v,) = run(nlp, finder, text, actors=actors)
    assert a.date_kind == "weekday" and a.date_weekday == 6
    assert a.attrs["brokers"] == ["Jordan", "Russia"]
    assert v.attrs["agreement_hint"]["weekday"] == 6


def test_venue_meetings_are_agreements(nlp, finder):
    text = "Russia, Iran and Turkey held talks in Astana in May 2017 and agreed to set up four de-escalation zones."
    (a,), _ = run(nlp, finder, text)
    assert a.attrs["parties"] == ["Russia", "Iran", "Turkey"]
    assert a.attrs["venue"] == "Astana" and a.date_year == 2017


@pytest.mark.parametrize(
    "text",
    [
        "Rescue workers called for an immediate ceasefire so that survivors could be reached.",
        "The UN envoy urged a nationwide truce before the holiday.",
        "Diplomats are struggling to broker a ceasefire in the city.",
        "The ceasefire seems to have collapsed.",
        "Residents hope a ceasefire will hold.",
    ],
)
def test_calls_and_anchorless_mentions_are_not_agreements(nlp, finder, text):
    agreements, violations = run(nlp, finder, text)
    assert agreements == [] and violations == []


def test_a_call_is_not_conceded_so_attacks_despite_it_are_no_violation(nlp, finder):
    text = "Despite calls for a ceasefire, government forces shelled the town on Monday."
    agreements, violations = run(nlp, finder, text)
    assert agreements == [] and violations == []


def test_aggregate_violation_with_backers_from_the_next_sentence(counting_nlp, finder):
    text = (
        "A truce between Turkey and Russia took effect in March 2020. "
        "The regime and its allies have breached the truce more than 1,200 times over the past 60 days, killing 41 civilians. "
        "Its allies Russia and Iran-backed militias took part in the shelling, the Syrian Network for Human Rights said."
    )
    (_a,), (v,) = run(counting_nlp, finder, text)
    assert v.attrs["kind"] == "aggregate"
    assert v.attrs["violations_low"] == 1200 and v.attrs["period_days"] == 60
    assert v.attrs["killed"] == 41
    assert "killing 41 civilians" in v.evidence_text
    assert v.attrs["violators"] == ["Syrian government forces", "Russia", "Iran-backed militias"]
    assert v.attrs["agreement_hint"]["month"] == 3


def test_headline_and_lead_with_the_same_count_are_one_aggregate(nlp, finder):
    text = (
        "Regime breaks truce 300 times in 10 days\n"
        "The regime has broken the ceasefire in Deraa at least 300 times in the last 10 days, a monitor said."
    )
    _, violations = run(nlp, finder, text)
    assert len(violations) == 1 and violations[0].attrs["violations_low"] == 300


def test_despite_a_truce_event_takes_violators_and_date_from_the_previous_sentence(nlp, finder):
    text = (
        "Government forces and their Russian allies bombed the town of Saraqib on Friday. "
        "The raids came despite a truce that went into effect on Monday."
    )
    (a,), (v,) = run(nlp, finder, text)
    assert a.date_weekday == 1
    assert v.attrs["kind"] == "event"
    assert set(v.attrs["violators"]) == {"Syrian government forces", "Russia"}
    assert v.date_weekday == 5
    assert v.attrs["agreement_hint"]["weekday"] == 1


def test_habitual_statement_alone_is_an_aggregate_without_a_count(nlp, finder):
    text = (
        "A truce between Turkey and Russia took effect in March 2020. "
        "The regime has repeatedly violated the truce, launching frequent attacks."
    )
    _, (v,) = run(nlp, finder, text)
    assert v.attrs["kind"] == "aggregate"
    assert v.attrs["violators"] == ["Syrian government forces"]
    assert "violations_low" not in v.attrs and "killed" not in v.attrs
    assert v.attrs["agreement_hint"]["month"] == 3


def test_adjacent_despite_and_violated_sentences_merge_and_link_the_casualty(nlp, finder):
    text = (
        "A truce between Turkey and Russia took effect in March 2020. "
        "Despite the truce, a rocket attack by regime forces killed two women in Atarib on Sunday. "
        "Regime forces near Atarib have violated the truce by shelling the market."
    )
    cas_start = text.index("a rocket attack")
    casualty = Frame(
        "", "casualty_event", 0, 0, "a rocket attack", cas_start, cas_start + 15, attrs={"killed": 2}
    )
    _, violations = run(nlp, finder, text, casualties=[casualty])
    (v,) = violations
    assert v.evidence_text.startswith("Regime forces near Atarib have violated")
    assert v.attrs["casualty_evidence_start_char"] == cas_start
    assert v.attrs["killed"] == 2
    assert v.date_weekday == 7


def test_agreement_mentioned_twice_is_one_agreement(nlp, finder):
    text = (
        "A truce was agreed by Russia and Turkey in October 2019. "
        "The region has been covered by a ceasefire since October 2019."
    )
    agreements, _ = run(nlp, finder, text)
    assert len(agreements) == 1


@pytest.mark.slow
def test_full_pipeline_on_an_invented_article():
    from conflictwatch.nlp.pipeline import annotate, load_nlp
    from conflictwatch.records import Annotation, Document

    text = (
        "Syrian government forces shelled the town of Atarib on Monday despite a truce that went into effect "
        "on Saturday, killing three civilians.\n"
        "The truce was brokered by Moscow and Ankara.\n"
        "Aid deliveries through the Bab al-Hawa border crossing were not interrupted, officials said."
    )
    doc = Document("d1", "mem://d1", "file", text, "", "", "plain")
    ((_, ann),) = list(annotate([doc], load_nlp()))
    assert isinstance(ann, Annotation)
    kinds = {f.frame_type for f in ann.frames}
    assert {"ceasefire_agreement", "ceasefire_violation", "aid_flow"} <= kinds
    agreement = next(f for f in ann.frames if f.frame_type == "ceasefire_agreement")
    assert set(agreement.attrs["parties"]) == {"Russia", "Turkey"}
    aid_frame = next(f for f in ann.frames if f.frame_type == "aid_flow")
    assert aid_frame.attrs["status"] == "open"


# -- FA-KES error analysis: places named after ceasefires, collapses, passives, local truces ---------


def test_a_ceasefire_line_is_a_place_not_an_agreement(nlp, finder):
    text = "Two shepherds were wounded by an Israeli mine near the ceasefire line in the Golan on Tuesday."
    assert run(nlp, finder, text) == ([], [])


def test_attacks_outside_the_truce_zone_are_not_violations(nlp, finder):
    text = "A truce between Russia and Turkey took effect in May 2018. On Friday jets bombed a market outside the truce zone in Raqqa."
    agreements, violations = run(nlp, finder, text)
    assert len(agreements) == 1 and violations == []


def test_a_truce_that_broke_down_is_a_collapse_not_a_violation(nlp, finder):
    text = "A truce between Russia and Turkey took effect in May 2018. Jets have pounded the town since the truce which broke down last week."
    _, violations = run(nlp, finder, text)
    assert violations == []


def test_passive_violated_by_both_sides_takes_the_agreement_parties(nlp, finder):
    text = "A ceasefire between the regime and rebel factions brokered by Washington in June has been repeatedly violated by both sides."
    (a,), (v,) = run(nlp, finder, text)
    assert a.attrs["parties"] == ["Syrian government forces", "Syrian opposition"]
    assert (a.date_kind, a.date_month) == ("month", 6)
    assert v.attrs["kind"] == "aggregate"
    assert v.attrs["violators"] == ["Syrian government forces", "Syrian opposition"]


def test_passive_violated_without_by_names_no_violator(nlp, finder):
    text = "A truce agreed by Moscow and Ankara in October has been violated continually around the town of Saraqib."
    (a,), (v,) = run(nlp, finder, text)
    assert a.attrs["parties"] == ["Russia", "Turkey"]
    assert "violators" not in v.attrs and v.attrs["kind"] == "aggregate"


def test_local_truce_with_the_regime_is_an_agreement(nlp, finder):
    (a,), _ = run(nlp, finder, "Elders in Busra have had a local truce with the regime for three years.")
    assert "Syrian government forces" in a.attrs["parties"]


def test_a_deal_for_a_halt_to_shelling_is_an_agreement_and_a_business_deal_is_not(nlp, finder):
    text = "Tribal leaders reached a deal with government officials on Sunday in exchange for a halt to the bombardment of their villages."
    (a,), _ = run(nlp, finder, text)
    assert a.attrs["parties"] == ["Syrian government forces"]
    assert a.date_weekday == 7
    text = "Two companies reached a deal with government officials on Sunday to rebuild the power station."
    assert run(nlp, finder, text) == ([], [])


def _far_casualty_text(third: str) -> tuple[str, Frame]:
    text = (
        "A truce between Russia and Turkey took effect in May 2018. "
        "Despite the truce, regime helicopters dropped barrel bombs on Kafr Zita. "
        f"{third} "
        "\"We pulled out six bodies, among them two children,\" a rescuer said."
    )
    s = text.index("We pulled out")
    return text, Frame("", "casualty_event", 0, 0, "We pulled out six bodies", s, s + 24, attrs={"killed": 6, "killed_children": 2})


def test_violation_links_a_toll_two_sentences_on_when_the_text_continues_the_event(nlp, finder):
    text, casualty = _far_casualty_text("The strikes flattened two buildings near the market.")
    _, (v,) = run(nlp, finder, text, casualties=[casualty])
    assert v.attrs["casualty_evidence_start_char"] == casualty.evidence_start_char
    assert (v.attrs["killed"], v.attrs["killed_children"]) == (6, 2)


@pytest.mark.parametrize(
    "third",
    ["Elsewhere, shelling hit a bakery in Hama.", "The strikes resumed on Thursday.", "Schools in the province were closed."],
)
def test_no_far_link_across_another_event_a_new_date_or_unrelated_prose(nlp, finder, third):
    text, casualty = _far_casualty_text(third)
    _, violations = run(nlp, finder, text, casualties=[casualty])
    assert all("casualty_evidence_start_char" not in v.attrs for v in violations)


def test_attempts_at_a_truce_are_not_an_agreement(nlp, finder):
    text = "The war began in March 2011 and several attempts at securing a lasting truce have failed."
    assert run(nlp, finder, text)[0] == []


def test_a_headline_repeated_as_the_lead_is_one_violation(nlp, finder):
    text = (
        "A truce between Russia and Turkey took effect in May 2018.\n"
        "12 Killed by Regime Shelling on Binnish despite the Truce\n"
        "Monday 4 June 2018 Civilians Killed by Regime Shelling on Binnish despite the Truce."
    )
    _, violations = run(nlp, finder, text)
    assert len(violations) == 1


def test_a_tag_list_is_not_an_agreement_mention_and_the_real_one_follows(nlp, finder):
    text = "Tags Syria Truce Ceasefire Rebels Homs Rebels weighed a Turkey-Russia truce deal due to take effect on Friday."
    (a,), _ = run(nlp, finder, text)
    assert a.attrs["parties"] == ["Turkey", "Russia"]
    assert a.date_weekday == 5 and "Tags" not in (a.attrs.get("name") or "")


def test_a_zone_named_as_the_place_of_a_strike_is_not_a_new_agreement_nor_the_strike_a_violation(nlp, finder):
    # a strike in a de-escalation zone is a violation only when the text says so ("violated",
    # "despite"): the codebook's rule, not an inference from the place
    text = ("Under a truce agreed by Turkey and Russia in May 2018, the area is calm. "
            "Jets struck a village in a de-escalation zone north of Hama on Friday.")
    ags, vs = run(nlp, finder, text)
    assert len(ags) == 1 and ags[0].date_month == 5
    assert vs == []


def test_modifiers_before_parties_are_skipped(nlp, finder):
    text = "A truce agreed by rebel backer Turkey and regime ally Russia in June 2019 has held."
    (a,), _ = run(nlp, finder, text)
    assert a.attrs["parties"] == ["Turkey", "Russia"]


def test_a_possessive_without_apostrophe_announces(nlp, finder):
    text = "On Monday Russias Defence Ministry declared a 24-hour truce in Deraa set to begin on Tuesday."
    (a,), _ = run(nlp, finder, text)
    assert a.attrs["announced_by"] == "Russia" and a.date_weekday == 2


def test_a_humanitarian_pause_is_an_agreement_and_its_superseded_schedule_is_not(nlp, finder):
    text = ("Government jets halted raids on Deraa from 0600 GMT Sunday for a 72-hour humanitarian pause. "
            "The humanitarian pause was initially scheduled to start on Wednesday.")
    ags, _ = run(nlp, finder, text)
    assert len(ags) == 1 and ags[0].date_weekday == 7


def test_two_relative_dates_for_one_truce_are_one_agreement(nlp, finder):
    from conflictwatch.nlp.kit.spans import DateMention

    text = ("Shelling hit Hama in areas covered by a Russia-brokered ceasefire since it began this week. "
            "A monitor said it was the first death since the truce took effect four days ago.")
    doc = nlp(text)
    a, b = text.index("this week"), text.index("four days ago")
    doc._.cw_dates = [DateMention(a, a + 9, "this week", "relative", offset_days=0, precision="week"),
                      DateMention(b, b + 13, "four days ago", "relative", offset_days=-4)]
    ags = [f for f in finder.frames(doc) if f.frame_type == "ceasefire_agreement"]
    assert len(ags) == 1


def test_concession_against_the_deal_found_earlier_is_a_violation(nlp, finder):
    text = ("A truce agreed by Turkey and Russia has been in place since May 2019. "
            "Despite the deal there has been more shelling of the town in recent days.")
    _, (v,) = run(nlp, finder, text)
    assert v.attrs["agreement_hint"]["month"] == 5


def test_an_accusation_about_every_truce_is_an_aggregate_violation(nlp, finder):
    # "someone was accused of violating it": a general accusation is an aggregate without a count
    text = ("Russia declared a truce in Deraa that began on Monday. "
            "Critics say every time Moscow declares a truce it is the first to violate it.")
    _, (v,) = run(nlp, finder, text)
    assert v.attrs["kind"] == "aggregate" and "violations_low" not in v.attrs


def test_a_headline_violation_is_the_bodys_violation(nlp, finder):
    text = ("Nine Killed in Regime Shelling on Deraa despite Truce\n\n"
            "A truce declared by Russia began in Deraa on Monday. "
            "Regime forces violated the truce within hours, killing nine civilians.")
    _, vs = run(nlp, finder, text)
    assert len(vs) == 1 and "violated" in vs[0].evidence_text


def test_aggregate_takes_the_breakdown_and_displacement_the_casualty_component_counted(nlp, finder):
    # GIVEN an aggregate with its dead, then two sentences that break them down and add the displaced,
    # and the event coder's frames for them
    text = (
        "A truce between Turkey and Russia took effect in March 2020. "
        "Government forces have violated the truce at least 500 times in the last 30 days, killing 24 civilians. "
        "Of the 24 civilians killed in the attacks, nine are children and three are women. "
        "Some 2,000 people were displaced by the attacks, the monitor said."
    )
    def tally(phrase, **attrs):
        s = text.index(phrase)
        return Frame("", "casualty_tally", 0, 0, phrase, s, s + len(phrase), attrs={"scope": "period", **attrs})
    counts = [tally("Government forces have violated", killed=24),
              tally("Of the 24 civilians", killed=24, killed_children=9, killed_women=3),
              tally("Some 2,000 people", displaced=2000)]
    # WHEN the violation is built from the casualty frames
    (_a,), (v,) = run(nlp, finder, text, casualties=counts)
    # THEN it carries the counts the event coder found, not a second count of its own
    assert v.attrs["kind"] == "aggregate" and v.attrs["violations_low"] == 500
    assert v.attrs["killed"] == 24
    assert (v.attrs.get("killed_children"), v.attrs.get("killed_women")) == (9, 3)
    assert v.attrs.get("displaced_low") == 2000


def test_without_casualty_frames_a_violation_has_no_counts(nlp, finder):
    # the ceasefire component does not count the dead itself: that is the casualty component's job
    text = (
        "A truce between Turkey and Russia took effect in March 2020. "
        "Government forces have violated the truce at least 500 times in the last 30 days, killing 24 civilians."
    )
    (_a,), (v,) = run(nlp, finder, text)
    assert v.attrs["violations_low"] == 500 and "killed" not in v.attrs

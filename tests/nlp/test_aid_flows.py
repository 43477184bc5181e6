"""Aid flows on hand-built texts: the shapes of delivery and interruption the codebook counts
(section 4), page furniture that is no statement, and one record per flow told several times
(GIVEN a text WHEN tagged THEN these aid frames)."""

from __future__ import annotations

import pytest
import spacy

from conflictwatch.nlp import document  # noqa: F401  (registers the layout component)
from conflictwatch.nlp.aid.component import build_aid_flows
from conflictwatch.nlp.kit.spans import DateMention, PlaceMention


@pytest.fixture(scope="module")
def nlp():
    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    return n


@pytest.fixture(scope="module")
def laid_out_nlp():
    n = spacy.blank("en")
    n.add_pipe("conflictwatch_layout_v1")
    n.add_pipe("sentencizer")
    return n


@pytest.fixture(scope="module")
def flows():
    return build_aid_flows()


def run(nlp, flows, text, places=(), dates=None):
    doc = nlp(text)
    doc._.cw_places = list(places)
    if dates is not None:
        doc._.cw_dates = dates
    frames = flows.flows(doc)
    for f in frames:
        assert doc.text[f.evidence_start_char : f.evidence_end_char] == f.evidence_text
    return frames


def town(text, name="Kafr Example", admin1="Rural Damascus"):
    s = text.index(name)
    return PlaceMention(s, s + len(name), name, "community", "c:1", name, admin1)


def kinds(frames):
    return [f.attrs["kind"] for f in frames]


# -- page furniture -------------------------------------------------------------------------------


def test_the_headline_of_another_article_in_the_body_is_no_flow(nlp, flows):
    text = ("Air strikes kill 12 in the north\n\n"
            "Jets struck the town on Monday. Photo Russian Military Delivers Over Five Tonnes Of Aid To Tartus Province")
    assert run(nlp, flows, text) == []


def test_the_documents_own_headline_is_a_flow(nlp, flows):
    (f,) = run(nlp, flows, "WFP Delivers 40 Tonnes of Food Aid to Deraa\n\nThe clashes went on elsewhere.")
    assert f.attrs["kind"] == "delivery"


def test_a_related_links_list_is_no_flow(laid_out_nlp, flows):
    text = ("Clashes in the north\n\nFighting went on in the north on Monday. Related News Besieged town of "
            "Kafr Example receives aid after four years Category News")
    assert run(laid_out_nlp, flows, text, places=[town(text)]) == []


# -- deliveries --------------------------------------------------------------------------------------


def test_a_convoy_described_by_its_load_in_an_attack_is_no_delivery(nlp, flows):
    text = "Hours later a convoy delivering aid to besieged civilians was hit by an air strike."
    assert run(nlp, flows, text) == []


def test_food_named_item_by_item_is_aid_and_civilians_are_no_destination(nlp, flows):
    (f,) = run(nlp, flows, "The convoy started delivering rice lentils and flour to civilians late Thursday.")
    assert f.attrs["kind"] == "delivery" and "to_area" not in f.attrs
    assert len(f.evidence_text.split()) >= 5  # the codebook's five words


def test_deliveries_that_took_place(nlp, flows):
    (f,) = run(nlp, flows, "Aid deliveries to the suburb have taken place but they fall short of the need.")
    assert f.attrs["kind"] == "delivery"


def test_a_place_that_received_aid_is_where_it_was_delivered(nlp, flows):
    text = "On June 1 Kafr Example received its first shipment of medical aid."
    d = text.index("June 1")
    (f,) = run(nlp, flows, text, places=[town(text)], dates=[DateMention(d, d + 6, "June 1", "month_day", None, 6, 1)])
    assert (f.attrs["kind"], f.attrs["to_area"], f.date_month, f.date_day) == ("delivery", "Kafr Example", 6, 1)
    (g,) = run(nlp, flows, "The besieged city is receiving UN aid through airdrops carried out daily.")
    assert (g.attrs["kind"], g.attrs["agency"]) == ("delivery", "UN")


def test_permission_to_send_aid_is_an_authorisation_by_who_gave_it(nlp, flows):
    text = "The United Nations said it had been granted permission by Syria to send convoys with humanitarian aid."
    s = text.index("Syria")
    (f,) = run(nlp, flows, text, places=[PlaceMention(s, s + 5, "Syria", "country", "SY", "Syria")])
    assert (f.attrs["kind"], f.attrs["authorised_by"]) == ("authorisation", "Syrian government")


def test_an_agency_working_to_deliver_aid_is_its_provider(nlp, flows):
    (f,) = run(nlp, flows, "The ICRC said it was working with local volunteers to deliver medical aid to all parts of the province.")
    assert (f.attrs["kind"], f.attrs["agency"]) == ("provider", "ICRC")


# -- interruptions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "All aid convoys to the country were temporarily suspended after a deadly air strike on Monday.",
    "The renewed fighting has halted aid delivery efforts to the besieged camp.",
    "Aid must be left to aid groups, not to the forces that seized previous shipments of UN aid to the city.",
    "Several charity kitchens that had distributed food have also stopped operating due to the danger of air strikes.",
    "A council member said aid had not yet been distributed because of the intensity of the raids.",
])
def test_aid_stopped_seized_or_not_distributed_is_an_interruption(nlp, flows, text):
    (f,) = run(nlp, flows, text)
    assert (f.attrs["kind"], f.attrs["status"]) == ("interruption", "interrupted")


# -- one flow told several times ------------------------------------------------------------------------


def test_a_delivery_told_again_is_one_flow_and_the_body_tells_it(nlp, flows):
    text = ("Kafr Example receives aid after four years\n\n"
            "Kafr Example received its first shipment of food aid since 2012 on Friday, the UN said. "
            "The people of Kafr Example received aid hours before the bombing.")
    places = [PlaceMention(m, m + 12, "Kafr Example", "community", "c:1", "Kafr Example", "Rural Damascus")
              for m in (0, text.index("Kafr Example", 10), text.rindex("Kafr Example"))]
    (f,) = run(nlp, flows, text, places=places)
    assert f.evidence_start_char > text.index("\n")


def test_deliveries_to_a_place_on_other_days_or_naming_no_place_stay_apart(nlp, flows):
    text = ("On June 1 Kafr Example received its first shipment of medical aid. "
            "On June 9 Kafr Example received a shipment of food aid. "
            "Aid deliveries to the besieged suburbs have taken place since then.")
    places = [PlaceMention(m, m + 12, "Kafr Example", "community", "c:1", "Kafr Example", "Rural Damascus")
              for m in (text.index("Kafr Example"), text.rindex("Kafr Example"))]
    d1, d9 = text.index("June 1"), text.index("June 9")
    dates = [DateMention(d1, d1 + 6, "June 1", "month_day", None, 6, 1), DateMention(d9, d9 + 6, "June 9", "month_day", None, 6, 9)]
    assert kinds(run(nlp, flows, text, places=places, dates=dates)) == ["delivery", "delivery", "delivery"]


@pytest.mark.parametrize("text", [
    "Rebels seized an army convoy of fuel trucks near the town on Monday.",
    "The UN received reports of aid being diverted in the province.",
    "The bakery stopped operating after the air strikes, residents said.",
])
def test_a_fighters_convoy_reports_about_aid_or_a_shop_that_closed_are_no_flow(nlp, flows, text):
    assert run(nlp, flows, text) == []

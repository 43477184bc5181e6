"""Aid frames and crossing names with the whole pipeline (spaCy model + the project's components),
where the model's own labels matter ("Bab al-Hawa" tagged PERSON), on hand-written sentences."""

from __future__ import annotations

import pytest

from conflictwatch.nlp.kit.spans import get_list


@pytest.fixture(scope="module")
def full_nlp():
    from conflictwatch.nlp.pipeline import load_nlp

    return load_nlp()


def _aid(nlp, text):
    doc = nlp(text)
    frames = [f for f in get_list(doc, "cw_frames") if f.frame_type == "aid_flow"]
    for f in frames:
        assert doc.text[f.evidence_start_char : f.evidence_end_char] == f.evidence_text
    return doc, frames


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "Aid entered through Bab al-Hawa on Monday.",
    "The Security Council extended the authorisation of Bab al-Hawa for 12 months.",
])
def test_a_curated_crossing_is_found_even_when_the_model_calls_it_a_person(full_nlp, text):
    doc, _ = _aid(full_nlp, text)
    assert [(p.text, p.kind) for p in get_list(doc, "cw_places")] == [("Bab al-Hawa", "crossing")]


@pytest.mark.slow
def test_a_road_named_after_a_crossing_is_not_the_crossing(full_nlp):
    doc, _ = _aid(full_nlp, "Regime shelling hit the Bab al-Hawa highway on Tuesday.")
    assert not any(p.kind == "crossing" for p in get_list(doc, "cw_places"))


@pytest.mark.slow
def test_an_extension_by_the_security_council(full_nlp):
    _, (f,) = _aid(full_nlp, "The Security Council extended the authorisation of Bab al-Hawa for 12 months.")
    assert (f.attrs["kind"], f.attrs["status"], f.attrs["duration_months"]) == ("authorisation", "extended", 12)
    assert f.attrs["crossing_name"] == "Bab al-Hawa"


@pytest.mark.slow
def test_a_vetoed_or_failed_renewal_lapses(full_nlp):
    _, (f,) = _aid(full_nlp, "Russia vetoed the extension of the UN cross-border aid mechanism through Bab al-Hawa on Friday.")
    assert (f.attrs["kind"], f.attrs["status"], f.attrs["authorised_by"]) == ("authorisation", "lapsed", "UN Security Council")
    assert f.attrs["to_area"] != "Russia"  # the vetoing state is a party, not a destination


@pytest.mark.slow
def test_a_closure_caused_by_a_failed_renewal_is_a_closure(full_nlp):
    _, (f,) = _aid(full_nlp, "The Bab al-Hawa crossing was closed for three days after the Security Council "
                             "failed to renew the mechanism.")
    assert (f.attrs["kind"], f.attrs["status"], f.attrs["duration_days"]) == ("closure", "closed", 3)
    assert "failed to renew" in f.attrs["cause"]


@pytest.mark.slow
def test_the_states_consent_is_an_authorisation_by_it(full_nlp):
    _, (f,) = _aid(full_nlp, "Damascus agreed to allow the UN to use Bab al-Hawa for six months without "
                             "Security Council authorisation.")
    assert (f.attrs["kind"], f.attrs["authorised_by"], f.attrs["status"]) == ("authorisation", "Syrian government", "authorised")
    assert f.attrs["duration_months"] == 6 and f.attrs["to_area"] == "Idlib"


@pytest.mark.slow
def test_a_headline_delivery_told_again_in_the_body_is_one_delivery_with_the_bodys_quantity(full_nlp):
    text = ("UN aid convoy enters northwest Syria via Bab al-Hawa\n\n"
            "A convoy of 14 UN trucks carrying food and medical supplies crossed into northwest Syria "
            "through the Bab al-Hawa border crossing on Thursday, a UN spokesperson said.")
    _, frames = _aid(full_nlp, text)
    (f,) = [f for f in frames if f.attrs["kind"] == "delivery"]
    assert (f.attrs["quantity"], f.attrs["unit"], f.attrs["crossing_name"], f.date_weekday) == (14, "trucks", "Bab al-Hawa", 4)


@pytest.mark.slow
def test_a_name_prefix_alone_is_not_a_place_when_a_capitalised_word_follows(full_nlp):
    # "Kafr Halab" is not in the gazetteer; "Kafr" alone (a village elsewhere) must not stand for it
    doc = full_nlp("Iranian-backed militias shelled the village of Kafr Halab on Monday.")
    assert [(p.text, p.kind) for p in get_list(doc, "cw_places")] == [("Kafr Halab", "unresolved")]


@pytest.mark.slow
def test_hit_is_a_place_cue(full_nlp):
    doc = full_nlp("Shelling hit Kafr Nabl and Tal Rifaat.")
    assert all(p.kind == "community" for p in get_list(doc, "cw_places"))


@pytest.mark.slow
def test_pro_government_militias_are_the_governments_side(full_nlp):
    doc = full_nlp("Pro-government militias shelled Sarmin on Monday, killing two civilians.")
    (f,) = [f for f in get_list(doc, "cw_frames") if f.frame_type == "casualty_event"]
    assert f.perpetrator_actor_id == "syrian_government"

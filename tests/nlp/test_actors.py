"""Actor dictionary matching (actors.py + include/reference/actors.csv)."""

import csv

import pytest
import spacy

from conflictwatch.config import get_settings
from conflictwatch.nlp.kit.spans import get_list
from conflictwatch.nlp.mentions import actors  # noqa: F401  (registers the factory)
from conflictwatch.nlp.mentions.actors import load_matcher


@pytest.fixture(scope="module")
def matcher():
    return load_matcher()


def ids(matcher, text):
    return [(a.text, a.actor_id) for a in matcher.find(text)]


@pytest.mark.parametrize(
    ("text", "actor_id"),
    [
        ("the regime", "syrian_government"),
        ("Assad forces", "syrian_government"),
        ("regime army", "syrian_government"),
        ("the Syrian army", "syrian_government"),
        ("government troops", "syrian_government"),
        ("Russian jets", "russia"),
        ("Moscow", "russia"),
        ("Iranian-backed militias", "iran_backed_militias"),
        ("Iran-backed militant groups", "iran_backed_militias"),
        ("Turkish forces", "turkey"),
        ("Ankara", "turkey"),
        ("Hayat Tahrir al Sham", "hts"),
        ("Hay'at Tahrir al-Sham", "hts"),
        ("al-Qaeda's former Syria franchise", "hts"),
        ("Syrian National Army", "sna"),
        ("opposition factions", "rebels"),
        ("Daesh", "islamic_state"),
        ("ISIL", "islamic_state"),
        ("the YPG", "sdf"),
        ("U.S.-led coalition", "us_coalition"),
    ],
)
def test_aliases(matcher, text, actor_id):
    found = matcher.find(f"Reports said {text} were involved.")
    assert [a.actor_id for a in found] == [actor_id]


def test_longest_match_wins(matcher):
    assert ids(matcher, "Bashar al-Assad's regime shelled") == [
        ("Bashar al-Assad's regime", "syrian_government")
    ]


def test_slash_form_gives_two_actors(matcher):
    assert [a for _, a in ids(matcher, "in regime/Russian raids on Sarmin")] == [
        "syrian_government",
        "russia",
    ]


def test_coordinated_nationalities(matcher):
    found = ids(matcher, "shelling by the Turkish and Russian forces")
    assert [a for _, a in found] == ["turkey", "russia"]


@pytest.mark.parametrize(
    "text",
    [
        "the White Helmets",
        "Syria Civil Defence",
        "the Syrian Observatory for Human Rights",
        "SOHR",
        "the Observatory",
        "the Response Coordination Group",
        "SNHR",
        "OCHA",
        "the WHO",
        "UN spokesperson",
        "local sources",
        "a monitor",
    ],
)
def test_sources_are_sources(matcher, text):
    (a,) = matcher.find(f"{text} said on Monday")
    assert a.role == "source"


def test_acronyms_are_case_sensitive(matcher):
    assert ids(matcher, "who said it, and the un-named man") == []


def test_every_row_is_well_formed():
    with open(get_settings().reference_dir / "actors.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len({r["actor_id"] for r in rows}) == len(rows)
    assert {r["default_role"] for r in rows} <= {"perpetrator", "source", "victim", "party"}


def test_component_fills_cw_actors():
    nlp = spacy.blank("en")
    nlp.add_pipe("conflictwatch_actors_v1")
    doc = nlp("Regime forces shelled Sarmin, activists said.")
    assert [a.actor_id for a in get_list(doc, "cw_actors")] == ["syrian_government", "local_sources"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("terrorist groups fired rocket shells on the town", [("terrorist groups", "rebels")]),
        ("ISIS terrorists attacked the village", [("ISIS terrorists", "islamic_state")]),
        ("the Nusra Front terrorist group shelled the town", [("Nusra Front", "hts")]),
        ("Daesh terrorist group", [("Daesh terrorist group", "islamic_state")]),
        ("killed in government shelling on the town", [("government", "syrian_government")]),
        ("the government said", []),
        ("Russia and terrorists", [("Russia", "russia"), ("terrorists", "rebels")]),
        ("Turkish air strikes hit the village", [("Turkish air strikes", "turkey")]),
    ],
)
def test_generic_terrorist_wording_and_government_adjective(matcher, text, expected):
    assert ids(matcher, text) == expected


def test_generic_attack_word_made_by_a_named_group(matcher):
    assert ids(matcher, "a terrorist attack by ISIS fighters") == [("ISIS", "islamic_state")]
    assert ids(matcher, "coalition air strikes hit the town") == [("coalition air strikes", "us_coalition")]


def test_us_air_force(matcher):
    assert ids(matcher, "The US Air Force bombed the town") == [("US Air Force", "us_coalition")]


def test_long_form_of_the_islamic_state_name_is_one_actor(matcher):
    # the full name must be one actor span, so "the Levant" inside it is not read as a place
    found = matcher.find("Fighters of the Islamic State of Iraq and the Levant shot two men.")
    assert ("islamic_state", "Islamic State of Iraq and the Levant") in [(a.actor_id, a.text) for a in found]


def test_apostrophe_lost_in_copy_still_matches(matcher):
    assert ids(matcher, "The Syrian armys aircraft bombed the town") == [
        ("Syrian armys aircraft", "syrian_government")
    ]


def test_syrian_fighter_jets_are_the_government(matcher):
    assert ids(matcher, "Syrian fighter jets struck the town") == [("Syrian fighter jets", "syrian_government")]


def test_a_name_that_starts_inside_a_shorter_match(matcher):
    # "the Army" (the Syrian army) must not hide the coalition whose name starts inside it
    assert ids(matcher, "Last week the Army of Conquest announced a new push") == [("Army of Conquest", "rebels")]
    assert ids(matcher, "Kurdish YPG fighters advanced") == [("Kurdish YPG", "sdf")]


def test_the_holder_of_a_place_said_the_long_way(matcher):
    # "districts controlled by the rebels" says who holds the place, like "rebel-held"
    assert ids(matcher, "Russian jets struck districts controlled by the rebels") == [("Russian jets", "russia")]
    assert ids(matcher, "shells hit areas held by the regime") == []


def _alternation(patterns, fold):
    """The plain longest-first alternation the trie replaces (the reference for its matches)."""
    import re

    from conflictwatch.nlp.mentions.actors import _pattern_atoms

    alts = "|".join("".join(_pattern_atoms(p, fold)) for p in sorted(set(patterns), key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alts})(?![\w-])", re.IGNORECASE if fold else 0)


def test_the_trie_regex_matches_what_a_longest_first_alternation_matches():
    import re

    from conflictwatch.nlp.mentions.actors import _trie_regex

    # GIVEN every pattern of the dictionary, and text where patterns nest and share beginnings
    with open(get_settings().reference_dir / "actors.csv", newline="", encoding="utf-8") as fh:
        patterns = [p.strip() for row in csv.DictReader(fh) for p in row["patterns"].split("|") if p.strip()]
    text = ("The Syrian army aircraft and Syrian Arab Army troops shelled it; the regime's forces and pro-regime "
            "militias, Russian-backed forces, the Army of Conquest, Jabhat al Nusra and al-Nusra Front fighters, "
            "ISIS militants, the Islamic State group, Kurdish YPG fighters and the U.S.-led coalition fought. "
            "Hezbollah's fighters, Assads forces and SAA units, NDF and the Syrian Air Force struck.")
    for fold in (True, False):
        trie = re.compile(rf"(?<![\w.-])(?:{_trie_regex(sorted(set(patterns)), fold)})(?![\w-])",
                          re.IGNORECASE if fold else 0)
        # THEN both find the same spans, at every start
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in _alternation(patterns, fold).finditer(text)]
        assert [(m.span() if m else None) for m in (trie.match(text, i) for i in range(len(text)))] == \
            [(m.span() if m else None) for m in (_alternation(patterns, fold).match(text, i) for i in range(len(text)))]


def test_a_generic_group_linked_to_a_named_one_is_that_group(matcher):
    # GIVEN state media's "terrorist groups" tied to a named group by "-linked" / "-affiliated"
    assert ids(matcher, "Jabhat al-Nusra-linked terrorist groups targeted the town") == [("terrorist groups", "hts")]
    assert ids(matcher, "ISIS-affiliated militants attacked the village") == [("militants", "islamic_state")]
    # but who backs or holds is not who acted
    assert ids(matcher, "rebel-held Douma was shelled") == []

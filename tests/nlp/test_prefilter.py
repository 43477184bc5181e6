"""kit/prefilter.py: the literal test never rules out a text a pattern matches (GIVEN patterns and
texts WHEN filtered THEN every match holds one of its pattern's literals), and the aid and ceasefire
components give the same frames with their segment filters as without them."""

from __future__ import annotations

import re
import sys

import pytest
import spacy

from conflictwatch.corpus import CORPUS_DIR, load_split
from conflictwatch.nlp.aid.component import build_aid_flows
from conflictwatch.nlp.aid.kinds import trigger_filter
from conflictwatch.nlp.ceasefires import component as ceasefire_component
from conflictwatch.nlp.ceasefires import triggers as ceasefire_triggers
from conflictwatch.nlp.ceasefires.component import build_ceasefires
from conflictwatch.nlp.ceasefires.lexicon import cue_filter
from conflictwatch.nlp.kit.prefilter import Prefilter, fold, required_literals
from conflictwatch.nlp.kit.terms import load_terms, reference_path

TERM_FILES = ("aid_terms.csv", "ceasefire_terms.csv")


def all_terms():
    return [t for name in TERM_FILES for ts in load_terms(str(reference_path(name))).values() for t in ts]


def texts() -> list[str]:
    arts = load_split("dev") + load_split("seeds", CORPUS_DIR.parent / "include")
    return [a.text for a in arts]


@pytest.mark.parametrize(("pattern", "literals"), [
    (r"truces?", {"truce"}),
    (r"authori[sz](?:ed|es)", {"authorised", "authorises", "authorized", "authorizes"}),
    (r"(?:aid|UN)\s+convoys?", {"convoy"}),
    (r"cease-?\s?fires?", {"cease"}),  # "cease" and "fire" both qualify; the longer one is kept
    (r"\w+ly", {"ly"}),
    (r"no\s+aid", {"aid"}),  # a common word is no good literal
    (r"(?<![\w-])Sochi(?!\w)", {"sochi"}),
    (r"Russia(?![\w-]*backed)|Moscow", {"russia", "moscow"}),
])
def test_required_literals(pattern, literals):
    assert set(required_literals(pattern, re.IGNORECASE)) == literals


@pytest.mark.parametrize("pattern", [r"\w+", r"(?:a|\w+)\s+b?", r"[a-z]+\d"])
def test_a_pattern_without_literals_lets_every_text_through(pattern):
    assert required_literals(pattern) is None
    pf = Prefilter([re.compile(pattern)])
    assert pf.may_match("") and pf.candidates("xyz") == [0]


def test_fold_is_what_case_insensitive_matching_takes_a_character_for():
    # GIVEN every character any term's literals use WHEN re (IGNORECASE) matches another character to it
    # THEN both fold to the same text
    chars = {c for t in all_terms() for lit in (required_literals(t.regex.pattern, t.regex.flags) or ()) for c in lit}
    everything = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    for c in sorted(chars):
        for other in set(re.findall(re.escape(c), everything, re.IGNORECASE)):
            assert fold(other) == fold(c), (c, other)


def test_turkish_capitals_pass_the_filter():
    # "KİZİLAY" matches K[ıi]z[ıi]lay case-insensitively, so its literals must be found in it
    pattern = re.compile(r"K[ıi]z[ıi]lay", re.IGNORECASE)
    for text in ("KİZİLAY", "Kızılay", "KIZILAY", "kizilay"):
        assert pattern.search(text)
        assert Prefilter([pattern]).may_match(f"the {text} convoy")


def test_every_match_of_every_term_holds_one_of_its_literals():
    terms = all_terms()
    assert terms
    for text in texts():
        for t in terms:
            lits = required_literals(t.regex.pattern, t.regex.flags)
            for m in t.regex.finditer(text):
                assert lits is None or any(s in fold(m.group(0)) for s in lits), (t.regex.pattern, m.group(0))


def test_search_agrees_with_the_patterns():
    patterns = [t.regex for t in all_terms()]
    pf = Prefilter(patterns)
    for text in texts():
        for line in text.splitlines():
            assert pf.search(line) == any(p.search(line) for p in patterns)


@pytest.fixture(scope="module")
def blank():
    n = spacy.blank("en")
    n.add_pipe("sentencizer")
    return n


class _Everything(Prefilter):
    """A filter that lets every segment through: the components as they were without one."""

    def __init__(self):
        super().__init__([])

    def may_match(self, text: str) -> bool:
        return True

    def search(self, text: str, pos: int = 0) -> bool:
        return True


def _frames(frames):
    return [(f.frame_type, f.evidence_start_char, f.evidence_end_char, f.evidence_text, f.trigger, f.attrs) for f in frames]


def test_aid_frames_are_the_same_without_the_segment_filter(blank):
    finder = build_aid_flows()
    assert trigger_filter(finder.lex).literals  # the filter does filter
    for text in texts():
        filtered = _frames(finder.flows(blank(text)))
        finder.triggers = _Everything()
        try:
            unfiltered = _frames(finder.flows(blank(text)))
        finally:
            finder.triggers = trigger_filter(finder.lex)
        assert filtered == unfiltered


def test_ceasefire_frames_are_the_same_without_the_cue_filter(blank, monkeypatch):
    finder = build_ceasefires()
    assert cue_filter(finder.lex).literals
    docs = [blank(t) for t in texts()]
    filtered = [_frames(finder.frames(d)) for d in docs]
    assert any(filtered)
    monkeypatch.setattr(ceasefire_component, "cue_filter", lambda lex: _Everything())
    monkeypatch.setattr(ceasefire_triggers, "cue_filter", lambda lex: _Everything())
    unfiltered = [_frames(finder.frames(blank(t))) for t in texts()]
    assert filtered == unfiltered

"""Event triggers as data: include/reference/event_triggers.csv -> token matches in a sentence.

A row is a pattern (one or more words; the last is compared by lemma, the others by their
lower-case form), the part of speech it needs (VERB, NOUN or ANY; VERB+PLACE: a verb whose object is a place,
for verbs that change control only then: "took the town", "entered Zabadani", never "took place"), the ACLED sub-event type
it names (empty for generic words such as "attack" or "hit", whose type comes from their
arguments) and its kind:

    event       names a violent event ("clash", "air strike", "shelled", "exploded")
    instrument  a weapon or platform ("warplanes", "rockets"): the type of a generic trigger
                near it, or a trigger itself when it is the subject of a casualty verb
    generic     an attack word with no type of its own ("attack", "hit", "bombed", "raid")
    territory   a change of control ("captured", "retook", "took control of")
    casualty    a casualty predicate ("killed", "wounded", "dead", "death toll")
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Span

from conflictwatch.nlp.kit.terms import pattern_words, reference_path

KINDS = ("event", "instrument", "generic", "territory", "casualty")
EVENT_TYPE_OF = {
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Air/drone strike": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Chemical weapon": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Sexual violence": "Violence against civilians",
}


@dataclass(frozen=True)
class TriggerRow:
    words: tuple[str, ...]
    pos: str
    sub_event_type: str | None
    kind: str


@dataclass(frozen=True)
class TriggerMatch:
    """A trigger in a sentence: its token span (doc indices) and the row it matched."""

    start: int
    end: int
    head: int  # the token that carries the syntax (the last word: "strikes" in "air strikes")
    row: TriggerRow

    @property
    def kind(self) -> str:
        return self.row.kind

    @property
    def sub_event_type(self) -> str | None:
        return self.row.sub_event_type


@dataclass(frozen=True)
class Lexicon:
    by_last: dict[str, tuple[TriggerRow, ...]]
    _rows: dict = field(default_factory=dict, compare=False, repr=False)  # (lower id, lemma id) -> rows

    def _rows_for(self, lower_id: int, lemma_id: int, strings) -> list[TriggerRow]:
        """The rows a word can end (by its lower case or its lemma), kept by the word's ids."""
        key = (lower_id, lemma_id)
        rows = self._rows.get(key)
        if rows is None:
            words = {strings[lemma_id].lower(), strings[lower_id]}
            rows = self._rows[key] = [r for k in words for r in self.by_last.get(k, ())]
        return rows

    def match(self, sent: Span) -> list[TriggerMatch]:
        """Longest match wins at each token; a word is part of at most one trigger."""
        found: list[TriggerMatch] = []
        doc, first, strings = sent.doc, sent.start, sent.doc.vocab.strings
        words = sent.to_array([LOWER, LEMMA]).tolist()  # each word's lower_ and lemma_.lower(), no Token objects
        lowers: list[str] | None = None
        for n, (lower_id, lemma_id) in enumerate(words):
            rows = self._rows_for(lower_id, lemma_id, strings)
            if not rows:
                continue
            if lowers is None:  # the sentence's words as text, only once a word ends a trigger
                lowers = [strings[lower] for lower, _ in words]
                lemmas = [strings[lemma].lower() for _, lemma in words]
            tok = doc[first + n]
            best = None
            for row in sorted(rows, key=lambda r: -len(r.words)):
                start = tok.i - len(row.words) + 1
                if start < sent.start or not _pos_ok(tok, row.pos):
                    continue
                if row.kind == "territory" and (_takes_people_or_things(tok) or _enters_unarmed(tok)):
                    continue
                if all(w in (lowers[start - first + k], lemmas[start - first + k]) for k, w in enumerate(row.words[:-1])):
                    best = TriggerMatch(start, tok.i + 1, tok.i, row)
                    break
            if best is None:
                continue
            overlapped = [f for f in found if f.start < best.end and best.start < f.end]
            if any(f.end - f.start >= best.end - best.start for f in overlapped):
                continue  # a longer (or equal) trigger already holds these words
            found = [f for f in found if f not in overlapped]
            found.append(best)
        return sorted(found, key=lambda m: m.start)


HELD_NOUNS = frozenset({"town", "towns", "village", "villages", "city", "area", "areas", "neighbourhood",
                        "neighbourhoods", "neighborhood", "neighborhoods", "district", "districts", "hill", "hills",
                        "base", "airport", "airbase", "position", "positions", "checkpoint", "checkpoints", "suburb",
                        "suburbs", "quarter", "mountain", "crossing", "highway", "road", "outskirts", "stronghold",
                        "countryside", "region", "territory", "territories"})


# What a capture verb takes that is no territory: people ("captured several insurgents") and things
# ("had captured gas masks", "seized weapons and ammunition").
TAKEN_NOT_LAND = frozenset({
    "insurgent", "militant", "fighter", "rebel", "soldier", "troop", "member", "commander", "leader", "civilian",
    "people", "hostage", "prisoner", "officer", "pilot", "jihadist", "terrorist", "man", "woman", "child", "emir",
    "mask", "weapon", "arm", "ammunition", "tank", "vehicle", "equipment", "document", "launcher", "missile",
    "rocket", "truck", "car", "drone", "aircraft", "helicopter", "plane", "gun", "machinegun", "cache", "depot"})


CAPTURE_VERBS = frozenset({"capture", "seize", "take", "retake", "recapture"})


def _takes_people_or_things(tok) -> bool:
    """A capture verb whose object is people or things, not a place."""
    if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in CAPTURE_VERBS:
        return False  # "expelled the rebels from X": expelling people from a place is a territory change
    objs = [c for c in tok.children if c.dep_ == "dobj"]
    return bool(objs) and all(o.lemma_.lower() in TAKEN_NOT_LAND for o in objs)


# Who enters a place without taking it: "an aid convoy entered the besieged area", "inspectors entered X".
UNARMED_ENTRANTS = frozenset({
    "convoy", "truck", "aid", "assistance", "delegation", "team", "inspector", "journalist", "civilian", "resident",
    "family", "people", "refugee", "evacuee", "bus", "ambulance", "envoy", "official", "worker", "volunteer", "food"})


def _enters_unarmed(tok) -> bool:
    if tok.lemma_.lower() != "enter":
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in UNARMED_ENTRANTS for c in tok.children)


def _holds_place(tok) -> bool:
    """'took villages including X', 'entered the town of Y', 'took Kafr Nabl': a verb whose object is a
    place, so an ambiguous verb ('take', 'enter') tells a change of control, not 'took place'/'took part'."""
    passive = any(c.dep_ == "auxpass" for c in tok.children)
    for c in tok.children:
        if c.dep_ != "dobj" and not (passive and c.dep_ == "nsubjpass"):  # "Tal Antar was taken"
            continue
        if c.lower_ in HELD_NOUNS or c.ent_type_ in ("GPE", "LOC", "FAC") or _named_place(c):
            return True
    return False


def _named_place(tok) -> bool:
    """The word is (the last word of) a place the places component found: "rebels took Ramussa"."""
    places = getattr(tok.doc._, "cw_places", None) or ()
    return any(p.start_char <= tok.idx < p.end_char and p.kind not in ("country", "unresolved") for p in places)


def _pos_ok(tok, pos: str) -> bool:
    if pos == "ANY":
        return True
    if pos == "VERB+PLACE":
        return _pos_ok(tok, "VERB") and _holds_place(tok)
    if pos == "VERB":
        return tok.pos_ in ("VERB", "AUX") or tok.tag_ in ("VBD", "VBN", "VBG", "VBZ", "VBP", "VB")
    return tok.pos_ in ("NOUN", "PROPN", "ADJ") or tok.tag_.startswith("NN")


def read_rows(path: Path) -> list[TriggerRow]:
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            words = pattern_words(r["pattern"])
            if r["kind"] not in KINDS:
                raise ValueError(f"{path}: unknown kind {r['kind']!r} for {r['pattern']!r}")
            sub = r["sub_event_type"].strip() or None
            if sub is not None and sub not in EVENT_TYPE_OF:
                raise ValueError(f"{path}: unknown sub_event_type {sub!r} for {r['pattern']!r}")
            rows.append(TriggerRow(words, r["pos"].strip().upper() or "ANY", sub, r["kind"]))
    return rows


@lru_cache(maxsize=4)
def load_lexicon(reference_dir: str | None = None) -> Lexicon:
    by_last: dict[str, list[TriggerRow]] = {}
    for row in read_rows(reference_path("event_triggers.csv", reference_dir)):
        by_last.setdefault(row.words[-1], []).append(row)
        if len(row.words) == 2 and "-" not in row.words:  # "suicide bomber" also written "suicide-bomber"
            hyphened = TriggerRow((row.words[0], "-", row.words[1]), row.pos, row.sub_event_type, row.kind)
            if hyphened not in by_last[row.words[-1]]:
                by_last[row.words[-1]].append(hyphened)
    return Lexicon({k: tuple(v) for k, v in by_last.items()})

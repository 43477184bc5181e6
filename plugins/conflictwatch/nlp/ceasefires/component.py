"""conflictwatch_ceasefires_v1: ceasefire agreements and their violations.

Two passes over a document: the agreements first (ceasefires/agreements.py: a ceasefire word
that is not a call, with an anchor — a venue, parties, a date, a name — merged when the text
refers to one again), then the violations (ceasefires/triggers.py and violations.py: an explicit
"violated", or an attack conceded against an agreement), each tied to the agreement the text
points at, its dead and injured read from the event coder's frames. Cue lists are data:
include/reference/ceasefire_terms.csv. Rules and limits: docs/aid_and_ceasefires.md.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from conflictwatch.nlp.ceasefires.agreements import find_agreements
from conflictwatch.nlp.ceasefires.lexicon import CeasefireDocument, cue_filter, load_lexicon
from conflictwatch.nlp.ceasefires.merge import (
    drop_general_beside,
    merge_adjacent,
    merge_headline,
    merge_twins,
)
from conflictwatch.nlp.ceasefires.violations import find_violations
from conflictwatch.nlp.kit.clauses import segments
from conflictwatch.nlp.kit.spans import get_list, text_of
from conflictwatch.nlp.kit.terms import Lexicon
from conflictwatch.records import Frame


class Ceasefires:
    """Finds a document's agreements and violations; `__call__` appends them to doc._.cw_frames."""

    def __init__(self, lexicon: Lexicon):
        self.lex = lexicon

    def __call__(self, doc: Doc) -> Doc:
        get_list(doc, "cw_frames").extend(self.frames(doc))
        return doc

    def frames(self, doc: Doc) -> list[Frame]:
        # A document none of whose segments has a ceasefire word, a venue or a violation word has
        # neither agreements nor violations (the rules need one of them to start from).
        cues = cue_filter(self.lex)
        if not cues.may_match(text_of(doc)):
            return []
        segs = segments(doc)
        if not any(cues.search(seg.text) for seg in segs):
            return []
        cd = CeasefireDocument.of(doc, self.lex, segs)
        agreements = find_agreements(cd)
        violations = merge_adjacent(find_violations(cd, agreements))
        violations = merge_twins(merge_headline(text_of(doc), violations))
        violations = drop_general_beside(violations, lambda text: cd.lex.first("habitual", text) is not None)
        return [a.frame for a in agreements.found] + violations


def build_ceasefires(reference_dir: str | None = None) -> Ceasefires:
    return Ceasefires(load_lexicon(reference_dir))


@Language.factory(
    "conflictwatch_ceasefires_v1",
    default_config={"reference_dir": None},
    assigns=["doc._.cw_frames"],
    requires=["doc._.cw_places", "doc._.cw_actors", "doc._.cw_dates", "doc._.cw_frames"],
)
def make_ceasefires(nlp: Language, name: str, reference_dir: str | None) -> Ceasefires:
    return build_ceasefires(reference_dir)

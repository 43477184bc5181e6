"""conflictwatch_aid_v1: aid-flow frames (deliveries, interruptions, crossings, authorisations, shares).

One frame per aid-flow statement: a segment gives at most one frame from the kind rules (aid/kinds.py,
the first that fires wins) plus one per compact delivery clause (aid/compact.py); repeats are merged
(aid/merge.py). Cue lists are data: include/reference/aid_terms.csv and crossings.csv. The rules and
where the line between an aid flow and humanitarian-need prose is drawn: docs/aid_and_ceasefires.md.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from conflictwatch.nlp.aid.compact import compact_deliveries
from conflictwatch.nlp.aid.kinds import may_hold_flow, statement_frame, trigger_filter
from conflictwatch.nlp.aid.lexicon import AidLexicon, load_lexicon
from conflictwatch.nlp.aid.merge import drop_repeats, merge_authorisations, merge_headline, merge_restatements
from conflictwatch.nlp.aid.statement import DocumentMentions, read_statement
from conflictwatch.nlp.kit.clauses import Segment, segments
from conflictwatch.nlp.kit.spans import get_list, text_of
from conflictwatch.records import Frame


class AidFlows:
    """Finds a document's aid flows; `__call__` appends them to doc._.cw_frames."""

    def __init__(self, lexicon: AidLexicon):
        self.lex = lexicon
        self.triggers = trigger_filter(lexicon)

    def __call__(self, doc: Doc) -> Doc:
        get_list(doc, "cw_frames").extend(self.flows(doc))
        return doc

    def flows(self, doc: Doc) -> list[Frame]:
        # Most segments hold no trigger term at all: they are left out before anything is read.
        crossings = [p.start_char for p in doc._.cw_places or () if p.kind == "crossing"]
        segs = [seg for seg in segments(doc) if may_hold_flow(
            self.triggers, seg.text, any(seg.start_char <= c < seg.end_char for c in crossings))]
        if not segs:
            return []
        mentions = DocumentMentions.of(doc, self.lex)
        frames = [f for seg in segs for f in self.segment_flows(seg, mentions)
                  if not mentions.in_link(f.evidence_start_char, f.evidence_end_char)]
        frames = merge_headline(text_of(doc), drop_repeats(frames))
        return merge_restatements(text_of(doc), merge_authorisations(frames))

    def segment_flows(self, seg: Segment, mentions: DocumentMentions) -> list[Frame]:
        """The kind rules' frame and the compact clauses' (which stand for the delivery if both find one)."""
        compact = compact_deliveries(seg, mentions, self.lex)
        frame = statement_frame(read_statement(seg, mentions, self.lex))
        if frame is None or (compact and frame.attrs.get("kind") == "delivery"):
            return compact
        return [frame, *compact]


def build_aid_flows(reference_dir: str | None = None) -> AidFlows:
    return AidFlows(load_lexicon(reference_dir))


@Language.factory(
    "conflictwatch_aid_v1",
    default_config={"reference_dir": None},
    assigns=["doc._.cw_frames"],
    requires=["doc._.cw_places", "doc._.cw_actors", "doc._.cw_dates"],
)
def make_aid(nlp: Language, name: str, reference_dir: str | None) -> AidFlows:
    return build_aid_flows(reference_dir)

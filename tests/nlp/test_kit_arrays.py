"""Helpers that read a Doc's arrays instead of its Token objects give what the token walk gave
(GIVEN a doc WHEN asked for tokens by characters THEN the same tokens)."""

from __future__ import annotations

import spacy

from conflictwatch.nlp.kit.clauses import segments
from conflictwatch.nlp.kit.syntax import head_of, tokens_in

TEXT = "Twenty killed in Kafr-Nabl.\n\nRussian jets  struck Ariha on Tuesday, the UN said. İdlib's ﬁelds."


def test_tokens_in_is_every_token_overlapping_the_characters():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp(TEXT)
    for span in [doc[:], *doc.sents]:
        for start in range(len(TEXT) + 1):
            for end in range(start, min(len(TEXT), start + 12) + 1):
                naive = [t.i for t in span if t.idx < end and t.idx + len(t.text) > start]
                assert [t.i for t in tokens_in(span, start, end)] == naive
                head = head_of(span, start, end)
                assert (head.i if head is not None else None) == (naive[0] if naive else None)


def test_segments_are_the_sentences_cut_at_line_breaks():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp(TEXT)
    expected = []
    for sent in doc.sents:
        for k, line in enumerate(sent.text.split("\n")):
            if line.strip():
                lead = len(line) - len(line.lstrip())
                start = sent.start_char + sum(len(x) + 1 for x in sent.text.split("\n")[:k]) + lead
                expected.append((start, start + len(line.strip())))
    assert [(s.start_char, s.end_char) for s in segments(doc)] == expected

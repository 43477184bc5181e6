"""Long texts tagged in bounded pieces (nlp/pieces.py): offsets stay exact in the whole text."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import asdict
from pathlib import Path

import pytest

from conflictwatch.config import get_settings
from conflictwatch.nlp.pieces import piece_bounds
from conflictwatch.records import Document

SEED = sorted((Path(__file__).resolve().parents[2] / "include" / "seeds").glob("*.txt"))[1].read_text(encoding="utf-8")
HEAD = "Renewed strikes on Idlib province\n\nReuters Tuesday 21 Jan 2020\n\n"


def test_pieces_cover_the_text_and_end_at_blank_lines():
    # GIVEN paragraphs of 30 characters; WHEN cut into pieces of at most 100
    text = ("x" * 28 + "\n\n") * 20
    bounds = piece_bounds(text, 100)
    # THEN the pieces are consecutive, cover the text, none is longer, each ends after a blank line
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert all(0 < end - start <= 100 for start, end in bounds)
    assert all(text[end - 2 : end] == "\n\n" for _, end in bounds)


def test_one_paragraph_is_cut_at_a_sentence_end_and_a_giant_token_at_the_size():
    sentences = "Shelling hit Ariha. " * 20
    assert all(sentences[end - 2 : end] == ". " for _, end in piece_bounds(sentences, 100)[:-1])
    token = "A" * 250
    assert piece_bounds(token, 100) == [(0, 100), (100, 200), (200, 250)]
    assert piece_bounds("short", 100) == [(0, 5)]


@pytest.fixture(scope="module")
def nlp():
    from conflictwatch.nlp.pipeline import load_nlp

    settings = get_settings()
    return load_nlp(settings.spacy_model, str(settings.reference_dir))


def _document(text: str) -> Document:
    return Document("doc-long", "long.txt", "file", text, "c", "t", "plain", published_date="2020-01-25")


def _moved(frame, delta: int) -> dict:
    """The frame as its text `delta` characters later would give it (indexes left out)."""
    row = asdict(frame)
    for key in ("evidence_start_char", "evidence_end_char", "location_start_char"):
        row[key] = None if row[key] is None else row[key] + delta
    attrs = row["attrs"]
    attrs.pop("restated_in", None)  # the first piece's headline restates some; a later piece has none
    if "casualty_evidence_start_char" in attrs:
        attrs["casualty_evidence_start_char"] += delta
    if (attrs.get("agreement_hint") or {}).get("start_char") is not None:
        attrs["agreement_hint"]["start_char"] += delta
    row.pop("frame_index")
    row.pop("sentence_index")
    return row


def test_a_long_document_is_tagged_in_pieces_with_exact_offsets(nlp):
    from conflictwatch.nlp.pipeline import annotate

    # GIVEN an article with a dateline, then its body three times over: three pieces
    text = HEAD + "\n\n".join([SEED] * 3)
    size = len(HEAD) + len(SEED) + 2
    assert len(piece_bounds(text, size)) == 3
    # WHEN it is tagged with that piece size, and the first piece alone as a whole document
    ((_, whole),) = list(annotate([_document(text)], nlp, piece_chars=size))
    first_end = piece_bounds(text, size)[0][1]
    ((_, alone),) = list(annotate([_document(text[:first_end])], nlp, piece_chars=size))
    # THEN every sentence, entity and evidence span is the exact slice of the whole text
    assert [s.sentence_index for s in whole.sentences] == list(range(len(whole.sentences)))
    assert all(text[s.start_char : s.end_char] == s.text for s in whole.sentences)
    assert all(text[e.start_char : e.end_char] == e.text for e in whole.entities)
    assert [f.frame_index for f in whole.frames] == list(range(len(whole.frames)))
    assert all(text[f.evidence_start_char : f.evidence_end_char] == f.evidence_text for f in whole.frames)
    # AND the first piece says what it says alone; each later copy of the body says the same
    per_copy = len(alone.frames)
    assert per_copy and len(whole.frames) == 3 * per_copy
    assert [asdict(f) for f in whole.frames[:per_copy]] == [asdict(f) for f in alone.frames]
    delta = piece_bounds(text, size)[1][0] - len(HEAD)
    assert [_moved(f, 0) for f in whole.frames[per_copy : 2 * per_copy]] == [_moved(f, delta) for f in alone.frames]
    # AND the dateline is read once, from the first piece
    assert [e.kb_id for e in whole.entities if e.label == "DATELINE"] == ["2020-01-21"]


def test_a_later_piece_counts_dates_from_the_first_pieces_dateline(nlp):
    from conflictwatch.nlp.pipeline import make_piece_doc

    text = HEAD + SEED + "\n\n" + SEED
    later = (len(HEAD) + len(SEED) + 2, len(text))
    doc = nlp(make_piece_doc(nlp, _document(text), later, "2020-01-21"))
    model = doc._.cw_document
    assert model.headline is None and model.dateline is None
    assert model.reference_date == dt.date(2020, 1, 21)

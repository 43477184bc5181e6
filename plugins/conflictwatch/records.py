"""The records every stage passes on, and the Arrow schema they are handed over in.

Flow: SourceItem (discovered) -> Document (extracted) -> Annotation (tagged) -> a batch
Parquet file -> raw.* tables. Anything that fails becomes an IngestError instead, at the
stage where it failed; nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

PIPELINE_VERSION = "0.1.0"


def stable_id(*parts: object, length: int = 16) -> str:
    """A short, deterministic id from its parts (never from the clock)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class SourceItem:
    """One article to ingest, as discovery found it; nothing read yet (except corpus rows)."""

    source_uri: str  # file path, URL, or "<corpus path>#<row id>"
    kind: str  # "file" | "url" | "corpus_row"
    path: str | None = None
    url: str | None = None
    published_date: str | None = None  # ISO date from a manifest or corpus row
    source_name: str | None = None
    title: str | None = None
    text: str | None = None  # corpus rows carry their text or html inline
    html: str | None = None
    source_config: str | None = None  # the configured source it came from

    @property
    def document_id(self) -> str:
        return stable_id(self.source_uri)


@dataclass
class Document:
    """One article's main text and metadata, the unit everything downstream refers to."""

    document_id: str
    source_uri: str
    source_kind: str
    text: str
    content_hash: str  # sha256 of the raw bytes read or fetched
    text_hash: str  # sha256 of the extracted text
    extractor: str  # "trafilatura 2.3.1" | "plain"
    url: str | None = None
    title: str | None = None
    published_date: str | None = None
    published_date_source: str | None = None  # manifest | html_meta | corpus | None
    source_name: str | None = None
    language: str | None = "en"
    word_count: int = 0
    pipeline_version: str = PIPELINE_VERSION
    encoding: str | None = None  # how the bytes were decoded: "utf-8", "cp1252 (detected)", ... (encoding.py)


@dataclass
class SourceAlias:
    """A source whose content was loaded before under another name (a copy of a file or corpus
    row found in a later run): recorded as one more source of that document, not read again."""

    source_uri: str
    source_kind: str
    content_hash: str  # the loaded document's content hash: the link to it
    source_document_id: str  # the id this source would have as a document of its own
    url: str | None = None
    title: str | None = None
    published_date: str | None = None
    source_name: str | None = None
    source_config: str | None = None


@dataclass
class Sentence:
    document_id: str
    sentence_index: int
    start_char: int
    end_char: int
    text: str


@dataclass
class Entity:
    document_id: str
    entity_index: int
    sentence_index: int
    label: str  # spaCy label (GPE, ORG, ...) or the project's (PLACE, ACTOR, CROSSING, ROAD)
    text: str
    start_char: int
    end_char: int
    kb_id: str | None = None  # gazetteer location_id or actor_id when the project's matcher resolved it
    origin: str = "ner"  # ner | gazetteer | actors


FRAME_TYPES = (
    "casualty_event",  # an incident: counts tied to a place and a date
    "casualty_tally",  # totals over a period or a whole war: never an incident
    "aid_flow",
    "ceasefire_agreement",
    "ceasefire_violation",
)


@dataclass
class Frame:
    """A candidate statement found in one sentence, with its evidence span.

    Fields every frame type shares are columns; what only one type has lives in `attrs`
    (a JSON object in the warehouse), so the NLP can grow without migrating Parquet schemas.
    Dates are left unresolved (`date_*` parts); dbt resolves them against the publication date.
    """

    document_id: str
    frame_type: str
    frame_index: int
    sentence_index: int
    evidence_text: str
    evidence_start_char: int
    evidence_end_char: int
    trigger: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    location_mention: str | None = None
    location_id: str | None = None  # resolved gazetteer id, if any
    location_admin1_hint: str | None = None  # the admin1 the text names for it ("Idlib's Bara")
    location_start_char: int | None = None
    date_text: str | None = None
    date_kind: str | None = None  # absolute | month_day | month | year | weekday | relative | None
    date_year: int | None = None
    date_month: int | None = None
    date_day: int | None = None
    date_weekday: int | None = None  # ISO: Monday=1 .. Sunday=7
    date_offset_days: int | None = None  # for relative: -1 yesterday, 0 today
    perpetrator_mention: str | None = None
    perpetrator_actor_id: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def frame_id(self) -> str:
        return stable_id(self.document_id, self.frame_type, self.frame_index)


@dataclass
class Annotation:
    """Everything the NLP stage says about one document."""

    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)


@dataclass
class IngestError:
    source_uri: str
    stage: str  # discover | fetch | read | extract | nlp | load
    error_class: str
    message: str
    source_config: str | None = None
    content_hash: str | None = None

    @property
    def error_id(self) -> str:
        return stable_id(self.source_uri, self.stage)


class IngestFailure(Exception):
    """An article-level failure with a stage and a clear message; becomes an IngestError."""

    def __init__(self, stage: str, message: str, error_class: str | None = None):
        super().__init__(message)
        self.stage = stage
        self.error_class = error_class or type(self).__name__


def error_from_exception(source_uri: str, stage: str, exc: BaseException, **kw: Any) -> IngestError:
    if isinstance(exc, IngestFailure):
        return IngestError(source_uri, exc.stage, exc.error_class, str(exc), **kw)
    return IngestError(source_uri, stage, type(exc).__name__, str(exc) or repr(exc), **kw)


def frame_row(frame: Frame) -> dict[str, Any]:
    row = asdict(frame)
    row["frame_id"] = frame.frame_id
    row["attrs"] = json.dumps(frame.attrs, sort_keys=True, ensure_ascii=False, default=str)
    return row


def error_row(error: IngestError) -> dict[str, Any]:
    row = asdict(error)
    row["error_id"] = error.error_id
    return row

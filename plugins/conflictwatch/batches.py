"""The hand-over between parallel workers and the single loader: one Parquet file per batch.

A batch file has one row per input item: its document (or null), the document's sentences,
entities and frames as nested lists, the item's errors, and (from discovery) the sources that
are copies of a document loaded before (aliases). Workers only ever write their
own new file (written to a temporary name, then renamed), so any number can run at once;
the loader is the only process that opens the warehouse.
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from conflictwatch.records import (
    Annotation,
    Document,
    Entity,
    Frame,
    IngestError,
    Sentence,
    SourceAlias,
    error_row,
    frame_row,
    stable_id,
)

_ARROW = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


def _arrow_type(tp: Any) -> pa.DataType:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _arrow_type(inner)
    if tp in _ARROW:
        return _ARROW[tp]
    return pa.string()  # dicts (frame attrs) travel as JSON text


def _struct(cls: type, extra: Sequence[tuple[str, pa.DataType]] = ()) -> pa.StructType:
    hints = typing.get_type_hints(cls)
    fields = [pa.field(f.name, _arrow_type(hints[f.name])) for f in dataclasses.fields(cls)]
    return pa.struct(fields + [pa.field(n, t) for n, t in extra])


DOCUMENT = _struct(Document)
SENTENCE = _struct(Sentence)
ENTITY = _struct(Entity)
FRAME = _struct(Frame, [("frame_id", pa.string())])
ERROR = _struct(IngestError, [("error_id", pa.string())])
ALIAS = _struct(SourceAlias)

BATCH_SCHEMA = pa.schema(
    [
        pa.field("item_index", pa.int64()),
        pa.field("source_uri", pa.string()),
        pa.field("document", DOCUMENT),
        pa.field("sentences", pa.list_(SENTENCE)),
        pa.field("entities", pa.list_(ENTITY)),
        pa.field("frames", pa.list_(FRAME)),
        pa.field("errors", pa.list_(ERROR)),
        pa.field("aliases", pa.list_(ALIAS)),
    ]
)


@dataclasses.dataclass
class BatchItem:
    source_uri: str
    document: Document | None = None
    annotation: Annotation | None = None
    errors: list[IngestError] = dataclasses.field(default_factory=list)
    aliases: list[SourceAlias] = dataclasses.field(default_factory=list)


def _row(index: int, item: BatchItem) -> dict[str, Any]:
    ann = item.annotation or Annotation()
    return {
        "item_index": index,
        "source_uri": item.source_uri,
        "document": dataclasses.asdict(item.document) if item.document else None,
        "sentences": [dataclasses.asdict(s) for s in ann.sentences],
        "entities": [dataclasses.asdict(e) for e in ann.entities],
        "frames": [frame_row(f) for f in ann.frames],
        "errors": [error_row(e) for e in item.errors],
        "aliases": [dataclasses.asdict(a) for a in item.aliases],
    }


def batch_name(source_uris: Iterable[str]) -> str:
    """Content-keyed name: the same inputs always land in the same file (re-runs overwrite)."""
    return f"batch-{stable_id(*sorted(source_uris))}.parquet"


def write_batch(items: Sequence[BatchItem], directory: Path, name: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or batch_name(i.source_uri for i in items))
    table = pa.Table.from_pylist([_row(i, it) for i, it in enumerate(items)], schema=BATCH_SCHEMA)
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return path


def read_batch(path: Path) -> list[BatchItem]:
    """Back to records (used by tests and by tools that re-score a batch without the warehouse)."""
    items = []
    for row in pq.read_table(path).to_pylist():
        doc = Document(**row["document"]) if row["document"] else None
        frames = []
        for f in row["frames"]:
            f = dict(f)
            f.pop("frame_id")
            f["attrs"] = json.loads(f["attrs"] or "{}")
            frames.append(Frame(**f))
        ann = Annotation(
            sentences=[Sentence(**s) for s in row["sentences"]],
            entities=[Entity(**e) for e in row["entities"]],
            frames=frames,
        )
        errors = []
        for e in row["errors"]:
            e = dict(e)
            e.pop("error_id")
            errors.append(IngestError(**e))
        aliases = [SourceAlias(**a) for a in row["aliases"]]
        items.append(BatchItem(row["source_uri"], doc, ann, errors, aliases))
    return items


def discovery_batch(errors: Sequence[IngestError], directory: Path, name: str,
                    aliases: Sequence[SourceAlias] = ()) -> Path | None:
    """A batch of what discovery alone found: errors, and copies of documents loaded before."""
    if not errors and not aliases:
        return None
    items = [BatchItem(e.source_uri, errors=[e]) for e in errors]
    items += [BatchItem(a.source_uri, aliases=[a]) for a in aliases]
    return write_batch(items, directory, name)

"""One run of all stages: the same calls the Airflow DAGs make, in the same order.

discover -> (per batch: read/fetch -> extract -> nlp -> one Parquet file) -> load -> dbt build.
Only this module and the DAGs know the order; each stage is a plain function.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from conflictwatch.batches import BatchItem, error_batch, write_batch
from conflictwatch.config import Settings, get_settings
from conflictwatch.records import IngestError, SourceItem, error_from_exception, stable_id
from conflictwatch.sources import Discovery, discover_local

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    discovered: int = 0
    documents: int = 0
    frames: int = 0
    errors: int = 0
    batch_files: list[str] = field(default_factory=list)
    dbt_ok: bool | None = None
    seconds: float = 0.0
    error_messages: list[str] = field(default_factory=list)


def discover(inputs: Iterable[str | Path], source_config: str | None = None) -> Discovery:
    return discover_local(inputs, source_config)


def chunk(items: Sequence[SourceItem], size: int) -> list[list[SourceItem]]:
    size = max(1, size)
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def item_to_dict(item: SourceItem) -> dict:
    """XCom-safe form of a SourceItem (the DAG passes batches between tasks as JSON)."""
    return asdict(item)


def item_from_dict(data: dict) -> SourceItem:
    return SourceItem(**data)


REPROCESS = "reprocess"  # the source_config of items re-read to apply a newer extraction/NLP


def _read_raw(item: SourceItem, settings: Settings) -> bytes | None:
    """Bytes for URL items; files and corpus rows are read by extract itself.

    A URL being reprocessed is read from the fetch archive (the raw HTML as it was fetched),
    so an extraction improvement never refetches; only a URL with no archived copy is fetched.
    """
    if item.kind != "url":
        return None
    from conflictwatch.fetch import fetch, latest_archived  # only URL sources need the fetcher
    from conflictwatch.sourceconfig import load_sources

    url = item.url or item.source_uri
    if item.source_config == REPROCESS:
        archived = latest_archived(url, settings.archive_dir)
        if archived is not None:
            return archived.read()
    policy = load_sources(settings.sources_file).fetch if settings.sources_file.exists() else None
    return fetch(url, policy, settings.archive_dir).body


def process_batch(items: Sequence[SourceItem], settings: Settings | None = None, batch_dir: Path | None = None) -> Path:
    """read/fetch -> extract -> nlp for one batch; writes and returns its Parquet file.

    Every item ends up in the file, as a tagged document or as its errors.
    """
    from conflictwatch.extract import extract_item
    from conflictwatch.nlp.pipeline import annotate, load_nlp

    settings = settings or get_settings()
    out: dict[str, BatchItem] = {}
    documents = []
    for item in items:
        try:
            raw = _read_raw(item, settings)
            document = extract_item(item, raw, settings)
            documents.append(document)
            out[item.source_uri] = BatchItem(item.source_uri, document)
        except Exception as exc:
            stage = "fetch" if item.kind == "url" else "extract"
            err = error_from_exception(item.source_uri, stage, exc, source_config=item.source_config)
            log.warning("%s failed at %s: %s: %s", item.source_uri, err.stage, err.error_class, err.message)
            out[item.source_uri] = BatchItem(item.source_uri, errors=[err])
    if documents:
        nlp = load_nlp(settings.spacy_model, str(settings.reference_dir))
        for document, result in annotate(documents, nlp):
            if isinstance(result, IngestError):
                out[document.source_uri] = BatchItem(document.source_uri, errors=[result])
            else:
                out[document.source_uri].annotation = result
    ordered = [out[i.source_uri] for i in items]
    return write_batch(ordered, batch_dir or settings.batches_dir)


def run_batches(batches: Sequence[Sequence[SourceItem]], settings: Settings, batch_dir: Path) -> list[Path]:
    return [process_batch(batch, settings, batch_dir) for batch in batches]


def run(
    inputs: Sequence[str | Path],
    warehouse: Path | None = None,
    settings: Settings | None = None,
    build: bool = True,
    publish: bool = True,
) -> RunSummary:
    """Ingest the inputs into the warehouse and (by default) build the marts."""
    from conflictwatch.load import load_batches
    from conflictwatch.transform import dbt_build, publish_analyst_copy

    started = time.monotonic()
    settings = settings or get_settings()
    warehouse = Path(warehouse or settings.warehouse).resolve()
    summary = RunSummary()
    found = discover(inputs)
    summary.discovered = len(found.items)
    run_key = stable_id(*sorted(str(Path(i).resolve()) for i in inputs))
    batch_dir = settings.batches_dir / f"run-{run_key}"
    if batch_dir.exists():  # a re-run of the same inputs replaces its own batch files
        for old in batch_dir.glob("*.parquet"):
            old.unlink()
    files = run_batches(chunk(found.items, settings.batch_size), settings, batch_dir)
    discovery_errors = error_batch(found.errors, batch_dir, "batch-discovery.parquet")
    if discovery_errors:
        files.append(discovery_errors)
    summary.batch_files = [str(f) for f in files]
    result = load_batches(files, warehouse)
    summary.documents, summary.frames, summary.errors = result.documents, result.frames, result.errors
    summary.error_messages = [f"{e.source_uri}: [{e.stage}] {e.error_class}: {e.message}" for e in found.errors]
    if build:
        dbt_build(warehouse, settings)
        summary.dbt_ok = True
        if publish:
            publish_analyst_copy(warehouse)
    summary.seconds = time.monotonic() - started
    return summary

"""What the DAG tasks call: JSON-in, JSON-out wrappers around run.py (no Airflow imports).

Batch files of a DAG run live in their own folder keyed by the run id, so a retried or
re-run task overwrites its own file and the loader loads exactly this run's files. The
folder also keeps `sources.yml`, the run's effective sources and fetch policy (the
declared file with the manual run's Params applied): the mapped tasks read it, so a
per-run override (an allow-listed host, a URL list) never touches include/sources.yml.

Incremental discovery: local files are keyed by a file:// URL and their content hash, web
items by URL (feeds.py asks the seen-set itself); the loader marks documents seen only
after their transaction committed, so anything that failed is tried again next run.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from conflictwatch.batches import error_batch
from conflictwatch.config import Settings, get_settings
from conflictwatch.records import SourceItem
from conflictwatch.run import REPROCESS, chunk, item_from_dict, item_to_dict, process_batch
from conflictwatch.sources import CORPUS_SUFFIXES, Discovery, discover_corpus, discover_local

log = logging.getLogger(__name__)

LOCAL_KINDS = ("folder", "corpus")
WEB_KINDS = ("url_list", "feed", "sitemap")
DISCOVERY_ERRORS = "batch-discovery.parquet"
RUN_SOURCES = "sources.yml"
# croniter knows most presets; these two it does not.
_PRESET_CRON = {"@quarterly": "0 0 1 */3 *", "@annually": "0 0 1 1 *"}


def run_dir(run_id: str, settings: Settings) -> Path:
    return settings.batches_dir / re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)


# --- which sources a run reads ---------------------------------------------------------------------


def declared_sources(settings: Settings):
    """include/sources.yml, or (no file) the seeds folder as the one manual source."""
    from conflictwatch.sourceconfig import SourceConfig, SourcesConfig, load_sources

    if settings.sources_file.exists():
        return load_sources(settings.sources_file)
    return SourcesConfig(sources=(SourceConfig(name="seeds", kind="folder", path=settings.seeds_dir),))


def effective_sources(params: Mapping[str, Any], settings: Settings):
    """The declared sources with a manual run's Params applied (SourcesConfig.override).

    `inputs` (local files/folders/corpora), `url_list` and `urls` replace the declared
    sources; `sources` keeps only the named ones; `fetch_allow_hosts` allow-lists hosts
    for this run's fetch policy only.
    """
    from conflictwatch.sourceconfig import SourcesConfig, one_off_source

    config = declared_sources(settings)
    fetch = {"allow_hosts": list(params["fetch_allow_hosts"])} if params.get("fetch_allow_hosts") else None
    max_items = params.get("max_items") or None
    config = config.override(
        url_list=params.get("url_list") or None,
        urls=list(params.get("urls") or []) or None,
        only=list(params["sources"]) if params.get("sources") else None,
        max_items=max_items,
        fetch=fetch,
        base_dir=settings.project_root,
    )
    inputs = [str(i) for i in params.get("inputs") or []]
    if inputs:
        local = tuple(
            one_off_source(
                "corpus" if i.lower().endswith(CORPUS_SUFFIXES) else "folder", i,
                name=f"manual_input_{n}", max_items=max_items, base_dir=settings.project_root,
            )
            for n, i in enumerate(inputs, start=1)
        )
        web = tuple(s for s in config.sources if s.name.startswith("manual_")) if _has_web_override(params) else ()
        config = SourcesConfig(sources=local + web, fetch=config.fetch, path=config.path)
    # Asking for a source by name or giving one is explicit: it runs even if unscheduled.
    return config


def _has_web_override(params: Mapping[str, Any]) -> bool:
    return bool(params.get("url_list") or params.get("urls"))


def _cron(schedule: str) -> str:
    return _PRESET_CRON.get(schedule, schedule)


def due_sources(config, manual: bool, window_start: datetime, window_end: datetime) -> list:
    """Manual runs read every source of the (overridden) config; scheduled runs read the
    sources whose own schedule fires within (window_start, window_end]."""
    if manual:
        return list(config.sources)
    from croniter import croniter

    due = []
    for source in config.scheduled:
        if source.schedule == "@once":
            continue  # a one-off source is for manual runs
        if croniter(_cron(source.schedule), window_start).get_next(datetime) <= window_end:
            due.append(source)
    return due


def write_run_sources(config, directory: Path) -> Path:
    """The run's effective sources and fetch policy as a sources file (read back by load_sources)."""
    from dataclasses import asdict

    def source_row(s) -> dict:
        row = {k: v for k, v in asdict(s).items() if v not in (None, ())}
        if "path" in row:
            row["path"] = str(row["path"])
        if "urls" in row:
            row["urls"] = list(row["urls"])
        return row

    fetch = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(config.fetch).items()}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / RUN_SOURCES
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump({"sources": [source_row(s) for s in config.sources], "fetch": fetch},
                                  sort_keys=False))
    tmp.replace(path)
    return path


# --- the seen-set for local items --------------------------------------------------------------------


def seen_key(item_or_uri: SourceItem | str, kind: str | None = None) -> str:
    """The seen-set key: the URL for web items, a file:// URL for files and corpus rows."""
    uri = item_or_uri.source_uri if isinstance(item_or_uri, SourceItem) else item_or_uri
    kind = item_or_uri.kind if isinstance(item_or_uri, SourceItem) else kind
    if kind == "url":
        return uri
    path, _, row = uri.partition("#")
    return Path(path).resolve().as_uri() + (f"?row={row}" if row else "")


def _file_hash(path: str, cap: int) -> str | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read(cap + 1)
    except OSError:
        return None  # extract reports why; discovery only decides whether to look again
    return hashlib.sha256(data).hexdigest()


def filter_unseen(items: Sequence[SourceItem], seen, settings: Settings) -> list[SourceItem]:
    """Local items not ingested before: a file whose content hash was loaded is skipped
    (unchanged, or the same article under another name); a corpus row by its key."""
    keep = []
    for item in items:
        if item.kind == "file":
            digest = _file_hash(item.path or item.source_uri, settings.max_document_bytes)
            if digest and seen.seen_hash(digest):
                continue
        elif seen.seen_url(seen_key(item)):
            continue
        keep.append(item)
    return keep


def seen_store(settings: Settings):
    from conflictwatch.seen import SeenStore

    return SeenStore(settings.data_dir / "state" / "seen.sqlite")


# --- the tasks -----------------------------------------------------------------------------------------


def discover_batches(
    params: Mapping[str, Any],
    run_id: str,
    *,
    manual: bool = True,
    window_end: datetime | None = None,
    window: timedelta = timedelta(hours=1),
    reprocess: Sequence[dict] = (),
    settings: Settings | None = None,
) -> list[dict]:
    """Discover new items of the due sources (plus documents to reprocess) and split them
    into batches; discovery errors go to this run's own error batch file."""
    settings = settings or get_settings()
    config = effective_sources(params, settings)
    window_end = window_end or datetime.now(UTC)
    sources = due_sources(config, manual, window_end - window, window_end)
    directory = run_dir(run_id, settings)
    for old in directory.glob("*.parquet") if directory.exists() else ():
        old.unlink()  # a re-run of this run id starts from its own clean folder
    sources_file = write_run_sources(replace(config, sources=tuple(sources)), directory)
    force = bool(params.get("force"))
    seen = None if force else seen_store(settings)
    found = Discovery()
    for source in sources:
        log.info("discovering %s (%s: %s)", source.name, source.kind, source.target)
        if source.kind in LOCAL_KINDS:
            part = discover_local([str(source.path)], source.name)
            if source.source_name:
                part.items = [i if i.source_name else replace(i, source_name=source.source_name) for i in part.items]
            if seen is not None:
                part.items = filter_unseen(part.items, seen, settings)
            if source.max_items:
                part.items = part.items[: source.max_items]
        else:
            from conflictwatch.feeds import discover_web  # only web sources need the fetcher

            part = discover_web(source, config.fetch, seen=seen, archive_dir=settings.archive_dir)
        log.info("%s: %d new items, %d discovery errors", source.name, len(part.items), len(part.errors))
        found.items.extend(part.items)
        found.errors.extend(part.errors)
    found.items.extend(item_from_dict(d) for d in reprocess)
    unique: dict[str, SourceItem] = {}
    for item in found.items:
        unique.setdefault(item.source_uri, item)
    error_batch(found.errors, directory, DISCOVERY_ERRORS)
    batch_size = int(params.get("batch_size") or settings.batch_size)
    return [
        {"run_dir": str(directory), "sources_file": str(sources_file), "index": i,
         "items": [item_to_dict(it) for it in batch]}
        for i, batch in enumerate(chunk(list(unique.values()), batch_size))
    ]


def reprocess_items(since: str | None, settings: Settings | None = None) -> list[dict]:
    """Documents published or loaded on or after `since`, as items to read, extract and tag again.

    Files are read again from their path and corpus rows from their corpus; URLs are
    fetched again (the fetch archive keeps every version, keyed by content hash).
    """
    if not since:
        return []
    settings = settings or get_settings()
    day = date.fromisoformat(str(since)[:10])
    if not settings.warehouse.exists():
        return []
    import duckdb

    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        tables = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
        if "documents" not in tables:
            return []
        rows = con.execute(
            """select source_uri, source_kind, url, title, published_date, source_name
               from raw.documents
               where try_cast(published_date as date) >= ? or cast(loaded_at as date) >= ?
               order by source_uri""",
            [day, day],
        ).fetchall()
    finally:
        con.close()
    items: list[SourceItem] = []
    corpora: dict[str, dict[str, SourceItem]] = {}
    for uri, kind, url, title, published, source_name in rows:
        if kind == "corpus_row":
            path = uri.partition("#")[0]
            if path not in corpora:
                corpora[path] = {i.source_uri: i for i in discover_corpus(Path(path), REPROCESS).items}
            if uri in corpora[path]:
                items.append(corpora[path][uri])
            continue
        items.append(SourceItem(
            source_uri=uri, kind=kind, path=uri if kind == "file" else None, url=url,
            published_date=published, source_name=source_name, title=title, source_config=REPROCESS,
        ))
    log.info("reprocessing %d documents published or loaded since %s", len(items), day)
    return [item_to_dict(i) for i in items]


def process_batch_spec(batch: dict, settings: Settings | None = None) -> str:
    """fetch (URLs, under the run's fetch policy) -> extract -> nlp for one batch -> its Parquet file."""
    settings = settings or get_settings()
    if batch.get("sources_file") and Path(batch["sources_file"]).exists():
        settings = replace(settings, sources_file=Path(batch["sources_file"]))
    items = [item_from_dict(d) for d in batch["items"]]
    path = process_batch(items, settings, Path(batch["run_dir"]))
    return str(path)


def load_run(batch_files: Sequence[str], run_id: str, settings: Settings | None = None) -> dict:
    """Load this run's batch files in one transaction, then mark their documents seen."""
    from conflictwatch.load import load_batches

    settings = settings or get_settings()
    discovery = run_dir(run_id, settings) / DISCOVERY_ERRORS
    files = [Path(f) for f in batch_files if f] + ([discovery] if discovery.exists() else [])
    result = load_batches(files, settings.warehouse)
    marked = mark_seen(files, settings)
    return {"batches": result.batches, "documents": result.documents, "frames": result.frames,
            "errors": result.errors, "marked_seen": marked}


def mark_seen(batch_files: Sequence[Path], settings: Settings) -> int:
    """Record each loaded document's URL/file key and content hash (after the load committed)."""
    import pyarrow.parquet as pq

    rows = [
        (seen_key(doc["source_uri"], doc["source_kind"]), doc["content_hash"], doc["document_id"])
        for path in batch_files
        for doc in pq.read_table(path, columns=["document"]).column("document").to_pylist()
        if doc
    ]
    return seen_store(settings).mark_many(rows) if rows else 0

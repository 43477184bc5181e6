"""The one ingest path: discover (with the seen-set) -> batches -> load -> transform -> publish.

The command line (`conflictwatch run`), the DAGs (dags/ingest_articles.py, dags/transform_dbt.py)
and the tests all call this module; it alone knows the order of the stages and the rules that
make a run incremental, so they are written once:

* **discover** streams the items of the sources a run reads (folders are listed, corpora read
  row by row, feeds and sitemaps fetched) and drops what the seen-set knows: a file or corpus
  row whose content hash was loaded before (unchanged, or the same article under another
  name), a corpus row or URL by its key. Nothing is marked seen before its load committed.
* **batches**: the stream is cut into batches of `batch_size` items; each batch is read,
  extracted and tagged into one Parquet file (`process_batch`). On the command line the
  batches run in a process pool (`workers`, default: every core), each worker loading the
  spaCy model once; in Airflow each batch is a mapped task.
* **load**: the warehouse's only writer reads the batch files one at a time, all in one
  transaction, then marks their documents seen.
* **transform**: `dbt build` (incremental models keyed by document) and the analyst copy; skipped,
  saying so, when the load brought no new document (in Airflow: the `raw` Asset is not emitted).

No Airflow import here: the DAG tasks are thin wrappers over `discover_batches`,
`process_batch_spec`, `load_run` and `transform`.
"""

from __future__ import annotations

import collections
import hashlib
import logging
import multiprocessing
import os
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import yaml

from conflictwatch.batches import BatchItem, discovery_batch, write_batch
from conflictwatch.config import Settings, get_settings
from conflictwatch.records import IngestError, SourceAlias, SourceItem, error_from_exception, sha256_bytes
from conflictwatch.sources import CORPUS_SUFFIXES, discover_corpus, iter_local

log = logging.getLogger(__name__)

LOCAL_KINDS = ("folder", "corpus")
WEB_KINDS = ("url_list", "feed", "sitemap")
DISCOVERY_ERRORS = "batch-discovery.parquet"  # discovery's errors and aliases
RUN_SOURCES = "sources.yml"
REPROCESS = "reprocess"  # the source_config of items re-read to apply a newer extraction/NLP
# croniter knows most presets; these two it does not.
_PRESET_CRON = {"@quarterly": "0 0 1 */3 *", "@annually": "0 0 1 1 *"}


# --- which sources a run reads -------------------------------------------------------------------


def run_dir(run_id: str, settings: Settings) -> Path:
    return settings.batches_dir / re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)


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


# --- items and batches -----------------------------------------------------------------------------


def item_to_dict(item: SourceItem) -> dict:
    """XCom-safe form of a SourceItem (the DAG passes batches between tasks as JSON)."""
    return asdict(item)


def item_from_dict(data: dict) -> SourceItem:
    return SourceItem(**data)


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of `size` items from a stream (the last one shorter)."""
    it = iter(items)
    size = max(1, size)
    while part := list(islice(it, size)):
        yield part


def chunk(items: Sequence[SourceItem], size: int) -> list[list[SourceItem]]:
    return list(chunked(items, size))


# --- the seen-set ------------------------------------------------------------------------------------


def seen_path(settings: Settings) -> Path:
    """The seen-set belongs to its warehouse: `<warehouse>.seen.sqlite` beside it, so two
    warehouses (the default one, an eval or benchmark one) never skip each other's documents."""
    w = Path(settings.warehouse)
    return w.with_name(w.stem + ".seen.sqlite")


def seen_store(settings: Settings):
    """The warehouse's seen-set. One whose warehouse is gone is stale and starts empty
    (a fresh warehouse must take everything again)."""
    from conflictwatch.seen import SeenStore

    path = seen_path(settings)
    if path.exists() and not Path(settings.warehouse).exists():
        log.info("warehouse %s is gone: its seen-set starts empty", settings.warehouse)
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
    return SeenStore(path)


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


def content_key(item: SourceItem, settings: Settings) -> str | None:
    """The content hash extraction will give the item's document (extract.extract_item hashes
    the bytes as read: a file's bytes, a corpus row's html or text), or None (URLs: unknown
    before the fetch)."""
    if item.kind == "file":
        return _file_hash(item.path or item.source_uri, settings.max_document_bytes)
    if item.kind == "corpus_row":
        body = item.html if item.html is not None and item.html.strip() else item.text
        return sha256_bytes(body.encode("utf-8")) if body is not None else None
    return None


def filter_unseen(items: Iterable[SourceItem], seen, settings: Settings, chunk_size: int = 256,
                  stats: collections.Counter | None = None, aliases: list[SourceAlias] | None = None
                  ) -> Iterator[SourceItem]:
    """Local items not ingested before, streamed: an item whose content hash was loaded is
    skipped (unchanged, or the same article under another name), a corpus row also by its key.
    The same article under a name not seen before is not read again but appended to `aliases`,
    to be recorded as one more source of its document. One seen-set query per chunk of items;
    `stats["seen"]` counts the skipped ones."""
    from conflictwatch.seen import normalize_url

    for part in chunked(items, chunk_size):
        hashes = [content_key(i, settings) for i in part]
        keys = [seen_key(i) for i in part]
        known_urls, known_hashes = seen.known(keys, [h for h in hashes if h])
        for item, digest, key in zip(part, hashes, keys, strict=True):
            if digest and digest in known_hashes:
                if aliases is not None and normalize_url(key) not in known_urls:
                    aliases.append(alias_of(item, digest))
                if stats is not None:
                    stats["seen"] += 1
                continue
            if item.kind == "corpus_row" and normalize_url(key) in known_urls:
                if stats is not None:
                    stats["seen"] += 1
                continue
            yield item


def alias_of(item: SourceItem, content_hash: str) -> SourceAlias:
    return SourceAlias(
        source_uri=item.source_uri, source_kind=item.kind, content_hash=content_hash,
        source_document_id=item.document_id, url=item.url, title=item.title,
        published_date=item.published_date, source_name=item.source_name, source_config=item.source_config,
    )


def mark_seen(batch_files: Sequence[Path], settings: Settings) -> int:
    """Record each loaded document's URL/file key and content hash (after the load committed);
    the batch files are read one at a time."""
    import pyarrow.parquet as pq

    store = seen_store(settings)
    n = 0
    for path in batch_files:
        table = pq.read_table(path, columns=["document", "aliases"])
        rows = [
            (seen_key(doc["source_uri"], doc["source_kind"]), doc["content_hash"], doc["document_id"])
            for doc in table.column("document").to_pylist()
            if doc
        ]
        rows += [  # an alias's name is known from now on: the next run skips it silently
            (seen_key(a["source_uri"], a["source_kind"]), a["content_hash"], None)
            for aliases in table.column("aliases").to_pylist() for a in aliases or ()
        ]
        n += store.mark_many(rows) if rows else 0
    return n


# --- discover ------------------------------------------------------------------------------------------


@dataclass
class Discovered:
    """A run's discovery: `items` is a stream (consume it once); `errors` fills as it is consumed."""

    items: Iterator[SourceItem]
    errors: list[IngestError] = field(default_factory=list)
    aliases: list[SourceAlias] = field(default_factory=list)  # copies of documents loaded before
    counts: dict[str, int] = field(default_factory=lambda: collections.Counter())


def discover(sources: Sequence, fetch_policy, settings: Settings, *, force: bool = False,
             reprocess: Sequence[SourceItem] = ()) -> Discovered:
    """The new items of `sources` (plus documents to reprocess), streamed, each once."""
    from conflictwatch.fetch import DEFAULT_ROBOTS

    DEFAULT_ROBOTS.clear()  # each run reads robots.txt afresh (once per origin and process)
    seen = None if force else seen_store(settings)
    found = Discovered(iter(()))

    def stream() -> Iterator[SourceItem]:
        uris: set[str] = set()
        for source in sources:
            log.info("discovering %s (%s: %s)", source.name, source.kind, source.target)
            before_errors = len(found.errors)
            n = 0
            for item in _source_items(source, fetch_policy, seen, settings, found):
                key = _dedup_key(item)
                if key in uris:
                    found.counts["duplicate"] += 1
                    continue
                uris.add(key)
                n += 1
                yield item
            log.info("%s: %d new items, %d discovery errors", source.name, n, len(found.errors) - before_errors)
        for item in reprocess:
            if _dedup_key(item) not in uris:
                uris.add(_dedup_key(item))
                found.counts["reprocess"] += 1
                yield item

    found.items = stream()
    return found


def _dedup_key(item: SourceItem) -> str:
    """One article listed by two sources (one link with a campaign tag, another host case) is read once."""
    from conflictwatch.seen import normalize_url

    return normalize_url(item.source_uri) if item.kind == "url" else item.source_uri


def _source_items(source, fetch_policy, seen, settings: Settings, found: Discovered) -> Iterator[SourceItem]:
    if source.kind in LOCAL_KINDS:

        def local() -> Iterator[SourceItem]:
            for x in iter_local([str(source.path)], source.name):
                if isinstance(x, IngestError):
                    found.errors.append(x)
                    continue
                found.counts["listed"] += 1
                yield x if x.source_name or not source.source_name else replace(x, source_name=source.source_name)

        items: Iterable[SourceItem] = local()
        if seen is not None:
            items = filter_unseen(items, seen, settings, stats=found.counts, aliases=found.aliases)
        if source.max_items:
            items = islice(items, source.max_items)
        for item in items:
            found.counts["new"] += 1
            yield item
    else:
        from conflictwatch.feeds import discover_web  # only web sources need the fetcher

        part = discover_web(source, fetch_policy, seen=seen, archive_dir=settings.archive_dir)
        found.errors.extend(part.errors)
        found.counts["listed"] += part.counts["listed"]
        found.counts["seen"] += part.counts["seen"]
        found.counts["new"] += len(part.items)
        yield from part.items


# --- one batch: read/fetch -> extract -> nlp -> one Parquet file ---------------------------------------


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
    policy = None
    if settings.sources_file.exists():
        config = load_sources(settings.sources_file)
        policy = config.fetch
        source = next((s for s in config.sources if s.name == item.source_config), None)
        if source is not None and not source.respect_robots_txt:  # the site's owner allowed us
            policy = replace(policy, respect_robots_txt=False)
    return fetch(url, policy, settings.archive_dir).body


def process_batch(items: Sequence[SourceItem], settings: Settings | None = None, batch_dir: Path | None = None,
                  stats: dict | None = None) -> Path:
    """read/fetch -> extract -> nlp for one batch; writes and returns its Parquet file.

    Every item ends up in the file, as a tagged document or as its errors. `stats`, when
    given, receives the batch's figures (documents, words, seconds per stage).
    """
    from conflictwatch.extract import extract_item
    from conflictwatch.nlp.pipeline import annotate, load_nlp

    settings = settings or get_settings()
    t0 = time.perf_counter()
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
    t1 = time.perf_counter()
    model_s = 0.0
    if documents:
        nlp = load_nlp(settings.spacy_model, str(settings.reference_dir))
        model_s = time.perf_counter() - t1  # 0 once the worker has it
        for document, result in annotate(documents, nlp, piece_chars=settings.piece_chars):
            if isinstance(result, IngestError):
                out[document.source_uri] = BatchItem(document.source_uri, errors=[result])
            else:
                out[document.source_uri].annotation = result
    t2 = time.perf_counter()
    ordered = [out[i.source_uri] for i in items]
    path = write_batch(ordered, batch_dir or settings.batches_dir)
    if stats is not None:
        failed = collections.Counter(f"{e.stage} {e.error_class}" for b in ordered for e in b.errors)
        stats.update({
            "items": len(items), "documents": len(documents),
            "tagged": sum(1 for b in ordered if b.annotation is not None), "errors": dict(failed),
            "words": sum(d.word_count or 0 for d in documents),
            "extract_s": t1 - t0, "model_load_s": model_s, "nlp_s": t2 - t1 - model_s,
            "write_s": time.perf_counter() - t2,
        })
    return path


def _worker_init(model: str, reference_dir: str) -> None:
    """Each pool worker loads the model once, before its first batch."""
    from conflictwatch.nlp.pipeline import load_nlp

    load_nlp(model, reference_dir)


def _worker_batch(items: list[SourceItem], settings: Settings, batch_dir: Path) -> tuple[str, dict]:
    stats: dict = {}
    started = time.process_time()
    path = process_batch(items, settings, batch_dir, stats)
    stats["cpu_s"] = time.process_time() - started
    return str(path), stats


def default_workers() -> int:
    value = os.environ.get("CONFLICTWATCH_WORKERS")
    return max(1, int(value)) if value else max(1, os.cpu_count() or 1)


def process_batches(batches: Iterable[list[SourceItem]], settings: Settings, batch_dir: Path,
                    workers: int | None = None, stats: list[dict] | None = None) -> Iterator[Path]:
    """Each batch to its Parquet file, in order; `workers` processes side by side (a pool whose
    workers each load the model once), at most two batches per worker in flight, so memory
    stays flat however long the stream. A run of one batch stays in this process."""
    workers = workers or default_workers()
    it = iter(batches)
    head = list(islice(it, 2))
    if workers <= 1 or len(head) <= 1:
        for batch in _chain(head, it):
            path, batch_stats = _worker_batch(batch, settings, batch_dir)
            if stats is not None:
                stats.append(batch_stats)
            yield Path(path)
        return
    method = os.environ.get("CONFLICTWATCH_MP_START", "fork" if os.name == "posix" else "spawn")
    context = multiprocessing.get_context(method)
    pending: collections.deque[Future] = collections.deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_init,
                             initargs=(settings.spacy_model, str(settings.reference_dir))) as pool:
        for batch in _chain(head, it):
            pending.append(pool.submit(_worker_batch, batch, settings, batch_dir))
            while len(pending) >= 2 * workers:
                yield _collect(pending.popleft(), stats)
        while pending:
            yield _collect(pending.popleft(), stats)


def _chain(head: list, rest: Iterator) -> Iterator:
    yield from head
    yield from rest


class WorkerDied(RuntimeError):
    """A batch worker died (killed, out of memory) while tagging: the run stops before its load."""


def _collect(future: Future, stats: list[dict] | None) -> Path:
    try:
        path, batch_stats = future.result()
    except BrokenProcessPool as exc:
        # Nothing was loaded or marked seen: a plain re-run reads and tags everything again.
        raise WorkerDied(f"a batch worker died while tagging ({exc}); nothing was loaded: run again") from exc
    if stats is not None:
        stats.append(batch_stats)
    return Path(path)


# --- the run's summary ---------------------------------------------------------------------------------


@dataclass
class RunSummary:
    discovered: int = 0  # items the sources listed (new or not)
    new: int = 0  # items not in the seen-set, read this run
    documents: int = 0  # documents loaded
    aliases: int = 0  # sources recorded as copies of documents loaded before (not read again)
    frames: int = 0
    errors: int = 0
    batch_files: list[str] = field(default_factory=list)
    dbt_ok: bool | None = None  # None: not built (asked not to, or nothing new)
    transform_skipped: str | None = None  # why dbt did not run
    marked_seen: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # wall seconds per stage
    batch_stats: list[dict] = field(default_factory=list)
    error_messages: list[str] = field(default_factory=list)


# --- load ------------------------------------------------------------------------------------------------


def load_files(files: Sequence[Path], settings: Settings) -> dict:
    """Load batch files into the warehouse (one transaction, one file at a time), then mark
    their documents seen."""
    from conflictwatch.load import load_batches

    result = load_batches(files, settings.warehouse)
    marked = mark_seen([f for f in files if Path(f).exists()], settings)
    return {"batches": result.batches, "documents": result.documents, "frames": result.frames,
            "errors": result.errors, "aliases": result.aliases, "marked_seen": marked}


# --- transform ------------------------------------------------------------------------------------------


def marts_exist(warehouse: Path) -> bool:
    import duckdb

    if not Path(warehouse).exists():
        return False
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return bool(con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'").fetchone()[0])
    finally:
        con.close()


def build_stamp(settings: Settings) -> Path:
    """The project fingerprint the warehouse's marts were last built with (beside the warehouse)."""
    w = Path(settings.warehouse)
    return w.with_name(w.stem + ".dbt-project.sha256")


def transform(settings: Settings, new_documents: int | None = None, publish: bool = True,
              dbt_child: Any = None, stages: dict[str, float] | None = None) -> str | None:
    """dbt build and the analyst copy, doing only what its inputs require:

    * no new document and the marts exist: nothing (returns why);
    * the dbt project and the reference CSVs unchanged since the marts were built: only what
      depends on the raw tables (`source:raw+`, incremental models keyed by document), not the
      seeds and the models and tests that read only them, and not the views either (the same
      query as before: `transform.RAW_DOWNSTREAM_EXCEPT_VIEWS`; their tests do run), the data
      tests run from their compiled SQL outside dbt when the last build saved them
      (`transform.build`, `conflictwatch.dbt_tests`);
    * otherwise (first build, a changed model or reference list): everything.

    `dbt_child` (a `conflictwatch.transform.DbtChild` started earlier for this warehouse) runs
    the build with dbt already imported and the project parsed. `stages`, when given, receives
    the wall seconds of the dbt build and of the analyst copy.
    """
    from conflictwatch.transform import build as dbt_build
    from conflictwatch.transform import project_fingerprint, publish_analyst_copy

    built = marts_exist(settings.warehouse)
    stamp = build_stamp(settings)
    # The stamp is written only after a whole build: without it a run was killed in dbt and the
    # marts may be half-built, so they are built again even with no new document.
    if new_documents == 0 and built and stamp.exists():
        published = settings.published_warehouse
        if publish and (not published.exists() or published.stat().st_mtime < stamp.stat().st_mtime):
            publish_analyst_copy(settings.warehouse)  # killed after its build, before the copy was swapped in
        reason = "no new documents: dbt build skipped (the marts are up to date)"
        log.warning(reason)
        return reason
    fingerprint = project_fingerprint(settings)
    same_project = built and stamp.exists() and stamp.read_text().strip() == fingerprint
    stamp.unlink(missing_ok=True)  # a build that fails half-way leaves no claim behind
    stages = stages if stages is not None else {}
    dbt_build(settings.warehouse, settings, fingerprint, after_new_rows=same_project, child=dbt_child, stages=stages)
    if dbt_child is not None and getattr(dbt_child, "timing", None):
        stages["dbt build: waited for dbt's import and parse"] = dbt_child.timing["waited_s"]
    stamp.write_text(fingerprint + "\n")
    if publish:
        t0 = time.monotonic()
        publish_analyst_copy(settings.warehouse)
        stages["analyst copy + pack"] = time.monotonic() - t0
    return None


# --- the whole run (command line, tests, benchmark) -------------------------------------------------------


def run(
    inputs: Sequence[str | Path] = (),
    warehouse: Path | None = None,
    settings: Settings | None = None,
    build: bool = True,
    publish: bool = True,
    *,
    params: Mapping[str, Any] | None = None,
    workers: int | None = None,
    force: bool = False,
    run_id: str | None = None,
) -> RunSummary:
    """Ingest `inputs` (or the sources the Params select) into the warehouse, then build the
    marts (`build`) and publish the analyst copy (`publish`), incrementally."""
    started = time.monotonic()
    settings = settings or get_settings()
    if warehouse is not None:
        settings = replace(settings, warehouse=Path(warehouse).resolve())
    params = dict(params or {})
    if inputs:
        params["inputs"] = [str(Path(i).expanduser().resolve()) for i in inputs]
    force = force or bool(params.get("force"))
    summary = RunSummary()
    config = effective_sources(params, settings)
    run_id = run_id or "cli-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    directory = run_dir(run_id, settings)
    sources_file = write_run_sources(config, directory)
    settings_for_batches = replace(settings, sources_file=sources_file)
    # dbt started ahead: it imports itself and parses the project (a few seconds of CPU) while
    # the documents are discovered and tagged; ended unused when nothing new arrives
    dbt_child = None
    if build:
        from conflictwatch.transform import DbtChild

        dbt_child = DbtChild(settings.warehouse, settings)
    try:
        found = discover(list(config.sources), config.fetch, settings, force=force)
        t_discover = time.monotonic()

        def counted(items: Iterator[SourceItem]) -> Iterator[SourceItem]:
            for item in items:
                summary.new += 1
                yield item

        batch_size = int(params.get("batch_size") or settings.batch_size)
        files = list(process_batches(chunked(counted(found.items), batch_size), settings_for_batches, directory,
                                     workers, summary.batch_stats))
        summary.stages["discover+extract+nlp"] = time.monotonic() - t_discover
        summary.discovered = found.counts["listed"]
        discovered_alone = discovery_batch(found.errors, directory, DISCOVERY_ERRORS, found.aliases)
        if discovered_alone:
            files.append(discovered_alone)
        summary.batch_files = [str(f) for f in files]
        t_load = time.monotonic()
        loaded = load_files(files, settings)
        summary.stages["load"] = time.monotonic() - t_load
        summary.documents, summary.frames, summary.errors = loaded["documents"], loaded["frames"], loaded["errors"]
        summary.aliases = loaded["aliases"]
        summary.marked_seen = loaded["marked_seen"]
        summary.error_messages = [f"{e.source_uri}: [{e.stage}] {e.error_class}: {e.message}" for e in found.errors]
        for f in files:  # handed over and loaded: the run's batch files are done with
            Path(f).unlink(missing_ok=True)
        if build:
            t_dbt = time.monotonic()
            # an alias is a new row of dim_document_sources: the marts are built for it too
            summary.transform_skipped = transform(settings, summary.documents + summary.aliases, publish,
                                                  dbt_child=dbt_child, stages=summary.stages)
            summary.dbt_ok = None if summary.transform_skipped else True
            summary.stages["dbt+publish"] = time.monotonic() - t_dbt
        summary.seconds = time.monotonic() - started
        return summary
    finally:
        if dbt_child is not None:  # ended if unused (nothing new, an error); a no-op after its build
            dbt_child.close()


# --- one INFO line per task: what it saw, what was new, what it skipped and why ----------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}{'es' if word.endswith('ch') else 's'}"


def discovery_line(sources: Sequence, counts: Mapping[str, int], errors: int, batches: int, batch_size: int) -> str:
    """`discover`'s summary: sources read, items listed, new, skipped (already loaded, over max_items,
    listed by two sources), discovery errors, batches."""
    if not sources:
        return "discover: no source due in this run (a scheduled run reads only the sources whose schedule " \
               "fired in its tick; a manual run reads every enabled source): nothing to do"
    new = counts.get("new", 0) - counts.get("duplicate", 0) + counts.get("reprocess", 0)
    reasons = [f"{counts[k]} {why}" for k, why in (("seen", "already loaded"), ("duplicate", "listed twice"))
               if counts.get(k)]
    capped = counts.get("listed", 0) - counts.get("seen", 0) - counts.get("new", 0)
    if capped > 0:
        reasons.append(f"{capped} over max_items")
    skipped = sum(counts.get(k, 0) for k in ("seen", "duplicate")) + max(0, capped)
    return (f"discover: {_plural(len(sources), 'source')} ({', '.join(s.name for s in sources)}): "
            f"{counts.get('listed', 0)} listed, {new} new"
            + (f" (incl. {counts['reprocess']} to reprocess)" if counts.get("reprocess") else "")
            + f", {skipped} skipped" + (f" ({', '.join(reasons)})" if reasons else "")
            + f", {_plural(errors, 'discovery error')}; {_plural(batches, 'batch')} of up to {batch_size}")


def batch_line(batch: Mapping[str, Any], stats: Mapping[str, Any]) -> str:
    """A `process` task's summary: items, documents extracted and tagged, errors by stage and class."""
    errors = stats.get("errors") or {}
    why = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items()))
    return (f"process {batch_label(batch)}: {_plural(stats.get('items', 0), 'item')} -> "
            f"{stats.get('tagged', 0)} documents tagged, {sum(errors.values())} quarantined"
            + (f" ({why})" if why else "")
            + f"; extract {stats.get('extract_s', 0):.1f} s, NLP {stats.get('nlp_s', 0):.1f} s")


def batch_label(batch: Mapping[str, Any]) -> str:
    """'batch 3 of desk_rss, seeds' from a batch spec: the sources its items came from."""
    names = sorted({i.get("source_config") or i.get("source_name") or "?" for i in batch.get("items", ())})
    return f"batch {batch.get('index', '?')} of {', '.join(names) or 'no source'}"


def load_line(n_files: int, result: Mapping[str, Any]) -> str:
    """`load`'s summary; says why nothing downstream will run when no document was new."""
    line = (f"load: {_plural(n_files, 'file')} -> {result['documents']} documents, {result['frames']} frames, "
            f"{result['errors']} ingest errors recorded (raw.ingest_errors); {result['marked_seen']} marked seen")
    if not result["documents"]:
        line += "; no new document: the raw Asset is not emitted, no dbt build follows"
    return line


def raw_event_extra(result: Mapping[str, Any], settings: Settings) -> dict:
    """What the `raw` Asset event carries (shown on the Asset's page in the UI)."""
    return {"documents": result["documents"], "frames": result["frames"], "ingest_errors": result["errors"],
            "batches": result["batches"], "warehouse": str(settings.warehouse)}


# --- the DAG tasks (JSON in, JSON out) ---------------------------------------------------------------------


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
    """The `discover` task: new items of the due sources (plus documents to reprocess), split
    into batches for the mapped `process` tasks; discovery errors go to the run's error file."""
    settings = settings or get_settings()
    config = effective_sources(params, settings)
    window_end = window_end or datetime.now(UTC)
    sources = due_sources(config, manual, window_end - window, window_end)
    directory = run_dir(run_id, settings)
    for old in directory.glob("*.parquet") if directory.exists() else ():
        old.unlink()  # a re-run of this run id starts from its own clean folder
    sources_file = write_run_sources(replace(config, sources=tuple(sources)), directory)
    found = discover(sources, config.fetch, settings, force=bool(params.get("force")),
                     reprocess=[item_from_dict(d) for d in reprocess])
    batch_size = int(params.get("batch_size") or settings.batch_size)
    batches = [
        {"run_dir": str(directory), "sources_file": str(sources_file), "index": i,
         "items": [item_to_dict(it) for it in batch]}
        for i, batch in enumerate(chunked(found.items, batch_size))
    ]
    discovery_batch(found.errors, directory, DISCOVERY_ERRORS, found.aliases)
    log.info(discovery_line(sources, found.counts, len(found.errors), len(batches), batch_size))
    return batches


def process_batch_spec(batch: dict, settings: Settings | None = None) -> str:
    """The mapped `process` task: fetch (URLs, under the run's fetch policy) -> extract -> nlp
    for one batch -> its Parquet file."""
    settings = settings or get_settings()
    if batch.get("sources_file") and Path(batch["sources_file"]).exists():
        settings = replace(settings, sources_file=Path(batch["sources_file"]))
    items = [item_from_dict(d) for d in batch["items"]]
    stats: dict = {}
    path = process_batch(items, settings, Path(batch["run_dir"]), stats)
    log.info(batch_line(batch, stats))
    return str(path)


def load_run(batch_files: Sequence[str], run_id: str, settings: Settings | None = None) -> dict:
    """The `load` task: this run's batch files (and its discovery errors), one transaction,
    then marks their documents seen."""
    settings = settings or get_settings()
    discovery = run_dir(run_id, settings) / DISCOVERY_ERRORS
    files = [Path(f) for f in batch_files if f] + ([discovery] if discovery.exists() else [])
    result = load_files(files, settings)
    log.info(load_line(len(files), result))
    return result


def reprocess_items(since: str | None, settings: Settings | None = None) -> list[dict]:
    """Documents published or loaded on or after `since`, as items to read, extract and tag again.

    Files are read again from their path and corpus rows from their corpus; URLs are
    fetched again (the fetch archive keeps every version, keyed by content hash).
    """
    if not since:
        log.info("select_reprocess: reprocess_since not set: nothing to reprocess")
        return []
    settings = settings or get_settings()
    day = date.fromisoformat(str(since)[:10])
    if not settings.warehouse.exists():
        log.info("select_reprocess: no warehouse yet at %s: nothing to reprocess", settings.warehouse)
        return []
    import duckdb

    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        tables = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
        if "documents" not in tables:
            log.info("select_reprocess: no raw.documents in %s: nothing to reprocess", settings.warehouse)
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
    log.info("select_reprocess: %d documents published or loaded since %s to read and tag again", len(items), day)
    return [item_to_dict(i) for i in items]

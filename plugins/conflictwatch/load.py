"""The only writer of the warehouse: batch Parquet files -> raw.* tables, in one transaction.

Idempotent by document_id (and by source_uri for errors): a document's old rows are deleted
and its new rows inserted, so loading the same batches twice leaves the same rows.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

RAW_DDL = """
create schema if not exists raw;
create table if not exists raw.documents (
    document_id varchar primary key, source_uri varchar not null, source_kind varchar not null,
    text varchar not null, content_hash varchar not null, text_hash varchar not null,
    extractor varchar not null, url varchar, title varchar, published_date varchar,
    published_date_source varchar, source_name varchar, language varchar, word_count bigint,
    pipeline_version varchar, loaded_at timestamp not null
);
alter table raw.documents add column if not exists encoding varchar;
create table if not exists raw.sentences (
    document_id varchar not null, sentence_index bigint not null, start_char bigint not null,
    end_char bigint not null, text varchar not null, primary key (document_id, sentence_index)
);
create table if not exists raw.entities (
    document_id varchar not null, entity_index bigint not null, sentence_index bigint,
    label varchar not null, text varchar not null, start_char bigint not null, end_char bigint not null,
    kb_id varchar, origin varchar, primary key (document_id, entity_index)
);
create table if not exists raw.frames (
    frame_id varchar primary key, document_id varchar not null, frame_type varchar not null,
    frame_index bigint not null, sentence_index bigint, evidence_text varchar not null,
    evidence_start_char bigint not null, evidence_end_char bigint not null, trigger varchar,
    event_type varchar, sub_event_type varchar, location_mention varchar, location_id varchar,
    location_admin1_hint varchar, location_start_char bigint, date_text varchar, date_kind varchar,
    date_year bigint, date_month bigint, date_day bigint, date_weekday bigint, date_offset_days bigint,
    perpetrator_mention varchar, perpetrator_actor_id varchar, attrs json
);
create table if not exists raw.source_aliases (
    source_uri varchar primary key, source_kind varchar not null, content_hash varchar not null,
    source_document_id varchar not null, url varchar, title varchar, published_date varchar,
    source_name varchar, source_config varchar, loaded_at timestamp not null
);
create table if not exists raw.ingest_errors (
    error_id varchar primary key, source_uri varchar not null, stage varchar not null,
    error_class varchar not null, message varchar not null, source_config varchar,
    content_hash varchar, loaded_at timestamp not null
);
"""

_CHILD_TABLES = {
    "sentences": "document_id, sentence_index, start_char, end_char, text",
    "entities": "document_id, entity_index, sentence_index, label, text, start_char, end_char, kb_id, origin",
    "frames": (
        "frame_id, document_id, frame_type, frame_index, sentence_index, evidence_text, evidence_start_char,"
        " evidence_end_char, trigger, event_type, sub_event_type, location_mention, location_id,"
        " location_admin1_hint, location_start_char, date_text, date_kind, date_year, date_month, date_day,"
        " date_weekday, date_offset_days, perpetrator_mention, perpetrator_actor_id, attrs"
    ),
}
_DOCUMENT_COLUMNS = (
    "document_id, source_uri, source_kind, text, content_hash, text_hash, extractor, url, title,"
    " published_date, published_date_source, source_name, language, word_count, pipeline_version, encoding"
)
_ERROR_COLUMNS = "error_id, source_uri, stage, error_class, message, source_config, content_hash"
_ALIAS_COLUMNS = (
    "source_uri, source_kind, content_hash, source_document_id, url, title, published_date, source_name, source_config"
)


@dataclass(frozen=True)
class LoadResult:
    batches: int
    documents: int
    frames: int
    errors: int
    aliases: int = 0  # sources recorded as copies of a document loaded before


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RAW_DDL)


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(warehouse))


def load_batches(batch_files: Sequence[Path], warehouse: Path) -> LoadResult:
    """Load batch files into raw.*; all of them or none (one transaction), under the warehouse lock.

    The files are read one at a time, in the order given, so the loader's memory is one
    batch's whatever the run's size; the same document in two files (a re-extraction) ends
    up as the later file has it.
    """
    from conflictwatch.lock import warehouse_lock

    with warehouse_lock(warehouse):
        return _load_batches(batch_files, warehouse)


def _load_batches(batch_files: Sequence[Path], warehouse: Path) -> LoadResult:
    files = [str(p) for p in batch_files if p is not None and Path(p).exists()]
    con = connect(warehouse)
    try:
        ensure_schema(con)
        if not files:
            return LoadResult(0, 0, 0, 0)
        con.execute("begin transaction")
        documents = frames = errors = aliases = 0
        for path in files:
            d, f, e, a = _load_file(con, path)
            documents, frames, errors, aliases = documents + d, frames + f, errors + e, aliases + a
        con.execute("commit")
        result = LoadResult(len(files), documents, frames, errors, aliases)
        log.info("loaded %s", result)
        return result
    except Exception:
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise
    finally:
        con.close()


def _load_file(con: duckdb.DuckDBPyConnection, path: str) -> tuple[int, int, int, int]:
    """One batch file into raw.* (inside the caller's transaction): (documents, frames, errors, aliases)."""
    con.execute("create or replace temp table batch as select * from read_parquet(?)", [path])
    # The same document twice in one file is loaded once: the last item wins.
    con.execute(
        """create or replace temp table latest as
           select * from batch where document is not null
           qualify row_number() over (partition by document.document_id order by item_index desc) = 1"""
    )
    con.execute("create or replace temp table docs as select unnest(document) from latest")
    for table in ("documents", *_CHILD_TABLES):
        con.execute(f"delete from raw.{table} where document_id in (select document_id from docs)")
    con.execute(
        f"insert into raw.documents ({_DOCUMENT_COLUMNS}, loaded_at) "
        f"select {_DOCUMENT_COLUMNS}, current_timestamp from docs"
    )
    for table, columns in _CHILD_TABLES.items():
        con.execute(
            f"insert into raw.{table} ({columns}) select {columns} "
            f"from (select unnest({table}, recursive := true) from latest)"
        )
    # Errors: a source's errors are replaced by its latest attempt (a success clears them). One load
    # is one transaction (current_timestamp is its start), so errors another file of this same load
    # recorded for the source (discovery's manifest error, then the reader's) stay together.
    con.execute("""delete from raw.ingest_errors
                   where source_uri in (select source_uri from batch) and loaded_at < current_timestamp""")
    con.execute(
        f"""insert or replace into raw.ingest_errors ({_ERROR_COLUMNS}, loaded_at)
            select distinct on (error_id) {_ERROR_COLUMNS}, current_timestamp
            from (select unnest(errors, recursive := true) from batch where len(errors) > 0)"""
    )
    aliases = _load_aliases(con)
    counts = con.execute(
        """select (select count(*) from docs),
                  (select coalesce(sum(len(frames)), 0) from latest),
                  (select coalesce(sum(len(errors)), 0) from batch)"""
    ).fetchone()
    for table in ("docs", "latest", "batch"):
        con.execute(f"drop table {table}")
    return int(counts[0]), int(counts[1]), int(counts[2]), aliases


def _load_aliases(con: duckdb.DuckDBPyConnection) -> int:
    """The batch's aliases into raw.source_aliases, by source_uri; a source loaded as a document
    of its own (changed since, or a forced run) is no longer an alias."""
    con.execute(
        """create or replace temp table aliases as
           select distinct on (source_uri) * from (select unnest(aliases, recursive := true) from batch
                                                   where len(aliases) > 0)"""
    )
    con.execute(
        """delete from raw.source_aliases
           where source_uri in (select source_uri from aliases) or source_uri in (select source_uri from docs)"""
    )
    con.execute(
        f"insert into raw.source_aliases ({_ALIAS_COLUMNS}, loaded_at) "
        f"select {_ALIAS_COLUMNS}, current_timestamp from aliases"
    )
    (n,) = con.execute("select count(*) from aliases").fetchone()
    con.execute("drop table aliases")
    return int(n)

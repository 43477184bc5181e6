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

    The same document in two files (a re-extraction) ends up as the later file has it, as if the
    files were loaded one after the other in the order given. Each raw table is written by one
    statement over all the files (read as they are scanned, never held whole): DuckDB keeps a
    transaction's uncommitted rows in memory, and one small insert per file per table left each
    insert's partly filled row groups behind until the commit (2.5 GB for 161 files of 50
    articles, about 15 MB a file; one insert per table holds about the rows' own size).
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
        # the Parquet files are read once per statement: caching their bytes for the next one
        # would keep every file of the run in memory until the connection closes
        con.execute("set enable_external_file_cache = false")
        con.execute("begin transaction")
        result = _load_files(con, files)
        con.execute("commit")
        log.info("loaded %s", result)
        return result
    except Exception:
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise
    finally:
        con.close()


# Every row of every batch file, with the position of its file in the load's list (file_index:
# the same file given twice is read twice, as a second load of it would be).
_BATCH = "(select file_index, * from read_parquet($files)) as batch"


def _load_files(con: duckdb.DuckDBPyConnection, files: list[str]) -> LoadResult:
    """The batch files into raw.* (inside the caller's transaction), with the outcome of loading
    them one at a time in order: in each file a document's last item counts, and a document
    found in several files is replaced by each in turn (the last file's rows stay)."""
    params = {"files": files}
    # Per file, each document's last item (what that file alone would load); `wins`: the item
    # the whole load keeps (the last file's). Keys only: the rows stay in the files.
    con.execute(
        f"""create or replace temp table latest as
            select file_index, item_index, document.document_id as document_id,
                   document.source_uri as source_uri, len(frames) as n_frames,
                   row_number() over (partition by document.document_id
                                      order by file_index desc, item_index desc) = 1 as wins
            from {_BATCH}
            where document is not null
            qualify row_number() over (partition by file_index, document.document_id order by item_index desc) = 1""",
        params,
    )
    for table in ("documents", *_CHILD_TABLES):
        con.execute(f"delete from raw.{table} where document_id in (select document_id from latest)")
    kept = f"{_BATCH} semi join (select file_index, item_index from latest where wins) as w using (file_index, item_index)"
    con.execute(
        f"insert into raw.documents ({_DOCUMENT_COLUMNS}, loaded_at) "
        f"select {_DOCUMENT_COLUMNS}, current_timestamp from (select unnest(document) from {kept})",
        params,
    )
    for table, columns in _CHILD_TABLES.items():
        con.execute(
            f"insert into raw.{table} ({columns}) select {columns} "
            f"from (select unnest({table}, recursive := true) from {kept})",
            params,
        )
    # Errors: a source's errors are replaced by its latest attempt (a success clears them). One load
    # is one transaction (current_timestamp is its start), so errors another file of this same load
    # recorded for the source (discovery's manifest error, then the reader's) stay together; of two
    # errors with one id, the later file's.
    con.execute(
        f"""delete from raw.ingest_errors
            where source_uri in (select source_uri from {_BATCH}) and loaded_at < current_timestamp""",
        params,
    )
    con.execute(
        f"""insert or replace into raw.ingest_errors ({_ERROR_COLUMNS}, loaded_at)
            select distinct on (error_id) {_ERROR_COLUMNS}, current_timestamp
            from (select file_index, item_index, unnest(errors, recursive := true) from {_BATCH}
                  where len(errors) > 0)
            order by error_id, file_index desc, item_index desc""",
        params,
    )
    aliases = _load_aliases(con, params)
    documents, frames = con.execute("select count(*), coalesce(sum(n_frames), 0) from latest").fetchone()
    (errors,) = con.execute(f"select coalesce(sum(len(errors)), 0) from {_BATCH}", params).fetchone()
    con.execute("drop table latest")
    return LoadResult(len(files), int(documents), int(frames), int(errors), aliases)


def _load_aliases(con: duckdb.DuckDBPyConnection, params: dict) -> int:
    """The batches' aliases into raw.source_aliases, by source_uri; a source loaded as a document
    of its own (changed since, or a forced run) is no longer an alias. As file by file: a source
    named by several files ends as the last of them has it (an alias, or a document of its own;
    within one file the aliases are written after the documents)."""
    # each file's aliases, one per source (its last item's)
    con.execute(
        f"""create or replace temp table aliases as
            select distinct on (file_index, source_uri) *
            from (select file_index, item_index, unnest(aliases, recursive := true) from {_BATCH}
                  where len(aliases) > 0)
            order by file_index, source_uri, item_index desc""",
        params,
    )
    con.execute(
        """delete from raw.source_aliases
           where source_uri in (select source_uri from aliases) or source_uri in (select source_uri from latest)"""
    )
    # a source's alias from the last file naming it as an alias, unless a later file loads it
    # as a document
    con.execute(
        f"""insert into raw.source_aliases ({_ALIAS_COLUMNS}, loaded_at)
            select {_ALIAS_COLUMNS}, current_timestamp
            from aliases a
            left join (select source_uri, max(file_index) as document_file from latest group by source_uri) d
                using (source_uri)
            where a.file_index >= coalesce(d.document_file, -1)
            qualify row_number() over (partition by a.source_uri order by a.file_index desc) = 1"""
    )
    (n,) = con.execute("select count(*) from aliases").fetchone()
    con.execute("drop table aliases")
    return int(n)

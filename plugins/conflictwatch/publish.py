"""The publish pack: what analysts take away from a successful build, next to the analyst copy.

After `transform.publish_analyst_copy` has built the analyst file (and before it is swapped
in), `finish_analyst_copy` adds what a plain `create table as select` loses or never had:
the column and table descriptions dbt persisted (persist_docs) and a full-text index over
the articles' titles and text (DuckDB's fts extension). Meanwhile, on a second cursor of the
new file, `write_pack_files` writes the export files into a new folder; after the copy is
swapped in, `swap_pack` swaps the link `<analyst stem>_exports` (data/warehouse_analyst_exports)
to it in one `os.replace`, so a reader sees the old pack or the new one, never half of one
(`write_pack` does both from an analyst file that is already in place):

    data/warehouse_analyst_exports/    (a symlink to the current .warehouse_analyst_exports-<stamp>/)
      parquet/<mart>.parquet           one file per mart (marts schema of the analyst copy)
      incidents.geo.parquet            fct_incidents with a point geometry (GeoParquet 1.0, WKB)
      incidents.geojson                the same as a GeoJSON FeatureCollection (RFC 7946, lon/lat)
      incidents_acled.csv              ACLED's column names and codes
      manifest.json                    what was written, row counts, the source file

DuckDB extensions come from PyPI packages (duckdb-extension-spatial, duckdb-extension-fts),
installed from the package's file: nothing is downloaded at run time.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

FORMATS = ("parquet", "geoparquet", "geojson", "acled")

# ACLED's "time_precision": 1 = the day is known, 2 = the week, 3 = the month or coarser.
ACLED_TIME_PRECISION = "case date_precision when 'day' then 1 when 'week' then 2 else 3 end"

ACLED_SQL = f"""
with reports as (
    select incident_id, any_value(victim_group order by incident_report_id) as victim_group
    from marts.fct_incident_reports group by incident_id
)
select
    i.incident_id as event_id_cnty,
    strftime(coalesce(i.event_date, i.first_published_date), '%Y-%m-%d') as event_date,
    year(coalesce(i.event_date, i.first_published_date)) as year,
    case when i.event_date is null then 3
         else {ACLED_TIME_PRECISION.replace("date_precision", "i.date_precision")} end as time_precision,
    i.event_type,
    i.sub_event_type,
    i.perpetrator as actor1,
    case when r.victim_group ilike '%civilian%' or r.victim_group ilike '%child%' or r.victim_group ilike '%women%'
         then 'Civilians (Syria)' else r.victim_group end as actor2,
    case when r.victim_group ilike '%civilian%' or r.victim_group ilike '%child%' or r.victim_group ilike '%women%'
         then 'Civilian targeting' end as civilian_targeting,
    760 as iso,
    'Middle East' as region,
    'Syria' as country,
    i.admin1,
    i.admin2,
    i.location_name as location,
    round(i.latitude, 4) as latitude,
    round(i.longitude, 4) as longitude,
    i.geo_precision,
    coalesce(d.source_name, d.url, regexp_extract(d.source_uri, '[^/]+$')) as source,
    i.evidence_text as notes,
    coalesce(i.killed_best, 0) as fatalities
from marts.fct_incidents as i
left join reports as r on r.incident_id = i.incident_id
left join marts.dim_documents as d on d.document_id = i.evidence_document_id
where coalesce(i.event_date, i.first_published_date) is not null  -- ACLED has no undated events
order by coalesce(i.event_date, i.first_published_date), i.incident_id
"""

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
    "actor2", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "location", "latitude",
    "longitude", "geo_precision", "source", "notes", "fatalities",
)

# The incidents with a point geometry; list columns become text (GeoJSON properties are scalars).
INCIDENT_POINTS_SQL = """
select incident_id, event_date, date_precision, location_name, location_id, admin1, admin2,
       latitude, longitude, geo_precision, event_type, sub_event_type, perpetrator,
       killed_low, killed_best, killed_high, injured_low, injured_best, injured_high,
       n_reports, n_documents, array_to_string(document_ids, ',') as document_ids,
       evidence_document_id, evidence_text,
       ST_Point(longitude, latitude) as geometry
from marts.fct_incidents
where latitude is not null and longitude is not null
order by event_date nulls last, incident_id
"""

# The full-text index over articles (dim_documents' title and text) and how to search it.
FTS_TABLE = "marts.dim_documents"
EXAMPLE_SEARCH = """
select d.document_id, d.title, d.published_date, score
from (select *, fts_marts_dim_documents.match_bm25(document_id, ?) as score from marts.dim_documents) as d
where score is not null
order by score desc
"""


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """LOAD a DuckDB extension, installing it first from its PyPI package (no download)."""
    try:
        con.execute(f"load {name}")
        return
    except duckdb.Error:
        pass
    from duckdb_extensions import import_extension

    import_extension(name, con=con)
    con.execute(f"load {name}")


def exports_dir(analyst_file: Path) -> Path:
    analyst_file = Path(analyst_file)
    return analyst_file.with_name(analyst_file.stem + "_exports")


# The marts an Asset event counts, under the names the event's extra gives them.
EVENT_COUNTS = {"documents": "dim_documents", "incident_reports": "fct_incident_reports",
                "incidents": "fct_incidents", "aid_flows": "fct_aid_flows",
                "ceasefire_violations": "fct_ceasefire_violations", "casualty_tallies": "fct_casualty_tallies"}


def event_extra(analyst_file: Path, warehouse: Path | None = None) -> dict:
    """What the `marts` Asset event carries (the Asset's page in the UI): where the analyst copy
    and the exports are, its documents and per-mart rows, and the frames the NLP read
    (raw.frames of the warehouse, when it can be read; the copy holds no raw tables)."""
    extra: dict = {"analyst_file": str(analyst_file), "exports": str(exports_dir(analyst_file))}
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        have = set(marts(con))
        extra.update({key: con.execute(f'select count(*) from marts."{table}"').fetchone()[0]
                      for key, table in EVENT_COUNTS.items() if table in have})
    finally:
        con.close()
    if warehouse is not None:
        extra["frames"] = _raw_frames(Path(warehouse))
    return extra


def _raw_frames(warehouse: Path) -> int | None:
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:  # a writer holds it: the count is left out, the event still goes
        log.info("frames not counted: %s", str(exc).splitlines()[0])
        return None
    try:
        return con.execute("select count(*) from raw.frames").fetchone()[0]
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


# --- the analyst copy -------------------------------------------------------------------------


def copy_comments(con: duckdb.DuckDBPyConnection, source_catalog: str, schemas: tuple[str, ...]) -> int:
    """Copy table and column comments (dbt's persist_docs) from the attached warehouse."""
    listed = ", ".join(f"'{s}'" for s in schemas)
    statements = [
        f'comment on table "{schema}"."{table}" is {_quote(comment)}'
        for schema, table, comment in con.execute(
            f"""select schema_name, table_name, comment from duckdb_tables()
                where database_name = ? and schema_name in ({listed}) and comment is not null""",
            [source_catalog],
        ).fetchall()
    ]
    statements += [
        f'comment on column "{schema}"."{table}"."{column}" is {_quote(comment)}'
        for schema, table, column, comment in con.execute(
            f"""select c.schema_name, c.table_name, c.column_name, c.comment from duckdb_columns() as c
                where c.database_name = ? and c.schema_name in ({listed}) and c.comment is not null
                  and exists (select 1 from duckdb_tables() as t where t.database_name = current_database()
                              and t.schema_name = c.schema_name and t.table_name = c.table_name)""",
            [source_catalog],
        ).fetchall()
    ]
    if statements:
        # One transaction: each comment committed on its own cost ~3 ms (~250 comments).
        con.execute("begin transaction;\n" + ";\n".join(statements) + ";\ncommit")
    return len(statements)


def _quote(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def create_fulltext_index(con: duckdb.DuckDBPyConnection) -> bool:
    """An fts index over the articles' title and text (Porter stemmer, English stop words)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = 'dim_documents'"
    ).fetchone()[0]
    if not exists:
        return False
    load_extension(con, "fts")
    con.execute(
        f"pragma create_fts_index('{FTS_TABLE}', 'document_id', 'title', 'text', "
        "stemmer = 'porter', stopwords = 'english', overwrite = 1)"
    )
    return True


def publish_test_failures(con: duckdb.DuckDBPyConnection, source_catalog: str, sample: int = 20) -> int:
    """qa.test_failures: one row per dbt test with its stored failing rows (dbt store_failures).

    dbt keeps each test's failing rows in its own table in schema qa of the warehouse (empty
    when the test passed); analysts get one table: test name, how many rows failed, and up to
    `sample` of those rows as JSON.
    """
    tables = [t for (t,) in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'qa' order by 1",
        [source_catalog],
    ).fetchall()]
    tests = _tests_by_table(con, source_catalog)
    if tests:
        # A failures table whose test the project no longer has (renamed or merged) is stale.
        tables = [t for t in tables if t in tests]
    con.execute("create schema if not exists qa")
    con.execute("""create or replace table qa.test_failures (
        test_name varchar not null, model varchar, severity varchar, failures bigint not null, failing_rows json)""")
    if not tables:
        return 0
    # Every table counted in one statement; the sample of failing rows read only where there
    # are some (almost every table is empty: a query per table cost ~2-3 ms each, 0.4-0.8 s in all).
    refs = [f'"{source_catalog}"."qa"."{table}"' for table in tables]
    counts = con.execute(
        "\nunion all\n".join(f"select {i}, count(*) from {ref}" for i, ref in enumerate(refs))
    ).fetchall()
    rows = []
    for i, n in sorted(counts):
        sample_json = None
        if n:
            sample_json = con.execute(
                f"select to_json(list(t)) from (select * from {refs[i]} limit {int(sample)}) as t"
            ).fetchone()[0]
        rows.append([*tests.get(tables[i], (tables[i], None, None)), n, sample_json])
    con.execute("insert into qa.test_failures values " + ", ".join(["(?, ?, ?, ?, ?)"] * len(rows)),
                [v for row in rows for v in row])
    con.execute("comment on table qa.test_failures is 'One row per dbt data test of the last successful build: "
                "how many rows failed it (warn-severity tests only can fail and still publish) and up to 20 of them.'")
    return len(tables)


def _tests_by_table(con: duckdb.DuckDBPyConnection, source_catalog: str) -> dict[str, tuple[str, str | None, str | None]]:
    """dbt's manifest (beside the warehouse, in dbt_target/): a failures table's test, model, severity."""
    row = con.execute("select path from duckdb_databases() where database_name = ?", [source_catalog]).fetchone()
    manifest = Path(row[0]).parent / "dbt_target" / "manifest.json" if row and row[0] else None
    if manifest is None or not manifest.exists():
        return {}
    try:
        nodes = json.loads(manifest.read_text())["nodes"].values()
    except (OSError, ValueError, KeyError):
        return {}
    out = {}
    for node in nodes:
        if node.get("resource_type") == "test":
            model = (node.get("attached_node") or "").rsplit(".", 1)[-1] or None
            out[node.get("alias") or node["name"]] = (node["name"], model, (node.get("config") or {}).get("severity"))
    return out


def finish_analyst_copy(con: duckdb.DuckDBPyConnection, source_catalog: str, schemas: tuple[str, ...]) -> None:
    """Called by publish_analyst_copy on the new file before it is swapped in."""
    n = copy_comments(con, source_catalog, tuple(schemas))
    tests = publish_test_failures(con, source_catalog)
    fts = create_fulltext_index(con)
    log.info("analyst copy: %d descriptions kept, %d tests in qa.test_failures, full-text index %s",
             n, tests, "built" if fts else "skipped (no dim_documents)")


def search(con: duckdb.DuckDBPyConnection, words: str, limit: int = 10) -> list[tuple]:
    """The example full-text search: documents ranked by BM25 for the words."""
    load_extension(con, "fts")
    return con.execute(EXAMPLE_SEARCH + f" limit {int(limit)}", [words]).fetchall()


# --- the export files ---------------------------------------------------------------------------


def marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [t for (t,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' and database_name = current_database() order by 1"
    ).fetchall()]


def export_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in marts(con):
        path = out / f"{table}.parquet"
        con.execute(f"copy marts.\"{table}\" to '{path}' (format parquet, compression zstd)")
        written.append(path)
    return written


def export_geoparquet(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    load_extension(con, "spatial")
    con.execute(f"copy ({INCIDENT_POINTS_SQL}) to '{path}' (format parquet, compression zstd)")
    return path


def export_geojson(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    load_extension(con, "spatial")
    # GDAL's GeoJSON driver: dates become strings, the geometry column the Feature's geometry.
    sql = INCIDENT_POINTS_SQL.replace("event_date, date_precision", "cast(event_date as varchar) as event_date, date_precision", 1)
    con.execute(f"copy ({sql}) to '{path}' with (format gdal, driver 'GeoJSON', layer_creation_options 'WRITE_NAME=NO')")
    return path


def export_acled(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    con.execute(f"copy ({ACLED_SQL}) to '{path}' (header, delimiter ',')")
    return path


EXPORTERS: dict[str, tuple[str, Callable[[duckdb.DuckDBPyConnection, Path], object]]] = {
    "parquet": ("parquet", export_parquet),
    "geoparquet": ("incidents.geo.parquet", export_geoparquet),
    "geojson": ("incidents.geojson", export_geojson),
    "acled": ("incidents_acled.csv", export_acled),
}


def export(analyst_file: Path, fmt: str, out: Path) -> Path:
    """One format from the analyst copy into `out` (a folder for parquet, else a file)."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    out = Path(out)
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        if fmt != "parquet":
            out.parent.mkdir(parents=True, exist_ok=True)
            out.unlink(missing_ok=True)  # GDAL refuses to overwrite
        EXPORTERS[fmt][1](con, out)
    finally:
        con.close()
    return out


def write_pack(analyst_file: Path, destination: Path | None = None) -> Path:
    """Every export format into a fresh folder, then the link swapped to it (os.replace)."""
    analyst_file = Path(analyst_file)
    link = Path(destination) if destination else exports_dir(analyst_file)
    started = time.monotonic()
    con = duckdb.connect(str(analyst_file), read_only=True)
    try:
        folder, counts = write_pack_files(con, link, analyst_file)
    finally:
        con.close()
    swap_pack(link, folder)
    log.info("publish pack: %s (%d marts, %.1f s)", link, len(counts), time.monotonic() - started)
    return link


def pack_folder(link: Path) -> Path:
    """A new folder beside the link for the next pack (the link is swapped to it when it is complete)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = link.with_name(f".{link.name}-{stamp}")
    folder.mkdir(parents=True)
    return folder


def write_pack_files(con: duckdb.DuckDBPyConnection, link: Path, analyst_file: Path) -> tuple[Path, dict[str, int]]:
    """The export files and their manifest.json, from `con` (the analyst copy, or the new copy
    before it is swapped in: `transform.publish_analyst_copy` writes them while it finishes the
    copy), into a new folder for `link`; returns the folder and the marts' row counts."""
    folder = pack_folder(link)
    counts = {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for t in marts(con)}
    files = {}
    for fmt, (name, exporter) in EXPORTERS.items():
        exporter(con, folder / name)
        files[fmt] = name
    manifest = {
        "source": str(Path(analyst_file).resolve()),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": files,
        "rows": counts,
        "example_search": EXAMPLE_SEARCH.strip(),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder, counts


def swap_pack(link: Path, folder: Path) -> None:
    _swap_link(link, folder)


def _swap_link(link: Path, folder: Path) -> None:
    previous = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():  # a real folder from elsewhere: move it aside once
        shutil.rmtree(link)
    tmp_link = link.with_name(f".{link.name}.link-{os.getpid()}")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(folder.name)
    os.replace(tmp_link, link)
    # Old packs: keep the previous one (a reader may still be in it), remove older ones.
    for old in sorted(link.parent.glob(f".{link.name}-*")):
        if old.resolve() not in (folder.resolve(), previous):
            shutil.rmtree(old, ignore_errors=True)

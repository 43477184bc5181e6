"""What analysts take away after a run: the analyst copy (descriptions, full-text index, qa
table), the publish pack (Parquet, GeoParquet, GeoJSON, ACLED CSV), the report's queries and
HTML, the CLI (exit codes, one-line errors, query/export/report/search), the dbt analyses.

One pipeline run on the seeds (module fixture) serves every test; the files are read back with
DuckDB, never with the code that wrote them.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from .conftest import REPO, SEEDS

pytestmark = pytest.mark.slow


def _cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("conflictwatch")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=timeout)


class Built:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.warehouse = self.data / "warehouse.duckdb"
        self.analyst = self.data / "warehouse_analyst.duckdb"
        self.pack = self.data / "warehouse_analyst_exports"
        self.env = {"CONFLICTWATCH_DATA_DIR": str(self.data), "CONFLICTWATCH_WAREHOUSE": str(self.warehouse)}

    def rows(self, sql: str, path: Path | None = None, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(path or self.analyst), read_only=True)
        try:
            from conflictwatch.publish import load_extension

            load_extension(con, "spatial")
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    b = Built(tmp_path_factory.mktemp("analyst"))
    proc = _cli("run", "--input", str(SEEDS), "--warehouse", str(b.warehouse), env=b.env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return b


# --- the analyst copy ------------------------------------------------------------------------------


def test_every_mart_column_keeps_its_description_in_the_analyst_copy(built):
    # GIVEN the analyst copy published after the build (dbt persist_docs + the copy's comments)
    # THEN every mart column and every mart table has a non-empty description
    cols = built.rows("select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'")
    assert len(cols) > 200
    assert [c for c in cols if not (c[2] or "").strip()] == []
    assert all(c for (c,) in built.rows("select comment from duckdb_tables() where schema_name = 'marts'"))
    # AND the descriptions are dbt's rendered docs blocks, not the jinja
    (comment,) = built.rows("select comment from duckdb_columns() where table_name = 'fct_incidents' and column_name = 'evidence_text'")[0]
    assert "{{" not in comment and len(comment) > 20


def test_the_full_text_index_finds_the_aid_article(built):
    from conflictwatch.publish import search

    con = duckdb.connect(str(built.analyst), read_only=True)
    try:
        hits = search(con, "Bab al-Hawa crossing aid")
        text = con.execute("select text from marts.dim_documents where document_id = ?", [hits[0][0]]).fetchone()[0]
    finally:
        con.close()
    assert hits and hits[0][3] > 0
    assert "Bab al-Hawa" in text


def test_stored_test_failures_are_one_qa_table(built):
    rows = built.rows("select test_name, model, severity, failures from qa.test_failures")
    tests = built.rows("select count(*) from duckdb_tables() where schema_name = 'qa'", built.warehouse)[0][0]
    assert len(rows) == tests > 100
    # only warn-severity tests can have failures in a build that published
    assert all(sev == "warn" for _, _, sev, n in rows if n > 0)
    assert any(name.startswith("unique_not_null_fct_incidents") and model == "fct_incidents" for name, model, _, _ in rows)


# --- the publish pack ----------------------------------------------------------------------------


def test_the_pack_holds_one_parquet_file_per_mart_with_the_marts_rows(built):
    marts = dict(built.rows("select table_name, estimated_size from duckdb_tables() where schema_name = 'marts'"))
    files = sorted(p.stem for p in (built.pack / "parquet").glob("*.parquet"))
    assert files == sorted(marts)
    for table in marts:
        n_mart = built.rows(f"select count(*) from marts.{table}")[0][0]
        n_file = built.rows(f"select count(*) from '{built.pack / 'parquet' / (table + '.parquet')}'")[0][0]
        assert n_mart == n_file, table
    cols = [c for (c,) in built.rows(f"select name from parquet_schema('{built.pack / 'parquet' / 'fct_incidents.parquet'}')")]
    assert {"incident_id", "latitude", "longitude", "killed_best", "evidence_text"} <= set(cols)
    manifest = json.loads((built.pack / "manifest.json").read_text())
    assert manifest["rows"] == {t: built.rows(f"select count(*) from marts.{t}")[0][0] for t in marts}


def test_geoparquet_has_point_geometry_and_geo_metadata(built):
    path = built.pack / "incidents.geo.parquet"
    meta = dict(built.rows(f"select decode(key), decode(value) from parquet_kv_metadata('{path}')"))
    geo = json.loads(meta["geo"])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"
    assert geo["columns"]["geometry"]["geometry_types"] == ["Point"]
    expected = built.rows("select count(*) from marts.fct_incidents where latitude is not null")[0][0]
    rows = built.rows(f"select incident_id, ST_X(geometry), ST_Y(geometry), longitude, latitude from read_parquet('{path}')")
    assert len(rows) == expected > 0
    assert all(abs(x - lon) < 1e-9 and abs(y - lat) < 1e-9 for _, x, y, lon, lat in rows)
    # northwest Syria, lon/lat order
    assert all(35 < x < 42 and 32 < y < 37.5 for _, x, y, _, _ in rows)


def test_geojson_is_a_feature_collection_of_points(built):
    path = built.pack / "incidents.geojson"
    doc = json.loads(path.read_text())
    assert doc["type"] == "FeatureCollection"
    expected = built.rows("select incident_id, longitude, latitude from marts.fct_incidents where latitude is not null")
    assert len(doc["features"]) == len(expected)
    by_id = {i: (lon, lat) for i, lon, lat in expected}
    for f in doc["features"]:
        assert f["geometry"]["type"] == "Point"
        assert f["geometry"]["coordinates"] == pytest.approx(list(by_id[f["properties"]["incident_id"]]))
        assert f["properties"]["evidence_text"]
    # and DuckDB's spatial reader (GDAL) opens it as points
    assert built.rows(f"select count(*) from st_read('{path}') where ST_GeometryType(geom) = 'POINT'")[0][0] == len(expected)


def test_acled_csv_has_acleds_columns_and_codes(built):
    from conflictwatch.publish import ACLED_COLUMNS

    path = built.pack / "incidents_acled.csv"
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == ACLED_COLUMNS
    # every incident with a day to put it on (its own, else its first article's); ACLED has no undated events
    assert len(rows) == built.rows(
        "select count(*) from marts.fct_incidents where coalesce(event_date, first_published_date) is not null")[0][0] > 0
    for r in rows:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["event_date"])
        assert r["time_precision"] in {"1", "2", "3"} and r["geo_precision"] in {"1", "2", "3"}
        assert r["event_type"] in {"Battles", "Explosions/Remote violence", "Violence against civilians",
                                   "Protests", "Riots", "Strategic developments"}
        assert int(r["fatalities"]) >= 0 and r["notes"] and r["country"] == "Syria"
    # fatalities are the best estimate of deaths, notes the evidence sentence
    ariha = [r for r in rows if r["location"] == "Ariha"]
    assert ariha and ariha[0]["fatalities"] == "21" and "21 innocent people" in ariha[0]["notes"]
    # a day-precise incident has time_precision 1
    dated = dict(built.rows("select incident_id, date_precision from marts.fct_incidents"))
    assert all(r["time_precision"] == "1" for r in rows if dated[r["event_id_cnty"]] == "day")


def test_the_pack_is_swapped_in_whole(built, tmp_path):
    # GIVEN the pack link; WHEN it is written again
    from conflictwatch.publish import write_pack

    before = built.pack.resolve()
    write_pack(built.analyst)
    after = built.pack.resolve()
    # THEN the link points at a new complete folder and the previous one is kept for readers in it
    assert built.pack.is_symlink() and after != before and before.exists()
    assert (after / "manifest.json").exists()
    write_pack(built.analyst)
    assert not before.exists()  # only the newest two are kept


# --- the report -----------------------------------------------------------------------------------


def test_each_report_query_agrees_with_the_marts(built):
    from conflictwatch.report import collect

    con = duckdb.connect(str(built.analyst), read_only=True)
    try:
        data = collect(con)
    finally:
        con.close()
    n_incidents, n_dated, killed = built.rows(
        "select count(*), count(event_date), coalesce(sum(killed_best), 0) from marts.fct_incidents")[0]
    assert len(data["incident_points"]) == built.rows("select count(*) from marts.fct_incidents where latitude is not null")[0][0]
    assert sum(r["incidents"] for r in data["weekly_by_governorate"]) == n_dated
    assert all(r["week"].weekday() == 0 for r in data["weekly_by_governorate"])
    assert sum(r["incidents"] for r in data["perpetrators"]) == n_incidents
    assert sum(r["killed"] for r in data["perpetrators"]) == killed
    assert sum(r["violations"] for r in data["violations_per_agreement"]) == built.rows(
        "select count(*) from marts.fct_ceasefire_violations")[0][0]
    assert len(data["aid_crossing_status"]) == built.rows(
        "select count(*) from marts.fct_aid_flows where crossing_name is not null")[0][0]
    assert data["totals"][0]["incidents"] == n_incidents and data["totals"][0]["killed"] == killed
    assert data["base_places"], "no gazetteer towns in the map frame"


def test_report_is_one_self_contained_file_with_the_evidence_on_every_mark(built):
    out = built.root / "report.html"
    proc = _cli("report", "--warehouse", str(built.analyst), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    page = out.read_text()
    # nothing loaded from elsewhere: no src/href to http(s), no CDN, no fetch
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "fetch(" not in page and "<link" not in page
    # one clickable mark per incident on the map, each with the evidence sentence
    n_points = built.rows("select count(*) from marts.fct_incidents where latitude is not null")[0][0]
    map_svg = page.split('class="map"')[1].split("</svg>")[0]
    assert map_svg.count('class="mark"') == n_points
    for (sentence,) in built.rows("select evidence_text from marts.fct_incidents where latitude is not null"):
        assert sentence[:60].replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#x27;").replace("<", "&lt;") in page


# --- the CLI ---------------------------------------------------------------------------------------


def test_version_and_examples_in_every_commands_help():
    proc = _cli("--version")
    assert proc.returncode == 0 and re.search(r"conflictwatch, version \d", proc.stdout)
    for command in ("run", "eval", "summary", "query", "search", "export", "report", "docs", "sources-schema"):
        proc = _cli(command, "--help")
        assert proc.returncode == 0, command
        assert "Examples:" in proc.stdout and f"conflictwatch {command}" in proc.stdout, command


def test_summary_works_on_the_analyst_copy_and_the_warehouse(built):
    for path in (built.analyst, built.warehouse):
        proc = _cli("summary", "--warehouse", str(path))
        assert proc.returncode == 0, proc.stderr
        assert "fct_incidents" in proc.stdout and "top incidents" in proc.stdout
    assert "raw.ingest_errors" not in _cli("summary", "--warehouse", str(built.analyst)).stdout


def test_missing_and_locked_files_are_one_line_errors_with_their_exit_codes(built, tmp_path):
    for args in (("summary", "--warehouse", str(tmp_path / "nope.duckdb")),
                 ("query", "select 1", "--warehouse", str(tmp_path / "nope.duckdb")),
                 ("export", "--format", "acled", "--warehouse", str(tmp_path / "nope.duckdb")),
                 ("run", "--input", str(tmp_path / "no-such-folder"), "--warehouse", str(tmp_path / "w.duckdb"))):
        proc = _cli(*args)
        assert proc.returncode == 2, args
        assert proc.stderr.strip().count("\n") == 0 and "no such file" in proc.stderr and "Traceback" not in proc.stderr
    # a file another process holds for writing
    locked = tmp_path / "locked.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,sys,time; c=duckdb.connect({str(locked)!r}); print('ok', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        proc = _cli("summary", "--warehouse", str(locked))
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 1 and "locked" in proc.stderr and proc.stderr.strip().count("\n") == 0


def test_query_prints_a_table_and_refuses_to_write(built):
    proc = _cli("query", "select admin1, count(*) as n from marts.fct_incidents group by 1 order by 1",
                "--warehouse", str(built.analyst), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    expected = built.rows("select admin1, count(*) from marts.fct_incidents group by 1 order by 1")
    assert proc.stdout.splitlines() == ["admin1,n", *[f"{a},{n}" for a, n in expected]]
    table = _cli("query", "select count(*) as incidents from marts.fct_incidents", "--warehouse", str(built.analyst))
    assert table.returncode == 0 and "incidents" in table.stdout and "┃" in table.stdout
    write = _cli("query", "delete from marts.fct_incidents", "--warehouse", str(built.analyst))
    assert write.returncode == 2 and "read-only" in write.stderr
    assert built.rows("select count(*) from marts.fct_incidents")[0][0] == len(built.rows("select * from marts.fct_incidents"))
    assert _cli("query", "selec 1", "--warehouse", str(built.analyst)).returncode == 2
    # the full-text index is usable from query (README's example)
    fts = _cli("search", "ceasefire violations", "--warehouse", str(built.analyst), "--format", "json")
    assert fts.returncode == 0 and json.loads(fts.stdout)


def test_export_writes_each_format_where_asked(built, tmp_path):
    proc = _cli("export", "--format", "all", "--warehouse", str(built.analyst), "--output-dir", str(tmp_path / "x"))
    assert proc.returncode == 0, proc.stderr
    for name in ("parquet/fct_incidents.parquet", "incidents.geo.parquet", "incidents.geojson", "incidents_acled.csv"):
        assert (tmp_path / "x" / name).stat().st_size > 0, name
    one = _cli("export", "--format", "geojson", "--warehouse", str(built.analyst), "--output", str(tmp_path / "i.geojson"))
    assert one.returncode == 0 and json.loads((tmp_path / "i.geojson").read_text())["type"] == "FeatureCollection"
    assert _cli("export", "--format", "shapefile", "--warehouse", str(built.analyst)).returncode == 2


def test_strict_run_exits_3_when_an_input_was_quarantined(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Shelling killed two civilians in the village of Kansafra in Idlib on Monday, rescuers said.\n")
    (folder / "empty.txt").write_bytes(b"")
    env = {"CONFLICTWATCH_DATA_DIR": str(tmp_path / "data")}
    args = ("run", "--input", str(folder), "--warehouse", str(tmp_path / "w.duckdb"), "--no-build")
    assert _cli(*args, env=env).returncode == 0
    proc = _cli(*args, "--strict", env=env)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "quarantined" in proc.stderr


# --- dbt analyses ------------------------------------------------------------------------------------


def test_dbt_analyses_compile_and_run_against_the_warehouse(built):
    from conflictwatch.transform import run_dbt

    target = built.root / "dbt_analyses"
    run_dbt(["compile", "--select", "resource_type:analysis"], built.warehouse, target_path=target)
    compiled = sorted((target / "compiled" / "conflictwatch" / "analyses").glob("*.sql"))
    assert [p.stem for p in compiled] == sorted(p.stem for p in (REPO / "dbt_project" / "analyses").glob("*.sql"))
    assert len(compiled) >= 3
    for path in compiled:
        rows = built.rows(path.read_text(), built.warehouse)
        assert rows, f"{path.name} returned nothing on the seeds"


def test_docs_serves_the_dbt_docs_site_over_http(tmp_path):
    import socket
    import time
    import urllib.request

    # GIVEN a generated docs site beside the warehouse
    site = tmp_path / "dbt_target"
    site.mkdir()
    (site / "index.html").write_text("<html>dbt docs</html>")
    (site / "manifest.json").write_text("{}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("conflictwatch")
    proc = subprocess.Popen([str(exe), "docs", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "CONFLICTWATCH_WAREHOUSE": str(tmp_path / "w.duckdb")})
    try:
        # WHEN it is asked for the site and the JSON files the site fetches THEN it serves them
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline and body is None:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5).read().decode()
            except OSError:
                time.sleep(0.5)
        assert body == "<html>dbt docs</html>"
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/manifest.json", timeout=5).read() == b"{}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # and without a site it says how to make one, exit 2
    missing = _cli("docs", env={"CONFLICTWATCH_WAREHOUSE": str(tmp_path / "elsewhere" / "w.duckdb")})
    assert missing.returncode == 2 and "docs --generate" in missing.stderr


def test_eval_figures_only_quotes_no_article(built):
    gold = str(Path(__file__).parent / "fixtures" / "gold" / "seed_gold.yaml")
    # GIVEN a split scored but never read: the figures print, no quotation of its articles
    proc = _cli("eval", "--gold", gold, "--warehouse", str(built.warehouse), "--figures-only")
    assert proc.returncode == 0, proc.stderr
    assert "incidents" in proc.stdout and "Negatives reported as incidents" in proc.stdout and "«" not in proc.stdout
    # and --verbose, which lists every miss with its sentence, is refused with it
    proc = _cli("eval", "--gold", gold, "--warehouse", str(built.warehouse), "--figures-only", "--verbose")
    assert proc.returncode != 0 and "--figures-only" in proc.stderr

"""The whole path on real components: files in, raw tables and (with dbt) marts out."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from .conftest import FIXTURES, REPO, SEEDS

pytestmark = pytest.mark.slow

ARTICLE_A = """Shelling kills three in Idlib village

Government forces shelled the village of Kansafra in Idlib's southern countryside on Monday, killing three civilians, including a child, rescuers said.
The attack came hours after a drone strike on a market in the town of Sarmada wounded five people.
"""
ARTICLE_B = """Aid convoy crosses into northwest Syria

A UN convoy of 40 trucks carrying food entered northwest Syria through the Bab al-Hawa crossing on Thursday, the UN said.
"""


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("conflictwatch")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600)


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def txt_folder(tmp_path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE_A)
    (folder / "b.txt").write_text(ARTICLE_B)
    (folder / "manifest.csv").write_text(
        "file,published_date,source_name,url\na.txt,2024-03-05,Example Wire,https://example.org/a\nb.txt,2024-03-08,Example Wire,\n"
    )
    return folder


def test_cli_run_on_a_txt_folder_with_manifest_builds_the_marts(txt_folder, tmp_path):
    # GIVEN a folder of plain-text articles with a manifest
    wh = tmp_path / "w.duckdb"
    # WHEN the CLI runs the whole job
    proc = _cli("run", "--input", str(txt_folder), "--warehouse", str(wh), env={"CONFLICTWATCH_DATA_DIR": str(tmp_path / "data")})
    # THEN it succeeds, documents carry the manifest's metadata, and the marts exist
    assert proc.returncode == 0, proc.stdout + proc.stderr
    docs = _rows(wh, "select title, cast(published_date as varchar), source_name, url from marts.dim_documents order by title")
    assert docs == [
        ("Aid convoy crosses into northwest Syria", "2024-03-08", "Example Wire", None),
        ("Shelling kills three in Idlib village", "2024-03-05", "Example Wire", "https://example.org/a"),
    ]
    assert "fct_incident_reports" in proc.stdout
    # AND the analyst copy was published beside it
    assert (tmp_path / "w_analyst.duckdb").exists()


def test_cli_run_on_a_folder_of_gzipped_html_pages(tmp_path):
    # GIVEN the HTML fixtures, gzipped into a folder
    pages = sorted((FIXTURES / "html").glob("*.html"))
    assert pages, "HTML fixtures missing"
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in pages:
        (folder / (page.name + ".gz")).write_bytes(gzip.compress(page.read_bytes()))
    wh = tmp_path / "w.duckdb"
    # WHEN ingested (raw tables only)
    proc = _cli("run", "--input", str(folder), "--warehouse", str(wh), "--no-build",
                env={"CONFLICTWATCH_DATA_DIR": str(tmp_path / "data")})
    # THEN every page is a document with extracted text
    assert proc.returncode == 0, proc.stdout + proc.stderr
    n, min_words = _rows(wh, "select count(*), min(word_count) from raw.documents")[0]
    assert n == len(pages) and min_words > 50


def test_bad_inputs_are_recorded_and_the_rest_is_processed(txt_folder, tmp_path):
    # GIVEN good articles beside an empty, a binary, an undecodable and an unreadable file
    (txt_folder / "empty.txt").write_bytes(b"")
    (txt_folder / "binary.html").write_bytes(bytes(range(256)) * 8)
    (txt_folder / "latin.txt").write_bytes("Caf\xe9 bombard\xe9 \xe0 Idlib".encode("latin-1") + b"\xff\xfe\x00")
    (txt_folder / "dangling.txt").symlink_to(tmp_path / "does-not-exist.txt")
    (txt_folder / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"a" * (30 * 1024 * 1024)))
    wh = tmp_path / "w.duckdb"
    # WHEN ingested
    proc = _cli("run", "--input", str(txt_folder), "--warehouse", str(wh), "--no-build",
                env={"CONFLICTWATCH_DATA_DIR": str(tmp_path / "data")})
    # THEN the run succeeds, the good articles are loaded, and each bad file has an error with a reason
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _rows(wh, "select count(*) from raw.documents")[0][0] == 2
    errors = {Path(uri).name: (stage, cls, msg) for uri, stage, cls, msg in
              _rows(wh, "select source_uri, stage, error_class, message from raw.ingest_errors")}
    assert set(errors) == {"empty.txt", "binary.html", "latin.txt", "dangling.txt", "bomb.html.gz"}
    assert all(msg for _, _, msg in errors.values())


def test_running_twice_leaves_the_same_rows(txt_folder, tmp_path):
    wh = tmp_path / "w.duckdb"
    env = {"CONFLICTWATCH_DATA_DIR": str(tmp_path / "data")}
    counts = []
    for _ in range(2):
        assert _cli("run", "--input", str(txt_folder), "--warehouse", str(wh), "--no-build", env=env).returncode == 0
        counts.append(_rows(wh, """select (select count(*) from raw.documents), (select count(*) from raw.sentences),
                                          (select count(*) from raw.entities), (select count(*) from raw.frames),
                                          (select count(*) from raw.ingest_errors)""")[0])
    assert counts[0] == counts[1] and counts[0][0] == 2


def test_airflow_runs_both_dags_on_the_seeds(tmp_path):
    """`airflow dags test` of ingest_articles then transform_dbt, as `make run` does (SQLite metadata)."""
    home = tmp_path / "airflow"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "180",  # the first parse runs `dbt parse`
        "CONFLICTWATCH_DATA_DIR": str(tmp_path / "data"),
        "CONFLICTWATCH_WAREHOUSE": str(tmp_path / "data" / "warehouse.duckdb"),
        "CONFLICTWATCH_SEEDS_DIR": str(SEEDS),
    }
    airflow = str(Path(sys.executable).with_name("airflow"))

    def run(*args):
        proc = subprocess.run([airflow, *args], env=env, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
        return proc

    run("db", "migrate")
    run("pools", "set", "warehouse", "1", "single writer")
    run("dags", "test", "ingest_articles")
    run("dags", "test", "transform_dbt")
    wh = tmp_path / "data" / "warehouse.duckdb"
    assert _rows(wh, "select count(*) from marts.dim_documents")[0][0] == 5
    assert (tmp_path / "data" / "warehouse_analyst.duckdb").exists()


STRIKE_REPORT_1 = """Warplanes kill four in Idlib town

Russian warplanes struck the town of Saraqib in Idlib province on Sunday, killing four civilians and wounding ten, a war monitor said.
"""
STRIKE_REPORT_2 = """Civil defence: air raid on Saraqib leaves dead

At least five people were killed when Russian jets bombed Saraqib, in the Idlib countryside, on Sunday, rescuers said. Twelve others were injured in the raid.
"""


def test_two_differently_worded_reports_of_one_strike_become_one_incident(tmp_path):
    # GIVEN two outlets' reports of the same air strike, published the same day, worded differently
    folder = tmp_path / "two"
    folder.mkdir()
    (folder / "wire.txt").write_text(STRIKE_REPORT_1)
    (folder / "local.txt").write_text(STRIKE_REPORT_2)
    (folder / "manifest.csv").write_text(
        "file,published_date,source_name\nwire.txt,2024-02-12,Wire\nlocal.txt,2024-02-12,Local\n"
    )
    wh = tmp_path / "w.duckdb"
    # WHEN the pipeline runs on both
    proc = _cli("run", "--input", str(folder), "--warehouse", str(wh), env={"CONFLICTWATCH_DATA_DIR": str(tmp_path / "data")})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # THEN there are two reports, one incident linking both, and the low/best/high span the reports
    reports = _rows(wh, "select source_name, location_name, cast(event_date as varchar), killed, injured "
                        "from marts.fct_incident_reports order by source_name")
    assert [(r[0], r[2], r[3], r[4]) for r in reports] == [("Local", "2024-02-11", 5, 12), ("Wire", "2024-02-11", 4, 10)]
    (incident,) = _rows(wh, "select n_reports, killed_low, killed_high, injured_low, injured_high from marts.fct_incidents")
    assert incident == (2, 4, 5, 10, 12)

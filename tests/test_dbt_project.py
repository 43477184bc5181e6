"""The dbt project against a hand-written raw warehouse (tests/fixtures/raw_fixture.py).

GIVEN the fixture's raw tables and reference CSVs, WHEN `dbt seed` and `dbt build` run (models,
data tests and unit tests), THEN the marts carry the DESIGN.md contract columns, the two reports
of the Ariha strike are one incident, dates resolve against publication, violations link to
their agreements and incident reports, and incremental runs give what a full refresh gives.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fixtures import raw_fixture

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "dbt_project"
DBT = Path(sys.executable).with_name("dbt")

CONTRACTS = {
    "fct_incident_reports": """incident_report_id document_id source_uri source_name source_url published_date
        event_date date_precision location_mention location_name location_id admin1 admin2 latitude longitude
        geo_precision event_type sub_event_type perpetrator perpetrator_actor_id killed killed_low killed_high
        injured injured_low injured_high killed_children killed_women injured_children injured_women
        evidence_text evidence_start_char evidence_end_char""",
    "fct_incidents": "incident_id n_reports incident_report_ids evidence_text evidence_start_char evidence_end_char",
    "fct_aid_flows": """aid_flow_id document_id source_uri kind crossing_name crossing_id from_country to_area
        agency authorised_by status quantity unit share_pct duration_days event_date period_start period_end
        evidence_text evidence_start_char evidence_end_char""",
    "fct_ceasefire_violations": """violation_id document_id source_uri agreement_id kind violators event_date
        period_start period_end violations_low killed injured incident_report_id evidence_text
        evidence_start_char evidence_end_char""",
    "dim_ceasefire_agreements": """agreement_id name parties start_date date_precision announced_by
        announced_date first_document_id""",
    "fct_casualty_tallies": "tally_id document_id evidence_text evidence_start_char evidence_end_char",
    "dim_documents": "document_id source_uri title published_date source_name url language word_count text",
    "dim_locations": "location_id name admin1 admin2 latitude longitude",
    "dim_actors": "actor_id name",
    "bridge_incident_reports": "incident_id incident_report_id",
}


def run_dbt(
    env: dict[str, str], work: Path, *args: str, project: Path = PROJECT
) -> subprocess.CompletedProcess[str]:
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=work, timeout=900)


def dbt_env(warehouse: Path) -> dict[str, str]:
    env = dict(os.environ, CONFLICTWATCH_WAREHOUSE=str(warehouse), DO_NOT_TRACK="1")
    env.pop("CONFLICTWATCH_REFERENCE_DIR", None)
    return env


def copy_project(directory: Path) -> Path:
    """dbt_project/ next to the fixture's include/reference/, so ../include/reference is the fixture's."""
    return Path(
        shutil.copytree(PROJECT, directory / "dbt_project", ignore=shutil.ignore_patterns("target", "logs"))
    )


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def rows_by(warehouse: Path, sql: str, key: str) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return {row[names.index(key)]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[raw_fixture.Fixture, dict[str, str], Path, Path]:
    work = tmp_path_factory.mktemp("dbt")
    fixture = raw_fixture.build(work / "fixture")
    project = copy_project(fixture.directory)
    env = dbt_env(fixture.warehouse)
    seeded = run_dbt(env, work, "seed", project=project)
    assert seeded.returncode == 0, seeded.stdout[-4000:]
    result = run_dbt(env, work, "build", project=project)
    assert result.returncode == 0, result.stdout[-6000:]
    assert "ERROR=0" in result.stdout and "SKIP=0" in result.stdout
    return fixture, env, work, project


def test_build_runs_unit_tests(built):
    _, _, work, _ = built
    log = (work / "logs" / "dbt.log").read_text()
    for name in (
        "test_int_frames_dated_resolves_dates_against_publication",
        "test_int_incident_reports_deduplicated_merges_frames_within_an_article",
        "test_int_incident_reports_clustered_merges_reports_across_articles",
        "test_fct_incidents_merges_two_reports_of_one_strike",
        "test_int_ceasefire_agreements_deduplicated_one_id_per_agreement",
        "assert_mart_evidence_is_verbatim",
    ):
        assert re.search(rf"PASS (\w+::)?{name}\b", log), name


def test_schemas_are_exactly_the_layers(built):
    fixture, *_ = built
    schemas = {
        s for (s,) in query(fixture.warehouse, "select distinct table_schema from information_schema.tables")
    }
    assert schemas == {"raw", "staging", "intermediate", "marts", "reference", "qa"}  # qa: stored test failures


@pytest.mark.parametrize("mart", sorted(CONTRACTS))
def test_marts_carry_the_contract_columns(built, mart):
    fixture, *_ = built
    columns = [
        c
        for (c,) in query(
            fixture.warehouse,
            f"select column_name from information_schema.columns where table_schema = 'marts' "
            f"and table_name = '{mart}' order by ordinal_position",
        )
    ]
    wanted = CONTRACTS[mart].split()
    assert [c for c in wanted if c not in columns] == []
    if mart in (
        "fct_incident_reports",
        "fct_aid_flows",
        "fct_ceasefire_violations",
        "dim_ceasefire_agreements",
    ):
        assert columns[: len(wanted)] == wanted  # the contract first, in its order


def test_two_reports_of_one_strike_are_one_incident(built):
    fixture, *_ = built
    incidents = rows_by(fixture.warehouse, "select * from marts.fct_incidents", "location_name")
    ariha = incidents["Ariha"]
    assert ariha["n_reports"] == 2 and ariha["n_documents"] == 2
    assert (ariha["killed_low"], ariha["killed_best"], ariha["killed_high"]) == (21, 21, 21)
    assert (ariha["injured_low"], ariha["injured_best"], ariha["injured_high"]) == (80, 80, 82)
    assert ariha["event_date"].isoformat() == "2020-01-15" and ariha["date_precision"] == "day"
    reports = rows_by(fixture.warehouse, "select * from marts.fct_incident_reports", "document_id")
    assert sorted(ariha["incident_report_ids"]) == sorted(
        [reports["doc_a"]["incident_report_id"], reports["doc_b"]["incident_report_id"]]
    )
    bridge = query(
        fixture.warehouse,
        f"select count(*) from marts.bridge_incident_reports where incident_id = '{ariha['incident_id']}'",
    )
    assert bridge == [(2,)]
    # Ariha, Ma'arat al-Nu'man, the M4 attack, Jidarya; the tally is not an incident
    assert len(incidents) == 4


def test_incident_reports_resolve_dates_places_and_actors(built):
    fixture, *_ = built
    reports = rows_by(fixture.warehouse, "select * from marts.fct_incident_reports", "document_id")
    a, b, c, e = reports["doc_a"], reports["doc_b"], reports["doc_c"], reports["doc_e"]
    # "On Wednesday" in an article of Thursday 2020-01-16; "yesterday" likewise
    assert (a["event_date"].isoformat(), a["date_precision"]) == ("2020-01-15", "day")
    assert b["event_date"].isoformat() == "2020-01-15"
    # "On Tuesday" with no publication date
    assert (c["event_date"], c["date_precision"]) == (None, "unknown")
    # "On February 29" in an article of 2020-03-02: this year's (a leap year)
    assert e["event_date"].isoformat() == "2020-02-29"
    # at least 21 -> killed 21 with its bound kept
    assert (a["killed"], a["killed_low"], a["injured"]) == (21, 21, 80)
    assert (b["perpetrator"], b["perpetrator_actor_id"]) == (
        "Syrian government forces and Russia",
        "syrian-government",
    )
    assert a["perpetrator"] == "Russia" and e["perpetrator"] == "Syrian government forces"
    # the gazetteer by id (doc_a), by name (doc_b: no id; doc_e: another spelling)
    assert (
        a["location_id"] == b["location_id"] == "C4105" and a["admin1"] == "Idleb" and a["geo_precision"] == 1
    )
    assert (e["location_id"], e["location_name"]) == ("C4200", "Ma'arat al-Nu'man")
    # unresolved: keeps the mention, falls back to the hinted governorate's centroid
    assert c["location_id"] is None and c["location_name"] == "a village near the M4 highway"
    assert (c["admin1"], c["latitude"], c["geo_precision"]) == ("Idleb", 35.8, 3)  # an admin centroid
    assert (c["killed_children"], c["injured_children"]) == (1, 1)
    # the text's governorate overrides an NLP id elsewhere: "Aleppo's Jidarya" is not Idlib's Jdarya
    f = reports["doc_f"]
    assert (f["location_id"], f["location_name"], f["admin1"], f["geo_precision"]) == (
        None,
        "Jidarya",
        "Aleppo",
        3,
    )
    assert f["event_date"].isoformat() == "2020-01-21"
    unresolved = query(
        fixture.warehouse, "select name, admin1 from marts.dim_locations where not is_resolved order by name"
    )
    assert unresolved == [("Jidarya", "Aleppo"), ("a village near the M4 highway", "Idleb")]


def test_violations_link_to_agreements_and_incident_reports(built):
    fixture, *_ = built
    agreements = rows_by(fixture.warehouse, "select * from marts.dim_ceasefire_agreements", "agreement_id")
    violations = rows_by(fixture.warehouse, "select * from marts.fct_ceasefire_violations", "document_id")
    reports = rows_by(fixture.warehouse, "select * from marts.fct_incident_reports", "document_id")
    assert len(agreements) == 2  # the March 2020 truce is mentioned in doc_c and doc_d: one agreement
    event = violations["doc_a"]
    truce = agreements[event["agreement_id"]]
    assert truce["start_date"].isoformat() == "2020-01-12" and truce["parties"] == ["Russia", "Turkey"]
    assert event["kind"] == "event" and event["violators"] == ["Russia"]
    assert event["incident_report_id"] == reports["doc_a"]["incident_report_id"]
    aggregate = violations["doc_d"]
    march = agreements[aggregate["agreement_id"]]
    assert (march["start_date"].isoformat(), march["date_precision"]) == ("2020-03-01", "month")
    assert march["n_mentions"] == 2 and march["name"] == "Moscow-Ankara truce"
    assert march["first_document_id"] == "doc_d"  # doc_c has no publication date: it sorts last
    assert (aggregate["violations_low"], aggregate["killed"]) == (800, 66)
    assert (aggregate["period_start"].isoformat(), aggregate["period_end"].isoformat()) == (
        "2021-06-08",
        "2021-07-23",
    )
    assert aggregate["violators"] == ["Syrian government forces"] and aggregate["incident_report_id"] is None


def test_aid_flows_and_tallies(built):
    fixture, *_ = built
    (flow,) = rows_by(fixture.warehouse, "select * from marts.fct_aid_flows", "aid_flow_id").values()
    assert (flow["crossing_id"], flow["crossing_name"], flow["from_country"]) == (
        "crossing:bab-al-hawa",
        "Bab al-Hawa",
        "Turkey",
    )
    assert flow["event_date"].isoformat() == "2021-07-10" and flow["status"] == "open"
    (tally,) = rows_by(fixture.warehouse, "select * from marts.fct_casualty_tallies", "tally_id").values()
    assert (tally["document_id"], tally["scope"], tally["killed_low"]) == ("doc_b", "period", 1300)
    docs = rows_by(fixture.warehouse, "select * from marts.dim_documents", "document_id")
    assert docs["doc_b"]["n_casualty_tallies"] == 1 and docs["doc_a"]["n_frames"] == 3


def _snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    tables = [
        t
        for (t,) in query(
            warehouse, "select table_name from information_schema.tables where table_schema = 'marts'"
        )
    ]
    return {t: sorted(map(repr, query(warehouse, f"select * from marts.{t}"))) for t in tables}


def test_incremental_run_matches_full_refresh(built):
    """Reloaded documents (one with a frame fewer, one with none left; newer loaded_at) are
    replaced; a full refresh agrees."""
    fixture, env, work, project = built
    con = duckdb.connect(str(fixture.warehouse))
    try:
        con.execute("delete from raw.frames where document_id = 'doc_b' and frame_type = 'casualty_tally'")
        con.execute("delete from raw.frames where document_id = 'doc_e'")
        con.execute("update raw.documents set loaded_at = timestamp '2026-02-01' where document_id in ('doc_b', 'doc_e')")
    finally:
        con.close()
    incremental = run_dbt(env, work, "build", "--selector", "marts", project=project)
    assert incremental.returncode == 0, incremental.stdout[-4000:]
    assert query(fixture.warehouse, "select count(*) from marts.fct_casualty_tallies") == [(0,)]
    after_incremental = _snapshot(fixture.warehouse)
    full = run_dbt(env, work, "run", "--full-refresh", project=project)
    assert full.returncode == 0, full.stdout[-4000:]
    assert _snapshot(fixture.warehouse) == after_incremental


@pytest.mark.skipif(
    not all(
        (ROOT / "include" / "reference" / f"{n}.csv").exists()
        for n in ("places", "crossings", "actors", "event_types")
    ),
    reason="include/reference/*.csv not written yet",
)
def test_the_shared_reference_csvs_load_as_typed_seeds(tmp_path):
    env = dbt_env(tmp_path / "reference.duckdb")
    result = run_dbt(env, tmp_path, "build", "--selector", "reference")
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.mark.skipif(
    not (ROOT / "include" / "reference" / "places.csv").exists(), reason="no reference CSVs yet"
)
def test_models_and_analyses_pass_sqlfluff():
    # The lint CI runs (`make lint` lints the same two folders); .ci/test no longer lints them a
    # second time before pytest.
    env = dbt_env(Path(":memory:"))
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    result = subprocess.run(
        [str(sqlfluff), "lint", "dbt_project/models", "dbt_project/analyses"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:]

"""The data tests run from their compiled SQL (`conflictwatch.dbt_tests`) judge as dbt does.

An incremental build runs the ~120 data tests downstream of the raw tables from the SQL dbt
compiled for them in the last build in which dbt ran them, instead of as dbt nodes. These tests
check that this changes no verdict: each test's rule (severity, warn_if, error_if, limit, stored
failures) on small tables, and, on the dbt project's fixture warehouse with rows broken in every
way the tests look for, every test's status and count of failing rows against `dbt test`'s own.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from conflictwatch import dbt_tests, transform
from conflictwatch.config import get_settings

from .fixtures import raw_fixture
from .test_dbt_project import copy_project, dbt_env, run_dbt


def _test(name: str, sql: str, **config) -> dict:
    return {"unique_id": f"test.p.{name}", "name": name, "relation": f'"qa"."{name}"', "sql": sql,
            "severity": "error", "warn_if": "!= 0", "error_if": "!= 0", "fail_calc": "count(*)",
            "limit": None, "store_failures": True, **config}


def test_each_test_is_judged_by_its_severity_and_thresholds(tmp_path):
    # GIVEN a table with two negative values and one null
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create schema qa; create table t as select * from (values (1), (-1), (-2), (null)) v(x)")
    con.close()
    negative = "select * from t where x < 0"
    tests = [
        _test("passes", "select * from t where x > 100"),
        _test("fails", negative),
        _test("warns", negative, severity="warn"),
        _test("warns_under_error_if", negative, error_if=">= 3", warn_if=">= 1"),
        _test("passes_under_warn_if", negative, error_if="> 5", warn_if="> 2"),
        _test("limited", negative, limit=1),
        _test("not_stored", "select * from t where x is null", store_failures=False),
        _test("broken_sql", "select * from no_such_table"),
    ]
    # WHEN they run as the incremental build runs them
    results = {r.name: r for r in dbt_tests.run_tests(warehouse, tests, threads=3)}
    # THEN each has dbt's verdict and count,
    assert {n: (r.status, r.failures) for n, r in results.items()} == {
        "passes": ("pass", 0), "fails": ("fail", 2), "warns": ("warn", 2), "warns_under_error_if": ("warn", 2),
        "passes_under_warn_if": ("pass", 2), "limited": ("fail", 1), "not_stored": ("fail", 1),
        "broken_sql": ("error", None),
    }
    assert results["fails"].message == "Got 2 results, configured to fail if != 0"
    # AND the failing rows are stored in qa as dbt's store_failures keeps them
    con = duckdb.connect(str(warehouse), read_only=True)
    stored = {t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'qa'").fetchall()}
    assert con.execute('select x from qa."fails" order by x').fetchall() == [(-2,), (-1,)]
    assert con.execute('select count(*) from qa."passes"').fetchone() == (0,)
    con.close()
    assert "not_stored" not in stored and "broken_sql" not in stored
    assert [r.name for r in dbt_tests.failed(results.values())] == ["fails", "limited", "not_stored", "broken_sql"]


def test_a_plan_serves_only_its_project_warehouse_and_dbt(tmp_path):
    from importlib import metadata

    warehouse = tmp_path / "warehouse.duckdb"
    manifest = {
        "metadata": {"dbt_version": metadata.version("dbt-core")},
        "sources": {"source.p.raw.a": {"source_name": "raw"}},
        "child_map": {"source.p.raw.a": ["model.p.m"], "model.p.m": ["test.p.t", "test.p.u"], "seed.p.s": ["test.p.v"]},
        "nodes": {
            "model.p.m": {"resource_type": "model"},
            "test.p.t": {"resource_type": "test", "name": "t", "relation_name": '"w"."qa"."t"', "compiled": True,
                         "compiled_code": "select 1", "config": {"severity": "ERROR", "store_failures": True}},
            "test.p.u": {"resource_type": "test", "name": "u", "compiled": True, "compiled_code": "select 2",
                         "config": {"severity": "warn", "warn_if": ">1", "error_if": ">2", "fail_calc": "sum(x)"}},
            "test.p.v": {"resource_type": "test", "name": "v", "config": {}},  # seeds only: not in the plan
        },
    }
    target = tmp_path / "dbt_target"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps(manifest))
    assert dbt_tests.save_plan(target, "fp", warehouse) == 2
    plan = dbt_tests.load_plan(target, "fp", warehouse)
    assert [(t["name"], t["severity"], t["warn_if"], t["fail_calc"], t["store_failures"]) for t in plan["tests"]] == [
        ("t", "error", "!= 0", "count(*)", True), ("u", "warn", ">1", "sum(x)", False)]
    assert dbt_tests.load_plan(target, "another project", warehouse) is None
    assert dbt_tests.load_plan(target, "fp", tmp_path / "other.duckdb") is None
    # a test downstream of the raw tables that dbt did not compile: no plan at all
    del manifest["nodes"]["test.p.u"]["compiled_code"]
    (target / "manifest.json").write_text(json.dumps(manifest))
    assert dbt_tests.save_plan(target, "fp", warehouse) == 0
    assert dbt_tests.load_plan(target, "fp", warehouse) is None


def _break_rows(warehouse: Path) -> None:
    """Every table of raw, intermediate and marts gets a copy of one of its rows (keys repeated),
    a row of nulls, and a row of wrong values: text 'broken', numbers -1, -2, -3 ... in column
    order (negative, out of order, under any minimum), spans negative."""
    con = duckdb.connect(str(warehouse))
    try:
        # the raw tables without their keys and not-null constraints (load.py's), so that the
        # source tests, which check the same, can fail too
        for (table,) in con.execute("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall():
            con.execute(f'create table raw."{table}_unconstrained" as select * from raw."{table}"')
            con.execute(f'drop table raw."{table}"')
            con.execute(f'alter table raw."{table}_unconstrained" rename to "{table}"')
        tables = con.execute("""select schema_name, table_name from duckdb_tables()
                                where schema_name in ('raw', 'intermediate', 'marts') order by 1, 2""").fetchall()
        for schema, table in tables:
            columns = con.execute("select column_name, data_type from duckdb_columns() where schema_name = ? "
                                  "and table_name = ? order by column_index", [schema, table]).fetchall()
            wrong = []
            for i, (_, data_type) in enumerate(columns):
                if data_type == "VARCHAR":
                    wrong.append("'broken'")
                elif data_type in ("INTEGER", "BIGINT", "DOUBLE", "HUGEINT", "SMALLINT") or data_type.startswith("DECIMAL"):
                    wrong.append(str(-(i + 1)))
                else:
                    wrong.append("null")
            ref = f'"{schema}"."{table}"'
            for sql in (f"insert into {ref} select * from {ref} limit 1",
                        f"insert into {ref} select {', '.join('null' for _ in columns)}",
                        f"insert into {ref} select {', '.join(wrong)}"):
                with contextlib.suppress(duckdb.Error):  # a type the wrong values do not fit: the others go in
                    con.execute(sql)
    finally:
        con.close()


@pytest.mark.slow
def test_every_data_test_fails_on_broken_rows_as_dbt_test_fails_it(tmp_path):
    # GIVEN the fixture warehouse built by dbt, the tests' plan saved from that build
    fixture = raw_fixture.build(tmp_path / "fixture")
    project = copy_project(fixture.directory)
    env = dbt_env(fixture.warehouse)
    work = tmp_path / "work"
    work.mkdir()
    built = run_dbt(env, work, "build", "--exclude-resource-type", "unit_test", project=project)
    assert built.returncode == 0, built.stdout[-4000:]
    target = work / "target"
    assert dbt_tests.save_plan(target, "fp", fixture.warehouse) > 100
    plan = dbt_tests.load_plan(target, "fp", fixture.warehouse)
    # AND rows broken in every table the tests read, directly or through the views
    _break_rows(fixture.warehouse)
    # WHEN dbt tests the warehouse, and the plan's tests run from their compiled SQL
    tested = run_dbt(env, work, "test", "--exclude-resource-type", "unit_test", project=project)
    assert tested.returncode == 1, tested.stdout[-4000:]
    by_dbt = {r["unique_id"]: r for r in json.loads((target / "run_results.json").read_text())["results"]}
    ours = dbt_tests.run_tests(fixture.warehouse, plan["tests"])
    # THEN every test has dbt's verdict and count of failing rows,
    assert {r.unique_id: (r.status, r.failures) for r in ours} == {
        r.unique_id: (by_dbt[r.unique_id]["status"], by_dbt[r.unique_id]["failures"]) for r in ours}
    # AND most of them fail or warn (the rest read views whose joins and filters drop the broken
    # rows: they pass under dbt too), tests of every kind among them
    status = Counter(r.status for r in ours)
    assert status["error"] == 0 and status["fail"] + status["warn"] >= 0.5 * len(ours), status
    kind = {t["unique_id"]: t["name"].split("_")[0] for t in plan["tests"]}
    flagged = {kind[r.unique_id] for r in ours if r.status in ("fail", "warn")}
    assert flagged >= {"unique", "not", "relationships", "accepted", "valid", "counts", "at", "source", "assert"}
    passing = [r.name for r in ours if r.status == "pass"]
    print(f"{len(ours)} tests: {dict(status)}; passing on the broken rows: {passing}")


@pytest.mark.slow
def test_an_incremental_build_fails_on_a_failing_test(tmp_path):
    # GIVEN the fixture warehouse built by the pipeline's build (dbt runs the tests, the plan is saved)
    fixture = raw_fixture.build(tmp_path / "fixture")
    project = copy_project(fixture.directory)
    settings = get_settings(warehouse=fixture.warehouse, data_dir=fixture.directory, dbt_project_dir=project)
    stages: dict[str, float] = {}
    transform.build(fixture.warehouse, settings, "fp", after_new_rows=False, stages=stages)
    target = transform.dbt_target(fixture.warehouse)
    assert dbt_tests.load_plan(target, "fp", fixture.warehouse) is not None
    # AND an incremental build with nothing wrong passes, its tests run outside dbt
    transform.build(fixture.warehouse, settings, "fp", after_new_rows=True, stages=stages)
    assert "data tests (compiled SQL)" in stages
    results = json.loads((target / dbt_tests.RESULTS_FILE).read_text())["results"]
    assert len(results) > 100 and {r["status"] for r in results} <= {"pass", "warn"}
    # WHEN a new raw frame has a negative evidence span, and the build runs again
    con = duckdb.connect(str(fixture.warehouse))
    con.execute("insert into raw.frames select * replace ('frame_with_a_bad_span' as frame_id, "
                "-1 as evidence_start_char) from raw.frames limit 1")
    con.close()
    # THEN it fails, naming the test that failed
    with pytest.raises(transform.DbtError) as failure:
        transform.build(fixture.warehouse, settings, "fp", after_new_rows=True)
    assert "Failure in test valid_evidence_span_stg_raw__frames_ " in str(failure.value), str(failure.value)
    results = json.loads((target / dbt_tests.RESULTS_FILE).read_text())["results"]
    assert "valid_evidence_span_stg_raw__frames_" in {r["name"] for r in results if r["status"] == "fail"}
    shutil.rmtree(fixture.directory)

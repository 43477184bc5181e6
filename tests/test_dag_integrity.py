"""DAG integrity: every DAG imports cleanly, is tagged, retries, has no cycles, and is wired
as the design says (pools, Params, Assets, callbacks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_expected_dags(dagbag):
    assert {"ingest_articles", "transform_dbt"} <= set(dagbag.dag_ids)


@pytest.mark.parametrize("dag_id", ["ingest_articles", "transform_dbt"])
def test_tags_retries_timeouts_callbacks_and_docs(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert "conflictwatch" in dag.tags
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.doc_md and dag.on_failure_callback
    for t in dag.tasks:
        assert t.retries >= 1, f"{dag_id}.{t.task_id} has no retries"
        assert t.execution_timeout is not None, f"{dag_id}.{t.task_id} has no execution timeout"
        assert t.on_failure_callback, f"{dag_id}.{t.task_id} has no failure callback"


def test_no_cycles(dagbag):
    from airflow.sdk.definitions._internal.abstractoperator import AbstractOperator  # noqa: F401

    for dag in dagbag.dags.values():
        dag.topological_sort()  # raises on a cycle


def test_ingest_shape_and_pools(dagbag):
    # GIVEN the ingest DAG
    dag = dagbag.dags["ingest_articles"]
    # THEN discover feeds a mapped process task that feeds the single loader
    assert set(dag.task_ids) == {"select_reprocess", "discover", "process", "load"}
    process, load = dag.get_task("process"), dag.get_task("load")
    assert process.is_mapped if hasattr(process, "is_mapped") else type(process).__name__ == "MappedOperator"
    assert load.upstream_task_ids == {"process"}
    # AND only the tasks that open the warehouse take the one-slot pool
    assert load.pool == "warehouse" and dag.get_task("select_reprocess").pool == "warehouse"
    assert dag.get_task("discover").pool != "warehouse"
    assert load.trigger_rule == "none_failed"


def test_ingest_params_cover_manual_runs(dagbag):
    params = dagbag.dags["ingest_articles"].params
    for name in ("inputs", "url_list", "urls", "sources", "reprocess_since", "force", "batch_size", "fetch_allow_hosts"):
        assert name in params, name
    assert params["inputs"] == [] and params["reprocess_since"] is None and params["force"] is False


def test_ingest_emits_raw_asset_and_transform_is_scheduled_on_it(dagbag):
    ingest = dagbag.dags["ingest_articles"]
    load = ingest.get_task("load")
    assert [o.name for o in load.outlets] == ["raw"]
    transform = dagbag.dags["transform_dbt"]
    assert [a.name for a in transform.timetable.asset_condition.objects] == ["raw"]
    assert [o.name for o in transform.get_task("publish").outlets] == ["marts"]


def test_transform_shows_each_model_and_keeps_one_warehouse_writer(dagbag):
    # GIVEN the default Cosmos WATCHER task group
    dag = dagbag.dags["transform_dbt"]
    ids = set(dag.task_ids)
    # THEN every mart is a task, one producer runs dbt in the pool, and the watchers take no slot
    for model in ("fct_incident_reports", "fct_incidents", "fct_aid_flows", "dim_documents"):
        assert any(t.startswith(f"dbt.{model}") for t in ids), model
    producer = dag.get_task("dbt.dbt_producer_watcher")
    assert producer.pool == "warehouse"
    # AND its dbt runs under the warehouse's file lock, as the CLI's does (conflictwatch-dbt)
    assert Path(producer.dbt_executable_path).name == "conflictwatch-dbt"
    writers = [t for t in dag.tasks if t.pool == "warehouse"]
    assert {t.task_id for t in writers} == {"dbt.dbt_producer_watcher", "dbt_docs", "publish"}
    assert dag.get_task("dbt_docs").upstream_task_ids and dag.get_task("publish").upstream_task_ids == {"dbt_docs"}


def test_dag_files_do_no_heavy_imports_at_parse_time():
    import subprocess
    import sys

    code = (
        "import sys, runpy;"
        f"runpy.run_path({str(REPO / 'dags' / 'ingest_articles.py')!r});"
        f"runpy.run_path({str(REPO / 'dags' / 'transform_dbt.py')!r});"
        "heavy=[m for m in ('spacy','trafilatura','pandas','dbt','duckdb') if m in sys.modules];"
        "print('HEAVY=' + ','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    (line,) = [ln for ln in out.splitlines() if ln.startswith("HEAVY=")]
    assert line == "HEAVY=", f"heavy modules imported at parse time: {line}"

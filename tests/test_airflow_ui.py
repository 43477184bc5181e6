"""What an operator meets in the Airflow UI: Trigger works with the defaults, the dbt docs site
is served by Cosmos's plugin, `make airflow` unpauses both DAGs and logs at INFO."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


@pytest.mark.parametrize("dag_id", ["ingest_articles", "transform_dbt"])
def test_every_param_default_passes_its_own_schema(dagbag, dag_id):
    # GIVEN the DAG's Params as the Trigger form shows them
    params = dagbag.dags[dag_id].params
    # WHEN validated with nothing changed (the form's Trigger button) THEN none fails
    resolved = params.validate()
    for name in params:
        assert params.get_param(name).description, f"{dag_id}.{name} has no description"
    assert set(resolved) == set(params)


def _standalone():
    sys.path.insert(0, str(REPO / "scripts"))
    spec = importlib.util.spec_from_file_location("airflow_standalone", REPO / "scripts" / "airflow_standalone.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_ui_profile_logs_at_info_and_points_cosmos_at_the_docs_site(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CONFLICTWATCH_WAREHOUSE", raising=False)  # `make test` exports the repository's
    env = _standalone().airflow_env(tmp_path / "home", 8080)
    assert env["AIRFLOW__LOGGING__LOGGING_LEVEL"] == "INFO"
    projects = json.loads(env["AIRFLOW__COSMOS__DBT_DOCS_PROJECTS"])
    assert projects["conflictwatch"]["dir"] == str((tmp_path / "data" / "dbt_target").resolve())
    # the docs site is where the pipeline's dbt writes it: beside the warehouse the tasks use
    env = _standalone().airflow_env(tmp_path / "home", 8080, {"CONFLICTWATCH_WAREHOUSE": str(tmp_path / "w" / "x.duckdb")})
    projects = json.loads(env["AIRFLOW__COSMOS__DBT_DOCS_PROJECTS"])
    assert projects["conflictwatch"]["dir"] == str((tmp_path / "w" / "dbt_target").resolve())
    assert _standalone().DAG_IDS == ("ingest_articles", "transform_dbt")


def test_cosmos_plugin_serves_the_dbt_docs_site(tmp_path, monkeypatch):
    # GIVEN a generated docs site and the setting airflow_standalone.py exports
    site = tmp_path / "dbt_target"
    site.mkdir()
    (site / "index.html").write_text("<html><head><title>dbt Docs</title></head><body>lineage</body></html>")
    (site / "manifest.json").write_text('{"nodes": {}}')
    (site / "catalog.json").write_text('{"nodes": {}}')
    monkeypatch.setenv("AIRFLOW__COSMOS__DBT_DOCS_PROJECTS", json.dumps({"conflictwatch": {"dir": str(site)}}))
    monkeypatch.setenv("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
    from cosmos.plugin.airflow3 import create_cosmos_fastapi_app
    from fastapi.testclient import TestClient

    # WHEN the plugin's app (mounted at /cosmos in the api-server) is asked for the site
    client = TestClient(create_cosmos_fastapi_app())
    index = client.get("/conflictwatch/dbt_docs_index.html")
    manifest = client.get("/conflictwatch/manifest.json")
    # THEN it serves the index (framable by the UI) and the JSON files the site fetches
    assert index.status_code == 200 and "lineage" in index.text
    assert manifest.status_code == 200 and manifest.json() == {"nodes": {}}

"""The scale-out profile for real: api-server, scheduler, dag-processor, triggerer and a Celery
worker on PostgreSQL + Redis (deploy/scaleout.env with 127.0.0.1 for the compose hosts),
ingest_articles triggered through the REST API on a folder plus a loopback URL list, and
transform_dbt started by the `raw` Asset. Each component has its own AIRFLOW_HOME, as in its
container, and the secrets come only from the environment. `make test-scaleout` runs it."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from .conftest import REPO

pytestmark = [pytest.mark.scaleout, pytest.mark.slow, pytest.mark.timeout(1080)]


def _scaleout():
    sys.path.insert(0, str(REPO / "scripts"))
    spec = importlib.util.spec_from_file_location("scaleout", REPO / "scripts" / "scaleout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


scaleout = _scaleout()


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    missing = scaleout.services_missing()
    if missing:
        pytest.skip("scale-out test needs " + " and ".join(missing) + " (not answering)")
    problem = scaleout.celery_problem()
    if problem:
        pytest.skip(problem)
    return scaleout.run(tmp_path_factory.mktemp("scaleout"))


def test_ingest_runs_on_celery_workers_and_succeeds(result):
    # GIVEN a folder of 2 articles and 2 loopback URLs, batch size 1
    # WHEN ingest_articles is triggered through the REST API
    # THEN it succeeds, with one mapped process task per article
    assert result["ingest_state"] == "success", result
    process = [t for t in result["ingest_tasks"] if t[0] == "process"]
    assert len(process) == 4 and all(state == "success" for _, _, state, _ in process), result["ingest_tasks"]


def test_raw_asset_triggers_transform_which_builds_the_marts(result):
    assert result.get("transform_state") == "success", result
    assert result["transform_tasks"] > 20  # Cosmos shows each model
    # Both kinds of input reached the marts (files from the folder, pages fetched over HTTP)
    assert dict(result["documents"]) == {"file": 2, "url": 2}
    assert result["incident_reports"] > 0


def test_every_process_started_was_stopped(result):
    assert result["left_running"] == []


def test_no_secret_value_is_written_to_any_log_or_file(result):
    # The database and Redis passwords, the Fernet key and the JWT secret reach the components
    # through the environment only; none of them may appear in a log, airflow.cfg or output file.
    assert result["secrets_written"] == []

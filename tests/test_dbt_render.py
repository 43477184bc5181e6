"""transform_dbt's Cosmos watchers are rendered from the dbt project as it is now.

In WATCHER mode Cosmos takes the nodes, and each model's list of tests, from the manifest the
DAG is rendered from, while the producer's `dbt build` parses the project afresh. A model's test
watcher succeeds only once every test listed for it has reported (cosmos/operators/_watcher/
aggregation.py), so a test the manifest still lists but the project no longer has is never
reported and its watcher waits forever: `make run` hung that way after dbt's tests were merged
(201 -> 138, new test ids), rendering from the manifest a run before the merge had left.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow

SINGULAR_TEST = "assert_mart_evidence_is_verbatim"


def _copy_project(root: Path) -> Path:
    """dbt_project/ and include/reference/ side by side under root (the seed path ../include/reference)."""
    project = Path(shutil.copytree(REPO / "dbt_project", root / "dbt_project",
                                   ignore=shutil.ignore_patterns("target", "logs")))
    shutil.copytree(REPO / "include" / "reference", root / "include" / "reference")
    return project


@pytest.fixture
def project_env(tmp_path, monkeypatch) -> Path:
    """A copy of the dbt project and a data folder of its own, as the DAG's settings see them."""
    project = _copy_project(tmp_path / "repo")
    monkeypatch.setenv("CONFLICTWATCH_DBT_PROJECT_DIR", str(project))
    monkeypatch.setenv("CONFLICTWATCH_REFERENCE_DIR", str(tmp_path / "repo" / "include" / "reference"))
    monkeypatch.setenv("CONFLICTWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CONFLICTWATCH_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    monkeypatch.delenv("CONFLICTWATCH_DBT_MANIFEST", raising=False)
    monkeypatch.delenv("CONFLICTWATCH_DBT_MODE", raising=False)
    return project


def _watched() -> tuple[set[str], set[str]]:
    """(test ids the producer waits for, node ids with a watcher task) of transform_dbt as parsed now."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(REPO / "dags" / "transform_dbt.py"))
    assert bag.import_errors == {}
    dag = bag.dags["transform_dbt"]
    producer = dag.get_task("dbt.dbt_producer_watcher")
    tests = {test for tests in producer.tests_per_model.values() for test in tests}
    nodes = {t.model_unique_id for t in dag.tasks if getattr(t, "model_unique_id", None)}
    return tests, nodes


def test_watchers_follow_the_project_after_a_test_is_removed(project_env):
    # GIVEN transform_dbt rendered once from the project, and the manifest `dbt docs generate`
    # leaves beside the warehouse (data/dbt_target/manifest.json) from that project
    from conflictwatch.airflow.dbt import render_manifest

    tests_before, nodes_before = _watched()
    docs_manifest = Path(project_env.parent.parent / "data" / "dbt_target" / "manifest.json")
    if not docs_manifest.exists():
        shutil.copy(render_manifest(), docs_manifest)
    (removed,) = [t for t in tests_before if t.split(".")[2] == SINGULAR_TEST]
    # WHEN a test is taken out of the project (as merging, renaming or dropping tests does)
    (project_env / "tests" / f"{SINGULAR_TEST}.sql").unlink()
    tests_after, nodes_after = _watched()
    # THEN the producer no longer waits for it (it would never be reported: the watcher would hang),
    # and every other test and node is still watched
    assert removed not in tests_after
    assert tests_after == tests_before - {removed}
    assert nodes_after == nodes_before
    # AND putting it back renders it again (the earlier manifest is found by the project's fingerprint)
    shutil.copy(REPO / "dbt_project" / "tests" / f"{SINGULAR_TEST}.sql", project_env / "tests")
    assert _watched()[0] == tests_before


def test_fingerprint_covers_what_dbt_parses_and_nothing_else(project_env):
    from conflictwatch.airflow.dbt import project_fingerprint

    base = project_fingerprint()
    # GIVEN dbt's own output and editor files in the project THEN the fingerprint is unchanged
    for folder in ("target", "logs"):
        (project_env / folder).mkdir(exist_ok=True)
        (project_env / folder / "manifest.json").write_text("{}")
    (project_env / ".user.yml").write_text("id: x\n")
    assert project_fingerprint() == base
    # WHEN a model's yml changes THEN it changes
    yml = project_env / "models" / "marts" / "core" / "_core__models.yml"
    yml.write_text(yml.read_text() + "\n# changed\n")
    changed = project_fingerprint()
    assert changed != base
    # AND a reference CSV outside the project (seed path ../include/reference) counts too
    csv = sorted((project_env.parent / "include" / "reference").glob("*.csv"))[0]
    csv.write_text(csv.read_text() + "\n")
    assert project_fingerprint() not in (base, changed)

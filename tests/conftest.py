"""Shared fixtures. Tests read as GIVEN / WHEN / THEN."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "include" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

os.environ.setdefault("DO_NOT_TRACK", "1")
# The first import of transform_dbt runs `dbt parse` (no manifest yet); 30 s is too short on a busy machine.
os.environ.setdefault("AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT", "180")


@pytest.fixture
def settings(tmp_path):
    """Settings whose data folder and warehouse live in the test's tmp_path."""
    from conflictwatch.config import get_settings

    return get_settings(data_dir=tmp_path / "data", warehouse=tmp_path / "data" / "warehouse.duckdb")


# Under pytest-xdist (`.ci/test`: `-n 3 --dist loadscope --no-loadscope-reorder`) a worker takes one
# unit of work at a time, in collection order: a module (its module fixtures then run once), except
# that each browser test is a unit of its own (each starts its own Airflow or Chromium, nothing is
# shared). The units are ordered so that the long Airflow tests start first and their minutes of
# waiting overlap the CPU-bound tests instead of ending the run. A run without xdist keeps its order.
BROWSER = "tests/test_browser.py::"
# Minutes each, mostly waiting on a running Airflow (2 cores: scale-out 4.8 min, Trigger and grid
# 3-6 min): first, longest first, one per worker.
LONG_FIRST = (
    "tests/test_scaleout.py",
    BROWSER + "test_trigger_with_the_defaults_runs_ingest_then_transform_with_readable_logs",
    BROWSER + "test_grid_of_a_successful_run_and_the_dbt_lineage_graph",
)


def _unit(nodeid: str) -> str:
    return nodeid.split("[", 1)[0] if nodeid.startswith(BROWSER) else nodeid.split("::", 1)[0]


def _rank(unit: str, items: list[pytest.Item]) -> tuple[int, int]:
    if unit in LONG_FIRST:
        return (0, LONG_FIRST.index(unit))
    if unit.startswith(BROWSER):
        return (1, 0)
    return (2, 0) if any(item.get_closest_marker("slow") for item in items) else (3, 0)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):  # only an xdist worker collects for the scheduler
        return
    units: dict[str, list[pytest.Item]] = {}
    for item in items:
        units.setdefault(_unit(item.nodeid), []).append(item)
    ordered = sorted(units.items(), key=lambda unit: _rank(*unit))  # stable: collection order within a rank
    items[:] = [item for _, members in ordered for item in members]


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """--dist loadscope with the units above (xdist's own: one unit per module or class)."""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _unit(nodeid)

    return UnitScheduling(config, log)

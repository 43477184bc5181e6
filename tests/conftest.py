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

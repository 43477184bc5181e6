"""An incremental run gives what one fresh run over the same documents gives.

`conflictwatch.ingest.transform` builds only what the new raw rows require once the marts exist
(`transform.RAW_DOWNSTREAM_EXCEPT_VIEWS`: no seeds, no views; incremental models keyed by
document). Whatever it leaves out must not show: the marts, the reference tables and the stored
test failures of the working warehouse, and the analyst copy, after a fresh run on some seeds
and a second run that adds the rest, equal those of one fresh run on all of them
(`benchmarks/compare_warehouses.py`: same tables, columns, types and rows; `*_at` timestamps aside).
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from conflictwatch import ingest
from conflictwatch.config import get_settings

from .conftest import SEEDS

REPO = Path(__file__).resolve().parents[1]


def _compare():
    spec = importlib.util.spec_from_file_location("compare_warehouses", REPO / "benchmarks" / "compare_warehouses.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.compare


@pytest.mark.slow
def test_a_run_that_adds_documents_equals_one_fresh_run_over_all_of_them(tmp_path):
    # GIVEN a folder with three of the five seeds, ingested and built into a fresh warehouse
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SEEDS / "manifest.csv", folder)
    texts = sorted(SEEDS.glob("*.txt"))
    for path in texts[:3]:
        shutil.copy(path, folder)
    step = get_settings(data_dir=tmp_path / "step", warehouse=tmp_path / "step" / "warehouse.duckdb")
    first = ingest.run([folder], step.warehouse, step, workers=1)
    assert first.documents == 3 and first.dbt_ok
    # WHEN the other two arrive and the run goes again (the incremental build),
    for path in texts[3:]:
        shutil.copy(path, folder)
    second = ingest.run([folder], step.warehouse, step, workers=1)
    assert second.documents == 2 and second.dbt_ok
    # AND the whole folder goes, once, into another fresh warehouse
    once = get_settings(data_dir=tmp_path / "once", warehouse=tmp_path / "once" / "warehouse.duckdb")
    fresh = ingest.run([folder], once.warehouse, once, workers=1)
    assert fresh.documents == 5 and fresh.dbt_ok
    # THEN the working warehouses' marts, reference tables and stored test failures are the same,
    compare = _compare()
    assert compare(step.warehouse, once.warehouse) == []
    # AND so are the analyst copies (marts, reference and qa.test_failures)
    assert compare(step.published_warehouse, once.published_warehouse) == []

"""The Airflow UI and the dbt docs site in a real (headless) browser: logs in, opens the grid of
a successful ingest_articles run, opens the dbt lineage graph, and saves both as images
(docs/img is refreshed by `make screenshots`; this test writes to its tmp folder)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]

CHROMIUM = Path("/usr/bin/chromium")


def _screenshots():
    sys.path.insert(0, str(REPO / "scripts"))
    spec = importlib.util.spec_from_file_location("screenshots", REPO / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
def test_grid_of_a_successful_run_and_the_dbt_lineage_graph(tmp_path):
    # GIVEN both DAGs run on the seeds and airflow standalone serving the UI
    shots = _screenshots()
    # WHEN a headless browser logs in, opens the run's grid, then the dbt docs lineage graph
    grid, lineage = shots.take(tmp_path / "img", tmp_path / "work")
    # THEN both pages rendered into real images (the grid page named the ingest tasks)
    for path in (grid, lineage):
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (width, height) == (1600, 1000)
        assert len(data) > 40_000, f"{path.name} is suspiciously small (blank page?)"


def _report_screenshot():
    spec = importlib.util.spec_from_file_location("report_screenshot", REPO / "scripts" / "report_screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
def test_the_report_opens_from_disk_and_shows_the_evidence_of_a_clicked_incident(tmp_path):
    import os
    import subprocess

    # GIVEN the pipeline run on the seeds and the report written from the analyst copy
    data = tmp_path / "data"
    exe = Path(sys.executable).with_name("conflictwatch")
    env = {**os.environ, "CONFLICTWATCH_DATA_DIR": str(data)}
    run = subprocess.run([str(exe), "run", "--input", str(REPO / "include" / "seeds"), "--warehouse", str(data / "w.duckdb")],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    report = tmp_path / "report.html"
    made = subprocess.run([str(exe), "report", "--warehouse", str(data / "w_analyst.duckdb"), "--output", str(report)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    # WHEN Chromium opens it from disk and clicks the deadliest incident on the map
    png, seen = _report_screenshot().take(report, tmp_path / "report.png")
    # THEN it loaded nothing from elsewhere, ran without script errors, drew every figure,
    # and the evidence panel shows the clicked incident's sentence
    assert seen["external_requests"] == [] and seen["errors"] == []
    assert seen["marks"] > 5 and seen["figures"] >= 5
    assert seen["shown"] == seen["detail"] and "21 innocent people" in seen["shown"]
    data_ = png.read_bytes()
    assert data_[:8] == b"\x89PNG\r\n\x1a\n" and len(data_) > 40_000

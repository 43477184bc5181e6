"""Each ingest task logs one INFO line (seen, new, skipped and why); the Asset events carry counts
and the analyst file's location. The DAG's load task is called with a fake context."""

from __future__ import annotations

import importlib.util
import logging
from collections import Counter
from types import SimpleNamespace

import duckdb
import jinja2
import pytest

from conflictwatch import ingest
from conflictwatch.publish import event_extra
from conflictwatch.transform import dbt_summary

from .conftest import REPO

ARTICLE = "Shelling killed two civilians in the village of Kansafra in Idlib on Monday, rescuers said.\n"
PARAMS = {"inputs": [], "sources": [], "urls": [], "force": False, "batch_size": 2}


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for n in range(3):
        (d / f"a{n}.txt").write_text(ARTICLE.replace("two", f"{n + 2}"))
    return d


def _lines(caplog, prefix: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(prefix)]


def test_discover_says_how_many_were_listed_new_and_skipped_as_already_loaded(folder, settings, caplog):
    caplog.set_level(logging.INFO, logger="conflictwatch.ingest")
    params = {**PARAMS, "inputs": [str(folder)]}
    # GIVEN a folder of three articles, none loaded
    ingest.discover_batches(params, "run-1", settings=settings)
    assert _lines(caplog, "discover:") == [
        "discover: 1 source (manual_input_1): 3 listed, 3 new, 0 skipped, 0 discovery errors; 2 batches of up to 2"
    ]
    # WHEN two of them are in the warehouse's seen-set (loaded before)
    duckdb.connect(str(settings.warehouse)).close()
    items = [
        ingest.SourceItem(source_uri=str(p), kind="file", path=str(p)) for p in sorted(folder.iterdir())[:2]
    ]
    ingest.seen_store(settings).mark_many([("x", ingest.content_key(i, settings), "d") for i in items])
    caplog.clear()
    ingest.discover_batches(params, "run-2", settings=settings)
    # THEN the line says they were skipped and why
    assert _lines(caplog, "discover:") == [
        "discover: 1 source (manual_input_1): 3 listed, 1 new, 2 skipped (2 already loaded), "
        "0 discovery errors; 1 batch of up to 2"
    ]


def test_a_scheduled_tick_with_no_source_due_says_so(settings, caplog):
    caplog.set_level(logging.INFO, logger="conflictwatch.ingest")
    assert ingest.discover_batches(PARAMS, "scheduled-1", manual=False, settings=settings) == []
    assert "no source due in this run" in _lines(caplog, "discover:")[0]


def test_discovery_line_names_every_reason_to_skip():
    sources = [SimpleNamespace(name="desk_rss"), SimpleNamespace(name="seeds")]
    counts = Counter(listed=10, seen=4, new=5, duplicate=1)
    line = ingest.discovery_line(sources, counts, errors=1, batches=1, batch_size=50)
    assert line == (
        "discover: 2 sources (desk_rss, seeds): 10 listed, 4 new, 6 skipped "
        "(4 already loaded, 1 listed twice, 1 over max_items), 1 discovery error; 1 batch of up to 50"
    )


def test_process_and_load_lines_count_documents_and_quarantined_inputs(tmp_path, settings, caplog):
    caplog.set_level(logging.INFO, logger="conflictwatch.ingest")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    item = ingest.SourceItem(source_uri=str(empty), kind="file", path=str(empty), source_config="desk")
    batch = {"run_dir": str(ingest.run_dir("r", settings)), "index": 3, "items": [ingest.item_to_dict(item)]}
    path = ingest.process_batch_spec(batch, settings)
    [line] = _lines(caplog, "process ")
    assert line.startswith(
        "process batch 3 of desk: 1 item -> 0 documents tagged, 1 quarantined (read EmptyContent: 1)"
    )
    result = ingest.load_run([path], "r", settings)
    assert result["errors"] == 1
    assert _lines(caplog, "load:") == [
        "load: 1 file -> 0 documents, 0 frames, 1 ingest errors recorded (raw.ingest_errors); 0 marked seen; "
        "no new document: the raw Asset is not emitted, no dbt build follows"
    ]


class _Outlets(dict):
    def __missing__(self, asset):
        self[asset] = SimpleNamespace(extra=None)
        return self[asset]


def _ingest_dag_module():
    spec = importlib.util.spec_from_file_location(
        "ingest_articles_under_test", REPO / "dags" / "ingest_articles.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_load_task_puts_document_and_frame_counts_on_the_raw_asset_event(
    folder, tmp_path, monkeypatch, caplog
):
    # GIVEN one processed batch of a real article, and the DAG's load task with a fake context
    monkeypatch.setenv("CONFLICTWATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CONFLICTWATCH_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    from conflictwatch.config import get_settings

    settings = get_settings()
    item = ingest.SourceItem(source_uri=str(folder / "a0.txt"), kind="file", path=str(folder / "a0.txt"))
    batch = {
        "run_dir": str(ingest.run_dir("manual-1", settings)),
        "index": 0,
        "items": [ingest.item_to_dict(item)],
    }
    path = ingest.process_batch_spec(batch, settings)
    module = _ingest_dag_module()
    outlets = _Outlets()
    ti = SimpleNamespace(xcom_pull=lambda **_: [path])
    monkeypatch.setattr(
        module, "get_current_context", lambda: {"run_id": "manual-1", "ti": ti, "outlet_events": outlets}
    )
    load = module.ingest_articles().get_task("load").python_callable
    # WHEN it runs
    result = load()
    # THEN the raw event carries what the load brought and where
    extra = outlets[module.RAW].extra
    assert extra == {
        "documents": 1,
        "frames": result["frames"],
        "ingest_errors": 0,
        "batches": 1,
        "warehouse": str(settings.warehouse),
    }
    assert result["frames"] >= 1


def test_the_marts_event_extra_counts_documents_marts_rows_and_raw_frames(tmp_path):
    analyst, warehouse = tmp_path / "w_analyst.duckdb", tmp_path / "w.duckdb"
    con = duckdb.connect(str(analyst))
    con.execute(
        "create schema marts; create table marts.dim_documents as select range as document_id from range(3);"
        "create table marts.fct_incidents as select 1 as incident_id"
    )
    con.close()
    con = duckdb.connect(str(warehouse))
    con.execute("create schema raw; create table raw.frames as select range as frame_id from range(7)")
    con.close()
    extra = event_extra(analyst, warehouse)
    assert extra == {
        "analyst_file": str(analyst),
        "exports": str(tmp_path / "w_analyst_exports"),
        "documents": 3,
        "incidents": 1,
        "frames": 7,
    }
    # a warehouse another connection writes: the frames are left out, the event still goes
    writer = duckdb.connect(str(warehouse))
    try:
        assert event_extra(analyst, warehouse)["frames"] is None
    finally:
        writer.close()


def test_dbt_summary_is_dbts_own_tally():
    output = "12:00:01  Running with dbt=1.10\n12:00:09  \n12:00:09  Done. PASS=225 WARN=0 ERROR=0 SKIP=0 TOTAL=225\n"
    assert dbt_summary(output) == "12:00:09  Done. PASS=225 WARN=0 ERROR=0 SKIP=0 TOTAL=225"
    assert dbt_summary("only line\n") == "only line"


def test_each_mapped_process_task_is_labelled_by_its_sources_and_batch(monkeypatch):
    # GIVEN the mapped process task and a batch of items from two sources
    module = _ingest_dag_module()
    process = module.ingest_articles().get_task("process")
    items = [
        ingest.item_to_dict(ingest.SourceItem(source_uri=f"https://x.org/{n}", kind="url", source_config=c))
        for n, c in enumerate(("desk_rss", "seeds", "desk_rss"))
    ]
    context: dict = {}
    monkeypatch.setattr(module, "get_current_context", lambda: context)
    monkeypatch.setattr(ingest, "process_batch_spec", lambda batch: "batch.parquet")
    # WHEN it runs (Airflow renders map_index_template with the task's context afterwards)
    assert process.python_callable(batch={"index": 4, "items": items}) == "batch.parquet"
    rendered = jinja2.Template(process.map_index_template).render(context)
    # THEN the grid lists it by its sources and batch number
    assert rendered == "batch 4 of desk_rss, seeds"

"""The core cases of `make reliability` (scripts/reliability.py) as ordinary tests.

Fast: every input of the hostile corpus is kept or quarantined with the expected reason by
discovery and extraction, none lost. Slow: the CLI run twice on the seeds plus hostile files
(batches of 2, then of 50, new warehouses) gives byte-identical raw and mart tables, the same
article under three names is one document with three sources and no doubled incident, and the
encoding each article was read in is recorded.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from conflictwatch.extract import extract_item
from conflictwatch.records import error_from_exception
from conflictwatch.sources import discover_local

from .conftest import REPO


def _reliability():
    spec = importlib.util.spec_from_file_location("reliability", REPO / "scripts" / "reliability.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["reliability"] = module
    spec.loader.exec_module(module)
    return module


reliability = _reliability()


def test_hostile_inputs_are_kept_or_quarantined_never_lost(tmp_path):
    # GIVEN the hostile corpus (empty, binary, gzip bombs, encodings, 25 MB page, deep nesting, ...)
    folder = tmp_path / "hostile"
    expect = reliability.make_hostile(folder)
    # WHEN it is discovered and each item read and extracted, as a run does
    found = discover_local([folder])
    outcome: dict[str, list[str]] = {}
    kept: set[str] = set()
    for err in found.errors:
        outcome.setdefault(err.source_uri, []).append(err.error_class)
    for item in found.items:
        try:
            extract_item(item)
            kept.add(item.source_uri)
        except Exception as exc:
            outcome.setdefault(item.source_uri, []).append(error_from_exception(item.source_uri, "extract", exc).error_class)
    # THEN every input is accounted for, as expected
    uris = reliability.expected_inputs([folder], [])
    lost = [u for u in uris if u not in kept and u not in outcome]
    assert lost == []
    for name, exp in expect.items():
        uri = str(folder.resolve() / name.split(":", 1)[-1])
        if exp.outcome == "kept":
            assert uri in kept, (name, outcome.get(uri))
        else:
            assert uri not in kept and exp.reason in outcome[uri], (name, outcome.get(uri))
    # AND the manifest row with an impossible date is reported, though its article is kept
    assert "ManifestError" in outcome[str(folder.resolve() / "latin1.txt")]


def _run(tmp_path: Path, name: str, inputs: list[Path], batch_size: int) -> Path:
    from conflictwatch.config import get_settings
    from conflictwatch.ingest import run

    warehouse = tmp_path / name / "warehouse.duckdb"
    settings = get_settings(data_dir=tmp_path / name / "data", warehouse=warehouse, batch_size=batch_size)
    summary = run(inputs, warehouse, settings, publish=False)
    assert summary.dbt_ok
    return warehouse


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_identical_tables_across_batch_sizes_and_one_document_per_text(tmp_path):
    # GIVEN the seeds and a few hostile files, among them a seed twice more under other names
    hostile = tmp_path / "inputs" / "hostile"
    reliability.make_hostile(hostile)
    keep = {"latin1.txt", "utf16-nobom.txt", "dup-a.txt", "dup-b.txt", "empty.txt", "manifest.csv", "long-2.5m.txt"}
    for path in hostile.iterdir():
        if path.name not in keep:
            path.unlink()
    seeds = Path(shutil.copytree(REPO / "include" / "seeds", tmp_path / "inputs" / "seeds"))
    # WHEN the pipeline runs on them in batches of 2, and again in batches of 50 in a new warehouse
    small = _run(tmp_path, "small", [seeds, hostile], 2)
    large = _run(tmp_path, "large", [seeds, hostile], 50)
    # THEN every raw and mart table is identical, row for row and value for value
    assert reliability.table_hashes(small) == reliability.table_hashes(large)
    con = duckdb.connect(str(large), read_only=True)
    try:
        # AND the seed under three names is one document with three sources
        assert reliability.duplicates(large) == {"sources": 3, "documents": 1, "doubled_incident_reports": 0}
        canonical = con.execute(
            "select source_uri from marts.dim_document_sources where is_canonical and source_uri like '%000_%'"
        ).fetchall()
        assert len(canonical) == 1 and "/seeds/" in canonical[0][0]  # the one with a publication date
        # AND the encodings used are recorded
        encodings = dict(con.execute(
            "select regexp_extract(source_uri, '[^/]+$'), encoding from raw.documents where source_uri like '%/hostile/%'"
        ).fetchall())
        assert encodings["latin1.txt"] == "cp1252 (detected)"
        assert encodings["utf16-nobom.txt"] == "utf_16_be (detected)"
        # AND the 2.5-million-character text was refused before spaCy, with a reason
        (reason,) = con.execute(
            "select error_class from raw.ingest_errors where source_uri like '%long-2.5m.txt'"
        ).fetchone()
        assert reason == "TextTooLong"
        assert con.execute("select count(*) from marts.dim_documents").fetchone()[0] == 7  # 5 seeds + latin1 + utf16
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_copy_found_in_a_later_run_is_recorded_as_one_more_source_of_its_document(tmp_path):
    from conflictwatch.config import get_settings
    from conflictwatch.ingest import run

    # GIVEN the seeds ingested and built
    seeds = Path(shutil.copytree(REPO / "include" / "seeds", tmp_path / "inputs" / "seeds"))
    warehouse = tmp_path / "w" / "warehouse.duckdb"
    settings = get_settings(data_dir=tmp_path / "w" / "data", warehouse=warehouse)
    assert run([seeds], warehouse, settings, publish=False).dbt_ok
    reports = _count(warehouse, "select count(*) from marts.fct_incident_reports")
    # WHEN a later run finds one seed again under another name
    later = tmp_path / "inputs" / "later"
    later.mkdir()
    seed = sorted(seeds.glob("*.txt"))[0]
    shutil.copy(seed, later / "copy-of-a-seed.txt")
    summary = run([later], warehouse, settings, publish=False)
    # THEN it is not read again but recorded as one more source of the seed's document, and the marts say so
    assert (summary.new, summary.documents, summary.aliases) == (0, 0, 1) and summary.dbt_ok
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            """select copy.document_id = original.document_id, copy.was_read, copy.is_canonical
               from marts.dim_document_sources as copy, marts.dim_document_sources as original
               where copy.source_uri like '%/copy-of-a-seed.txt' and original.source_uri = ?""",
            [str(seed.resolve())],
        ).fetchall()
    finally:
        con.close()
    assert rows == [(True, False, False)]
    # AND no incident is reported twice
    assert _count(warehouse, "select count(*) from marts.fct_incident_reports") == reports
    # AND the next run knows the name: nothing read or recorded, dbt skipped
    again = run([later], warehouse, settings, publish=False)
    assert (again.new, again.aliases) == (0, 0) and again.transform_skipped


def _count(warehouse: Path, sql: str) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_batch_worker_killed_mid_run_loses_nothing_once_the_run_is_repeated(tmp_path, monkeypatch):
    import os
    import signal

    from conflictwatch import ingest
    from conflictwatch.config import get_settings

    # GIVEN the seeds in three batches of two, tagged by a pool of two workers, and a worker
    # that is SIGKILLed as it starts the batch holding the third seed
    seeds = Path(shutil.copytree(REPO / "include" / "seeds", tmp_path / "inputs" / "seeds"))
    victim = str(sorted(seeds.glob("*.txt"))[2])
    tag = ingest.process_batch

    def dying(items, *args, **kwargs):
        if any(i.source_uri == victim for i in items):
            os.kill(os.getpid(), signal.SIGKILL)
        return tag(items, *args, **kwargs)

    monkeypatch.setattr(ingest, "process_batch", dying)  # the forked workers inherit it
    warehouse = tmp_path / "killed" / "warehouse.duckdb"
    settings = get_settings(data_dir=tmp_path / "killed" / "data", warehouse=warehouse, batch_size=2)
    # WHEN the run goes on
    with pytest.raises(ingest.WorkerDied, match="nothing was loaded"):
        ingest.run([seeds], warehouse, settings, publish=False, workers=2)
    # THEN it stops before its load; WHEN it is repeated with nothing killed
    monkeypatch.undo()
    assert ingest.run([seeds], warehouse, settings, publish=False, workers=2).dbt_ok
    # THEN every seed is kept, and every raw and mart table is as a clean run leaves it
    uris = reliability.expected_inputs([seeds], [])
    assert {outcome for outcome, _ in reliability.account(warehouse, uris).values()} == {"kept"}
    clean = _run(tmp_path, "clean", [seeds], 2)
    assert reliability.table_hashes(warehouse) == reliability.table_hashes(clean)

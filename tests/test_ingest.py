"""The one ingest path (conflictwatch.ingest) without Airflow: which sources a run reads, the run's own fetch
policy, and incremental discovery (nothing is marked seen before the load commits)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta

import pytest

from conflictwatch import ingest
from conflictwatch.sourceconfig import SourceConfig, SourcesConfig, load_sources

from .conftest import SEEDS

PARAMS = {"inputs": [], "url_list": "", "urls": [], "sources": [], "reprocess_since": None, "force": False,
          "max_items": None, "batch_size": 50, "fetch_allow_hosts": []}


def _config(tmp_path) -> SourcesConfig:
    return SourcesConfig(sources=(
        SourceConfig(name="seeds", kind="folder", path=tmp_path, schedule=None),
        SourceConfig(name="hourly", kind="feed", url="https://example.org/rss", schedule="@hourly"),
        SourceConfig(name="nightly", kind="sitemap", url="https://example.org/sitemap.xml", schedule="30 2 * * *"),
    ))


def test_scheduled_runs_read_only_the_sources_due_in_the_tick(tmp_path):
    # GIVEN an unscheduled folder, an hourly feed and a 02:30 sitemap
    config = _config(tmp_path)
    end = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
    # WHEN the 03:00 tick (window 02:00-03:00) and the 05:00 tick pick their sources
    at_three = ingest.due_sources(config, False, end - timedelta(hours=1), end)
    at_five = ingest.due_sources(config, False, end + timedelta(hours=1), end + timedelta(hours=2))
    # THEN the nightly source runs once, the hourly one every tick, the folder only by hand
    assert [s.name for s in at_three] == ["hourly", "nightly"]
    assert [s.name for s in at_five] == ["hourly"]
    assert [s.name for s in ingest.due_sources(config, True, end, end)] == ["seeds", "hourly", "nightly"]


def test_manual_params_replace_the_sources_and_allow_hosts_for_this_run_only(tmp_path, settings):
    # GIVEN a manual run asking for a folder and two loopback URLs, allow-listing 127.0.0.1
    params = {**PARAMS, "inputs": [str(tmp_path)], "urls": ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"],
              "fetch_allow_hosts": ["127.0.0.1"]}
    # WHEN the run's effective sources are written to its folder
    config = ingest.effective_sources(params, settings)
    written = load_sources(ingest.write_run_sources(config, tmp_path / "run"))
    # THEN the run reads exactly those, with 127.0.0.1 allowed, and the declared file is untouched
    assert [(s.name, s.kind) for s in written.sources] == [("manual_input_1", "folder"), ("manual_urls", "url_list")]
    assert written.sources[1].urls == ("http://127.0.0.1:9/a", "http://127.0.0.1:9/b")
    assert written.fetch.allow_hosts == ("127.0.0.1",)
    assert load_sources(settings.sources_file).fetch.allow_hosts == ()


@pytest.mark.slow
def test_discovery_is_incremental_and_marks_seen_only_after_load(tmp_path, settings):
    # GIVEN a folder of two seed articles
    folder = tmp_path / "in"
    folder.mkdir()
    for name in sorted(p.name for p in SEEDS.glob("*.txt"))[:2]:
        shutil.copy(SEEDS / name, folder / name)
    params = {**PARAMS, "inputs": [str(folder)]}
    # WHEN discovered and processed but not loaded, then discovered again
    batches = ingest.discover_batches(params, "run-1", settings=settings)
    files = [ingest.process_batch_spec(b, settings) for b in batches]
    again = ingest.discover_batches(params, "run-2", settings=settings)
    # THEN nothing was marked yet: the second run would still ingest both
    assert sum(len(b["items"]) for b in again) == 2
    # WHEN the first run loads
    result = ingest.load_run(files, "run-1", settings)
    # THEN both are marked, the next discovery finds nothing, and `force` finds both again
    assert result["documents"] == 2 and result["marked_seen"] == 2
    assert ingest.discover_batches(params, "run-3", settings=settings) == []
    forced = ingest.discover_batches({**params, "force": True}, "run-4", settings=settings)
    assert sum(len(b["items"]) for b in forced) == 2


@pytest.mark.slow
def test_reprocess_since_lists_documents_loaded_since_the_date(tmp_path, settings):
    # GIVEN a warehouse with the seeds loaded today
    params = {**PARAMS, "inputs": [str(SEEDS)]}
    batches = ingest.discover_batches(params, "run-1", settings=settings)
    ingest.load_run([ingest.process_batch_spec(b, settings) for b in batches], "run-1", settings)
    # WHEN asked for documents since yesterday, and since tomorrow
    today = datetime.now(UTC).date()
    since_yesterday = ingest.reprocess_items((today - timedelta(days=1)).isoformat(), settings)
    since_tomorrow = ingest.reprocess_items((today + timedelta(days=1)).isoformat(), settings)
    # THEN every seed comes back as a file item, then none (none is published in the future)
    assert len(since_yesterday) == 5 and {i["kind"] for i in since_yesterday} == {"file"}
    assert since_tomorrow == []


RAW_TABLES = ("documents", "sentences", "entities", "frames", "ingest_errors")


def _raw_rows(warehouse) -> dict:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"select * exclude (loaded_at) from raw.{t}" if t in
                                                  ("documents", "ingest_errors") else f"select * from raw.{t}").fetchall()))
                for t in RAW_TABLES}
    finally:
        con.close()


@pytest.mark.slow
def test_one_or_two_workers_load_the_same_rows(tmp_path, settings):
    # GIVEN the seeds, in batches of two (three batches)
    params = {"batch_size": 2}
    # WHEN ingested by one process, and by a pool of two workers, into two warehouses
    one = ingest.run([SEEDS], tmp_path / "one.duckdb", settings, build=False, params=params, workers=1)
    two = ingest.run([SEEDS], tmp_path / "two.duckdb", settings, build=False, params=params, workers=2)
    # THEN both read every seed in three batches and loaded exactly the same rows
    assert (one.new, two.new) == (5, 5) and len(two.batch_stats) == 3
    assert _raw_rows(tmp_path / "one.duckdb") == _raw_rows(tmp_path / "two.duckdb")
    assert one.documents == two.documents == 5


@pytest.mark.slow
def test_a_rerun_reads_nothing_adds_nothing_and_skips_dbt(tmp_path, settings):
    # GIVEN the seeds ingested and built once
    warehouse = tmp_path / "w.duckdb"
    first = ingest.run([SEEDS], warehouse, settings, workers=1)
    before = _raw_rows(warehouse)
    assert first.documents == 5 and first.dbt_ok
    # WHEN the same inputs run again, then one seed is copied under a new name
    again = ingest.run([SEEDS], warehouse, settings, workers=1)
    # THEN nothing is read or tagged, no row changes, and dbt is skipped, saying so
    assert (again.discovered, again.new, again.documents) == (5, 0, 0)
    assert again.transform_skipped and "no new documents" in again.transform_skipped and again.dbt_ok is None
    assert _raw_rows(warehouse) == before
    # AND the same article under another name is known by its content hash
    folder = tmp_path / "renamed"
    folder.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], folder / "renamed.txt")
    renamed = ingest.run([folder], warehouse, settings, build=False, workers=1)
    assert (renamed.discovered, renamed.new) == (1, 0)


def test_a_seen_set_without_its_warehouse_starts_empty(tmp_path, settings):
    # GIVEN a seen-set that knows a URL, beside a warehouse that was deleted
    store = ingest.seen_store(settings)
    store.mark("https://example.org/a", "h1", "d1")
    assert store.seen_url("https://example.org/a")
    # WHEN the seen-set is opened again
    again = ingest.seen_store(settings)
    # THEN it is empty: a fresh warehouse takes everything again
    assert not again.seen_url("https://example.org/a")
    assert ingest.seen_path(settings).name == "warehouse.seen.sqlite"


@pytest.mark.slow
def test_a_text_longer_than_a_piece_is_tagged_in_pieces_with_exact_evidence(tmp_path, settings):
    import dataclasses

    import duckdb

    # GIVEN an article of five seeds' bodies, five times longer than the one-piece size
    folder = tmp_path / "long"
    folder.mkdir()
    bodies = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    (folder / "long.txt").write_text("\n\n".join(bodies), encoding="utf-8")
    settings = dataclasses.replace(settings, piece_chars=max(map(len, bodies)) + 2)
    # WHEN it is ingested
    summary = ingest.run([folder], settings.warehouse, settings, build=False, workers=1)
    # THEN it is one document, nothing is quarantined, and every evidence span is the exact
    # slice of the whole text, in every piece
    assert (summary.documents, summary.errors) == (1, 0)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        (text,) = con.execute("select text from raw.documents").fetchone()
        frames = con.execute("select evidence_start_char, evidence_end_char, evidence_text from raw.frames").fetchall()
        sentences = con.execute("select start_char, end_char, text from raw.sentences order by sentence_index").fetchall()
    finally:
        con.close()
    assert all(text[s:e] == t for s, e, t in frames + sentences)
    assert max(s for s, _, _ in frames) > len(text) - len(bodies[-1])  # the last piece's frames are there
    assert [s for s, _, _ in sentences] == sorted(s for s, _, _ in sentences)

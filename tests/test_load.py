"""The loader: the warehouse's only writer; idempotent by document_id."""

from __future__ import annotations

import duckdb

from conflictwatch.batches import BatchItem, read_batch, write_batch
from conflictwatch.load import load_batches
from conflictwatch.records import Annotation, Document, Entity, Frame, IngestError, Sentence

TABLES = ("documents", "sentences", "entities", "frames", "ingest_errors")


def _item(doc_id: str, text: str = "Shelling killed 3 in Ariha.") -> BatchItem:
    doc = Document(doc_id, f"/in/{doc_id}.txt", "file", text, "c", "t", "plain", word_count=5)
    ann = Annotation(
        [Sentence(doc_id, 0, 0, len(text), text)],
        [Entity(doc_id, 0, 0, "GPE", "Ariha", text.index("Ariha"), text.index("Ariha") + 5)],
        [Frame(doc_id, "casualty_event", 0, 0, text, 0, len(text), attrs={"killed": 3})],
    )
    return BatchItem(doc.source_uri, doc, ann)


def _snapshot(path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: sorted(con.execute(f"select * exclude (loaded_at) from raw.{t}" if t in ("documents", "ingest_errors")
                                  else f"select * from raw.{t}").fetchall())
            for t in TABLES
        }
    finally:
        con.close()


def test_loading_the_same_batches_twice_leaves_the_same_rows(tmp_path):
    # GIVEN two batch files (one with an error item)
    b1 = write_batch([_item("d1"), _item("d2")], tmp_path / "b")
    b2 = write_batch([BatchItem("/in/bad.txt", errors=[IngestError("/in/bad.txt", "read", "EmptyFile", "empty")])], tmp_path / "b")
    wh = tmp_path / "w.duckdb"
    # WHEN they are loaded twice
    load_batches([b1, b2], wh)
    first = _snapshot(wh)
    result = load_batches([b1, b2], wh)
    # THEN nothing doubles
    assert _snapshot(wh) == first
    assert (result.documents, result.frames, result.errors) == (2, 2, 1)
    assert {t: len(rows) for t, rows in first.items()} == {
        "documents": 2, "sentences": 2, "entities": 2, "frames": 2, "ingest_errors": 1
    }


def test_reprocessed_document_replaces_its_old_rows_and_clears_its_error(tmp_path):
    wh = tmp_path / "w.duckdb"
    failed = BatchItem("/in/d1.txt", errors=[IngestError("/in/d1.txt", "extract", "X", "boom")])
    load_batches([write_batch([failed], tmp_path / "a")], wh)
    # WHEN the same source later succeeds with a different text
    load_batches([write_batch([_item("d1", "Airstrikes killed 9 in Ariha.")], tmp_path / "b")], wh)
    snap = _snapshot(wh)
    assert len(snap["documents"]) == 1 and "Airstrikes" in snap["documents"][0][3]
    assert snap["ingest_errors"] == []


def test_errors_of_one_source_from_two_files_of_one_load_are_both_kept(tmp_path):
    # GIVEN discovery's manifest error and the reader's error for the same file, in two batch files
    src = "/in/blank.txt"
    discovered = BatchItem(src, errors=[IngestError(src, "discover", "ManifestError", "not a date")])
    read = BatchItem(src, errors=[IngestError(src, "read", "EmptyContent", "no text")])
    wh = tmp_path / "w.duckdb"
    load_batches([write_batch([discovered], tmp_path / "a"), write_batch([read], tmp_path / "b")], wh)
    # THEN both are recorded (neither file's load wipes what the other said)
    assert sorted(r[2] for r in _snapshot(wh)["ingest_errors"]) == ["discover", "read"]
    # AND a later run's attempt replaces them with what it found
    later = BatchItem(src, document=None, errors=[IngestError(src, "read", "EmptyContent", "no text")])
    load_batches([write_batch([later], tmp_path / "d")], wh)
    assert [r[2] for r in _snapshot(wh)["ingest_errors"]] == ["read"]


def test_batch_round_trip_keeps_every_field(tmp_path):
    item = _item("d9")
    (back,) = read_batch(write_batch([item], tmp_path))
    assert back.document == item.document
    assert back.annotation == item.annotation


def test_empty_load_creates_the_schema(tmp_path):
    wh = tmp_path / "w.duckdb"
    assert load_batches([], wh).documents == 0
    assert all(len(rows) == 0 for rows in _snapshot(wh).values())


def _aliases(path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "select source_uri, content_hash, source_document_id from raw.source_aliases order by 1").fetchall()
    finally:
        con.close()


def test_a_copy_found_later_is_recorded_once_and_dropped_when_read_as_a_document(tmp_path):
    from conflictwatch.records import SourceAlias

    # GIVEN a loaded document and, from a later discovery, a copy of it under another name
    wh = tmp_path / "w.duckdb"
    load_batches([write_batch([_item("d1")], tmp_path / "a")], wh)
    alias = SourceAlias("/in/copy.txt", "file", "c", "copy-id", source_name="Wire")
    batch = write_batch([BatchItem(alias.source_uri, aliases=[alias])], tmp_path / "b", "discovery.parquet")
    # WHEN that discovery batch is loaded twice
    first = load_batches([batch], wh)
    load_batches([batch], wh)
    # THEN the copy is one row of raw.source_aliases, linked by content hash; the documents are untouched
    assert (first.documents, first.aliases) == (0, 1)
    assert _aliases(wh) == [("/in/copy.txt", "c", "copy-id")]
    assert len(_snapshot(wh)["documents"]) == 1
    assert [(a.source_uri, a.source_name) for a in read_batch(batch)[0].aliases] == [("/in/copy.txt", "Wire")]
    # WHEN the same source is later read as a document of its own (changed, or a forced run)
    item = _item("copy")
    item.document.source_uri = item.source_uri = "/in/copy.txt"
    load_batches([write_batch([item], tmp_path / "c")], wh)
    # THEN it is no longer an alias
    assert _aliases(wh) == []

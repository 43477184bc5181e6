"""Discovery of local inputs: folders with a manifest, corpora, and what cannot be listed."""

from __future__ import annotations

import json

from conflictwatch.sources import discover_local

from .conftest import SEEDS


def test_seed_folder_items_carry_manifest_dates_and_sources():
    # GIVEN the seeds folder with its manifest
    # WHEN it is discovered
    found = discover_local([SEEDS])
    # THEN every article is an item, dated from the manifest, and nothing is an error
    assert len(found.items) == 5 and not found.errors
    by_name = {i.path.rsplit("/", 1)[-1]: i for i in found.items}
    assert by_name["001_d3f0efe38ea8efce.txt"].published_date == "2020-01-21"
    assert by_name["001_d3f0efe38ea8efce.txt"].source_name == "TRT World"
    assert by_name["003_86c0426e3ce9f4ef.txt"].published_date is None


def test_unsupported_and_missing_inputs_become_errors(tmp_path):
    # GIVEN a folder with an article, a PDF, a hidden file and a manifest naming a missing file
    (tmp_path / "a.txt").write_text("Headline\n\nBody.")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    (tmp_path / "manifest.csv").write_text("file,published_date,source_name\na.txt,2024-05-02,X\ngone.txt,2024-05-03,X\n")
    # WHEN it is discovered together with a path that does not exist
    found = discover_local([tmp_path, tmp_path / "nope"])
    # THEN the article is found and every other problem is an error with a reason
    assert [i.published_date for i in found.items] == ["2024-05-02"]
    reasons = {(e.source_uri.rsplit("/", 1)[-1], e.error_class) for e in found.errors}
    assert reasons == {
        ("report.pdf", "UnsupportedFileType"),
        ("gone.txt", "ManifestError"),
        ("nope", "FileNotFoundError"),
    }


def test_bad_manifest_date_is_reported_and_the_file_still_ingested(tmp_path):
    (tmp_path / "a.txt").write_text("Body.")
    (tmp_path / "manifest.csv").write_text("file,published_date\na.txt,yesterday-ish\n")
    found = discover_local([tmp_path])
    assert len(found.items) == 1 and found.items[0].published_date is None
    assert found.errors[0].error_class == "ManifestError" and "not a date" in found.errors[0].message


def test_jsonl_corpus_rows_and_bad_rows(tmp_path):
    # GIVEN a corpus with a good row, a row without text and a broken line
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"id": "x1", "text": "Shelling hit a market.", "published_date": "2019-05-01", "url": "https://e.org/a"})
        + "\n" + json.dumps({"id": "x2", "title": "no body"}) + "\n{not json\n"
    )
    # WHEN discovered
    found = discover_local([corpus])
    # THEN one item with its metadata, two errors naming the rows
    assert [(i.source_uri.rsplit("#", 1)[-1], i.published_date, i.url) for i in found.items] == [
        ("x1", "2019-05-01", "https://e.org/a")
    ]
    assert sorted(e.error_class for e in found.errors) == ["CorpusRowError", "CorpusRowError"]


def test_csv_corpus_with_fakes_style_columns(tmp_path):
    corpus = tmp_path / "c.csv"
    corpus.write_text('unit_id,article_title,article_content,source,date\n7,T,"Body, with comma.",Reuters,4/5/2017\n')
    (item,) = discover_local([corpus]).items
    assert (item.title, item.text, item.source_name, item.published_date) == ("T", "Body, with comma.", "Reuters", "2017-04-05")


def test_same_file_given_twice_is_one_item(tmp_path):
    (tmp_path / "a.txt").write_text("Body.")
    found = discover_local([tmp_path, tmp_path / "a.txt"])
    assert len(found.items) == 1

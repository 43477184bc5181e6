"""Extract stage: main text and metadata from HTML and plain text; clear failures for bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from conflictwatch.config import get_settings
from conflictwatch.extract import extract_html, extract_item, plain_title
from conflictwatch.records import IngestFailure, SourceItem, sha256_bytes

HTML_DIR = Path(__file__).resolve().parent / "fixtures" / "html"
BOILERPLATE = HTML_DIR / "article_boilerplate.html"
METADATA = HTML_DIR / "article_metadata.html"


def file_item(path: Path, **kw) -> SourceItem:
    return SourceItem(source_uri=str(path), kind="file", path=str(path), **kw)


def assert_fails(
    item: SourceItem, stage: str, fragment: str, raw: bytes | None = None, settings=None
) -> None:
    with pytest.raises(IngestFailure) as info:
        extract_item(item, raw, settings)
    assert info.value.stage == stage
    assert fragment in str(info.value)


@pytest.fixture(scope="module")
def boilerplate_doc():
    return extract_item(file_item(BOILERPLATE))


# ---------------------------------------------------------------- HTML main text


def test_news_page_keeps_every_article_paragraph(boilerplate_doc):
    # GIVEN a news page wrapped in navigation, banners, share buttons, comments and a footer
    # WHEN it is extracted
    text = boilerplate_doc.text
    # THEN all four article paragraphs are there, one per line, in order
    starts = [
        "Four civilians, including two children",
        "The Syrian Civil Defence said",
        "Residents said the shelling",
        "The attack came a day after",
    ]
    positions = [text.find(s) for s in starts]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    assert len(text.split("\n")) == 4
    assert boilerplate_doc.extractor.startswith("trafilatura ")


@pytest.mark.parametrize(
    "boilerplate",
    [
        pytest.param("Subscribe to our newsletter", id="header navigation"),
        pytest.param("We use cookies", id="cookie banner"),
        pytest.param("Share on Facebook", id="share buttons"),
        pytest.param("Share this article", id="bottom share bar"),
        pytest.param("heartbreaking", id="comments"),
        pytest.param("Winter storms batter", id="related links"),
        pytest.param("All rights reserved", id="footer"),
        pytest.param("dataLayer", id="script"),
    ],
)
def test_news_page_drops_boilerplate(boilerplate_doc, boilerplate):
    # GIVEN the same page  WHEN extracted  THEN no boilerplate of this kind survives
    assert boilerplate not in boilerplate_doc.text


def test_news_page_metadata(boilerplate_doc):
    # GIVEN a page with <title>, a canonical link and a <time datetime>, and no manifest data
    doc = boilerplate_doc
    # THEN title (without the site suffix), date and canonical URL come from the page
    assert doc.title == "Shelling kills four civilians in southern Idlib"
    assert doc.published_date == "2020-02-11"
    assert doc.published_date_source == "html_meta"
    assert doc.url == "https://levant-daily.example/news/2020/02/shelling-kafr-nabl"
    # AND the headline is not repeated as the first line of the text
    assert not doc.text.startswith("Shelling kills")
    assert doc.word_count == len(doc.text.split())
    assert doc.content_hash == sha256_bytes(BOILERPLATE.read_bytes())
    assert doc.text_hash == sha256_bytes(doc.text.encode("utf-8"))


def test_opengraph_and_json_ld_metadata():
    # GIVEN a page whose metadata is in OpenGraph tags and JSON-LD
    # WHEN extracted
    doc = extract_item(file_item(METADATA))
    # THEN title, date, site name and URL come out of them
    assert doc.title == "Turkey-backed factions and regime forces clash near Saraqib"
    assert doc.published_date == "2020-03-02"
    assert doc.published_date_source == "html_meta"
    assert doc.source_name == "Northwest Wire"
    assert doc.url == "https://northwest-wire.example/2020/03/02/saraqib-clashes/"
    assert "at least nine fighters were killed" in doc.text
    assert "Log in" not in doc.text


def test_manifest_date_and_source_beat_html_metadata():
    # GIVEN a manifest that gives a date and a source name for an HTML page with its own
    item = file_item(METADATA, published_date="2020-03-01", source_name="Manifest Source")
    # WHEN extracted
    doc = extract_item(item)
    # THEN the manifest wins and says so
    assert (doc.published_date, doc.published_date_source) == ("2020-03-01", "manifest")
    assert doc.source_name == "Manifest Source"


def test_gzipped_html_file(tmp_path):
    # GIVEN the news page stored as .html.gz
    path = tmp_path / "page.html.gz"
    raw = gzip.compress(BOILERPLATE.read_bytes())
    path.write_bytes(raw)
    # WHEN extracted
    doc = extract_item(file_item(path))
    # THEN it reads like the uncompressed page; the content hash is of the bytes on disk
    assert "Four civilians, including two children" in doc.text
    assert doc.content_hash == sha256_bytes(raw)


def test_fetched_url_bytes_and_declared_charset():
    # GIVEN fetched bytes in windows-1252 (not UTF-8) whose HTML declares that charset
    html = METADATA.read_text(encoding="utf-8").replace(
        '<meta charset="utf-8">', '<meta charset="windows-1252">'
    )
    html = html.replace("Heavy clashes", "Heavy clashes \u2013 \u201cfierce\u201d \u2013")
    raw = html.encode("windows-1252")
    item = SourceItem(
        source_uri="https://northwest-wire.example/x", kind="url", url="https://northwest-wire.example/x"
    )
    # WHEN extracted from the raw bytes
    doc = extract_item(item, raw)
    # THEN it is decoded with the declared charset and keeps the item's URL
    assert "\u201cfierce\u201d" in doc.text
    assert doc.url == "https://northwest-wire.example/x"
    assert doc.source_kind == "url"


def test_corpus_row_html_and_text():
    # GIVEN corpus rows carrying inline HTML and inline text with a corpus date
    html_row = SourceItem(
        source_uri="c.jsonl#1", kind="corpus_row", html=METADATA.read_text(), published_date="2020-03-04"
    )
    text_row = SourceItem(source_uri="c.jsonl#2", kind="corpus_row", text="One line.\r\nTwo lines.\n\n")
    # WHEN extracted
    html_doc, text_doc = extract_item(html_row), extract_item(text_row)
    # THEN dates are marked as the corpus's and hashes are of the utf-8 content
    assert (html_doc.published_date, html_doc.published_date_source) == ("2020-03-04", "corpus")
    assert html_doc.content_hash == sha256_bytes(METADATA.read_text().encode("utf-8"))
    assert text_doc.text == "One line.\nTwo lines."
    assert text_doc.extractor == "plain"


def test_extract_html_returns_text_and_metadata():
    # GIVEN the public function the benchmark scores
    text, meta = extract_html(METADATA.read_text(), "https://northwest-wire.example/a")
    # THEN it returns plain paragraphs and a metadata dict
    assert text.count("\n") == 2
    assert {"title", "date", "sitename", "url"} <= meta.keys()


# ---------------------------------------------------------------- plain text


def test_plain_text_with_headline_keeps_it_in_the_text(tmp_path):
    # GIVEN a text file whose first line is a headline, with Windows line ends and trailing blanks
    path = tmp_path / "a.txt"
    path.write_bytes(
        b"Assad regime attack kills one child in Idlib\r\nA child was killed on Monday.\r\nMore text.\r\n\r\n  "
    )
    # WHEN extracted
    doc = extract_item(file_item(path, published_date="2020-05-01"))
    # THEN the headline is the title AND stays in the text so offsets match what NLP sees
    assert doc.title == "Assad regime attack kills one child in Idlib"
    assert (
        doc.text == "Assad regime attack kills one child in Idlib\nA child was killed on Monday.\nMore text."
    )
    assert (doc.extractor, doc.published_date_source) == ("plain", "manifest")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "The regime bombed the highway on Tuesday.\nMore text follows.", id="first line is a sentence"
        ),
        pytest.param("Idlib ceasefire holds\n", id="nothing after it"),
        pytest.param(
            "The regime bombed the highway near the town\nof Sarmada on Tuesday.", id="hard-wrapped sentence"
        ),
    ],
)
def test_plain_text_without_headline(text):
    # GIVEN text whose first line is not a headline  WHEN looking for a title  THEN there is none
    assert plain_title(text.rstrip()) is None


def test_utf16_text_with_bom(tmp_path):
    # GIVEN a UTF-16 text file with a byte-order mark
    path = tmp_path / "u16.txt"
    path.write_bytes("Shelling hits Ariha\nThree people were injured.".encode("utf-16"))
    # WHEN extracted  THEN it decodes
    assert extract_item(file_item(path)).title == "Shelling hits Ariha"


# ---------------------------------------------------------------- bad input


def test_missing_file(tmp_path):
    assert_fails(file_item(tmp_path / "nope.txt"), "read", "file not found")


def test_unreadable_path(tmp_path):
    # GIVEN a path that cannot be opened as a file (tests run as root, so chmod would not stop them)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert_fails(file_item(folder), "read", "not a readable file")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert_fails(file_item(path), "read", "empty")
    path.write_bytes(b" \n\t\n")
    assert_fails(file_item(path), "read", "empty")


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", id="NUL bytes"),
        pytest.param(bytes(range(1, 9)) * 50 + b"text", id="control characters"),
    ],
)
def test_binary_content(tmp_path, raw):
    path = tmp_path / "image.txt"
    path.write_bytes(raw)
    assert_fails(file_item(path), "read", "binary content")


def test_latin1_without_charset_is_detected(tmp_path):
    # GIVEN Latin-1 text that is not UTF-8, with no charset anywhere (encoding.py has the rest)
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\xe9 bombed in A\xefn al-Arab, witnesses said on Monday.".encode("latin-1"))
    doc = extract_item(file_item(path))
    assert doc.text.startswith("Caf\xe9 bombed in A\xefn al-Arab")
    assert doc.encoding == "cp1252 (detected)"


def test_gzip_bomb_fails_while_decompressing(tmp_path):
    # GIVEN a small .gz that inflates far beyond the size cap
    path = tmp_path / "bomb.html.gz"
    path.write_bytes(gzip.compress(b"<p>" + b"a" * 5_000_000, compresslevel=9))
    settings = get_settings(max_document_bytes=100_000)
    assert path.stat().st_size < 100_000
    # WHEN extracted  THEN it fails at read, naming the cap
    assert_fails(file_item(path), "read", "100000-byte cap", settings=settings)


def test_oversized_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 1000)
    assert_fails(file_item(path), "read", "cap", settings=get_settings(max_document_bytes=1000))


def test_corrupt_gzip(tmp_path):
    path = tmp_path / "bad.txt.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    assert_fails(file_item(path), "read", "corrupt gzip")


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert_fails(file_item(path), "read", "unsupported file type '.pdf'")


def test_html_without_main_text(tmp_path):
    # GIVEN an HTML page with only navigation and scripts
    path = tmp_path / "empty.html"
    path.write_text(
        "<html><head><title>Home</title><script>var a = 1;</script></head>"
        "<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>"
    )
    # WHEN extracted  THEN it fails at extract
    assert_fails(file_item(path), "extract", "no main text")


@pytest.mark.parametrize(
    ("raw", "extractor"),
    [
        pytest.param(b'<?xml version="1.0"?>\n' + METADATA.read_bytes(), "trafilatura", id="xhtml"),
        pytest.param(
            b"Shelling hits Ariha\nThree people were injured, <b>rescuers</b> said.", "plain", id="text"
        ),
    ],
)
def test_url_without_suffix_is_sniffed(raw, extractor):
    # GIVEN fetched bytes from a URL that names no format
    item = SourceItem(
        source_uri="https://example.org/story/123", kind="url", url="https://example.org/story/123"
    )
    # WHEN extracted  THEN markup goes to trafilatura, anything else is plain text
    assert extract_item(item, raw).extractor.startswith(extractor)

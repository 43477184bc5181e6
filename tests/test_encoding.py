"""Articles in the encodings real archives hold are kept, and the encoding used is recorded."""

from __future__ import annotations

import codecs

import pytest

from conflictwatch.config import get_settings
from conflictwatch.encoding import decode_bytes
from conflictwatch.extract import extract_item
from conflictwatch.records import IngestFailure, SourceItem

TEXT = (
    "Air strikes on Ma\u2019arrat al-Nu\u2019man killed 12 civilians on Tuesday, the caf\u00e9 owner said.\n"
    "\u201cWe could not reach them,\u201d said a rescuer of the White Helmets, who asked that his name "
    "not be used. Residents fled towards the Turkish border near Bab al-Hawa."
)
LATIN1 = TEXT.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')


@pytest.mark.parametrize(
    ("raw", "expected_text", "how"),
    [
        pytest.param(LATIN1.encode("latin-1"), LATIN1, "cp1252 (detected)", id="latin-1"),
        pytest.param(TEXT.encode("cp1252"), TEXT, "cp1252 (detected)", id="windows-1252"),
        pytest.param(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT, "utf-16 (bom)", id="utf-16-bom-le"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, "utf-16 (bom)", id="utf-16-bom-be"),
        pytest.param(TEXT.encode("utf-16-le"), TEXT, "utf_16_le (detected)", id="utf-16-le-no-bom"),
        pytest.param(TEXT.encode("utf-16-be"), TEXT, "utf_16_be (detected)", id="utf-16-be-no-bom"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT, "utf-8 (bom)", id="utf-8-bom"),
        pytest.param(TEXT.encode("utf-8"), TEXT, "utf-8", id="utf-8"),
    ],
)
def test_decodes_and_says_how(raw, expected_text, how):
    text, used = decode_bytes(raw, is_html=False)
    assert text == expected_text
    assert used == how


def test_declared_charset_wins_over_detection():
    raw = b'<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9</p></body></html>'
    assert decode_bytes(raw, is_html=True) == (raw.decode("latin-1"), "iso8859-1 (declared)")


def test_binary_is_still_refused():
    with pytest.raises(IngestFailure, match="binary content"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)) * 4, is_html=False)


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_article_kept_with_its_encoding(tmp_path, encoding):
    path = tmp_path / f"article-{encoding}.txt"
    source = LATIN1 if encoding == "latin-1" else TEXT
    path.write_bytes(source.encode(encoding))
    doc = extract_item(SourceItem(source_uri=str(path), kind="file", path=str(path)))
    assert doc.text == source
    assert doc.encoding in ("cp1252 (detected)", "utf-16 (bom)")


def test_text_over_the_cap_is_refused_before_the_nlp(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Shelling hit Ariha.\n\n" * 2000)
    settings = get_settings(max_text_chars=10_000)
    with pytest.raises(IngestFailure, match="10,000-character cap") as info:
        extract_item(SourceItem(source_uri=str(path), kind="file", path=str(path)), settings=settings)
    assert info.value.stage == "extract"
    assert info.value.error_class == "TextTooLong"

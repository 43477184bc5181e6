"""Extract stage: raw bytes -> a Document with main text and metadata.

HTML goes through trafilatura, tuned on the Zyte article-extraction benchmark (see
docs/extraction.md); plain text is kept as it is, so character offsets the NLP reports
point into exactly what the author wrote. Every bad input raises IngestFailure with the
stage ("read" or "extract") and a specific message, never a bare exception.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from pathlib import Path
from typing import Any

from conflictwatch.config import Settings, get_settings
from conflictwatch.encoding import decode_bytes
from conflictwatch.records import Document, IngestFailure, SourceItem, sha256_bytes

PLAIN = "plain"
HTML = "html"

# trafilatura options picked on the benchmark (docs/extraction.md): precision mode without
# comments beat the defaults by ~1 F1 point.
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "favor_precision": True,
    "include_tables": True,
    "deduplicate": False,
}
# Only dates from the page's markup (meta tags, JSON-LD, time elements, URL), never a
# date guessed from the body text: the body's dates are the events', not the publication's.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}
# When precision mode keeps fewer words than this, a recall-mode pass gets a say: a
# paywall notice or teaser box can win precision mode's scoring over the article itself.
_TINY_WORDS = 50
_RECALL_GAIN = 3
# Fewer words than this is a menu or a caption, not an article: no main text.
_MIN_WORDS = 10

_HTML_TAG = re.compile(r"<(!doctype\s+html|html|head|body|meta|title|div|p|article|main|section)\b", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+")
_SENTENCE_END = (".", "。", ";", ":", ",")


def _trafilatura_version() -> str:
    from trafilatura import __version__

    return __version__


# --------------------------------------------------------------------------- reading bytes


def _read_file(path: Path, cap: int) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(cap + 1)
    except FileNotFoundError as exc:
        raise IngestFailure("read", f"file not found: {path}", "FileNotFound") from exc
    except IsADirectoryError as exc:
        raise IngestFailure("read", f"not a readable file (it is a directory): {path}", "NotAFile") from exc
    except PermissionError as exc:
        raise IngestFailure("read", f"permission denied reading {path}", "PermissionDenied") from exc
    except OSError as exc:
        raise IngestFailure("read", f"cannot read {path}: {exc.strerror or exc}", "Unreadable") from exc
    if len(data) > cap:
        raise IngestFailure("read", f"file larger than the {cap}-byte cap: {path}", "TooLarge")
    return data


def gunzip_capped(data: bytes, cap: int) -> bytes:
    """Decompress gzip, stopping as soon as the output passes `cap` bytes (gzip-bomb safe)."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
            while True:
                chunk = gz.read(min(1 << 16, cap + 1 - out.tell()))
                if not chunk:
                    break
                out.write(chunk)
                if out.tell() > cap:
                    raise IngestFailure(
                        "read", f"gzip content decompresses to more than the {cap}-byte cap", "TooLarge"
                    )
    except (OSError, EOFError, zlib.error) as exc:
        raise IngestFailure("read", f"corrupt gzip data: {exc}", "BadGzip") from exc
    return out.getvalue()


def _strip_suffixes(name: str) -> tuple[str, bool]:
    """The format-giving suffix of a file name and whether it is gzip-compressed."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    return Path(lower).suffix, gz


def _format_from_name(name: str) -> tuple[str | None, bool]:
    suffix, gz = _strip_suffixes(name)
    if suffix in (".html", ".htm", ".xhtml"):
        return HTML, gz
    if suffix == ".txt":
        return PLAIN, gz
    return None, gz


def decode(data: bytes, is_html: bool) -> str:
    """BOM, UTF-8, the HTML's declared charset, then a detector (encoding.py)."""
    return decode_bytes(data, is_html)[0]


def _check_text(text: str) -> None:
    if not text.strip():
        raise IngestFailure("read", "empty file (no text)", "EmptyContent")
    if "\x00" in text:
        raise IngestFailure("read", "binary content (NUL characters), not text or HTML", "BinaryContent")
    sample = text[:8192]
    if len(_CONTROL.findall(sample)) > 0.1 * len(sample):
        raise IngestFailure(
            "read", "binary content (too many control characters), not text or HTML", "BinaryContent"
        )


def _looks_like_html(text: str) -> bool:
    """For content whose name says nothing (URLs without a suffix): markup from the start."""
    head = text.lstrip()[:4096]
    return head.startswith("<") and _HTML_TAG.search(head) is not None


# --------------------------------------------------------------------------- plain text


def normalise_plain(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def plain_title(text: str) -> str | None:
    """The first line, when it reads as a headline: short, no closing full stop, more text after."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    line = lines[first].strip()
    rest = "\n".join(lines[first + 1 :]).strip()
    words = line.split()
    if not rest or not 2 <= len(words) <= 25 or len(line) > 200:
        return None
    if line.endswith(_SENTENCE_END) and not line.endswith("..."):
        return None
    if rest[0].islower():  # a hard-wrapped sentence goes on, a headline does not
        return None
    if not any(ch.isalpha() for ch in line):
        return None
    return line


# --------------------------------------------------------------------------- HTML


def _norm_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)


def _bare(html: str, url: str | None, **options: Any) -> Any:
    from trafilatura import bare_extraction

    return bare_extraction(html, url=url, date_extraction_params=_DATE_PARAMS, **options)


def extract_html(html: str, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """Main text (one paragraph per line) and metadata of an HTML page; ("", meta) if none.

    The text excludes a leading line that repeats the page title (the title is kept in the
    metadata). This is the exact function the benchmark scores.
    """
    doc = _bare(html, url, with_metadata=True, **_TRAFILATURA_OPTIONS)
    text = _tidy(doc.text or "") if doc is not None else ""
    method = "precision"
    if len(_WORD.findall(text)) < _TINY_WORDS:
        options = {**_TRAFILATURA_OPTIONS, "favor_precision": False, "favor_recall": True}
        recall_doc = _bare(html, url, with_metadata=doc is None, **options)
        recall_text = _tidy(recall_doc.text or "") if recall_doc is not None else ""
        if len(_WORD.findall(recall_text)) >= max(1, _RECALL_GAIN * len(_WORD.findall(text))):
            text, method = recall_text, "recall"
            doc = doc if doc is not None else recall_doc
    if len(_WORD.findall(text)) < _MIN_WORDS:
        from trafilatura import baseline

        _, base_text, _ = baseline(html)
        base_text = _tidy(base_text or "")
        # baseline() takes any body text: demand one sentence-sized line, not a menu.
        has_prose = any(len(_WORD.findall(line)) >= _MIN_WORDS for line in base_text.split("\n"))
        text, method = (base_text, "baseline") if has_prose else ("", "none")
    meta: dict[str, Any] = {"title": None, "date": None, "sitename": None, "url": None, "description": None}
    if doc is not None:
        for key in meta:
            value = getattr(doc, key, None)
            meta[key] = value.strip() if isinstance(value, str) and value.strip() else None
    meta["method"] = method
    title = meta["title"]
    if title and text:
        first, _, rest = text.partition("\n")
        if rest and _norm_words(first) == _norm_words(title):
            text = rest
    return text, meta


# --------------------------------------------------------------------------- the stage


def check_length(text: str, settings: Settings) -> None:
    """Refuse, before the NLP, a main text longer than the documented cap (README, Reliability).

    A long text is tagged in pieces (nlp/pieces.py), so memory does not grow with it, but time
    does (about 10 s per 100,000 characters on a loaded 2-core machine): the cap bounds what one
    document can hold a worker for. No news article comes near it (FA-KES's longest is 8,606
    characters), so a text beyond it is a dump or a mistake, recorded in raw.ingest_errors instead.
    """
    cap = settings.max_text_chars
    if len(text) > cap:
        raise IngestFailure(
            "extract", f"main text has {len(text):,} characters, more than the {cap:,}-character cap", "TextTooLong"
        )


def _raw_and_format(item: SourceItem, raw: bytes | None, cap: int) -> tuple[bytes, str | None, bool]:
    """Bytes as read or fetched, the format the name says (None: sniff), and gzip-ness."""
    if item.kind == "corpus_row":
        if item.html is not None and item.html.strip():
            return item.html.encode("utf-8"), HTML, False
        if item.text is not None:
            return item.text.encode("utf-8"), PLAIN, False
        raise IngestFailure("read", "corpus row has neither text nor html", "EmptyContent")
    if raw is None:
        if item.kind != "file" or not item.path:
            raise IngestFailure(
                "read", f"no content given for {item.kind} item {item.source_uri}", "NoContent"
            )
        path = Path(item.path)
        fmt, gz = _format_from_name(path.name)
        if fmt is None:
            suffix, _ = _strip_suffixes(path.name)
            raise IngestFailure(
                "read",
                f"unsupported file type {suffix or '(none)'!r}: expected .txt, .html, .htm (optionally .gz)",
                "UnsupportedFormat",
            )
        return _read_file(path, cap), fmt, gz
    if len(raw) > cap:
        raise IngestFailure("read", f"content larger than the {cap}-byte cap", "TooLarge")
    name = item.path or item.url or item.source_uri
    fmt, gz = _format_from_name(name.split("?", 1)[0].split("#", 1)[0])
    return raw, fmt, gz


def extract_item(item: SourceItem, raw: bytes | None = None, settings: Settings | None = None) -> Document:
    """Read (files), decompress, decode and extract one item into a Document."""
    settings = settings or get_settings()
    cap = settings.max_document_bytes
    data, fmt, gz = _raw_and_format(item, raw, cap)
    content_hash = sha256_bytes(data)
    if not data:
        raise IngestFailure("read", "empty file (0 bytes)", "EmptyContent")
    if gz or data[:2] == b"\x1f\x8b":
        data = gunzip_capped(data, cap)
        if not data:
            raise IngestFailure("read", "empty file (gzip holds 0 bytes)", "EmptyContent")
    text, encoding = decode_bytes(data, is_html=fmt != PLAIN)
    _check_text(text)
    if fmt is None:
        fmt = HTML if _looks_like_html(text) else PLAIN

    title = item.title
    published, published_source = item.published_date, None
    if published:
        published_source = "corpus" if item.kind == "corpus_row" else "manifest"
    source_name, url = item.source_name, item.url

    if fmt == PLAIN:
        body = normalise_plain(text)
        title = title or plain_title(body)
        extractor = PLAIN
    else:
        body, meta = extract_html(text, item.url)
        if not body:
            raise IngestFailure("extract", "no main text found in the HTML page", "NoMainText")
        extractor = f"trafilatura {_trafilatura_version()}"
        title = title or meta["title"]
        if not published and meta["date"]:
            published, published_source = meta["date"], "html_meta"
        source_name = source_name or meta["sitename"]
        url = url or meta["url"]

    check_length(body, settings)
    return Document(
        document_id=item.document_id,
        source_uri=item.source_uri,
        source_kind=item.kind,
        text=body,
        content_hash=content_hash,
        text_hash=sha256_bytes(body.encode("utf-8")),
        extractor=extractor,
        url=url,
        title=title,
        published_date=published,
        published_date_source=published_source,
        source_name=source_name,
        language="en",
        word_count=len(body.split()),
        encoding=encoding if item.kind != "corpus_row" else "utf-8",
    )

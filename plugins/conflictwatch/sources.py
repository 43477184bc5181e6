"""Discovery of local inputs: files, folders (with an optional manifest.csv) and corpora.

Web sources (URL lists, feeds, sitemaps) are discovered in `feeds.py`; both return
SourceItems plus IngestErrors for whatever could not even be listed, so nothing is lost.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from conflictwatch.records import IngestError, SourceItem

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".txt.gz", ".html.gz", ".htm.gz")
CORPUS_SUFFIXES = (".jsonl", ".csv")
MANIFEST_NAME = "manifest.csv"
_IGNORED_NAMES = {MANIFEST_NAME, "README.md", "readme.md", "SOURCE.md", "LICENSE"}

csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class Discovery:
    items: list[SourceItem] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)

    def extend(self, other: Discovery) -> None:
        self.items.extend(other.items)
        self.errors.extend(other.errors)


def is_article_file(path: Path) -> bool:
    return path.name.lower().endswith(ARTICLE_SUFFIXES)


def _parse_date(value: str | None) -> str | None:
    """ISO date or None; raises ValueError for a value that is present but not a date."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) >= 10 and value[4] == "-":
        return date.fromisoformat(value[:10]).isoformat()
    for fmt in ("%m/%d/%Y", "%d %B %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r}")


def read_manifest(folder: Path) -> tuple[dict[str, dict[str, str | None]], list[IngestError]]:
    """manifest.csv: file, published_date, source_name, optional url (and title)."""
    path = folder / MANIFEST_NAME
    entries: dict[str, dict[str, str | None]] = {}
    errors: list[IngestError] = []
    if not path.exists():
        return entries, errors
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "file" not in reader.fieldnames:
                raise ValueError(f"{path} has no 'file' column (columns: {reader.fieldnames})")
            for line_no, row in enumerate(reader, start=2):
                name = (row.get("file") or "").strip()
                if not name:
                    continue
                try:
                    published = _parse_date(row.get("published_date"))
                except ValueError as exc:
                    errors.append(
                        IngestError(str(folder / name), "discover", "ManifestError", f"{path}:{line_no}: {exc}")
                    )
                    published = None
                entries[name] = {
                    "published_date": published,
                    "source_name": (row.get("source_name") or "").strip() or None,
                    "url": (row.get("url") or "").strip() or None,
                    "title": (row.get("title") or "").strip() or None,
                }
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        errors.append(IngestError(str(path), "discover", type(exc).__name__, f"cannot read manifest: {exc}"))
    return entries, errors


def _file_item(path: Path, meta: dict[str, str | None] | None, source_config: str | None) -> SourceItem:
    meta = meta or {}
    return SourceItem(
        source_uri=str(path),
        kind="file",
        path=str(path),
        url=meta.get("url"),
        published_date=meta.get("published_date"),
        source_name=meta.get("source_name"),
        title=meta.get("title"),
        source_config=source_config,
    )


def discover_folder(folder: Path, source_config: str | None = None) -> Discovery:
    """Every article file under the folder (sorted, recursive); manifests apply per folder."""
    found = Discovery()
    manifests: dict[Path, dict[str, dict[str, str | None]]] = {}
    # Not is_file(): a dangling symlink must still surface (as a read error), not vanish.
    for path in sorted(p for p in folder.rglob("*") if not p.is_dir()):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.parent not in manifests:
            manifests[path.parent], errors = read_manifest(path.parent)
            found.errors.extend(errors)
        if path.name in _IGNORED_NAMES:
            continue
        if is_article_file(path):
            found.items.append(_file_item(path, manifests[path.parent].get(path.name), source_config))
        elif path.name.lower().endswith(CORPUS_SUFFIXES):
            found.extend(discover_corpus(path, source_config))
        else:
            found.errors.append(
                IngestError(
                    str(path), "discover", "UnsupportedFileType",
                    f"not an article file (expected one of {', '.join(ARTICLE_SUFFIXES + CORPUS_SUFFIXES)})",
                    source_config,
                )
            )
    for folder_path, entries in manifests.items():
        for name in entries:
            if not (folder_path / name).exists():
                found.errors.append(
                    IngestError(str(folder_path / name), "discover", "ManifestError",
                                "listed in manifest.csv but no such file", source_config)
                )
    return found


def _corpus_rows(path: Path) -> Iterator[tuple[int, dict | None, str | None]]:
    """(row number, row, parse error) for a .jsonl or .csv corpus."""
    if path.name.lower().endswith(".jsonl"):
        with path.open(encoding="utf-8", errors="strict") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError("a line must hold a JSON object")
                    yield n, row, None
                except ValueError as exc:
                    yield n, None, f"line {n}: invalid JSON: {exc}"
    else:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=1):
                yield n, row, None


_TEXT_KEYS = ("text", "article_content", "content", "body")
_TITLE_KEYS = ("title", "article_title", "headline")
_DATE_KEYS = ("published_date", "date", "published")
_SOURCE_KEYS = ("source_name", "source", "site")
_ID_KEYS = ("id", "unit_id", "document_id")


def _first(row: dict, keys: Iterable[str]) -> str | None:
    for key in keys:
        value = row.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def iter_corpus(path: Path, source_config: str | None = None) -> Iterator[SourceItem | IngestError]:
    """One SourceItem per row of a .jsonl or .csv corpus (text or html, optional metadata),
    or the row's IngestError; streamed, so a corpus of any size is never held in memory."""
    try:
        for n, row, error in _corpus_rows(path):
            row_id = _first(row or {}, _ID_KEYS) or str(n)
            uri = f"{path}#{row_id}"
            if error or row is None:
                yield IngestError(uri, "discover", "CorpusRowError", error or "empty row", source_config)
                continue
            text, html = _first(row, _TEXT_KEYS), _first(row, ("html",))
            if not text and not html:
                yield IngestError(uri, "discover", "CorpusRowError", f"row {n} has neither text nor html", source_config)
                continue
            try:
                published = _parse_date(_first(row, _DATE_KEYS))
            except ValueError as exc:
                yield IngestError(uri, "discover", "CorpusRowError", f"row {n}: {exc}", source_config)
                published = None
            yield SourceItem(
                source_uri=uri, kind="corpus_row", path=str(path), url=_first(row, ("url",)),
                published_date=published, source_name=_first(row, _SOURCE_KEYS),
                title=_first(row, _TITLE_KEYS), text=text, html=html, source_config=source_config,
            )
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        yield IngestError(str(path), "discover", type(exc).__name__, f"cannot read corpus: {exc}", source_config)


def _collect(stream: Iterable[SourceItem | IngestError]) -> Discovery:
    found = Discovery()
    for x in stream:
        (found.errors if isinstance(x, IngestError) else found.items).append(x)
    return found


def discover_corpus(path: Path, source_config: str | None = None) -> Discovery:
    """iter_corpus, collected (small corpora and tests)."""
    return _collect(iter_corpus(path, source_config))


def iter_local(inputs: Iterable[str | Path], source_config: str | None = None) -> Iterator[SourceItem | IngestError]:
    """Files, folders and corpora given on the command line or in a folder source, streamed:
    folders are listed (paths only), corpora read row by row. The same source given twice
    (a file and its folder) comes once."""
    seen: set[str] = set()
    for raw in inputs:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            part = discover_folder(path, source_config)
            stream: Iterable[SourceItem | IngestError] = [*part.errors, *part.items]
        elif path.is_file() and path.name.lower().endswith(CORPUS_SUFFIXES):
            stream = iter_corpus(path, source_config)
        elif path.is_file():
            manifest, errors = read_manifest(path.parent)
            stream = list(errors)
            if is_article_file(path):
                stream.append(_file_item(path, manifest.get(path.name), source_config))
            else:
                stream.append(IngestError(str(path), "discover", "UnsupportedFileType", "not an article file", source_config))
        else:
            stream = [IngestError(str(path), "discover", "FileNotFoundError", "no such file or folder", source_config)]
        for x in stream:
            if isinstance(x, SourceItem):
                if x.source_uri in seen:
                    continue
                seen.add(x.source_uri)
            yield x


def discover_local(inputs: Iterable[str | Path], source_config: str | None = None) -> Discovery:
    """iter_local, collected."""
    return _collect(iter_local(inputs, source_config))

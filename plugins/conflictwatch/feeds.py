"""Discovery of web sources: URL lists, RSS/Atom feeds and sitemaps, new URLs only.

Feeds and sitemaps are fetched with conflictwatch.fetch (so they get the same guards,
timeouts and caps as articles) and parsed here from the fetched bytes with the stdlib;
trafilatura.feeds is the fallback for feeds the XML parser rejects (and JSON feeds).
Each function returns SourceItem(kind="url") records for URLs the SeenStore has not seen,
in the order the source lists them, capped by max_items. Entries that cannot be used (a
non-http link, a child sitemap that fails) go to `errors` as IngestErrors (stage
"discover") when a list is given, and to the log otherwise.

Discovery fetches: the one place a stage calls another stage's function, because a feed
cannot be listed without being read.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from conflictwatch.fetch import HostThrottle, decode_body, fetch
from conflictwatch.records import IngestError, IngestFailure, SourceItem
from conflictwatch.seen import SeenStore, normalize_url
from conflictwatch.sourceconfig import FetchPolicy, SourceConfig

log = logging.getLogger(__name__)

STAGE = "discover"
MAX_SITEMAP_DEPTH = 3  # index -> index -> sitemap is as deep as real sites go
MAX_CHILD_SITEMAPS = 500


@dataclass
class Entry:
    """One link a list, feed or sitemap names, before the seen-filter."""

    url: str
    published_date: str | None = None
    title: str | None = None
    source_name: str | None = None


@dataclass
class WebDiscovery:
    """Items and errors of one source; has the same shape as sources.Discovery so they combine."""

    items: list[SourceItem] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    # "listed": usable http(s) links the source named; "seen": those the seen-set already knew
    counts: Counter[str] = field(default_factory=Counter)


# --- small helpers --------------------------------------------------------------------------------


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(elem: ET.Element, *names: str) -> str | None:
    for name in names:
        for child in elem:
            if _local(child.tag) == name and child.text and child.text.strip():
                return child.text.strip()
    return None


def parse_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) from RFC 822 (RSS) or ISO 8601 (Atom, sitemaps) text; None if neither."""
    if not value:
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3] or 1)).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _absolute(href: str, base: str) -> str:
    return urldefrag(urljoin(base, href.strip()))[0]


def _is_http(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https") and bool(urlsplit(url).hostname)


def _report(
    errors: list[IngestError] | None, uri: str, error_class: str, message: str, config: str | None
) -> None:
    if errors is None:
        log.warning("discover %s: %s: %s", uri, error_class, message)
    else:
        errors.append(IngestError(uri, STAGE, error_class, message, source_config=config))


def _get(
    url: str, policy: FetchPolicy | None, archive_dir: Path | None, throttle: HostThrottle | None
) -> bytes:
    try:
        result = fetch(url, policy, archive_dir, throttle=throttle)
    except IngestFailure as exc:
        raise IngestFailure(STAGE, f"cannot read {url}: {exc}", exc.error_class) from None
    body = result.body
    if body[:2] == b"\x1f\x8b":  # a .gz file served as is (no Content-Encoding), as sitemaps often are
        limit = (policy or FetchPolicy()).max_decompressed_bytes
        try:
            body = decode_body(body, "gzip", limit)
        except IngestFailure as exc:
            raise IngestFailure(STAGE, f"{url}: {exc}", exc.error_class) from None
    return body


def _select(
    entries: list[Entry],
    *,
    source_uri_of: str,
    seen: SeenStore | None,
    source_config: str | None,
    source_name: str | None,
    max_items: int | None,
    errors: list[IngestError] | None,
    stats: Counter[str] | None = None,
) -> list[SourceItem]:
    """Usable, unseen, de-duplicated entries as SourceItems, at most max_items; `stats` counts
    the links listed and those the seen-set knew (so a run can say why it read nothing)."""
    usable: dict[str, Entry] = {}
    for entry in entries:
        if not _is_http(entry.url):
            _report(
                errors,
                entry.url,
                "UnsupportedScheme",
                f"listed in {source_uri_of}: not an http(s) URL",
                source_config,
            )
            continue
        usable.setdefault(normalize_url(entry.url), entry)
    fresh = (
        seen.new_urls(e.url for e in usable.values())
        if seen is not None
        else [e.url for e in usable.values()]
    )
    wanted = set(fresh)
    if stats is not None:
        stats["listed"] += len(usable)
        stats["seen"] += len(usable) - len(wanted)
    items: list[SourceItem] = []
    for entry in usable.values():
        if entry.url not in wanted:
            continue
        items.append(
            SourceItem(
                source_uri=entry.url,
                kind="url",
                url=entry.url,
                published_date=entry.published_date,
                source_name=source_name or entry.source_name,
                title=entry.title,
                source_config=source_config,
            )
        )
        if max_items is not None and len(items) >= max_items:
            break
    return items


# --- URL lists --------------------------------------------------------------------------------------


def parse_url_list(text: str, base_url: str | None = None) -> list[Entry]:
    """One URL per line (`#` comments; an optional ISO date after it), or a CSV with a `url` column
    and optional `published_date` / `source_name` / `title` columns."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return []
    header = [h.strip().lower() for h in lines[0].split(",")]
    if "url" in header and len(header) > 1:
        rows = csv.DictReader(io.StringIO("\n".join(lines)))
        out = []
        for row in rows:
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            if row.get("url"):
                out.append(
                    Entry(
                        url=_absolute(row["url"], base_url) if base_url else row["url"],
                        published_date=parse_date(row.get("published_date") or row.get("date")),
                        title=row.get("title") or None,
                        source_name=row.get("source_name") or None,
                    )
                )
        return out
    out = []
    for line in lines:
        parts = line.split()
        url = _absolute(parts[0], base_url) if base_url else urldefrag(parts[0])[0]
        out.append(Entry(url=url, published_date=parse_date(parts[1]) if len(parts) > 1 else None))
    return out


def discover_url_list(
    path_or_url: str | Path,
    policy: FetchPolicy | None = None,
    *,
    seen: SeenStore | None = None,
    source_config: str | None = None,
    source_name: str | None = None,
    max_items: int | None = None,
    errors: list[IngestError] | None = None,
    throttle: HostThrottle | None = None,
    stats: Counter[str] | None = None,
) -> list[SourceItem]:
    """New URLs from a local text/CSV file or one fetched over http(s)."""
    target = str(path_or_url)
    if re.match(r"^https?://", target, re.I):
        body = _get(target, policy, None, throttle)
        text, base = body.decode("utf-8", errors="replace"), target
    else:
        try:
            text, base = Path(target).read_text(encoding="utf-8-sig"), None
        except OSError as exc:
            raise IngestFailure(STAGE, f"cannot read URL list {target}: {exc}", type(exc).__name__) from None
    return _select(
        parse_url_list(text, base),
        source_uri_of=target,
        seen=seen,
        source_config=source_config,
        source_name=source_name,
        max_items=max_items,
        errors=errors,
        stats=stats,
    )


# --- feeds ----------------------------------------------------------------------------------------------


def _atom_link(entry: ET.Element) -> str | None:
    best = None
    for child in entry:
        if _local(child.tag) != "link" or not child.get("href"):
            continue
        rel = (child.get("rel") or "alternate").lower()
        if rel == "alternate" and (child.get("type") or "text/html").lower() in (
            "text/html",
            "application/xhtml+xml",
        ):
            return child.get("href")
        if rel == "alternate" and best is None:
            best = child.get("href")
    return best


def parse_feed(body: bytes, base_url: str) -> tuple[list[Entry], str | None]:
    """Entries and the feed's title from RSS 0.9x/1.0/2.0 or Atom bytes.

    Raises ET.ParseError for bytes that are not XML (the caller falls back to trafilatura).
    """
    root = ET.fromstring(body)
    entries: list[Entry] = []
    feed_title = None
    for elem in root.iter():
        name = _local(elem.tag)
        if name in ("channel", "feed") and feed_title is None:
            feed_title = _child_text(elem, "title")
        if name == "item":  # RSS
            link = _child_text(elem, "link")
            if not link:
                guid = next((c for c in elem if _local(c.tag) == "guid"), None)
                if guid is not None and guid.text and guid.get("isPermaLink", "true").lower() != "false":
                    link = guid.text.strip()
            if not link:
                link = elem.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
            published = _child_text(elem, "pubdate", "date", "published", "issued", "updated")
        elif name == "entry":  # Atom
            link = _atom_link(elem)
            published = _child_text(elem, "published", "issued", "updated", "modified")
        else:
            continue
        if link:
            entries.append(
                Entry(
                    url=_absolute(link, base_url),
                    published_date=parse_date(published),
                    title=_child_text(elem, "title"),
                )
            )
    return entries, feed_title


def _trafilatura_links(body: bytes, url: str) -> list[Entry]:
    from trafilatura.feeds import FeedParameters, extract_links

    parts = urlsplit(url)
    params = FeedParameters(f"{parts.scheme}://{parts.netloc}", parts.hostname or "", url, external=True)
    return [Entry(url=link) for link in extract_links(body.decode("utf-8", errors="replace"), params)]


def discover_feed(
    url: str,
    policy: FetchPolicy | None = None,
    *,
    seen: SeenStore | None = None,
    source_config: str | None = None,
    source_name: str | None = None,
    max_items: int | None = None,
    errors: list[IngestError] | None = None,
    archive_dir: Path | None = None,
    throttle: HostThrottle | None = None,
    stats: Counter[str] | None = None,
) -> list[SourceItem]:
    """New article URLs an RSS or Atom feed lists, with the feed's dates and titles."""
    body = _get(url, policy, archive_dir, throttle)
    feed_title = None
    try:
        entries, feed_title = parse_feed(body, url)
    except ET.ParseError as exc:
        entries = _trafilatura_links(body, url)
        if not entries:
            raise IngestFailure(STAGE, f"{url}: not an RSS/Atom feed ({exc})", "FeedParseError") from None
        log.info("%s is not well-formed XML (%s); trafilatura found %d links", url, exc, len(entries))
    for entry in entries:
        entry.source_name = feed_title
    return _select(
        entries,
        source_uri_of=url,
        seen=seen,
        source_config=source_config,
        source_name=source_name,
        max_items=max_items,
        errors=errors,
        stats=stats,
    )


# --- sitemaps --------------------------------------------------------------------------------------


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[Entry], list[str]]:
    """(pages, child sitemaps) from a sitemap, a sitemap index, or a plain-text sitemap.

    A page's date is its news:publication_date, else its lastmod (an approximation: a
    sitemap has no publication date of its own).
    """
    head = body.lstrip()[:1]
    if head and head != b"<":
        lines = body.decode("utf-8", errors="replace").splitlines()
        return [
            Entry(url=_absolute(ln, base_url)) for ln in lines if ln.strip().lower().startswith("http")
        ], []
    root = ET.fromstring(body)
    kind = _local(root.tag)
    pages: list[Entry] = []
    children: list[str] = []
    for elem in root:
        name = _local(elem.tag)
        loc = _child_text(elem, "loc")
        if not loc:
            continue
        if kind == "sitemapindex" and name == "sitemap":
            children.append(_absolute(loc, base_url))
        elif name == "url":
            published = None
            title = None
            for child in elem:
                if _local(child.tag) == "news":
                    published = _child_text(child, "publication_date")
                    title = _child_text(child, "title")
            pages.append(
                Entry(
                    url=_absolute(loc, base_url),
                    published_date=parse_date(published or _child_text(elem, "lastmod")),
                    title=title,
                )
            )
    return pages, children


def discover_sitemap(
    url: str,
    policy: FetchPolicy | None = None,
    *,
    seen: SeenStore | None = None,
    source_config: str | None = None,
    source_name: str | None = None,
    max_items: int | None = None,
    errors: list[IngestError] | None = None,
    archive_dir: Path | None = None,
    throttle: HostThrottle | None = None,
    stats: Counter[str] | None = None,
) -> list[SourceItem]:
    """New page URLs a sitemap (or sitemap index, gzipped or not) lists, following child sitemaps.

    A failing child sitemap becomes an error (or a log line) and the rest go on; a failing
    top-level sitemap raises IngestFailure(stage="discover").
    """
    items: list[SourceItem] = []
    queue: list[tuple[str, int]] = [(url, 0)]
    visited: set[str] = set()
    while queue and (max_items is None or len(items) < max_items):
        current, depth = queue.pop(0)
        if current in visited:
            continue
        visited.add(current)
        try:
            body = _get(current, policy, archive_dir, throttle)
            try:
                pages, children = parse_sitemap(body, current)
            except ET.ParseError as exc:
                raise IngestFailure(STAGE, f"{current}: not a sitemap ({exc})", "SitemapParseError") from None
        except IngestFailure as exc:
            if current == url:
                raise
            _report(errors, current, exc.error_class, str(exc), source_config)
            continue
        if children and depth >= MAX_SITEMAP_DEPTH:
            _report(
                errors,
                current,
                "SitemapTooDeep",
                f"nested deeper than {MAX_SITEMAP_DEPTH} levels",
                source_config,
            )
            children = []
        if len(children) > MAX_CHILD_SITEMAPS:
            _report(
                errors,
                current,
                "TooManySitemaps",
                f"lists {len(children)} sitemaps; reading the first {MAX_CHILD_SITEMAPS}",
                source_config,
            )
            children = children[:MAX_CHILD_SITEMAPS]
        queue.extend((child, depth + 1) for child in children)
        known = {normalize_url(i.url or "") for i in items}
        new = _select(
            [p for p in pages if normalize_url(p.url) not in known],
            source_uri_of=current,
            seen=seen,
            source_config=source_config,
            source_name=source_name,
            max_items=None if max_items is None else max_items - len(items),
            errors=errors,
            stats=stats,
        )
        items.extend(new)
    return items


# --- one configured source ---------------------------------------------------------------------------


def discover_web(
    source: SourceConfig,
    policy: FetchPolicy | None = None,
    *,
    seen: SeenStore | None = None,
    archive_dir: Path | None = None,
    throttle: HostThrottle | None = None,
) -> WebDiscovery:
    """Discover one url_list/feed/sitemap source; its failure becomes an error row, not an exception.

    A source with `respect_robots_txt: false` reads its feed, sitemap or list without asking robots.txt.
    """
    found = WebDiscovery()
    if not source.respect_robots_txt:
        policy = replace(policy or FetchPolicy(), respect_robots_txt=False)
    common = {
        "seen": seen,
        "source_config": source.name,
        "source_name": source.source_name,
        "max_items": source.max_items,
        "errors": found.errors,
        "throttle": throttle,
        "stats": found.counts,
    }
    try:
        if source.kind == "url_list" and source.urls:
            found.items = _select(
                [Entry(url=urldefrag(u)[0]) for u in source.urls],
                source_uri_of=f"source {source.name}",
                seen=seen,
                source_config=source.name,
                source_name=source.source_name,
                max_items=source.max_items,
                errors=found.errors,
                stats=found.counts,
            )
        elif source.kind == "url_list":
            found.items = discover_url_list(source.url or str(source.path), policy, **common)
        elif source.kind == "feed":
            found.items = discover_feed(source.url or "", policy, archive_dir=archive_dir, **common)
        elif source.kind == "sitemap":
            found.items = discover_sitemap(source.url or "", policy, archive_dir=archive_dir, **common)
        else:
            raise ValueError(
                f"source {source.name!r} of kind {source.kind!r} is not a web source (see sources.py)"
            )
    except IngestFailure as exc:
        found.errors.append(
            IngestError(source.target, STAGE, exc.error_class, str(exc), source_config=source.name)
        )
    return found

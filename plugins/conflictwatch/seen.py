"""What has been ingested already, by URL and by content hash, so runs stay incremental.

A small SQLite file (data/state/seen.sqlite, WAL), deliberately not the DuckDB warehouse:
discovery and fetch tasks run in parallel, and only the loader may open the warehouse.
Discovery skips URLs seen before; after a fetch, a body whose hash was seen before (the same
article under a new URL) is not tagged again. Nothing is marked until it was processed, so a
failed fetch is retried on the next run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from conflictwatch.config import get_settings

_SCHEMA = """
create table if not exists seen_urls (
    url text primary key,
    content_hash text,
    document_id text,
    first_seen text not null,
    last_seen text not null
);
create table if not exists seen_hashes (
    content_hash text primary key,
    document_id text,
    url text,
    first_seen text not null
);
"""


# Query parameters that say how a reader arrived, not what they read: the same article with
# another campaign tag is the same article.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid",
    "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
    "ref_src", "cmpid", "ocid", "smid", "at_medium", "at_campaign",
})


def is_tracking_param(name: str) -> bool:
    key = name.lower()
    return key.startswith(("utm_", "pk_", "mtm_")) or key in TRACKING_PARAMS


def strip_tracking(query: str) -> str:
    """The query without tracking parameters; the others keep their order and encoding."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not is_tracking_param(k)]
    return query if len(kept) == len(pairs) else urlencode(kept)


def normalize_url(url: str) -> str:
    """The form URLs are compared in: scheme and host lower-cased, default port, fragment and
    tracking parameters (utm_*, fbclid, gclid, ...) dropped."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", strip_tracking(parts.query), ""))


def default_seen_path() -> Path:
    return get_settings().data_dir / "state" / "seen.sqlite"


class SeenStore:
    """seen_url / seen_hash / mark over one SQLite file; safe across threads and processes.

    Each call opens a short-lived connection, so the store can be shared by threads and
    pickled into tasks; WAL mode and a busy timeout let parallel writers take turns.
    """

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_seen_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute("pragma journal_mode=wal")
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30)
        try:
            con.execute("pragma busy_timeout=30000")
            with con:  # one transaction: commit on success, roll back on error
                yield con
        finally:
            con.close()

    def seen_url(self, url: str) -> bool:
        with self._connect() as con:
            row = con.execute("select 1 from seen_urls where url = ?", (normalize_url(url),)).fetchone()
        return row is not None

    def seen_hash(self, content_hash: str) -> bool:
        return self.document_for_hash(content_hash) is not None

    def document_for_hash(self, content_hash: str) -> str | None:
        """The document first ingested with this content, if any (for linking a duplicate URL to it)."""
        with self._connect() as con:
            row = con.execute(
                "select coalesce(document_id, '') from seen_hashes where content_hash = ?", (content_hash,)
            ).fetchone()
        return None if row is None else row[0]

    def new_urls(self, urls: Iterable[str]) -> list[str]:
        """Those of `urls` not seen yet, in order, without duplicates (one query per call)."""
        wanted: dict[str, str] = {}
        for url in urls:
            wanted.setdefault(normalize_url(url), url)
        if not wanted:
            return []
        with self._connect() as con:
            con.execute("create temp table if not exists _ask (url text primary key)")
            con.execute("delete from _ask")
            con.executemany("insert into _ask values (?)", [(u,) for u in wanted])
            known = {r[0] for r in con.execute("select url from _ask join seen_urls using (url)")}
        return [original for norm, original in wanted.items() if norm not in known]

    def known(self, urls: Iterable[str] = (), hashes: Iterable[str] = ()) -> tuple[set[str], set[str]]:
        """Which of `urls` (normalised) and `hashes` were seen: one connection for a whole chunk
        of discovered items, not one per item."""
        urls = {normalize_url(u) for u in urls}
        hashes = set(hashes)
        known_urls: set[str] = set()
        known_hashes: set[str] = set()
        with self._connect() as con:
            for values, table, column, out in (
                (urls, "seen_urls", "url", known_urls), (hashes, "seen_hashes", "content_hash", known_hashes)
            ):
                values = sorted(values)
                for i in range(0, len(values), 500):
                    part = values[i : i + 500]
                    marks = ",".join("?" * len(part))
                    out.update(r[0] for r in con.execute(
                        f"select {column} from {table} where {column} in ({marks})", part))
        return known_urls, known_hashes

    def mark(self, url: str, content_hash: str | None = None, document_id: str | None = None) -> None:
        """Record that `url` (and its content) has been processed; idempotent."""
        self.mark_many([(url, content_hash, document_id)])

    def mark_many(self, rows: Iterable[tuple[str, str | None, str | None]]) -> int:
        """`mark` for many (url, content_hash, document_id) rows in one transaction; returns how many."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        n = 0
        with self._connect() as con:
            for url, content_hash, document_id in rows:
                n += 1
                self._mark(con, url, content_hash, document_id, now)
        return n

    @staticmethod
    def _mark(
        con: sqlite3.Connection, url: str, content_hash: str | None, document_id: str | None, now: str
    ) -> None:
        con.execute(
            """
            insert into seen_urls (url, content_hash, document_id, first_seen, last_seen)
            values (?, ?, ?, ?, ?)
            on conflict (url) do update set
                content_hash = coalesce(excluded.content_hash, seen_urls.content_hash),
                document_id = coalesce(excluded.document_id, seen_urls.document_id),
                last_seen = excluded.last_seen
            """,
            (normalize_url(url), content_hash, document_id, now, now),
        )
        if content_hash:
            con.execute(
                "insert into seen_hashes (content_hash, document_id, url, first_seen) values (?, ?, ?, ?)"
                " on conflict (content_hash) do nothing",
                (content_hash, document_id, url, now),
            )

    def count(self) -> tuple[int, int]:
        """(URLs, content hashes) recorded."""
        with self._connect() as con:
            urls = con.execute("select count(*) from seen_urls").fetchone()[0]
            hashes = con.execute("select count(*) from seen_hashes").fetchone()[0]
        return urls, hashes

"""`conflictwatch run --source NAME / --url URL`: web sources through the one ingest path, offline
(a loopback server serves the fixture feed and articles), and one-line usage errors (exit 2)."""

from __future__ import annotations

import duckdb
import pytest

from conflictwatch.cli import EXIT_OK, EXIT_USAGE, main

from .httpserver import running_server

SOURCES = """\
sources:
  - name: seeds
    kind: folder
    path: include/seeds
  - name: fixture_feed
    kind: feed
    url: {base}/feed.rss
    schedule: null
    enabled: false
fetch:
  politeness_delay_s: 0
  retries: 0
  connect_timeout: 2
  read_timeout: 2
  allow_hosts: ["127.0.0.1"]
"""


@pytest.fixture(scope="module")
def web_server():
    with running_server() as server:
        yield server


@pytest.fixture
def env(tmp_path, monkeypatch, web_server):
    """A sources file naming the loopback feed, and a warehouse in tmp_path."""
    sources = tmp_path / "sources.yml"
    sources.write_text(SOURCES.format(base=web_server.base_url))
    monkeypatch.setenv("CONFLICTWATCH_SOURCES", str(sources))
    monkeypatch.setenv("CONFLICTWATCH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data" / "warehouse.duckdb"


def _run(warehouse, *args: str) -> int:
    return main(
        ["run", *args, "--warehouse", str(warehouse), "--no-build", "--workers", "1", "--no-progress"]
    )


def _rows(warehouse, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_run_source_reads_a_declared_feed_even_if_disabled_and_a_rerun_reads_nothing(env, web_server, capsys):
    # GIVEN a disabled feed source in the sources file
    # WHEN it is run by name
    assert _run(env, "--source", "fixture_feed") == EXIT_OK
    # THEN both web articles it lists are loaded, the ftp link is an error row, the seeds are not read
    docs = _rows(env, "select source_kind, url from raw.documents order by url")
    assert docs == [
        ("url", web_server.url(f"/articles/{name}.html")) for name in ("bab-al-hawa-convoy", "idlib-shelling")
    ]
    errors = _rows(env, "select stage, error_class, source_config from raw.ingest_errors")
    assert errors == [("discover", "UnsupportedScheme", "fixture_feed")]
    first = capsys.readouterr().out
    assert "2 new" in first and "loaded 2 documents" in first
    # WHEN it is run again: the feed lists the same articles; none is read again, and that is not an error
    assert _run(env, "--source", "fixture_feed") == EXIT_OK
    assert "discovered 2 articles, 0 new" in capsys.readouterr().out
    assert len(_rows(env, "select * from raw.documents")) == 2


def test_run_url_fetches_one_article_and_a_rerun_is_not_nothing_to_ingest(env, web_server, capsys, tmp_path):
    url = web_server.url("/articles/idlib-shelling.html")
    sources = tmp_path / "sources.yml"
    sources.write_text(sources.read_text().replace('  allow_hosts: ["127.0.0.1"]\n', ""))
    # GIVEN a private address the sources file does not allow: refused unless this run allows its host
    assert _run(env, "--url", url) == EXIT_OK
    assert _rows(env, "select error_class from raw.ingest_errors") == [("RefusedAddress",)]
    # WHEN the host is allowed for this run
    assert _run(env, "--url", url, "--allow-host", "127.0.0.1") == EXIT_OK
    assert _rows(env, "select url, source_kind from raw.documents") == [(url, "url")]
    capsys.readouterr()
    # THEN a second run knows the URL: 1 discovered, 0 new, exit 0
    assert _run(env, "--url", url, "--allow-host", "127.0.0.1") == EXIT_OK
    assert "discovered 1 articles, 0 new" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--source", "no_such_source"), "no source named 'no_such_source'; known: seeds, fixture_feed"),
        (("--url", "ftp://example.org/a.pdf"), "not an http(s) URL"),
        (("--url", "example.org/a.html"), "not an http(s) URL"),
        (("--url", "https://"), "not an http(s) URL"),
        ((), "nothing to ingest"),
        (("--source", "fixture_feed", "--url", "https://example.org/a"), "give it without --input and --url"),
    ],
)
def test_bad_sources_and_urls_are_one_line_usage_errors(env, capsys, args, message):
    assert _run(env, *args) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("conflictwatch: error: ") and message in err
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert not env.exists()  # refused before any work


def test_a_broken_sources_file_is_a_usage_error(env, tmp_path, monkeypatch, capsys):
    broken = tmp_path / "broken.yml"
    broken.write_text("sources:\n  - name: x\n    kind: podcast\n")
    monkeypatch.setenv("CONFLICTWATCH_SOURCES", str(broken))
    assert _run(env, "--source", "x") == EXIT_USAGE
    err = capsys.readouterr().err
    assert "kind: Input should be 'folder'" in err and err.strip().count("\n") == 0

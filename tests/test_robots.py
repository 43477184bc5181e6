"""robots.txt (RFC 9309) for every web fetch: feeds, sitemaps, URL lists and articles, against a
loopback server whose robots.txt each test sets; a refusal is an error row, never a silent drop."""

from __future__ import annotations

import time
from dataclasses import replace

import duckdb
import pytest

from conflictwatch import fetch as fetch_module
from conflictwatch.cli import EXIT_OK, main
from conflictwatch.feeds import discover_web
from conflictwatch.fetch import HostThrottle, RobotsCache, fetch
from conflictwatch.ingest import _read_raw, write_run_sources
from conflictwatch.records import IngestFailure, SourceItem
from conflictwatch.sourceconfig import SourceConfig, SourcesConfig, SourcesConfigError, parse_sources

from .httpserver import loopback_policy, running_server

ARTICLE = "/articles/idlib-shelling.html"
CONVOY = "/articles/bab-al-hawa-convoy.html"
# Everyone else is kept out entirely; our product token may read all but the convoy article and feeds.
ROBOTS = b"""\
User-agent: *
Disallow: /

User-agent: conflictwatch
Disallow: /articles/bab-al-hawa
Disallow: /feed
"""


@pytest.fixture
def server():
    """A server per test (robots.txt differs between tests); the process-wide cache cleared around it."""
    fetch_module.DEFAULT_ROBOTS.clear()
    with running_server() as web:
        web.robots = ROBOTS
        yield web
    fetch_module.DEFAULT_ROBOTS.clear()


def refused(error_class: str, url: str, **policy) -> IngestFailure:
    with pytest.raises(IngestFailure) as info:
        fetch(url, loopback_policy(**policy), robots=RobotsCache())
    assert (info.value.stage, info.value.error_class) == ("fetch", error_class), str(info.value)
    return info.value


def test_rules_for_our_user_agent_decide_and_are_read_once_per_origin(server):
    # GIVEN robots.txt allowing our agent everything but the convoy article (and nobody else anything)
    robots = RobotsCache()
    throttle = HostThrottle()
    # WHEN an allowed page is fetched twice THEN it comes back and robots.txt was read once
    assert fetch(server.url(ARTICLE), loopback_policy(), robots=robots, throttle=throttle).status == 200
    fetch(server.url(ARTICLE), loopback_policy(), robots=robots, throttle=throttle)
    assert server.hits("/robots.txt") == 1
    # WHEN the disallowed page is asked for THEN it is refused, saying by what, and never requested
    with pytest.raises(IngestFailure) as info:
        fetch(server.url(CONVOY), loopback_policy(), robots=robots)
    assert info.value.error_class == "RobotsDisallowed"
    assert f"disallowed by {server.url('/robots.txt')} for user agent 'conflictwatch'" in str(info.value)
    assert server.hits(CONVOY) == 0
    assert server.hits("/robots.txt") == 1


def test_another_user_agent_falls_under_the_star_group(server):
    refused("RobotsDisallowed", server.url(ARTICLE), user_agent="otherbot/2.0")


def test_a_redirect_into_a_disallowed_path_is_refused(server):
    target = server.url(CONVOY)
    refused("RobotsDisallowed", server.url(f"/redirect-to?url={target}"))
    assert server.hits(CONVOY) == 0


@pytest.mark.parametrize("status", [404, 401, 403, 410])
def test_a_robots_txt_that_is_not_there_or_forbidden_allows_everything(server, status):
    server.robots = status  # RFC 9309 2.3.1.3: any 4xx means no rules (urllib's 401/403 = disallow is not used)
    assert fetch(server.url(CONVOY), loopback_policy(), robots=RobotsCache()).status == 200


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_robots_txt_answering_5xx_or_429_disallows_the_origin_and_is_not_asked_again_at_once(server, status):
    server.robots = status
    robots = RobotsCache()
    for _ in range(2):
        with pytest.raises(IngestFailure) as info:
            fetch(server.url(ARTICLE), loopback_policy(retries=1, backoff_s=0.01), robots=robots)
        assert info.value.error_class == "RobotsUnreachable"
        assert f"HTTPError {status}" in str(info.value) and "RFC 9309" in str(info.value)
    assert server.hits(ARTICLE) == 0
    assert server.hits("/robots.txt") == 2  # the first attempt and one retry; the second page used the cache


def test_a_robots_txt_that_times_out_disallows_with_the_network_error_class(server):
    server.robots_delay = 1.0
    failure = refused("Timeout", server.url(ARTICLE), read_timeout=0.2)
    assert "robots.txt unreachable" in str(failure)
    assert server.hits(ARTICLE) == 0


def test_an_unreachable_answer_expires_sooner_than_rules(server):
    server.robots = 503
    robots = RobotsCache(unreachable_ttl_s=0.0)
    with pytest.raises(IngestFailure):
        fetch(server.url(ARTICLE), loopback_policy(), robots=robots)
    server.robots = None  # the server recovers
    time.sleep(0.01)
    assert fetch(server.url(ARTICLE), loopback_policy(), robots=robots).status == 200
    assert server.hits("/robots.txt") == 2


def test_the_policy_can_skip_robots_txt(server):
    assert fetch(server.url(CONVOY), loopback_policy(respect_robots_txt=False)).status == 200
    assert server.hits("/robots.txt") == 0


def test_a_disallowed_feed_is_a_discovery_error_unless_the_source_opts_out(server):
    source = SourceConfig(name="desk", kind="feed", url=server.url("/feed.rss"))
    # WHEN the feed robots.txt disallows is discovered THEN an error row names it, and nothing is listed
    found = discover_web(source, loopback_policy())
    assert found.items == []
    assert [(e.source_uri, e.stage, e.error_class, e.source_config) for e in found.errors] == [
        (server.url("/feed.rss"), "discover", "RobotsDisallowed", "desk")
    ]
    # WHEN the source says its owner allowed us THEN the feed is read
    found = discover_web(replace(source, respect_robots_txt=False), loopback_policy())
    assert [i.url for i in found.items] == [server.url(ARTICLE), server.url(CONVOY)]


def test_an_article_of_an_opted_out_source_is_fetched_through_the_run_sources_file(server, settings, tmp_path):
    # GIVEN a run's sources file (as ingest writes it) with one source that opts out and one that does not
    config = SourcesConfig(
        sources=(
            SourceConfig(name="allowed_desk", kind="url_list", urls=(server.url(CONVOY),),
                         respect_robots_txt=False),
            SourceConfig(name="plain_desk", kind="url_list", urls=(server.url(CONVOY),)),
        ),
        fetch=loopback_policy(),
    )
    settings = replace(settings, sources_file=write_run_sources(config, tmp_path / "run"))

    def item(source: str) -> SourceItem:
        return SourceItem(source_uri=server.url(CONVOY), kind="url", url=server.url(CONVOY), source_config=source)

    # THEN the opted-out source's article is read, the other's is refused
    assert b"Bab al-Hawa" in _read_raw(item("allowed_desk"), settings)
    with pytest.raises(IngestFailure) as info:
        _read_raw(item("plain_desk"), settings)
    assert info.value.error_class == "RobotsDisallowed"


def test_a_run_records_disallowed_urls_in_ingest_errors(server, tmp_path, monkeypatch):
    # GIVEN a sources file with a feed robots.txt disallows WHEN run, with a disallowed --url too
    sources = tmp_path / "sources.yml"
    sources.write_text(
        f"sources:\n  - name: desk\n    kind: feed\n    url: {server.url('/feed.rss')}\n"
        "fetch:\n  politeness_delay_s: 0\n  retries: 0\n  allow_hosts: ['127.0.0.1']\n"
    )
    monkeypatch.setenv("CONFLICTWATCH_SOURCES", str(sources))
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    monkeypatch.setenv("CONFLICTWATCH_DATA_DIR", str(warehouse.parent))
    common = ["--warehouse", str(warehouse), "--no-build", "--workers", "1", "--no-progress"]
    assert main(["run", "--source", "desk", *common]) == EXIT_OK
    assert main(["run", "--url", server.url(CONVOY), *common]) == EXIT_OK
    # THEN both are rows of raw.ingest_errors, at the stage that refused them
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select source_uri, stage, error_class, source_config from raw.ingest_errors order by stage"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        (server.url("/feed.rss"), "discover", "RobotsDisallowed", "desk"),
        (server.url(CONVOY), "fetch", "RobotsDisallowed", "manual_urls"),
    ]
    assert server.hits(CONVOY) == 0


def test_the_opt_out_is_a_boolean_in_the_sources_file():
    raw = {"sources": [{"name": "d", "kind": "feed", "url": "https://example.org/rss", "respect_robots_txt": False}]}
    assert parse_sources(raw).get("d").respect_robots_txt is False
    assert parse_sources({"sources": [{"name": "d", "kind": "feed", "url": "https://e.org/r"}]}).get(
        "d").respect_robots_txt is True
    raw["sources"][0]["respect_robots_txt"] = "no"
    with pytest.raises(SourcesConfigError, match="respect_robots_txt: Input should be a valid boolean"):
        parse_sources(raw)

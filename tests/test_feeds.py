"""Web discovery (feeds.py) and the seen-set (seen.py), against the loopback server."""

from __future__ import annotations

import threading

import pytest

from conflictwatch.feeds import (
    discover_feed,
    discover_sitemap,
    discover_url_list,
    discover_web,
    parse_date,
    parse_feed,
)
from conflictwatch.records import IngestError, IngestFailure
from conflictwatch.seen import SeenStore, normalize_url
from conflictwatch.sourceconfig import SourceConfig
from tests.httpserver import FIXTURES, loopback_policy, running_server

IDLIB = "/articles/idlib-shelling.html"
CONVOY = "/articles/bab-al-hawa-convoy.html"
CEASEFIRE = "/articles/ceasefire-breach.html"


@pytest.fixture(scope="module")
def web_server():
    with running_server() as server:
        yield server


@pytest.fixture
def seen(tmp_path):
    return SeenStore(tmp_path / "state" / "seen.sqlite")


def urls(items) -> list[str]:
    return [i.url for i in items]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon, 04 Mar 2024 09:30:00 +0200", "2024-03-04"),
        ("2024-03-05T12:00:00+02:00", "2024-03-05"),
        ("2024-03-06T08:15:00Z", "2024-03-06"),
        ("2024-03-07", "2024-03-07"),
        ("2024-03", "2024-03-01"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_rss_feed_items_with_dates_titles_and_resolved_links(web_server):
    # GIVEN an RSS feed with an absolute link, a relative link with a fragment, and an ftp link
    errors: list[IngestError] = []
    feed = web_server.url("/feed.rss")
    items = discover_feed(feed, loopback_policy(), source_config="desk_rss", errors=errors)
    # THEN the two web pages come back as url items, in feed order, fragment dropped
    assert urls(items) == [web_server.url(IDLIB), web_server.url(CONVOY)]
    assert [i.published_date for i in items] == ["2024-03-04", "2024-03-05"]
    assert all(i.kind == "url" and i.source_uri == i.url for i in items)
    assert {i.source_config for i in items} == {"desk_rss"}
    assert items[0].title == "Shelling kills three in southern Idlib countryside"
    assert {i.source_name for i in items} == {
        "Fixture Syria Desk"
    }  # the channel title when none is configured
    # AND the ftp link is reported, not silently dropped
    assert [(e.stage, e.error_class, e.source_uri) for e in errors] == [
        ("discover", "UnsupportedScheme", "ftp://files.example.org/report.pdf")
    ]


def test_atom_feed_prefers_alternate_links_and_published_dates(web_server):
    items = discover_feed(web_server.url("/feed.atom"), loopback_policy(), source_name="Desk")
    assert urls(items) == [web_server.url(CONVOY), web_server.url(CEASEFIRE)]  # not the rel="edit" link
    assert [i.published_date for i in items] == ["2024-03-05", "2024-03-06"]
    assert {i.source_name for i in items} == {"Desk"}


def test_parse_feed_reads_rss_1_0():
    body = b"""<?xml version="1.0"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
             xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="http://example.org/"><title>RDF desk</title></channel>
      <item rdf:about="http://example.org/a"><title>A</title><link>http://example.org/a</link>
        <dc:date>2024-01-02T00:00:00Z</dc:date></item>
    </rdf:RDF>"""
    entries, title = parse_feed(body, "http://example.org/rss")
    assert title == "RDF desk"
    assert [(e.url, e.published_date) for e in entries] == [("http://example.org/a", "2024-01-02")]


def test_a_page_that_is_not_a_feed_fails_discovery(web_server):
    with pytest.raises(IngestFailure) as info:
        discover_feed(web_server.url("/status/200"), loopback_policy())
    assert info.value.stage == "discover"
    assert info.value.error_class == "FeedParseError"


def test_feed_fetch_failures_are_discovery_failures(web_server):
    with pytest.raises(IngestFailure) as info:
        discover_feed(web_server.url("/feed.rss"), loopback_policy(allow_hosts=()))
    assert (info.value.stage, info.value.error_class) == ("discover", "RefusedAddress")


def test_sitemap_pages_and_lastmod(web_server):
    items = discover_sitemap(web_server.url("/sitemap.xml"), loopback_policy())
    assert urls(items) == [web_server.url(IDLIB), web_server.url(CONVOY)]
    assert [i.published_date for i in items] == ["2024-03-04", "2024-03-05"]


def test_sitemap_index_follows_children_including_gzip_and_reports_broken_ones(web_server):
    # GIVEN an index of a plain sitemap, a gzipped news sitemap and a 404
    errors: list[IngestError] = []
    items = discover_sitemap(web_server.url("/sitemap_index.xml"), loopback_policy(), errors=errors)
    # THEN every page once, the news sitemap's publication date and title, and the 404 as an error
    assert urls(items) == [web_server.url(IDLIB), web_server.url(CONVOY), web_server.url(CEASEFIRE)]
    ceasefire = items[2]
    assert ceasefire.published_date == "2024-03-06"
    assert ceasefire.title == "Ceasefire breached near Jisr al-Shughur"
    assert [(e.error_class, e.source_uri) for e in errors] == [
        ("HTTPError 404", web_server.url("/status/404"))
    ]


def test_sitemap_max_items_stops_early(web_server):
    items = discover_sitemap(web_server.url("/sitemap_index.xml"), loopback_policy(), max_items=1)
    assert urls(items) == [web_server.url(IDLIB)]


def test_url_list_from_a_file_and_over_http(web_server, tmp_path):
    text = (FIXTURES / "urls.txt").read_text().replace("{base}", web_server.base_url)
    path = tmp_path / "urls.txt"
    path.write_text(text)
    errors: list[IngestError] = []
    from_file = discover_url_list(path, errors=errors, source_config="manual_url_list")
    from_http = discover_url_list(web_server.url("/urls.txt"), loopback_policy())
    expected = [web_server.url(IDLIB), web_server.url(CONVOY)]  # the #again duplicate collapses
    assert urls(from_file) == urls(from_http) == expected
    assert from_file[0].published_date == "2024-03-04"
    assert [e.error_class for e in errors] == ["UnsupportedScheme"]  # file:///etc/passwd


def test_url_list_as_csv(tmp_path):
    path = tmp_path / "urls.csv"
    path.write_text("url,published_date,source_name\nhttps://example.org/a,2024-02-01,SOHR\n")
    (item,) = discover_url_list(path)
    assert (item.url, item.published_date, item.source_name) == (
        "https://example.org/a",
        "2024-02-01",
        "SOHR",
    )


def test_missing_url_list_file_is_a_discovery_failure(tmp_path):
    with pytest.raises(IngestFailure) as info:
        discover_url_list(tmp_path / "nope.txt")
    assert info.value.stage == "discover"


def test_discovery_is_incremental(web_server, seen):
    # GIVEN a feed discovered once and its URLs marked as processed
    feed = web_server.url("/feed.rss")
    first = discover_feed(feed, loopback_policy(), seen=seen)
    assert len(first) == 2
    for item in first:
        seen.mark(item.url, f"hash-{item.document_id}", item.document_id)
    # WHEN discovered again THEN nothing is new
    assert discover_feed(feed, loopback_policy(), seen=seen) == []
    # AND a sitemap that also lists a third page yields only that one
    again = discover_sitemap(web_server.url("/sitemap_index.xml"), loopback_policy(), seen=seen)
    assert urls(again) == [web_server.url(CEASEFIRE)]


def test_unmarked_urls_come_back(web_server, seen):
    # a URL discovered but never processed (its fetch failed) is offered again next run
    feed = web_server.url("/feed.atom")
    assert len(discover_feed(feed, loopback_policy(), seen=seen)) == 2
    assert len(discover_feed(feed, loopback_policy(), seen=seen)) == 2


def test_seen_store_by_url_and_by_content_hash(seen):
    seen.mark("HTTP://Example.org:80/a#top", "abc", "doc1")
    assert seen.seen_url("http://example.org/a")
    assert not seen.seen_url("http://example.org/b")
    # the same content under a new URL is recognised by its hash
    assert seen.seen_hash("abc")
    assert seen.document_for_hash("abc") == "doc1"
    assert not seen.seen_hash("def")
    # marking twice changes nothing
    seen.mark("http://example.org/a", "abc", "doc1")
    assert seen.count() == (1, 1)
    # and survives reopening (WAL file on disk)
    assert SeenStore(seen.path).seen_url("http://example.org/a")


def test_seen_store_takes_concurrent_writers(seen):
    def mark_many(offset: int) -> None:
        for i in range(20):
            seen.mark(f"http://example.org/{offset + i}", f"h{offset + i}", None)

    threads = [threading.Thread(target=mark_many, args=(n * 100,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen.count() == (80, 80)


def test_mark_many_in_one_transaction(seen):
    rows = [
        ("http://example.org/1", "h1", "d1"),
        ("http://example.org/2", None, "d2"),
        ("file:///seeds/a.txt", "h3", "d3"),
    ]
    assert seen.mark_many(rows) == 3
    assert seen.count() == (3, 2)
    assert seen.seen_url("file:///seeds/a.txt") and seen.seen_url("http://example.org/2")


def test_normalize_url():
    assert normalize_url("HTTPS://Example.ORG:443/a?b=1#c") == "https://example.org/a?b=1"
    assert normalize_url("http://example.org:8080") == "http://example.org:8080/"


def test_discover_web_turns_a_source_into_items_or_error_rows(web_server, seen):
    feed = SourceConfig(
        name="desk", kind="feed", url=web_server.url("/feed.rss"), max_items=1, source_name="Desk"
    )
    found = discover_web(feed, loopback_policy(), seen=seen)
    assert urls(found.items) == [web_server.url(IDLIB)]
    assert found.items[0].source_config == "desk" and found.items[0].source_name == "Desk"
    assert [e.error_class for e in found.errors] == ["UnsupportedScheme"]
    # a refused feed is an error row, not an exception
    refused = discover_web(feed, loopback_policy(allow_hosts=()), seen=seen)
    assert refused.items == []
    assert [(e.stage, e.error_class, e.source_config) for e in refused.errors] == [
        ("discover", "RefusedAddress", "desk")
    ]
    # inline URLs (a manual run) are filtered like any list
    inline = SourceConfig(
        name="manual_urls", kind="url_list", urls=("https://example.org/x", "https://example.org/x#y")
    )
    assert urls(discover_web(inline, seen=seen).items) == ["https://example.org/x"]

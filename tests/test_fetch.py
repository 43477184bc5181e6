"""fetch.py against a real HTTP server on 127.0.0.1 (tests/httpserver.py), not mocks."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import threading
import time
import tracemalloc

import pytest

from conflictwatch import fetch as fetch_module
from conflictwatch.fetch import (
    HostThrottle,
    address_refusal,
    decode_body,
    fetch,
    latest_archived,
    list_archived,
    read_archived,
    url_archive_dir,
)
from conflictwatch.records import IngestFailure
from conflictwatch.sourceconfig import FetchPolicy
from tests.httpserver import compress, loopback_policy, running_server, self_signed_cert

ARTICLE = "/articles/idlib-shelling.html"


@pytest.fixture(scope="module")
def web_server():
    with running_server() as server:
        yield server


def fails(error_class: str, url: str, policy: FetchPolicy, **kw) -> IngestFailure:
    with pytest.raises(IngestFailure) as info:
        fetch(url, policy, **kw)
    assert info.value.stage == "fetch"
    assert info.value.error_class == error_class, str(info.value)
    return info.value


# --- happy path and decoding --------------------------------------------------------------------


def test_fetches_a_page_with_its_hash_and_headers(web_server):
    # GIVEN an article page WHEN fetched THEN the body, its hash and the response metadata come back
    url = web_server.url(ARTICLE)
    result = fetch(url, loopback_policy())
    assert result.status == 200
    assert result.url == result.final_url == url
    assert result.content_type == "text/html; charset=utf-8"
    assert b"Shelling kills three" in result.body
    assert result.content_hash == hashlib.sha256(result.body).hexdigest()
    assert result.redirects == []
    assert result.archive_path is None
    assert result.attempts == 1


def test_sends_the_policy_user_agent_and_accepted_encodings(web_server):
    result = fetch(web_server.url("/echo-headers"), loopback_policy(user_agent="cw-test/1"))
    headers = {k.lower(): v for k, v in json.loads(result.body).items()}
    assert headers["user-agent"] == "cw-test/1"
    assert headers["accept-encoding"] == "gzip, deflate, br, zstd"
    assert headers["host"] == f"127.0.0.1:{web_server.port}"


@pytest.mark.parametrize("enc", ["gzip", "deflate", "deflate-raw", "br", "zstd"])
def test_decodes_every_content_encoding(web_server, enc):
    plain = fetch(web_server.url(ARTICLE), loopback_policy())
    encoded = fetch(web_server.url(f"/encoded?enc={enc}"), loopback_policy())
    assert encoded.body == plain.body
    assert encoded.content_hash == plain.content_hash


def test_a_body_cut_short_of_its_content_length_fails(web_server):
    # GIVEN a server that promises a whole article and closes after a third of it
    # WHEN fetched (with one retry) THEN it fails, after retrying, instead of keeping a third of the page
    failure = fails("IncompleteBody", web_server.url("/truncated"), loopback_policy(retries=1))
    assert "connection closed after" in str(failure)
    assert web_server.hits("/truncated") == 2


def test_decode_body_undoes_stacked_encodings_in_order():
    data = b"<p>Idlib</p>" * 100
    assert decode_body(compress(compress(data, "br"), "gzip"), "br, gzip", 10_000) == data
    assert (
        decode_body(gzip.compress(data) + gzip.compress(data), "gzip", 10_000) == data + data
    )  # two members


def test_unknown_content_encoding_is_refused():
    with pytest.raises(IngestFailure) as info:
        decode_body(b"abc", "compress", 100)
    assert info.value.error_class == "UnsupportedEncoding"


# --- size caps -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["length=1", "length=0", "chunked=1"])
def test_oversized_body_is_cut_off_while_downloading(web_server, query):
    # GIVEN 8 MiB against a 1 MiB cap, announced by Content-Length, not announced, or chunked
    started = time.monotonic()
    failure = fails("TooLarge", web_server.url(f"/big?size={8 * 1024 * 1024}&{query}"), loopback_policy())
    # THEN it fails without reading the rest
    assert time.monotonic() - started < 2
    assert "1048576" in str(failure)


def test_body_at_the_cap_is_accepted(web_server):
    result = fetch(web_server.url("/big?size=1048576&length=0"), loopback_policy())
    assert len(result.body) == 1024 * 1024


@pytest.mark.parametrize("enc", ["gzip", "deflate", "br", "zstd"])
def test_compression_bomb_fails_fast(web_server, enc):
    # GIVEN tens of KiB that inflate to 64 MiB, against a 2 MiB decompressed cap
    web_server.bomb(enc)  # build it before timing
    started = time.monotonic()
    failure = fails("TooLarge", web_server.url(f"/bomb?enc={enc}"), loopback_policy())
    assert time.monotonic() - started < 3
    assert "decoded body exceeds 2097152" in str(failure)


def test_gzip_bomb_costs_bounded_memory(web_server):
    web_server.bomb("gzip")
    tracemalloc.start()
    try:
        fails("TooLarge", web_server.url("/bomb?enc=gzip"), loopback_policy())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 * 1024 * 1024  # the cap (2 MiB) plus buffers, nowhere near 64 MiB


# --- timeouts ------------------------------------------------------------------------------------------


def test_read_timeout_hits_a_slow_server(web_server):
    started = time.monotonic()
    fails("Timeout", web_server.url("/slow?delay=3&t=1"), loopback_policy(read_timeout=0.3))
    assert time.monotonic() - started < 1.5
    assert web_server.hits("/slow?delay=3&t=1") == 1


def test_total_timeout_stops_a_slow_drip(web_server):
    # GIVEN a server sending one byte every 0.1 s (each read is quick, the whole is not)
    started = time.monotonic()
    fails("Timeout", web_server.url("/drip?n=100&interval=0.1"), loopback_policy(total_timeout=0.6))
    assert time.monotonic() - started < 1.5


def test_connection_refused_is_a_connection_error_and_retried():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once we leave: nothing listens there
    failure = fails("ConnectionError", f"http://127.0.0.1:{port}/", loopback_policy(retries=1))
    assert "127.0.0.1" in str(failure)


# --- redirects ------------------------------------------------------------------------------------------


def test_follows_redirects_and_records_each_hop(web_server):
    result = fetch(web_server.url("/redirect/3"), loopback_policy(max_redirects=3))
    assert result.final_url == web_server.url("/redirect/0")
    assert result.redirects == [web_server.url(f"/redirect/{n}") for n in (2, 1, 0)]
    assert b"Shelling kills three" in result.body


def test_too_many_redirects(web_server):
    # GIVEN a chain of 5 redirects and a limit of 3 WHEN fetched THEN it stops after the limit
    fails("TooManyRedirects", web_server.url("/redirect/5"), loopback_policy(max_redirects=3))
    assert web_server.hits("/redirect/5") == 1


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.2:{port}/articles/idlib-shelling.html",
        "http://[::1]/",
    ],
)
def test_redirect_to_a_refused_address_is_refused(web_server, target):
    # GIVEN 127.0.0.1 allow-listed, WHEN it redirects to metadata/another loopback/IPv6 loopback THEN refused
    location = target.format(port=web_server.port)
    fails("RefusedAddress", web_server.url(f"/redirect-to?url={location}"), loopback_policy())


def test_redirect_to_another_scheme_is_refused(web_server):
    fails("UnsupportedScheme", web_server.url("/redirect-to?url=file:///etc/passwd"), loopback_policy())


# --- address guard -----------------------------------------------------------------------------------------


def test_loopback_is_refused_unless_allow_listed(web_server):
    # GIVEN the default policy (no allow-list) WHEN fetching the loopback server THEN refused, never contacted
    url = web_server.url("/articles/ceasefire-breach.html?guard=1")
    fails("RefusedAddress", url, loopback_policy(allow_hosts=()))
    assert web_server.hits("/articles/ceasefire-breach.html?guard=1") == 0
    # AND an allow-listed network works as well as an allow-listed host
    result = fetch(url, loopback_policy(allow_hosts=(), allow_networks=("127.0.0.1/32",)))
    assert result.status == 200


@pytest.mark.parametrize(
    "ip",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "100.64.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_non_public_addresses_are_refused(ip):
    assert address_refusal(ip, FetchPolicy()) is not None


@pytest.mark.parametrize("ip", ["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111"])
def test_public_addresses_pass(ip):
    assert address_refusal(ip, FetchPolicy()) is None


def test_every_resolved_address_is_checked(monkeypatch):
    # GIVEN a name resolving to a public and a private address WHEN fetched THEN refused
    def fake_getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", fake_getaddrinfo)
    fails("RefusedAddress", "http://mixed.example/", FetchPolicy(retries=0, politeness_delay_s=0))


def test_connects_to_the_checked_address_with_the_real_host_header(web_server, monkeypatch):
    # GIVEN a name that resolves once to the (allow-listed) loopback server
    calls = []

    def fake_getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", fake_getaddrinfo)
    policy = loopback_policy(allow_hosts=(), allow_networks=("127.0.0.1/32",))
    result = fetch(f"http://news.example:{web_server.port}/echo-headers", policy)
    # THEN the name was resolved once per request (robots.txt, then the page), never a second time
    # between a request's check and its connect, and the Host header is the name
    assert [c for c in calls if c != "127.0.0.1"] == ["news.example", "news.example"]
    assert json.loads(result.body)["Host"] == f"news.example:{web_server.port}"


@pytest.mark.parametrize(
    ("url", "error_class"),
    [
        ("ftp://example.org/file", "UnsupportedScheme"),
        ("file:///etc/passwd", "UnsupportedScheme"),
        ("gopher://example.org/", "UnsupportedScheme"),
        ("javascript:alert(1)", "UnsupportedScheme"),
        ("example.org/no-scheme", "UnsupportedScheme"),
        ("http:///no-host", "InvalidURL"),
        ("http://example.org:99999/", "InvalidURL"),
    ],
)
def test_non_http_urls_are_refused_before_any_network(url, error_class):
    fails(error_class, url, FetchPolicy())


# --- retries ------------------------------------------------------------------------------------------


def test_5xx_is_retried_until_it_succeeds(web_server):
    path = "/flaky?key=retry-ok&fail=2&code=500"
    result = fetch(web_server.url(path), loopback_policy(retries=2, backoff_s=0.01))
    assert result.status == 200
    assert web_server.hits(path) == 3
    assert result.attempts == 3


def test_429_is_retried_and_retry_after_honoured(web_server):
    path = "/flaky?key=retry-429&fail=1&code=429&retry_after=0"
    result = fetch(web_server.url(path), loopback_policy(retries=1, backoff_s=0.01))
    assert result.body == b"ok after 2 requests"


def test_retries_give_up_with_the_last_error(web_server):
    path = "/flaky?key=retry-never&fail=99&code=503"
    fails("HTTPError 503", web_server.url(path), loopback_policy(retries=2, backoff_s=0.01))
    assert web_server.hits(path) == 3


def test_backoff_doubles(web_server):
    path = "/flaky?key=backoff&fail=2&code=500"
    started = time.monotonic()
    fetch(web_server.url(path), loopback_policy(retries=2, backoff_s=0.1))
    assert time.monotonic() - started >= 0.3  # 0.1 then 0.2


def test_404_is_not_retried(web_server):
    fails("HTTPError 404", web_server.url("/status/404"), loopback_policy(retries=3, backoff_s=0.01))
    assert web_server.hits("/status/404") == 1


def test_timeouts_are_retried(web_server):
    path = "/slow?delay=1&t=retry"
    fails("Timeout", web_server.url(path), loopback_policy(read_timeout=0.2, retries=1, backoff_s=0.01))
    assert web_server.hits(path) == 2


# --- politeness ------------------------------------------------------------------------------------------


def test_politeness_delay_between_requests_to_one_host(web_server):
    policy = loopback_policy(politeness_delay_s=0.3)
    throttle = HostThrottle()
    started = time.monotonic()
    fetch(web_server.url(ARTICLE), policy, throttle=throttle)
    fetch(web_server.url(ARTICLE), policy, throttle=throttle)
    assert time.monotonic() - started >= 0.3


def test_politeness_holds_across_threads(web_server):
    policy = loopback_policy(politeness_delay_s=0.2)
    throttle = HostThrottle()
    started = time.monotonic()
    threads = [
        threading.Thread(target=fetch, args=(web_server.url(ARTICLE), policy), kwargs={"throttle": throttle})
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - started >= 0.4  # three requests, two gaps


def test_throttle_is_per_host():
    throttle = HostThrottle()
    assert throttle.wait("a.example", 0.5) == 0
    started = time.monotonic()
    assert throttle.wait("b.example", 0.5) == 0
    assert throttle.wait("A.example", 0.05) > 0  # host names compare case-insensitively
    assert time.monotonic() - started < 0.6


# --- archive ----------------------------------------------------------------------------------------------


def test_archives_the_body_and_its_metadata(web_server, tmp_path):
    url = web_server.url("/encoded?enc=gzip")
    result = fetch(url, loopback_policy(), archive_dir=tmp_path)
    digest = hashlib.sha256(url.encode()).hexdigest()
    assert result.archive_path == tmp_path / digest[:2] / digest / f"{result.content_hash}.html.zst"
    assert result.archive_path.exists()
    assert url_archive_dir(url, tmp_path) == result.archive_path.parent
    # the archived body is the decoded body, so extraction can rerun without the network
    assert read_archived(url, result.content_hash, tmp_path) == result.body
    meta = json.loads((result.archive_path.parent / f"{result.content_hash}.json").read_text())
    assert {"url", "final_url", "status", "headers", "fetched_at", "content_hash"} <= set(meta)
    assert meta["headers"]["content-encoding"] == "gzip"
    latest = latest_archived(url, tmp_path)
    assert latest is not None and latest.content_hash == result.content_hash and latest.read() == result.body


def test_refetching_the_same_content_stores_it_once(web_server, tmp_path):
    url = web_server.url(ARTICLE)
    first = fetch(url, loopback_policy(), archive_dir=tmp_path)
    second = fetch(url, loopback_policy(), archive_dir=tmp_path)
    assert first.archive_path == second.archive_path
    assert len(list(first.archive_path.parent.glob("*.zst"))) == 1
    assert len(list_archived(url, tmp_path)) == 1


def test_archive_can_be_switched_off(web_server, tmp_path):
    result = fetch(web_server.url(ARTICLE), loopback_policy(archive=False), archive_dir=tmp_path)
    assert result.archive_path is None
    assert not any(tmp_path.iterdir())


def test_reading_what_was_never_archived(tmp_path):
    assert latest_archived("http://example.org/none", tmp_path) is None
    with pytest.raises(FileNotFoundError):
        read_archived("http://example.org/none", "0" * 64, tmp_path)


# --- https ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    pytest.importorskip("cryptography")
    cert, key = self_signed_cert(tmp_path_factory.mktemp("tls"))
    with running_server(tls=(cert, key)) as server:
        server.cert = cert
        yield server


def test_https_with_an_untrusted_certificate_is_a_tls_error(tls_server):
    assert tls_server.base_url.startswith("https://127.0.0.1:")
    fails("TLSError", tls_server.url(ARTICLE), loopback_policy())


def test_https_with_a_trusted_ca_file(tls_server):
    # GIVEN the policy trusts the server's CA WHEN fetched over TLS to the pinned address THEN it works
    result = fetch(tls_server.url("/encoded?enc=br"), loopback_policy(ca_file=str(tls_server.cert)))
    assert b"Shelling kills three" in result.body

"""Fetch one URL safely, and keep what was fetched.

Guards (docs/fetching.md): http/https only; every hop's host resolved and every address
checked (private, loopback, link-local, multicast, reserved, unspecified refused unless the
policy allow-lists them), and the connection made to the checked address so a second DNS
answer cannot swap it (rebinding); redirects followed by hand, a bounded number of times;
connect, read and whole-response timeouts; a byte cap while downloading and another while
decompressing (gzip, deflate, br, zstd), so neither a huge body nor a compression bomb
costs more than the caps in memory; a per-host politeness gap; retries with exponential
backoff for 5xx, 429, timeouts and connection errors only; robots.txt honoured for the
policy's user agent (RFC 9309, read once per origin and cached: `RobotsCache`). Every
failure is an IngestFailure(stage="fetch") with an error_class the warehouse can group by.

The stdlib http.client is used on purpose: it lets us connect to the IP we checked while
sending the real Host header and TLS SNI, and read the raw (still encoded) body in chunks.
Proxies from the environment are not used.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import json
import logging
import os
import socket
import ssl
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from conflictwatch.records import IngestFailure, sha256_bytes
from conflictwatch.sourceconfig import FetchPolicy

log = logging.getLogger(__name__)

STAGE = "fetch"
CHUNK = 64 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,application/rss+xml,application/atom+xml,*/*;q=0.8"
)
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


@dataclass
class FetchResult:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    content_type: str | None  # the Content-Type header as sent (may carry a charset)
    body: bytes  # decoded from Content-Encoding
    content_hash: str  # sha256 of body
    archive_path: Path | None = None
    redirects: list[str] = field(default_factory=list)  # each Location followed, in order
    headers: dict[str, str] = field(default_factory=dict)  # final response's headers
    attempts: int = 1  # requests made, across retries and redirect hops


class _Retryable(Exception):
    """An attempt failed in a way worth trying again; carries the IngestFailure to raise at the end."""

    def __init__(self, failure: IngestFailure, retry_after: float | None = None):
        super().__init__(str(failure))
        self.failure = failure
        self.retry_after = retry_after


def _fail(message: str, error_class: str) -> IngestFailure:
    return IngestFailure(STAGE, message, error_class)


# --- politeness ---------------------------------------------------------------------------------


class HostThrottle:
    """Minimum gap between requests to one host, shared by every thread of this process.

    Each caller reserves the next free slot under the lock and sleeps outside it, so
    concurrent fetches of one host queue up `delay` apart and other hosts are not held up.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, delay: float) -> float:
        if delay <= 0:
            return 0.0
        key = host.lower()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(key, 0.0))
            self._next[key] = start + delay
        pause = start - now
        if pause > 0:
            time.sleep(pause)
        return pause


DEFAULT_THROTTLE = HostThrottle()


# --- address guard --------------------------------------------------------------------------------


def address_refusal(ip: str, policy: FetchPolicy, host: str | None = None) -> str | None:
    """Why this resolved address may not be fetched, or None when it may."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return f"{ip!r} is not an IP address"
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if any(addr in net for net in policy.networks if net.version == addr.version):
        return None
    if host is not None and host.lower().rstrip(".") in policy.allow_hosts:
        return None
    for label in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(addr, f"is_{label}"):
            return f"{addr} is a {label.replace('_', '-')} address"
    if not addr.is_global:
        return f"{addr} is not a globally routable address"
    return None


def resolve_checked(host: str, port: int, policy: FetchPolicy) -> list[str]:
    """Every address `host` resolves to, after checking all of them; refuses if any is refused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _Retryable(_fail(f"cannot resolve {host!r}: {exc}", "DNSError")) from None
    ips: list[str] = []
    for info in infos:
        ip = str(info[4][0])
        if ip not in ips:
            ips.append(ip)
    if not ips:
        raise _Retryable(_fail(f"{host!r} resolved to no address", "DNSError"))
    for ip in ips:
        reason = address_refusal(ip, policy, host)
        if reason:
            raise _fail(
                f"refused {host!r}: {reason} (allow it with fetch.allow_hosts/allow_networks)",
                "RefusedAddress",
            )
    return ips


# --- connections pinned to a checked address --------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address we checked, not to whatever the host resolves to next time."""

    def __init__(self, host: str, port: int, ip: str, connect_timeout: float, read_timeout: float):
        super().__init__(host, port, timeout=connect_timeout)
        self._ip = ip
        self._read_timeout = read_timeout

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(self._read_timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = 443

    def __init__(
        self,
        host: str,
        port: int,
        ip: str,
        connect_timeout: float,
        read_timeout: float,
        ca_file: str | None = None,
    ):
        super().__init__(host, port, ip, connect_timeout, read_timeout)
        self._context = ssl.create_default_context()
        if ca_file:
            self._context.load_verify_locations(cafile=ca_file)

    def connect(self) -> None:
        super().connect()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


# --- decoding --------------------------------------------------------------------------------------


def _too_large(what: str, limit: int) -> IngestFailure:
    return _fail(f"{what} exceeds {limit} bytes", "TooLarge")


def _pieces(data: bytes):
    view = memoryview(data)
    for start in range(0, len(view), CHUNK):
        yield view[start : start + CHUNK]


def _inflate(data: bytes, wbits: int, limit: int, label: str) -> bytes:
    """zlib/gzip/raw deflate, fed 64 KiB at a time and asked for at most 64 KiB out per call."""
    out = bytearray()
    d = zlib.decompressobj(wbits)
    pieces = _pieces(data)
    buf = b""
    try:
        while True:
            if not buf:
                if d.eof and d.unused_data:
                    buf = d.unused_data
                else:
                    piece = next(pieces, None)
                    if piece is None:
                        break
                    buf = bytes(piece)
            if d.eof:
                # gzip allows several members back to back; anything else after the end is ignored
                if wbits <= zlib.MAX_WBITS or not buf.strip(b"\x00"):
                    break
                d = zlib.decompressobj(wbits)
            out += d.decompress(buf, CHUNK)
            if len(out) > limit:
                raise _too_large(f"{label}-decoded body", limit)
            buf = d.unconsumed_tail
        while not d.eof:  # output still held back by the 64 KiB ceiling
            more = d.decompress(b"", CHUNK)
            if not more:
                break
            out += more
            if len(out) > limit:
                raise _too_large(f"{label}-decoded body", limit)
    except zlib.error as exc:
        raise _fail(f"bad {label} data: {exc}", "DecodeError") from None
    return bytes(out)


def _unbrotli(data: bytes, limit: int) -> bytes:
    import brotli

    out = bytearray()
    d = brotli.Decompressor()
    try:
        for piece in _pieces(data):
            out += d.process(bytes(piece), output_buffer_limit=CHUNK)
            while len(out) <= limit and not d.can_accept_more_data():
                out += d.process(b"", output_buffer_limit=CHUNK)
            if len(out) > limit:
                raise _too_large("br-decoded body", limit)
    except brotli.error as exc:
        raise _fail(f"bad br data: {exc}", "DecodeError") from None
    return bytes(out)


def _unzstd(data: bytes, limit: int) -> bytes:
    import zstandard

    out = bytearray()
    try:
        with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True) as reader:
            while True:
                piece = reader.read(CHUNK)
                if not piece:
                    break
                out += piece
                if len(out) > limit:
                    raise _too_large("zstd-decoded body", limit)
    except zstandard.ZstdError as exc:
        raise _fail(f"bad zstd data: {exc}", "DecodeError") from None
    return bytes(out)


def decode_body(data: bytes, content_encoding: str | None, limit: int) -> bytes:
    """Undo a Content-Encoding (possibly a list, applied in order), never holding more than `limit` bytes out."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            data = _inflate(data, 16 + zlib.MAX_WBITS, limit, "gzip")
        elif coding == "deflate":
            # RFC 9110 says zlib-wrapped; some servers send raw deflate, so look at the header
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0
            data = _inflate(data, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS, limit, "deflate")
        elif coding == "br":
            data = _unbrotli(data, limit)
        elif coding == "zstd":
            data = _unzstd(data, limit)
        else:
            raise _fail(f"unsupported Content-Encoding {coding!r}", "UnsupportedEncoding")
    if len(data) > limit:
        raise _too_large("decoded body", limit)
    return data


# --- one request ------------------------------------------------------------------------------------


@dataclass
class _Response:
    status: int
    headers: dict[str, str]
    raw: bytes | None  # the still-encoded body, read only for 2xx


def _check_url(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _fail(f"invalid URL {url!r}: {exc}", "InvalidURL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _fail(
            f"refused scheme {scheme or '(none)'!r} in {url!r}: only http and https are fetched",
            "UnsupportedScheme",
        )
    host = parts.hostname
    if not host:
        raise _fail(f"invalid URL {url!r}: no host", "InvalidURL")
    target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        target += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return scheme, host, port or (443 if scheme == "https" else 80), target


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _read_capped(resp: http.client.HTTPResponse, policy: FetchPolicy, deadline: float, url: str) -> bytes:
    length = resp.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > policy.max_bytes:
        raise _too_large(f"{url}: Content-Length {int(length)}", policy.max_bytes)
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise _Retryable(_fail(f"{url}: response not complete after {policy.total_timeout}s", "Timeout"))
        chunk = resp.read1(CHUNK)
        if not chunk:
            break
        body += chunk
        if len(body) > policy.max_bytes:  # stop reading: the rest of the body is never pulled in
            raise _too_large(f"{url}: body", policy.max_bytes)
    if length and length.strip().isdigit() and len(body) < int(length):  # read1 does not check this
        raise _Retryable(_fail(f"{url}: connection closed after {len(body)} of {int(length)} bytes", "IncompleteBody"))
    return bytes(body)


def _request_once(url: str, policy: FetchPolicy) -> _Response:
    scheme, host, port, target = _check_url(url)
    ips = resolve_checked(host, port, policy)
    deadline = time.monotonic() + policy.total_timeout
    last_error: Exception | None = None
    for ip in ips:  # the first checked address that accepts a connection
        if scheme == "https":
            conn = _PinnedHTTPSConnection(
                host, port, ip, policy.connect_timeout, policy.read_timeout, policy.ca_file
            )
        else:
            conn = _PinnedHTTPConnection(host, port, ip, policy.connect_timeout, policy.read_timeout)
        try:
            try:
                conn.connect()
            except ssl.SSLError:
                raise
            except OSError as exc:  # refused, unreachable, timed out: try the next checked address
                last_error = exc
                continue
            conn.request(
                "GET",
                target,
                headers={
                    "User-Agent": policy.user_agent,
                    "Accept": ACCEPT,
                    "Accept-Encoding": ACCEPT_ENCODING,
                    "Connection": "close",
                },
            )
            resp = conn.getresponse()
            headers = {k.lower(): v for k, v in resp.getheaders()}
            raw = _read_capped(resp, policy, deadline, url) if 200 <= resp.status < 300 else None
            return _Response(resp.status, headers, raw)
        except ssl.SSLError as exc:
            raise _fail(f"{url}: TLS error: {exc}", "TLSError") from None
        except TimeoutError:
            raise _Retryable(
                _fail(
                    f"{url}: timed out (connect {policy.connect_timeout}s, read {policy.read_timeout}s)",
                    "Timeout",
                )
            ) from None
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            raise _Retryable(
                _fail(f"{url}: connection failed: {type(exc).__name__}: {exc}", "ConnectionError")
            ) from None
        finally:
            conn.close()
    if isinstance(last_error, TimeoutError):
        raise _Retryable(_fail(f"{url}: connect timed out after {policy.connect_timeout}s", "Timeout"))
    raise _Retryable(_fail(f"{url}: cannot connect to {host}:{port}: {last_error}", "ConnectionError"))


def _request_with_retries(url: str, policy: FetchPolicy, throttle: HostThrottle) -> tuple[_Response, int]:
    host = urlsplit(url).hostname or ""
    for attempt in range(policy.retries + 1):
        throttle.wait(host, policy.politeness_delay_s)
        attempts = attempt + 1
        try:
            resp = _request_once(url, policy)
            if resp.status >= 500 or resp.status == 429:
                raise _Retryable(
                    _fail(f"{url}: HTTP {resp.status}", f"HTTPError {resp.status}"),
                    _retry_after(resp.headers.get("retry-after")),
                )
            return resp, attempts
        except _Retryable as exc:
            if attempt >= policy.retries:
                raise exc.failure from None
            pause = policy.backoff_s * (2**attempt)
            if exc.retry_after is not None:
                pause = max(pause, exc.retry_after)
            pause = min(pause, policy.max_backoff_s)
            log.info("retrying %s in %.2fs after %s", url, pause, exc.failure.error_class)
            time.sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


# --- robots.txt (RFC 9309) ------------------------------------------------------------------------------

# A robots.txt that cannot be read because of the network: the page would fail the same way, so the
# failure keeps its own class (RFC 9309 2.3.1.4: unreachable means nothing on the host is fetched).
_ROBOTS_NETWORK = frozenset({"DNSError", "ConnectionError", "Timeout", "TLSError", "IncompleteBody"})


@dataclass
class _Robots:
    """What one origin's robots.txt says: rules, allow-all (none there), or a failure that disallows all."""

    robots_url: str
    expires: float
    parser: RobotFileParser | None = None  # None and no failure: no robots.txt, everything allowed
    failure: IngestFailure | None = None  # robots.txt unreachable: nothing on the origin is fetched


class RobotsCache:
    """robots.txt per origin (scheme, host, port) and policy, read once and kept `ttl_s` (RFC 9309: at most a day).

    A robots.txt that is unreachable (5xx or 429 after the usual retries, a timeout, a refused
    connection) disallows the whole origin, and that answer is kept only `unreachable_ttl_s`, so
    a batch does not ask a failing server again for every article but a later run tries again.
    A 4xx (no robots.txt, or access to it denied) allows everything (RFC 9309 2.3.1.3). Rules are
    matched by urllib.robotparser for the product token of the policy's user agent
    ("conflictwatch" of "conflictwatch/0.1 (...)"). Thread-safe: one fetch per origin at a time.
    """

    def __init__(self, ttl_s: float = 24 * 3600.0, unreachable_ttl_s: float = 600.0) -> None:
        self.ttl_s = ttl_s
        self.unreachable_ttl_s = unreachable_ttl_s
        self._lock = threading.Lock()
        self._locks: dict[tuple[str, FetchPolicy], threading.Lock] = {}
        self._entries: dict[tuple[str, FetchPolicy], _Robots] = {}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def check(self, url: str, policy: FetchPolicy, throttle: HostThrottle) -> None:
        """Raises IngestFailure (RobotsDisallowed, RobotsUnreachable, or the network failure that kept
        robots.txt from being read) unless `url` may be fetched."""
        scheme, host, port, _ = _check_url(url)
        # keyed by the policy too: whether robots.txt can be read depends on its CAs, caps and timeouts
        key = (f"{scheme}://{host}:{port}", policy)
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires < time.monotonic():
                entry = self._entries[key] = self._read(url, policy, throttle)
        if entry.failure is not None:
            error_class = entry.failure.error_class
            raise _fail(f"{url}: not fetched: {entry.failure}", error_class)
        if entry.parser is not None and not entry.parser.can_fetch(policy.user_agent, url):
            agent = policy.user_agent.split("/", 1)[0]
            raise _fail(
                f"{url}: disallowed by {entry.robots_url} for user agent {agent!r} (a source whose "
                "owner allows us can set respect_robots_txt: false)",
                "RobotsDisallowed",
            )

    def _read(self, url: str, policy: FetchPolicy, throttle: HostThrottle) -> _Robots:
        parts = urlsplit(url)
        robots_url = urlunsplit((parts.scheme.lower(), parts.netloc.rpartition("@")[2], "/robots.txt", "", ""))
        now = time.monotonic()
        try:
            lines = _robots_lines(robots_url, policy, throttle)
        except IngestFailure as exc:
            if exc.error_class == "RefusedAddress":
                raise  # the page would be refused the same way; not a fact about the site to keep
            if exc.error_class in _ROBOTS_NETWORK:
                failure = _fail(f"{robots_url} unreachable, so nothing on that origin is fetched "
                                f"(RFC 9309): {exc}", exc.error_class)
            else:
                failure = _fail(f"{robots_url} could not be read, so nothing on that origin is fetched (RFC 9309): "
                                f"{exc.error_class}: {exc}", "RobotsUnreachable")
            log.warning("robots.txt: %s", failure)
            return _Robots(robots_url, now + self.unreachable_ttl_s, failure=failure)
        if lines is None:
            log.info("robots.txt: %s not there: everything allowed", robots_url)
            return _Robots(robots_url, now + self.ttl_s)
        parser = RobotFileParser(robots_url)
        parser.parse(lines)
        log.info("robots.txt: %s read (%d lines)", robots_url, len(lines))
        return _Robots(robots_url, now + self.ttl_s, parser=parser)


def _robots_lines(robots_url: str, policy: FetchPolicy, throttle: HostThrottle) -> list[str] | None:
    """The lines of robots.txt, or None when there is none to obey (4xx, or too many redirects:
    RFC 9309 2.3.1.2-3); raises IngestFailure when it is unreachable (5xx and 429 after retries)."""
    current = robots_url
    for _ in range(policy.max_redirects + 1):
        resp, _attempts = _request_with_retries(current, policy, throttle)
        location = resp.headers.get("location")
        if resp.status in REDIRECT_STATUSES and location:
            current = urljoin(current, location.strip())
            _check_url(current)
            continue
        if 200 <= resp.status < 300:
            assert resp.raw is not None
            body = decode_body(resp.raw, resp.headers.get("content-encoding"), policy.max_decompressed_bytes)
            return body.decode("utf-8", errors="replace").splitlines()
        if 400 <= resp.status < 500:
            return None
        raise _fail(f"{current}: HTTP {resp.status}", f"HTTPError {resp.status}")
    return None


DEFAULT_ROBOTS = RobotsCache()


# --- the public call ----------------------------------------------------------------------------------


def fetch(
    url: str,
    policy: FetchPolicy | None = None,
    archive_dir: Path | str | None = None,
    *,
    throttle: HostThrottle | None = None,
    robots: RobotsCache | None = None,
) -> FetchResult:
    """GET `url` under `policy`; archive the body under `archive_dir` when given and policy.archive.

    With policy.respect_robots_txt, the URL and every redirect target are checked against their
    origin's robots.txt first (`robots`, default: this process's cache).

    Raises IngestFailure(stage="fetch") with error_class one of: UnsupportedScheme, InvalidURL,
    RefusedAddress, DNSError, Timeout, ConnectionError, TLSError, TooManyRedirects, TooLarge,
    DecodeError, UnsupportedEncoding, RobotsDisallowed, RobotsUnreachable, "HTTPError <status>".
    """
    policy = policy or FetchPolicy()
    throttle = throttle or DEFAULT_THROTTLE
    robots = robots or DEFAULT_ROBOTS
    current = url
    redirects: list[str] = []
    attempts = 0
    while True:
        _check_url(current)  # refuse a bad URL or scheme before waiting on the throttle
        if policy.respect_robots_txt:
            robots.check(current, policy, throttle)
        resp, n = _request_with_retries(current, policy, throttle)
        attempts += n
        location = resp.headers.get("location")
        if resp.status in REDIRECT_STATUSES and location:
            if len(redirects) >= policy.max_redirects:
                raise _fail(
                    f"{url}: more than {policy.max_redirects} redirects (last to {location})",
                    "TooManyRedirects",
                )
            current = urljoin(current, location.strip())
            redirects.append(current)
            continue
        if not 200 <= resp.status < 300:
            raise _fail(f"{current}: HTTP {resp.status}", f"HTTPError {resp.status}")
        break
    assert resp.raw is not None
    body = decode_body(resp.raw, resp.headers.get("content-encoding"), policy.max_decompressed_bytes)
    result = FetchResult(
        url=url,
        final_url=current,
        status=resp.status,
        content_type=resp.headers.get("content-type"),
        body=body,
        content_hash=sha256_bytes(body),
        redirects=redirects,
        headers=resp.headers,
        attempts=attempts,
    )
    if archive_dir is not None and policy.archive:
        result.archive_path = archive(result, Path(archive_dir))
    return result


# --- archive --------------------------------------------------------------------------------------------


@dataclass
class ArchivedFetch:
    url: str
    final_url: str
    status: int
    content_type: str | None
    headers: dict[str, str]
    fetched_at: str
    content_hash: str
    path: Path  # the compressed body

    def read(self) -> bytes:
        return _read_zst(self.path)


def url_archive_dir(url: str, archive_dir: Path | str) -> Path:
    """archive/<sha256(url)[:2]>/<sha256(url)>: every version fetched from one URL."""
    digest = sha256_bytes(url.encode("utf-8"))
    return Path(archive_dir) / digest[:2] / digest


def _extension(content_type: str | None) -> str:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if "html" in media:
        return "html"
    if "xml" in media or media.endswith("+xml"):
        return "xml"
    if media.startswith("text/"):
        return "txt"
    if media == "application/json":
        return "json"
    return "bin"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def archive(result: FetchResult, archive_dir: Path) -> Path:
    """Store the decoded body (zstd) and a JSON sidecar; the same content is stored once per URL."""
    import zstandard

    folder = url_archive_dir(result.url, archive_dir)
    folder.mkdir(parents=True, exist_ok=True)
    body_path = folder / f"{result.content_hash}.{_extension(result.content_type)}.zst"
    if not body_path.exists():
        _atomic_write(body_path, zstandard.ZstdCompressor(level=10).compress(result.body))
    meta = {
        "url": result.url,
        "final_url": result.final_url,
        "status": result.status,
        "content_type": result.content_type,
        "headers": result.headers,
        "redirects": result.redirects,
        "content_hash": result.content_hash,
        "size": len(result.body),
        "body_file": body_path.name,
        "fetched_at": datetime.now(UTC).isoformat(timespec="microseconds"),
    }
    _atomic_write(folder / f"{result.content_hash}.json", json.dumps(meta, indent=1, sort_keys=True).encode())
    return body_path


def _read_zst(path: Path) -> bytes:
    import zstandard

    with path.open("rb") as fh, zstandard.ZstdDecompressor().stream_reader(fh) as reader:
        return reader.read()


def read_archived(url: str, content_hash: str, archive_dir: Path | str) -> bytes:
    """The body fetched from `url` with this content hash; FileNotFoundError if it was never archived."""
    folder = url_archive_dir(url, archive_dir)
    matches = sorted(folder.glob(f"{content_hash}.*.zst"))
    if not matches:
        raise FileNotFoundError(f"no archived body {content_hash} for {url} under {folder}")
    return _read_zst(matches[0])


def list_archived(url: str, archive_dir: Path | str) -> list[ArchivedFetch]:
    """Every archived version of `url`, oldest fetch first."""
    folder = url_archive_dir(url, archive_dir)
    entries: list[ArchivedFetch] = []
    for meta_path in folder.glob("*.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        entries.append(
            ArchivedFetch(
                url=meta["url"],
                final_url=meta["final_url"],
                status=meta["status"],
                content_type=meta.get("content_type"),
                headers=meta.get("headers", {}),
                fetched_at=meta["fetched_at"],
                content_hash=meta["content_hash"],
                path=folder / meta["body_file"],
            )
        )
    return sorted(entries, key=lambda e: e.fetched_at)


def latest_archived(url: str, archive_dir: Path | str) -> ArchivedFetch | None:
    """The most recently fetched archived version of `url` (read its body with `.read()`), or None."""
    entries = list_archived(url, archive_dir)
    return entries[-1] if entries else None

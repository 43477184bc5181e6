"""A real HTTP server on 127.0.0.1 for fetch and discovery tests, and its pytest fixture.

A test module starts one per module with

    @pytest.fixture(scope="module")
    def web_server():
        with running_server() as server:
            yield server

and builds policies with `loopback_policy(...)` (127.0.0.1 allow-listed, small timeouts).
Fixture files live in tests/fixtures/web; "{base}" in them becomes the server's base URL.

Routes (GET):
  /articles/<name>.html, /feed.rss, /feed.atom, /sitemap.xml, /sitemap_index.xml, /urls.txt
  /sitemap-news.xml.gz          the news sitemap gzipped, served as application/gzip (no Content-Encoding)
  /encoded?enc=gzip|deflate|deflate-raw|br|zstd   an article with that Content-Encoding
  /bomb?enc=gzip|deflate|br|zstd                 BOMB_SIZE zero bytes, compressed, with that Content-Encoding
  /big?size=N&length=1|0&chunked=1               N bytes, with or without Content-Length (or chunked)
  /slow?delay=S                 waits S seconds before answering
  /truncated                    Content-Length of a whole article, a third of it sent, then closed
  /drip?n=N&interval=S          sends N bytes, one every S seconds
  /redirect/<n>                 302 to /redirect/<n-1>; /redirect/0 is an article
  /redirect-to?url=U&code=302   one redirect to U
  /flaky?key=K&fail=N&code=500  answers `code` to the first N requests for this exact path, then 200
  /status/<code>                that status
  /echo-headers                 the request's headers as JSON
  /robots.txt                   `server.robots`: None (the default) 404, bytes 200 with them, an int that
                                status; after `server.robots_delay` seconds
"""

from __future__ import annotations

import gzip
import json
import ssl
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from conflictwatch.sourceconfig import FetchPolicy

FIXTURES = Path(__file__).parent / "fixtures" / "web"
BOMB_SIZE = 64 * 1024 * 1024  # 64 MiB of zeros; compressed it is tens of KiB
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
}


def compress(data: bytes, enc: str) -> bytes:
    if enc == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    if enc == "deflate":
        return zlib.compress(data, 6)
    if enc == "deflate-raw":
        c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return c.compress(data) + c.flush()
    if enc == "br":
        import brotli

        return brotli.compress(data, quality=1)
    if enc == "zstd":
        import zstandard

        return zstandard.ZstdCompressor(level=3).compress(data)
    raise ValueError(enc)


class LoopbackServer:
    """ThreadingHTTPServer on an ephemeral loopback port, counting requests per path."""

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.scheme = "https" if tls else "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.app = self  # type: ignore[attr-defined]
        self._lock = threading.Lock()
        self._hits: Counter[str] = Counter()
        self._bombs: dict[str, bytes] = {}
        self.robots: bytes | int | None = None
        self.robots_delay = 0.0
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{self.scheme}://{host}:{port}"

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def hit(self, path: str) -> int:
        """Count this request; returns how many requests this exact path (with query) has had."""
        with self._lock:
            self._hits[path] += 1
            return self._hits[path]

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits[path]

    def bomb(self, enc: str) -> bytes:
        with self._lock:
            if enc not in self._bombs:
                self._bombs[enc] = compress(bytes(BOMB_SIZE), enc)
            return self._bombs[enc]

    def fixture(self, name: str) -> bytes:
        return (FIXTURES / name).read_bytes().replace(b"{base}", self.base_url.encode())

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    server_version = "conflictwatch-fixture/1"

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    @property
    def app(self) -> LoopbackServer:
        return self.server.app  # type: ignore[attr-defined]

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._write(body)

    def _write(self, body: bytes) -> bool:
        try:
            self.wfile.write(body)
            self.wfile.flush()
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False  # the client stopped reading, as a size cap should make it

    def do_GET(self) -> None:
        count = self.app.hit(self.path)
        parts = urlsplit(self.path)
        path = parts.path
        q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with suppress(BrokenPipeError, ConnectionResetError):
            self._route(path, q, count)

    def _route(self, path: str, q: dict[str, str], count: int) -> None:
        app = self.app
        fixture = FIXTURES / path.lstrip("/")
        if path.startswith("/articles/") or path in (
            "/feed.rss",
            "/feed.atom",
            "/sitemap.xml",
            "/sitemap_index.xml",
            "/urls.txt",
        ):
            if not fixture.is_file() or ".." in path:
                return self._send(404, b"not found")
            return self._send(
                200, app.fixture(path.lstrip("/")), {"Content-Type": _CONTENT_TYPES[fixture.suffix]}
            )
        if path == "/robots.txt":
            time.sleep(app.robots_delay)
            if isinstance(app.robots, bytes):
                return self._send(200, app.robots)
            return self._send(app.robots or 404, b"robots status page")
        if path == "/sitemap-news.xml.gz":
            return self._send(
                200, gzip.compress(app.fixture("sitemap-news.xml")), {"Content-Type": "application/gzip"}
            )
        if path == "/encoded":
            enc = q.get("enc", "gzip")
            body = compress(app.fixture("articles/idlib-shelling.html"), enc)
            header = "deflate" if enc == "deflate-raw" else enc
            return self._send(
                200, body, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": header}
            )
        if path == "/truncated":  # promises the whole article, sends a third of it, closes
            body = app.fixture("articles/idlib-shelling.html")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._write(body[: len(body) // 3])
            self.close_connection = True
            return None
        if path == "/bomb":
            enc = q.get("enc", "gzip")
            return self._send(200, app.bomb(enc), {"Content-Type": "text/html", "Content-Encoding": enc})
        if path == "/big":
            return self._big(int(q.get("size", "0")), q.get("length", "1") == "1", q.get("chunked") == "1")
        if path == "/slow":
            time.sleep(float(q.get("delay", "2")))
            return self._send(200, b"finally")
        if path == "/drip":
            n, interval = int(q.get("n", "10")), float(q.get("interval", "0.2"))
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            for _ in range(n):
                if not self._write(b"x"):
                    return None
                time.sleep(interval)
            return None
        if path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            if n <= 0:
                return self._send(
                    200,
                    app.fixture("articles/idlib-shelling.html"),
                    {"Content-Type": _CONTENT_TYPES[".html"]},
                )
            return self._send(302, b"", {"Location": f"/redirect/{n - 1}"})
        if path == "/redirect-to":
            return self._send(int(q.get("code", "302")), b"", {"Location": q["url"]})
        if path == "/flaky":
            if count <= int(q.get("fail", "1")):
                code = int(q.get("code", "500"))
                headers = {"Retry-After": q["retry_after"]} if "retry_after" in q else {}
                return self._send(code, b"try again", headers)
            return self._send(200, f"ok after {count} requests".encode())
        if path.startswith("/status/"):
            return self._send(int(path.rsplit("/", 1)[1]), b"status page")
        if path == "/echo-headers":
            return self._send(
                200, json.dumps(dict(self.headers.items())).encode(), {"Content-Type": "application/json"}
            )
        return self._send(404, b"no such route")

    def _big(self, size: int, with_length: bool, chunked: bool) -> None:
        block = b"x" * 65536
        if chunked:
            self.protocol_version = "HTTP/1.1"
            self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
        elif with_length:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        sent = 0
        while sent < size:
            piece = block[: min(len(block), size - sent)]
            data = f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece
            if not self._write(data):
                return
            sent += len(piece)
        if chunked:
            self._write(b"0\r\n\r\n")


def loopback_policy(**changes: object) -> FetchPolicy:
    """A policy for tests: 127.0.0.1 allow-listed, small timeouts, no retries or delays unless asked."""
    values: dict[str, object] = {
        "connect_timeout": 2.0,
        "read_timeout": 0.5,
        "total_timeout": 5.0,
        "max_bytes": 1024 * 1024,
        "max_decompressed_bytes": 2 * 1024 * 1024,
        "max_redirects": 3,
        "politeness_delay_s": 0.0,
        "retries": 0,
        "backoff_s": 0.01,
        "allow_hosts": ("127.0.0.1",),
    }
    values.update(changes)
    return FetchPolicy(**values)  # type: ignore[arg-type]


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (cert.pem, key.pem), made with cryptography."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "conflictwatch test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@contextmanager
def running_server(tls: tuple[Path, Path] | None = None) -> Iterator[LoopbackServer]:
    server = LoopbackServer(tls).start()
    try:
        yield server
    finally:
        server.stop()

"""`make reliability`: nothing lost, nothing doubled, nothing different.

Runs the `conflictwatch` CLI, as a user would, on the seeds, a sample of FA-KES (when
../shared/corpora/fa-kes is there) and a generated hostile corpus, then injects faults and
checks every promise of the README's Reliability section:

  inputs     every input file, manifest row and corpus row ends up kept (raw.documents) or
             quarantined with a reason (raw.ingest_errors): lost must be 0; each hostile case
             is also tagged alone in a child process, with its time and peak memory bounded;
  faults     SIGKILL of the CLI at several points of a run (early, after the first batch file,
             twice during dbt, while the analyst copy is written), SIGKILL of one of its batch
             workers, SIGKILL of its dbt process, a full
             disk (RLIMIT_FSIZE), the warehouse lock held by another process, a loopback HTTP
             source that stalls, resets, truncates or serves garbage: each must end, after a
             plain re-run (or once the source heals), with every table identical to a clean
             run's (a hash of each raw and mart table, loaded_at left out);
  determinism the same inputs in batches of 7 instead of 50, and a second run on the same
             warehouse, give identical tables;
  readers    an analyst reading the published copy in a loop during a run: 0 failed reads.

    python scripts/reliability.py [--sample 100] [--work data/reliability] [--quick]

Exits non-zero when a promise is broken. Writes the table to <work>/report.md and report.json.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import gzip
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FAKES = REPO.parent / "shared" / "corpora" / "fa-kes" / "FA-KES-Dataset.csv"
SEEDS = REPO / "include" / "seeds"
CASE_SECONDS = 120  # bound on one hostile input, read + extract + tag, alone in a process
CASE_MB = 2500  # bound on that process's peak resident memory (spaCy and its model included)

# --------------------------------------------------------------------------- hostile corpus


@dataclass(frozen=True)
class Expect:
    kind: str  # what the input is, for the table
    outcome: str  # kept | quarantined
    reason: str = ""  # error_class when quarantined


def _seed_text(index: int = 0) -> str:
    return sorted(SEEDS.glob("*.txt"))[index].read_text(encoding="utf-8")


def _western(text: str) -> str:
    """A seed as Latin-1 can hold it (curly quotes and dashes made plain), with accents added."""
    table = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "}
    plain = "".join(table.get(ch, ch) for ch in text)
    plain = "".join(ch if ord(ch) < 256 else "?" for ch in plain)
    return plain + "\nThe caf\u00e9 owner in Ma'arrat al-Nu'man said the na\u00efve hope of a truce was gone.\n"


def make_hostile(folder: Path) -> dict[str, Expect]:
    """Write the hostile corpus into `folder`; return each input's expected outcome by name."""
    folder.mkdir(parents=True, exist_ok=True)
    text = _seed_text(1)
    western = _western(_seed_text(2))
    expect: dict[str, Expect] = {}

    def put(name: str, data: bytes, exp: Expect) -> None:
        (folder / name).write_bytes(data)
        expect[name] = exp

    put("empty.txt", b"", Expect("empty file", "quarantined", "EmptyContent"))
    put("whitespace.txt", b" \n\t\r\n  \n", Expect("whitespace only", "quarantined", "EmptyContent"))
    put("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(4000),
        Expect("binary bytes named .txt", "quarantined", "BinaryContent"))
    put("report.pdf", b"%PDF-1.4\n" + text.encode(), Expect("wrong extension (.pdf)", "quarantined", "UnsupportedFileType"))
    put("corrupt.txt.gz", b"\x1f\x8b\x08\x00" + random.Random(2).randbytes(500),
        Expect("corrupt gzip", "quarantined", "BadGzip"))
    whole = gzip.compress(text.encode(), mtime=0)
    put("truncated.txt.gz", whole[: len(whole) // 2], Expect("truncated gzip", "quarantined", "BadGzip"))
    put("bomb.html.gz", gzip.compress(b"<p>" + b"a" * 60_000_000, compresslevel=9, mtime=0),
        Expect("gzip bomb (60 MB inside)", "quarantined", "TooLarge"))
    put("script-only.html", (
        "<html><head><title>Live</title><script>" + "var x = 1;" * 2000 + "</script></head>"
        "<body><script>document.write('loading')</script><noscript>Enable JavaScript</noscript></body></html>"
    ).encode(), Expect("script-only page", "quarantined", "NoMainText"))
    put("latin1.txt", western.encode("latin-1"), Expect("Latin-1", "kept"))
    put("cp1252.txt", (text + "\n\u201cWe fled at night,\u201d a resident said \u2013 caf\u00e9s were shut.\n").encode("cp1252",
        errors="replace"), Expect("Windows-1252", "kept"))
    # (a line added: the same text in another encoding would rightly be the seed's document again)
    put("utf16-bom.txt", codecs.BOM_UTF16_LE + (_seed_text(3) + "\nSaved as UTF-16.\n").encode("utf-16-le"),
        Expect("UTF-16 with BOM", "kept"))
    put("utf16-nobom.txt", (_seed_text(4) + "\nSaved as UTF-16.\n").encode("utf-16-be"), Expect("UTF-16 without BOM", "kept"))
    put("mixed-rtl.txt", (
        "\u202bقصف على أريحا\u202c Shelling hit Ariha in Idlib on Monday, killing three civilians, "
        "the White Helmets (\u0627\u0644\u062e\u0648\u0630 \u0627\u0644\u0628\u064a\u0636\u0627\u0621) said. "
        "Обстрел \u05d4\u05e4\u05d2\u05d6\u05d4 \u4e2d\u6587 \U0001F600 \u200f\u200e mixed scripts.\n" + text
    ).encode(), Expect("mixed scripts, right-to-left", "kept"))
    noisy = "".join(ch + ("\u200b" if i % 7 == 0 else "\u00ad" if i % 11 == 0 else "\ufeff" if i % 97 == 0 else "")
                    for i, ch in enumerate(text))
    put("zero-width.txt", noisy.encode(), Expect("zero-width and soft-hyphen noise", "kept"))
    put("giant-token.txt", (text + "\n" + "A" * 300_000 + "\n").encode(), Expect("giant token (300,000 chars)", "kept"))
    para = "<p>" + " ".join(["Shelling hit the village again, residents said."] * 20) + "</p>\n"
    big = "<html><body><article>" + para * (25 * 1024 * 1024 // len(para) + 1) + "</article></body></html>"
    put("page-25mb.html", big.encode(), Expect("25 MB page", "quarantined", "TooLarge"))
    depth = 200_000
    put("deep-nesting.html", ("<html><body>" + "<div>" * depth + "<p>" + text.replace("\n", " ") + "</p>"
                              + "</div>" * depth + "</body></html>").encode(),
        Expect("200,000-deep nesting", "quarantined", "NoMainText"))
    # over the one-piece size: tagged in pieces (nlp/pieces.py); over the cap: refused before spaCy
    put("long-520k.txt", ((text + "\n\n") * (520_000 // (len(text) + 2) + 1)).encode(),
        Expect("520,000-character text (6 pieces)", "kept"))
    put("long-2.5m.txt", ((text + "\n\n") * (2_500_000 // (len(text) + 2) + 1)).encode(),
        Expect("2.5-million-character text", "quarantined", "TextTooLong"))
    put("dup-a.txt", _seed_text(0).encode(), Expect("duplicate content (name 1)", "kept"))
    put("dup-b.txt", _seed_text(0).encode(), Expect("duplicate content (name 2)", "kept"))
    rows = [
        ("latin1.txt", "2020-02-30", "impossible date"),
        ("cp1252.txt", "2020-01-21", "good row"),
        ("ghost.txt", "2020-01-21", "missing file"),
        ("whitespace.txt", "13/45/2020", "impossible date"),
    ]
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "published_date", "source_name"])
        for name, date, _ in rows:
            writer.writerow([name, date, "Hostile Wire"])
    expect["ghost.txt"] = Expect("manifest row, missing file", "quarantined", "ManifestError")
    expect["manifest:latin1.txt"] = Expect("manifest row, impossible date", "kept")
    return expect


def fakes_sample(destination: Path, n: int) -> Path | None:
    """Every k-th FA-KES row (a fixed rule, no randomness), as a corpus CSV; None without FA-KES."""
    if n <= 0 or not FAKES.exists():
        return None
    csv.field_size_limit(64 * 1024 * 1024)
    with FAKES.open(newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        fields = reader.fieldnames or []
    step = max(1, len(rows) // n)
    sample = rows[::step][:n]
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(sample)
    return destination


# --------------------------------------------------------------------------- tables and accounting


def table_hashes(warehouse: Path, schemas: tuple[str, ...] = ("raw", "marts")) -> dict[str, str]:
    """sha256 of each table's rows (sorted; loaded_at left out: it is when, not what)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute(
            f"""select table_schema, table_name from information_schema.tables
                where table_schema in ({", ".join(f"'{s}'" for s in schemas)}) order by 1, 2"""
        ).fetchall()
        out = {}
        for schema, table in tables:
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
                " order by ordinal_position", [schema, table]).fetchall() if c != "loaded_at"]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = sorted(repr(r) for r in con.execute(f'select {select} from "{schema}"."{table}"').fetchall())
            digest = hashlib.sha256()
            digest.update(repr(columns).encode())
            for r in rows:
                digest.update(r.encode())
                digest.update(b"\n")
            out[f"{schema}.{table}"] = digest.hexdigest()
        return out
    finally:
        con.close()


def expected_inputs(folders: list[Path], corpora: list[Path]) -> list[str]:
    """Every input a run was given, as the source_uri the pipeline records for it."""
    from conflictwatch.sources import _IGNORED_NAMES, MANIFEST_NAME, read_manifest

    uris = []
    for folder in folders:
        folder = folder.resolve()
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name not in _IGNORED_NAMES | {MANIFEST_NAME}:
                uris.append(str(path))
        entries, _ = read_manifest(folder)
        uris += [str(folder / name) for name in entries if not (folder / name).exists()]
    csv.field_size_limit(64 * 1024 * 1024)
    for corpus in corpora:
        corpus = corpus.resolve()
        with corpus.open(newline="", encoding="utf-8") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=1):
                uris.append(f"{corpus}#{row.get('unit_id') or row.get('id') or n}")
    return uris


def account(warehouse: Path, uris: list[str]) -> dict[str, tuple[str, str]]:
    """source_uri -> (kept | quarantined | lost, reason)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        kept = {u for (u,) in con.execute("select source_uri from raw.documents").fetchall()}
        errors: dict[str, list[str]] = {}
        for uri, cls in con.execute("select source_uri, error_class from raw.ingest_errors order by 1, 2").fetchall():
            errors.setdefault(uri, []).append(cls)
    finally:
        con.close()
    out = {}
    for uri in uris:
        if uri in kept:
            out[uri] = ("kept", ",".join(errors.get(uri, [])))
        elif uri in errors:
            out[uri] = ("quarantined", ",".join(errors[uri]))
        else:
            out[uri] = ("lost", "")
    return out


# --------------------------------------------------------------------------- running the CLI


@dataclass
class Run:
    returncode: int | None
    seconds: float
    stdout: str = ""
    stderr: str = ""
    killed: str = ""


@dataclass
class Workspace:
    root: Path
    inputs: list[Path]
    batch_size: int = 50
    extra_env: dict[str, str] = field(default_factory=dict)
    clean_seconds: float = 60.0

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "warehouse_analyst.duckdb"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "CONFLICTWATCH_DATA_DIR": str(self.root / "data"),
            "CONFLICTWATCH_WAREHOUSE": str(self.warehouse),
            "CONFLICTWATCH_BATCH_SIZE": str(self.batch_size),
            "DO_NOT_TRACK": "1",
        })
        env.update(self.extra_env)
        return env

    def command(self) -> list[str]:
        cmd = [str(BIN / "conflictwatch"), "run", "--warehouse", str(self.warehouse)]
        for i in self.inputs:
            cmd += ["--input", str(i)]
        return cmd

    def start(self, preexec=None) -> subprocess.Popen:
        self.root.mkdir(parents=True, exist_ok=True)
        return subprocess.Popen(self.command(), env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=preexec, start_new_session=True)

    def run(self, timeout: float = 1800, preexec=None) -> Run:
        started = time.monotonic()
        proc = self.start(preexec)
        out, err = proc.communicate(timeout=timeout)
        return Run(proc.returncode, time.monotonic() - started, out, err)


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
    return out


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        found += kids
        todo += kids
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def kill_when(ws: Workspace, point: str, timeout: float = 1800) -> Run:
    """Start a run and SIGKILL its whole process group when it reaches `point` (KILL_POINTS)."""
    started = time.monotonic()
    proc = ws.start()
    check = KILL_POINTS[point]
    dbt_since: list[float] = []
    while proc.poll() is None and time.monotonic() - started < timeout:
        if check(ws, proc, started, dbt_since):
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            return Run(proc.returncode, time.monotonic() - started, out, err,
                       killed=f"{time.monotonic() - started:.0f} s into the run")
        time.sleep(0.05)
    out, err = proc.communicate()
    return Run(proc.returncode, time.monotonic() - started, out, err, killed=f"finished before {point}")


def _dbt_running_for(seconds: float):
    def check(ws: Workspace, proc: subprocess.Popen, started: float, since: list[float]) -> bool:
        if not since and any("dbt" in _cmdline(p) for p in _descendants(proc.pid)):
            since.append(time.monotonic())
        return bool(since) and time.monotonic() - since[0] >= seconds
    return check


KILL_POINTS = {
    # early: spaCy loading, reading and extracting
    "at 15% of a clean run's time": lambda ws, proc, started, since: time.monotonic() - started >= ws.clean_seconds * 0.15,
    # tagging: the first batch file is written, others are not
    "after the first batch file": lambda ws, proc, started, since: any((ws.root / "data" / "batches").glob("*/batch-*.parquet")),
    "5 s into dbt": _dbt_running_for(5),
    "20 s into dbt": _dbt_running_for(20),
    # late: the analyst copy half written
    "while publishing the analyst copy": lambda ws, proc, started, since: any(ws.root.glob(".warehouse_analyst.duckdb.tmp-*")),
}


def kill_dbt(ws: Workspace, after: float = 4.0, timeout: float = 1800) -> Run:
    """Start a run; once its dbt child has run `after` seconds, SIGKILL only that child."""
    started = time.monotonic()
    proc = ws.start()
    killed = ""
    dbt_seen = None
    while proc.poll() is None and time.monotonic() - started < timeout:
        dbt = [p for p in _descendants(proc.pid) if "/dbt " in _cmdline(p) or _cmdline(p).startswith("dbt ")]
        if dbt and dbt_seen is None:
            dbt_seen = time.monotonic()
        if dbt and dbt_seen is not None and time.monotonic() - dbt_seen >= after:
            for pid in dbt:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            killed = f"dbt (pid {dbt[0]}) killed {after:.0f} s into its build"
            break
        time.sleep(0.2)
    out, err = proc.communicate(timeout=timeout)
    return Run(proc.returncode, time.monotonic() - started, out, err, killed=killed or "dbt never seen")


def pool_workers(pid: int) -> list[int]:
    """The batch workers of a run: its forked children running the same command (not dbt's)."""
    command = _cmdline(pid)
    return [p for p in _children(pid) if _cmdline(p) == command]


def kill_worker(ws: Workspace, timeout: float = 1800) -> Run:
    """Start a run with two workers; once the first batch file is written (other batches still
    being tagged), SIGKILL one batch worker only, not the run."""
    started = time.monotonic()
    proc = ws.start()
    killed = ""
    while proc.poll() is None and time.monotonic() - started < timeout:
        workers = pool_workers(proc.pid)
        if workers and any((ws.root / "data" / "batches").glob("*/batch-*.parquet")):
            with contextlib.suppress(ProcessLookupError):
                os.kill(workers[-1], signal.SIGKILL)
            killed = f"batch worker (pid {workers[-1]}, one of {len(workers)}) killed after the first batch file"
            break
        time.sleep(0.05)
    out, err = proc.communicate(timeout=timeout)
    return Run(proc.returncode, time.monotonic() - started, out, err, killed=killed or "no batch worker seen")


def _full_disk(limit: int):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


class Reader(threading.Thread):
    """An analyst reading the published copy in a loop: every mart's row count, each time anew."""

    def __init__(self, published: Path):
        super().__init__(daemon=True)
        self.published, self.stop_event = published, threading.Event()
        self.reads = self.failures = 0
        self.errors: list[str] = []
        self.table_sets: set[tuple[str, ...]] = set()

    def run(self) -> None:
        import duckdb

        while not self.stop_event.is_set():
            try:
                con = duckdb.connect(str(self.published), read_only=True)
                try:
                    tables = tuple(t for (t,) in con.execute(
                        "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
                    ).fetchall())
                    for t in tables:
                        con.execute(f'select count(*) from marts."{t}"').fetchone()
                    self.table_sets.add(tables)
                finally:
                    con.close()
                self.reads += 1
            except Exception as exc:
                self.failures += 1
                self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            time.sleep(0.05)


# --------------------------------------------------------------------------- loopback HTTP source


class _Handler(BaseHTTPRequestHandler):
    healed = False
    page = b""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if self.healed or path == "/ok.html":
            self._send(self.page)
        elif path == "/stall.html":
            time.sleep(5)
            self._send(self.page)
        elif path == "/reset.html":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
        elif path == "/truncated.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.page)))
            self.end_headers()
            self.wfile.write(self.page[: len(self.page) // 3])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        elif path == "/garbage.html":
            self._send(random.Random(3).randbytes(20_000))
        else:
            self._send(b"not found", 404)

    def _send(self, body: bytes, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


HTTP_CASES = {
    "/ok.html": "a good page",
    "/stall.html": "stalls past the read timeout",
    "/reset.html": "connection reset",
    "/truncated.html": "closes after a third of its Content-Length",
    "/garbage.html": "random bytes as text/html",
}


def http_source(work: Path) -> dict:
    """Fetch each loopback URL through the pipeline's batch step and loader; then heal and re-run."""
    import html

    from conflictwatch.config import get_settings
    from conflictwatch.ingest import process_batch
    from conflictwatch.load import load_batches
    from conflictwatch.records import SourceItem

    title, _, body = _seed_text(1).partition("\n")
    _Handler.page = (f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body><article>"
                     + "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
                     + "</article></body></html>").encode()
    _Handler.healed = False
    sources = work / "sources.yml"
    sources.parent.mkdir(parents=True, exist_ok=True)
    sources.write_text("sources: []\nfetch:\n  connect_timeout: 2\n  read_timeout: 1\n  total_timeout: 4\n"
                       "  retries: 1\n  backoff_s: 0.1\n  politeness_delay_s: 0\n  allow_hosts: ['127.0.0.1']\n")
    settings = get_settings(data_dir=work / "data", warehouse=work / "warehouse.duckdb", sources_file=sources)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    result: dict = {}
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        items = [SourceItem(source_uri=base + p, kind="url", url=base + p) for p in HTTP_CASES]
        for phase in ("faulty", "healed"):
            _Handler.healed = phase == "healed"
            started = time.monotonic()
            batch = process_batch(items, settings, work / "data" / "batches" / phase)
            load_batches([batch], settings.warehouse)
            outcome = account(settings.warehouse, [i.source_uri for i in items])
            result[phase] = {
                "seconds": round(time.monotonic() - started, 1),
                "cases": {p: outcome[base + p] for p in HTTP_CASES},
            }
    finally:
        server.shutdown()
        server.server_close()
    return result


# --------------------------------------------------------------------------- one case alone


def case_worker(paths: list[str]) -> int:
    """Child mode: read, extract and tag each file alone; print one JSON line per file."""
    from conflictwatch.config import get_settings
    from conflictwatch.extract import extract_item
    from conflictwatch.nlp.pipeline import annotate, load_nlp
    from conflictwatch.records import IngestError, SourceItem, error_from_exception

    settings = get_settings()
    nlp = load_nlp(settings.spacy_model, str(settings.reference_dir))
    for path in paths:
        started = time.monotonic()
        item = SourceItem(source_uri=path, kind="file", path=path)
        try:
            doc = extract_item(item, None, settings)
            ((_, result),) = list(annotate([doc], nlp, piece_chars=settings.piece_chars))
            outcome = ("quarantined", result.error_class) if isinstance(result, IngestError) else ("kept", "")
        except Exception as exc:
            err = error_from_exception(path, "extract", exc)
            outcome = ("quarantined", err.error_class)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"path": path, "seconds": round(time.monotonic() - started, 2),
                          "peak_mb": round(rss_mb), "outcome": outcome}), flush=True)
    return 0


def cases_alone(folder: Path, names: list[str]) -> dict[str, dict]:
    """Each case in its own child process (model loading not counted), killed past CASE_SECONDS."""
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (8 * 1024**3, 8 * 1024**3))

    out: dict[str, dict] = {}
    for name in names:
        path = folder / name
        if not path.exists():
            continue
        try:
            proc = subprocess.run([sys.executable, __file__, "--case-worker", str(path)], capture_output=True,
                                  text=True, timeout=CASE_SECONDS + 90, preexec_fn=limits)
        except subprocess.TimeoutExpired:
            out[name] = {"path": str(path), "seconds": f">{CASE_SECONDS}", "peak_mb": None,
                         "outcome": ["timeout", f"still tagging after {CASE_SECONDS} s, killed"]}
            continue
        rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        out[name] = rows[-1] if rows else {"path": str(path), "seconds": None, "peak_mb": None,
                                           "outcome": ["crashed", proc.stderr[-300:]]}
    return out


# --------------------------------------------------------------------------- the whole check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default=str(REPO / "data" / "reliability"))
    parser.add_argument("--sample", type=int, default=100, help="FA-KES articles (0: none)")
    parser.add_argument("--quick", action="store_true", help="no FA-KES, one kill point")
    parser.add_argument("--case-worker", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case_worker is not None:
        return case_worker(args.case_worker)

    work = Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    hostile = corpus / "hostile"
    expect = make_hostile(hostile)
    seeds = Path(shutil.copytree(SEEDS, corpus / "seeds"))
    fakes = None if args.quick else fakes_sample(corpus / "fa-kes-sample.csv", args.sample)
    inputs = [seeds, hostile, *([fakes] if fakes else [])]
    uris = expected_inputs([seeds, hostile], [fakes] if fakes else [])
    report: dict = {"inputs": {}, "faults": [], "determinism": [], "readers": {}, "cases": {}}
    broken: list[str] = []
    print(f"reliability: {len(uris)} inputs (seeds, hostile corpus{', FA-KES sample of ' + str(args.sample) if fakes else ''});"
          f" work folder {work}", flush=True)

    # 1. Each hostile case alone, bounded
    t = time.monotonic()
    cases = cases_alone(hostile, [n for n in expect if not n.startswith("manifest:") and n != "ghost.txt"])
    report["cases"] = cases
    for name, row in cases.items():
        if not isinstance(row["seconds"], float | int) or row["seconds"] > CASE_SECONDS or row["peak_mb"] > CASE_MB:
            broken.append(f"{name}: {row['seconds']} s, {row['peak_mb']} MB, {row['outcome']}: over the bound")
    print(f"  hostile cases alone: {len(cases)} in {time.monotonic() - t:.0f} s", flush=True)

    # 2. A clean run: the reference
    clean = Workspace(work / "clean", inputs)
    first = clean.run()
    if first.returncode != 0:
        print(first.stdout[-3000:], first.stderr[-3000:])
        print("the clean run failed; nothing else to compare against")
        return 1
    reference = table_hashes(clean.warehouse)
    outcome = account(clean.warehouse, uris)
    print(f"  clean run: {first.seconds:.0f} s, {len(reference)} tables", flush=True)

    def compare(label: str, ws: Workspace, fault: str, run: Run, recovered: Run | None) -> None:
        final = recovered or run
        same = final.returncode == 0 and table_hashes(ws.warehouse) == reference
        differing = [] if final.returncode != 0 else [
            k for k, v in table_hashes(ws.warehouse).items() if reference.get(k) != v]
        row = {"fault": label, "injected": fault, "first_exit": run.returncode,
               "recovered": final.returncode == 0, "identical": same, "differing": differing,
               "seconds": round(run.seconds + (recovered.seconds if recovered else 0), 1)}
        report["faults"].append(row)
        if not same:
            broken.append(f"{label}: recovered={row['recovered']} differing={differing} {final.stderr[-500:]}")
        print(f"  {label}: {fault}; exit {run.returncode}; recovered {row['recovered']}; identical {same}", flush=True)

    # 3. Determinism: the same warehouse again (with readers on the published copy), other batch sizes
    reader = Reader(clean.published)
    reader.start()
    again = clean.run()
    reader.stop_event.set()
    reader.join()
    report["readers"] = {"reads": reader.reads, "failures": reader.failures, "errors": reader.errors[:5],
                         "distinct_table_sets": len(reader.table_sets)}
    if reader.failures or reader.reads == 0 or len(reader.table_sets) != 1:
        broken.append(f"analyst reads: {reader.failures} failures of {reader.reads}, "
                      f"{len(reader.table_sets)} different sets of marts seen")
    same = again.returncode == 0 and table_hashes(clean.warehouse) == reference
    report["determinism"].append({"what": "second run on the same warehouse", "identical": same})
    small = Workspace(work / "batch7", inputs, batch_size=7)
    small_run = small.run()
    same7 = small_run.returncode == 0 and table_hashes(small.warehouse) == reference
    report["determinism"].append({"what": "batches of 7 instead of 50, new warehouse", "identical": same7})
    for row in report["determinism"]:
        if not row["identical"]:
            broken.append(f"determinism: {row['what']}")
    print(f"  re-run identical {same}; batch size 7 identical {same7}; analyst reads {reader.reads}, "
          f"failed {reader.failures}", flush=True)

    # 4. Faults
    points = ["after the first batch file"] if args.quick else list(KILL_POINTS)
    for i, point in enumerate(points):
        ws = Workspace(work / f"kill-{i}", inputs, clean_seconds=first.seconds)
        killed = kill_when(ws, point)
        compare(f"SIGKILL of the CLI {point}", ws, killed.killed, killed, ws.run())
        if killed.killed.startswith("finished"):
            broken.append(f"the kill point {point!r} was never reached")
    ws = Workspace(work / "kill-dbt", inputs)
    killed = kill_dbt(ws)
    compare("SIGKILL of dbt during its build", ws, killed.killed, killed, ws.run())
    ws = Workspace(work / "kill-worker", inputs, extra_env={"CONFLICTWATCH_WORKERS": "2"})
    killed = kill_worker(ws)
    compare("SIGKILL of one batch worker", ws, killed.killed, killed, ws.run())
    if killed.returncode == 0 or not killed.killed.startswith("batch worker"):
        broken.append(f"the batch-worker kill did not take: {killed.killed}, exit {killed.returncode}")
    ws = Workspace(work / "full-disk", inputs)
    full = ws.run(preexec=_full_disk(3 * 1024 * 1024))
    full.killed = "RLIMIT_FSIZE 3 MB (writes past it fail with EFBIG)"
    compare("full disk", ws, full.killed, full, ws.run())

    # the lock held by another process: refused at once with the holder named, tables untouched
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom conflictwatch.lock import warehouse_lock\n"
        "with warehouse_lock(sys.argv[1], timeout=5):\n    print('held', flush=True)\n    time.sleep(600)\n"),
        str(clean.warehouse)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    try:
        locked_ws = Workspace(clean.root, inputs, extra_env={"CONFLICTWATCH_LOCK_TIMEOUT": "3"})
        locked = locked_ws.run()
    finally:
        holder.kill()
        holder.wait()
    named = f"pid {holder.pid}" in locked.stderr
    untouched = table_hashes(clean.warehouse) == reference
    print(f"  lock held: exit {locked.returncode}; {locked.stderr.strip()[:160]}", flush=True)
    report["faults"].append({"fault": "warehouse lock held by another process",
                             "injected": f"holder pid {holder.pid}", "first_exit": locked.returncode,
                             "recovered": locked.returncode == 1 and named, "identical": untouched, "differing": [],
                             "seconds": round(locked.seconds, 1), "message": locked.stderr.strip()[:300]})
    if not (locked.returncode == 1 and named and untouched):
        broken.append(f"lock: exit {locked.returncode}, holder named {named}, untouched {untouched}")

    # a loopback HTTP source that stalls, resets, truncates or serves garbage
    http = http_source(work / "http")
    report["http"] = http
    lost_http = [p for p, (o, _) in http["faulty"]["cases"].items() if o == "lost"]
    healed = all(o == "kept" for o, _ in http["healed"]["cases"].values())
    report["faults"].append({"fault": "loopback HTTP source (stall, reset, truncated, garbage)",
                             "injected": ", ".join(f"{p}: {o} {r}".strip() for p, (o, r) in http["faulty"]["cases"].items()),
                             "first_exit": 0, "recovered": healed and not lost_http, "identical": None,
                             "differing": [], "seconds": http["faulty"]["seconds"] + http["healed"]["seconds"]})
    if lost_http or not healed:
        broken.append(f"http: lost {lost_http}, healed {healed}")
    print(f"  http source: {http['faulty']['cases']}; healed: all kept {healed}", flush=True)

    # 5. The inputs table
    by_name = {Path(u).name: u for u in uris}
    rows = []
    for name, exp in expect.items():
        if name.startswith("manifest:"):
            uri = by_name.get(name.split(":", 1)[1])
        else:
            uri = by_name.get(name) or str(hostile.resolve() / name)
        got, reason = outcome.get(uri, ("lost", ""))
        if name.startswith("manifest:"):
            reason = reason or "-"
        ok = got == exp.outcome and (not exp.reason or exp.reason in reason)
        alone = cases.get(name, {})
        rows.append({"input": name, "kind": exp.kind, "expected": exp.outcome, "outcome": got, "reason": reason,
                     "ok": ok, "seconds_alone": alone.get("seconds"), "peak_mb_alone": alone.get("peak_mb")})
        if not ok:
            broken.append(f"{name}: expected {exp.outcome} {exp.reason}, got {got} {reason}")
    report["inputs"]["hostile"] = rows
    totals: dict[str, dict[str, int]] = {}
    for uri, (got, _) in outcome.items():
        group = "seeds" if "/seeds/" in uri else "hostile" if "/hostile/" in uri else "FA-KES sample"
        totals.setdefault(group, {"inputs": 0, "kept": 0, "quarantined": 0, "lost": 0})
        totals[group]["inputs"] += 1
        totals[group][got] += 1
    report["inputs"]["totals"] = totals
    lost = sum(t["lost"] for t in totals.values())
    if lost:
        broken.append(f"lost {lost} inputs: {[u for u, (o, _) in outcome.items() if o == 'lost'][:5]}")
    report["duplicates"] = duplicates(clean.warehouse)
    if report["duplicates"]["documents"] != 1 or report["duplicates"]["doubled_incident_reports"]:
        broken.append(f"duplicates: {report['duplicates']}")

    text = format_report(report, broken)
    print(text)
    (work / "report.md").write_text(text + "\n")
    (work / "report.json").write_text(json.dumps(report, indent=2, default=str))
    return 1 if broken else 0


def duplicates(warehouse: Path) -> dict:
    """The seed carried three times (the seeds folder, dup-a.txt, dup-b.txt): one document, three sources."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sources = con.execute(
            """select count(*), count(distinct document_id) from marts.dim_document_sources
               where document_id in (select document_id from marts.dim_document_sources
                                     where source_uri like '%/hostile/dup-a.txt')"""
        ).fetchone()
        # reports from more than one copy of the text would be the same incidents told twice
        doubled = con.execute(
            """select count(distinct document_id) from marts.fct_incident_reports
               where document_id in (select source_document_id from marts.dim_document_sources
                                     where document_id in (select document_id from marts.dim_document_sources
                                                           where source_uri like '%/hostile/dup-a.txt'))"""
        ).fetchone()[0]
        doubled = max(0, doubled - 1)
    finally:
        con.close()
    return {"sources": sources[0], "documents": sources[1], "doubled_incident_reports": doubled}


def format_report(report: dict, broken: list[str]) -> str:
    lines = ["## Inputs", "", "| input | kind | outcome | reason | alone: s / peak MB |", "|---|---|---|---|---|"]
    for r in report["inputs"]["hostile"]:
        alone = f"{r['seconds_alone']} / {r['peak_mb_alone']}" if r["seconds_alone"] is not None else ""
        mark = "" if r["ok"] else " **(expected " + r["expected"] + ")**"
        lines.append(f"| {r['input']} | {r['kind']} | {r['outcome']}{mark} | {r['reason']} | {alone} |")
    lines += ["", "| inputs | tried | kept | quarantined | lost |", "|---|---|---|---|---|"]
    for group, t in report["inputs"]["totals"].items():
        lines.append(f"| {group} | {t['inputs']} | {t['kept']} | {t['quarantined']} | {t['lost']} |")
    d = report["duplicates"]
    lines += ["", f"Duplicate content: {d['sources']} sources -> {d['documents']} document; "
              f"copies whose incident reports were counted again: {d['doubled_incident_reports']}.", "",
              "## Faults", "", "| fault | injected | first exit | recovered | tables identical to a clean run | s |",
              "|---|---|---|---|---|---|"]
    for f in report["faults"]:
        identical = "n/a" if f["identical"] is None else ("yes" if f["identical"] else f"NO {f['differing']}")
        lines.append(f"| {f['fault']} | {f['injected']} | {f['first_exit']} | {'yes' if f['recovered'] else 'NO'} "
                     f"| {identical} | {f['seconds']} |")
    lines += ["", "## Determinism and readers", ""]
    for row in report["determinism"]:
        lines.append(f"- {row['what']}: {'identical' if row['identical'] else 'DIFFERENT'}")
    r = report["readers"]
    lines.append(f"- analyst reads of the published copy during a run: {r['reads']}, failed {r['failures']}, "
                 f"sets of marts seen {r['distinct_table_sets']}")
    recovered = sum(1 for f in report["faults"] if f["recovered"])
    lost = sum(t["lost"] for t in report["inputs"]["totals"].values())
    lines += ["", f"lost {lost}; faults recovered {recovered}/{len(report['faults'])}; "
              f"failed reads {r['failures']}; " + ("ALL PROMISES HELD" if not broken else "BROKEN:")]
    lines += [f"  - {b}" for b in broken]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""One run at a time on a warehouse: an advisory lock next to the DuckDB file.

`warehouse_lock(path, timeout)` takes an exclusive `flock` on `<warehouse>.lock` before any
work, waits at most `timeout` seconds for another holder, and then refuses with
WarehouseLocked, whose message names the holder (pid, host, start time, command) as written
into the lock file. The kernel drops the lock when its process dies, SIGKILL included, so a
crashed run never leaves a stale lock behind; the holder line left in the file is only
information. The lock is re-entrant within a process (the CLI holds it for the whole run
while load and dbt take it again), and one process's threads share it.

flock is reliable on local disks and on Docker volumes on one host; on NFS it depends on the
server, so the scale-out profile keeps the warehouse on a local volume (docker-compose.yml).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_TIMEOUT = float(os.environ.get("CONFLICTWATCH_LOCK_TIMEOUT", "30"))
_POLL = 0.1

_held: dict[str, tuple[int, int]] = {}  # lock path -> (fd, depth), for re-entry in one process
_guard = threading.RLock()


class WarehouseLocked(RuntimeError):
    """Another process holds the warehouse; the message says which."""

    def __init__(self, warehouse: Path, holder: dict | None, waited: float):
        self.warehouse, self.holder, self.waited = warehouse, holder or {}, waited
        who = describe(self.holder)
        super().__init__(
            f"warehouse {warehouse} is in use by {who}; waited {waited:.0f} s. "
            "Wait for that run to finish (or stop it), then run again; "
            "CONFLICTWATCH_LOCK_TIMEOUT sets how long to wait."
        )


def lock_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse).resolve()
    return warehouse.with_name(warehouse.name + ".lock")


def describe(holder: dict) -> str:
    if not holder:
        return "another process (no holder recorded)"
    return (
        f"pid {holder.get('pid', '?')} on host {holder.get('host', '?')}, started {holder.get('started', '?')}"
        f" ({holder.get('command', '?')})"
    )


def read_holder(warehouse: Path) -> dict:
    try:
        return json.loads(lock_path(warehouse).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def _write_holder(fd: int) -> None:
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "command": " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv[:4]))[:200],
    }
    data = json.dumps(holder).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


@contextlib.contextmanager
def warehouse_lock(warehouse: Path | str, timeout: float | None = None) -> Iterator[Path]:
    """Hold the warehouse's lock for the block; WarehouseLocked after `timeout` seconds."""
    path = lock_path(Path(warehouse))
    key = str(path)
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if not reentered:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                waited = time.monotonic() - started
                if waited >= timeout:
                    os.close(fd)
                    raise WarehouseLocked(Path(warehouse), read_holder(Path(warehouse)), waited) from None
                time.sleep(_POLL)
        _write_holder(fd)
        with _guard:
            _held[key] = (fd, 1)
    try:
        yield path
    finally:
        with _guard:
            fd, depth = _held[key]
            if depth > 1:
                _held[key] = (fd, depth - 1)
            else:
                del _held[key]
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

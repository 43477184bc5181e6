"""Start long-running commands in their own session and stop them with everything they spawned.

Airflow's components fork workers and task processes; a plain SIGTERM to the parent can
leave them running. Each command here leads its own process group (start_new_session), so
stopping signals the whole group, waits, then SIGKILLs whatever is left, including any
descendant that moved to a group of its own (found by walking the process tree first).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import psutil


def start(cmd: Sequence[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("ab")
    return subprocess.Popen(
        list(cmd), env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _group_members(pgids: set[int]) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(proc.pid) in pgids:
                found.append(proc)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def _alive(procs: Iterable[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            continue
    return alive


def stop(procs: Sequence[subprocess.Popen], grace: float = 20.0) -> list[str]:
    """SIGTERM each group, wait up to `grace` s, SIGKILL leftovers; returns what survived (should be [])."""
    pgids = {p.pid for p in procs}
    known: dict[int, psutil.Process] = {}
    for p in procs:
        for q in _tree(p.pid):
            known[q.pid] = q
    for pgid in pgids:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        for p in procs:
            p.poll()
        if not _alive([*known.values(), *_group_members(pgids)]):
            break
        time.sleep(0.5)
    for q in _alive([*known.values(), *_group_members(pgids)]):
        with contextlib.suppress(psutil.NoSuchProcess):
            q.kill()
    for p in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=10)
    time.sleep(0.5)
    return [f"{q.pid} {' '.join(q.cmdline())[:120]}" for q in _alive([*known.values(), *_group_members(pgids)])]

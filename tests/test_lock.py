"""Two runs at once on one warehouse: the second waits a bounded time, then refuses, naming the holder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conflictwatch import cli, lock
from conflictwatch.lock import WarehouseLocked, read_holder, warehouse_lock

HOLD = """
import sys, time
from conflictwatch.lock import warehouse_lock
with warehouse_lock(sys.argv[1], timeout=5):
    print("held", flush=True)
    time.sleep(60)
"""


def hold_in_other_process(warehouse: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_holder_waits_then_refuses_naming_the_holder(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold_in_other_process(warehouse)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseLocked) as info, warehouse_lock(warehouse, timeout=0.5):
            pass
        assert 0.4 < time.monotonic() - started < 5
        message = str(info.value)
        assert f"pid {holder.pid}" in message
        assert socket.gethostname() in message
        assert "started 20" in message
        assert read_holder(warehouse)["pid"] == holder.pid
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold_in_other_process(warehouse)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with warehouse_lock(warehouse, timeout=2):
        assert read_holder(warehouse)["pid"] == os.getpid()


def test_reentrant_in_one_process(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with warehouse_lock(warehouse, timeout=0), warehouse_lock(warehouse, timeout=0):
        pass
    with warehouse_lock(warehouse, timeout=0):  # released after the outer block
        pass


def test_cli_refuses_before_any_work(tmp_path, monkeypatch, capsys):
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setattr(lock, "DEFAULT_TIMEOUT", 0.3)
    holder = hold_in_other_process(warehouse)
    try:
        article = tmp_path / "a.txt"
        article.write_text("Shelling killed two civilians in Sarmin on Monday.\n")
        rc = cli.main(["run", "--input", str(article), "--warehouse", str(warehouse)])
    finally:
        holder.kill()
        holder.wait()
    assert rc == 1  # the exit-code contract: the run failed (README, "Exit codes")
    err = capsys.readouterr().err
    assert "run refused" in err and f"pid {holder.pid}" in err
    assert not warehouse.exists()  # nothing was done


def _locked_dbt(warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONFLICTWATCH_WAREHOUSE": str(warehouse), "CONFLICTWATCH_LOCK_TIMEOUT": "0.5"}
    executable = Path(sys.executable).with_name("conflictwatch-dbt")
    return subprocess.run([str(executable), *args], env=env, capture_output=True, text=True, timeout=300)


def test_the_dbt_of_the_airflow_tasks_takes_the_warehouse_lock(tmp_path):
    # GIVEN the warehouse held by another run
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold_in_other_process(warehouse)
    try:
        # WHEN the Cosmos tasks' dbt executable is called
        refused = _locked_dbt(warehouse, "--version")
    finally:
        holder.kill()
        holder.wait()
    # THEN it refuses before dbt starts, naming the holder; once free, dbt runs and its exit code is passed on
    assert refused.returncode == 1 and f"pid {holder.pid}" in refused.stderr and "dbt" not in refused.stdout.lower()
    free = _locked_dbt(warehouse, "--version")
    assert free.returncode == 0 and "core" in (free.stdout + free.stderr).lower()
    assert _locked_dbt(warehouse, "no-such-command").returncode != 0

"""The dbt part of transform_dbt: a Cosmos DbtTaskGroup (each model a task) or one `dbt build`.

Modes (CONFLICTWATCH_DBT_MODE; docs/orchestration.md has the measurements behind the default):
  watcher  Cosmos ExecutionMode.WATCHER: one `dbt build` (the producer task, in the
           one-slot `warehouse` pool) while every model and seed shows as its own task that
           watches the producer's results. One process opens DuckDB, so nothing collides.
  local    Cosmos ExecutionMode.LOCAL: one dbt invocation per model/test task, all in the
           `warehouse` pool so they queue instead of colliding on the DuckDB file lock.
  build    one plain task running `dbt build` (no per-model view in the UI).

Paths come from conflictwatch.config (environment variables with defaults); the profile is
dbt_project/profiles.yml, whose warehouse path is an env_var the tasks always set.

The Cosmos tasks run dbt through `conflictwatch-dbt` (locked_dbt_main), which holds the
warehouse's file lock (conflictwatch.lock) for the whole dbt call, as the CLI's load and dbt
do: the Airflow pool serialises Airflow's own tasks, the lock also a CLI run on the same file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from conflictwatch.config import get_settings

MODES = ("watcher", "local", "build")
DEFAULT_MODE = "watcher"


def dbt_mode() -> str:
    mode = os.environ.get("CONFLICTWATCH_DBT_MODE", DEFAULT_MODE).strip().lower()
    if mode not in MODES:
        raise ValueError(f"CONFLICTWATCH_DBT_MODE={mode!r}: use one of {', '.join(MODES)}")
    return mode


def dbt_env() -> dict[str, str]:
    """What dbt needs whatever its working directory (Cosmos runs it in a temporary copy)."""
    s = get_settings()
    return {
        "CONFLICTWATCH_WAREHOUSE": str(s.warehouse),
        "CONFLICTWATCH_REFERENCE_DIR": str(s.reference_dir),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # dbt's debug-level log file costs about a tenth of a build's CPU (conflictwatch.transform)
        "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", "info"),
    }


def dbt_executable() -> str:
    """dbt beside this interpreter (conflictwatch.transform's rule, without importing duckdb)."""
    import sys

    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


LOCKED_DBT = "conflictwatch-dbt"


def locked_dbt_executable() -> str:
    """`conflictwatch-dbt` beside this interpreter (pyproject's script), else on PATH."""
    import sys

    candidate = Path(sys.executable).with_name(LOCKED_DBT)
    return str(candidate) if candidate.exists() else LOCKED_DBT


def locked_dbt_main(argv: list[str] | None = None) -> int:
    """`conflictwatch-dbt ARGS`: `dbt ARGS` while holding the lock of CONFLICTWATCH_WAREHOUSE.

    Waits CONFLICTWATCH_LOCK_TIMEOUT seconds for another holder (a CLI run), then exits 1 with
    the holder named, before dbt opens the file; SIGTERM (Airflow stopping the task) is passed on.
    """
    import signal
    import subprocess
    import sys

    from conflictwatch.lock import WarehouseLocked, warehouse_lock

    args = sys.argv[1:] if argv is None else argv
    try:
        with warehouse_lock(get_settings().warehouse):
            proc = subprocess.Popen([dbt_executable(), *args])
            signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
            return proc.wait()
    except WarehouseLocked as exc:
        print(f"{LOCKED_DBT}: {exc}", file=sys.stderr)
        return 1


def use_project_tmpdir(context: Any = None) -> None:
    """Point this task process's temporary files where the dbt project's relative paths resolve.

    Cosmos runs dbt in a temporary copy of the project (symlinks into it); the project reads
    the shared reference CSVs from the relative seed path `../include/reference`, which
    from /tmp/tmpXXXX would miss. Under <data_dir>/cosmos_tmp, beside a link named `include`,
    it lands on the project's include/ again.
    """
    import tempfile

    s = get_settings()
    base = s.data_dir / "cosmos_tmp"
    base.mkdir(parents=True, exist_ok=True)
    link = base / "include"
    if not link.exists():
        with contextlib.suppress(FileExistsError):  # a parallel task made it
            link.symlink_to(s.project_root / "include", target_is_directory=True)
    tempfile.tempdir = str(base)


def render_manifest() -> Path:
    """The manifest Cosmos renders the task group from (no dbt run at parse time).

    `dbt docs generate` in transform_dbt rewrites it on every run; when it is missing (a
    fresh checkout) one `dbt parse` makes it: dbt parse opens no database.
    """
    s = get_settings()
    target = s.warehouse.parent / "dbt_target"
    path = Path(os.environ.get("CONFLICTWATCH_DBT_MANIFEST", target / "manifest.json"))
    if not path.exists():
        import shutil
        import subprocess

        # Parsed into a folder of its own, then moved into place: a parse cut short (the DAG
        # file's import timeout on a busy machine) must never leave a truncated manifest.
        work = path.parent / f".parse-{os.getpid()}"
        try:
            subprocess.run(
                [dbt_executable(), "parse", "--project-dir", str(s.dbt_project_dir), "--profiles-dir",
                 str(s.dbt_project_dir), "--target-path", str(work), "--log-path", str(path.parent / "logs")],
                cwd=s.dbt_project_dir, env={**os.environ, **dbt_env()}, check=True, capture_output=True, timeout=300,
            )
            os.replace(work / "manifest.json", path)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return path


def dbt_task_group(mode: str, group_id: str = "dbt", **task_args: Any):
    """A Cosmos DbtTaskGroup for `mode` ("watcher" or "local"), built inside the DAG context."""
    from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
    from cosmos.constants import ExecutionMode, InvocationMode, LoadMode

    s = get_settings()
    env = dbt_env()
    manifest = render_manifest()
    project = ProjectConfig(
        dbt_project_path=s.dbt_project_dir,
        manifest_path=manifest,
        env_vars=env,
        install_dbt_deps=False,
    )
    profile = ProfileConfig(
        profile_name="conflictwatch",
        target_name="dev",
        profiles_yml_filepath=s.dbt_project_dir / "profiles.yml",
    )
    execution = ExecutionConfig(
        execution_mode=ExecutionMode.WATCHER if mode == "watcher" else ExecutionMode.LOCAL,
        # A subprocess per dbt call: it releases the DuckDB file lock for certain when it exits.
        invocation_mode=InvocationMode.SUBPROCESS,
        dbt_executable_path=locked_dbt_executable(),
    )
    render = RenderConfig(
        load_method=LoadMode.DBT_MANIFEST,
        dbt_executable_path=dbt_executable(),
        invocation_mode=InvocationMode.SUBPROCESS,
        emit_datasets=False,
        # LOCAL runs a node's tests right after it; a test over several models (a relationship)
        # must wait for all of them. The WATCHER's single `dbt build` orders them itself.
        should_detach_multiple_parents_tests=mode == "local",
    )
    operator_args = {"install_deps": False, "append_env": True, "pre_execute": use_project_tmpdir, **task_args}
    if mode == "local":
        operator_args["pool"] = "warehouse"  # every model and test task opens DuckDB
    group = DbtTaskGroup(
        group_id=group_id,
        project_config=project,
        profile_config=profile,
        execution_config=execution,
        render_config=render,
        operator_args=operator_args,
    )
    if mode == "watcher":
        # Only the producer runs dbt (and opens DuckDB); the watching tasks need no slot.
        from cosmos.constants import PRODUCER_WATCHER_TASK_ID

        for task in group.dag.tasks:
            if task.task_id.endswith(PRODUCER_WATCHER_TASK_ID):
                task.pool = "warehouse"
            elif hasattr(task, "poke_interval"):
                task.poke_interval = 5
                if os.environ.get("CONFLICTWATCH_WATCHER_DEFER", "0") == "1":
                    # With a scheduler and a triggerer (make airflow): the watchers wait in the
                    # triggerer. Rescheduling 80 sensors under LocalExecutor on 2 cores raced
                    # ("finished with state success, but the task instance's state is queued"),
                    # and a retried watcher falls back to running dbt itself, on a locked file.
                    task.deferrable = True
                else:
                    # Reschedule, not defer: the watchers free their slot between looks, need no
                    # triggerer, and `airflow dags test` (one task at a time) reaches the producer.
                    task.deferrable = False
                    task.mode = "reschedule"
    return group

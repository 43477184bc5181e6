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


# Files and folders of the dbt project that `dbt parse` does not read (dbt's own output, editor files).
_NOT_PARSED = {"target", "logs", "dbt_packages", "__pycache__"}
_PATH_KEYS = ("model-paths", "seed-paths", "test-paths", "macro-paths", "analysis-paths", "snapshot-paths", "docs-paths")
# Render manifests kept beside the current one (a parse running in another process may still read one).
RENDER_MANIFESTS_KEPT = 3


def _parsed_roots(project: Path) -> list[Path]:
    """The project folder and every folder outside it that dbt_project.yml points dbt at."""
    import yaml

    roots = [project]
    config = yaml.safe_load((project / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    for key in _PATH_KEYS:
        for entry in config.get(key) or []:
            folder = (project / str(entry)).resolve()
            if folder.is_dir() and not folder.is_relative_to(project.resolve()):
                roots.append(folder)
    return roots


def hash_project_files(digest, project: Path) -> None:
    """Feed `digest` every file `dbt parse` reads: the project's (bar dbt's output and dotfiles) and
    those of the folders outside it that dbt_project.yml points at (the seeds in ../include/reference).
    One definition for the DAG's render manifest and the pipeline's build stamp (conflictwatch.transform)."""
    for root in _parsed_roots(project):
        digest.update(f"root {root.name}\0".encode())
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in _NOT_PARSED and not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                path = Path(folder) / name
                digest.update(f"{path.relative_to(root)}\0".encode())
                digest.update(path.read_bytes())
                digest.update(b"\0")


def project_fingerprint() -> str:
    """A hash of what `dbt parse` reads: the project's files (and the seed folders outside it,
    ../include/reference), the environment the parse sees and dbt's version.

    Reads ~1.7 MB (under 10 ms): cheap enough for every parse of the DAG file.
    """
    import hashlib
    import json
    from importlib.metadata import version

    digest = hashlib.sha256()
    hash_project_files(digest, get_settings().dbt_project_dir)
    env = {k: v for k, v in dbt_env().items() if k != "DBT_LOG_LEVEL_FILE"}
    digest.update(json.dumps(env, sort_keys=True).encode())
    digest.update(f"dbt-core {version('dbt-core')} dbt-duckdb {version('dbt-duckdb')}".encode())
    return digest.hexdigest()[:20]


def _dbt_parse(manifest: Path) -> None:
    """`dbt parse` of the project into `manifest` (opens no database).

    Parsed into a folder of its own, then moved into place: a parse cut short (the DAG file's
    import timeout on a busy machine) must never leave a truncated manifest.
    """
    import shutil
    import subprocess

    s = get_settings()
    manifest.parent.mkdir(parents=True, exist_ok=True)
    work = manifest.parent / f".parse-{os.getpid()}"
    try:
        subprocess.run(
            [dbt_executable(), "parse", "--project-dir", str(s.dbt_project_dir), "--profiles-dir",
             str(s.dbt_project_dir), "--target-path", str(work), "--log-path", str(manifest.parent / "logs")],
            cwd=s.dbt_project_dir, env={**os.environ, **dbt_env()}, check=True, capture_output=True, timeout=300,
        )
        os.replace(work / "manifest.json", manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def render_manifest() -> Path:
    """The manifest Cosmos renders the task group from: always the project as it is now.

    Cosmos's WATCHER takes the list of nodes, and each model's tests, from this manifest, while
    the producer's `dbt build` parses the project afresh; a test in the manifest that the build
    no longer has (renamed, merged, removed) is never reported, and its watcher waits forever
    (cosmos/operators/_watcher/aggregation.py: a model's tests pass only once every test listed
    for it has reported). So the manifest is kept under the fingerprint of the project it was
    parsed from (<warehouse dir>/dbt_target/render/manifest-<fingerprint>.json) and parsed
    again, once, when the project changed. dbt docs generate's manifest.json beside it (the docs
    site, the analyst copy's qa tables) is not used: it describes the project of the last run.
    CONFLICTWATCH_DBT_MANIFEST names a manifest to use as it is (parsed once if missing).
    """
    explicit = os.environ.get("CONFLICTWATCH_DBT_MANIFEST")
    if explicit:
        path = Path(explicit)
        if not path.exists():
            _dbt_parse(path)
        return path
    folder = get_settings().warehouse.parent / "dbt_target" / "render"
    path = folder / f"manifest-{project_fingerprint()}.json"
    if path.exists():
        return path
    _dbt_parse(path)
    older = sorted(folder.glob("manifest-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in older[RENDER_MANIFESTS_KEPT:]:
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
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

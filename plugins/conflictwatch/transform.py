"""dbt invocation and the analyst copy: everything after the raw tables are loaded.

dbt runs as a subprocess of this interpreter's environment (dbt keeps global state that
does not survive several in-process invocations well, and a subprocess releases the
DuckDB lock for certain when it exits).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from conflictwatch import publish
from conflictwatch.config import Settings, get_settings
from conflictwatch.lock import warehouse_lock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DbtResult:
    command: list[str]
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class DbtError(RuntimeError):
    pass


def dbt_summary(output: str) -> str:
    """dbt's own one-line tally ('Done. PASS=225 WARN=0 ERROR=0 ...'), else its last line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    done = [ln for ln in lines if "Done." in ln]
    return (done or lines or ["(no output)"])[-1]


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def dbt_env(warehouse: Path, settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "CONFLICTWATCH_WAREHOUSE": str(Path(warehouse).resolve()),
            "DO_NOT_TRACK": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    # dbt writes each seed's compiled SQL to <target>/run/<seed path>; with an absolute seed
    # path that join lands ON the seed CSV and overwrites it. Seeds stay on the project's
    # relative path (../include/reference), so the variable must not reach dbt.
    env.pop("CONFLICTWATCH_REFERENCE_DIR", None)
    return env


def run_dbt(
    args: Sequence[str],
    warehouse: Path,
    settings: Settings | None = None,
    target_path: Path | None = None,
    check: bool = True,
) -> DbtResult:
    """`dbt <args>` against the given warehouse; raises DbtError with dbt's output on failure."""
    settings = settings or get_settings()
    project = settings.dbt_project_dir
    target = target_path or (Path(warehouse).resolve().parent / "dbt_target")
    command = [
        dbt_executable(), *args,
        "--project-dir", str(project), "--profiles-dir", str(project),
        "--target-path", str(target),
    ]
    log.info("running %s", " ".join(command))
    env = dbt_env(warehouse, settings)
    env["DBT_LOG_PATH"] = str(target / "logs")
    with warehouse_lock(warehouse):
        proc = subprocess.run(command, env=env, capture_output=True, text=True, cwd=project)
    output = proc.stdout + proc.stderr
    result = DbtResult(command, proc.returncode, output)
    if check and not result.ok:
        raise DbtError(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{_tail(output)}")
    return result


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


def project_fingerprint(settings: Settings | None = None) -> str:
    """One hash of everything a build reads besides the raw tables: the dbt project (models,
    seeds, macros, tests, settings) and the shared reference CSVs."""
    import hashlib

    settings = settings or get_settings()
    digest = hashlib.sha256()
    project = settings.dbt_project_dir
    files = [project / "dbt_project.yml", project / "profiles.yml", project / "selectors.yml"]
    for folder in ("models", "seeds", "macros", "tests"):
        files += sorted(p for p in (project / folder).rglob("*") if p.is_file())
    files += sorted((project.parent / "include" / "reference").glob("*.csv"))
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(project.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def dbt_build(warehouse: Path, settings: Settings | None = None, selector: str | None = None,
              unit_tests: bool = False, select: str | None = None) -> DbtResult:
    """Seeds, models, snapshots and every data test, in dependency order.

    Unit tests check the models' SQL on fixed inputs, not the data: they are the same on every
    build, so the pipeline leaves them to `make test` (tests/test_dbt_project.py runs them)
    unless `unit_tests` is set.
    """
    args = ["build"]
    if selector:
        args += ["--selector", selector]
    if select:
        args += ["--select", select]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return run_dbt(args, warehouse, settings)


def dbt_docs_generate(warehouse: Path, settings: Settings | None = None) -> DbtResult:
    # --static also writes static_index.html: one file with the manifest and catalog inlined, which
    # opens from disk (index.html fetches its JSON files, which browsers refuse for file:// pages)
    return run_dbt(["docs", "generate", "--static"], warehouse, settings)


def publish_analyst_copy(warehouse: Path, destination: Path | None = None, schemas: Sequence[str] = ("marts", "reference")) -> Path:
    """Copy the mart schemas into a fresh file and swap it in atomically (os.replace).

    Analysts open this copy, never the working warehouse, so a reader can never block the
    pipeline's single writer and never sees a half-built mart.
    """
    warehouse = Path(warehouse)
    destination = Path(destination) if destination else get_settings(warehouse=warehouse).published_warehouse
    tmp = destination.with_name(f".{destination.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    # Attach the warehouse under its own catalog name so dbt's views (which name it) resolve.
    with warehouse_lock(warehouse):
        for stale in destination.parent.glob(f".{destination.name}.tmp-*"):  # left by a killed run
            stale.unlink(missing_ok=True)
        return _publish(warehouse, destination, tmp, schemas)


def _publish(warehouse: Path, destination: Path, tmp: Path, schemas: Sequence[str]) -> Path:
    src = warehouse.stem
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"attach '{warehouse}' as \"{src}\" (read_only)")
        tables = con.execute(
            f"""select table_schema, table_name from information_schema.tables
                where table_catalog = '{src}' and table_schema in ({", ".join(f"'{s}'" for s in schemas)})
                order by 1, 2"""
        ).fetchall()
        for schema in sorted({s for s, _ in tables}):
            con.execute(f'create schema "{schema}"')
        for schema, table in tables:
            con.execute(f'create table "{schema}"."{table}" as select * from "{src}"."{schema}"."{table}"')
        publish.finish_analyst_copy(con, src, tuple(schemas))  # descriptions + full-text index
        con.execute(f'detach "{src}"')
    finally:
        con.close()
    os.replace(tmp, destination)
    log.info("published %d tables to %s", len(tables), destination)
    publish.write_pack(destination)  # Parquet, GeoParquet, GeoJSON, ACLED CSV next to it
    return destination

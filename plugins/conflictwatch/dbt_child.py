"""A dbt process started before it is needed (`conflictwatch.transform.DbtChild`).

    python -m conflictwatch.dbt_child PROJECT_DIR TARGET_PATH

Imports dbt and parses the project at once (2-6 s of CPU, while the parent is still tagging
documents), then waits for one line on stdin: the JSON list of a dbt command's arguments. It
runs that command with the parsed manifest (`dbtRunner(manifest=...)`: no second parse), prints
dbt's output as the `dbt` executable would (after one line of its own timing: `TIMING`), and exits with dbt's exit code (0 ok, 1 failed, 2
error). An empty line or end of input: it exits without running anything.

The parse writes into a private folder beside TARGET_PATH (so a parse never overwrites the
manifest.json a running build or publish reads) from the target's partial_parse.msgpack, and
moves the refreshed msgpack back. A failed parse is not fatal: the command then parses itself.
The parent holds the warehouse lock from sending the command until this process exits; this
process opens DuckDB only while running the command.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

PARTIAL_PARSE = "partial_parse.msgpack"


def parse(runner_cls, project: str, target: Path):
    work = target.parent / f".{target.name}.parse-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        if (target / PARTIAL_PARSE).exists():
            shutil.copy2(target / PARTIAL_PARSE, work / PARTIAL_PARSE)
        result = runner_cls().invoke([
            "--quiet", "--log-level-file", "none", "parse", "--project-dir", project, "--profiles-dir", project,
            "--target-path", str(work),
        ])
        if not result.success:
            return None
        if (work / PARTIAL_PARSE).exists():
            target.mkdir(parents=True, exist_ok=True)
            os.replace(work / PARTIAL_PARSE, target / PARTIAL_PARSE)
        return result.result
    except Exception:  # the command parses again and reports the error itself
        return None
    finally:
        shutil.rmtree(work, ignore_errors=True)


# The first line of the output: when the child was ready (for the parent's figures; it strips it).
TIMING = "conflictwatch.dbt_child timing "


def main(argv: list[str] | None = None) -> int:
    project, target = (argv if argv is not None else sys.argv[1:])[:2]
    started = time.time()
    from dbt.cli.main import dbtRunner

    imported = time.time()
    manifest = parse(dbtRunner, project, Path(target))
    ready = time.time()
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    args = json.loads(line)
    print(TIMING + json.dumps({"started": started, "import_s": imported - started, "parse_s": ready - imported,
                               "ready": ready}), flush=True)
    result = dbtRunner(manifest=manifest).invoke(args)
    sys.stdout.flush()
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


def close_and_exit(code: int) -> None:
    """Exit at once once dbt has finished: the warehouse closed (DuckDB checkpoints it and
    releases its lock), dbt's log file and the output flushed, then `os._exit`. Python's own
    shutdown of an interpreter that has run dbt (module teardown, collecting dbt's object graph)
    took ~0.9 s on this machine, after the build and before the parent could go on."""
    import gc
    import logging

    connections = sys.modules.get("dbt.adapters.duckdb.connections")
    if connections is not None:
        manager = connections.DuckDBConnectionManager
        env = manager._ENV
        manager.close_all_connections()
        if env is not None:
            env.close()
        del env
        gc.collect()  # the cursors dbt's threads held: the database closes with the last of them
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    close_and_exit(main())

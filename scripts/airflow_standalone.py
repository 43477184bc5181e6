"""`make airflow`: the Airflow UI on this project's DAGs (airflow standalone, SQLite, LocalExecutor).

Prepares a project-local AIRFLOW_HOME (metadata DB migrated, the one-slot `warehouse` pool),
starts `airflow standalone` in its own session, waits for the API server, prints the address
and the login (admin + the password standalone generated), and on Ctrl+C or SIGTERM stops
the whole process group (SIGTERM, wait, SIGKILL leftovers) and checks nothing is left.

Environment: AIRFLOW_HOME (default ./airflow_home), AIRFLOW_PORT (default 8080).
Also importable: `Standalone(home, port).start()` / `.stop()` (used by tests/test_browser.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import proc_group

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def airflow_env(home: Path, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        # Not the project's plugins/: Airflow would import every module there by file name
        # (nlp/numbers.py as `numbers`). The package is installed in the venv instead.
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(home / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        # LocalExecutor forks this many workers; 32 (the default) is too many for a laptop.
        "AIRFLOW__CORE__PARALLELISM": os.environ.get("AIRFLOW__CORE__PARALLELISM", "4"),
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://localhost:{port}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://localhost:{port}/execution/",
        "DO_NOT_TRACK": "1",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        # Task logs in the UI say what each task did (the Makefile's WARNING left them empty).
        "AIRFLOW__LOGGING__LOGGING_LEVEL": os.environ.get("CONFLICTWATCH_AIRFLOW_LOG_LEVEL", "INFO"),
        # Cosmos's plugin serves the dbt docs site transform_dbt generates: Browse -> dbt docs.
        "AIRFLOW__COSMOS__DBT_DOCS_PROJECTS": json.dumps({"conflictwatch": {
            "dir": str(Path(os.environ.get("CONFLICTWATCH_DATA_DIR", REPO / "data")).resolve() / "dbt_target"),
            "index": "index.html", "name": "dbt docs (conflictwatch)"}}),
        # A triggerer runs here: Cosmos's watcher tasks defer instead of rescheduling.
        "CONFLICTWATCH_WATCHER_DEFER": os.environ.get("CONFLICTWATCH_WATCHER_DEFER", "1"),
        # standalone starts its components as `airflow ...` from PATH: this venv's.
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.update(extra or {})
    # The docs site is where the pipeline's dbt writes it: beside the warehouse this server's tasks
    # use (its caller's CONFLICTWATCH_WAREHOUSE / _DATA_DIR, not the repository's data/).
    warehouse = env.get("CONFLICTWATCH_WAREHOUSE")
    docs_dir = (Path(warehouse).resolve().parent if warehouse
                else Path(env.get("CONFLICTWATCH_DATA_DIR", REPO / "data")).resolve()) / "dbt_target"
    env["AIRFLOW__COSMOS__DBT_DOCS_PROJECTS"] = json.dumps({"conflictwatch": {
        "dir": str(docs_dir), "index": "index.html", "name": "dbt docs (conflictwatch)"}})
    return env


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status < 500:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def airflow(env: dict[str, str], *args: str) -> None:
    proc = subprocess.run([str(BIN / "airflow"), *args], env=env, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"airflow {' '.join(args)} failed:\n{(proc.stdout + proc.stderr)[-3000:]}")


DAG_IDS = ("ingest_articles", "transform_dbt")


class Standalone:
    def __init__(self, home: Path, port: int = 8080, extra_env: dict[str, str] | None = None):
        self.home, self.port = Path(home).resolve(), port
        self.env = airflow_env(self.home, port, extra_env)
        self.proc: subprocess.Popen | None = None
        self.log = self.home / "standalone.log"
        self.prepared = False

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def prepare(self) -> None:
        (self.home / "plugins").mkdir(parents=True, exist_ok=True)
        airflow(self.env, "db", "migrate")
        airflow(self.env, "pools", "set", "warehouse", "1", "The DuckDB warehouse takes one writer at a time")
        # transform_dbt renders its task group from dbt's manifest; with none yet the dag-processor
        # runs `dbt parse` itself, which on a busy machine outlasts its parse timeout, and the
        # DAG stays unregistered for minutes. Make it here once, before the scheduler starts.
        subprocess.run([sys.executable, "-c", "from conflictwatch.airflow.dbt import render_manifest; render_manifest()"],
                       env=self.env, check=True, capture_output=True, timeout=600)
        self.prepared = True

    def start(self, timeout: float = 240) -> None:
        if not self.prepared:  # screenshots.run_dags prepared it already (three CLI calls, 15-25 s)
            self.prepare()
        self.proc = proc_group.start([str(BIN / "airflow"), "standalone"], self.env, self.log, cwd=REPO)
        wait_http(f"{self.url}/api/v2/monitor/health", timeout, self.proc)

    def password(self, timeout: float = 60) -> str:
        """admin's password: the file standalone generates, or its own log line."""
        path = self.home / "simple_auth_manager_passwords.json.generated"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path.exists():
                try:
                    return json.loads(path.read_text())["admin"]
                except (ValueError, KeyError):
                    pass
            time.sleep(1)
        raise TimeoutError(f"no password in {path}")

    def stop(self) -> list[str]:
        return proc_group.stop([self.proc]) if self.proc else []

    def unpause(self, dag_ids: tuple[str, ...] = DAG_IDS, timeout: float = 240) -> list[str]:
        """Unpause the DAGs once the dag-processor has registered them (an Asset event sent while
        transform_dbt is paused is lost, so both must run). Returns those still paused.

        `airflow dags unpause` of a DAG not registered yet exits 0 having done nothing, so each
        DAG's state is read back with `airflow dags list` until both are unpaused."""
        left, deadline = list(dag_ids), time.monotonic() + timeout
        while left and time.monotonic() < deadline:
            for dag_id in left:
                subprocess.run([str(BIN / "airflow"), "dags", "unpause", dag_id], env=self.env,
                               capture_output=True, text=True)
            listed = subprocess.run([str(BIN / "airflow"), "dags", "list", "-o", "json"], env=self.env,
                                    capture_output=True, text=True)
            paused = {}
            for line in listed.stdout.splitlines():  # warnings may come first on stdout
                if line.startswith("["):
                    with contextlib.suppress(ValueError, KeyError, TypeError):
                        paused = {d["dag_id"]: str(d.get("is_paused")).lower() for d in json.loads(line)}
            left = [d for d in dag_ids if paused.get(d) != "false"]
            if left:
                time.sleep(3)
        return left


def main() -> int:
    home = Path(os.environ.get("AIRFLOW_HOME", REPO / "airflow_home"))
    port = int(os.environ.get("AIRFLOW_PORT", "8080"))
    server = Standalone(home, port)

    def on_sigterm(signum, _frame):
        raise KeyboardInterrupt  # one way out for Ctrl+C and SIGTERM, wherever the script is

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGINT, on_sigterm)  # even when started in the background (SIGINT ignored)
    left: list[str] = []
    print(f"starting airflow standalone (AIRFLOW_HOME={server.home}, log: {server.log}) ...", flush=True)
    try:
        server.start()
        paused = server.unpause()
        state = f"still paused: {', '.join(paused)}" if paused else "unpaused; Trigger runs ingest_articles with its defaults"
        print(
            f"\n  Airflow UI:  {server.url}\n  login:       admin / {server.password()}\n"
            f"  DAGs:        ingest_articles, transform_dbt ({state})\n"
            f"  dbt docs:    {server.url}/cosmos/conflictwatch/dbt_docs_index.html (UI: Browse -> dbt docs)\n"
            f"  stop:        Ctrl+C\n",
            flush=True,
        )
        while server.proc and server.proc.poll() is None:
            time.sleep(0.5)
        print(f"airflow standalone exited ({server.proc.returncode}); see {server.log}", flush=True)
    except KeyboardInterrupt:
        pass
    except (RuntimeError, TimeoutError) as exc:
        print(f"airflow standalone did not come up: {exc}\n(last lines of {server.log}):", flush=True)
        if server.log.exists():
            print("\n".join(server.log.read_text(errors="replace").splitlines()[-30:]))
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("stopping airflow standalone ...", flush=True)
        left = server.stop()
        print("stopped; no processes left" if not left else f"could not stop: {left}", flush=True)
    return 0 if not left else 1


if __name__ == "__main__":
    sys.exit(main())

"""The scale-out profile on this machine: the real Airflow components, PostgreSQL, Redis, Celery.

Reads deploy/scaleout.env and the secret-bearing `environment` of docker-compose.yml (the
files the containers get), fills the secrets from the environment, the untracked .env
(`make secrets`) or fresh random values, and swaps the compose service host names for
127.0.0.1 (and the database for a scratch one). Then it starts api-server, scheduler,
dag-processor, triggerer and a Celery worker, each in its own process group and, as in
containers, each with its own AIRFLOW_HOME (its own airflow.cfg): settings the components
must share, such as the API's JWT secret, reach them only through the environment, so a
missing shared secret fails here as it fails in compose. Only the logs folder is shared,
like compose's airflow-logs volume.
`run()` triggers ingest_articles through the REST API on a folder plus a loopback URL list,
waits for it and for the transform_dbt run its `raw` Asset event starts, and returns what
the marts hold. `stop()` ends every process it started and reports any that survived.

    python scripts/scaleout.py          # one whole run, prints the figures (make test-scaleout runs the test)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import proc_group

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV_FILE = REPO / "deploy" / "scaleout.env"
COMPOSE_FILE = REPO / "docker-compose.yml"
# Names of this checkout's own, so two checkouts (git worktrees) running the scale-out test on one
# machine never drop, flush or re-password each other's: a scratch database and its role, a Redis
# db number and an ACL user (the local Redis has no password of its own: that user has it).
CHECKOUT = hashlib.sha256(str(REPO).encode()).hexdigest()[:8]
DATABASE = f"airflow_scaleout_{CHECKOUT}"
PG_ROLE = f"airflow_{CHECKOUT}"
REDIS_USER = f"conflictwatch_scaleout_{CHECKOUT}"
REDIS_DB = 1 + int(CHECKOUT, 16) % 15  # 1-15; two checkouts meet on one in 15
PG, REDIS = ("127.0.0.1", 5432), ("127.0.0.1", 6379)
COMPONENTS = {
    "api-server": ["api-server"],
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer"],
    "celery-worker": ["celery", "worker", "--concurrency", "2"],
}


def answers(host: str, port: int, timeout: float = 2.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def services_missing() -> list[str]:
    missing = []
    if not answers(*PG):
        missing.append("PostgreSQL on 127.0.0.1:5432")
    if not answers(*REDIS):
        missing.append("Redis on 127.0.0.1:6379")
    return missing


def celery_problem() -> str | None:
    """Why the Celery worker cannot start with the installed packages, if it cannot."""
    import subprocess

    code = "from airflow.providers.celery.executors import celery_executor_utils"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode == 0:
        return None
    import importlib.metadata as md

    last = (proc.stderr.strip().splitlines() or ["?"])[-1]
    return (f"the Celery provider cannot import with celery {md.version('celery')}: {last} "
            "(celery 5.7 dropped celery.backends.database.retry; pin celery<5.7)")


def read_env_file(path: Path = ENV_FILE) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


_INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?\?([^}]*))?\}")


def interpolate(value: str, secrets: dict[str, str]) -> str:
    """docker compose's ${VAR} / ${VAR:?message}: a missing value is an error, as in compose."""
    def one(match: re.Match) -> str:
        name, message = match.group(1), match.group(2)
        if not secrets.get(name):
            raise KeyError(f"{name}: {message or 'not set'}")
        return secrets[name]

    return _INTERPOLATION.sub(one, value)


def compose_secret_env(secrets: dict[str, str], path: Path = COMPOSE_FILE) -> dict[str, str]:
    """The Airflow services' `environment` in docker-compose.yml, interpolated with the secrets."""
    import yaml

    compose = yaml.safe_load(path.read_text())
    environment = compose["x-airflow-common"]["environment"]
    return {key: interpolate(str(value), secrets) for key, value in environment.items()}


def secret_values() -> dict[str, str]:
    """Each secret from the environment, else the untracked .env, else a fresh random one."""
    import secrets_env

    return secrets_env.resolve()


def local_env(compose_env: dict[str, str], *, home: Path, data: Path, port: int, database: str,
              redis_db: int, logs: Path | None = None) -> dict[str, str]:
    """The compose settings with service host names -> 127.0.0.1 and container paths -> local ones.

    Only hosts, the database and its role, the Redis db number, the API port and paths change; every
    other setting is the compose profile's own (tests/test_compose.py checks both agree).
    """
    env = {}
    for key, value in compose_env.items():
        value = re.sub(r"://airflow:([^@]*)@postgres:5432/airflow", rf"://{PG_ROLE}:\1@127.0.0.1:5432/{database}", value)
        value = re.sub(r"redis://redis:6379/\d+", f"redis://127.0.0.1:6379/{redis_db}", value)
        value = re.sub(r"redis://:([^@]+)@redis:6379/\d+", rf"redis://{REDIS_USER}:\1@127.0.0.1:6379/{redis_db}", value)
        value = value.replace("http://airflow-apiserver:8080", f"http://127.0.0.1:{port}")
        value = value.replace("/opt/conflictwatch/data", str(data))
        value = value.replace("/opt/conflictwatch/dags", str(REPO / "dags"))
        if logs is not None:
            value = value.replace("/opt/airflow/logs", str(logs))
        value = value.replace("/opt/airflow", str(home))
        env[key] = value
    env.update({"AIRFLOW_HOME": str(home), "AIRFLOW__API__PORT": str(port),
                "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}"})
    if logs is not None:  # compose shares /opt/airflow/logs between the containers (a volume)
        env["AIRFLOW__LOGGING__BASE_LOG_FOLDER"] = str(logs)
    return env


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ArticleServer:
    """Serves a folder of article pages on 127.0.0.1 (what the loopback URL list points at)."""

    def __init__(self, folder: Path):
        handler = partial(QuietHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> ArticleServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class ScaleOut:
    def __init__(self, work: Path, database: str = DATABASE, redis_db: int = REDIS_DB,
                 secrets: dict[str, str] | None = None):
        self.work = Path(work)
        self.homes, self.data = self.work / "homes", self.work / "data"
        self.logs = self.work / "airflow-logs"
        self.port = free_port()
        self.database, self.redis_db = database, redis_db
        self.secrets = secrets if secrets is not None else secret_values()
        self.compose_env = {**read_env_file(), **compose_secret_env(self.secrets)}
        self.procs: dict[str, object] = {}
        self.token: str | None = None
        self.env = self.env_for("init")

    def env_for(self, component: str) -> dict[str, str]:
        """A component's environment: its own AIRFLOW_HOME, as its own container has."""
        return {
            **os.environ,
            **local_env(self.compose_env, home=self.homes / component, data=self.data, port=self.port,
                        database=self.database, redis_db=self.redis_db, logs=self.logs),
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- set-up --------------------------------------------------------------------------------

    def reset_database(self) -> None:
        """A scratch metadata database owned by this checkout's role (the compose profile's `airflow`)."""
        import psycopg2

        con = psycopg2.connect(host=PG[0], port=PG[1], user="postgres", dbname="postgres")
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("select 1 from pg_roles where rolname = %s", (PG_ROLE,))
            if not cur.fetchone():
                cur.execute(f'create role "{PG_ROLE}" login')
            cur.execute(f'alter role "{PG_ROLE}" password %s', (self.secrets["POSTGRES_PASSWORD"],))
            cur.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (self.database,)
            )
            cur.execute(f'drop database if exists "{self.database}"')
            cur.execute(f'create database "{self.database}" owner "{PG_ROLE}"')
        con.close()
        import redis

        client = redis.Redis(host=REDIS[0], port=REDIS[1], db=self.redis_db)
        client.flushdb()
        # The broker URL carries the password (compose: redis --requirepass); here an ACL user holds it.
        client.execute_command("ACL", "SETUSER", REDIS_USER, "reset", "on", f">{self.secrets['REDIS_PASSWORD']}",
                               "~*", "&*", "+@all")

    def airflow(self, *args: str, timeout: int = 600) -> str:
        import subprocess

        proc = subprocess.run([str(BIN / "airflow"), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, cwd=REPO)
        if proc.returncode:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
        return proc.stdout

    def start(self) -> None:
        for name in ("init", *COMPONENTS):
            (self.homes / name / "plugins").mkdir(parents=True, exist_ok=True)
        self.data.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        self.reset_database()
        self.airflow("db", "migrate")
        self.airflow("pools", "set", "warehouse", "1", "The DuckDB warehouse takes one writer at a time")
        for name, args in COMPONENTS.items():
            self.procs[name] = proc_group.start([str(BIN / "airflow"), *args], self.env_for(name),
                                                self.work / "logs" / f"{name}.log", cwd=REPO)
        self.wait(lambda: self._get("/api/v2/monitor/health", auth=False) is not None, 240, "the api-server")

    def stop(self) -> list[str]:
        return proc_group.stop(list(self.procs.values()))  # type: ignore[arg-type]

    def secrets_written(self) -> list[str]:
        """Files under the run's folder (logs, homes, data) that contain a secret's value."""
        values = [v.encode() for v in self.secrets.values() if v]
        found = []
        for path in sorted(self.work.rglob("*")):
            if path.is_file() and path.suffix not in (".duckdb", ".parquet", ".wal") and path.stat().st_size < 50_000_000:
                data = path.read_bytes()
                if any(v in data for v in values):
                    found.append(str(path.relative_to(self.work)))
        return found

    # --- REST API -------------------------------------------------------------------------------

    def _request(self, method: str, path: str, body: dict | None = None, auth: bool = True) -> dict | None:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.login()}"
        req = urllib.request.Request(self.url + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise RuntimeError(f"{method} {path}: HTTP {exc.code}: {exc.read()[:500]!r}") from None
        except OSError:
            return None

    def _get(self, path: str, auth: bool = True) -> dict | None:
        return self._request("GET", path, auth=auth)

    def password(self) -> str:
        path = self.homes / "api-server" / "simple_auth_manager_passwords.json.generated"
        self.wait(path.exists, 60, str(path))
        return json.loads(path.read_text())["admin"]

    def login(self) -> str:
        if self.token is None:
            req = urllib.request.Request(
                self.url + "/auth/token", method="POST", headers={"Content-Type": "application/json"},
                data=json.dumps({"username": "admin", "password": self.password()}).encode(),
            )
            with urllib.request.urlopen(req, timeout=30) as resp:
                self.token = json.loads(resp.read())["access_token"]
        return self.token

    def wait(self, condition, timeout: float, what: str, every: float = 2.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:  # type: ignore[attr-defined]
                    raise RuntimeError(f"{name} exited ({proc.returncode}); see {self.work / 'logs' / name}.log")  # type: ignore[attr-defined]
            result = condition()
            if result:
                return result
            time.sleep(every)
        raise TimeoutError(f"waited {timeout:.0f} s for {what}")

    def unpause(self, dag_id: str) -> None:
        self.wait(lambda: self._get(f"/api/v2/dags/{dag_id}") is not None, 240, f"{dag_id} to be parsed")
        self._request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str, conf: dict) -> str:
        run = self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None, "conf": conf})
        assert run is not None
        return run["dag_run_id"]

    def run_state(self, dag_id: str, run_id: str) -> str:
        run = self._get(f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id)}")
        return run["state"] if run else "missing"

    def wait_run(self, dag_id: str, run_id: str, timeout: float) -> str:
        def done():
            state = self.run_state(dag_id, run_id)
            return state if state in ("success", "failed") else None

        return self.wait(done, timeout, f"{dag_id} {run_id}", every=3)

    def asset_run(self, after: str) -> dict | None:
        runs = self._get("/api/v2/dags/transform_dbt/dagRuns?order_by=-start_date&limit=5") or {}
        for run in runs.get("dag_runs", []):
            if run["run_type"] == "asset_triggered" and (run.get("start_date") or "") >= after:
                return run
        return None

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        out = self._get(f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id)}/taskInstances?limit=500")
        return (out or {}).get("task_instances", [])


def prepare_inputs(work: Path) -> tuple[Path, Path]:
    """Two seed articles as the folder; two other seeds, as HTML pages, for the URL list."""
    seeds = sorted((REPO / "include" / "seeds").glob("*.txt"))
    folder, pages = work / "inputs" / "folder", work / "inputs" / "pages"
    folder.mkdir(parents=True)
    pages.mkdir(parents=True)
    manifest = (REPO / "include" / "seeds" / "manifest.csv").read_text().splitlines()
    keep = {p.name for p in seeds[:2]}
    (folder / "manifest.csv").write_text("\n".join([manifest[0], *[ln for ln in manifest[1:] if ln.split(",")[0] in keep]]) + "\n")
    for p in seeds[:2]:
        shutil.copy(p, folder / p.name)
    import html

    for p in seeds[2:4]:
        title, _, body = p.read_text().partition("\n")
        paragraphs = "".join(f"<p>{html.escape(x)}</p>\n" for x in body.split("\n") if x.strip())
        (pages / (p.stem + ".html")).write_text(
            f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body>"
            f"<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article><h1>{html.escape(title)}</h1>"
            f"{paragraphs}</article><footer>Copyright Example Wire</footer></body></html>"
        )
    return folder, pages


def run(work: Path, timeout: float = 780) -> dict:
    """One whole scale-out run; returns figures and the marts' counts. Always stops what it started."""
    started = time.monotonic()
    folder, pages = prepare_inputs(work)
    cluster = ScaleOut(work)
    result: dict = {"work": str(work)}
    try:
        with ArticleServer(pages) as server:
            urls = [f"{server.base}/{p.name}" for p in sorted(pages.glob("*.html"))]
            cluster.start()
            result["components_up_s"] = round(time.monotonic() - started, 1)
            cluster.unpause("transform_dbt")
            cluster.unpause("ingest_articles")
            conf = {"inputs": [str(folder)], "urls": urls, "fetch_allow_hosts": ["127.0.0.1"], "batch_size": 1}
            trigger_time = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
            run_id = cluster.trigger("ingest_articles", conf)
            left = timeout - (time.monotonic() - started)
            result["ingest_state"] = cluster.wait_run("ingest_articles", run_id, left)
            tis = cluster.task_instances("ingest_articles", run_id)
            result["ingest_tasks"] = sorted((t["task_id"], t.get("map_index"), t["state"], t.get("hostname"))
                                            for t in tis)
            result["ingest_run_id"] = run_id
            if result["ingest_state"] == "success":
                asset = cluster.wait(lambda: cluster.asset_run(trigger_time), 120, "the asset-triggered transform_dbt")
                left = timeout - (time.monotonic() - started)
                result["transform_run_id"] = asset["dag_run_id"]
                result["transform_state"] = cluster.wait_run("transform_dbt", asset["dag_run_id"], max(left, 60))
                result["transform_tasks"] = len(cluster.task_instances("transform_dbt", asset["dag_run_id"]))
            result["pipeline_s"] = round(time.monotonic() - started, 1)
            result["url"], result["password"] = cluster.url, cluster.password()
    finally:
        result["left_running"] = cluster.stop()
        result["total_s"] = round(time.monotonic() - started, 1)
        result["secrets_written"] = cluster.secrets_written()
    analyst = cluster.data / "warehouse_analyst.duckdb"
    if analyst.exists():
        import duckdb

        con = duckdb.connect(str(analyst), read_only=True)
        with contextlib.closing(con):
            result["documents"] = con.execute(
                "select source_kind, count(*) from marts.dim_documents group by 1 order by 1").fetchall()
            result["incident_reports"] = con.execute("select count(*) from marts.fct_incident_reports").fetchone()[0]
    return result


def main() -> int:
    missing = services_missing()
    if missing:
        print("scale-out run skipped: " + " and ".join(missing) + " do not answer")
        return 0
    problem = celery_problem()
    if problem:
        print(f"scale-out run impossible: {problem}")
        return 1
    work = Path(tempfile.mkdtemp(prefix="scaleout-"))
    result = run(work)
    print(json.dumps({k: v for k, v in result.items() if k != "password"}, indent=2, default=str))
    ok = result.get("ingest_state") == "success" and result.get("transform_state") == "success"
    return 0 if ok and not result["left_running"] else 1


if __name__ == "__main__":
    sys.exit(main())

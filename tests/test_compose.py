"""docker-compose.yml cannot run here (no Docker engine): validate its structure statically."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def _env_file() -> dict[str, str]:
    env = {}
    for line in (REPO / "deploy" / "scaleout.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def test_airflow_topology_is_complete():
    services = _compose()["services"]
    assert {"postgres", "redis", "airflow-init", *AIRFLOW_SERVICES} <= set(services)
    for name, command in AIRFLOW_SERVICES.items():
        assert " ".join(services[name]["command"]).endswith(command), name


def test_every_airflow_service_runs_the_project_image_with_the_shared_settings():
    services = _compose()["services"]
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        svc = services[name]
        assert svc["image"] == "conflictwatch:latest" and svc["build"] == "."
        assert svc["env_file"] == "deploy/scaleout.env"
        assert "conflictwatch-data:/opt/conflictwatch/data" in svc["volumes"], "batches need shared storage"


def test_scaleout_settings_use_celery_postgres_and_redis_services():
    env = {**_env_file(), **_compose()["x-airflow-common"]["environment"]}
    services = _compose()["services"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert "@postgres:5432/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://:${REDIS_PASSWORD:?")
    assert env["AIRFLOW__CELERY__BROKER_URL"].endswith("@redis:6379/0")
    pg = services["postgres"]["environment"]
    assert f"{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@postgres:5432/{pg['POSTGRES_DB']}" in env[
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"
    ]
    assert env["CONFLICTWATCH_WAREHOUSE"].startswith(env["CONFLICTWATCH_DATA_DIR"])


SECRET_SETTINGS = {
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "POSTGRES_PASSWORD",
    "AIRFLOW__CELERY__RESULT_BACKEND": "POSTGRES_PASSWORD",
    "AIRFLOW__CELERY__BROKER_URL": "REDIS_PASSWORD",
    "AIRFLOW__CORE__FERNET_KEY": "AIRFLOW_FERNET_KEY",
    "AIRFLOW__API_AUTH__JWT_SECRET": "AIRFLOW_JWT_SECRET",
    "AIRFLOW__API__SECRET_KEY": "AIRFLOW_API_SECRET_KEY",
}


def test_every_secret_is_required_from_the_environment_never_a_default():
    # GIVEN the compose file and the shared settings file
    common = _compose()["x-airflow-common"]["environment"]
    services = _compose()["services"]
    # THEN every secret-bearing setting is ${VAR:?message} (compose refuses to start without it)
    for key, var in SECRET_SETTINGS.items():
        assert "${" + var + ":?" in common[key], key
        assert key not in _env_file(), f"{key} must not be in deploy/scaleout.env"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "${REDIS_PASSWORD:?" in services["redis"]["environment"]["REDIS_PASSWORD"]
    assert "--requirepass" in " ".join(services["redis"]["command"])
    assert "REDISCLI_AUTH" in " ".join(services["redis"]["healthcheck"]["test"])
    # AND no literal password or key anywhere in either file
    text = (REPO / "docker-compose.yml").read_text() + (REPO / "deploy" / "scaleout.env").read_text()
    assert "airflow:airflow@" not in text and "POSTGRES_PASSWORD: airflow" not in text
    for line in (REPO / "deploy" / "scaleout.env").read_text().splitlines():
        key = line.partition("=")[0]
        assert not any(w in key for w in ("PASSWORD", "SECRET", "FERNET", "_CONN", "BROKER_URL", "RESULT_BACKEND")), key


def test_every_airflow_service_shares_one_jwt_secret_and_fernet_key():
    # The worker sets its own `environment`: it must still merge the common secrets, or it would
    # generate its own JWT secret and fail every task (apache/airflow#49646, #59373).
    services = _compose()["services"]
    common = _compose()["x-airflow-common"]["environment"]
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        env = services[name].get("environment", common)
        for key in SECRET_SETTINGS:
            assert env.get(key) == common[key], (name, key)


def test_compose_interpolation_refuses_a_missing_secret():
    scaleout = _scaleout_module()
    with pytest.raises(KeyError, match="AIRFLOW_JWT_SECRET is not set - run make secrets"):
        scaleout.compose_secret_env({"POSTGRES_PASSWORD": "p", "REDIS_PASSWORD": "r", "AIRFLOW_FERNET_KEY": "f",
                                     "AIRFLOW_API_SECRET_KEY": "s"})


def test_dotenv_is_generated_random_private_and_untracked(tmp_path):
    import os
    import stat
    import subprocess
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    import secrets_env

    path = tmp_path / ".env"
    assert secrets_env.write(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = secrets_env.read_dotenv(path)
    assert set(first) == set(secrets_env.SECRETS) and all(len(v) >= 32 for v in first.values())
    assert len(set(first.values())) == len(first)
    assert not secrets_env.write(path) and secrets_env.read_dotenv(path) == first  # never overwritten
    from cryptography.fernet import Fernet

    Fernet(first["AIRFLOW_FERNET_KEY"].encode())  # a valid Fernet key
    other = tmp_path / "other.env"
    secrets_env.write(other)
    assert secrets_env.read_dotenv(other) != first  # random each time
    env = {k: v for k, v in os.environ.items() if k not in secrets_env.SECRETS}
    assert secrets_env.resolve(path, env) == first  # read back from .env
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO)
    assert ignored.returncode == 0, ".env must be in .gitignore"
    tracked = subprocess.run(["git", "ls-files", ".env", "*.env"], cwd=REPO, capture_output=True, text=True).stdout
    assert tracked.split() in ([], ["deploy/scaleout.env"])


def test_init_creates_the_single_writer_pool_and_services_wait_for_it():
    services = _compose()["services"]
    assert "pools set warehouse 1" in " ".join(services["airflow-init"]["command"])
    for name in AIRFLOW_SERVICES:
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"


def test_dockerfile_installs_from_the_lock_file():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "uv sync --frozen" in dockerfile and "COPY pyproject.toml uv.lock" in dockerfile


def _scaleout_module(root: Path = REPO):
    import importlib.util
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    spec = importlib.util.spec_from_file_location("scaleout", root / "scripts" / "scaleout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compose_hosts_in_the_settings_are_compose_services():
    import re

    services = set(_compose()["services"])
    hosts = set()
    for value in _env_file().values():
        hosts |= {m for m in re.findall(r"(?:@|://)([a-z][a-z0-9-]*):\d+", value)}
    assert hosts and hosts <= services, hosts - services


def test_the_local_scaleout_run_uses_the_same_settings_with_local_hosts(tmp_path):
    # GIVEN deploy/scaleout.env and the compose `environment` (what the containers get)
    scaleout = _scaleout_module()
    secrets = {"POSTGRES_PASSWORD": "pgpw", "REDIS_PASSWORD": "redispw", "AIRFLOW_FERNET_KEY": "fernet",
               "AIRFLOW_JWT_SECRET": "jwt", "AIRFLOW_API_SECRET_KEY": "apikey"}
    compose_env = {**_env_file(), **scaleout.compose_secret_env(secrets)}
    # WHEN scripts/scaleout.py makes its local settings from them
    local = scaleout.local_env(compose_env, home=tmp_path / "home", data=tmp_path / "data",
                               port=18080, database="airflow_scaleout", redis_db=5, logs=tmp_path / "logs")
    # THEN every compose setting is there, only host names, database, ports and paths differ
    assert set(compose_env) <= set(local)
    for key, value in compose_env.items():
        mapped = local[key]
        assert "@postgres:" not in mapped and "@redis:" not in mapped and "airflow-apiserver" not in mapped
        if not any(marker in value for marker in ("@postgres:", "redis://", "airflow-apiserver", "/opt/")):
            assert mapped == value, key
    assert local["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert (local["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
            == f"postgresql+psycopg2://{scaleout.PG_ROLE}:pgpw@127.0.0.1:5432/airflow_scaleout")
    assert local["AIRFLOW__CELERY__BROKER_URL"] == f"redis://{scaleout.REDIS_USER}:redispw@127.0.0.1:6379/5"
    assert local["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18080/execution/"
    assert local["AIRFLOW__API_AUTH__JWT_SECRET"] == "jwt"


def test_two_checkouts_never_share_the_scratch_database_role_or_redis(tmp_path):
    # GIVEN this checkout and another one (a second git worktree) on the same machine
    other = tmp_path / "other-checkout"
    (other / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "scaleout.py", other / "scripts" / "scaleout.py")
    here, there = _scaleout_module(), _scaleout_module(other)
    # THEN each has its own database, role and Redis user (the Redis db number, 1-15, is derived
    # from the same hash and can coincide, about 1 in 15, as the README says)
    for name in ("DATABASE", "PG_ROLE", "REDIS_USER"):
        assert getattr(here, name) != getattr(there, name), name
    assert 1 <= here.REDIS_DB <= 15 and 1 <= there.REDIS_DB <= 15
    # AND the cluster and its settings use them
    secrets = dict.fromkeys(("POSTGRES_PASSWORD", "REDIS_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET",
                             "AIRFLOW_API_SECRET_KEY"), "x")
    cluster = here.ScaleOut(tmp_path / "work", secrets=secrets)
    assert (cluster.database, cluster.redis_db) == (here.DATABASE, here.REDIS_DB)
    env = cluster.env_for("scheduler")
    assert f"//{here.PG_ROLE}:x@127.0.0.1:5432/{here.DATABASE}" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CELERY__BROKER_URL"].endswith(f"@127.0.0.1:6379/{here.REDIS_DB}")


def test_each_local_component_has_its_own_home_as_in_a_container(tmp_path):
    scaleout = _scaleout_module()
    secrets = dict.fromkeys(("POSTGRES_PASSWORD", "REDIS_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET",
                             "AIRFLOW_API_SECRET_KEY"), "x")
    cluster = scaleout.ScaleOut(tmp_path, secrets=secrets)
    homes = {cluster.env_for(name)["AIRFLOW_HOME"] for name in scaleout.COMPONENTS}
    assert len(homes) == len(scaleout.COMPONENTS)
    plugin_folders = {cluster.env_for(name)["AIRFLOW__CORE__PLUGINS_FOLDER"] for name in scaleout.COMPONENTS}
    assert len(plugin_folders) == len(scaleout.COMPONENTS)
    logs = {cluster.env_for(name)["AIRFLOW__LOGGING__BASE_LOG_FOLDER"] for name in scaleout.COMPONENTS}
    assert len(logs) == 1  # like compose's shared airflow-logs volume


def test_plugins_folder_is_not_the_package_folder():
    # Airflow imports every module under the plugins folder by file name: nlp/numbers.py
    # would shadow the stdlib `numbers` and break Cosmos and the DAGs.
    assert "/opt/conflictwatch/plugins" not in _env_file()["AIRFLOW__CORE__PLUGINS_FOLDER"]


def _jwt_secret(home, env_value=None):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["AIRFLOW_HOME"] = str(home)
    if env_value is not None:
        env["AIRFLOW__API_AUTH__JWT_SECRET"] = env_value
    airflow = Path(sys.executable).with_name("airflow")
    proc = subprocess.run([str(airflow), "config", "get-value", "api_auth", "jwt_secret"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


@pytest.mark.slow
def test_separate_homes_agree_on_the_jwt_secret_only_through_the_environment(tmp_path):
    # GIVEN two components with their own AIRFLOW_HOME, as two containers (or the local scale-out run)
    # WHEN no shared secret is set THEN each generates its own: workers' tokens would be refused
    assert _jwt_secret(tmp_path / "api-server") != _jwt_secret(tmp_path / "worker")
    # WHEN the compose profile's AIRFLOW__API_AUTH__JWT_SECRET is set THEN both use it
    assert _jwt_secret(tmp_path / "api-server", "shared-value") == _jwt_secret(tmp_path / "worker", "shared-value")

"""docker-compose.yml cannot run here (no Docker engine): validate its structure statically."""

from __future__ import annotations

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
    env = _env_file()
    services = _compose()["services"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert "@postgres:5432/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:6379")
    pg = services["postgres"]["environment"]
    assert f"{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@postgres:5432/{pg['POSTGRES_DB']}" in env[
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"
    ]
    assert env["CONFLICTWATCH_WAREHOUSE"].startswith(env["CONFLICTWATCH_DATA_DIR"])


def test_init_creates_the_single_writer_pool_and_services_wait_for_it():
    services = _compose()["services"]
    assert "pools set warehouse 1" in " ".join(services["airflow-init"]["command"])
    for name in AIRFLOW_SERVICES:
        assert services[name]["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"


def test_dockerfile_installs_from_the_lock_file():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "uv sync --frozen" in dockerfile and "COPY pyproject.toml uv.lock" in dockerfile


def _scaleout_module():
    import importlib.util
    import sys

    sys.path.insert(0, str(REPO / "scripts"))
    spec = importlib.util.spec_from_file_location("scaleout", REPO / "scripts" / "scaleout.py")
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
    # GIVEN deploy/scaleout.env (what docker-compose.yml reads)
    compose_env = _env_file()
    scaleout = _scaleout_module()
    # WHEN scripts/scaleout.py makes its local settings from it
    local = scaleout.local_env(scaleout.read_env_file(), home=tmp_path / "home", data=tmp_path / "data",
                               port=18080, database="airflow_scaleout", redis_db=5)
    # THEN every compose setting is there, only host names, database, ports and paths differ
    assert set(compose_env) <= set(local)
    for key, value in compose_env.items():
        mapped = local[key]
        assert "@postgres:" not in mapped and "redis://redis:" not in mapped and "airflow-apiserver" not in mapped
        if not any(marker in value for marker in ("@postgres:", "redis://", "airflow-apiserver", "/opt/")):
            assert mapped == value, key
    assert local["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert local["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@127.0.0.1:5432/airflow_scaleout")
    assert local["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:6379/5"
    assert local["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18080/execution/"


def test_plugins_folder_is_not_the_package_folder():
    # Airflow imports every module under the plugins folder by file name: nlp/numbers.py
    # would shadow the stdlib `numbers` and break Cosmos and the DAGs.
    assert "/opt/conflictwatch/plugins" not in _env_file()["AIRFLOW__CORE__PLUGINS_FOLDER"]

# The project's image for the scale-out profile: every Airflow component and Celery worker
# runs it. Dependencies come from uv.lock, exactly as `make setup` installs them.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH AIRFLOW_HOME=/opt/airflow

RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev curl \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9 \
    && useradd --create-home --uid 50000 airflow

WORKDIR /opt/conflictwatch
COPY pyproject.toml uv.lock README.md ./
COPY plugins/ plugins/
RUN uv sync --frozen --no-dev
COPY dags/ dags/
COPY dbt_project/ dbt_project/
COPY include/ include/
RUN mkdir -p /opt/conflictwatch/data /opt/airflow/plugins && chown -R airflow /opt/conflictwatch /opt/airflow

USER airflow

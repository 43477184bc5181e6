"""Failure callbacks: one log line that says which task failed, on which try, and why."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("conflictwatch.airflow")


def describe_failure(context: dict[str, Any]) -> str:
    ti = context.get("task_instance") or context.get("ti")
    exc = context.get("exception")
    reason = f"{type(exc).__name__}: {exc}" if exc is not None else context.get("reason") or "unknown"
    params = context.get("params") or {}
    chosen = {k: v for k, v in dict(params).items() if v not in (None, "", [], False)}
    return (
        f"conflictwatch failure: dag={getattr(ti, 'dag_id', context.get('dag') and context['dag'].dag_id)}"
        f" task={getattr(ti, 'task_id', '-')} map_index={getattr(ti, 'map_index', '-')}"
        f" run={context.get('run_id')} try={getattr(ti, 'try_number', '-')}"
        f" params={chosen} reason={reason}"
    )


def on_task_failure(context: dict[str, Any]) -> None:
    """Task-level on_failure_callback: runs in the worker, lands in the task's log."""
    log.error(describe_failure(context))


def on_dag_failure(context: dict[str, Any]) -> None:
    """DAG-level on_failure_callback: runs in the dag-processor, names the run that failed."""
    log.error(describe_failure(context))

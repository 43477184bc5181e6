"""Failure callbacks: one log line that says which task failed, on which try, and why; then, when
configured, the same line to a Slack incoming webhook and/or by e-mail (SMTP).

Works out of the box: with nothing configured only the log line is written. Each setting is an
environment variable `CONFLICTWATCH_ALERT_<NAME>` or, failing that, an Airflow Variable
`conflictwatch_alert_<name>` (docs/orchestration.md "Failure notices"):

  slack_webhook   https://hooks.slack.com/services/...  (a JSON {"text": ...} POST)
  email_to        comma-separated recipients; e-mail is sent only when this is set
  smtp_host       default localhost         smtp_port      default 25 (587 with starttls)
  smtp_starttls   true/false (default false) smtp_user, smtp_password   optional login
  smtp_from       default conflictwatch@<this host>

A notice that cannot be sent is logged as a warning; it never hides the failure it reports.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import socket
import urllib.request
from email.message import EmailMessage
from typing import Any

log = logging.getLogger("conflictwatch.airflow")

TIMEOUT_S = 10


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


# --- settings -------------------------------------------------------------------------------------


def alert_setting(name: str) -> str | None:
    """`CONFLICTWATCH_ALERT_<NAME>`, else the Airflow Variable `conflictwatch_alert_<name>`, else None."""
    value = os.environ.get(f"CONFLICTWATCH_ALERT_{name.upper()}")
    return value.strip() if value and value.strip() else _variable(f"conflictwatch_alert_{name}")


def _variable(key: str) -> str | None:
    try:
        from airflow.sdk import Variable

        value = Variable.get(key, default=None)
    except Exception:  # outside a task or the dag-processor (no API to ask): not configured
        return None
    if value is None:
        return None
    return str(value).strip() or None


# --- channels -------------------------------------------------------------------------------------


def _post_json(url: str, payload: dict) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        return response.status


def send_slack(message: str) -> bool:
    """Post the line to the configured Slack incoming webhook; False when none is configured."""
    webhook = alert_setting("slack_webhook")
    if not webhook:
        return False
    _post_json(webhook, {"text": message})
    return True


def failure_email(message: str, context: dict[str, Any]) -> EmailMessage | None:
    """The notice as an e-mail, or None when no recipient is configured."""
    to = alert_setting("email_to")
    if not to:
        return None
    ti = context.get("task_instance") or context.get("ti")
    what = (
        ".".join(str(p) for p in (getattr(ti, "dag_id", None), getattr(ti, "task_id", None)) if p)
        or "a DAG run"
    )
    mail = EmailMessage()
    mail["Subject"] = f"conflictwatch: {what} failed (run {context.get('run_id')})"
    mail["From"] = alert_setting("smtp_from") or f"conflictwatch@{socket.getfqdn()}"
    mail["To"] = ", ".join(a.strip() for a in to.split(",") if a.strip())
    log_url = _log_url(ti)
    mail.set_content(message + (f"\n\nLog: {log_url}\n" if log_url else "\n"))
    return mail


def _log_url(ti: object) -> str | None:
    try:
        return getattr(ti, "log_url", None)
    except Exception:  # the URL needs Airflow's configuration; a notice goes without it
        return None


def send_email(message: str, context: dict[str, Any]) -> bool:
    """Send the notice over SMTP; False when no recipient is configured."""
    mail = failure_email(message, context)
    if mail is None:
        return False
    starttls = (alert_setting("smtp_starttls") or "").lower() in ("1", "true", "yes", "on")
    port = int(alert_setting("smtp_port") or (587 if starttls else 25))
    with smtplib.SMTP(alert_setting("smtp_host") or "localhost", port, timeout=TIMEOUT_S) as smtp:
        if starttls:
            smtp.starttls()
        user = alert_setting("smtp_user")
        if user:
            smtp.login(user, alert_setting("smtp_password") or "")
        smtp.send_message(mail)
    return True


def notify_failure(context: dict[str, Any], *, external: bool = True) -> list[str]:
    """Log the failure line; with `external`, also send it to each configured channel.
    Returns the channels it was sent to."""
    message = describe_failure(context)
    log.error(message)
    sent: list[str] = []
    if not external:
        return sent
    for channel, send in (
        ("slack", lambda: send_slack(message)),
        ("email", lambda: send_email(message, context)),
    ):
        try:
            if send():
                sent.append(channel)
        except Exception as exc:  # a notice that fails must not hide the failure it reports
            log.warning("failure notice by %s not sent: %s: %s", channel, type(exc).__name__, exc)
    if sent:
        log.info("failure notice sent by %s", ", ".join(sent))
    return sent


# --- the callbacks the DAGs wire in -----------------------------------------------------------------


def on_task_failure(context: dict[str, Any]) -> None:
    """Task-level on_failure_callback (after the last retry): runs in the worker, lands in the
    task's log, and sends the notice with the exception."""
    notify_failure(context)


def on_dag_failure(context: dict[str, Any]) -> None:
    """DAG-level on_failure_callback: runs in the dag-processor, names the run that failed. A run
    failed by a task was already notified by that task's callback; other reasons (a run timeout)
    are sent from here."""
    notify_failure(context, external=context.get("reason") != "task_failure")

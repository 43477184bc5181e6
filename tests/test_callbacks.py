"""The failure notifier: a log line always; Slack and e-mail only when configured; a notice that
cannot be sent never hides the failure. Fake contexts, a fake SMTP class, no network."""

from __future__ import annotations

import logging
import threading
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import ClassVar

import pytest

from conflictwatch.airflow import callbacks

SETTINGS = (
    "slack_webhook",
    "email_to",
    "smtp_host",
    "smtp_port",
    "smtp_starttls",
    "smtp_user",
    "smtp_password",
    "smtp_from",
)


@pytest.fixture(autouse=True)
def unconfigured(monkeypatch):
    """No setting in the environment and no Airflow Variable, unless a test sets one."""
    for name in SETTINGS:
        monkeypatch.delenv(f"CONFLICTWATCH_ALERT_{name.upper()}", raising=False)
    monkeypatch.setattr(callbacks, "_variable", lambda key: None)


def _context(**extra) -> dict:
    ti = SimpleNamespace(
        dag_id="ingest_articles",
        task_id="load",
        map_index=-1,
        try_number=3,
        log_url="http://localhost:8080/dags/ingest_articles/runs/manual__1/tasks/load",
    )
    return {
        "ti": ti,
        "exception": RuntimeError("disk full"),
        "run_id": "manual__1",
        "params": {"force": True, "inputs": []},
        **extra,
    }


class FakeSMTP:
    sent: ClassVar[list] = []

    def __init__(self, host, port, timeout):
        self.calls = [("connect", host, port)]
        FakeSMTP.sent.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, mail):
        self.calls.append(("send", mail))


def test_unconfigured_it_logs_one_line_and_sends_nothing(caplog, monkeypatch):
    monkeypatch.setattr(callbacks, "_post_json", lambda *a: pytest.fail("nothing is configured"))
    monkeypatch.setattr(callbacks.smtplib, "SMTP", lambda *a, **k: pytest.fail("nothing is configured"))
    with caplog.at_level(logging.INFO, logger="conflictwatch.airflow"):
        assert callbacks.notify_failure(_context()) == []
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        "conflictwatch failure: dag=ingest_articles task=load map_index=-1 run=manual__1 try=3 "
        "params={'force': True} reason=RuntimeError: disk full"
    )


def test_slack_gets_the_line_when_a_webhook_is_set(monkeypatch):
    posted = []
    monkeypatch.setenv("CONFLICTWATCH_ALERT_SLACK_WEBHOOK", "https://hooks.slack.com/services/T/B/x")
    monkeypatch.setattr(callbacks, "_post_json", lambda url, payload: posted.append((url, payload)) or 200)
    assert callbacks.notify_failure(_context()) == ["slack"]
    [(url, payload)] = posted
    assert url == "https://hooks.slack.com/services/T/B/x"
    assert payload["text"].startswith("conflictwatch failure: dag=ingest_articles task=load")
    assert "RuntimeError: disk full" in payload["text"]


def test_the_webhook_post_is_json_over_http():
    bodies = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            bodies.append(
                (self.headers["Content-Type"], self.rfile.read(int(self.headers["Content-Length"])))
            )
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert callbacks._post_json(f"http://127.0.0.1:{server.server_address[1]}/hook", {"text": "x"}) == 200
    finally:
        server.shutdown()
        server.server_close()
    assert bodies == [("application/json", b'{"text": "x"}')]


def test_email_over_smtp_with_starttls_and_login(monkeypatch):
    for name, value in {
        "email_to": "ops@example.org, analyst@example.org",
        "smtp_host": "mail.example.org",
        "smtp_starttls": "true",
        "smtp_user": "cw",
        "smtp_password": "pw",
        "smtp_from": "cw@example.org",
    }.items():
        monkeypatch.setenv(f"CONFLICTWATCH_ALERT_{name.upper()}", value)
    FakeSMTP.sent = []
    monkeypatch.setattr(callbacks.smtplib, "SMTP", FakeSMTP)
    assert callbacks.notify_failure(_context()) == ["email"]
    [smtp] = FakeSMTP.sent
    assert [c[0] for c in smtp.calls] == ["connect", "starttls", "login", "send"]
    assert smtp.calls[0] == ("connect", "mail.example.org", 587) and smtp.calls[2] == ("login", "cw", "pw")
    mail = smtp.calls[3][1]
    assert mail["Subject"] == "conflictwatch: ingest_articles.load failed (run manual__1)"
    assert mail["To"] == "ops@example.org, analyst@example.org" and mail["From"] == "cw@example.org"
    body = mail.get_content()
    assert "RuntimeError: disk full" in body and "Log: http://localhost:8080/dags/ingest_articles" in body


def test_airflow_variables_configure_it_when_the_environment_does_not(monkeypatch):
    variables = {"conflictwatch_alert_email_to": "ops@example.org", "conflictwatch_alert_smtp_port": "2525"}
    monkeypatch.setattr(callbacks, "_variable", variables.get)
    FakeSMTP.sent = []
    monkeypatch.setattr(callbacks.smtplib, "SMTP", FakeSMTP)
    assert callbacks.notify_failure(_context()) == ["email"]
    assert FakeSMTP.sent[0].calls == [("connect", "localhost", 2525), ("send", FakeSMTP.sent[0].calls[1][1])]


def test_a_notice_that_cannot_be_sent_is_a_warning_and_the_others_still_go(monkeypatch, caplog):
    monkeypatch.setenv("CONFLICTWATCH_ALERT_SLACK_WEBHOOK", "https://hooks.slack.com/services/T/B/x")
    monkeypatch.setenv("CONFLICTWATCH_ALERT_EMAIL_TO", "ops@example.org")

    def unreachable(url, payload):
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr(callbacks, "_post_json", unreachable)
    FakeSMTP.sent = []
    monkeypatch.setattr(callbacks.smtplib, "SMTP", FakeSMTP)
    with caplog.at_level(logging.INFO, logger="conflictwatch.airflow"):
        assert callbacks.notify_failure(_context()) == ["email"]
    levels = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert levels[0][0] == "ERROR" and levels[0][1].startswith("conflictwatch failure: dag=ingest_articles")
    assert (
        "WARNING",
        "failure notice by slack not sent: URLError: <urlopen error connection refused>",
    ) in levels


def test_the_dag_callback_sends_only_what_no_task_callback_sent(monkeypatch):
    posted = []
    monkeypatch.setenv("CONFLICTWATCH_ALERT_SLACK_WEBHOOK", "https://hooks.slack.com/services/T/B/x")
    monkeypatch.setattr(callbacks, "_post_json", lambda url, payload: posted.append(payload["text"]) or 200)
    dag_context = {"dag": SimpleNamespace(dag_id="transform_dbt"), "run_id": "asset_triggered__1"}
    # a run failed by a task: that task's callback sent the notice
    callbacks.on_dag_failure({**dag_context, "reason": "task_failure"})
    assert posted == []
    # a run that timed out: no task callback said so
    callbacks.on_dag_failure({**dag_context, "reason": "timed_out"})
    assert len(posted) == 1 and "dag=transform_dbt" in posted[0] and "reason=timed_out" in posted[0]
    callbacks.on_task_failure(_context())
    assert len(posted) == 2

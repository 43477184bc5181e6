"""Refresh docs/img/airflow-grid.png and docs/img/dbt-lineage.png with headless Chromium.

Runs both DAGs on the seeds with `airflow dags test` in a scratch AIRFLOW_HOME (so the UI
has a successful ingest_articles run to show), starts `airflow standalone` on it, logs in
as admin, and screenshots the run's grid; then serves the `dbt docs generate` output
(index.html + manifest.json + catalog.json) with http.server and screenshots the lineage
graph. Uses Debian's /usr/bin/chromium through Playwright (no browser download).

    python scripts/screenshots.py [--out docs/img]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from airflow_standalone import BIN, REPO, Standalone

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1600, "height": 1000}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_dags(server: Standalone, data: Path) -> str:
    """Both DAGs on the seeds (dags test, SQLite); returns the ingest run's id."""
    server.prepare()
    # `dags test` runs one task at a time with no triggerer: Cosmos's watchers must reschedule,
    # not defer (a deferred watcher can wait on a producer that has not run yet, for ever).
    env = {**server.env, "CONFLICTWATCH_WATCHER_DEFER": "0"}
    for dag_id in ("ingest_articles", "transform_dbt"):
        try:
            proc = subprocess.run([str(BIN / "airflow"), "dags", "test", dag_id], env=env,
                                  capture_output=True, text=True, timeout=420, cwd=REPO)
        except subprocess.TimeoutExpired as exc:
            tail = ((exc.stdout or b"") + (exc.stderr or b""))[-3000:]
            raise RuntimeError(f"dags test {dag_id} did not finish in {exc.timeout:.0f} s:\n{tail!r}") from exc
        if proc.returncode:
            raise RuntimeError(f"dags test {dag_id} failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    code = (
        "from airflow.utils.session import create_session\nfrom airflow.models import DagRun\n"
        "with create_session() as s:\n"
        "    r = s.query(DagRun).filter_by(dag_id='ingest_articles', state='success').order_by(DagRun.id.desc()).first()\n"
        "    print('RUN=' + r.run_id)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=server.env, capture_output=True, text=True).stdout
    return next(ln[4:] for ln in out.splitlines() if ln.startswith("RUN="))


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def logged_in(page, base: str) -> bool:
    """Whether this page's browser context holds Airflow's session cookie for `base`."""
    return any(cookie["name"] == "_token" for cookie in page.context.cookies(base))


def login(page, base: str, password: str) -> None:
    """Log in as admin through the login form, unless this browser context is logged in already.

    An anonymous visitor of / is sent on to the form by the UI's own script once /ui/config
    answers 401. On a loaded machine that script can run after the network has gone quiet, so
    the URL read at "networkidle" still said / and the login was skipped; the next page then sat
    on the login form until its 120 s timeout (twice per browser test run). The session cookie
    decides instead, and the form is waited for.
    """
    page.goto(f"{base}/", wait_until="networkidle")
    if not logged_in(page, base):
        page.locator("input[name='username']").wait_for(timeout=120_000)  # the React form renders late
        page.fill("input[name='username']", "admin")
        page.fill("input[name='password']", password)
        page.locator("button[type='submit']").click()
        page.wait_for_url(lambda url: "/login" not in url, timeout=60_000)
    page.wait_for_load_state("networkidle")


def grid_screenshot(browser, server: Standalone, run_id: str, out: Path) -> Path:
    from urllib.parse import quote

    page = browser.new_page(viewport=VIEWPORT)
    url = f"{server.url}/dags/ingest_articles/runs/{quote(run_id)}"
    # On a loaded 2-core machine the React UI can take long to render: try three times, logging in
    # again if the session did not stick, and wait on the page's text (visible or not).
    for attempt in range(3):
        try:
            login(page, server.url, server.password())
            page.goto(url, wait_until="networkidle", timeout=120_000)
            page.wait_for_function(
                "() => document.body && document.body.innerText.includes('ingest_articles')"
                " && document.body.innerText.includes('load')", timeout=120_000)
            break
        except Exception as exc:
            if attempt == 2:
                text = page.inner_text("body")[:500] if page.url else ""
                raise AssertionError(f"the grid of {url} did not render; the page at {page.url} shows: {text!r}") from exc
            page.wait_for_timeout(5000)
    page.wait_for_timeout(3000)  # the grid's bars render after the API answers
    path = out / "airflow-grid.png"
    page.screenshot(path=str(path))
    text = page.inner_text("body")
    page.close()
    if "load" not in text or "process" not in text:
        raise AssertionError("the grid page does not show the ingest tasks")
    return path


def serve(folder: Path) -> ThreadingHTTPServer:
    handler = partial(QuietHandler, directory=str(folder))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def docs_site(dbt_target: Path, work: Path) -> Path:
    """The static dbt docs site: index.html with its manifest.json and catalog.json."""
    site = work / "dbt-docs"
    site.mkdir(parents=True, exist_ok=True)
    for name in ("index.html", "manifest.json", "catalog.json"):
        shutil.copy(dbt_target / name, site / name)
    return site


def lineage_screenshot(browser, site: Path, out: Path) -> Path:
    httpd = serve(site)
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{base}/index.html#!/model/model.conflictwatch.fct_incident_reports", wait_until="networkidle")
        page.wait_for_function(
            "() => document.body && document.body.innerText.includes('fct_incident_reports')", timeout=120_000)
        # The lineage button (bottom right) opens the graph panel; expand it to full screen and
        # select every ancestor of the incident mart: raw sources -> staging -> intermediate -> mart.
        page.locator("a[ng-click='onLauncherClick()']").first.click()
        page.locator("a[ng-click='showExpanded()']").first.click()
        page.wait_for_timeout(1500)
        select = page.locator("input.field-input").first
        select.fill("+fct_incident_reports")
        select.press("Enter")
        update = page.get_by_text("Update Graph")
        if update.count():
            update.first.click()
        page.locator("canvas").first.wait_for(state="attached", timeout=120_000)
        page.wait_for_timeout(5000)  # the graph layout animates
        path = out / "dbt-lineage.png"
        page.screenshot(path=str(path))
        page.close()
        return path
    finally:
        httpd.shutdown()
        httpd.server_close()


def take(out: Path, work: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    server = Standalone(work / "airflow_home", free_port(), {
        "CONFLICTWATCH_DATA_DIR": str(data),
        "CONFLICTWATCH_WAREHOUSE": str(data / "warehouse.duckdb"),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
    })
    run_id = run_dags(server, data)
    paths = []
    try:
        server.start()
        with sync_playwright() as p:
            browser = launch(p)
            try:
                paths.append(grid_screenshot(browser, server, run_id, out))
                paths.append(lineage_screenshot(browser, docs_site(data / "dbt_target", work), out))
            finally:
                browser.close()
    finally:
        left = server.stop()
        if left:
            raise RuntimeError(f"processes left running: {left}")
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: apt-get install -y chromium")
        return 1
    work = Path(tempfile.mkdtemp(prefix="screenshots-"))
    started = time.monotonic()
    try:
        for path in take(args.out, work):
            print(f"wrote {path}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DO_NOT_TRACK", "1")
    sys.exit(main())

"""Open the HTML report (`conflictwatch report`) in headless Chromium from disk (file://, no
server), click the deadliest incident on the map, check the evidence panel shows its sentence,
and save a screenshot. Uses Debian's /usr/bin/chromium through Playwright (no browser download).

    python scripts/report_screenshot.py [--report data/report.html] [--out docs/img/report.png]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]


def take(report: Path, out: Path, width: int = 1400, height: int = 1000) -> tuple[Path, dict]:
    """Screenshot of the report with the biggest map mark clicked; returns the PNG and what the page showed."""
    from playwright.sync_api import sync_playwright

    out.parent.mkdir(parents=True, exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("request", lambda r: requests.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(report.resolve().as_uri())
            marks = page.locator(".map .mark")
            n_marks = marks.count()
            # the marks are drawn largest first; the first one is the deadliest incident
            biggest = marks.first
            detail = biggest.get_attribute("data-detail")
            # smaller marks are drawn on top of it: send the click to the mark itself
            biggest.dispatch_event("click")
            shown = page.locator("#detail").inner_text()
            page.screenshot(path=str(out), full_page=True)
            figures = page.locator("section svg").count()
        finally:
            browser.close()
    external = [u for u in requests if not u.startswith("file://")]
    return out, {"marks": n_marks, "detail": detail, "shown": shown, "figures": figures,
                 "external_requests": external, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--report", type=Path, default=REPO / "data" / "report.html")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img" / "report.png")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} not found: apt-get install -y chromium")
        return 1
    path, seen = take(args.report, args.out)
    print(f"wrote {path}: {seen['marks']} map marks, {seen['figures']} figures, clicked: {seen['shown'][:80]}...")
    return 0


if __name__ == "__main__":
    sys.exit(main())

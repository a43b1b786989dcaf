"""The HTML report in headless Chromium: charts drawn, table sorts and filters, nothing fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.models import Report
from analyzer.report import OutputFormat, render

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (CI: apt-get install chromium)"
    ),
]


def test_the_report_works_in_a_browser(report: Report, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    page_file = tmp_path / "report.html"
    html = render(report, OutputFormat.HTML)
    assert isinstance(html, str)
    page_file.write_text(html, encoding="utf-8")
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(page_file.as_uri())

            assert page.locator("#charts svg").count() == 3
            assert page.locator("#charts svg .mark-rect path").count() >= 10

            ids = page.locator("#orders-table tbody tr td:first-child")
            before = ids.all_inner_texts()
            page.click("#orders-table th:has-text('Order')")
            ascending = ids.all_inner_texts()
            assert ascending == sorted(before) and ascending != before
            page.click("#orders-table th:has-text('Order')")
            assert ids.all_inner_texts() == sorted(before, reverse=True)

            page.fill("#filter", "sectigo")
            visible = page.locator("#orders-table tbody tr:visible")
            assert visible.count() == 2
            assert page.locator("#shown").inner_text() == "2 of 10 orders"
            page.fill("#filter", "")
            assert visible.count() == 10

            page.click("#orders-table tbody tr:first-child a")
            assert page.locator("details[open] ol.timeline li").count() >= 1

            page.evaluate(
                "window.scrollTo(0, 0)"
            )  # sticky headers draw oddly in a scrolled capture
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert requests == [page_file.as_uri()]
    assert errors == []

"""The dashboard in a real browser: headless Chromium (Debian's ``chromium`` package, driven by
Playwright; never ``playwright install``) against uvicorn on 127.0.0.1 serving the sample web's
index. Each main page is checked for what a person sees (headings, numbers equal to the API's,
charts drawn as SVG with a size, no console error, no CSP violation); screenshots go to
``out/screenshots/``."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (make test installs it as root: "
                "apt-get install -y chromium)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api",
                                     reason="playwright is in the dev extra")

from aiosmtpd.controller import Controller  # noqa: E402

from linkatlas.sample.server import SampleServer  # noqa: E402
from linkatlas.web import WebConfig, create_app  # noqa: E402
from linkatlas.web.mail import MailConfig  # noqa: E402
from linkatlas.web.quick import QuickConfig  # noqa: E402
from test_web_quick import Inbox  # noqa: E402
from web_support import TOKEN, free_port, sample_index  # noqa: E402

SHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class Site:
    """The running dashboard: its address, the target, the mail it sent."""

    def __init__(self, base: str, target: str, host: str, inbox: Inbox) -> None:
        self.base, self.target, self.host, self.inbox = base, target, host, inbox

    def api(self, path: str, **params: Any) -> Any:
        """A JSON answer of the dashboard's API (``path`` under the target, or from /)."""
        where = path if path.startswith("/") else f"/api/v1/targets/{self.target}/{path}"
        answer = httpx.get(f"{self.base}{where}", params=params, timeout=120)
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    import uvicorn

    db, target, web = sample_index(tmp_path_factory.mktemp("browser"), rank=True)
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    quick = QuickConfig(mail=MailConfig(host="127.0.0.1", port=smtp.port), secret=b"b" * 32,
                        max_pages=3, max_depth=1)
    try:
        with SampleServer(web) as sample_server:
            config = WebConfig(db=db, token=TOKEN, allow_net=("127.0.0.0/8",),
                               address_map=sample_server.address_map(), quick=quick,
                               reports_dir=db.parent / "reports")
            server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1",
                                                   port=port, log_level="warning"))
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            deadline = time.monotonic() + 90
            while not server.started and thread.is_alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.started, "uvicorn did not start"
            try:
                yield Site(f"http://127.0.0.1:{port}", target, web.target_host, inbox)
            finally:
                server.should_exit = True
                thread.join(120)
    finally:
        smtp.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Tab:
    """A page that records console errors (CSP violations are reported there) and crashes."""

    def __init__(self, browser: Any, site: Site) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.site = site
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("response", self._response)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")

    def _console(self, message: Any) -> None:
        # Chromium asks for /favicon.ico on its own; the dashboard has none (a 404 nobody sees).
        if message.type == "error" and not message.location.get("url", "").endswith(
                "/favicon.ico"):
            self.problems.append(f"{message.text} ({message.location.get('url', '')})")

    def open(self, path: str) -> Any:
        """Load ``path`` of the dashboard; fail on a non-200 answer."""
        answer = self.page.goto(self.site.base + path, wait_until="load", timeout=120_000)
        assert answer is not None and answer.status == 200, (path, answer and answer.status)
        return self.page

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot; check nothing went wrong on the page."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5000
        assert not self.problems, self.problems
        return path


@pytest.fixture
def tab(browser: Any, site: Site) -> Iterator[Tab]:
    t = Tab(browser, site)
    try:
        yield t
    finally:
        t.page.close()


def _number(text: str) -> int:
    return int(text.replace(",", "").strip())


def _card(page: Any, label: str) -> int:
    card = page.locator(".card", has_text=re.compile(rf"^\s*[\d,]+\s*{label}\s*$"))
    return _number(card.locator(".n").inner_text())


def _pager_total(page: Any) -> int:
    found = re.match(r"([\d,]+) rows · page (\d+) of (\d+)", page.locator(".pager").inner_text())
    assert found is not None
    return _number(found.group(1))


def _charts_drawn(page: Any, expected: int) -> None:
    charts = page.locator("figure svg")
    assert charts.count() == expected
    for i in range(expected):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 20, box


def test_overview(tab: Tab, site: Site) -> None:
    page = tab.open(f"/t/{site.target}")
    assert page.locator("h1").inner_text() == site.target
    profile = site.api("profile")
    assert _card(page, "backlinks") == profile["links"] > 0
    assert _card(page, "referring domains") == profile["refdomains"] > 0
    assert _card(page, "followed") == profile["followed"]
    _charts_drawn(page, 6)
    assert page.locator("figcaption", has_text="Referring domains over time").is_visible()
    tab.shot("overview")


def test_backlinks_sort_filter_paginate(tab: Tab, site: Site) -> None:
    page = tab.open(f"/t/{site.target}/backlinks?per_page=25")
    total = site.api("backlinks", per_page=1)["total"]
    assert _pager_total(page) == total > 25
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^anchor")).click()
    assert "sort=anchor" in page.url and "order=desc" in page.url
    first = site.api("backlinks", sort="anchor", order="desc", per_page=1)["items"][0]
    assert page.locator("table.sortable tbody tr").first.locator("td").nth(2).inner_text() \
        == first["anchor"].strip()
    with page.expect_navigation():
        page.get_by_role("link", name="next").click()
    assert re.search(r"page 2 of \d+", page.locator(".pager").inner_text())
    # The filter: typing hides non-matching rows at once (table.js), Apply asks the server.
    word = "coffee"
    page.get_by_label("filter").fill(word)
    visible = page.locator("table.sortable tbody tr:not(.hidden)")
    for i in range(visible.count()):
        assert word in visible.nth(i).inner_text().lower()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
    assert not tab.problems, (page.url, tab.problems)
    expected = site.api("backlinks", q=word, per_page=1)["total"]
    assert _pager_total(page) == expected and 0 < expected < total
    tab.shot("backlinks")


@pytest.mark.parametrize(("table", "heading"), [("refdomains", "domain"),
                                                ("anchors", "anchor")])
def test_refdomains_and_anchors(tab: Tab, site: Site, table: str, heading: str) -> None:
    page = tab.open(f"/t/{site.target}/{table}")
    assert _pager_total(page) == site.api(table, per_page=1)["total"] > 0
    assert page.locator("table.sortable thead th").first.inner_text().startswith(heading)
    tab.shot(table)


def test_audit(tab: Tab, site: Site) -> None:
    page = tab.open(f"/t/{site.target}/audit")
    audit = site.api("audit", links_limit=1)
    assert "Google ignores most junk links" in page.locator(".statement").inner_text()
    rows = page.locator("form table tbody tr")
    assert rows.count() == len(audit["domains"]) > 0
    assert page.get_by_role("button", name=re.compile("disavow", re.I)).is_visible()
    tab.shot("audit")


def test_authority(tab: Tab, site: Site) -> None:
    page = tab.open(f"/t/{site.target}/authority")
    auth = site.api("authority")
    text = page.locator("main").inner_text()
    assert f"scores {auth['row']['score']:.1f}/100" in text
    tab.shot("authority")


def test_home_opens_a_target(tab: Tab, site: Site) -> None:
    page = tab.open("/")
    assert page.locator("h1").inner_text() == "linkatlas"
    assert _card(page, "links") > 0 and _card(page, "pages") > 0
    tab.shot("home")
    page.get_by_label("Target (a domain or a host)").fill(site.target)
    with page.expect_navigation():
        page.get_by_role("button", name="Open").last.click()
    assert page.url.endswith(f"/t/{site.target}")
    assert page.locator("h1").inner_text() == site.target


def test_exports_download_the_filtered_rows(tab: Tab, site: Site, tmp_path: Path) -> None:
    page = tab.open(f"/t/{site.target}/refdomains?q=coffee")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == f"refdomains-{site.target}.csv"
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('"domain","links"')
    expected = site.api("refdomains", q="coffee", per_page=500)
    assert len(lines) - 1 == expected["total"] > 0
    assert {line.split(",")[0].strip('"') for line in lines[1:]} == {
        d["domain"] for d in expected["items"]}


def test_disavow_builder_downloads_the_ticked_domains(tab: Tab, site: Site,
                                                      tmp_path: Path) -> None:
    page = tab.open(f"/t/{site.target}/audit")
    boxes = page.locator("form table tbody input[type=checkbox]")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    first = boxes.first.get_attribute("value")
    boxes.first.check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download disavow.txt").click()
    saved = tmp_path / "disavow.txt"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "disavow.txt"
    lines = [x for x in saved.read_text(encoding="utf-8").splitlines()
             if x.strip() and not x.startswith("#")]
    assert lines == [f"domain:{first}"]


def test_report_job_from_the_jobs_page(tab: Tab, site: Site) -> None:
    """Queue a report on the jobs page with the API token, watch the job page refresh itself
    until it is done, open the report: its inline stylesheet is allowed by its CSP hash (a
    refused style would be a console error), its charts are drawn."""
    page = tab.open("/jobs")
    assert page.locator("h1").inner_text() == "Jobs"
    page.get_by_label("Kind").select_option("report")
    page.get_by_label("Parameters (JSON)").fill(f'{{"target": "{site.target}"}}')
    page.get_by_label("API token").fill(TOKEN)
    with page.expect_navigation():
        page.get_by_role("button", name="Queue").click()
    assert re.search(r"/jobs/\d+$", page.url), page.url
    assert page.locator("h1").inner_text().endswith(": report")
    link = page.get_by_role("link", name="Open the report")
    link.wait_for(timeout=180_000)  # the page reloads itself every 2 s while the job runs
    assert page.locator("td.state-done").inner_text() == "done"
    tab.shot("job")
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == f"Backlink report: {site.target}"
    _charts_drawn(page, 6)
    # The stylesheet applied: the charts' figures are laid out as the report's CSS says, not
    # as an unstyled page would (the default figure margin is 40px).
    margin = page.locator("figure").first.evaluate("e => getComputedStyle(e).marginLeft")
    assert margin != "40px", margin
    tab.shot("report")
    jobs = site.api("/api/v1/jobs")
    assert any(j["kind"] == "report" and j["state"] == "done" for j in jobs)


def test_served_report_page(tab: Tab, site: Site) -> None:
    page = tab.open(f"/t/{site.target}/report")
    assert page.locator("h1").inner_text() == f"Backlink report: {site.target}"
    for heading in ("Profile", "Top risks"):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    _charts_drawn(page, 6)
    tab.shot("report-page")


def test_quick_report_form_thanks_and_report(tab: Tab, site: Site) -> None:
    site.inbox.arrived.clear()
    page = tab.open("/quick")
    assert page.locator("h1").inner_text() == "Quick link report"
    tab.shot("quick-form")
    page.get_by_label("Website").fill(site.host)
    page.get_by_label("Email").fill("owner@example.com")
    with page.expect_navigation():
        page.get_by_role("button", name="Email me the report").click()
    main = page.locator("main").inner_text()
    assert page.locator("h1").inner_text().startswith("Thank you"), main
    assert "owner@example.com" in main
    tab.shot("quick-thanks")
    assert site.inbox.arrived.wait(180), "no email arrived"
    body = site.inbox.messages[-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"http://127\.0\.0\.1:\d+/r/[A-Za-z0-9_-]{32}", body)
    assert link is not None, body
    page.goto(link.group(0), wait_until="load")
    assert page.locator("h1").inner_text() == f"Link report: {site.target}"
    for heading in ("Profile", "Top risks", "Top opportunities", "Next steps"):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    assert _card(page, "referring domains") == site.api("profile")["refdomains"]
    _charts_drawn(page, 2)
    tab.shot("quick-report")

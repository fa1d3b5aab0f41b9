"""The report (from file://) and the served app in a real headless Chromium: the network
is drawn, clicking an account or a link shows its evidence, every view fills, the console
stays clean, and script-injection payloads in handles, posts and articles stay inert text.

Drives Debian's /usr/bin/chromium through Playwright (no browser download). Skipped when
that browser is missing, except in CI (CI=true), where its absence is a failure.
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import assert_clean_exit, run_cli
from report_fixtures import HANDLE_PAYLOAD, ORIGINALS, TEXT_PAYLOAD, TITLE_PAYLOAD, build_hostile_workspace

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
TABS = ("overview", "network", "clusters", "timelines", "signals", "narratives", "search")
SCREENSHOTS = os.environ.get("INCONCERT_SCREENSHOTS")

# Runs in the page: any trace that a payload became markup or code.
INJECTION_TRACES = """() => {
  const onAttributes = [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))
    .filter(name => name.toLowerCase().startsWith('on'));
  return {
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    onAttributes,
    javascriptLinks: [...document.querySelectorAll('a[href]')].filter(a => !/^(https?:|blob:)/.test(a.href)).map(a => a.href),
    strayElements: document.querySelectorAll('img, iframe, object, embed, svg[onload], b').length,
    scripts: document.querySelectorAll('script').length,
  };
}"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs it with apt-get install -y chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium); CI runs these tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return build_hostile_workspace(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def report_file(hostile, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert_clean_exit(run_cli("report", "--workspace", hostile, "--out", out))
    return out


@pytest.fixture(scope="module")
def server(hostile):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "inconcert.cli", "serve", "--workspace", str(hostile), "--port", str(port), "-q"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {process.stderr.read()}")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=20)


class Session:
    """One page, its console errors, and the steps of an analyst's visit."""

    def __init__(self, browser, url: str, artefacts: Path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.artefacts = artefacts
        self.page.goto(url)
        self.wait_for("window.__inconcert && window.__inconcert.ready")

    def wait_for(self, condition: str, timeout: float = 30) -> None:
        # Polled from outside: the page's CSP rightly forbids the eval behind wait_for_function.
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(f"() => Boolean({condition})"):
            assert time.monotonic() < deadline, f"timed out waiting for {condition}; errors: {self.errors}"
            self.page.wait_for_timeout(50)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artefacts / f"{name}.png"))
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))

    def wait_for_title(self, expected: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        read = "() => document.getElementById('details-title')?.textContent"
        while self.page.evaluate(read) != expected:
            assert time.monotonic() < deadline, f"details title is {self.page.evaluate(read)!r}, not {expected!r}"
            self.page.wait_for_timeout(50)

    def details(self) -> str:
        return self.page.inner_text(".details")

    def click_account_on_canvas(self, account: str) -> None:
        self.wait_for("window.__inconcert.layoutDone")
        point = self.page.evaluate("(id) => window.__inconcert.nodePosition(id)", account)
        self.page.mouse.click(point["x"], point["y"])
        self.page.wait_for_selector(".details .evidence .pair")

    def open_tab(self, tab: str) -> str:
        self.page.click(f"#tab-{tab}")
        assert self.page.get_attribute(f"#tab-{tab}", "aria-selected") == "true"
        return self.page.inner_text(f"#panel-{tab}")

    def assert_inert(self) -> None:
        traces = self.page.evaluate(INJECTION_TRACES)
        assert traces["pwned"] is None and traces["onAttributes"] == [] and traces["javascriptLinks"] == []
        assert traces["strayElements"] == 0, "a payload's tag became an element"
        assert self.errors == []


def visit(session: Session, evidence_pairs: int) -> None:
    page = session.page
    stats = page.evaluate("() => window.__inconcert.stats")
    assert (stats["nodes"], stats["edges"]) == (4, 6)
    assert page.locator("#network-graph canvas").count() >= 2
    session.shot("network")

    session.click_account_on_canvas("u1")
    assert page.inner_text("#details-title") == f"Account {HANDLE_PAYLOAD}"
    assert page.locator(".details .evidence .pair").count() == evidence_pairs
    assert TEXT_PAYLOAD in page.inner_text(".details .evidence")
    session.shot("account-evidence")

    page.click('.details [data-partner="u3"]')
    session.wait_for_title(f"{HANDLE_PAYLOAD} ↔ carol")
    page.wait_for_selector(".details .evidence .pair")
    assert "Δt 6 s" in session.details()

    page.fill("#account-search", "plain")
    page.keyboard.press("Enter")
    session.wait_for_title("Account plain_bob")

    texts = {tab: session.open_tab(tab) for tab in TABS}
    for tab, text in texts.items():
        assert len(text.strip()) > 20, f"the {tab} view is empty"
        session.open_tab(tab)
        session.shot(f"view-{tab}")
    assert "Cluster" in texts["clusters"] and "flagged" in texts["clusters"]
    assert "Posts per" in texts["timelines"]

    session.open_tab("narratives")
    page.select_option("#article-0", "hostile-1")
    assert page.inner_text("#panel-narratives .pane h4 >> nth=0") == TITLE_PAYLOAD
    assert "javascript:window.__pwned=6" in page.inner_text("#panel-narratives")  # shown, never a link

    session.open_tab("search")
    page.fill("#text-search", "pwned=2")
    page.click("#text-search-go")
    page.wait_for_selector("#panel-search .post")
    assert TEXT_PAYLOAD in page.inner_text("#panel-search")
    session.assert_inert()


def test_report_from_disk(browser, report_file, tmp_path):
    session = Session(browser, report_file.as_uri(), tmp_path)
    visit(session, evidence_pairs=3)  # the report inlines the three tightest pairs per link
    assert session.page.evaluate(INJECTION_TRACES)["scripts"] == 2  # the data block and the bundle

    session.open_tab("network")
    with session.page.expect_download() as download:
        session.page.click("#download-edges")
    rows = list(csv.reader(Path(download.value.path()).read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["account_a", "account_b", "weight", "n_objects", "mean_time_delta", "kinds"]
    assert sorted((a, b) for a, b, *_ in rows[1:]) == [
        ("u1", "u2"), ("u1", "u3"), ("u1", "u4"), ("u2", "u3"), ("u2", "u4"), ("u3", "u4")]
    assert {row[2] for row in rows[1:]} == {str(ORIGINALS)}


def test_served_app(browser, server, tmp_path):
    session = Session(browser, server, tmp_path)
    visit(session, evidence_pairs=ORIGINALS)  # the app fetches every pair
    page = session.page
    session.open_tab("network")
    page.fill("#filter-min-weight", str(ORIGINALS + 1))
    page.click("#filter-apply")
    session.wait_for("window.__inconcert.ready")
    page.wait_for_selector('.status:text("Showing 0 accounts")')
    page.fill("#filter-min-weight", "0")
    page.click("#filter-apply")
    page.wait_for_selector('.status:text("Showing 4 accounts")')
    session.assert_inert()


def test_views_are_reachable_by_keyboard(browser, report_file, tmp_path):
    session = Session(browser, report_file.as_uri(), tmp_path)
    page = session.page
    page.focus("#tab-network")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.id") == "tab-clusters"
    assert page.get_attribute("#tab-clusters", "aria-selected") == "true"
    page.keyboard.press("End")
    assert page.evaluate("() => document.activeElement.id") == "tab-search"
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "account-search"
    page.keyboard.type("carol")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    session.wait_for_title("Account carol")
    assert session.errors == []

"""Real-browser test support: a Streamlit server, a Chromium, a page, and waits that work.

Loaded as a pytest plugin by `tests/conftest.py`, so every `tests/browser/test_browser_*.py` shares
one server and one browser per test session. Follows docs in /work/shared/notes/BROWSER_TESTING.md:
Debian's Chromium at /usr/lib/chromium/chromium (Playwright's own download is unreachable),
server stdout to a file, `/_stcore/health` polled, idle = connected and script not running.

Fixtures:
- `app_server`  — base URL of `streamlit run app.py` on a free port (session); `app_process`
                  the server's process and URL (for its memory: `resident_mb`).
- `browser`     — a Chromium (session); `browser_context` — one 1440×900 context (session).
- `page`        — a new page (its own Streamlit session) per test; a screenshot lands in
                  `test-artifacts/` when the test fails.
Helpers: `open_app`, `wait_for_idle`, `wait_for_charts`, `open_expanders`, `chart_values`, `chart_titles`.

Without Chromium the tests skip, except under CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 900}
# How long to wait for the app. Generous: on a loaded 2-core machine a first page with
# every chart can take tens of seconds; a real hang still fails.
WAIT_MS = float(os.environ.get("BROWSER_WAIT_MS", "90000"))
IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
MAIN = '[data-testid="stMain"]'
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'
EXCEPTION = '[data-testid="stException"]'


def require_chromium() -> None:
    """Skip without a browser — but fail in CI, where a missing browser is a broken setup."""
    if CHROMIUM.exists():
        return
    message = f"Chromium not found at {CHROMIUM} (install with scripts/install_system_deps.sh)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_streamlit(script: str = "app.py", env: dict | None = None, log_name: str = "streamlit-server.log",
                    timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run script` on a free port; return the process and its base URL once
    `/_stcore/health` answers. Output goes to `test-artifacts/<log_name>`."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log = open(ARTIFACTS / log_name, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}; see {ARTIFACTS / log_name}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    stop_process(process)
    raise RuntimeError(f"streamlit did not become healthy in {timeout} s; see {ARTIFACTS / log_name}")


def stop_process(process: subprocess.Popen) -> None:
    """Stop the server we started (its own process group, nothing else)."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def app_process():
    """The dashboard's server process and base URL, one for the whole test session."""
    require_chromium()
    process, url = start_streamlit()
    yield process, url
    stop_process(process)


@pytest.fixture(scope="session")
def app_server(app_process):
    """Base URL of the dashboard."""
    return app_process[1]


def resident_mb(pid: int) -> float:
    """A process's resident memory (VmRSS) in MB — that process only, not its children."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome on the test item, so `page` knows whether to take a screenshot."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the session, so the app's static files (plotly.js) load once; each
    page is still its own Streamlit session. Tests that need a separate browser profile
    (a "new user") open their own context from `browser`."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="nb-NO")
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context, request):
    """A new page (its own Streamlit session) at 1440×900; screenshot to test-artifacts/ on failure."""
    browser_page = browser_context.new_page()
    yield browser_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            browser_page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"screenshot failed: {error}")
    browser_page.close()


def wait_for_idle(page, timeout: float = WAIT_MS) -> None:
    """Wait until the app is connected and no script is running. After an interaction, wait
    for the expected change first: the state reads "notRunning" for a moment before a rerun."""
    page.wait_for_selector(IDLE, timeout=timeout)


def wait_for_charts(page, timeout: float = WAIT_MS) -> None:
    """Wait until no element is a loading placeholder and Plotly has drawn every chart (chart
    components load lazily: right after the script goes idle a chart can still be a skeleton)."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]')
                 && Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
                    .every(el => { const plot = el.querySelector('.js-plotly-plot'); return plot && plot._fullLayout; })""",
        timeout=timeout,
    )


def open_app(page, url: str, timeout: float = WAIT_MS) -> None:
    """Go to `url` and wait for the app to have run (the connection reads idle even before the
    first run), gone idle and drawn its charts."""
    page.goto(url)
    page.wait_for_selector(f'{MAIN} [data-testid="stElementContainer"]', timeout=timeout)
    wait_for_idle(page, timeout)
    wait_for_charts(page, timeout)


#: Every expander (in `scope`) open and holding its content: a chart's table is made on the server
#: when its expander is opened (`dashboard.downloads.opened`), so it arrives with the next run.
EXPANDERS_FILLED = """(scope) => Array.from(document.querySelectorAll(scope + ' [data-testid="stExpander"] details'))
    .every(d => d.open && d.querySelector('[data-testid="stExpanderDetails"] [data-testid="stElementContainer"]'))"""


#: The `index`-th expander in `scope` open and holding its content.
EXPANDER_FILLED = """([scope, index]) => {
    const d = document.querySelectorAll(scope + ' [data-testid="stExpander"] details')[index];
    return !d || (d.open && d.querySelector('[data-testid="stExpanderDetails"] [data-testid="stElementContainer"]')); }"""


def open_expanders(page, scope: str = MAIN, timeout: float = WAIT_MS) -> None:
    """Open every closed expander in `scope` as a reader would: one click, then wait until it
    shows its content and the app is idle, before the next. Each opening reruns the page; a click
    made while the previous rerun replaces the page can be undone by it, so they are not raced
    (and an expander found closed again after its rerun is clicked once more)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    details = page.locator(f'{scope} [data-testid="stExpander"] details')
    deadline = time.monotonic() + timeout / 1000
    for index in range(details.count()):
        while True:
            one = details.nth(index)
            if one.get_attribute("open") is None:
                one.locator("> summary").click()
            remaining = max(1000.0, (deadline - time.monotonic()) * 1000)
            try:
                page.wait_for_function(EXPANDER_FILLED, arg=[scope, index], timeout=min(15_000.0, remaining))
                break
            except PlaywrightTimeout:
                if time.monotonic() >= deadline:
                    raise
        wait_for_idle(page, timeout)
    page.wait_for_function(EXPANDERS_FILLED, arg=scope, timeout=timeout)
    wait_for_idle(page, timeout)


def chart_values(page, index: int = 0, trace: int = 0, axis: str = "x") -> list:
    """Plotted values of one trace of the `index`-th chart (from Plotly's `_fullData`)."""
    return page.evaluate(
        "([selector, index, trace, axis]) => {"
        " const chart = document.querySelectorAll(selector)[index];"
        " return chart && chart._fullData[trace] ? Array.from(chart._fullData[trace][axis] || []) : null; }",
        [CHART, index, trace, axis],
    )


def chart_titles(page) -> list[str]:
    """Titles of the charts on the page, in order."""
    return page.eval_on_selector_all(f"{CHART} .gtitle", "nodes => nodes.map(n => n.textContent)")

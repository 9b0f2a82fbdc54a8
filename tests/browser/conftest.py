"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Chromium comes from the system (apt-get install chromium), never from `playwright install`.
Without it these tests are skipped, unless REQUIRE_BROWSER=1 (as in CI), where that is a failure.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.pages import AXE
from tests.local_site import allow_checks_to_reach, serve

# Playwright's sync API keeps an event loop running in this thread; without this, Django
# refuses ORM calls made from the test itself ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# A wizard page answers in milliseconds; waiting longer than this means something is wrong.
TIMEOUT_MS = 10_000

_failed = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember whether the test body failed, so the page fixture can keep a screenshot."""
    report = yield
    if report.when == "call":
        item.stash[_failed] = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(f"Browser tests need Chromium: {reason}")

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server, request):
    """`new_page()` opens a browser of its own (a context: its own cookies and session), so
    that two people can act in one test. Each keeps a screenshot if the test fails.
    Keyword arguments go to the context: `new_page(viewport={"width": 320, "height": 640})`."""

    expect.set_options(timeout=TIMEOUT_MS)
    opened = []

    def open_page(**options):
        context = browser.new_context(**{"base_url": live_server.url, "locale": "en-GB", **options})
        context.set_default_timeout(TIMEOUT_MS)
        if AXE.exists():
            # As an init script axe is not subject to the pages' Content-Security-Policy, which
            # refuses every inline script (a <script> tag added by the test is one).
            context.add_init_script(path=AXE)
        page = context.new_page()
        script_errors = []
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        # The browser reports every resource or script the policy refused on the console.
        page.on(
            "console",
            lambda message: (
                script_errors.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        opened.append((context, page, script_errors))
        return page

    yield open_page
    failed = request.node.stash.get(_failed, False)
    for number, (context, page, _errors) in enumerate(opened, start=1):
        if failed:
            label = "failure" if number == 1 else f"failure-{number}"
            page.screenshot(path=_artifact_path(request.node.name, label), full_page=True)
        context.close()
    script_errors = [error for _context, _page, errors in opened for error in errors]
    assert script_errors == [], f"JavaScript errors or CSP violations: {script_errors}"


@pytest.fixture
def page(new_page):
    """A fresh browser context per test: no cookies or session carried over."""
    return new_page()


@pytest.fixture
def screenshot(page, request):
    """`screenshot("marketing")` keeps a full-page picture of `page` in
    test-artifacts/<test name>/; `screenshot("queue", other_page)` one of another page."""
    count = 0

    def take(label, shown=None):
        nonlocal count
        count += 1
        shown = shown or page
        scroll = shown.evaluate("[scrollX, scrollY]")
        shown.screenshot(
            path=_artifact_path(request.node.name, f"{count:02d}-{label}"), full_page=True
        )
        # This Chromium leaves the page scrolled elsewhere than its compositor after a full-page
        # capture, so the next click would land off target (on the form, not its button).
        # Scrolling back by script puts both in the same place again.
        shown.evaluate("([x, y]) => scrollTo(x, y)", scroll)

    return take


def _artifact_path(test_name, label):
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{label}.png"


@pytest.fixture
def publisher_site(settings):
    """The publisher's own web site on 127.0.0.1, which the background checks may reach."""

    with serve() as (base_url, _hits):
        allow_checks_to_reach(settings, base_url)
        yield base_url

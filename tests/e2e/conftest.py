"""Browser fixtures: Playwright for Python driving Debian's Chromium against pytest-django's
live_server (DESIGN section 8). Never `playwright install`: the browser is /usr/bin/chromium.

API used by every app's journeys (tests/e2e/test_<app>_*.py, marked `pytest.mark.e2e`):

- `page`: a fresh browser context and page (1280x900, 10 s default timeout). Any Content
  Security Policy violation reported on the console fails the test at teardown.
- `live_url`: the base URL of the live server, e.g. "http://localhost:40123".
- `sign_in(page, user, password=DEFAULT_PASSWORD)`: fills allauth's login form, answers the
  TOTP step with the user's authenticator when asked, and waits until signed in.
- `axe_check(page, context="")`: runs axe-core on the current page and fails with a readable
  list of every serious or critical violation.
- `console_errors`: the console errors the page has logged so far (a live list).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.factories import DEFAULT_PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 900}
DEFAULT_TIMEOUT_MS = 10_000
BLOCKING_IMPACTS = ("serious", "critical")


def pytest_collection_modifyitems(config, items):
    """Every test in tests/e2e is an e2e test, even if a file forgets its pytestmark. (Their
    transactional database gets serialized rollback from tests/conftest.py.)"""
    here = Path(__file__).parent
    for item in items:
        if Path(item.path).is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is a dev dependency
        skip_or_fail("Playwright for Python is not installed (pip install '.[dev]')")
    playwright = _start_playwright_keeping_test_databases(sync_playwright)
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as error:
        playwright.stop()
        skip_or_fail(f"Chromium at {CHROMIUM} did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


def _start_playwright_keeping_test_databases(sync_playwright):
    """Start Playwright's sync API, which leaves an event loop running in this thread.

    From then on Django hands this thread different database connection objects (its
    connection handler keeps them per async context while a loop runs). The test database
    was maybe set up before, on the old objects: carry its serialized contents over, or
    serialized rollback would silently restore nothing."""
    from django.db import connections

    serialized = {
        alias: connections[alias].__dict__.get("_test_serialized_contents") for alias in connections
    }
    playwright = sync_playwright().start()
    for alias, contents in serialized.items():
        if contents is not None and "_test_serialized_contents" not in connections[alias].__dict__:
            connections[alias]._test_serialized_contents = contents
    return playwright


@pytest.fixture
def live_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.lms_console_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()
    csp = [text for text in errors if "Content Security Policy" in text]
    if csp:
        pytest.fail("Content Security Policy violations:\n  " + "\n  ".join(csp))


@pytest.fixture
def console_errors(page) -> list[str]:
    return page.lms_console_errors


def _signed_in(page) -> bool:
    return page.locator('form[action$="/accounts/logout/"]').count() > 0


def _answer_totp(page, user) -> None:
    """Type the current code; a code already used in this 30 s window is refused by
    allauth, so wait for the next window and try once more."""
    from allauth.mfa import app_settings as mfa_settings

    from accounts.mfa import totp_code_for, totp_secret_of

    secret = totp_secret_of(user)
    if secret is None:
        raise AssertionError(f"{user.email} is asked for a TOTP code but has no authenticator")
    for _attempt in range(2):
        field = page.locator('input[name="code"]')
        field.fill(totp_code_for(secret))
        with page.expect_navigation():
            field.press("Enter")
        if "/2fa/authenticate" not in page.url:
            return
        period = mfa_settings.TOTP_PERIOD
        time.sleep(period - time.time() % period + 0.5)
    raise AssertionError(f"the TOTP code for {user.email} was refused twice")


@pytest.fixture
def sign_in(live_url):
    def sign_in(page, user, password: str = DEFAULT_PASSWORD):
        page.goto(f"{live_url}/accounts/login/")
        page.locator('input[name="login"]').fill(user.email)
        password_field = page.locator('input[name="password"]')
        password_field.fill(password)
        with page.expect_navigation():
            password_field.press("Enter")
        if "/2fa/authenticate" in page.url:
            _answer_totp(page, user)
        if "/accounts/login" in page.url:
            errors = page.locator(".errorlist, [role=alert], .message").all_inner_texts()
            raise AssertionError(f"sign-in as {user.email} failed: {errors or page.url}")
        page.locator('form[action$="/accounts/logout/"]').first.wait_for(state="attached")
        return page

    return sign_in


@pytest.fixture
def axe_check():
    if not AXE_JS.exists():
        skip_or_fail(f"axe-core is not installed at {AXE_JS} (run `npm ci`)")
    source = AXE_JS.read_text()

    def check(page, context: str = "") -> None:
        # Evaluated over the DevTools protocol, which the page's CSP does not govern, so the
        # page keeps its real CSP (a <script> tag injected into the DOM would be refused).
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(f"() => {{ {source}\n; window.axe = axe; }}")
        results = page.evaluate(
            """async () => {
                const r = await window.axe.run(document, {
                    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                    "wcag22aa", "best-practice"]},
                    resultTypes: ["violations"],
                });
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target.join(" "),
                                              summary: n.failureSummary})),
                }));
            }"""
        )
        blocking = [v for v in results if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            where = f" ({context})" if context else ""
            count = len(blocking)
            lines = [f"axe-core: {count} serious/critical violation(s) on {page.url}{where}"]
            for v in blocking:
                lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} <{v['helpUrl']}>")
                for node in v["nodes"][:5]:
                    summary = " ".join((node["summary"] or "").split())
                    lines.append(f"    at {node['target']}: {summary[:300]}")
                if len(v["nodes"]) > 5:
                    lines.append(f"    ... and {len(v['nodes']) - 5} more")
            pytest.fail("\n".join(lines), pytrace=False)

    return check

"""Browser-test rig: a live portal with demo data, Debian's Chromium via Playwright, axe-core."""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser, Page

BROWSER_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_DIR.parents[1]
# Screenshots go to an ignored folder: a test run never rewrites a tracked file.
# `make screenshots` copies a curated handful into docs/screenshots.
SCREENSHOT_DIR = Path(
    os.environ.get("PORTAL_SCREENSHOT_DIR") or REPO_ROOT / "build" / "screenshots"
)
AXE_SCRIPT = BROWSER_DIR / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORT_HEIGHTS = {360: 740, 1280: 900}
DEFAULT_TIMEOUT_MS = 15_000

# Accounts created by portal.demo.load_demo.
DEMO_PASSWORD = "demo-password-2025"  # noqa: S105 - the published demo credential
DEMO_ACCOUNTS = {
    "admin": "admin@demo.unv.org",
    "staff": "staff@demo.unv.org",
    "partner": "partner@demo.unv.org",
    "contributor": "contributor@demo.unv.org",
}


def _skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (install Debian's chromium or set PORTAL_CHROMIUM)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install the project's test extras)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"playwright cannot be imported: {error}"
    return None


SKIP_REASON = _skip_reason()
# Chromium drops a font or script download when a test navigates on; Werkzeug's test server
# (these tests' server, never production's) then leaves the static file for the garbage collector
# to close, which may happen during a later test. Only that warning is ignored, no other.
DROPPED_STATIC_FILE = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io.FileIO name='[^']*/portal/static/"
    ":pytest.PytestUnraisableExceptionWarning"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Hooks of a directory's conftest see every collected item, so keep to this directory's.
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(DROPPED_STATIC_FILE)
            if SKIP_REASON and os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
                # CI installs Chromium: there a missing browser is a failure, not a skip.
                item.add_marker(pytest.mark.usefixtures("_browser_required"))
            elif SKIP_REASON:
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture
def _browser_required() -> None:
    pytest.fail(f"PORTAL_REQUIRE_BROWSER=1 but {SKIP_REASON}")


class _LateBoundApp:
    """WSGI entry whose app is attached after the server has bound its port, because the app's
    BASE_URL must name that port."""

    def __init__(self) -> None:
        self.app: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.app(environ, start_response)


@dataclass(frozen=True)
class LivePortal:
    """The served portal: its URL, and the app itself for tests that read its URL map or data."""

    url: str
    app: Flask


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePortal]:
    """The portal with the demo data, served on 127.0.0.1 for the whole session."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from portal import create_app
    from portal.db import create_schema
    from portal.demo import load_demo

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            """Request lines would only bury the test output."""

    data_dir = tmp_path_factory.mktemp("portal-browser")
    entry = _LateBoundApp()
    server = make_server("127.0.0.1", 0, entry, threaded=True, request_handler=QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{data_dir}/portal.db",
                "SECRET_KEY": "browser-tests",
                "PORTAL_DATA_DIR": str(data_dir),
                "SESSION_COOKIE_SECURE": False,
                "RATELIMIT_ENABLED": False,
                "BASE_URL": url,
            }
        )
        create_schema(app)
        load_demo(app)
        # As `make run` does before serving: the web process never builds the index (the worker
        # does, and the rig runs none); requests then keep it up to date after their response.
        built = app.test_cli_runner().invoke(args=["knowledge", "reindex"])
        assert built.exit_code == 0, built.output
        entry.app = app
        thread = threading.Thread(target=server.serve_forever, name="live-portal", daemon=True)
        thread.start()
        try:
            yield LivePortal(url, app)
        finally:
            server.shutdown()
            thread.join(timeout=10)
    finally:
        # Also when the app fails to build: an unclosed socket would surface as a warning (error).
        server.server_close()


@pytest.fixture(scope="session")
def live_server(live_portal: LivePortal) -> str:
    """The served portal's URL."""
    return live_portal.url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageProblems:
    """What went wrong in a page that the page itself does not show: console errors (CSP
    refusals among them), uncaught script errors and failed same-origin requests."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.messages: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.messages.append(f"script error: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.messages.append(f"console: {message.text}")

    def _on_response(self, response: Any) -> None:
        if response.url.startswith(self.origin) and response.status >= 400:
            self.messages.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Factory: new_page(width=1280, locale="en-US") opens a fresh browser context (no cookies)
    with a 360x740 or 1280x900 viewport. Problems are collected in page.portal_problems."""
    contexts = []

    def open_page(width: int = 1280, locale: str = "en-US") -> Page:
        height = VIEWPORT_HEIGHTS.get(width, 900)
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, reduced_motion="reduce"
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems(live_server)
        problems.watch(page)
        page.portal_problems = problems  # type: ignore[attr-defined]
        return page

    yield open_page
    for context in contexts:
        context.close()


def format_axe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(json.dumps(part, ensure_ascii=False) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe_check() -> Callable[[Page], None]:
    """axe_check(page) runs axe-core's WCAG 2.1 A/AA rules on the page; any violation fails."""
    source = AXE_SCRIPT.read_text(encoding="utf-8")

    def check(page: Page) -> None:
        # page.evaluate runs through the DevTools protocol, which the page's CSP does not govern;
        # a <script> tag with the source inline would be refused by default-src 'self'.
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(source)
        result = page.evaluate(
            "async (options) => await window.axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        violations = result["violations"]
        assert not violations, format_axe_violations(page.url, violations)

    return check


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Page, str], Path]:
    """screenshot(page, "home-fr-360") saves a full-page PNG as SCREENSHOT_DIR/home-fr-360.png."""

    def save(page: Page, name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return save


@pytest.fixture
def log_in(live_server: str) -> Callable[[Page, str], None]:
    """log_in(page, "staff") signs a demo account in through the login form."""

    def sign_in(page: Page, role: str) -> None:
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", DEMO_ACCOUNTS[role])
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_selector("form.logout-form", state="attached")
        # An account keeps the language it last browsed in (an earlier test may have chosen
        # another): every test starts in its browser's language, as on a new account.
        wanted = str(page.evaluate("navigator.language")).split("-")[0]
        wanted = wanted if wanted in ("en", "fr", "es", "zh", "ar", "ru") else "en"
        if (page.locator("html").get_attribute("lang") or "en") != wanted:
            page.select_option("#language-select", wanted)
            page.locator(".language-form [type=submit]").click()
            page.wait_for_function(f"() => document.documentElement?.lang === '{wanted}'")

    return sign_in

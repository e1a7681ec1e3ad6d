"""Browser-test fixtures: one Chromium for the whole run, a live server, a phone-sized page.

Loaded as a plugin by conftest.py, so every browser test module shares the one Playwright a
process may run.
"""

import gc
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from crm.extensions import db
from crm.models import Role, User
from tests.plugins.app import PASSWORD, unavailable

CHROMIUM = Path("/usr/bin/chromium")  # Debian's build: Playwright cannot download its own here
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A mid-sized phone (iPhone 12–15 class): the width every page a member uses on the road must fit.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}
TIMEOUT_MS = 10_000
# The development server leaves the file of a static response to the garbage collector when the
# browser drops the request (a service worker often does); that is the server's, not the app's.
STATIC_FILE_LEFT_OPEN = ("ignore:Exception ignored in. <_io.FileIO name='[^']*/crm/static/"
                         ":pytest.PytestUnraisableExceptionWarning")


class QuietHandler(WSGIRequestHandler):
    """Leave out the access log; errors are still logged."""

    def log_request(self, *args: Any) -> None:
        pass


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app over HTTP on a free port; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    # werkzeug makes request threads daemons, which server_close() does not wait for; a request
    # still running then would hold a database connection past the test's end.
    server.daemon_threads = False
    server.block_on_close = True
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()  # joins the request threads: the browser context is closed by now
    thread.join(timeout=5)
    assert not thread.is_alive(), "the live server did not stop"
    gc.collect()  # whatever the server's threads left behind is reported in this test, not a later one


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        unavailable(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("browser tests need the playwright package (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Any, live_server: str, patient_expect: None) -> Iterator[Any]:
    """A fresh phone-sized page (no cookies) on the live server."""
    context = browser.new_context(base_url=live_server, **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def console_errors(phone: Any) -> list[str]:
    """Errors the page reports: console errors (CSP violations among them) and uncaught exceptions."""
    errors: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location['url']})")

    phone.on("console", on_console)
    phone.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def account(make_user: Callable[..., User]) -> Callable[..., str]:
    """Return a creator of users that gives back the username and leaves no transaction open.

    Outside a request the app begins SQLite transactions IMMEDIATE, so one left open in the
    test's thread (a lazy load is enough) would hold the write lock against the live server.
    """
    def make(role: Role, **fields: Any) -> str:
        username = make_user(role, **fields).username
        db.session.commit()
        return username
    return make


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Fill in and submit the sign-in form the way a person does."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    # Wait for the next page's load event, stylesheets and all: a check of its layout made while
    # its CSS is still on the way would measure an unstyled page.
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def fits_width(page: Any) -> bool:
    """Whether the page needs no sideways scrolling, measured once its stylesheets have loaded."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def open_menu(page: Any) -> Any:
    """Tap the menu open and return its list of links."""
    from playwright.sync_api import expect

    page.locator("details.menu > summary").tap()
    expect(page.locator("details.menu")).to_have_attribute("open", "")
    links = page.locator("details.menu .menu-links")
    expect(links).to_be_visible()
    return links


@pytest.fixture
def patient_expect() -> Iterator[None]:
    """Give expect() the browser tests' timeout, not its 5 s default: a loaded CI machine is slow."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)


DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


class Desktop:
    """Desktop-sized pages (1280×900), each in a browser context of its own, and the errors they report."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.contexts: list[Any] = []
        self.errors: list[str] = []

    def open(self) -> Any:
        context = self.browser.new_context(base_url=self.base_url, **DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def on_console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location['url']})")


@pytest.fixture
def desktops(browser: Any, live_server: str, patient_expect: None) -> Iterator[Desktop]:
    """Open desktop-sized pages on the live server; close them at the end."""
    pages = Desktop(browser, live_server)
    yield pages
    for context in pages.contexts:
        context.close()

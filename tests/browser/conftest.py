"""A live server on loopback and headless Debian Chromium driven by Playwright.

The browser is never downloaded: Playwright launches /usr/bin/chromium. Without it
the tests skip, unless SEMINAR_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRED = os.environ.get("SEMINAR_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"browser tests are mandatory here but {reason}")
    pytest.skip(reason)


class _AlwaysClosed:
    """WSGI middleware: the answer's `close()` runs once its body has been handed to the
    server, even when the browser drops the connection first. Werkzeug's development server
    skips `close()` in that case (a redirect after "Send", which Chromium may reset), and
    with it the work Flask runs after a response (`call_on_close`: a campaign's mail).
    gunicorn, which production uses, always calls it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        body = self.app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, _AlwaysClosed(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.config["SERVER_NAME"] = "localhost"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server, locale="en-GB", timezone_id="America/New_York")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()

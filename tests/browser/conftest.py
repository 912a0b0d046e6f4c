"""Browser tests: the real app served on a local port, driven by Debian's Chromium.

Playwright's sync API drives ``/usr/bin/chromium`` (never a downloaded browser). The app runs
in a background thread with werkzeug's ``make_server``; its data is really committed, so the
tests are marked ``committed`` (see the ``app`` fixture in ``tests/conftest.py``).
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium calls home, which this machine refuses.
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
# Chromium on Linux takes its interface language, and so the layout of its date controls
# (jj/mm/aaaa), from LANGUAGE; it needs the French pack of Debian's chromium-l10n.
CHROMIUM_ENV = {"LANGUAGE": "fr"}
FRENCH_PACK = Path("/usr/lib/chromium/locales/fr.pak")
SHOTS = Path("/tmp/psad-shots")
TIMEOUT_MS = 10_000


class _QuietHandler(WSGIRequestHandler):
    # An idle keep-alive connection must not hold a server thread for ever.
    timeout = 5

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # the access log would only clutter the test output


@dataclass
class LiveServer:
    """The app served on ``url``; ``errors`` collects every server-side failure."""

    app: Flask
    url: str
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The real app on 127.0.0.1 and a free port, in a background thread."""
    live = LiveServer(app=app, url="")

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        where = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"

        def start(status: str, headers: Any, exc_info: Any = None) -> Any:
            if status.startswith("5"):  # the app's error handler logged the traceback
                live.errors.append(f"{where}: {status} (traceback in the captured log)")
            return start_response(status, headers, exc_info)

        try:
            return app(environ, start)
        except Exception:  # TESTING propagates exceptions: keep the traceback for the report
            live.errors.append(f"{where}:\n{traceback.format_exc()}")
            raise

    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, wsgi, threaded=True, request_handler=_QuietHandler
    )
    server.daemon_threads = False  # so that server_close() waits for the request threads
    live.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="psad-live-server")
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    assert not thread.is_alive(), "the live server did not stop"
    assert not live.errors, "server errors:\n" + "\n".join(live.errors)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/ensure_system.sh chromium`")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        env={**os.environ, **CHROMIUM_ENV},
    )
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class Console:
    """What the page said on the console: errors include CSP violations and failed loads."""

    errors: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)

    def expect(self, fragment: str) -> None:
        """Allow one error that contains ``fragment`` (a 4xx answer the test asks for)."""
        self.expected.append(fragment)

    def unexpected(self) -> list[str]:
        allowed = list(self.expected)
        left = []
        for error in self.errors:
            match = next((fragment for fragment in allowed if fragment in error), None)
            if match is None:
                left.append(error)
            else:
                allowed.remove(match)
        return left


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, console: Console) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the live server; fails on any console error."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console.errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.errors.append(f"page error: {error}"))
    try:
        yield page
    finally:
        context.close()
    unexpected = console.unexpected()
    assert not unexpected, "errors on the browser console:\n" + "\n".join(
        error + _hint(error) for error in unexpected
    )


# Known causes of console errors, to say what to fix.
_HINTS = {
    "/favicon.ico": (
        "app bug: browsers ask every page for /favicon.ico and the app answers 404; declare an "
        'icon in templates/base.html, e.g. <link rel="icon" href="data:,"> (CSP img-src '
        "allows data:) or a file under psad/static/"
    ),
    "Content Security Policy": "an inline style or script, or a resource from another origin",
}


def _hint(error: str) -> str:
    return "".join(f"\n    -> {hint}" for key, hint in _HINTS.items() if key in error)


@pytest.fixture
def screenshot(page: Page):  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under /tmp/psad-shots (looked at by a person, not committed)."""

    def take(name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take

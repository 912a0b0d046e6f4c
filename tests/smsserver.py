"""A real HTTP SMS gateway on loopback for the tests (``http.server`` in a thread).

``LoopbackSms`` listens on 127.0.0.1 on a free port and records every SMS it accepts (the
JSON the app posts: to, from, text, reference, and the Authorization header). It checks the
credentials it was given (401 when wrong), can refuse (``refuse(503)``: the next SMS are
answered 503 until ``accept()``), be slow (``delay_seconds``), and be stopped and started
again on the same port (a gateway down, then back).

    with LoopbackSms(username="psad", password="s3cret") as server:
        settings = make_settings(sms=sms_section(server))
        ...
        [sms] = server.wait_for(1)
        assert sms.to == "+33612345678" and "/r/" in sms.text

Fixture: ``sms_server`` (Basic authentication); a conftest imports it
(``from tests.smsserver import sms_server``) to use it.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import pytest

from tests.mailserver import HOST, free_port

PATH = "/api/sms"
SENDER = "PSAD"
USERNAME = "psad"
PASSWORD = "sms-Tr0ub4dor"
# Short: a test that expects a failure must not wait long for it.
TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class ReceivedSms:
    """One SMS the gateway accepted."""

    to: str
    sender: str  # the JSON's "from"
    text: str
    reference: str | None
    authorization: str | None  # the request's Authorization header
    path: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        gateway = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if gateway.delay_seconds:
            time.sleep(gateway.delay_seconds)
        authorization = self.headers.get("Authorization")
        if not gateway.authorized(authorization):
            gateway._count_refusal(401)
            self._answer(401, {"error": "invalid credentials"})
            return
        refusal = gateway._refusal_for_next()
        if refusal is not None:
            self._answer(refusal, {"error": "refused by the test"})
            return
        try:
            data = json.loads(raw)
            sms = ReceivedSms(
                to=str(data["to"]),
                sender=str(data["from"]),
                text=str(data["text"]),
                reference=data.get("reference"),
                authorization=authorization,
                path=self.path,
            )
        except (ValueError, KeyError, TypeError):
            self._answer(400, {"error": "bad request"})
            return
        number = gateway._record(sms)
        self._answer(200, {"id": f"loop-{number}", "status": "accepted"})

    def _answer(self, status: int, body: dict[str, object]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return None  # quiet: the test output is not the place


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: LoopbackSms) -> None:
        self.owner = owner
        super().__init__((owner.host, owner.port), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a client gone before the answer (its time-out): nothing to report


class LoopbackSms:
    """A loopback SMS gateway for one test; a context manager (started on entry).

    With ``username``/``password`` it requires HTTP Basic with them; with ``api_key``,
    « Authorization: Bearer <api_key> »; with neither, no authentication.
    """

    def __init__(
        self,
        *,
        username: str | None = None,
        password: str | None = None,
        api_key: str | None = None,
        port: int | None = None,
    ) -> None:
        self.host = HOST
        self.port = port or free_port()
        self.username = username
        self.password = password
        self.api_key = api_key
        self.messages: list[ReceivedSms] = []
        self.refused: list[int] = []  # the refusals answered (status codes), in order
        self.delay_seconds = 0.0  # how long the gateway takes to answer
        self._lock = threading.Lock()
        self._received = threading.Condition(self._lock)
        self._refusal: int | None = None
        self._refusals_left: int | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{PATH}"

    # -- life cycle

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> LoopbackSms:
        if self._server is not None:
            return self
        deadline = time.monotonic() + 5
        while True:  # the port of a server just stopped may take a moment to free
            try:
                server = _Server(self)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop listening: a client now gets « connection refused » on this port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(5)

    def restart(self) -> None:
        """Listen again on the same port (the gateway is back)."""
        self.stop()
        self.start()

    def __enter__(self) -> LoopbackSms:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- authentication

    def authorized(self, header: str | None) -> bool:
        if self.username is not None:
            pair = f"{self.username}:{self.password or ''}".encode()
            return header == "Basic " + base64.b64encode(pair).decode("ascii")
        if self.api_key is not None:
            return header == f"Bearer {self.api_key}"
        return True

    # -- refusing

    def refuse(self, status: int = 503, *, times: int | None = None) -> None:
        """Answer the next SMS with ``status`` (503: try later; 400: never).

        ``times``: refuse that many, then accept again; None: until ``accept()``.
        """
        with self._lock:
            self._refusal = status
            self._refusals_left = times

    def accept(self) -> None:
        with self._lock:
            self._refusal = None
            self._refusals_left = None

    def _refusal_for_next(self) -> int | None:
        with self._lock:
            refusal = self._refusal
            if refusal is None:
                return None
            self.refused.append(refusal)
            if self._refusals_left is not None:
                self._refusals_left -= 1
                if self._refusals_left <= 0:
                    self._refusal = None
                    self._refusals_left = None
            return refusal

    def _count_refusal(self, status: int) -> None:
        with self._lock:
            self.refused.append(status)

    # -- what was received

    def _record(self, sms: ReceivedSms) -> int:
        with self._received:
            self.messages.append(sms)
            self._received.notify_all()
            return len(self.messages)

    def wait_for(self, count: int, timeout: float = 5) -> list[ReceivedSms]:
        """The SMS received, once there are at least ``count`` (fails after ``timeout``)."""
        with self._received:
            if not self._received.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"{len(self.messages)} SMS received, expected {count}")
            return list(self.messages)

    def to(self, number: str) -> list[ReceivedSms]:
        """The SMS received for ``number`` (E.164)."""
        with self._lock:
            return [sms for sms in self.messages if sms.to == number]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.refused.clear()


def sms_section(server: LoopbackSms, **over: Any) -> dict[str, object]:
    """The ``sms`` section that reaches ``server``, for ``make_settings(sms=...)``,
    ``with_settings(sms=...)`` or ``SmsSettings(**...)``."""
    values: dict[str, object] = {
        "url": server.url,
        "username": server.username,
        "password": server.password,
        "api_key": server.api_key,
        "sender": SENDER,
        "timeout_seconds": TIMEOUT_SECONDS,
    }
    values.update(over)
    return values


# --- fixtures (import them into a conftest to use them) ---------------------------------


@pytest.fixture
def sms_server() -> Iterator[LoopbackSms]:
    """An SMS gateway on loopback that requires HTTP Basic (``USERNAME``, ``PASSWORD``)."""
    with LoopbackSms(username=USERNAME, password=PASSWORD) as server:
        yield server

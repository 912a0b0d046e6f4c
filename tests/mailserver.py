"""A real SMTP server on loopback for the tests (aiosmtpd in a thread).

``LoopbackSmtp`` listens on 127.0.0.1 on a free port and records every message it accepts
(envelope sender, recipients, the message parsed with ``email.policy.default``). It can refuse
(``refuse(451)``: the next messages are refused at RCPT until ``accept()``), be stopped and
started again on the same port (a server down, then back), speak STARTTLS or implicit TLS with
a self-signed certificate made at test time (``ca_file`` trusts it), and ask for AUTH.

    with LoopbackSmtp(tmp_path, security="starttls", username="u", password="p") as server:
        settings = mail_settings(server)          # a MailSettings pointing at it
        ...
        [mail] = server.wait_for(1)
        assert mail.subject == "..." and mail.recipients == ["..."]

Fixtures: ``smtp_server`` (plain SMTP), ``starttls_server``, ``smtps_server`` (implicit TLS);
a conftest imports them (``from tests.mailserver import smtp_server``) to use them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from psad.config import MailSettings

HOST = "127.0.0.1"
SENDER = "psad@psad.example"
# Short: a test that expects a failure must not wait long for it.
TIMEOUT_SECONDS = 3


# --- the certificate -------------------------------------------------------------------


@dataclass(frozen=True)
class SelfSignedCertificate:
    """A certificate for 127.0.0.1 and localhost, its own authority (trust it with ``ca_file``)."""

    cert_file: Path
    key_file: Path

    @property
    def ca_file(self) -> str:
        return str(self.cert_file)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_certificate(
    directory: Path, name: str = "smtp", hosts: tuple[str, ...] = ("localhost", HOST)
) -> SelfSignedCertificate:
    """Write a fresh self-signed certificate for ``hosts`` (names or IP addresses) and its
    key (PEM) into ``directory``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([_alternative_name(host) for host in hosts]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file = directory / f"{name}-cert.pem"
    key_file = directory / f"{name}-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return SelfSignedCertificate(cert_file=cert_file, key_file=key_file)


def _alternative_name(host: str):  # type: ignore[no-untyped-def]
    from cryptography import x509

    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


# --- what the server received ----------------------------------------------------------


@dataclass(frozen=True)
class ReceivedMail:
    """One message the server accepted."""

    sender: str  # the envelope's MAIL FROM
    recipients: list[str]  # the envelope's RCPT TO
    message: EmailMessage
    username: str | None  # who logged in (AUTH), if anyone
    secure: bool  # received over TLS (STARTTLS or implicit)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def header(self, name: str) -> str | None:
        value = self.message[name]
        return None if value is None else str(value)

    @property
    def text(self) -> str:
        """The plain-text part (or the whole body when it is plain text only), ``\\n`` lines."""
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "no text/plain part"
        return _lines(part.get_content())  # type: ignore[attr-defined]

    @property
    def html(self) -> str | None:
        part = self.message.get_body(preferencelist=("html",))
        return None if part is None else _lines(part.get_content())  # type: ignore[attr-defined]


def _lines(content: object) -> str:
    """A part's text with the wire's CRLF line ends read as Python's ``\\n``."""
    return str(content).replace("\r\n", "\n")


# --- the server ------------------------------------------------------------------------


class _Handler:
    def __init__(self, server: LoopbackSmtp) -> None:
        self.server = server

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        limit = self.server.hang_up_after
        if limit is not None and getattr(server, "loopback_accepted", 0) >= limit:
            # What a server does at its idle time-out: 421, then it closes the connection.
            server.loop.call_soon(server.transport.close)
            return "421 4.4.2 Idle timeout, closing connection"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        refusal = self.server._refusal_for_next()
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.server.delay_seconds:
            await asyncio.sleep(self.server.delay_seconds)
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=default_policy)
        assert isinstance(message, EmailMessage)
        username = session.auth_data.login.decode() if session.authenticated else None
        self.server._record(
            ReceivedMail(
                sender=envelope.mail_from,
                recipients=list(envelope.rcpt_tos),
                message=message,
                username=username,
                secure=server.transport.get_extra_info("ssl_object") is not None,
            )
        )
        server.loopback_accepted = getattr(server, "loopback_accepted", 0) + 1
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """Counts the connections clients open (aiosmtpd makes one SMTP object for each)."""

    def __init__(self, owner: LoopbackSmtp, **kwargs: Any) -> None:
        self.owner = owner
        super().__init__(_Handler(owner), **kwargs)

    def factory(self) -> Any:
        with self.owner._lock:
            self.owner.connections += 1
        return super().factory()


class LoopbackSmtp:
    """A loopback SMTP server for one test; a context manager (started on entry).

    ``security``: ``none``, ``starttls`` (STARTTLS required before MAIL) or ``tls``
    (implicit TLS). TLS needs a certificate: given, or made in ``directory``. With
    ``username``/``password`` the server requires AUTH (PLAIN or LOGIN, over TLS unless the
    security is ``none``) and refuses other credentials.
    """

    def __init__(
        self,
        directory: Path | None = None,
        *,
        security: str = "none",
        certificate: SelfSignedCertificate | None = None,
        username: str | None = None,
        password: str | None = None,
        port: int | None = None,
    ) -> None:
        if security not in ("none", "starttls", "tls"):
            raise ValueError(security)
        if security != "none" and certificate is None:
            if directory is None:
                raise ValueError("TLS needs a certificate or a directory to make one in")
            certificate = make_certificate(directory)
        self.host = HOST
        self.port = port or free_port()
        self.security = security
        self.certificate = certificate
        self.username = username
        self.password = password
        self.messages: list[ReceivedMail] = []
        self.refused: list[str] = []  # the refusals sent, in order
        self.failed_logins = 0
        self.connections = 0  # SMTP connections clients opened
        self.delay_seconds = 0.0  # how long the server takes to accept a message
        # Close each connection after this many messages (answering the next MAIL with 421,
        # as a server whose idle time-out expired); None: keep it open.
        self.hang_up_after: int | None = None
        self._lock = threading.Lock()
        self._received = threading.Condition(self._lock)
        self._refusal: str | None = None
        self._refusals_left: int | None = None
        self._controller: Controller | None = None

    # -- life cycle

    @property
    def ca_file(self) -> str | None:
        """The file that makes a client trust this server (``[mail] ca_file``)."""
        return None if self.certificate is None else self.certificate.ca_file

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> LoopbackSmtp:
        if self._controller is not None:
            return self
        kwargs: dict[str, Any] = {"server_hostname": "localhost", "ready_timeout": 5}
        if self.security == "tls":
            assert self.certificate is not None
            kwargs["ssl_context"] = self.certificate.server_context()
        elif self.security == "starttls":
            assert self.certificate is not None
            kwargs["tls_context"] = self.certificate.server_context()
            kwargs["require_starttls"] = True
        if self.username is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
            # Plain SMTP with AUTH is for tests only; a real relay asks for TLS first.
            kwargs["auth_require_tls"] = self.security != "none"
        connections = self.connections
        deadline = time.monotonic() + 5
        while True:  # the port of a server just stopped may take a moment to free
            controller = _Controller(self, hostname=self.host, port=self.port, **kwargs)
            try:
                controller.start()
                break
            except OSError:
                _discard(controller)
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        with self._lock:  # the controller's own test connection is not a client's
            self.connections = connections
        self._controller = controller
        return self

    def stop(self) -> None:
        """Stop listening: a client now gets « connection refused » on this port."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def restart(self) -> None:
        """Listen again on the same port (the server is back)."""
        self.stop()
        self.start()

    def __enter__(self) -> LoopbackSmtp:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- refusing

    def refuse(self, code: int = 451, text: str | None = None, *, times: int | None = None) -> None:
        """Refuse the next messages at RCPT with ``code`` (451: try later; 550: never).

        ``times``: refuse that many recipients, then accept again; None: until ``accept()``.
        """
        text = text or (
            "4.7.1 Greylisted, please try again later"
            if code < 500
            else "5.1.1 Mailbox unavailable"
        )
        with self._lock:
            self._refusal = f"{code} {text}"
            self._refusals_left = times

    def accept(self) -> None:
        with self._lock:
            self._refusal = None
            self._refusals_left = None

    def _refusal_for_next(self) -> str | None:
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

    # -- authentication

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.username
            and auth_data.password.decode() == self.password
        ):
            return AuthResult(success=True, auth_data=auth_data)
        with self._lock:
            self.failed_logins += 1
        return AuthResult(success=False, handled=False)

    # -- what was received

    def _record(self, mail: ReceivedMail) -> None:
        with self._received:
            self.messages.append(mail)
            self._received.notify_all()

    def wait_for(self, count: int, timeout: float = 5) -> list[ReceivedMail]:
        """The messages received, once there are at least ``count`` (fails after ``timeout``)."""
        with self._received:
            if not self._received.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"{len(self.messages)} message(s) received, expected {count}")
            return list(self.messages)

    def to(self, address: str) -> list[ReceivedMail]:
        """The messages received for ``address``."""
        with self._lock:
            return [mail for mail in self.messages if address in mail.recipients]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.refused.clear()


def _discard(controller: Controller) -> None:
    """Close what a controller that could not listen left behind (its loop)."""
    thread = controller._thread
    if thread is not None:
        thread.join(5)
        controller._thread = None
    if not controller.loop.is_closed():
        controller.loop.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def mail_settings(server: LoopbackSmtp, **over: Any) -> MailSettings:
    """``[mail]`` settings that reach ``server`` (trusting its certificate, logging in)."""
    values: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "security": server.security,
        "sender": SENDER,
        "ca_file": server.ca_file,
        "timeout_seconds": TIMEOUT_SECONDS,
        "username": server.username,
        "password": server.password,
    }
    values.update(over)
    return MailSettings(**values)


def mail_section(server: LoopbackSmtp, **over: Any) -> dict[str, object]:
    """The same, as the ``mail`` section for ``make_settings(mail=...)``/``with_settings``."""
    settings = mail_settings(server, **over)
    return {
        name: getattr(settings, name)
        for name in (
            "host",
            "port",
            "security",
            "username",
            "password",
            "sender",
            "ca_file",
            "timeout_seconds",
            "max_attempts",
        )
    }


# --- fixtures (import them into a conftest to use them) ---------------------------------


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[LoopbackSmtp]:
    """Plain SMTP on loopback, no TLS, no AUTH."""
    with LoopbackSmtp(tmp_path / "smtp") as server:
        yield server


@pytest.fixture
def starttls_server(tmp_path: Path) -> Iterator[LoopbackSmtp]:
    """SMTP that requires STARTTLS, with a test certificate (``server.ca_file``)."""
    with LoopbackSmtp(tmp_path / "smtp", security="starttls") as server:
        yield server


@pytest.fixture
def smtps_server(tmp_path: Path) -> Iterator[LoopbackSmtp]:
    """SMTP over implicit TLS (port 465 style), with a test certificate."""
    with LoopbackSmtp(tmp_path / "smtp", security="tls") as server:
        yield server

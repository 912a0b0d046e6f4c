"""Talking to the SMTP server: the message as sent, one connection per delivery run.

Every error becomes an ``SmtpFailure`` with a short French reason for the administrators'
page (never the body; the server's own words when it answered), and whether trying again
later may help (``permanent``: a 5xx refusal of the recipient or of the message).
"""

from __future__ import annotations

import errno
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from types import TracebackType

from psad import clock
from psad.config import MailSettings
from psad.outbox.failures import DeliveryFailure
from psad.outbox.models import LINK_TOKEN_MARK


@dataclass(frozen=True)
class Outgoing:
    """What delivery needs of an outbox row (read in the claim's transaction)."""

    id: int
    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    secret: str | None = None  # a personal link's token, in place of LINK_TOKEN_MARK
    reply_to: str | None = None  # where the youth's answer by e-mail goes (the PSAD)


class SmtpFailure(DeliveryFailure):
    """An e-mail not delivered: ``reason`` in French, ``permanent`` when retrying is useless.

    ``connection_lost``: the connection cannot be used for the next message (and a server
    that cannot be reached will not answer the next one either).
    """


UNWRITABLE = (
    "Courriel impossible à écrire : l'adresse du destinataire, de l'expéditeur "
    "([mail] sender) ou de réponse contient un retour à la ligne."
)


def build_message(outgoing: Outgoing, *, sender: str, now: datetime) -> EmailMessage:
    """The e-mail: text, and the HTML alternative when there is one; marked automatic.

    The subject is one line whatever it holds (a PSAD's name cannot add a header); an address
    with a line break makes a permanent ``SmtpFailure``. A personal link's token goes in the
    bodies here, at the last moment (the row holds it only until the message is sent).
    """
    message = EmailMessage()
    try:
        message["From"] = sender
        message["To"] = outgoing.recipient
        if outgoing.reply_to:
            message["Reply-To"] = outgoing.reply_to
    except ValueError as error:
        raise SmtpFailure(UNWRITABLE, permanent=True, connection_lost=False) from error
    message["Subject"] = " ".join(outgoing.subject.split())
    message["Date"] = format_datetime(clock.local(now))
    message["Message-ID"] = make_msgid(idstring=f"psad{outgoing.id}", domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(with_secret(outgoing.body_text, outgoing.secret))
    if outgoing.body_html is not None:
        message.add_alternative(with_secret(outgoing.body_html, outgoing.secret), subtype="html")
    return message


def with_secret(body: str, secret: str | None) -> str:
    """The body with the personal link's token where the mark is (unchanged without one)."""
    return body if secret is None else body.replace(LINK_TOKEN_MARK, secret)


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


class SmtpConnection:
    """One SMTP session, opened at the first message and reused for the next ones.

    A context manager: leaving it says QUIT. After an error that leaves the connection
    unusable, the next ``send`` connects again.
    """

    def __init__(self, mail: MailSettings) -> None:
        if mail.host is None:
            raise ValueError("e-mail is off: no [mail] host")
        self.mail = mail
        self.host = mail.host
        self._client: smtplib.SMTP | None = None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.mail.port}"

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        """Deliver ``message`` to ``recipient``, or raise ``SmtpFailure``.

        A connection kept from the previous message that the server has closed meanwhile
        (its idle time-out: 421, or the socket gone) is opened again, once.
        """
        reused = self._client is not None
        try:
            try:
                self._send(message, sender=sender, recipient=recipient)
            except Exception as error:
                if not (reused and _closed_while_idle(error)):
                    raise
                self._drop()
                self._send(message, sender=sender, recipient=recipient)
        except SmtpFailure:
            self._drop()
            raise
        except Exception as error:
            failure = describe(error, self.where)
            if failure.connection_lost:
                self._drop()
            raise failure from error

    def _send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        client = self._client or self._connect()
        client.send_message(message, from_addr=parseaddr(sender)[1], to_addrs=[recipient])

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def _connect(self) -> smtplib.SMTP:
        mail = self.mail
        context = ssl.create_default_context()
        if mail.ca_file:
            try:
                context.load_verify_locations(cafile=mail.ca_file)
            except OSError as error:  # ssl.SSLError too: not a PEM certificate
                detail = (
                    "fichier introuvable"
                    if isinstance(error, FileNotFoundError)
                    else "ce n'est pas un certificat PEM lisible"
                )
                raise SmtpFailure(
                    f"Fichier d'autorités illisible ([mail] ca_file = {mail.ca_file}) : {detail}"
                ) from error
        timeout = mail.timeout_seconds
        client: smtplib.SMTP
        if mail.security == "tls":
            client = smtplib.SMTP_SSL(self.host, mail.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, mail.port, timeout=timeout)
        try:
            client.ehlo()
            if mail.security == "starttls":
                if not client.has_extn("starttls"):
                    raise SmtpFailure(
                        f"Le serveur ({self.where}) ne propose pas STARTTLS : vérifiez "
                        "[mail] port et security."
                    )
                client.starttls(context=context)
                client.ehlo()
            if mail.username is not None:
                client.login(mail.username, mail.password or "")
        except BaseException:
            client.close()
            raise
        self._client = client
        return client


def _closed_while_idle(error: BaseException) -> bool:
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421:
        return True
    return isinstance(
        error, smtplib.SMTPServerDisconnected | ConnectionResetError | BrokenPipeError
    )


def describe(error: BaseException, where: str) -> SmtpFailure:
    """The French reason for ``error`` (no recipient address, no body)."""
    if isinstance(error, SmtpFailure):
        return error
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421:
        return SmtpFailure(
            f"Le serveur ({where}) a fermé la connexion : "
            f"{_answer(error.smtp_code, error.smtp_error)}"
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (0, b""))
        return SmtpFailure(
            f"Refusé par le serveur : {_answer(code, text)}",
            permanent=code >= 500,
            connection_lost=False,
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return SmtpFailure(
            f"Expéditeur refusé par le serveur ([mail] sender) : "
            f"{_answer(error.smtp_code, error.smtp_error)}",
            connection_lost=False,
        )
    if isinstance(error, smtplib.SMTPDataError):
        return SmtpFailure(
            f"Refusé par le serveur : {_answer(error.smtp_code, error.smtp_error)}",
            permanent=error.smtp_code >= 500,
            connection_lost=False,
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return SmtpFailure(
            "Authentification refusée par le serveur ([mail] username et password) : "
            f"{_answer(error.smtp_code, error.smtp_error)}"
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return SmtpFailure(f"Le serveur ({where}) ne permet pas cette opération : {error}")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return SmtpFailure(f"Connexion coupée par le serveur ({where})")
    if isinstance(error, smtplib.SMTPResponseException):
        return SmtpFailure(
            f"Erreur du serveur : {_answer(error.smtp_code, error.smtp_error)}",
            permanent=False,
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return SmtpFailure(
            f"Certificat du serveur refusé ({where}) : {_certificate_problem(error)}"
        )
    if isinstance(error, ssl.SSLError):
        return SmtpFailure(
            f"Échec de la connexion chiffrée avec le serveur ({where}) : "
            f"{error.reason or error.strerror or error} ; vérifiez [mail] port et security."
        )
    if isinstance(error, socket.gaierror):
        return SmtpFailure(f"Serveur injoignable ({where}) : nom d'hôte inconnu")
    if isinstance(error, TimeoutError):
        return SmtpFailure(f"Serveur injoignable ({where}) : pas de réponse (délai dépassé)")
    if isinstance(error, ConnectionRefusedError):
        return SmtpFailure(f"Serveur injoignable ({where}) : connexion refusée")
    if isinstance(error, ConnectionResetError):
        return SmtpFailure(f"Connexion coupée par le serveur ({where})")
    if isinstance(error, OSError):
        detail = _OS_ERRORS.get(error.errno or 0, error.strerror or str(error))
        return SmtpFailure(f"Serveur injoignable ({where}) : {detail}")
    if isinstance(error, smtplib.SMTPException):
        return SmtpFailure(f"Erreur SMTP ({where}) : {error}")
    return SmtpFailure(f"Erreur inattendue pendant l'envoi ({where}) : {type(error).__name__}")


_OS_ERRORS = {
    errno.EHOSTUNREACH: "hôte inaccessible",
    errno.ENETUNREACH: "réseau inaccessible",
    errno.ECONNREFUSED: "connexion refusée",
    errno.ETIMEDOUT: "pas de réponse (délai dépassé)",
}

_CERTIFICATE_PROBLEMS = {
    "self-signed certificate": "certificat auto-signé",
    "self signed certificate": "certificat auto-signé",
    "self-signed certificate in certificate chain": "autorité auto-signée non reconnue",
    "self signed certificate in certificate chain": "autorité auto-signée non reconnue",
    "unable to get local issuer certificate": "autorité de certification inconnue",
    "certificate has expired": "certificat expiré",
    "certificate is not yet valid": "certificat pas encore valide",
}


def _certificate_problem(error: ssl.SSLCertVerificationError) -> str:
    message = error.verify_message or ""
    if "mismatch" in message.lower() or "hostname" in message.lower():
        return (
            "il ne correspond pas au nom du serveur ; indiquez dans [mail] host le nom que "
            "porte le certificat."
        )
    problem = _CERTIFICATE_PROBLEMS.get(message, message or "certificat non vérifiable")
    return (
        f"{problem}. Si le serveur utilise une autorité privée, indiquez son certificat dans "
        "[mail] ca_file."
    )


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}".strip()

"""Talking to the SMS gateway: one HTTP POST of JSON per SMS, with the standard library.

The installation has one gateway (``[sms]``); ``HttpSmsGateway`` is its one implementation
and ``SmsGateway`` what delivery needs of a gateway.

    POST <[sms] url>
    Content-Type: application/json; charset=utf-8
    Authorization: Basic <username:password>   or   Bearer <api_key>
    {"to": "+33612345678", "from": "PSAD", "text": "...", "reference": "psad-42"}

A 2xx answer: sent. 400, 401, 403, 404, 422 (any other 4xx, and a redirection): refused for
good. 408, 429, 5xx: tried again later. No answer (connection refused, time-out): tried again
later, and the run stops there. ``reference`` names the outbox row: a gateway that took an SMS
before a time-out can ignore the retry. Every error becomes an ``SmsFailure`` whose reason, in
French, names neither the number nor the text (nor repeats the gateway's words, which may).
"""

from __future__ import annotations

import base64
import errno
import http
import http.client
import json
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from psad.config import SmsSettings
from psad.outbox.failures import DeliveryFailure

ANSWER_BYTES = 64 * 1024  # read at most this much of the gateway's answer
RETRIED_STATUSES = frozenset({408, 429})
# The gateway is down or overloaded: the next SMS would get the same answer.
UNAVAILABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class OutgoingSms:
    """One SMS as it leaves: ``text`` already carries the personal link's token."""

    id: int  # the outbox row
    to: str  # E.164
    text: str

    @property
    def reference(self) -> str:
        return f"psad-{self.id}"


class SmsFailure(DeliveryFailure):
    """An SMS not delivered; unless said otherwise, the next SMS may still go."""

    def __init__(self, reason: str, *, permanent: bool = False, connection_lost: bool = False):
        super().__init__(reason, permanent=permanent, connection_lost=connection_lost)


class SmsGateway(Protocol):
    def send(self, sms: OutgoingSms, *, sender: str) -> str | None:
        """Hand ``sms`` to the gateway; its id for the SMS when it gives one.

        Raises ``SmsFailure`` when the gateway did not take it.
        """
        ...


class HttpSmsGateway:
    """The gateway of ``[sms]``: one POST per SMS, redirections not followed (a POST must
    not turn into a GET, nor take the credentials elsewhere)."""

    def __init__(self, settings: SmsSettings) -> None:
        if settings.url is None:
            raise ValueError("SMS is off: no [sms] url")
        self.url = settings.url
        self.timeout = settings.timeout_seconds
        self.where = _where(settings.url)
        self._authorization = _authorization(settings)
        self._opener = urllib.request.build_opener(_NoRedirection())

    def send(self, sms: OutgoingSms, *, sender: str) -> str | None:
        body = {"to": sms.to, "from": sender, "text": sms.text, "reference": sms.reference}
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": "psad",
        }
        if self._authorization is not None:
            headers["Authorization"] = self._authorization
        try:
            request = urllib.request.Request(
                self.url,
                data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                headers=headers,
                method="POST",
            )
            with self._opener.open(request, timeout=self.timeout) as response:
                answer = response.read(ANSWER_BYTES)
        except urllib.error.HTTPError as error:
            error.close()
            raise refusal(error.code, self.where) from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise describe(error, self.where) from error
        return _gateway_id(answer)


def gateway_of(settings: SmsSettings) -> HttpSmsGateway | None:
    """The configured gateway, or None when SMS is off (no ``[sms] url``)."""
    return HttpSmsGateway(settings) if settings.enabled else None


class _NoRedirection(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx answer becomes an HTTPError


def _authorization(settings: SmsSettings) -> str | None:
    if settings.username is not None:
        pair = f"{settings.username}:{settings.password or ''}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")
    if settings.api_key is not None:
        return f"Bearer {settings.api_key}"
    return None


def _where(url: str) -> str:
    """The gateway's host and port: never the path or the query, which may hold a key."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "[sms] url"
    host = parts.hostname or "[sms] url"
    return host if port is None else f"{host}:{port}"


def _gateway_id(answer: bytes) -> str | None:
    try:
        data = json.loads(answer)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("id", "message_id", "messageId"):
            if isinstance(data.get(key), str | int) and not isinstance(data.get(key), bool):
                return str(data[key])[:100]
    return None


def refusal(status: int, where: str) -> SmsFailure:
    """The French reason for an HTTP answer other than 2xx."""
    answer = _status(status)
    if 300 <= status < 400:
        return SmsFailure(
            f"La passerelle SMS ({where}) renvoie vers une autre adresse ({answer}) : "
            "indiquez dans [sms] url l'adresse finale.",
            permanent=True,
            connection_lost=True,
        )
    if status in (401, 403):
        return SmsFailure(
            f"Authentification refusée par la passerelle SMS ({answer}) : vérifiez [sms] "
            "username et password, ou api_key.",
            permanent=True,
            connection_lost=True,
        )
    if status == 404:
        return SmsFailure(
            f"Adresse inconnue de la passerelle SMS ({where}, {answer}) : vérifiez [sms] url.",
            permanent=True,
            connection_lost=True,
        )
    if status in RETRIED_STATUSES or status >= 500:
        return SmsFailure(
            f"La passerelle SMS ne peut pas le prendre pour l'instant ({answer}) : "
            "nouvel essai plus tard.",
            connection_lost=status in UNAVAILABLE_STATUSES,
        )
    return SmsFailure(
        f"Refusé par la passerelle SMS ({answer}) : le numéro ou le texte n'est pas accepté.",
        permanent=True,
    )


def _status(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def describe(error: BaseException, where: str) -> SmsFailure:
    """The French reason for an error before any HTTP answer (no number, no text)."""
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    if isinstance(error, urllib.error.URLError | ValueError):
        detail = error.reason if isinstance(error, urllib.error.URLError) else error
        return SmsFailure(
            f"Adresse de la passerelle SMS invalide ([sms] url) : {detail}.",
            permanent=True,
            connection_lost=True,
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        problem = error.verify_message or "certificat non vérifiable"
        return _unreachable(f"Certificat de la passerelle SMS refusé ({where}) : {problem}.")
    if isinstance(error, ssl.SSLError):
        return _unreachable(
            f"Échec de la connexion chiffrée avec la passerelle SMS ({where}) : "
            f"{error.reason or error.strerror or error}."
        )
    if isinstance(error, socket.gaierror):
        return _unreachable(f"Passerelle SMS injoignable ({where}) : nom d'hôte inconnu.")
    if isinstance(error, TimeoutError):
        return _unreachable(
            f"Passerelle SMS injoignable ({where}) : pas de réponse (délai dépassé)."
        )
    if isinstance(error, ConnectionRefusedError):
        return _unreachable(f"Passerelle SMS injoignable ({where}) : connexion refusée.")
    if isinstance(error, ConnectionResetError | http.client.RemoteDisconnected):
        return _unreachable(f"Connexion coupée par la passerelle SMS ({where}).")
    if isinstance(error, http.client.HTTPException):
        return _unreachable(
            f"Réponse illisible de la passerelle SMS ({where}) : {type(error).__name__}."
        )
    if isinstance(error, OSError):
        detail = _OS_ERRORS.get(error.errno or 0, error.strerror or type(error).__name__)
        return _unreachable(f"Passerelle SMS injoignable ({where}) : {detail}.")
    return _unreachable(
        f"Erreur inattendue pendant l'envoi du SMS ({where}) : {type(error).__name__}."
    )


def _unreachable(reason: str) -> SmsFailure:
    return SmsFailure(reason, connection_lost=True)


_OS_ERRORS = {
    errno.EHOSTUNREACH: "hôte inaccessible",
    errno.ENETUNREACH: "réseau inaccessible",
    errno.ECONNREFUSED: "connexion refusée",
    errno.ETIMEDOUT: "pas de réponse (délai dépassé)",
}

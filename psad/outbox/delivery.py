"""Delivering the outbox: each due message claimed, sent, and its outcome recorded.

E-mail goes to the SMTP server (``deliver_due``), SMS to the gateway (``deliver_due_sms``);
each picks only the rows of its channel, so one can be on and the other off.

Several schedulers may run a delivery at once: a message is claimed by one UPDATE guarded by
what was seen (state, attempts, still due), so only one of them gets it, and the claim is
committed before the server is contacted. A claim older than ``STALE_CLAIM`` is a delivery
that died (process killed mid-send): the message is due again.

Failures are retried with back-off (1, 2, 4... minutes after the attempt, at most
``MAX_BACKOFF``); after ``max_attempts`` attempts (``[mail]`` or ``[sms]``), or a refusal for
good, the message is failed and listed for the administrators. A personal link's token
(``secret``) goes into the body as it leaves, and is forgotten once the message is sent. Logs
name message ids and counts, never an address, a number or a body.

A higher layer may forbid what must not leave any more (a youth who said « STOP », a case
closed): it registers a veto (``register_veto``), asked about each message once claimed, just
before it is sent. A vetoed message is failed with the veto's reason (« Annulé : … »), its
token forgotten; the outbox knows nothing of youth or cases.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from psad.config import MailSettings, SmsSettings
from psad.outbox.failures import REASON_LENGTH, DeliveryFailure
from psad.outbox.models import (
    LINK_TOKEN_MARK,
    OutboxChannel,
    OutboxMessage,
    OutboxPurpose,
    OutboxState,
)
from psad.outbox.sms import OutgoingSms, SmsGateway
from psad.outbox.smtp import Outgoing, SmtpConnection, build_message, with_secret

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
INTERRUPTED = "Envoi interrompu à chaque essai (le processus s'est arrêté pendant l'envoi)."
LINK_GONE = (
    "Le lien personnel de ce message n'existe plus (expiré avant l'envoi) : écrivez de "
    "nouveau au jeune."
)
_ADDRESS = re.compile(r"[^\s<>\"']+@[^\s<>\"']+")
_NUMBER = re.compile(r"\+\d{8,15}")  # an E.164 number
CANCELLED = "Annulé : "  # how the reason of a message cancelled before it left begins


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0  # refused by a veto: failed without being sent


@dataclass(frozen=True)
class _Seen:
    id: int
    state: OutboxState
    attempts: int


@dataclass(frozen=True)
class Claimed:
    """What delivery needs of an outbox row (read in the claim's transaction)."""

    id: int
    purpose: OutboxPurpose
    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    secret: str | None
    reply_to: str | None

    @property
    def link_gone(self) -> bool:
        """A message to a youth whose link's token was purged (expired) before it left."""
        return self.secret is None and self.purpose.to_youth and LINK_TOKEN_MARK in self.body_text

    def as_email(self) -> Outgoing:
        return Outgoing(
            id=self.id,
            recipient=self.recipient,
            subject=self.subject,
            body_text=self.body_text,
            body_html=self.body_html,
            secret=self.secret,
            reply_to=self.reply_to,
        )

    def as_sms(self) -> OutgoingSms:
        return OutgoingSms(
            id=self.id, to=self.recipient, text=with_secret(self.body_text, self.secret)
        )

    @classmethod
    def of(cls, row: OutboxMessage) -> Claimed:
        return cls(
            id=row.id,
            purpose=row.purpose,
            recipient=row.recipient,
            subject=row.subject,
            body_text=row.body_text,
            body_html=row.body_html,
            secret=row.secret,
            reply_to=row.reply_to,
        )


# --- vetoes ---------------------------------------------------------------------------------

Veto = Callable[[Session, Sequence[Claimed]], Mapping[int, str]]
"""Given messages about to leave, those that must not (by id), each with its reason in French
(« Annulé : … », shown on the youth's file and to the administrators)."""
_vetoes: list[Veto] = []


def register_veto(veto: Veto) -> Veto:
    """Ask ``veto`` before every message is sent (registered once, however often called)."""
    if veto not in _vetoes:
        _vetoes.append(veto)
    return veto


def vetoed(session: Session, messages: Sequence[Claimed]) -> dict[int, str]:
    """The messages a registered veto refuses, with the first veto's reason."""
    refused: dict[int, str] = {}
    for veto in _vetoes:
        for message_id, reason in veto(session, messages).items():
            refused.setdefault(message_id, reason)
    return refused


def cancelled_reason(row: OutboxMessage) -> str | None:
    """Why the message was cancelled before it left (« Annulé : … »), or None."""
    reason = row.last_error or ""
    return reason if row.state is OutboxState.FAILED and reason.startswith(CANCELLED) else None


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4... minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 20)), MAX_BACKOFF)


def deliver_due(
    session: Session, mail: MailSettings, now: datetime, *, limit: int = 200
) -> DeliveryReport:
    """Send the e-mails due at ``now``, each claimed atomically (two schedulers never send
    one message twice), committing after each message; back-off on failure.

    E-mail off (no ``[mail] host``): nothing is touched. When the server cannot be reached,
    the run stops after recording that attempt (the other messages wait for the next run
    rather than each waiting for the same time-out).
    """
    if not mail.enabled:
        return DeliveryReport()
    with SmtpConnection(mail) as connection:

        def send(claimed: Claimed) -> None:
            message = build_message(claimed.as_email(), sender=mail.sender, now=now)
            connection.send(message, sender=mail.sender, recipient=claimed.recipient)

        return _deliver(session, OutboxChannel.EMAIL, now, limit, mail.max_attempts, send)


def deliver_due_sms(
    session: Session, sms: SmsSettings, gateway: SmsGateway, now: datetime, *, limit: int = 200
) -> DeliveryReport:
    """Send the SMS due at ``now`` through ``gateway``, as ``deliver_due`` sends e-mail (same
    claim, back-off and ``[sms] max_attempts``). SMS off (no ``[sms] url``): nothing is
    touched. A gateway that cannot be reached, refuses the credentials or is overloaded
    stops the run."""
    if not sms.enabled:
        return DeliveryReport()

    def send(claimed: Claimed) -> None:
        gateway_id = gateway.send(claimed.as_sms(), sender=sms.sender)
        if gateway_id is not None:
            log.info("outbox message %s taken by the SMS gateway as %s", claimed.id, gateway_id)

    return _deliver(session, OutboxChannel.SMS, now, limit, sms.max_attempts, send)


def _deliver(
    session: Session,
    channel: OutboxChannel,
    now: datetime,
    limit: int,
    max_attempts: int,
    send: Callable[[Claimed], None],
) -> DeliveryReport:
    due = _due(session, channel, now, limit)
    session.commit()  # end the read: each claim is a transaction of its own
    sent = retrying = failed = cancelled = 0
    for seen in due:
        claimed = _claim(session, seen, now, max_attempts)
        session.commit()
        if claimed is None:
            continue
        # Asked once the claim is committed: a block or a closing committed before this
        # read stops the message, whatever path wrote it.
        refusal = vetoed(session, [claimed]).get(claimed.id)
        if refusal is not None:
            _record_cancelled(session, claimed.id, refusal)
            session.commit()
            cancelled += 1
            log.info("outbox message %s cancelled before sending (%s)", claimed.id, channel.value)
            continue
        try:
            if claimed.link_gone:
                raise DeliveryFailure(LINK_GONE, permanent=True, connection_lost=False)
            send(claimed)
        except DeliveryFailure as failure:
            gave_up = _record_failure(session, claimed.id, failure, now, max_attempts)
            session.commit()
            if gave_up:
                failed += 1
            else:
                retrying += 1
            if failure.connection_lost:
                break
            continue
        _record_sent(session, claimed.id, now)
        session.commit()
        sent += 1
        log.info("outbox message %s sent (%s)", claimed.id, channel.value)
    if sent or retrying or failed or cancelled:
        log.info(
            "outbox %s: %s sent, %s to retry, %s failed, %s cancelled",
            channel.value,
            sent,
            retrying,
            failed,
            cancelled,
        )
    return DeliveryReport(sent=sent, retrying=retrying, failed=failed, cancelled=cancelled)


def _due_condition(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(OutboxMessage.state == OutboxState.QUEUED, OutboxMessage.next_attempt_at <= now),
        and_(
            OutboxMessage.state == OutboxState.SENDING,
            OutboxMessage.claimed_at < now - STALE_CLAIM,
        ),
    )


def _due(session: Session, channel: OutboxChannel, now: datetime, limit: int) -> list[_Seen]:
    rows = session.execute(
        select(OutboxMessage.id, OutboxMessage.state, OutboxMessage.attempts)
        .where(OutboxMessage.channel == channel, _due_condition(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    return [_Seen(id=row.id, state=row.state, attempts=row.attempts) for row in rows]


def _claim(session: Session, seen: _Seen, now: datetime, max_attempts: int) -> Claimed | None:
    """Take the message for this run, or None when another run took it (or it is not due)."""
    guard = (
        OutboxMessage.id == seen.id,
        OutboxMessage.state == seen.state,
        OutboxMessage.attempts == seen.attempts,
        _due_condition(now),
    )
    if seen.state is OutboxState.SENDING and seen.attempts >= max_attempts:
        # Claimed that many times and never finished: it would kill every run.
        session.execute(
            update(OutboxMessage)
            .where(*guard)
            .values(state=OutboxState.FAILED, last_error=INTERRUPTED)
            .execution_options(synchronize_session=False)
        )
        log.warning("outbox message %s failed: interrupted at every attempt", seen.id)
        return None
    result = session.execute(
        update(OutboxMessage)
        .where(*guard)
        .values(state=OutboxState.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.purpose,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.body_html,
            OutboxMessage.secret,
            OutboxMessage.reply_to,
        ).where(OutboxMessage.id == seen.id)
    ).one()
    return Claimed(
        id=row.id,
        purpose=row.purpose,
        recipient=row.recipient,
        subject=row.subject,
        body_text=row.body_text,
        body_html=row.body_html,
        secret=row.secret,
        reply_to=row.reply_to,
    )


def _record_cancelled(session: Session, message_id: int, reason: str) -> None:
    """A vetoed message: failed with the veto's reason, its token forgotten (never sent)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.SENDING)
        .values(state=OutboxState.FAILED, last_error=reason[:REASON_LENGTH], secret=None)
        .execution_options(synchronize_session=False)
    )


def _record_sent(session: Session, message_id: int, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.SENDING)
        .values(state=OutboxState.SENT, sent_at=now, secret=None)
        .execution_options(synchronize_session=False)
    )


def _record_failure(
    session: Session, message_id: int, failure: DeliveryFailure, now: datetime, max_attempts: int
) -> bool:
    """Queue the message again after its back-off, or fail it; True when it failed."""
    attempts = session.scalar(select(OutboxMessage.attempts).where(OutboxMessage.id == message_id))
    attempts = attempts or 1
    gave_up = failure.permanent or attempts >= max_attempts
    values: dict[str, object] = {"last_error": failure.reason}
    if gave_up:
        values["state"] = OutboxState.FAILED
    else:
        values["state"] = OutboxState.QUEUED
        values["next_attempt_at"] = now + backoff(attempts)
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    log.warning(
        "outbox message %s not delivered (attempt %s, %s): %s",
        message_id,
        attempts,
        "given up" if gave_up else "will retry",
        _NUMBER.sub("<numéro>", _ADDRESS.sub("<adresse>", failure.reason)),
    )
    return gave_up

"""The outbox's tests: a real SMTP server and a real SMS gateway on loopback, messages queued
at a fixed instant.

Fixtures ``smtp_server`` (plain), ``starttls_server`` and ``smtps_server`` (implicit TLS) come
from ``tests.mailserver``; ``mail_settings(server, **over)`` gives the ``[mail]`` settings
that reach one of them. ``sms_server`` comes from ``tests.smsserver``; ``sms_settings(server,
**over)`` gives the ``[sms]`` settings that reach it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from psad.config import SmsSettings
from psad.outbox.models import LINK_TOKEN_MARK, OutboxChannel, OutboxMessage, OutboxPurpose
from psad.outbox.services import enqueue
from tests.mailserver import (
    LoopbackSmtp,
    mail_settings,
    smtp_server,
    smtps_server,
    starttls_server,
)
from tests.smsserver import LoopbackSms, sms_section, sms_server

__all__ = [
    "LoopbackSms",
    "LoopbackSmtp",
    "mail_settings",
    "sms_server",
    "smtp_server",
    "smtps_server",
    "starttls_server",
]

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # 7:00 in Paris, the digests' hour
RECIPIENT = "claire.martin@psad.example"
SUBJECT = "PSAD de Lille : vos rappels du 7 décembre 2026"
TEXT = "Bonjour,\n\n3 jeunes n'ont jamais été contactés.\n"
HTML = "<p>Bonjour,</p><p>3 jeunes n'ont jamais été contactés.</p>"


def queue(session: Session, key: str = "digest:1:2026-12-07", **over: Any) -> OutboxMessage:
    """Queue one digest at NOW (flushed, not committed); fails if the key is taken."""
    values: dict[str, Any] = {
        "purpose": OutboxPurpose.DIGEST,
        "recipient": RECIPIENT,
        "subject": SUBJECT,
        "body_text": TEXT,
        "body_html": HTML,
        "psad_id": None,
        "user_id": None,
        "now": NOW,
        **over,
    }
    message = enqueue(session, key=key, **values)
    assert message is not None, f"key {key} already queued"
    return message


YOUTH_ADDRESS = "lea.dupont@example.fr"
YOUTH_NUMBER = "+33612345678"
TOKEN = "Xq3v-Token_0123456789ab"  # a reply link's raw token, as messages.tokens makes one
LINK = f"https://psad.example.org/r/{LINK_TOKEN_MARK}"
SMS_TEXT = (
    f"Bonjour Léa, le PSAD de Lille veut vous aider : {LINK} "
    "Pour ne plus recevoir de message, ouvrez le lien."
)


def queue_sms(session: Session, key: str = "message:n1:7:sms", **over: Any) -> OutboxMessage:
    """Queue one SMS to a youth at NOW, its link's token in ``secret`` (flushed, not committed)."""
    values: dict[str, Any] = {
        "purpose": OutboxPurpose.MESSAGE,
        "channel": OutboxChannel.SMS,
        "recipient": YOUTH_NUMBER,
        "subject": "",
        "body_text": SMS_TEXT,
        "body_html": None,
        "secret": TOKEN,
        **over,
    }
    return queue(session, key, **values)


def queue_email_to_youth(
    session: Session, key: str = "message:n1:7:email", **over: Any
) -> OutboxMessage:
    """Queue one e-mail to a youth at NOW with a personal link and the PSAD's Reply-To."""
    values: dict[str, Any] = {
        "purpose": OutboxPurpose.MESSAGE,
        "recipient": YOUTH_ADDRESS,
        "subject": "Le PSAD de Lille vous écrit",
        "body_text": f"Bonjour Léa,\n\nRépondre : {LINK}\n",
        "body_html": f'<p>Répondre : <a href="{LINK}">{LINK}</a></p>',
        "secret": TOKEN,
        "reply_to": "psad-lille@ac-lille.example",
        **over,
    }
    return queue(session, key, **values)


def sms_settings(server: LoopbackSms, **over: Any) -> SmsSettings:
    """``[sms]`` settings that reach ``server`` (with its credentials)."""
    return SmsSettings(**sms_section(server, **over))  # type: ignore[arg-type]


def reloaded(session: Session, message: OutboxMessage | int) -> OutboxMessage:
    """The row as stored now (another session or a commit may have changed it)."""
    session.expire_all()
    message_id = message if isinstance(message, int) else message.id
    return session.get_one(OutboxMessage, message_id)

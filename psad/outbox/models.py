"""The outbox: every e-mail the app sends is a row first, then a delivery.

A row is written in the transaction that decides to send (the reminders' run, later the
messages to youth); a delivery job sends the rows due, one at a time, and records what the
server said. The row's ``key`` names what it is (``digest:<user>:<day>``): a second run, or a
second scheduler, that wants the same message finds the key taken and sends nothing.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from psad import clock
from psad.db import Base, enum_column

LINK_TOKEN_MARK = "{jeton}"  # where a body's personal link takes ``secret`` when sent


class OutboxState(enum.StrEnum):
    QUEUED = "queued"  # waiting for its first or next attempt (``next_attempt_at``)
    SENDING = "sending"  # claimed by a delivery run
    SENT = "sent"
    FAILED = "failed"  # given up after ``[mail] max_attempts``, or refused for good

    @property
    def label(self) -> str:
        return OUTBOX_STATE_LABELS[self]


OUTBOX_STATE_LABELS = {
    OutboxState.QUEUED: "En attente d'envoi",
    OutboxState.SENDING: "En cours d'envoi",
    OutboxState.SENT: "Envoyé",
    OutboxState.FAILED: "Échec",
}


class OutboxPurpose(enum.StrEnum):
    DIGEST = "digest"  # the reminders' digest of one user for one day
    MESSAGE = "message"  # a message a person sent to a youth (psad.messages)
    MESSAGE_REMINDER = "message_reminder"  # the automatic reminder of such a message
    PASSWORD_RESET = "password_reset"  # a « mot de passe oublié » link (psad.auth)

    @property
    def label(self) -> str:
        return {
            OutboxPurpose.DIGEST: "Récapitulatif des rappels",
            OutboxPurpose.MESSAGE: "Message à un jeune",
            OutboxPurpose.MESSAGE_REMINDER: "Relance automatique d'un jeune",
            OutboxPurpose.PASSWORD_RESET: "Lien de réinitialisation du mot de passe",
        }[self]

    @property
    def to_youth(self) -> bool:
        """Whether the recipient is a youth (administrators see the address masked)."""
        return self in (OutboxPurpose.MESSAGE, OutboxPurpose.MESSAGE_REMINDER)


class OutboxChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"

    @property
    def label(self) -> str:
        return {OutboxChannel.EMAIL: "Courriel", OutboxChannel.SMS: "SMS"}[self]


class OutboxMessage(Base):
    """One e-mail to one address, or one SMS to one number. Its body is stored as sent,
    except a personal link's token: the body holds ``LINK_TOKEN_MARK`` where it goes, and
    ``secret`` the token until the message is sent (then None)."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    purpose: Mapped[OutboxPurpose] = mapped_column(enum_column(OutboxPurpose))
    channel: Mapped[OutboxChannel] = mapped_column(
        enum_column(OutboxChannel), default=OutboxChannel.EMAIL, server_default="email"
    )
    psad_id: Mapped[int | None] = mapped_column(ForeignKey("psads.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))  # "" for an SMS
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    secret: Mapped[str | None] = mapped_column(String(64))  # a reply link's token, until sent
    reply_to: Mapped[str | None] = mapped_column(String(254))  # the PSAD's address
    state: Mapped[OutboxState] = mapped_column(enum_column(OutboxState), default=OutboxState.QUEUED)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))

    # The delivery job asks « what is due now »; the admin page « what failed ».
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

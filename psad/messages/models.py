"""Messages to youth: the PSAD's templates, each message sent, the personal reply links, the
youth's answers, and the youth's opposition to being contacted (« STOP »).

A message is three rows written together: the outbox row that delivers it (e-mail or SMS,
``psad.outbox``), a contact attempt on the youth's case (the timeline shows it with the
outbox row's state), and ``YouthMessage``, which ties them to the template and the reply
link. The link's token is random; only its SHA-256 is stored (``ReplyToken``); the raw token
lives in the outbox row until the message is sent.

A youth's answer (``ReplyAnswer``) moves the case at once where no one needs to check
(a call-back request is a contact « Rappel demandé par le jeune »), and waits for a
counsellor where someone does (a new phone number, a declared solution, a refusal).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from psad import clock
from psad.db import Base, enum_column
from psad.outbox.models import OutboxMessage
from psad.youth.models import Youth


class MessageChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"

    @property
    def label(self) -> str:
        return {MessageChannel.EMAIL: "Courriel", MessageChannel.SMS: "SMS"}[self]


class Register(enum.StrEnum):
    """« tu » for a minor on the day of sending, « vous » otherwise (birth date unknown too)."""

    TU = "tu"
    VOUS = "vous"


class AnswerKind(enum.StrEnum):
    CALL_BACK = "call_back"
    SOLUTION = "solution"
    REFUSAL = "refusal"

    @property
    def label(self) -> str:
        return ANSWER_KIND_LABELS[self]


ANSWER_KIND_LABELS = {
    AnswerKind.CALL_BACK: "Je veux être recontacté·e",
    AnswerKind.SOLUTION: "J'ai déjà une solution",
    AnswerKind.REFUSAL: "Je ne veux pas être accompagné·e",
}


class TimeSlot(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    LATE_AFTERNOON = "late_afternoon"
    ANY = "any"

    @property
    def label(self) -> str:
        return TIME_SLOT_LABELS[self]


TIME_SLOT_LABELS = {
    TimeSlot.MORNING: "Le matin (9 h - 12 h)",
    TimeSlot.AFTERNOON: "L'après-midi (14 h - 17 h)",
    TimeSlot.LATE_AFTERNOON: "En fin de journée (17 h - 19 h)",
    TimeSlot.ANY: "N'importe quand",
}


class SolutionKind(enum.StrEnum):
    """What the youth says they already have; each suggests a situation (reference code) for
    the counsellor to confirm."""

    TRAINING = "training"
    EMPLOYMENT = "employment"
    SUPPORT = "support"

    @property
    def label(self) -> str:
        return SOLUTION_KIND_LABELS[self]

    @property
    def situation_code(self) -> str:
        return {
            SolutionKind.TRAINING: "continuing_training",
            SolutionKind.EMPLOYMENT: "employed",
            SolutionKind.SUPPORT: "followed_other",
        }[self]


SOLUTION_KIND_LABELS = {
    SolutionKind.TRAINING: "Une formation (lycée, apprentissage, formation)",
    SolutionKind.EMPLOYMENT: "Un emploi",
    SolutionKind.SUPPORT: "Un accompagnement (mission locale, France Travail, autre)",
}


class ReviewState(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class BlockSource(enum.StrEnum):
    SMS_STOP = "sms_stop"
    REPLY_PAGE = "reply_page"
    PERSON = "person"

    @property
    def label(self) -> str:
        return {
            BlockSource.SMS_STOP: "« STOP » répondu à un SMS",
            BlockSource.REPLY_PAGE: "Demandé sur la page de réponse",
            BlockSource.PERSON: "Saisi par un membre de la PSAD",
        }[self]


class MessageTemplate(Base):
    """A PSAD's text for one kind of message, in both registers, for e-mail and (optionally)
    SMS. Variables: {prenom}, {psad}, {conseiller}, {lien}. No personal data."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("psad_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))  # « first_contact », or a pilote's own
    name: Mapped[str] = mapped_column(String(120))  # « Premier contact après une liste »
    subject: Mapped[str] = mapped_column(String(200))
    email_tu: Mapped[str] = mapped_column(Text)
    email_vous: Mapped[str] = mapped_column(Text)
    sms_tu: Mapped[str | None] = mapped_column(Text)  # None: the template offers no SMS
    sms_vous: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class MessagingSettings(Base):
    """A PSAD's choices; no row: the defaults (SMS off, no automatic reminder)."""

    __tablename__ = "messaging_settings"

    psad_id: Mapped[int] = mapped_column(
        ForeignKey("psads.id", ondelete="CASCADE"), primary_key=True
    )
    sms_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Days after a message a person sent without an answer: one automatic reminder. None: off.
    auto_reminder_days: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ReplyToken(Base):
    """A personal link: one youth, one case, until ``expires_at``. Only the token's SHA-256
    is kept."""

    __tablename__ = "reply_tokens"
    __table_args__ = (Index("ix_reply_tokens_youth", "youth_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    last_visit_at: Mapped[datetime | None]
    answers: Mapped[int] = mapped_column(default=0)

    youth: Mapped[Youth] = relationship()


class YouthMessage(Base):
    """One message to one youth on one channel, as it was sent (the link masked)."""

    __tablename__ = "youth_messages"
    __table_args__ = (
        # One « Envoyer » (its nonce) sends each youth each channel once, however often
        # the form is posted.
        UniqueConstraint("sending_key", "youth_id", "channel"),
        Index("ix_youth_messages_youth", "youth_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    sending_key: Mapped[str] = mapped_column(String(40))
    channel: Mapped[MessageChannel] = mapped_column(enum_column(MessageChannel))
    register: Mapped[Register] = mapped_column(enum_column(Register))
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("message_templates.id", ondelete="SET NULL")
    )
    template_name: Mapped[str] = mapped_column(String(120))
    recipient: Mapped[str] = mapped_column(String(254))  # the address or E.164 number
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # as sent, the link masked (« …/r/•••• »)
    reply_token_id: Mapped[int | None] = mapped_column(ForeignKey("reply_tokens.id"))
    outbox_message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), unique=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), unique=True
    )
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: automatic
    reminder_of_id: Mapped[int | None] = mapped_column(ForeignKey("youth_messages.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    outbox: Mapped[OutboxMessage] = relationship()


class ReplyAnswer(Base):
    """One answer on the reply page. What a counsellor must check waits in a review state:
    a phone number proposed, a situation declared, a refusal (closing proposed)."""

    __tablename__ = "reply_answers"
    __table_args__ = (Index("ix_reply_answers_youth", "youth_id", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("reply_tokens.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[AnswerKind] = mapped_column(enum_column(AnswerKind))
    time_slot: Mapped[TimeSlot | None] = mapped_column(enum_column(TimeSlot))
    solution_kind: Mapped[SolutionKind | None] = mapped_column(enum_column(SolutionKind))
    phone_proposed: Mapped[str | None] = mapped_column(String(20))  # E.164
    phone_review: Mapped[ReviewState | None] = mapped_column(enum_column(ReviewState))
    situation_review: Mapped[ReviewState | None] = mapped_column(enum_column(ReviewState))
    refusal_review: Mapped[ReviewState | None] = mapped_column(enum_column(ReviewState))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(default=clock.now)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]


class ContactBlock(Base):
    """The youth does not want to be contacted: no message goes to them while a block is
    active (``lifted_at`` empty). Only a person lifts it, with a reason."""

    __tablename__ = "contact_blocks"
    __table_args__ = (
        Index(
            "uq_contact_blocks_active",
            "youth_id",
            unique=True,
            sqlite_where=text("lifted_at IS NULL"),
            postgresql_where=text("lifted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    source: Mapped[BlockSource] = mapped_column(enum_column(BlockSource))
    blocked_at: Mapped[datetime] = mapped_column(default=clock.now)
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lift_reason: Mapped[str | None] = mapped_column(Text)


class AutoReminderSuspension(Base):
    """Automatic reminders suspended for this youth (a row while suspended)."""

    __tablename__ = "auto_reminder_suspensions"

    youth_id: Mapped[int] = mapped_column(
        ForeignKey("youths.id", ondelete="CASCADE"), primary_key=True
    )
    suspended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    suspended_at: Mapped[datetime] = mapped_column(default=clock.now)

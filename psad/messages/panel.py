"""« Messages » on a youth's file: the opposition to being contacted (STOP), the answers
waiting for a counsellor (a new phone number, a declared situation, a refusal), the messages
sent with where each one is, and the automatic reminders. Every value is computed here; the
template (``templates/messages/_file_panel.html``) only shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from psad.messages.blocks import active_block, auto_reminders_suspended
from psad.messages.models import (
    AnswerKind,
    ContactBlock,
    MessagingSettings,
    ReplyAnswer,
    ReviewState,
    YouthMessage,
)
from psad.messages.queries import delivery_state, masked_recipient, messages_of, user_names
from psad.messages.reply import pending_answers
from psad.outbox.models import OutboxState
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import active_items
from psad.youth.identifiers import format_phone
from psad.youth.models import Youth

SHOWN_MESSAGES = 10  # the latest; the timeline has them all
UNSPECIFIED_SOLUTION = "Une solution (sans précision)"


class Viewer(Protocol):
    """What the panel needs of ``psad.access.viewer.Viewer`` (messages sit below access)."""

    @property
    def can_message_youth(self) -> bool: ...

    @property
    def can_follow(self) -> bool: ...


@dataclass(frozen=True)
class SentRow:
    message: YouthMessage
    recipient: str  # masked
    state: str
    failed: bool
    automatic: bool
    sender: str | None  # who sent it (None: automatic, or an account since removed)


@dataclass(frozen=True)
class PendingRow:
    """One answer with what is left to review: at most a phone, a situation, a refusal."""

    answer: ReplyAnswer
    phone: str | None  # the number proposed, formatted, when it waits
    solution: str | None  # the solution declared, when the situation waits
    suggested_situation: str | None  # the reference code the solution suggests
    refusal: bool  # a refusal waits


@dataclass(frozen=True)
class MessagesPanel:
    block: ContactBlock | None
    pending: list[PendingRow]
    sent: list[SentRow]
    more_sent: int  # messages older than those shown
    situations: list[ReferenceItem]  # the choices to confirm a declared situation
    may_message: bool  # send, record or lift an opposition, suspend reminders
    may_review: bool  # confirm or dismiss an answer
    may_send_now: bool  # an open case and no opposition
    auto_reminder_days: int | None  # the PSAD's setting (None: off)
    auto_reminders_suspended: bool


def file_panel(
    session: Session, *, youth: Youth, viewer: Viewer, settings: MessagingSettings
) -> MessagesPanel:
    block = active_block(session, youth.id)
    pending = [_pending(answer) for answer in pending_answers(session, youth.id)]
    messages = messages_of(session, youth.id)
    shown = messages[:SHOWN_MESSAGES]
    senders = user_names(session, [message.sent_by_id for message in shown])
    wants_situations = any(row.solution for row in pending)
    return MessagesPanel(
        block=block,
        pending=pending,
        sent=[_sent(message, senders) for message in shown],
        more_sent=max(len(messages) - SHOWN_MESSAGES, 0),
        situations=active_items(session, ReferenceKind.SITUATION) if wants_situations else [],
        may_message=viewer.can_message_youth,
        may_review=viewer.can_follow,
        may_send_now=youth.open_case is not None and block is None,
        auto_reminder_days=settings.auto_reminder_days,
        auto_reminders_suspended=auto_reminders_suspended(session, youth.id),
    )


def _sent(message: YouthMessage, senders: dict[int, str]) -> SentRow:
    return SentRow(
        message=message,
        recipient=masked_recipient(message),
        state=delivery_state(message.outbox),
        failed=message.outbox.state is OutboxState.FAILED,
        automatic=message.sent_by_id is None,
        sender=senders.get(message.sent_by_id) if message.sent_by_id else None,
    )


def _pending(answer: ReplyAnswer) -> PendingRow:
    waits = ReviewState.PENDING
    situation_waits = answer.situation_review is waits
    kind = answer.solution_kind
    return PendingRow(
        answer=answer,
        phone=format_phone(answer.phone_proposed) if answer.phone_review is waits else None,
        solution=(kind.label if kind else UNSPECIFIED_SOLUTION) if situation_waits else None,
        suggested_situation=kind.situation_code if kind and situation_waits else None,
        refusal=answer.kind is AnswerKind.REFUSAL and answer.refusal_review is waits,
    )

"""What the staff pages read of the messages: the list's marks for a page of youth (a fixed
number of queries whatever the page holds), a youth's messages with their delivery state,
and the answers waiting for a counsellor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from psad.auth.models import User
from psad.clock import local
from psad.masks import MASK, mask_phone
from psad.messages.blocks import blocked_among
from psad.messages.models import MessageChannel, ReplyAnswer, ReviewState, YouthMessage
from psad.outbox.delivery import cancelled_reason
from psad.outbox.models import OutboxMessage, OutboxState
from psad.youth.models import Case, CaseStatus

PENDING = ReviewState.PENDING


@dataclass(frozen=True)
class ListMarks:
    """For a page of the list: which youth are blocked, have a phone number to confirm, or
    an answer (a declared situation, a refusal) waiting for a counsellor."""

    blocked: set[int] = field(default_factory=set)
    phone_to_confirm: set[int] = field(default_factory=set)
    answer_to_review: set[int] = field(default_factory=set)

    def labels(self, youth_id: int) -> list[tuple[str, bool]]:
        """The badges of one row: their text, and whether it is a warning (a block)."""
        shown = []
        if youth_id in self.blocked:
            shown.append(("Contact bloqué", True))
        if youth_id in self.phone_to_confirm:
            shown.append(("Numéro à confirmer", False))
        if youth_id in self.answer_to_review:
            shown.append(("Réponse à traiter", False))
        return shown


def list_marks(session: Session, youth_ids: Iterable[int]) -> ListMarks:
    """The marks of these youth, in two queries. A phone waits whatever the case; a declared
    situation or a refusal only while the case is open (closing it settles them), as
    ``reply.pending_answers`` reads them."""
    ids = list(dict.fromkeys(youth_ids))
    if not ids:
        return ListMarks()
    phone: set[int] = set()
    review: set[int] = set()
    rows = session.execute(
        select(
            ReplyAnswer.youth_id,
            ReplyAnswer.phone_review,
            ReplyAnswer.situation_review,
            ReplyAnswer.refusal_review,
            Case.status,
        )
        .join(Case, Case.id == ReplyAnswer.case_id)
        .where(
            ReplyAnswer.youth_id.in_(ids),
            or_(
                ReplyAnswer.phone_review == PENDING,
                ReplyAnswer.situation_review == PENDING,
                ReplyAnswer.refusal_review == PENDING,
            ),
        )
    )
    for youth_id, phone_review, situation_review, refusal_review, status in rows:
        if phone_review is PENDING:
            phone.add(youth_id)
        if status is CaseStatus.OPEN and PENDING in (situation_review, refusal_review):
            review.add(youth_id)
    return ListMarks(
        blocked=blocked_among(session, ids), phone_to_confirm=phone, answer_to_review=review
    )


def answer_of(session: Session, youth_id: int, answer_id: int) -> ReplyAnswer | None:
    """One answer of this youth (None for another youth's: the page answers 404)."""
    answer = session.get(ReplyAnswer, answer_id)
    return answer if answer is not None and answer.youth_id == youth_id else None


def messages_of(session: Session, youth_id: int) -> list[YouthMessage]:
    """The youth's messages, newest first, with their outbox rows."""
    return list(
        session.scalars(
            select(YouthMessage)
            .where(YouthMessage.youth_id == youth_id)
            .options(joinedload(YouthMessage.outbox))
            .order_by(YouthMessage.created_at.desc(), YouthMessage.id.desc())
        )
    )


def user_names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """The full names of these users (one query; None ids ignored)."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def delivery_state(row: OutboxMessage) -> str:
    """Where the message is, as the file says it: « En attente d'envoi », « Envoyé le … »,
    « Échec : … », « Annulé : … », « Nouvel essai prévu le … »."""
    if row.state is OutboxState.SENT and row.sent_at is not None:
        return f"Envoyé le {local(row.sent_at):%d/%m/%Y à %H:%M}"
    cancelled = cancelled_reason(row)
    if cancelled is not None:
        return cancelled
    if row.state is OutboxState.FAILED:
        return f"Échec : {row.last_error or 'raison inconnue'}"
    if row.state is OutboxState.QUEUED and row.attempts:
        return f"Nouvel essai prévu le {local(row.next_attempt_at):%d/%m/%Y à %H:%M}"
    return row.state.label


def masked_recipient(message: YouthMessage) -> str:
    """The number or address the message went to, masked as the public page masks it."""
    if message.channel is MessageChannel.SMS:
        return mask_phone(message.recipient)
    name, _, domain = message.recipient.partition("@")
    return f"{name[:1]}{MASK}@{domain}" if domain else MASK

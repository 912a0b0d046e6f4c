"""The messages' entries of a youth's timeline: each message sent (a contact attempt, shown
with its template, channel, masked recipient and delivery state, and the message itself as
it was sent, the link masked), each answer on the reply page, each opposition to being
contacted and its lifting.

A message and an answer each made a contact; their entry stands in for that contact's
(same anchor): ``replacing`` merges them into the follow-up's timeline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from psad.clock import local
from psad.followup.timeline import Entry, When
from psad.messages.models import AnswerKind, ContactBlock, ReplyAnswer, ReviewState, YouthMessage
from psad.messages.queries import delivery_state, masked_recipient, user_names
from psad.youth.identifiers import format_phone
from psad.youth.models import Youth

REVIEW_LABELS = {
    ReviewState.PENDING: "à confirmer",
    ReviewState.CONFIRMED: "confirmé",
    ReviewState.DISMISSED: "écarté",
}
SITUATION_REVIEW = {
    ReviewState.PENDING: "Situation à confirmer",
    ReviewState.CONFIRMED: "Situation confirmée",
    ReviewState.DISMISSED: "Situation écartée",
}
REFUSAL_REVIEW = {
    ReviewState.PENDING: "Refus à traiter (clôture proposée)",
    ReviewState.CONFIRMED: "Refus traité",
    ReviewState.DISMISSED: "Refus écarté",
}
YOUTH_ANSWERED = "Le jeune (lien personnel)"
YOUTH = "Le jeune"
AUTOMATIC = "Automatiquement"
BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class SentCopy:
    """A message as the youth got it, the link masked: the subject (an e-mail's) and the text
    in paragraphs of lines, so that the page shows its line breaks (each line escaped)."""

    subject: str | None
    paragraphs: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, message: YouthMessage) -> SentCopy:
        text = message.body.replace("\r\n", "\n").strip()
        paragraphs = tuple(tuple(part.split("\n")) for part in BLANK_LINES.split(text) if part)
        return cls(subject=message.subject, paragraphs=paragraphs)


@dataclass(frozen=True)
class MessageEntry(Entry):
    """A message's entry, with what was sent (« Voir le message »)."""

    message: SentCopy | None = None


def _timed(at: datetime) -> When:
    return When(on=local(at).date(), at=at, sort_at=at)


def entries(session: Session, youth: Youth) -> list[Entry]:
    """The youth's messages, answers and oppositions (the page sorts the timeline)."""
    users = _users(session, youth.id)
    return [
        *_messages(session, youth.id, users),
        *_answers(session, youth.id),
        *_blocks(session, youth.id, users),
    ]


def replacing(followed: Sequence[Entry], ours: Sequence[Entry]) -> list[Entry]:
    """The follow-up's entries, those of the contacts a message or an answer made replaced
    by the message's or answer's own, then the other entries of ours."""
    by_anchor = {entry.anchor: entry for entry in ours if entry.anchor}
    merged = [by_anchor.pop(entry.anchor, entry) if entry.anchor else entry for entry in followed]
    return [*merged, *(entry for entry in ours if entry.anchor in by_anchor or not entry.anchor)]


def _users(session: Session, youth_id: int) -> dict[int, str]:
    """The names of the people who sent the youth a message or blocked or lifted a block."""
    blocks = session.execute(
        select(ContactBlock.blocked_by_id, ContactBlock.lifted_by_id).where(
            ContactBlock.youth_id == youth_id
        )
    )
    senders = session.scalars(
        select(YouthMessage.sent_by_id).where(YouthMessage.youth_id == youth_id)
    )
    return user_names(session, [*senders, *(user for row in blocks for user in row)])


def _anchor(contact_id: int | None, fallback: str) -> str:
    return f"contact-{contact_id}" if contact_id is not None else fallback


def _messages(session: Session, youth_id: int, users: dict[int, str]) -> Iterable[Entry]:
    messages = session.scalars(
        select(YouthMessage)
        .where(YouthMessage.youth_id == youth_id)
        .options(joinedload(YouthMessage.outbox))
    )
    for message in messages:
        automatic = message.sent_by_id is None
        what = "Relance automatique" if automatic else "Message envoyé"
        yield MessageEntry(
            when=_timed(message.created_at),
            kind="message",
            what=f"{what} · {message.channel.label} · « {message.template_name} »",
            details=(
                f"À : {masked_recipient(message)}",
                f"État : {delivery_state(message.outbox)}",
                "Compté comme une prise de contact (non joint)",
            ),
            who=AUTOMATIC if automatic else users.get(message.sent_by_id or 0),
            anchor=_anchor(message.contact_id, f"message-{message.id}"),
            message=SentCopy.of(message),
        )


def _answers(session: Session, youth_id: int) -> Iterable[Entry]:
    answers = session.scalars(select(ReplyAnswer).where(ReplyAnswer.youth_id == youth_id))
    for answer in answers:
        yield Entry(
            when=_timed(answer.answered_at),
            kind="answer",
            what=f"Réponse en ligne : {answer.kind.label}",
            details=_answer_details(answer),
            who=YOUTH_ANSWERED,
            anchor=_anchor(answer.contact_id, f"reponse-{answer.id}"),
        )


def _answer_details(answer: ReplyAnswer) -> tuple[str, ...]:
    details = []
    if answer.time_slot is not None:
        details.append(f"Créneau souhaité : {answer.time_slot.label}")
    if answer.solution_kind is not None:
        details.append(f"Solution déclarée : {answer.solution_kind.label}")
    if answer.phone_proposed and answer.phone_review is not None:
        state = REVIEW_LABELS[answer.phone_review]
        details.append(f"Numéro proposé : {format_phone(answer.phone_proposed)} ({state})")
    if answer.kind is AnswerKind.SOLUTION and answer.situation_review is not None:
        details.append(SITUATION_REVIEW[answer.situation_review])
    if answer.kind is AnswerKind.REFUSAL and answer.refusal_review is not None:
        details.append(REFUSAL_REVIEW[answer.refusal_review])
    return tuple(details)


def _blocks(session: Session, youth_id: int, users: dict[int, str]) -> Iterable[Entry]:
    blocks = session.scalars(select(ContactBlock).where(ContactBlock.youth_id == youth_id))
    for block in blocks:
        yield Entry(
            when=_timed(block.blocked_at),
            kind="block",
            what="Opposition au contact (STOP) : plus aucun message n'est envoyé",
            details=(block.source.label,),
            who=users.get(block.blocked_by_id) if block.blocked_by_id else YOUTH,
            anchor=f"opposition-{block.id}",
        )
        if block.lifted_at is not None:
            yield Entry(
                when=_timed(block.lifted_at),
                kind="block",
                what="Opposition au contact levée",
                details=(f"Motif : {block.lift_reason}",) if block.lift_reason else (),
                who=users.get(block.lifted_by_id or 0),
                anchor=f"opposition-{block.id}-levee",
            )

"""The youth's answers on the public reply page, and a counsellor's review of them.

An answer is at once a contact on the case's timeline (channel « Réponse en ligne », the
youth reached, no author), so that the lists move without a rule of their own: a call-back
request is the outcome « Rappel demandé par le jeune », which puts the youth at the top of
« À recontacter ». What a counsellor must check waits on the answer in a review state: a new
phone number (the file keeps the old one until confirmed), a declared solution (the
situation changes once confirmed), a refusal (closing is proposed, with the reason « Refus du
jeune »; closing the case settles it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import User
from psad.clock import local
from psad.config import Settings
from psad.errors import DomainError
from psad.followup.models import Party, TaskRule
from psad.followup.services import ContactData, change_situation, edit_youth, record_contact
from psad.followup.services.tasks import ensure_rule_task
from psad.messages import blocks
from psad.messages.models import (
    AnswerKind,
    BlockSource,
    ContactBlock,
    ReplyAnswer,
    ReplyToken,
    ReviewState,
    SolutionKind,
    TimeSlot,
)
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import item_by_code
from psad.youth.models import Case, CaseStatus, Youth

ONLINE_REPLY = "online_reply"
OUTCOMES = {
    AnswerKind.CALL_BACK: "call_back_asked",
    AnswerKind.SOLUTION: "solution_declared",
    AnswerKind.REFUSAL: "refused",
}
Part = Literal["phone", "situation", "refusal"]
PART_NAMES = {"phone": "telephone", "situation": "situation", "refusal": "refus"}

TOO_MANY_ANSWERS = (
    "Vous avez déjà répondu plusieurs fois avec ce lien : la PSAD a bien reçu vos réponses. "
    "Pour lui dire autre chose, contactez-la directement."
)
TIME_SLOT_MISSING = "Choisissez quand vous préférez être appelé·e."
SOLUTION_MISSING = "Dites quelle solution vous avez déjà."
ALREADY_REVIEWED = {
    "phone": "Ce numéro de téléphone a déjà été confirmé ou écarté.",
    "situation": "Cette solution déclarée a déjà été confirmée ou écartée.",
    "refusal": "Ce refus a déjà été traité.",
}
NOT_A_SITUATION = "Choisissez une situation de la liste des situations."


class TooManyAnswersError(DomainError):
    status_code = 429


def _reference(session: Session, kind: ReferenceKind, code: str) -> ReferenceItem:
    item = item_by_code(session, kind, code)
    if item is None:  # the seeds ship it; a missing one is an installation fault
        raise LookupError(f"reference item {kind.value}:{code} missing: run `psad seed`")
    return item


def _actor_for(token: ReplyToken, actor: Actor) -> Actor:
    """The youth acts: no user, the link's PSAD (the audit files the event there)."""
    return Actor(user_id=None, psad_id=token.psad_id, ip_address=actor.ip_address)


def record_visit(session: Session, *, token: ReplyToken, actor: Actor, now: datetime) -> None:
    """The youth opened the page: audited with the youth's id, nothing else."""
    token.last_visit_at = now
    record(
        session,
        _actor_for(token, actor),
        AuditAction.REPLY_VIEWED,
        object_type="youth",
        object_id=token.youth_id,
        detail=f"lien={token.id}",
    )


def _comment(
    kind: AnswerKind, time_slot: TimeSlot | None, solution: SolutionKind | None, phone: bool
) -> str:
    """What the timeline says of the answer: the choices, never the number."""
    said = {
        AnswerKind.CALL_BACK: f"Créneau préféré : {time_slot.label}" if time_slot else "",
        AnswerKind.SOLUTION: f"Solution déclarée : {solution.label}" if solution else "",
        AnswerKind.REFUSAL: "Ne souhaite pas être accompagné·e.",
    }[kind]
    parts = ["Réponse en ligne du jeune.", said, "Nouveau numéro proposé." if phone else ""]
    return " ".join(part for part in parts if part)


def _count_answer(session: Session, token: ReplyToken, most: int) -> None:
    """Count one more answer on the link, or refuse it when the link has had ``most``: one
    UPDATE guarded by the count stored, so two answers posted at once cannot both take the
    last place (the loser waits for the winner's row lock, then finds the count full)."""
    result = session.execute(
        update(ReplyToken)
        .where(ReplyToken.id == token.id, ReplyToken.answers < most)
        .values(answers=ReplyToken.answers + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(token, ["answers"])  # read again from the row when next asked
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise TooManyAnswersError(TOO_MANY_ANSWERS)


def record_answer(
    session: Session,
    *,
    token: ReplyToken,
    kind: AnswerKind,
    time_slot: TimeSlot | None,
    solution_kind: SolutionKind | None,
    phone: str | None,
    now: datetime,
    actor: Actor,
    settings: Settings,
) -> ReplyAnswer:
    """Record one answer given with a valid link (``phone``: E.164, already normalised).

    A contact with the youth reached goes on the case: « Rappel demandé par le jeune » (and a
    call-back task due today), « Solution déclarée par le jeune » or « Refus »; a phone that
    differs from the file's, a solution or a refusal waits for a counsellor's review.
    A link takes at most ``[messages] answers_per_link`` answers, however many are posted at
    once.
    """
    if kind is AnswerKind.CALL_BACK and time_slot is None:
        raise DomainError(TIME_SLOT_MISSING)
    if kind is AnswerKind.SOLUTION and solution_kind is None:
        raise DomainError(SOLUTION_MISSING)
    _count_answer(session, token, settings.messages.answers_per_link)
    case = session.get_one(Case, token.case_id)
    youth = session.get_one(Youth, token.youth_id)
    proposed = phone if phone and phone != youth.phone else None
    actor = _actor_for(token, actor)
    data = ContactData(
        occurred_at=now,
        channel=_reference(session, ReferenceKind.CONTACT_CHANNEL, ONLINE_REPLY),
        reached=True,
        outcome=_reference(session, ReferenceKind.CONTACT_OUTCOME, OUTCOMES[kind]),
        party=Party.YOUTH,
        comment=_comment(kind, time_slot, solution_kind, proposed is not None),
    )
    contact = record_contact(session, case=case, data=data, by=None, actor=actor, now=now).contact
    if kind is AnswerKind.CALL_BACK:
        ensure_rule_task(session, case=case, rule=TaskRule.CALL_BACK, due_on=local(now).date())
    answer = ReplyAnswer(
        token_id=token.id,
        youth_id=token.youth_id,
        case_id=token.case_id,
        kind=kind,
        time_slot=time_slot if kind is AnswerKind.CALL_BACK else None,
        solution_kind=solution_kind if kind is AnswerKind.SOLUTION else None,
        phone_proposed=proposed,
        phone_review=ReviewState.PENDING if proposed else None,
        situation_review=ReviewState.PENDING if kind is AnswerKind.SOLUTION else None,
        refusal_review=ReviewState.PENDING if kind is AnswerKind.REFUSAL else None,
        contact_id=contact.id,
        answered_at=now,
    )
    session.add(answer)
    session.flush()
    record(
        session,
        actor,
        AuditAction.REPLY_ANSWERED,
        object_type="youth",
        object_id=token.youth_id,
        detail=(
            f"reponse={answer.id}; type={kind.value}; numero_propose={'oui' if proposed else 'non'}"
        ),
    )
    return answer


def stop_from_page(
    session: Session, *, token: ReplyToken, now: datetime, actor: Actor
) -> ContactBlock | None:
    """« Ne plus être contacté·e »: no message goes to the youth any more (None when a block
    was already active)."""
    youth = session.get_one(Youth, token.youth_id)
    return blocks.block(
        session,
        youth=youth,
        source=BlockSource.REPLY_PAGE,
        by_id=None,
        actor=_actor_for(token, actor),
        now=now,
    )


# --- a counsellor's review ------------------------------------------------------------------


def pending_answers(session: Session, youth_id: int) -> list[ReplyAnswer]:
    """The youth's answers with something to review, newest first: a phone whatever the case;
    a solution or a refusal while its case is open (closing the case settles them)."""
    case_open = (
        select(Case.id).where(Case.id == ReplyAnswer.case_id, Case.status == CaseStatus.OPEN)
    ).exists()
    return list(
        session.scalars(
            select(ReplyAnswer)
            .where(
                ReplyAnswer.youth_id == youth_id,
                or_(
                    ReplyAnswer.phone_review == ReviewState.PENDING,
                    case_open
                    & or_(
                        ReplyAnswer.situation_review == ReviewState.PENDING,
                        ReplyAnswer.refusal_review == ReviewState.PENDING,
                    ),
                ),
            )
            .order_by(ReplyAnswer.answered_at.desc(), ReplyAnswer.id.desc())
        )
    )


def _settle(
    session: Session,
    *,
    answer: ReplyAnswer,
    part: Part,
    state: ReviewState,
    by: User,
    actor: Actor,
    now: datetime,
) -> None:
    setattr(answer, f"{part}_review", state)
    answer.reviewed_by_id, answer.reviewed_at = by.id, now
    decision = "confirme" if state is ReviewState.CONFIRMED else "ecarte"
    record(
        session,
        actor,
        AuditAction.REPLY_REVIEWED,
        object_type="youth",
        object_id=answer.youth_id,
        detail=f"reponse={answer.id}; partie={PART_NAMES[part]}; decision={decision}",
    )
    session.flush()


def _pending(answer: ReplyAnswer, part: Part) -> None:
    if getattr(answer, f"{part}_review") is not ReviewState.PENDING:
        raise DomainError(ALREADY_REVIEWED[part])


def confirm_phone(
    session: Session, *, answer: ReplyAnswer, by: User, actor: Actor, now: datetime
) -> None:
    """The proposed number becomes the youth's phone (the file's history names the field)."""
    _pending(answer, "phone")
    youth = session.get_one(Youth, answer.youth_id)
    edit_youth(
        session,
        youth=youth,
        changes={"phone": answer.phone_proposed},
        by=by,
        now=now,
        actor=actor,
    )
    _settle(
        session,
        answer=answer,
        part="phone",
        state=ReviewState.CONFIRMED,
        by=by,
        actor=actor,
        now=now,
    )


def confirm_situation(
    session: Session,
    *,
    answer: ReplyAnswer,
    situation_item: ReferenceItem,
    by: User,
    actor: Actor,
    now: datetime,
) -> None:
    """The case's situation becomes the one the counsellor chose from the declared solution
    (``SolutionKind.situation_code`` suggests it)."""
    _pending(answer, "situation")
    if situation_item.kind is not ReferenceKind.SITUATION:
        raise DomainError(NOT_A_SITUATION)
    case = session.get_one(Case, answer.case_id)
    change_situation(session, case=case, situation=situation_item, by=by, now=now, actor=actor)
    _settle(
        session,
        answer=answer,
        part="situation",
        state=ReviewState.CONFIRMED,
        by=by,
        actor=actor,
        now=now,
    )


def dismiss(
    session: Session, *, answer: ReplyAnswer, part: Part, by: User, actor: Actor, now: datetime
) -> None:
    """Set one part of the answer aside: the file stays as it is."""
    if part not in PART_NAMES:
        raise ValueError(f"not a part of an answer: {part!r}")
    _pending(answer, part)
    _settle(
        session, answer=answer, part=part, state=ReviewState.DISMISSED, by=by, actor=actor, now=now
    )

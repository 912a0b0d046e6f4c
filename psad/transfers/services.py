"""Proposing, requesting, accepting, refusing and cancelling a transfer between PSADs.

Plain functions: they flush, never commit; the entry point owns the transaction. Every step
is audited twice, once in each PSAD's journal (ids and PSAD codes, never a name). Accepting
closes the sending PSAD's open case (reason « Transfert vers une autre PSAD », through the
follow-up's ``close_case``), gives the youth to the receiving PSAD and opens a case there:
the youth's whole history (cases, contacts, notes, tasks...) follows them, since the one
youth scope is by ``youths.psad_id``; the old case keeps its PSAD.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad, User
from psad.errors import DomainError, NotFoundError, PermissionDeniedError
from psad.followup.models import Task
from psad.followup.services import close_case
from psad.imports.models import ImportBatch
from psad.imports.results import Conflict
from psad.reference.models import ReferenceKind
from psad.reference.services import item_by_code
from psad.transfers import queries
from psad.transfers.models import (
    COMMENT_LENGTH,
    Transfer,
    TransferDirection,
    TransferState,
    psad_label,
)
from psad.youth.models import Case, CaseSource, CaseStatus, KnownToPartner, Youth

TRANSFERRED = "transferred"  # the closing reason's code (« Transfert vers une autre PSAD »)

ALREADY_PENDING = (
    "Un transfert de ce jeune est déjà en attente : attendez la décision, ou annulez-le, "
    "avant d'en proposer un autre."
)
PENDING_ELSEWHERE = (
    "Un transfert de ce jeune est déjà en attente auprès de la PSAD qui le suit : "
    "vous pourrez le demander après sa décision."
)
SAME_PSAD = "Choisissez une autre PSAD que celle qui suit ce jeune."
INACTIVE_PSAD = "Cette PSAD n'est plus active : choisissez-en une autre."
NO_COMMENT = "Dites pourquoi ce jeune doit changer de PSAD."
NO_REASON = "Dites pourquoi vous refusez ce transfert."
TOO_LONG = f"Le texte dépasse {COMMENT_LENGTH} caractères."
RACED = (
    "Ce transfert vient d'être traité par quelqu'un d'autre, ou le dossier du jeune a changé "
    "entre-temps : rien n'a été enregistré. Voici son état actuel."
)
NO_CLOSING_REASON = (
    "Le motif de clôture « Transfert vers une autre PSAD » manque dans les listes de "
    "référence : demandez à l'administrateur de le rétablir."
)


class TransferConflictError(DomainError):
    """The transfer cannot be done as asked: another one waits, it was decided meanwhile, or
    the youth moved."""

    status_code = 409


class PendingTransferRaceError(TransferConflictError):
    """Another transaction saved a pending transfer of the youth meanwhile (the unique
    index): the caller rolls its transaction back."""


def _text(value: str | None, empty: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise DomainError(empty)
    if len(cleaned) > COMMENT_LENGTH:
        raise DomainError(TOO_LONG)
    return cleaned


def _detail(transfer: Transfer) -> str:
    direction = "proposition" if transfer.direction is TransferDirection.OFFER else "demande"
    return (
        f"transfert={transfer.id}; de={transfer.from_psad.code}; vers={transfer.to_psad.code}; "
        f"sens={direction}"
    )


def _audit_both_sides(
    session: Session, actor: audit.Actor, action: AuditAction, transfer: Transfer
) -> None:
    """One event in each PSAD's journal."""
    for psad_id in (transfer.from_psad_id, transfer.to_psad_id):
        audit.record(
            session,
            actor,
            action,
            object_type="youth",
            object_id=transfer.youth_id,
            psad_id=psad_id,
            detail=_detail(transfer),
        )


def _ask(
    session: Session, youth: Youth, *, pending: str, actor: audit.Actor, **values: object
) -> Transfer:
    """Save a new pending transfer of ``youth`` (refused while another one waits, with the
    message ``pending``), audited in both journals."""
    if queries.pending_for_youth(session, youth.id) is not None:
        raise TransferConflictError(pending)
    transfer = Transfer(youth=youth, from_psad=youth.psad, **values)
    session.add(transfer)
    try:
        session.flush()
    except IntegrityError as error:  # another pending transfer saved meanwhile
        raise PendingTransferRaceError(pending) from error
    _audit_both_sides(session, actor, AuditAction.TRANSFER_PROPOSED, transfer)
    return transfer


def propose_transfer(
    session: Session,
    *,
    youth: Youth,
    to_psad: Psad,
    comment: str,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> Transfer:
    """The PSAD that follows the youth offers them to another PSAD, which decides."""
    comment = _text(comment, NO_COMMENT)
    if to_psad.id == youth.psad_id:
        raise DomainError(SAME_PSAD)
    if not to_psad.active:
        raise DomainError(INACTIVE_PSAD)
    return _ask(
        session,
        youth,
        pending=ALREADY_PENDING,
        actor=actor,
        to_psad=to_psad,
        direction=TransferDirection.OFFER,
        comment=comment,
        proposed_by=by,
        proposed_at=now,
        subject_last_name=youth.last_name,
        subject_first_name=youth.first_name,
        subject_birth_date=youth.birth_date,
    )


def request_transfer(
    session: Session,
    *,
    batch: ImportBatch,
    conflict: Conflict,
    comment: str,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> Transfer:
    """A PSAD whose list met a youth followed elsewhere asks the PSAD that follows them (it
    may have changed since the import) to transfer them; that PSAD decides. The request
    carries what the list's row said, nothing of the file."""
    comment = _text(comment, NO_COMMENT)
    youth = session.get(Youth, conflict.youth_id)
    if youth is None:
        raise NotFoundError("Ce jeune n'est plus enregistré dans l'application.")
    if youth.psad_id == batch.psad_id:
        raise TransferConflictError("Ce jeune est déjà suivi par votre PSAD.")
    return _ask(
        session,
        youth,
        pending=PENDING_ELSEWHERE,
        actor=actor,
        to_psad=batch.psad,
        direction=TransferDirection.REQUEST,
        comment=comment,
        proposed_by=by,
        proposed_at=now,
        batch=batch,
        line=conflict.line,
        subject_last_name=conflict.last_name,
        subject_first_name=conflict.first_name,
        subject_birth_date=conflict.birth_date,
    )


def _still_pending(transfer: Transfer) -> None:
    if transfer.is_pending:
        return
    when = f" le {clock.local(transfer.decided_at):%d/%m/%Y}" if transfer.decided_at else ""
    raise TransferConflictError(
        f"Ce transfert a déjà été {transfer.state.label.lower()}{when} : rien n'a été changé."
    )


def _decider(transfer: Transfer, psad_id: int | None) -> None:
    _still_pending(transfer)
    if transfer.deciding_psad.id != psad_id:
        raise PermissionDeniedError(
            f"Seuls le pilote et le co-pilote de la PSAD {psad_label(transfer.deciding_psad)} "
            "peuvent accepter ou refuser ce transfert."
        )


def accept_transfer(
    session: Session,
    *,
    transfer: Transfer,
    by: User,
    today: date,
    now: datetime,
    actor: audit.Actor,
) -> Case:
    """Close the sending PSAD's case, give the youth to the receiving PSAD, open a case
    there; one transaction (the caller's). Returns the new case.

    The sending side's person closes (who proposed, or who accepts a request), the receiving
    side's person opens (who accepts an offer, or who requested): each case's history names
    someone of its own PSAD; the audit names who accepted.
    """
    _decider(transfer, actor.psad_id)
    youth = transfer.youth
    if youth.psad_id != transfer.from_psad_id:
        raise TransferConflictError(
            f"Ce jeune n'est plus suivi par la PSAD {psad_label(transfer.from_psad)} : "
            "ce transfert ne peut plus être accepté ; refusez-le."
        )
    offered = transfer.direction is TransferDirection.OFFER
    sender, receiver = (transfer.proposed_by or by, by) if offered else (by, transfer.proposed_by)
    old = youth.open_case
    if old is not None:
        _close_sent_case(session, transfer, old, by=sender, now=now, actor=actor, today=today)
    youth.psad = transfer.to_psad
    youth.last_row_hash = None  # the receiving PSAD's next list checks the youth's row in full
    case = _open_received_case(session, transfer, old, by=receiver, today=today, now=now)
    transfer.state, transfer.decided_by, transfer.decided_at = TransferState.ACCEPTED, by, now
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CASE_OPENED,
        object_type="youth",
        object_id=youth.id,
        psad_id=transfer.to_psad_id,
        detail=f"dossier={case.id}; origine=transfert; transfert={transfer.id}",
    )
    _audit_both_sides(session, actor, AuditAction.TRANSFER_ACCEPTED, transfer)
    return case


def _close_sent_case(
    session: Session,
    transfer: Transfer,
    case: Case,
    *,
    by: User,
    today: date,
    now: datetime,
    actor: audit.Actor,
) -> None:
    """The sending PSAD's case, closed « Transfert » in its journal; its tasks end with it
    (its people lose the youth)."""
    reason = item_by_code(session, ReferenceKind.CLOSING_REASON, TRANSFERRED)
    if reason is None:
        raise DomainError(NO_CLOSING_REASON)
    known = case.known_to_partner
    close_case(
        session,
        case=case,
        reason=reason,
        known_to_partner=known or KnownToPartner.UNKNOWN,
        solution=None,
        solution_since=None,
        on=today,
        by=by,
        now=now,
        actor=dataclasses.replace(actor, psad_id=transfer.from_psad_id),
    )
    # A transfer says nothing of whether partners knew the youth (the bilan's « jeunes
    # découverts »): the answer stays as it was.
    case.known_to_partner = known
    done = f"Jeune transféré vers la PSAD {transfer.to_psad.code}."
    for task in session.scalars(
        select(Task).where(Task.case_id == case.id, Task.done_at.is_(None))
    ):
        task.done_at, task.done_comment = now, done


def _open_received_case(
    session: Session,
    transfer: Transfer,
    old: Case | None,
    *,
    by: User | None,
    today: date,
    now: datetime,
) -> Case:
    """The receiving PSAD's case: from its list for a request, else as the youth first came
    (the sending PSAD's structures and lists stay there)."""
    requested = transfer.direction is TransferDirection.REQUEST
    previous = old or transfer.youth.latest_case
    case = Case(
        youth=transfer.youth,
        psad_id=transfer.to_psad_id,
        status=CaseStatus.OPEN,
        source=CaseSource.LISTING
        if requested
        else (previous.source if previous else CaseSource.REFERRAL),
        source_detail=f"Transfert de la PSAD {transfer.from_psad.code}",
        source_batch_id=transfer.batch_id if requested else None,
        opened_on=today,
        opened_by=by,
        reason=transfer.comment,
        created_at=now,
    )
    session.add(case)
    return case


def refuse_transfer(
    session: Session,
    *,
    transfer: Transfer,
    reason: str,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> None:
    """The deciding side says no, and why; nothing else changes."""
    _decider(transfer, actor.psad_id)
    transfer.refusal_reason = _text(reason, NO_REASON)
    transfer.state, transfer.decided_by, transfer.decided_at = TransferState.REFUSED, by, now
    session.flush()
    _audit_both_sides(session, actor, AuditAction.TRANSFER_REFUSED, transfer)


def cancel_transfer(
    session: Session, *, transfer: Transfer, by: User, now: datetime, actor: audit.Actor
) -> None:
    """The side that asked withdraws while the transfer waits."""
    _still_pending(transfer)
    if transfer.asking_psad.id != actor.psad_id:
        raise PermissionDeniedError(
            f"Seule la PSAD {psad_label(transfer.asking_psad)}, qui l'a demandé, peut annuler ce "
            "transfert."
        )
    transfer.state, transfer.decided_by, transfer.decided_at = TransferState.CANCELLED, by, now
    session.flush()
    _audit_both_sides(session, actor, AuditAction.TRANSFER_CANCELLED, transfer)

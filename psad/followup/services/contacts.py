"""Contacts (attempts and interviews) and notes; history is never overwritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import User
from psad.errors import DomainError, NotFoundError, PermissionDeniedError
from psad.followup.models import Contact, Note, NoteKind, Party, TaskRule
from psad.followup.services.tasks import close_rule_tasks, ensure_rule_task
from psad.reference.models import ReferenceItem
from psad.youth.models import Case

CORRECTION_WINDOW = timedelta(hours=24)


ALREADY_CORRECTED = "Cette prise de contact a déjà été corrigée : corrigez la plus récente."
CORRECTION_REFUSED = (
    "Seul son auteur peut corriger une prise de contact, dans les 24 heures ; "
    "ensuite, demandez au pilote de la PSAD."
)


class ContactReplacedError(DomainError):
    status_code = 409


@dataclass(frozen=True)
class ContactData:
    """What a person says of one contact: at most three choices plus the comment."""

    occurred_at: datetime
    channel: ReferenceItem
    reached: bool
    outcome: ReferenceItem | None = None
    party: Party = Party.YOUTH
    comment: str | None = None


@dataclass(frozen=True)
class ContactResult:
    contact: Contact
    failed_in_a_row: int
    offer_unreachable: bool  # the PSAD's number of failed attempts is reached


def _effective(session: Session, case: Case) -> list[Contact]:
    """The case's contacts that no correction replaced, newest first."""
    newer = aliased(Contact)
    return list(
        session.scalars(
            select(Contact)
            .where(
                Contact.case_id == case.id,
                ~exists().where(newer.replaces_id == Contact.id),
            )
            .order_by(Contact.occurred_at.desc(), Contact.id.desc())
        )
    )


def youth_contact(session: Session, *, youth_id: int, contact_id: int) -> Contact:
    """A contact of one of the youth's cases (404 otherwise, like a missing one)."""
    contact = session.scalar(
        select(Contact)
        .join(Case, Contact.case_id == Case.id)
        .where(Contact.id == contact_id, Case.youth_id == youth_id)
    )
    if contact is None:
        raise NotFoundError("Cette prise de contact n'existe pas dans ce dossier.")
    return contact


def is_replaced(session: Session, contact: Contact) -> bool:
    """Whether a correction already replaced the contact (« annule et remplace »)."""
    return bool(session.scalar(select(exists().where(Contact.replaces_id == contact.id))))


def latest_contact(session: Session, case: Case) -> Contact | None:
    """The case's latest contact that no correction replaced."""
    contacts = _effective(session, case)
    return contacts[0] if contacts else None


def failed_attempts_in_a_row(session: Session, case: Case) -> int:
    count = 0
    for contact in _effective(session, case):
        if contact.reached:
            break
        count += 1
    return count


def record_contact(
    session: Session,
    *,
    case: Case,
    data: ContactData,
    by: User | None,
    actor: audit.Actor,
    now: datetime,
    call_back_on: date | None = None,
) -> ContactResult:
    """Log an attempt or an interview. Reaching the youth closes the call-backs; a failed
    attempt schedules one (``call_back_on``); N failures in a row offer « injoignable ».
    ``by`` None: no one wrote it (an automatic reminder, the youth's answer online)."""
    if not case.is_open:
        raise DomainError("Ce dossier est clos : rouvrez-le pour enregistrer un contact.")
    _not_in_future(data, now)
    contact = _contact(case, data, by, now=now)
    session.add(contact)
    session.flush()
    if data.reached:
        close_rule_tasks(session, case=case, rule=TaskRule.CALL_BACK, now=now, why="Jeune joint.")
    elif call_back_on is not None:
        ensure_rule_task(session, case=case, rule=TaskRule.CALL_BACK, due_on=call_back_on)
    audit.record(
        session,
        actor,
        AuditAction.CONTACT_RECORDED,
        object_type="youth",
        object_id=case.youth_id,
        detail=f"contact={contact.id}; joint={'oui' if data.reached else 'non'}",
    )
    failed = failed_attempts_in_a_row(session, case)
    return ContactResult(contact, failed, failed >= case.youth.psad.unreachable_after)


def _not_in_future(data: ContactData, now: datetime) -> None:
    if data.occurred_at > now + timedelta(minutes=5):
        raise DomainError("La date de la prise de contact est dans le futur.")


def _contact(
    case: Case,
    data: ContactData,
    by: User | None,
    *,
    now: datetime,
    replaces: Contact | None = None,
) -> Contact:
    return Contact(
        case=case,
        occurred_at=data.occurred_at,
        channel=data.channel,
        reached=data.reached,
        outcome=data.outcome,
        party=data.party,
        comment=(data.comment or "").strip() or None,
        author=by,
        created_at=now,
        replaces=replaces,
    )


def may_correct(contact: Contact, *, user_id: int, may_correct_any: bool, now: datetime) -> bool:
    """Its author may correct a contact for 24 hours after recording it; a pilote always."""
    return may_correct_any or (
        contact.author_id == user_id and now - contact.created_at <= CORRECTION_WINDOW
    )


def correct_contact(
    session: Session,
    *,
    original: Contact,
    data: ContactData,
    by: User,
    may_correct_any: bool,
    actor: audit.Actor,
    now: datetime,
) -> Contact:
    """« Annule et remplace »: a new contact that points to the one it replaces. Its author
    may correct it for 24 hours, a pilote afterwards; a contact is replaced once."""
    if is_replaced(session, original):
        raise ContactReplacedError(ALREADY_CORRECTED)
    if not may_correct(original, user_id=by.id, may_correct_any=may_correct_any, now=now):
        raise PermissionDeniedError(CORRECTION_REFUSED)
    _not_in_future(data, now)
    replacement = _contact(original.case, data, by, now=now, replaces=original)
    session.add(replacement)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CONTACT_CORRECTED,
        object_type="youth",
        object_id=original.case.youth_id,
        detail=f"contact={replacement.id}; remplace={original.id}",
    )
    return replacement


def add_note(
    session: Session,
    *,
    case: Case,
    kind: NoteKind,
    body: str,
    by: User,
    actor: audit.Actor,
    now: datetime | None = None,
) -> Note:
    """A dated note or diagnostic with its author (``now``: when it is written)."""
    if not body.strip():
        raise DomainError("La note est vide.")
    note = Note(case_id=case.id, kind=kind, body=body.strip(), author=by)
    if now is not None:
        note.created_at = now
    session.add(note)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.NOTE_ADDED,
        object_type="youth",
        object_id=case.youth_id,
        detail=f"note={note.id}; type={kind.value}",
    )
    return note

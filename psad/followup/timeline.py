"""A youth's timeline: what happened, newest first, read from the domain records themselves.

Listings, cases opened and closed, case events (reopening, stage, situation, referent,
needs, identity, end of the obligation de formation), contacts (a replaced one struck
through, pointing to its correction), notes, DARFI requests and interviews, obligation de
formation steps, tasks created and done. Never the audit log: it answers « who did or read
what, when », and anonymisation strips it of personal values.

Each entry has its day, its instant when one is known (shown in Paris time), what happened
and who did it. An entry known only by its day sorts at the time it was recorded when that
was the same day, else at the start of the day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from psad.clock import PARIS, local
from psad.followup.deadlines import darfi_eligibility
from psad.followup.models import (
    CaseEvent,
    CaseEventKind,
    Contact,
    DarfiRequest,
    Note,
    ObligationStepRecord,
    Task,
    TaskRule,
)
from psad.followup.services.contacts import may_correct
from psad.imports.queries import youth_listings
from psad.youth.models import Case, Youth


@dataclass(frozen=True)
class Link:
    """A pointer from one entry to another of the same timeline."""

    anchor: str
    text: str


@dataclass(frozen=True)
class When:
    on: date  # the day, in Paris
    at: datetime | None  # the instant when known (UTC), None when only the day is
    sort_at: datetime  # where the entry sorts


@dataclass(frozen=True)
class Entry:
    when: When
    kind: str  # listing, case, event, contact, note, darfi, obligation, task
    what: str
    details: tuple[str, ...] = ()
    who: str | None = None
    anchor: str | None = None  # the entry's id on the page
    struck: bool = False  # replaced by a correction (« annule et remplace »)
    replaced_by: Link | None = None
    replaces: Link | None = None
    correctable_contact_id: int | None = None  # a contact the viewer may correct
    batch_id: int | None = None  # the list, for a listing


def _timed(at: datetime) -> When:
    return When(on=local(at).date(), at=at, sort_at=at)


def _dated(on: date, recorded_at: datetime | None) -> When:
    """A day: sorted at the time it was recorded if that was the same day, else at its start."""
    if recorded_at is not None and local(recorded_at).date() == on:
        sort_at = recorded_at
    else:
        sort_at = datetime.combine(on, time(0), PARIS).astimezone(UTC)
    return When(on=on, at=None, sort_at=sort_at)


def _name(user: object | None) -> str | None:
    return getattr(user, "full_name", None)


def _details(*parts: str | None) -> tuple[str, ...]:
    return tuple(part for part in parts if part)


def _moment(at: datetime) -> str:
    return f"{local(at):%d/%m/%Y à %H:%M}"


def youth_timeline(
    session: Session, *, youth: Youth, user_id: int, may_correct_any: bool, now: datetime
) -> list[Entry]:
    """Everything that happened to the youth and their cases, newest first."""
    cases = list(youth.cases)
    case_ids = [case.id for case in cases]
    entries: list[Entry] = [*_listings(session, youth)]
    if case_ids:
        events = _case_events(session, case_ids)
        entries += _cases(cases, events)
        entries += _events(events)
        entries += _contacts(
            session, case_ids, user_id=user_id, may_correct_any=may_correct_any, now=now
        )
        entries += _notes(session, case_ids)
        entries += _darfi(session, case_ids, youth)
        entries += _obligation(session, case_ids)
        entries += _tasks(session, case_ids)
    return sorted(entries, key=lambda entry: entry.when.sort_at, reverse=True)


def _listings(session: Session, youth: Youth) -> Iterable[Entry]:
    for listing in youth_listings(session, youth.id):
        yield Entry(
            when=_timed(listing.imported_at),
            kind="listing",
            what=f"Liste SI : {listing.label}",
            details=(f"Ligne {listing.line} : {listing.outcome.label}",),
            batch_id=listing.batch_id,
        )


def _case_events(session: Session, case_ids: Sequence[int]) -> list[CaseEvent]:
    return list(
        session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id.in_(case_ids))
            .options(joinedload(CaseEvent.author))
        )
    )


def _cases(cases: Sequence[Case], events: Sequence[CaseEvent]) -> Iterable[Entry]:
    """Each case's opening (the case row says it); its closing when no event tells it."""
    closed_by_event = {event.case_id for event in events if event.kind is CaseEventKind.CLOSED}
    for case in cases:
        source = case.source.label + (f" · {case.source_detail}" if case.source_detail else "")
        yield Entry(
            when=_dated(case.opened_on, case.created_at),
            kind="case",
            what="Dossier ouvert",
            details=_details(
                f"Origine : {source}",
                f"Signalé par : {case.source_structure.name}" if case.source_structure else None,
                f"Motif du signalement : {case.reason}" if case.reason else None,
            ),
            who=_name(case.opened_by),
        )
        if case.closed_on is not None and case.id not in closed_by_event:
            yield Entry(
                when=_dated(case.closed_on, None),
                kind="case",
                what="Dossier clos",
                details=_closing(case),
            )


def _closing(case: Case) -> tuple[str, ...]:
    solution = None
    if case.solution is not None:
        since = f" depuis le {case.solution_since:%d/%m/%Y}" if case.solution_since else ""
        solution = f"Solution : {case.solution.label}{since}"
    return _details(
        f"Motif : {case.closing_reason.label}" if case.closing_reason else None,
        solution,
        case.known_to_partner.label if case.known_to_partner else None,
    )


def _events(events: Sequence[CaseEvent]) -> Iterable[Entry]:
    for event in events:
        if event.kind is CaseEventKind.OPENED:  # the case row tells the opening
            continue
        if event.kind is CaseEventKind.REOPENED:
            change = f"Motif de clôture précédent : {event.before}" if event.before else None
        elif event.before and event.after:
            change = f"{event.before} → {event.after}"
        else:
            change = event.after or event.before
        yield Entry(
            when=_timed(event.occurred_at),
            kind="event",
            what=event.kind.label,
            details=_details(change, f"Motif : {event.reason}" if event.reason else None),
            who=_name(event.author),
        )


def _contacts(
    session: Session, case_ids: Sequence[int], *, user_id: int, may_correct_any: bool, now: datetime
) -> Iterable[Entry]:
    contacts = list(
        session.scalars(
            select(Contact)
            .where(Contact.case_id.in_(case_ids))
            .options(
                joinedload(Contact.channel),
                joinedload(Contact.outcome),
                joinedload(Contact.author),
            )
        )
    )
    by_id = {contact.id: contact for contact in contacts}
    correction_of = {c.replaces_id: c for c in contacts if c.replaces_id is not None}
    for contact in contacts:
        correction = correction_of.get(contact.id)
        original = by_id.get(contact.replaces_id) if contact.replaces_id else None
        correctable = correction is None and may_correct(
            contact, user_id=user_id, may_correct_any=may_correct_any, now=now
        )
        yield Entry(
            when=_timed(contact.occurred_at),
            kind="contact",
            what=f"Prise de contact · {contact.channel.label} · "
            + ("joint" if contact.reached else "non joint"),
            details=_details(
                f"Résultat : {contact.outcome.label}" if contact.outcome else None,
                f"Avec : {contact.party.label[0].lower()}{contact.party.label[1:]}",
                contact.comment,
            ),
            who=_name(contact.author),
            anchor=f"contact-{contact.id}",
            struck=correction is not None,
            replaced_by=_link(correction, "la correction du"),
            replaces=_link(original, "la prise de contact du"),
            correctable_contact_id=contact.id if correctable else None,
        )


def _link(contact: Contact | None, text: str) -> Link | None:
    if contact is None:
        return None
    return Link(f"contact-{contact.id}", f"{text} {_moment(contact.occurred_at)}")


def _notes(session: Session, case_ids: Sequence[int]) -> Iterable[Entry]:
    notes = list(
        session.scalars(
            select(Note).where(Note.case_id.in_(case_ids)).options(joinedload(Note.author))
        )
    )
    replaced = {note.replaces_id for note in notes if note.replaces_id is not None}
    for note in notes:
        yield Entry(
            when=_timed(note.created_at),
            kind="note",
            what=note.kind.label,
            details=(note.body,),
            who=_name(note.author),
            anchor=f"note-{note.id}",
            struck=note.id in replaced,
        )


def _darfi(session: Session, case_ids: Sequence[int], youth: Youth) -> Iterable[Entry]:
    requests = session.scalars(
        select(DarfiRequest)
        .where(DarfiRequest.case_id.in_(case_ids))
        .options(joinedload(DarfiRequest.author), joinedload(DarfiRequest.interview_by))
    )
    for request in requests:
        verdict = darfi_eligibility(youth.birth_date, request.diploma, request.requested_on)
        yield Entry(
            when=_dated(request.requested_on, request.created_at),
            kind="darfi",
            what="Demande DARFI",
            details=_details(
                f"Demande venue de : {request.source.label}",
                f"Diplôme : {request.diploma.label}",
                f"Souhait : {request.wish}" if request.wish else None,
                verdict.sentence,
            ),
            who=_name(request.author),
        )
        if request.interview_on is not None:
            yield Entry(
                when=_dated(request.interview_on, None),
                kind="darfi",
                what="Entretien DARFI",
                details=_details(request.interview_outcome),
                who=_name(request.interview_by),
            )


def _obligation(session: Session, case_ids: Sequence[int]) -> Iterable[Entry]:
    records = session.scalars(
        select(ObligationStepRecord)
        .where(ObligationStepRecord.case_id.in_(case_ids))
        .options(joinedload(ObligationStepRecord.author))
    )
    for record in records:
        yield Entry(
            when=_dated(record.done_on, record.created_at),
            kind="obligation",
            what=f"Obligation de formation : {record.step.label}",
            details=_details(record.comment),
            who=_name(record.author),
        )


def _tasks(session: Session, case_ids: Sequence[int]) -> Iterable[Entry]:
    tasks = session.scalars(
        select(Task)
        .where(Task.case_id.in_(case_ids))
        .options(
            joinedload(Task.assignee_user),
            joinedload(Task.assignee_structure),
            joinedload(Task.created_by),
            joinedload(Task.done_by),
        )
    )
    for task in tasks:
        made_by_rule = task.rule is not TaskRule.MANUAL
        assignee = " · ".join(
            name
            for name in (_name(task.assignee_user), getattr(task.assignee_structure, "name", None))
            if name
        )
        yield Entry(
            when=_timed(task.created_at),
            kind="task",
            what=f"Tâche créée : {task.title}",
            details=_details(
                f"Échéance : {task.due_on:%d/%m/%Y}",
                f"Pour : {assignee}" if assignee else None,
                f"Créée automatiquement ({task.rule.label})" if made_by_rule else None,
            ),
            who=_name(task.created_by),
        )
        if task.done_at is not None:
            yield Entry(
                when=_timed(task.done_at),
                kind="task",
                what=f"Tâche faite : {task.title}",
                details=_details(task.done_comment),
                who=_name(task.done_by) or ("Automatiquement" if made_by_rule else None),
            )

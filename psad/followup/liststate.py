"""The list's copy of each youth's follow-up state, kept in step with the facts.

The work lists ask, for every youth of a PSAD, questions whose answers live in other tables
(« never contacted », « the latest contact failed », « a call-back due »). Asked on the fly,
they cost a few index probes per youth: nothing for a page of 25, seconds for the counts of
200,000. So ``Youth`` keeps their answers (``list_state``, ``call_back_due_on``,
``last_contact_at``, ``current_case_id``) and one index answers a tab's rows and counts.

The copy is never edited: ``refresh`` recomputes it in SQL from the cases, contacts and tasks
(the definitions below, written once). A flush hook refreshes the youth whose cases, contacts
or tasks the ORM wrote, so no service can forget it; code that writes those tables with Core
statements (the import, the bench's loader) calls ``refresh`` itself or sets the copy it
knows (a case just opened). ``stale`` finds the youth whose copy differs from the facts: the
tests check it after every scenario.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import (
    ColumnElement,
    bindparam,
    case,
    event,
    exists,
    func,
    inspect,
    not_,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, UOWTransaction, aliased

from psad.followup.models import Contact, DarfiRequest, Task, TaskRule
from psad.followup.queries import asked_call_back, latest_contact_is, needs_call, no_solution
from psad.youth.models import Case, CaseSource, CaseStatus, ListState, Youth

CHUNK = 500  # youth per UPDATE statement (a bound list of ids)


def _has_case() -> ColumnElement[bool]:
    return exists().where(Case.youth_id == Youth.id)


def _open_case(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(Case.youth_id == Youth.id, Case.status == CaseStatus.OPEN, *conditions)


def computed_state() -> ColumnElement[Any]:
    """``list_state`` as the facts say it (a correlated expression on ``Youth``)."""
    contact = aliased(Contact)
    return case(
        (not_(_has_case()), null()),
        (not_(_open_case()), ListState.CLOSED.value),
        (_open_case(not_(exists().where(Contact.case_id == Case.id))), ListState.TO_PROCESS.value),
        (_open_case(latest_contact_is(needs_call(contact), contact)), ListState.NEEDS_CALL.value),
        (_open_case(no_solution()), ListState.NO_SOLUTION.value),
        else_=ListState.IN_PROGRESS.value,
    )


def computed_call_back_due_on() -> Any:
    """The earliest due date of the open call-back tasks of the open case."""
    return (
        select(func.min(Task.due_on))
        .join(Case, Case.id == Task.case_id)
        .where(
            Case.youth_id == Youth.id,
            Case.status == CaseStatus.OPEN,
            Task.rule == TaskRule.CALL_BACK,
            Task.done_at.is_(None),
        )
        .scalar_subquery()
    )


def computed_current_case_id() -> Any:
    """The open case, else the latest opened."""
    return (
        select(Case.id)
        .where(Case.youth_id == Youth.id)
        .order_by(
            case((Case.status == CaseStatus.OPEN, 0), else_=1),
            Case.opened_on.desc(),
            Case.id.desc(),
        )
        .limit(1)
        .correlate(Youth)  # also when nested in another subquery
        .scalar_subquery()
    )


def computed_last_contact_at() -> Any:
    """When the current case's latest contact took place (corrections replace the contact
    they correct)."""
    correction = aliased(Contact)
    current = computed_current_case_id()
    return (
        select(func.max(Contact.occurred_at))
        .where(
            Contact.case_id == current,
            not_(exists().where(correction.replaces_id == Contact.id)),
        )
        .correlate(Youth)
        .scalar_subquery()
    )


def computed_next_task_due_on() -> Any:
    """The earliest due date of the open case's open tasks (« tâches en retard »)."""
    return (
        select(func.min(Task.due_on))
        .join(Case, Case.id == Task.case_id)
        .where(Case.youth_id == Youth.id, Case.status == CaseStatus.OPEN, Task.done_at.is_(None))
        .scalar_subquery()
    )


def computed_darfi_waiting() -> ColumnElement[bool]:
    """A DARFI request of the open case awaits its interview."""
    waiting = exists().where(DarfiRequest.case_id == Case.id, DarfiRequest.interview_on.is_(None))
    return _open_case(waiting)


def computed_call_back_asked() -> ColumnElement[bool]:
    """The open case's latest contact is the youth asking to be called back."""
    contact = aliased(Contact)
    return _open_case(latest_contact_is(asked_call_back(contact), contact))


def computed_partner_referral() -> ColumnElement[bool]:
    """The open case was opened by a partner's signalement."""
    return _open_case(Case.source == CaseSource.REFERRAL, Case.source_structure_id.is_not(None))


def _of_current_case(column: Any) -> Any:
    """A column of the current case (the open one, else the latest)."""
    return (
        select(column)
        .where(Case.id == computed_current_case_id())
        .correlate(Youth)
        .scalar_subquery()
    )


def computed_referent_user_id() -> Any:
    return _of_current_case(Case.referent_user_id)


def computed_referent_structure_id() -> Any:
    return _of_current_case(Case.referent_structure_id)


COMPUTED = {
    "list_state": computed_state,
    "call_back_due_on": computed_call_back_due_on,
    "current_case_id": computed_current_case_id,
    "last_contact_at": computed_last_contact_at,
    "next_task_due_on": computed_next_task_due_on,
    "darfi_waiting": computed_darfi_waiting,
    "call_back_asked": computed_call_back_asked,
    "partner_referral": computed_partner_referral,
    "referent_user_id": computed_referent_user_id,
    "referent_structure_id": computed_referent_structure_id,
}


def refresh(session: Session, youth_ids: Iterable[int]) -> None:
    """Recompute the list's copy for these youth (any number: one statement per chunk)."""
    ids = sorted(set(youth_ids))
    connection, statement = session.connection(), _refresh_statement()
    for start in range(0, len(ids), CHUNK):
        connection.execute(statement, {"ids": ids[start : start + CHUNK]})
    _expire_loaded(session, ids)


@cache
def _refresh_statement() -> Any:
    """The UPDATE, built once (building it costs more than running it for one youth). Core,
    not the ORM: the copy is not part of the file's version (optimistic lock)."""
    return (
        update(Youth)
        .values({name: make() for name, make in COMPUTED.items()})
        .where(Youth.id.in_(bindparam("ids", expanding=True)))
    )


def refresh_all(session: Session, psad_id: int | None = None) -> int:
    """Recompute the copy of every youth (of one PSAD): after a migration or a bulk load."""
    query = select(Youth.id)
    if psad_id is not None:
        query = query.where(Youth.psad_id == psad_id)
    ids = list(session.scalars(query))
    refresh(session, ids)
    return len(ids)


def stale(session: Session) -> list[int]:
    """The youth whose copy differs from the facts (none, unless something forgot it)."""
    differs = or_(
        *(getattr(Youth, name).is_distinct_from(make()) for name, make in COMPUTED.items())
    )
    return list(session.scalars(select(Youth.id).where(differs).order_by(Youth.id)))


def _expire_loaded(session: Session, ids: list[int]) -> None:
    """Youth already loaded in the session read their new copy on next access."""
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Youth) and instance.id in ids:
            session.expire(instance, list(COMPUTED))


# --- the flush hook ------------------------------------------------------------------------


def _before_and_after(instance: object, column: str) -> set[int]:
    """The owner an instance has, and the one it had before this flush (a case moved to
    another youth by a merge or a transfer leaves a youth to refresh too)."""
    history = inspect(instance).attrs[column].history
    owners = {getattr(instance, column), *history.deleted}
    return {owner for owner in owners if owner is not None}


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, context: UOWTransaction) -> None:
    """Refresh the youth whose cases, contacts or tasks this flush wrote."""
    youth_ids: set[int] = set()
    case_ids: set[int] = set()
    for instance in chain(session.new, session.dirty, session.deleted):
        if isinstance(instance, Case):
            youth_ids.update(_before_and_after(instance, "youth_id"))
        elif isinstance(instance, Contact | Task | DarfiRequest):
            case_ids.update(_before_and_after(instance, "case_id"))
    if case_ids:
        owners = select(Case.youth_id).where(Case.id.in_(case_ids))
        youth_ids.update(session.connection().scalars(owners))
    if youth_ids:
        refresh(session, youth_ids)

"""The questions the work lists, « Mes tâches », the file and (later) reminders, comités and
the bilan share: each written once, as a condition on ``Youth`` or a query.

Tabs are computed from each case's facts, never set by hand, and share out the youth who have
a case (each youth is in exactly one tab):
« À traiter » (open, never contacted), « À recontacter » (open, a call-back task due, or the
latest contact failed or the youth asked to be called back), « Sans solution » (open, the
latest contact reached the youth, situation « sans solution »), « En cours » (the other open
cases reached), « Clos » (no open case). A contact replaced by a correction (« annule et
remplace ») no longer counts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from psad.auth.models import Structure
from psad.followup.models import Contact, PriorityRule, Task
from psad.imports.models import ImportBatch, Listing, ListSource
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.youth.models import Case, CaseStatus, ListState, Youth

NO_SOLUTION = "no_solution"
CALL_BACK_ASKED = "call_back_asked"


class Tab(enum.StrEnum):
    TO_PROCESS = "a-traiter"
    TO_RECONTACT = "a-recontacter"
    IN_PROGRESS = "en-cours"
    NO_SOLUTION = "sans-solution"
    CLOSED = "clos"
    ALL = "tous"

    @property
    def label(self) -> str:
        return TAB_LABELS[self]

    @property
    def has_priorities(self) -> bool:
        """The « Prioritaires » block heads the first two tabs."""
        return self in (Tab.TO_PROCESS, Tab.TO_RECONTACT)


TAB_LABELS = {
    Tab.TO_PROCESS: "À traiter",
    Tab.TO_RECONTACT: "À recontacter",
    Tab.IN_PROGRESS: "En cours",
    Tab.NO_SOLUTION: "Sans solution",
    Tab.CLOSED: "Clos",
    Tab.ALL: "Tous",
}


def _open_case(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(Case.youth_id == Youth.id, Case.status == CaseStatus.OPEN, *conditions)


def effective(contact: type[Contact]) -> ColumnElement[bool]:
    """The contact was not replaced by a correction."""
    correction = aliased(Contact)
    return not_(exists().where(correction.replaces_id == contact.id))


def asked_call_back(contact: type[Contact]) -> ColumnElement[bool]:
    return exists().where(
        ReferenceItem.id == contact.outcome_id,
        ReferenceItem.kind == ReferenceKind.CONTACT_OUTCOME,
        ReferenceItem.code == CALL_BACK_ASKED,
    )


def needs_call(contact: type[Contact]) -> ColumnElement[bool]:
    """A contact after which the youth must be called again: failed, or a call-back asked."""
    return or_(contact.reached.is_(False), asked_call_back(contact))


def latest_contact_is(wanted: ColumnElement[bool], contact: type[Contact]) -> ColumnElement[bool]:
    """The case's latest effective contact (by time, then id) is ``contact`` and ``wanted``
    holds for it; ``wanted`` must be a condition on the alias ``contact``."""
    later = aliased(Contact)
    return exists().where(
        contact.case_id == Case.id,
        effective(contact),
        wanted,
        not_(
            exists().where(
                later.case_id == contact.case_id,
                effective(later),
                or_(
                    later.occurred_at > contact.occurred_at,
                    and_(later.occurred_at == contact.occurred_at, later.id > contact.id),
                ),
            )
        ),
    )


def no_solution() -> ColumnElement[bool]:
    return exists().where(
        ReferenceItem.id == Case.situation_id,
        ReferenceItem.kind == ReferenceKind.SITUATION,
        ReferenceItem.code == NO_SOLUTION,
    )


# The states a call-back falling due moves to « À recontacter ».
DUE_MOVES = [ListState.TO_PROCESS, ListState.NO_SOLUTION, ListState.IN_PROGRESS]


def tab_condition(tab: Tab, today: date) -> ColumnElement[bool]:
    """The condition on ``Youth`` of one tab: the rows and their count use the same. It reads
    the list's copy of the facts (psad.followup.liststate), so that an index answers."""
    state = Youth.list_state
    not_due = or_(Youth.call_back_due_on.is_(None), Youth.call_back_due_on > today)
    if tab is Tab.TO_PROCESS:
        return and_(state == ListState.TO_PROCESS, not_due)
    if tab is Tab.TO_RECONTACT:
        return or_(state == ListState.NEEDS_CALL, _fallen_due(today))
    if tab is Tab.NO_SOLUTION:
        return and_(state == ListState.NO_SOLUTION, not_due)
    if tab is Tab.IN_PROGRESS:
        return and_(state == ListState.IN_PROGRESS, not_due)
    if tab is Tab.CLOSED:
        return state == ListState.CLOSED
    return state.is_not(None)


def _fallen_due(today: date) -> ColumnElement[bool]:
    return and_(Youth.list_state.in_(DUE_MOVES), Youth.call_back_due_on <= today)


def tab_counts(
    session: Session,
    scope: ColumnElement[bool],
    today: date,
    *,
    join: type[Case] | None = None,
) -> dict[Tab, int]:
    """How many youth of ``scope`` (the viewer's scope, the search and the filters) each tab
    holds. One statement of six counts, each a range of the list's index (psad, state, name,
    id, call-back date): « À recontacter » is counted as its two halves, so that no count
    reads the rows. ``join`` is the alias of the youth's current case when ``scope`` reads
    it."""

    def counted(condition: ColumnElement[bool]) -> Any:
        query = select(func.count()).select_from(Youth)
        if join is not None:
            query = query.outerjoin(join, join.id == Youth.current_case_id)
        return query.where(scope, condition).scalar_subquery()

    halves = [Youth.list_state == ListState.NEEDS_CALL, _fallen_due(today)]
    tabs = [Tab.TO_PROCESS, Tab.NO_SOLUTION, Tab.IN_PROGRESS, Tab.CLOSED]
    row = session.execute(
        select(
            *(counted(tab_condition(tab, today)) for tab in tabs),
            *(counted(half) for half in halves),
        )
    ).one()
    counts = {tab: int(number) for tab, number in zip(tabs, row, strict=False)}
    counts[Tab.TO_RECONTACT] = int(row[-2]) + int(row[-1])
    counts[Tab.ALL] = sum(counts.values())
    return {tab: counts[tab] for tab in Tab}


def tab_counts_in_one_pass(
    session: Session,
    scope: ColumnElement[bool],
    today: date,
    *,
    join: type[Case] | None = None,
) -> dict[Tab, int]:
    """The same counts in one pass over the rows of ``scope``: cheaper than six ranges when a
    search or filters read each candidate row anyway."""
    tabs = [tab for tab in Tab if tab is not Tab.ALL]
    query = select(*(func.count().filter(tab_condition(tab, today)) for tab in tabs))
    query = query.select_from(Youth)
    if join is not None:
        query = query.outerjoin(join, join.id == Youth.current_case_id)
    row = session.execute(query.where(scope, Youth.list_state.is_not(None))).one()
    counts: dict[Tab, int] = {tab: int(number or 0) for tab, number in zip(tabs, row, strict=True)}
    counts[Tab.ALL] = sum(counts.values())
    return {tab: counts[tab] for tab in Tab}


def tab_of(state: ListState, call_back_due: bool) -> Tab:
    """The tab of a youth whose list state is ``state``."""
    if state is ListState.CLOSED:
        return Tab.CLOSED
    if state is ListState.NEEDS_CALL or call_back_due:
        return Tab.TO_RECONTACT
    return {
        ListState.TO_PROCESS: Tab.TO_PROCESS,
        ListState.NO_SOLUTION: Tab.NO_SOLUTION,
        ListState.IN_PROGRESS: Tab.IN_PROGRESS,
    }[state]


# --- the lists a youth appeared in ---------------------------------------------------------


def missing_from_latest_list() -> ColumnElement[bool]:
    """The youth was listed by a SIEI list of their PSAD, but not by its latest one (they
    stay, marked; youth never listed, such as those signalés, are never missing)."""
    latest = (
        select(ImportBatch.id)
        .where(ImportBatch.psad_id == Youth.psad_id, ImportBatch.source == ListSource.SIEI)
        .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
        .limit(1)
        .correlate(Youth)
        .scalar_subquery()
    )
    listed_by_siei = exists().where(
        Listing.youth_id == Youth.id,
        Listing.batch_id == ImportBatch.id,
        ImportBatch.source == ListSource.SIEI,
    )
    in_latest = exists().where(Listing.youth_id == Youth.id, Listing.batch_id == latest)
    return and_(listed_by_siei, not_(in_latest))


def missing_from_latest_list_among(session: Session, youth_ids: list[int]) -> set[int]:
    """Which of these youth (a page of a list) are missing from their PSAD's latest list."""
    if not youth_ids:
        return set()
    query = select(Youth.id).where(Youth.id.in_(youth_ids), missing_from_latest_list())
    return set(session.scalars(query))


# --- « Prioritaires » ----------------------------------------------------------------------


class Priority(enum.StrEnum):
    """Rules of the « Prioritaires » block; an administrator switches each on or off."""

    MINOR = "minor_obligation"
    DARFI_WAITING = "darfi_waiting"
    CALL_BACK_ASKED = "call_back_asked"
    PARTNER_REFERRAL = "partner_referral"

    @property
    def label(self) -> str:
        return PRIORITY_LABELS[self]


PRIORITY_LABELS = {
    Priority.MINOR: "Mineur soumis à l'obligation de formation",
    Priority.DARFI_WAITING: "Demande DARFI en attente d'entretien",
    Priority.CALL_BACK_ASKED: "Rappel demandé par le jeune",
    Priority.PARTNER_REFERRAL: "Signalé par un partenaire",
}


def priority_condition(rule: Priority, today: date) -> ColumnElement[bool]:
    """The condition on ``Youth`` of one rule (open cases only), on the list's copy."""
    if rule is Priority.MINOR:  # 16 or 17 today (L. 114-1)
        return and_(
            Youth.birth_date > years_before(today, 18),
            Youth.birth_date <= years_before(today, 16),
            Youth.list_state.in_(OPEN_STATES),
        )
    if rule is Priority.DARFI_WAITING:
        return Youth.darfi_waiting.is_(True)
    if rule is Priority.CALL_BACK_ASKED:
        return Youth.call_back_asked.is_(True)
    return Youth.partner_referral.is_(True)


OPEN_STATES = [state for state in ListState if state is not ListState.CLOSED]


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def any_priority(rules: list[Priority], today: date) -> ColumnElement[bool]:
    """At least one of ``rules`` holds (none when no rule is on)."""
    return or_(false(), *(priority_condition(rule, today) for rule in rules))


def active_priorities(session: Session) -> list[Priority]:
    """The rules switched on (every rule is on until an administrator switches it off)."""
    off = set(session.scalars(select(PriorityRule.code).where(PriorityRule.active.is_(False))))
    return [rule for rule in Priority if rule.value not in off]


def priority_badges(
    session: Session, youth_ids: list[int], rules: list[Priority], today: date
) -> dict[int, list[Priority]]:
    """For each youth of a page, the priority rules that hold (one query for every rule)."""
    badges: dict[int, list[Priority]] = {youth_id: [] for youth_id in youth_ids}
    if not youth_ids or not rules:
        return badges
    held = select(Youth.id, *(priority_condition(rule, today) for rule in rules))
    for youth_id, *holds in session.execute(held.where(Youth.id.in_(youth_ids))):
        badges[youth_id] = [rule for rule, holding in zip(rules, holds, strict=True) if holding]
    return badges


# --- tasks ---------------------------------------------------------------------------------


class TaskBucket(enum.StrEnum):
    OVERDUE = "overdue"
    TODAY = "today"
    THIS_WEEK = "this_week"
    LATER = "later"

    @property
    def label(self) -> str:
        return {
            TaskBucket.OVERDUE: "En retard",
            TaskBucket.TODAY: "Aujourd'hui",
            TaskBucket.THIS_WEEK: "Cette semaine",
            TaskBucket.LATER: "Plus tard",
        }[self]


def bucket_of(due_on: date, today: date) -> TaskBucket:
    if due_on < today:
        return TaskBucket.OVERDUE
    if due_on == today:
        return TaskBucket.TODAY
    if due_on <= today + timedelta(days=6 - today.weekday()):
        return TaskBucket.THIS_WEEK
    return TaskBucket.LATER


def open_tasks(scope: ColumnElement[bool], *conditions: ColumnElement[bool]) -> Select[Task]:
    """Open tasks of open cases, on youth of ``scope``, meeting ``conditions`` (on ``Task``
    and ``Youth``), by due date."""
    # The scope may ask about the youth's cases (a partner's): the task's own case is an
    # alias, so that the scope's subquery is not correlated to it.
    task_case = aliased(Case)
    return (
        select(Task)
        .join(task_case, Task.case_id == task_case.id)
        .join(Youth, task_case.youth_id == Youth.id)
        .where(Task.done_at.is_(None), task_case.status == CaseStatus.OPEN, scope, *conditions)
        .order_by(Task.due_on, Task.id)
    )


def my_open_tasks(
    scope: ColumnElement[bool], *, user_id: int, structure_id: int | None
) -> Select[Task]:
    """Open tasks for the user or their structure, on youth they may see, by due date."""
    mine = Task.assignee_user_id == user_id
    if structure_id is not None:
        mine = or_(mine, Task.assignee_structure_id == structure_id)
    return open_tasks(scope, mine)


def count_overdue(
    session: Session,
    scope: ColumnElement[bool],
    *,
    user_id: int,
    structure_id: int | None,
    today: date,
) -> int:
    query = my_open_tasks(scope, user_id=user_id, structure_id=structure_id).where(
        Task.due_on < today
    )
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def case_tasks(session: Session, case_id: int) -> list[Task]:
    return list(
        session.scalars(
            select(Task)
            .where(Task.case_id == case_id)
            .order_by(Task.done_at.is_not(None), Task.due_on)
        )
    )


@dataclass(frozen=True)
class Neighbours:
    """Where a file sits in the filtered list it was opened from."""

    position: int
    total: int
    previous_id: int | None
    next_id: int | None


def neighbours(session: Session, ordered: Select[Youth], youth_id: int) -> Neighbours | None:
    """Previous and next youth of the list (same filter, same sort), and « n / total »."""
    ids = list(session.scalars(ordered.with_only_columns(Youth.id)))
    if youth_id not in ids:
        return None
    index = ids.index(youth_id)
    return Neighbours(
        position=index + 1,
        total=len(ids),
        previous_id=ids[index - 1] if index > 0 else None,
        next_id=ids[index + 1] if index + 1 < len(ids) else None,
    )


def referent_structures(session: Session, psad_id: int) -> list[Structure]:
    return list(
        session.scalars(
            select(Structure)
            .where(Structure.psad_id == psad_id, Structure.active.is_(True))
            .order_by(Structure.name)
        )
    )

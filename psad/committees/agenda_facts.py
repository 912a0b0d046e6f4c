"""The facts that put a youth on a comité's agenda, each written once as a query builder:
« sans solution depuis N semaines », « injoignable », an obligation de formation step due, an
orientation refused, abandoned or without news, a DARFI request without a solution, adjourned
at the previous comité.

Each returns one row per fact about an open case of the PSAD, with what the line's detail
says; ``services.agenda`` gathers them per youth. They reuse the follow-up's conditions
(« sans solution », the list's copy of each youth's state) and the rules that made the tasks
(obligation de formation, orientation without news).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from psad.auth.models import Psad
from psad.committees.models import Decision, DecisionKind
from psad.followup.models import Contact, DarfiRequest, Task, TaskRule
from psad.followup.queries import effective, no_solution
from psad.followup.services.tasks import RULE_OF_STEP
from psad.orientations.models import TAKING_A_PLACE, Orientation, OrientationStatus, Programme
from psad.youth.models import Case, CaseStage, CaseStatus, ListState, Youth


def _open_cases(psad_id: int) -> Select[Any]:
    """The open cases of the PSAD (the columns are the caller's)."""
    return select().where(Case.psad_id == psad_id, Case.status == CaseStatus.OPEN)


def under_way() -> ColumnElement[bool]:
    """The case has an orientation under way (accepted or started): a solution."""
    return exists().where(Orientation.case_id == Case.id, Orientation.status.in_(TAKING_A_PLACE))


def without_solution(psad_id: int, *, opened_by: date) -> Select[Any]:
    """Open cases opened on ``opened_by`` or before, whose situation is « sans solution » (or
    not yet known), with no orientation under way nor solution decided: youth, opened on."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, Case.opened_on)
        .where(
            Case.opened_on <= opened_by,
            or_(Case.situation_id.is_(None), no_solution()),
            or_(Case.decided_stage.is_(None), Case.decided_stage != CaseStage.SOLUTION),
            not_(under_way()),
        )
    )


def failed_in_a_row() -> Any:
    """How many effective attempts of the case failed since the youth was last reached (a
    correlated count on ``Case``)."""
    attempt, reached = aliased(Contact), aliased(Contact)
    reached_later = exists().where(
        reached.case_id == attempt.case_id,
        reached.reached.is_(True),
        effective(reached),
        or_(
            reached.occurred_at > attempt.occurred_at,
            and_(reached.occurred_at == attempt.occurred_at, reached.id > attempt.id),
        ),
    )
    return (
        select(func.count(attempt.id))
        .where(
            attempt.case_id == Case.id,
            attempt.reached.is_(False),
            effective(attempt),
            not_(reached_later),
        )
        .correlate(Case)
        .scalar_subquery()
    )


def unreachable(psad_id: int) -> Select[Any]:
    """Open cases whose latest contact failed (the list's « À recontacter » state) after as
    many failed attempts in a row as the PSAD counts before « injoignable »: youth,
    attempts."""
    failed = failed_in_a_row()
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, failed)
        .join(Youth, Youth.id == Case.youth_id)
        .join(Psad, Psad.id == Case.psad_id)
        .where(Youth.list_state == ListState.NEEDS_CALL, failed >= Psad.unreachable_after)
    )


def obligation_due(psad_id: int, *, by: date) -> Select[Any]:
    """Open obligation de formation tasks (interview, transmission) due on ``by`` or before:
    youth, rule, due on."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, Task.rule, Task.due_on)
        .join(Task, Task.case_id == Case.id)
        .where(
            Task.rule.in_(list(RULE_OF_STEP.values())),
            Task.done_at.is_(None),
            Task.due_on <= by,
        )
        .order_by(Task.due_on, Task.id)
    )


ENDED = (OrientationStatus.REFUSED, OrientationStatus.ABANDONED)


def orientation_ended(psad_id: int, *, since: date) -> Select[Any]:
    """Open cases whose latest orientation (cancelled ones aside) was refused or abandoned on
    ``since`` or after: youth, status, dispositif, refused by, day."""
    newer = aliased(Orientation)
    later_one = exists().where(
        newer.case_id == Orientation.case_id,
        newer.status != OrientationStatus.CANCELLED,
        or_(
            newer.proposed_on > Orientation.proposed_on,
            and_(newer.proposed_on == Orientation.proposed_on, newer.id > Orientation.id),
        ),
    )
    day = func.coalesce(
        Orientation.refused_on, Orientation.ended_on, Orientation.last_news_on
    ).label("day")
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, Orientation.status, Programme.name, Orientation.refused_by, day)
        .join(Orientation, Orientation.case_id == Case.id)
        .join(Programme, Programme.id == Orientation.programme_id)
        .where(Orientation.status.in_(ENDED), not_(later_one), day >= since)
    )


def orientation_stalled(psad_id: int) -> Select[Any]:
    """Open « orientation sans nouvelles » tasks (``orientations.jobs``): youth, dispositif,
    last news."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, Programme.name, Orientation.last_news_on)
        .join(Task, Task.case_id == Case.id)
        .outerjoin(Orientation, Orientation.id == Task.fact_id)
        .outerjoin(Programme, Programme.id == Orientation.programme_id)
        .where(Task.rule == TaskRule.ORIENTATION_STALLED, Task.done_at.is_(None))
    )


def darfi_without_solution(psad_id: int) -> Select[Any]:
    """DARFI requests of open cases still waiting for their interview (the list's
    ``darfi_waiting``), or whose interview took place without an orientation under way since:
    youth, requested on, interview on."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, DarfiRequest.requested_on, DarfiRequest.interview_on)
        .join(DarfiRequest, DarfiRequest.case_id == Case.id)
        .join(Youth, Youth.id == Case.youth_id)
        .where(
            or_(
                and_(DarfiRequest.interview_on.is_(None), Youth.darfi_waiting.is_(True)),
                and_(DarfiRequest.interview_on.is_not(None), not_(under_way())),
            )
        )
        .order_by(DarfiRequest.requested_on.desc(), DarfiRequest.id.desc())  # latest first
    )


def adjourned_at(committee_id: int, psad_id: int) -> Select[Any]:
    """Youth with an open case that the meeting adjourned."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id)
        .join(Decision, Decision.youth_id == Case.youth_id)
        .where(Decision.committee_id == committee_id, Decision.kind == DecisionKind.ADJOURNED)
    )


def names_of(session: Session, youth_ids: Sequence[int]) -> dict[int, str]:
    """The folded names of these youth (the agenda's order among equals)."""
    if not youth_ids:
        return {}
    query = select(Youth.id, Youth.search_key).where(Youth.id.in_(list(youth_ids)))
    return {youth_id: key for youth_id, key in session.execute(query)}

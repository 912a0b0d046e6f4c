"""The facts the delays and the legal shares measure from and to, as subqueries of
(youth id, Paris day), each restricted to the scope's PSADs.

- ``entries``: each youth listed in the period, as the funnel counts them
  (``funnel_facts.listed``: a list imported, a signalement or a démarche spontanée; not a
  case received by transfer), once, on their first day: a youth listed twice or whose case
  was reopened counts once.
- ``contacts``: effective contacts (not replaced by a correction) of the scope's cases.
- ``interviews``: a reached contact « entretien sur place », a DARFI interview, the
  obligation de formation interview step.
- ``solutions``: a solution started (the case's solution, from its date) or an orientation
  started.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, exists, func, select, union_all

from psad.followup.models import Contact, DarfiRequest, ObligationStep, ObligationStepRecord
from psad.followup.queries import effective
from psad.orientations.models import Orientation
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reports.figures import Scope
from psad.reports.indicators.activity_sql import day_diff
from psad.reports.indicators.common import bounds, instant_in, local_date
from psad.reports.indicators.funnel_facts import listed
from psad.youth.models import Case

IN_PERSON = "in_person"  # the contact channel of an interview held on site
REFUSED = "refused"  # the contact outcome « Refus »


def in_scope_case(scope: Scope) -> ColumnElement[bool]:
    return Case.psad_id.in_(scope.psad_ids)


def contact_in_period(scope: Scope) -> ColumnElement[bool]:
    return instant_in(Contact.occurred_at, scope.period)


def entries(scope: Scope) -> Subquery:
    """(youth_id, entered_on): each youth listed in the period (as the funnel counts them,
    ``funnel_facts.listed``), once, on their first day."""
    days = listed(scope).subquery()
    return (
        select(days.c.youth_id, func.min(days.c.day).label("entered_on"))
        .group_by(days.c.youth_id)
        .subquery("entries")
    )


def _channel(code: str) -> ColumnElement[bool]:
    return exists().where(
        ReferenceItem.id == Contact.channel_id,
        ReferenceItem.kind == ReferenceKind.CONTACT_CHANNEL,
        ReferenceItem.code == code,
    )


def outcome_is(code: str) -> ColumnElement[bool]:
    return exists().where(
        ReferenceItem.id == Contact.outcome_id,
        ReferenceItem.kind == ReferenceKind.CONTACT_OUTCOME,
        ReferenceItem.code == code,
    )


def contacts(scope: Scope) -> Select[*tuple[Any, ...]]:
    """(youth_id, day) of every effective contact of the scope's cases from the period's
    first day on (the events below are measured from a day in the period: earlier ones
    never count, and leaving them out spares computing their Paris day)."""
    return (
        select(Case.youth_id.label("youth_id"), local_date(Contact.occurred_at).label("day"))
        .join(Case, Contact.case_id == Case.id)
        .where(
            in_scope_case(scope),
            Contact.occurred_at >= bounds(scope.period)[0],
            effective(Contact),
        )
    )


def interviews(scope: Scope) -> Subquery:
    """(youth_id, day) of every interview of the scope's cases from the period's first day."""
    on_site = contacts(scope).where(Contact.reached.is_(True), _channel(IN_PERSON))
    darfi = (
        select(Case.youth_id.label("youth_id"), DarfiRequest.interview_on.label("day"))
        .join(Case, DarfiRequest.case_id == Case.id)
        .where(in_scope_case(scope), DarfiRequest.interview_on >= scope.period.start)
    )
    obligation = (
        select(Case.youth_id.label("youth_id"), ObligationStepRecord.done_on.label("day"))
        .join(Case, ObligationStepRecord.case_id == Case.id)
        .where(
            in_scope_case(scope),
            ObligationStepRecord.step == ObligationStep.INTERVIEW,
            ObligationStepRecord.done_on >= scope.period.start,
        )
    )
    return union_all(on_site, darfi, obligation).subquery("interviews")


def solutions(scope: Scope) -> Subquery:
    """(youth_id, day) of every solution started in the scope's cases from the period's
    first day."""
    case_solution = select(Case.youth_id.label("youth_id"), Case.solution_since.label("day")).where(
        in_scope_case(scope),
        Case.solution_id.is_not(None),
        Case.solution_since >= scope.period.start,
    )
    started = select(
        Orientation.youth_id.label("youth_id"), Orientation.started_on.label("day")
    ).where(Orientation.psad_id.in_(scope.psad_ids), Orientation.started_on >= scope.period.start)
    return union_all(case_solution, started).subquery("solutions")


def first_after_entry(scope: Scope, events: Subquery) -> Select[*tuple[Any, ...]]:
    """(youth_id, days): for each youth listed in the period with an event on or after the
    day they were listed, the days from that day to the first such event."""
    entered = entries(scope)
    return (
        select(
            entered.c.youth_id,
            day_diff(func.min(events.c.day), entered.c.entered_on).label("days"),
        )
        .join(events, events.c.youth_id == entered.c.youth_id)
        .where(events.c.day >= entered.c.entered_on)
        .group_by(entered.c.youth_id, entered.c.entered_on)
    )

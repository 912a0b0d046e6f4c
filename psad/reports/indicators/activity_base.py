"""The facts the delays and the legal shares measure from and to, as subqueries of
(youth id, Paris day), each restricted to the scope's PSADs.

- ``entries``: each youth listed in the period, as the funnel counts them
  (``populations.listed``: a list imported, a signalement or a démarche spontanée; not a
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

from sqlalchemy import ColumnElement, Select, Subquery, func, select, union_all

from psad.followup.models import DarfiRequest, ObligationStep, ObligationStepRecord
from psad.orientations.models import Orientation
from psad.reference.models import ReferenceKind
from psad.reports.figures import Scope
from psad.reports.indicators.activity_sql import day_diff
from psad.reports.indicators.populations import Population, contacts, first_listed, item, read
from psad.youth.models import Case

IN_PERSON = "in_person"  # the contact channel of an interview held on site
REFUSED = "refused"  # the contact outcome « Refus »


def in_scope_case(scope: Scope) -> ColumnElement[bool]:
    return Case.psad_id.in_(scope.psad_ids)


def entries(scope: Scope) -> Subquery:
    """(youth_id, entered_on): each youth listed in the period (as the funnel counts them,
    ``populations.listed``), once, on their first day."""
    first = first_listed(scope)
    return select(first.c.youth_id, first.c.day.label("entered_on")).subquery("entries")


def contact_days(scope: Scope, *, interviews: bool = False) -> Select[*tuple[Any, ...]]:
    """(youth_id, day) of every effective contact of the scope's cases from the period's
    first day on (``populations.contacts``: the events below are measured from a day in the
    period, earlier ones never count); only the interviews (reached, « entretien sur
    place ») when ``interviews``."""
    rows = contacts(scope)
    query = select(rows.c.youth_id, rows.c.day)
    if interviews:
        in_person = item(ReferenceKind.CONTACT_CHANNEL, IN_PERSON)
        query = query.where(rows.c.reached.is_(True), rows.c.channel_id == in_person)
    return query


def _interviews(scope: Scope) -> Select[*tuple[Any, ...]]:
    on_site = contact_days(scope, interviews=True)
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
    return select(union_all(on_site, darfi, obligation).subquery())


# Shared by a bilan (``populations.shared``): read by the interview delay and, for each
# minor, by the share met within three months, through the table's index (without it,
# SQLite may search the union's cases by PSAD for each minor).
INTERVIEWS = Population(
    "interviews",
    _interviews,
    index=("youth_id", "day"),
    narrow=lambda table, scope: table.c.day >= scope.period.start,
)


def interviews(scope: Scope) -> Subquery:
    """(youth_id, day) of every interview of the scope's cases from the period's first day."""
    return read(INTERVIEWS, scope).subquery("interviews")


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

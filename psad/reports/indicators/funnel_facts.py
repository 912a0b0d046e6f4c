"""The facts of the funnel, one query each: the youth listed, contacted, reached, met in an
interview, offered and given a solution in a period, in the PSADs of a scope.

A fact belongs to the PSAD of the case it is recorded on (a case keeps its PSAD when its
youth is transferred: the sending PSAD keeps what it did), or of the list that listed the
youth. Each function returns a ``select`` of ``youth_id`` (and ``key``/``label`` for a
breakdown), one row per fact: psad.reports.indicators.common counts them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Subquery, case, literal, select, union_all
from sqlalchemy.orm import aliased

from psad.followup.models import DarfiRequest, ObligationStep, ObligationStepRecord
from psad.imports.models import LIST_SOURCE_LABELS, ListSource
from psad.orientations.models import (
    FAMILY_LABELS,
    Orientation,
    OrientationStatus,
    Programme,
)
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reports.figures import Scope
from psad.reports.indicators.common import Query, day_in, key_of
from psad.reports.indicators.populations import (
    CASE_SOURCES,
    contacts_in_period,
    item,
    listed,
)
from psad.youth.models import CASE_SOURCE_LABELS, Case, CaseStatus, KnownToPartner

IN_PERSON = "in_person"  # the contact channel « Entretien sur place »
SOLUTION_FOUND = "solution_found"  # the closing reason « Solution trouvée »
# Closings after which the youth's follow-up goes on elsewhere: not a « jeune découvert »
NOT_AN_END = ("transferred", "merged")

SOURCE_LABELS = {
    **{f"list:{source.value}": label for source, label in LIST_SOURCE_LABELS.items()},
    **{f"case:{source.value}": CASE_SOURCE_LABELS[source] for source in CASE_SOURCES},
}
SOURCE_ORDER = [
    *(f"list:{s.value}" for s in ListSource),
    *(f"case:{s.value}" for s in CASE_SOURCES),
]
FAMILY_KEY_LABELS = {
    f"family:{family.value}": f"Dispositif : {label}" for family, label in FAMILY_LABELS.items()
}


def _case_in(scope: Scope, case: Any = Case) -> ColumnElement[bool]:
    return case.psad_id.in_(scope.psad_ids)


# -- Listed ---------------------------------------------------------------------------


def listed_youth(scope: Scope) -> Query:
    rows = listed(scope).subquery()
    return select(rows.c.youth_id)


def listed_by_list(scope: Scope) -> Query:
    rows = listed(scope).subquery()
    return select(rows.c.youth_id, rows.c.batch.label("key"), rows.c.batch_label.label("label"))


def listed_by_source(scope: Scope) -> Query:
    rows = listed(scope).subquery()
    return select(rows.c.youth_id, rows.c.source.label("key"))


# -- Contacts -------------------------------------------------------------------------


def _contacts(scope: Scope, *, reached: bool = False) -> tuple[Query, Subquery]:
    """(youth_id, case_id) of the effective contacts of the period (not replaced by a
    correction; ``populations.contacts``), only those that reached the youth when
    ``reached``; and the contacts' rows, for more conditions."""
    rows, in_period = contacts_in_period(scope)
    query = select(rows.c.youth_id, rows.c.case_id).where(in_period)
    return (query.where(rows.c.reached.is_(True)) if reached else query), rows


def contacted(scope: Scope) -> Query:
    """An effective contact (not replaced by a correction) in the period, reached or not."""
    return _contacts(scope)[0]


def reached(scope: Scope) -> Query:
    """An effective contact in the period that reached the youth."""
    return _contacts(scope, reached=True)[0]


def interviewed(scope: Scope) -> Query:
    """An interview in the period: a reached contact « Entretien sur place », a DARFI
    interview, or the obligation de formation's « entretien » step."""
    in_person, rows = _contacts(scope, reached=True)
    on_site = in_person.with_only_columns(rows.c.youth_id).where(
        rows.c.channel_id == item(ReferenceKind.CONTACT_CHANNEL, IN_PERSON)
    )
    darfi = (
        select(Case.youth_id.label("youth_id"))
        .join(DarfiRequest, DarfiRequest.case_id == Case.id)
        .where(_case_in(scope), day_in(DarfiRequest.interview_on, scope.period))
    )
    obligation = (
        select(Case.youth_id.label("youth_id"))
        .join(ObligationStepRecord, ObligationStepRecord.case_id == Case.id)
        .where(
            _case_in(scope),
            ObligationStepRecord.step == ObligationStep.INTERVIEW,
            day_in(ObligationStepRecord.done_on, scope.period),
        )
    )
    return select(union_all(on_site, darfi, obligation).subquery())


def situation_at_contact(scope: Scope) -> Query:
    """The youth reached in the period, by the situation of the case they were reached on."""
    situation = aliased(ReferenceItem)
    query, rows = _contacts(scope, reached=True)
    columns: list[Any] = [
        rows.c.youth_id,
        key_of(situation.code).label("key"),
        situation.label.label("label"),
    ]
    return query.with_only_columns(*columns).outerjoin(
        situation, situation.id == rows.c.situation_id
    )


# -- Solutions ------------------------------------------------------------------------


def solution_proposed(scope: Scope) -> Query:
    """An orientation of the scope proposed in the period, not cancelled since."""
    return select(Orientation.youth_id.label("youth_id")).where(
        Orientation.psad_id.in_(scope.psad_ids),
        day_in(Orientation.proposed_on, scope.period),
        Orientation.status != OrientationStatus.CANCELLED,
    )


def solution_started(scope: Scope) -> Query:
    """The solutions that began in the period, with their type (``key``, ``label``): an
    orientation started in the period (its dispositif's solution type, or when the
    catalogue gives it none its family, « family:... »); a case closed in the period
    « Solution trouvée » (its solution, « solution:... »)."""
    solution = aliased(ReferenceItem)
    started = (
        select(
            Orientation.youth_id.label("youth_id"),
            case(
                (solution.code.is_not(None), literal("solution:") + solution.code),
                else_=key_of(Programme.family, "family:"),
            ).label("key"),
            solution.label.label("label"),
        )
        .join(Programme, Programme.id == Orientation.programme_id)
        .outerjoin(solution, solution.id == Programme.solution_id)
        .where(
            Orientation.psad_id.in_(scope.psad_ids),
            day_in(Orientation.started_on, scope.period),
        )
    )
    reason = aliased(ReferenceItem)
    case_solution = aliased(ReferenceItem)
    found = (
        select(
            Case.youth_id.label("youth_id"),
            key_of(case_solution.code, "solution:").label("key"),
            case_solution.label.label("label"),
        )
        .join(reason, reason.id == Case.closing_reason_id)
        .join(case_solution, case_solution.id == Case.solution_id)
        .where(
            _case_in(scope),
            Case.status == CaseStatus.CLOSED,
            day_in(Case.closed_on, scope.period),
            reason.code == SOLUTION_FOUND,
        )
    )
    return select(union_all(started, found).subquery())


# -- Closings -------------------------------------------------------------------------


def closed(scope: Scope) -> Query:
    """The cases of the scope closed in the period (and still closed: a reopened case no
    longer is), by closing reason."""
    reason = aliased(ReferenceItem)
    return (
        select(
            Case.youth_id.label("youth_id"),
            key_of(reason.code).label("key"),
            reason.label.label("label"),
        )
        .add_columns(key_of(Case.known_to_partner).label("known"))
        .outerjoin(reason, reason.id == Case.closing_reason_id)
        .where(
            _case_in(scope),
            Case.status == CaseStatus.CLOSED,
            day_in(Case.closed_on, scope.period),
        )
    )


def discovered(scope: Scope) -> Query:
    """The cases closed in the period whose youth was known to no partner before, other
    than the closings after which the follow-up goes on elsewhere (transfer, merged
    duplicate)."""
    rows = closed(scope).subquery()
    return select(rows.c.youth_id).where(
        rows.c.key.not_in(NOT_AN_END), rows.c.known == KnownToPartner.UNKNOWN.value
    )

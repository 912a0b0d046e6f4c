"""The facts of the funnel, one query each: the youth listed, contacted, reached, met in an
interview, offered and given a solution in a period, in the PSADs of a scope.

A fact belongs to the PSAD of the case it is recorded on (a case keeps its PSAD when its
youth is transferred: the sending PSAD keeps what it did), or of the list that listed the
youth. Each function returns a ``select`` of ``youth_id`` (and ``key``/``label`` for a
breakdown), one row per fact: psad.reports.indicators.common counts them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, exists, literal, not_, select, union_all
from sqlalchemy.orm import aliased

from psad.followup.models import Contact, DarfiRequest, ObligationStep, ObligationStepRecord
from psad.followup.queries import effective
from psad.imports.models import LIST_SOURCE_LABELS, ImportBatch, Listing, ListSource
from psad.orientations.models import (
    FAMILY_LABELS,
    Orientation,
    OrientationStatus,
    Programme,
)
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reports.figures import Scope
from psad.reports.indicators.common import Query, day_in, instant_in, key_of, local_date
from psad.transfers.models import Transfer, TransferState
from psad.youth.models import CASE_SOURCE_LABELS, Case, CaseSource, CaseStatus, KnownToPartner

IN_PERSON = "in_person"  # the contact channel « Entretien sur place »
SOLUTION_FOUND = "solution_found"  # the closing reason « Solution trouvée »
# Closings after which the youth's follow-up goes on elsewhere: not a « jeune découvert »
NOT_AN_END = ("transferred", "merged")
# The sources of a case that are a repérage of their own (a list's cases are its listings)
CASE_SOURCES = (CaseSource.REFERRAL, CaseSource.SPONTANEOUS)
OFF_LIST = "none"  # listed_by_list: the youth no list brought (a case opened otherwise)
OFF_LIST_LABEL = "Hors liste (signalement, démarche spontanée)"

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


def _received_by_transfer() -> ColumnElement[bool]:
    """The case a transfer opened in the receiving PSAD (opened at the transfer's acceptance,
    in its receiving PSAD, for its youth)."""
    return exists().where(
        Transfer.youth_id == Case.youth_id,
        Transfer.to_psad_id == Case.psad_id,
        Transfer.state == TransferState.ACCEPTED,
        Transfer.decided_at == Case.created_at,
    )


# -- Listed ---------------------------------------------------------------------------


def listed(scope: Scope) -> Query:
    """The youth listed in the period, one row per way: ``youth_id``; ``day`` (the Paris day
    of the list's import, or the case's opening); ``batch`` (the list's id as text, or
    ``OFF_LIST``) and ``batch_label``; ``source`` (« list:siei »..., « case:referral »...).

    Listed: on a list (an import batch of a PSAD of the scope) imported in the period; or
    with a case of the scope opened in the period by a signalement or a démarche spontanée,
    other than a case a transfer opened (the youth was listed by the sending PSAD)."""
    by_list = (
        select(
            Listing.youth_id.label("youth_id"),
            local_date(ImportBatch.imported_at).label("day"),
            key_of(ImportBatch.id).label("batch"),
            ImportBatch.label.label("batch_label"),
            key_of(ImportBatch.source, "list:").label("source"),
        )
        .join(ImportBatch, ImportBatch.id == Listing.batch_id)
        .where(
            ImportBatch.psad_id.in_(scope.psad_ids),
            instant_in(ImportBatch.imported_at, scope.period),
        )
    )
    by_case = select(
        Case.youth_id.label("youth_id"),
        Case.opened_on.label("day"),
        literal(OFF_LIST).label("batch"),
        literal(OFF_LIST_LABEL).label("batch_label"),
        key_of(Case.source, "case:").label("source"),
    ).where(
        _case_in(scope),
        day_in(Case.opened_on, scope.period),
        Case.source.in_(CASE_SOURCES),
        not_(_received_by_transfer()),
    )
    return select(union_all(by_list, by_case).subquery())


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


def _contacts(scope: Scope, *conditions: ColumnElement[bool]) -> Query:
    columns: list[Any] = [Case.youth_id.label("youth_id"), Case.id.label("case_id")]
    return (
        select(*columns)
        .join(Contact, Contact.case_id == Case.id)
        .where(
            _case_in(scope),
            instant_in(Contact.occurred_at, scope.period),
            effective(Contact),
            *conditions,
        )
    )


def contacted(scope: Scope) -> Query:
    """An effective contact (not replaced by a correction) in the period, reached or not."""
    return _contacts(scope)


def reached(scope: Scope) -> Query:
    """An effective contact in the period that reached the youth."""
    return _contacts(scope, Contact.reached.is_(True))


def interviewed(scope: Scope) -> Query:
    """An interview in the period: a reached contact « Entretien sur place », a DARFI
    interview, or the obligation de formation's « entretien » step."""
    in_person = _contacts(
        scope,
        Contact.reached.is_(True),
        exists().where(
            ReferenceItem.id == Contact.channel_id,
            ReferenceItem.kind == ReferenceKind.CONTACT_CHANNEL,
            ReferenceItem.code == IN_PERSON,
        ),
    ).with_only_columns(Case.youth_id.label("youth_id"))
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
    return select(union_all(in_person, darfi, obligation).subquery())


def situation_at_contact(scope: Scope) -> Query:
    """The youth reached in the period, by the situation of the case they were reached on."""
    situation = aliased(ReferenceItem)
    columns: list[Any] = [
        Case.youth_id.label("youth_id"),
        key_of(situation.code).label("key"),
        situation.label.label("label"),
    ]
    return (
        reached(scope)
        .outerjoin(situation, situation.id == Case.situation_id)
        .with_only_columns(*columns)
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

"""Comités (held, youth reviewed, decisions by kind) and orientations (by dispositif, by
outcome, places used per site)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, and_, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from psad.committees.models import (
    DECISION_LABELS,
    KIND_LABELS,
    Committee,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.orientations.models import (
    STATUS_LABELS,
    TAKING_A_PLACE,
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeSite,
    SitePlaces,
)
from psad.reports.figures import Computed, Indicator, Row, Scope, Theme, Unit, Value
from psad.reports.indicators.common import (
    breakdown_rows,
    count_youth,
    day_in,
    instant_in,
    youth_of,
)
from psad.schoolyear import school_year_of

# -- Comités ----------------------------------------------------------------------------------


def _held(scope: Scope) -> Any:
    """Comités of the scope's PSADs dated in the period, not cancelled, that met: their
    minutes are validated or they recorded a decision."""
    recorded = aliased(Decision)
    decided = exists().where(recorded.committee_id == Committee.id).correlate(Committee)
    return and_(
        Committee.psad_id.in_(scope.psad_ids),
        instant_in(Committee.starts_at, scope.period),
        Committee.status != CommitteeStatus.CANCELLED,
        or_(Committee.status == CommitteeStatus.VALIDATED, decided),
    )


def _committees_held(session: Session, scope: Scope) -> Computed:
    query = select(Committee.kind, func.count()).where(_held(scope)).group_by(Committee.kind)
    found = {kind.value: (None, number) for kind, number in session.execute(query)}
    return breakdown_rows(found, labels=_kind_labels(), fixed=[kind.value for kind in KIND_LABELS])


def _kind_labels() -> dict[str, str]:
    return {kind.value: label for kind, label in KIND_LABELS.items()}


def _decisions(scope: Scope) -> Select[*tuple[Any, ...]]:
    """(youth_id, key): each decision of a comité held in the period, by its kind."""
    return (
        select(Decision.youth_id.label("youth_id"), cast(Decision.kind, String).label("key"))
        .join(Committee, Decision.committee_id == Committee.id)
        .where(_held(scope))
    )


def _decisions_by_kind(session: Session, scope: Scope) -> Computed:
    rows = _decisions(scope).subquery()
    query = select(rows.c.key, func.count()).group_by(rows.c.key)
    found = {key: (None, number) for key, number in session.execute(query)}
    labels = {kind.value: label for kind, label in DECISION_LABELS.items()}
    return breakdown_rows(found, labels=labels, fixed=[kind.value for kind in DecisionKind])


def _decision_youth(scope: Scope, key: str | None) -> Select[tuple[int]]:
    rows = _decisions(scope).subquery()
    query = select(rows.c.youth_id).distinct()
    return query if key is None else query.where(rows.c.key == key)


COMMITTEES = [
    Indicator(
        code="committees_held",
        theme=Theme.COMMITTEES,
        label="Comités tenus",
        definition=(
            "Nombre de réunions de la PSAD datées dans la période, par type, qui se sont "
            "tenues : non annulées, et dont le relevé de décisions est validé ou qui ont "
            "enregistré au moins une décision. Les réunions à venir ou sans suite ne "
            "comptent pas."
        ),
        unit=Unit.COUNT,
        compute=_committees_held,
        breakdown=True,
    ),
    Indicator(
        code="youth_reviewed",
        theme=Theme.COMMITTEES,
        label="Jeunes examinés en comité",
        definition=(
            "Jeunes pour lesquels un comité tenu pendant la période (voir « Comités tenus ») "
            "a pris une décision, comptés une fois même s'ils ont été examinés par plusieurs "
            "comités. Un jeune inscrit à l'ordre du jour sans décision n'est pas compté."
        ),
        unit=Unit.YOUTH,
        compute=count_youth(_decisions),
        youth=youth_of(_decisions),
    ),
    Indicator(
        code="decisions_by_kind",
        theme=Theme.COMMITTEES,
        label="Décisions des comités par type",
        definition=(
            "Nombre de décisions prises par les comités tenus pendant la période, par type. "
            "Une décision corrigée par un amendement au relevé reste comptée une fois, avec "
            "son type : un amendement est un texte daté qui ne change pas le type enregistré."
        ),
        unit=Unit.COUNT,
        compute=_decisions_by_kind,
        youth=_decision_youth,
        breakdown=True,
    ),
]


# -- Orientations -------------------------------------------------------------------------------


def _proposed(scope: Scope) -> Any:
    return and_(
        Orientation.psad_id.in_(scope.psad_ids), day_in(Orientation.proposed_on, scope.period)
    )


def _by_programme(scope: Scope) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Orientation.youth_id.label("youth_id"),
            Programme.code.label("key"),
            Programme.name.label("label"),
        )
        .join(Programme, Orientation.programme_id == Programme.id)
        .where(_proposed(scope))
    )


def _by_outcome(scope: Scope) -> Select[*tuple[Any, ...]]:
    return select(
        Orientation.youth_id.label("youth_id"), cast(Orientation.status, String).label("key")
    ).where(_proposed(scope))


def _count_by_key(facts: Any, fixed: list[str], labels: dict[str, str] | None = None) -> Any:
    """Orientations (not youth) per key of ``facts``."""

    def compute(session: Session, scope: Scope) -> Computed:
        rows = facts(scope).subquery()
        label = func.max(rows.c.label) if "label" in rows.c else literal(None, String)
        query = select(rows.c.key, label, func.count()).group_by(rows.c.key)
        found = {key: (text, number) for key, text, number in session.execute(query)}
        return breakdown_rows(found, labels=labels, fixed=fixed)

    return compute


def _youth_by_key(facts: Any) -> Any:
    def youth(scope: Scope, key: str | None) -> Select[tuple[int]]:
        rows = facts(scope).subquery()
        query = select(rows.c.youth_id).distinct()
        return query if key is None else query.where(rows.c.key == key)

    return youth


# Orientations that held a place of their site during their school year: accepted or started,
# and those that ended after starting (completed or abandoned) held it until then.
HELD_A_PLACE = (*TAKING_A_PLACE, OrientationStatus.COMPLETED, OrientationStatus.ABANDONED)


def _place_orientations(scope: Scope) -> Select[*tuple[Any, ...]]:
    year = school_year_of(scope.period.start)
    return (
        select(
            Orientation.youth_id.label("youth_id"), cast(Orientation.site_id, String).label("key")
        )
        .join(ProgrammeSite, Orientation.site_id == ProgrammeSite.id)
        .where(
            ProgrammeSite.psad_id.in_(scope.psad_ids),
            Orientation.school_year == year,
            Orientation.status.in_(HELD_A_PLACE),
        )
    )


def _places_used(session: Session, scope: Scope) -> Computed:
    """Per site of the scope's PSADs: places used and places offered for the school year."""
    year = school_year_of(scope.period.start)
    offered = (
        select(SitePlaces.places)
        .where(SitePlaces.site_id == ProgrammeSite.id, SitePlaces.school_year == year)
        .correlate(ProgrammeSite)
        .scalar_subquery()
    )
    used = (
        select(func.count(Orientation.id))
        .where(
            Orientation.site_id == ProgrammeSite.id,
            Orientation.school_year == year,
            Orientation.status.in_(HELD_A_PLACE),
        )
        .correlate(ProgrammeSite)
        .scalar_subquery()
    )
    found = select(
        ProgrammeSite.id,
        Programme.name,
        func.coalesce(ProgrammeSite.establishment, ProgrammeSite.commune),
        offered.label("offered"),
        used.label("used"),
    ).join(Programme, ProgrammeSite.programme_id == Programme.id)
    found = found.where(ProgrammeSite.psad_id.in_(scope.psad_ids))
    rows = [
        Row(str(site_id), f"{programme} — {where}", Value(number, places))
        for site_id, programme, where, places, number in session.execute(
            found.order_by(Programme.name, ProgrammeSite.commune, ProgrammeSite.id)
        )
        if places is not None or number
    ]
    return rows


def _places_definition() -> str:
    return (
        "Pour chaque site d'un dispositif de la PSAD : nombre d'orientations qui ont occupé "
        "une place de l'année scolaire de la période (celle de son premier jour) — "
        "acceptées, commencées, ou terminées après avoir commencé — face au nombre de places "
        "déclarées pour cette année (la base ; vide quand elles ne sont pas déclarées). Une "
        "orientation proposée, refusée ou annulée n'occupe pas de place. Les sites sans "
        "places déclarées ni orientation ne figurent pas."
    )


ORIENTATIONS = [
    Indicator(
        code="orientations_by_programme",
        theme=Theme.ORIENTATIONS,
        label="Orientations proposées par dispositif",
        definition=(
            "Nombre d'orientations proposées pendant la période (à leur date de proposition) "
            "par la PSAD, par dispositif, quelle que soit leur suite. Un jeune orienté deux "
            "fois compte deux orientations."
        ),
        unit=Unit.COUNT,
        compute=_count_by_key(_by_programme, fixed=[]),
        youth=_youth_by_key(_by_programme),
        breakdown=True,
    ),
    Indicator(
        code="orientations_by_outcome",
        theme=Theme.ORIENTATIONS,
        label="Suite des orientations proposées",
        definition=(
            "Les orientations proposées pendant la période (à leur date de proposition), "
            "selon l'état atteint aujourd'hui : proposée (sans réponse), acceptée, "
            "commencée, terminée, abandonnée, refusée ou annulée."
        ),
        unit=Unit.COUNT,
        compute=_count_by_key(
            _by_outcome,
            fixed=[status.value for status in OrientationStatus],
            labels={status.value: label for status, label in STATUS_LABELS.items()},
        ),
        youth=_youth_by_key(_by_outcome),
        breakdown=True,
    ),
    Indicator(
        code="places_used",
        theme=Theme.ORIENTATIONS,
        label="Places occupées par site",
        definition=_places_definition(),
        unit=Unit.COUNT,
        compute=_places_used,
        youth=_youth_by_key(_place_orientations),
        breakdown=True,
    ),
]

"""Delays (median days from the listing to the first contact, the interview, the solution) and
the legal shares (DARFI interviews within 15 days, minors met within three months,
obligation de formation transmissions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, Subquery, and_, distinct, exists, func, literal, select
from sqlalchemy.orm import Session

from psad.followup.deadlines import (
    DARFI_INTERVIEW_DAYS,
    OBLIGATION_END_AGE,
    OBLIGATION_INTERVIEW_MONTHS,
)
from psad.followup.models import DarfiRequest, ObligationStep, ObligationStepRecord
from psad.reports.figures import Computed, Indicator, Scope, Theme, Unit, Value
from psad.reports.indicators.activity_base import (
    contact_days,
    entries,
    first_after_entry,
    in_scope_case,
    interviews,
    solutions,
)
from psad.reports.indicators.activity_sql import add_months, day_diff, median_of, share
from psad.reports.indicators.common import day_in
from psad.youth.models import Case, Youth

BASE = "base"  # the key of a share's whole base (None: the youth counted)

# -- Delays -------------------------------------------------------------------------------


def _delay(events: Callable[[Scope], Subquery]) -> tuple[Any, Any]:
    def compute(session: Session, scope: Scope) -> Computed:
        return median_of(session, first_after_entry(scope, events(scope)), "days")

    def youth(scope: Scope, key: str | None) -> Select[tuple[int]]:
        measured = first_after_entry(scope, events(scope)).subquery()
        return select(measured.c.youth_id)

    return compute, youth


def _first_contacts(scope: Scope) -> Subquery:
    return contact_days(scope).subquery("contact_days")


_contact_delay, _contact_youth = _delay(_first_contacts)
_interview_delay, _interview_youth = _delay(interviews)
_solution_delay, _solution_youth = _delay(solutions)

LISTED = (
    "Jeunes repérés pendant la période : inscrits sur une liste importée par la PSAD ou dont "
    "un dossier a été ouvert (signalement, démarche spontanée ; un dossier reçu par "
    "transfert n'est pas un repérage), comptés une fois chacun à partir de leur premier "
    "jour de repérage dans la période."
)

DELAYS = [
    Indicator(
        code="delay_first_contact",
        theme=Theme.DELAYS,
        label="Délai du repérage au premier contact",
        definition=(
            f"Médiane du nombre de jours entre le repérage et la première prise de contact "
            f"effective (réussie ou non) qui le suit. {LISTED} Les contacts annulés et "
            "remplacés par une correction ne comptent pas ; un contact postérieur à la fin "
            "de la période compte ; les jeunes encore jamais contactés sont exclus du calcul."
        ),
        unit=Unit.DAYS,
        compute=_contact_delay,
        youth=_contact_youth,
    ),
    Indicator(
        code="delay_interview",
        theme=Theme.DELAYS,
        label="Délai du repérage au premier entretien",
        definition=(
            f"Médiane du nombre de jours entre le repérage et le premier entretien qui le "
            f"suit : contact réussi « entretien sur place », entretien DARFI ou entretien de "
            f"l'obligation de formation. {LISTED} Les jeunes sans entretien sont exclus."
        ),
        unit=Unit.DAYS,
        compute=_interview_delay,
        youth=_interview_youth,
    ),
    Indicator(
        code="delay_solution",
        theme=Theme.DELAYS,
        label="Délai du repérage à la solution",
        definition=(
            f"Médiane du nombre de jours entre le repérage et le début de la première "
            f"solution qui le suit : solution enregistrée sur le dossier (à sa date de "
            f"début) ou orientation commencée. {LISTED} Les jeunes sans solution sont exclus."
        ),
        unit=Unit.DAYS,
        compute=_solution_delay,
        youth=_solution_youth,
    ),
]

# -- DARFI within 15 days -------------------------------------------------------------------


def _darfi_requests(scope: Scope) -> Select[*tuple[Any, ...]]:
    """(youth_id, in_time) of each DARFI request made in the period in the scope's cases."""
    in_time = and_(
        DarfiRequest.interview_on.is_not(None),
        day_diff(DarfiRequest.interview_on, DarfiRequest.requested_on) <= DARFI_INTERVIEW_DAYS,
    )
    return (
        select(Case.youth_id.label("youth_id"), in_time.label("in_time"))
        .join(Case, DarfiRequest.case_id == Case.id)
        .where(in_scope_case(scope), day_in(DarfiRequest.requested_on, scope.period))
    )


def _darfi_share(session: Session, scope: Scope) -> Computed:
    requests = _darfi_requests(scope).subquery()
    base, held = session.execute(
        select(func.count(), func.count().filter(requests.c.in_time))
    ).one()
    return share(held, base)


def _darfi_youth(scope: Scope, key: str | None) -> Select[tuple[int]]:
    requests = _darfi_requests(scope).subquery()
    query = select(requests.c.youth_id).distinct()
    return query if key == BASE else query.where(requests.c.in_time)


# -- Minors met within three months ---------------------------------------------------------


def _minors(scope: Scope) -> Select[*tuple[Any, ...]]:
    """(youth_id, met) of each youth under 18 on the day they were listed in the period."""
    entered = entries(scope)
    met = interviews(scope)
    deadline = add_months(entered.c.entered_on, literal(OBLIGATION_INTERVIEW_MONTHS))
    in_time = exists().where(
        met.c.youth_id == entered.c.youth_id,
        met.c.day >= entered.c.entered_on,
        met.c.day <= deadline,
    )
    # Under 18 on that day: born after the day 18 years before it.
    adult_from = add_months(entered.c.entered_on, literal(-12 * OBLIGATION_END_AGE))
    return (
        select(entered.c.youth_id, in_time.label("met"))
        .join(Youth, Youth.id == entered.c.youth_id)
        .where(Youth.birth_date > adult_from)
    )


def _minors_share(session: Session, scope: Scope) -> Computed:
    minors = _minors(scope).subquery()
    base, met = session.execute(select(func.count(), func.count().filter(minors.c.met))).one()
    return share(met, base)


def _minors_youth(scope: Scope, key: str | None) -> Select[tuple[int]]:
    minors = _minors(scope).subquery()
    query = select(minors.c.youth_id)
    return query if key == BASE else query.where(minors.c.met)


# -- Obligation de formation transmissions --------------------------------------------------


def _transmissions(scope: Scope) -> Select[*tuple[Any, ...]]:
    return (
        select(Case.youth_id.label("youth_id"), ObligationStepRecord.id.label("id"))
        .join(Case, ObligationStepRecord.case_id == Case.id)
        .where(
            in_scope_case(scope),
            ObligationStepRecord.step == ObligationStep.TRANSMISSION,
            day_in(ObligationStepRecord.done_on, scope.period),
        )
    )


def _transmissions_count(session: Session, scope: Scope) -> Computed:
    rows = _transmissions(scope).subquery()
    return Value(session.scalar(select(func.count(distinct(rows.c.id)))) or 0)


def _transmissions_youth(scope: Scope, key: str | None) -> Select[tuple[int]]:
    rows = _transmissions(scope).subquery()
    return select(rows.c.youth_id).distinct()


LEGAL = [
    Indicator(
        code="darfi_within_15_days",
        theme=Theme.LEGAL,
        label=f"Entretiens DARFI tenus dans les {DARFI_INTERVIEW_DAYS} jours",
        definition=(
            f"Part des demandes de retour en formation (DARFI) reçues pendant la période, "
            f"à leur date de demande, dont l'entretien a eu lieu au plus tard "
            f"{DARFI_INTERVIEW_DAYS} jours après (le {DARFI_INTERVIEW_DAYS}e jour compte, le "
            f"{DARFI_INTERVIEW_DAYS + 1}e non), même si c'est après la fin de la période. "
            "Une demande sans entretien enregistré compte hors délai. La base est le nombre "
            "de demandes."
        ),
        unit=Unit.PERCENT,
        compute=_darfi_share,
        youth=_darfi_youth,
    ),
    Indicator(
        code="minors_met_within_3_months",
        theme=Theme.LEGAL,
        label=f"Mineurs reçus dans les {OBLIGATION_INTERVIEW_MONTHS} mois",
        definition=(
            f"Part des jeunes de moins de {OBLIGATION_END_AGE} ans au jour de leur repérage "
            f"qui ont eu un entretien (contact réussi « entretien sur place », entretien "
            f"DARFI ou entretien de l'obligation de formation) dans les "
            f"{OBLIGATION_INTERVIEW_MONTHS} mois qui le suivent (obligation de formation, "
            f"R. 114-7). {LISTED} Les jeunes sans date de naissance sont exclus ; un jeune "
            f"qui a eu {OBLIGATION_END_AGE} ans après son repérage reste compté."
        ),
        unit=Unit.PERCENT,
        compute=_minors_share,
        youth=_minors_youth,
    ),
    Indicator(
        code="obligation_transmissions",
        theme=Theme.LEGAL,
        label="Transmissions au conseil départemental",
        definition=(
            "Nombre de transmissions au président du conseil départemental (obligation de "
            "formation, L. 114-1) enregistrées avec une date dans la période, sur les "
            "dossiers de la PSAD."
        ),
        unit=Unit.COUNT,
        compute=_transmissions_count,
        youth=_transmissions_youth,
    ),
]

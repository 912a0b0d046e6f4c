"""Moves and contacts: transfers in and out, youth whose contacts all failed, youth who
refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Select, cast, func, select

from psad.reference.models import ReferenceKind
from psad.reports.figures import Indicator, Scope, Theme, Unit
from psad.reports.indicators.activity_base import REFUSED
from psad.reports.indicators.common import count_youth, instant_in, youth_of
from psad.reports.indicators.populations import contacts_in_period, item
from psad.transfers.models import Transfer, TransferState


def _accepted(scope: Scope) -> Any:
    return (Transfer.state == TransferState.ACCEPTED) & instant_in(
        Transfer.decided_at, scope.period
    )


def _transfers_in(scope: Scope) -> Select[*tuple[Any, ...]]:
    return select(Transfer.youth_id.label("youth_id")).where(
        _accepted(scope),
        Transfer.to_psad_id.in_(scope.psad_ids),
        Transfer.from_psad_id.not_in(scope.psad_ids),
    )


def _transfers_out(scope: Scope) -> Select[*tuple[Any, ...]]:
    return select(Transfer.youth_id.label("youth_id")).where(
        _accepted(scope),
        Transfer.from_psad_id.in_(scope.psad_ids),
        Transfer.to_psad_id.not_in(scope.psad_ids),
    )


def _unanswered(scope: Scope) -> Select[*tuple[Any, ...]]:
    rows, in_period = contacts_in_period(scope)
    return (
        select(rows.c.youth_id)
        .where(in_period)
        .group_by(rows.c.youth_id)
        .having(func.max(cast(rows.c.reached, Integer)) == 0)
    )


def _refused(scope: Scope) -> Select[*tuple[Any, ...]]:
    rows, in_period = contacts_in_period(scope)
    refused = item(ReferenceKind.CONTACT_OUTCOME, REFUSED)
    return select(rows.c.youth_id).where(in_period, rows.c.outcome_id == refused)


BETWEEN = (
    "Un transfert entre deux PSAD couvertes par le même bilan (bilan consolidé) n'est compté "
    "ni en entrée ni en sortie."
)

MOVES = [
    Indicator(
        code="transfers_in",
        theme=Theme.MOVES,
        label="Jeunes reçus par transfert",
        definition=(
            "Jeunes transférés d'une autre PSAD vers la PSAD, transfert accepté pendant la "
            f"période (à sa date d'acceptation), comptés une fois. {BETWEEN}"
        ),
        unit=Unit.YOUTH,
        compute=count_youth(_transfers_in),
        youth=youth_of(_transfers_in),
    ),
    Indicator(
        code="transfers_out",
        theme=Theme.MOVES,
        label="Jeunes transférés vers une autre PSAD",
        definition=(
            "Jeunes transférés de la PSAD vers une autre PSAD, transfert accepté pendant la "
            f"période (à sa date d'acceptation), comptés une fois. {BETWEEN}"
        ),
        unit=Unit.YOUTH,
        compute=count_youth(_transfers_out),
        youth=youth_of(_transfers_out),
    ),
    Indicator(
        code="contacts_unanswered",
        theme=Theme.MOVES,
        label="Jeunes jamais joints pendant la période",
        definition=(
            "Jeunes pour qui la PSAD a enregistré au moins une prise de contact pendant la "
            "période (jusqu'au dernier jour inclus, heure de Paris) et dont aucune n'a "
            "abouti. Les contacts annulés et remplacés par une correction ne comptent pas ; "
            "un jeune joint par ailleurs dans la période n'est pas compté."
        ),
        unit=Unit.YOUTH,
        compute=count_youth(_unanswered),
        youth=youth_of(_unanswered),
    ),
    Indicator(
        code="contacts_refused",
        theme=Theme.MOVES,
        label="Jeunes ayant refusé l'accompagnement",
        definition=(
            "Jeunes dont au moins une prise de contact de la période a pour résultat "
            "« Refus », comptés une fois. Les contacts annulés et remplacés par une "
            "correction ne comptent pas."
        ),
        unit=Unit.YOUTH,
        compute=count_youth(_refused),
        youth=youth_of(_refused),
    ),
]

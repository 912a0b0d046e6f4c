"""The follow-up tests' PSAD, and one where something of every kind is due, for the
reminders' tests.

``world``, ``frozen_clock``, ``pilot_client``: those of ``tests/followup/conftest.py`` (the
PSAD LILLE, its CIO, mission locale and Lycée Baggio; Claire Martin pilote of the CIO, Karim
Benali co-pilote of the mission locale, Sophie Durand partner of the Lycée Baggio, Luc Petit
reader; « Lefèvre Éloïse », 17, followed by the Lycée Baggio, and « Martin Hugo », 20,
followed by nobody, both opened on 01/10/2026 and never contacted; TODAY is 07/12/2026).

``busy``: that world with one item of each kind due on TODAY, each for a known user (see
``Busy`` and ``EXPECTED``). ``due(session, ...)`` is what ``rules.due_items`` finds on a day,
``due_of(found, user, kind)`` the one count of a user and kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from psad.auth.models import User
from psad.committees.models import AgendaItem, Committee, CommitteeKind
from psad.config import ReminderSettings
from psad.followup import services
from psad.followup.models import Task, TaskRule
from psad.imports.models import ImportBatch, ImportOrigin, Listing, ListingOutcome, ListSource
from psad.reminders.models import ReminderKind
from psad.reminders.rules import Due, due_items
from psad.youth.models import Youth
from tests.factories import make_youth
from tests.followup.conftest import TODAY, World, frozen_clock, pilot_client, world

__all__ = ["Busy", "busy", "due", "due_of", "frozen_clock", "pilot_client", "world"]

MAX_AGE = 25  # [data] max_age


def due(
    session: Session, today: date = TODAY, *, max_age: int = MAX_AGE, **defaults: Any
) -> list[Due]:
    """What is due on ``today``, the ``[reminders]`` defaults changed by ``defaults``."""
    session.expire_all()
    return due_items(session, today, ReminderSettings(**defaults), max_age=max_age)


def due_of(found: Iterable[Due], user: User, kind: ReminderKind) -> Due | None:
    """The count of ``kind`` for ``user`` (comités: the first), None when nothing is due."""
    return next((d for d in found if d.user_id == user.id and d.kind is kind), None)


def youth(session: Session, world: World, last_name: str, **overrides: Any) -> Youth:
    """A youth of 22 with an open case opened yesterday (nothing due yet), as signalé."""
    values: dict[str, Any] = {"first_name": "Test", "birth_date": date(2004, 1, 15)}
    made = make_youth(session, world.psad, last_name=last_name, **{**values, **overrides})
    opened(made, TODAY - timedelta(days=1))
    return made


def opened(young: Youth, day: date) -> None:
    """Move the opening of the youth's open case."""
    case = young.open_case
    assert case is not None
    case.opened_on = day


def task(
    session: Session,
    world: World,
    young: Youth,
    *,
    rule: TaskRule = TaskRule.MANUAL,
    due_on: date = TODAY,
    user: User | None = None,
    structure: Any = None,
) -> Task:
    """An open task of ``rule`` on the youth's open case, for ``user`` and/or ``structure``
    (nobody when neither); flushed."""
    case = young.open_case
    assert case is not None
    return services.add_task(
        session,
        case=case,
        title=rule.label,
        due_on=due_on,
        user=user,
        structure=structure,
        by=None,
        actor=world.actor(world.pilot),
        rule=rule,
    )


def imported_list(session: Session, world: World, listed: list[Youth], at: datetime) -> ImportBatch:
    """A SIEI list imported ``at`` that listed these youth."""
    batch = ImportBatch(
        psad_id=world.psad.id,
        label=f"Liste du {at:%d/%m/%Y %H:%M}",
        source=ListSource.SIEI,
        origin=ImportOrigin.WEB,
        file_name="liste.xlsx",
        file_hash=f"{at.timestamp():064.0f}",
        file_size=1,
        imported_at=at,
    )
    session.add(batch)
    session.flush()
    for line, young in enumerate(listed, start=2):
        session.add(
            Listing(
                batch_id=batch.id,
                youth_id=young.id,
                line=line,
                outcome=ListingOutcome.CREATED,
                row_hash="0" * 40,
            )
        )
    session.flush()
    return batch


def comite(
    session: Session, world: World, starts_at: datetime, invited: list[Any], agenda: list[Youth]
) -> Committee:
    """A comité technique at ``starts_at`` (UTC), these structures invited, these youth on
    its agenda; flushed."""
    committee = Committee(
        psad=world.psad,
        kind=CommitteeKind.TECHNICAL,
        starts_at=starts_at,
        invited=invited,
        created_by_id=world.pilot.id,
    )
    session.add(committee)
    session.flush()
    for position, young in enumerate(agenda, start=1):
        session.add(
            AgendaItem(
                committee_id=committee.id, youth_id=young.id, position=position, reasons="added"
            )
        )
    session.flush()
    return committee


@dataclass
class Busy:
    """The world with something of every kind due on TODAY."""

    world: World
    listed: Youth  # on a list imported 40 days ago, never contacted, nobody's
    darfi: Youth  # a DARFI interview due in 2 days, and a comité's decision overdue, for nobody
    soon_adult: Youth  # 18 in 10 days, followed by the mission locale
    too_old: Youth  # 26 today, followed by the Lycée Baggio and Sophie Durand
    committee: Committee  # in 3 days, the CIO invited, the minor on its agenda


# Who gets what in ``busy`` (a count of 1 unless said): the pilote and co-pilote hear of what
# concerns the PSAD without a referent, the partner of her school's youth, the co-pilote of
# his structure's.
EXPECTED = {
    "pilot": {
        ReminderKind.LIST_NOT_CONTACTED,
        ReminderKind.NO_CONTACT,  # Martin Hugo
        ReminderKind.TASKS_OVERDUE,
        ReminderKind.DARFI_SOON,
        ReminderKind.DECISIONS_OVERDUE,
        ReminderKind.COMMITTEE_SOON,  # the CIO is invited
    },
    "copilot": {
        ReminderKind.LIST_NOT_CONTACTED,
        ReminderKind.NO_CONTACT,
        ReminderKind.DARFI_SOON,
        ReminderKind.DECISIONS_OVERDUE,
        ReminderKind.OBLIGATION_INTERVIEW,
        ReminderKind.MAJORITY,
        ReminderKind.ORIENTATION_STALLED,
    },
    "partner": {
        ReminderKind.NO_CONTACT,  # Lefèvre Éloïse
        ReminderKind.TASKS_TODAY,
        ReminderKind.DARFI_OVERDUE,
        ReminderKind.OBLIGATION_TRANSMISSION,
        ReminderKind.AGE_LIMIT,
    },
    "reader": set(),
}


@pytest.fixture
def busy(session: Session, world: World) -> Busy:
    listed = youth(session, world, "Liste")
    opened(listed, TODAY - timedelta(days=40))
    imported_list(session, world, [listed], datetime(2026, 10, 28, 9, tzinfo=UTC))
    task(session, world, world.adult, due_on=TODAY - timedelta(days=2), user=world.pilot)
    task(session, world, world.minor, due_on=TODAY, structure=world.school)
    darfi = youth(session, world, "Darfi")
    task(session, world, darfi, rule=TaskRule.DARFI_INTERVIEW, due_on=TODAY + timedelta(days=2))
    task(
        session,
        world,
        world.minor,
        rule=TaskRule.DARFI_INTERVIEW,
        due_on=TODAY - timedelta(days=1),
        user=world.partner,
    )
    soon_adult = youth(
        session, world, "Presque", birth_date=date(2008, 12, 17), referent_structure=world.mission
    )
    task(
        session,
        world,
        soon_adult,
        rule=TaskRule.OBLIGATION_INTERVIEW,
        due_on=TODAY,
        structure=world.mission,
    )
    task(
        session,
        world,
        soon_adult,
        rule=TaskRule.ORIENTATION_STALLED,
        due_on=TODAY - timedelta(days=3),
        structure=world.mission,
    )
    task(
        session,
        world,
        world.minor,
        rule=TaskRule.OBLIGATION_TRANSMISSION,
        due_on=TODAY + timedelta(days=7),
        user=world.partner,
    )
    task(
        session,
        world,
        darfi,
        rule=TaskRule.COMMITTEE_DECISION,
        due_on=TODAY - timedelta(days=1),
    )
    too_old = youth(
        session, world, "Ancien", birth_date=date(2000, 12, 7), referent_structure=world.school
    )
    case = too_old.open_case
    assert case is not None
    case.referent_user = world.partner
    committee = comite(
        session, world, datetime(2026, 12, 10, 13, tzinfo=UTC), [world.cio], [world.minor]
    )
    session.commit()
    return Busy(world, listed, darfi, soon_adult, too_old, committee)

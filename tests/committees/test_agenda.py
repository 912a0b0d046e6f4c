"""The agenda proposed from the state of the cases: no closed case nor another PSAD's youth,
no youth twice, the most urgent first up to the PSAD's number of lines, the audit with ids
only. Each reason, from a real situation, is in ``test_agenda_reasons.py``.

``propose``, ``on_agenda``, ``positions``, ``add_previous`` and ``recent`` are shared with the
other agenda tests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.committees.models import (
    AgendaItem,
    AgendaReason,
    Committee,
    CommitteeKind,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.committees.services import agenda
from psad.youth.models import Youth
from tests.committees.conftest import Comite, comite
from tests.factories import make_psad, make_youth
from tests.followup.conftest import TODAY, World
from tests.followup.helpers import close
from tests.followup.test_worklists import adult
from tests.helpers import events

__all__ = ["comite"]

R = AgendaReason
PREVIOUS_AT = datetime(2026, 11, 10, 13, 0, tzinfo=UTC)  # 14:00 in Paris


def propose(session: Session, comite: Comite, committee: Committee | None = None) -> int:
    """The pilote asks for the proposal on TODAY; committed."""
    world = comite.world
    added = agenda.propose_agenda(
        session,
        committee=committee or comite.committee,
        today=TODAY,
        by=world.pilot,
        actor=world.actor(world.pilot),
    )
    session.commit()
    return added.added


def on_agenda(session: Session, committee: Committee) -> dict[str, AgendaItem]:
    """The agenda's lines by youth name, read afresh."""
    session.expire_all()
    items = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.committee_id == committee.id)
        .order_by(AgendaItem.position)
    )
    return {item.youth.display_name: item for item in items}


def positions(session: Session, committee: Committee) -> list[tuple[int, str]]:
    return [(item.position, name) for name, item in on_agenda(session, committee).items()]


def add_previous(
    session: Session, world: World, *, adjourned: list[Youth], at: datetime = PREVIOUS_AT
) -> Committee:
    """A published comité before this one, that adjourned ``adjourned``."""
    previous = Committee(
        psad=world.psad,
        kind=CommitteeKind.TECHNICAL,
        starts_at=at,
        place="CIO",
        status=CommitteeStatus.PUBLISHED,
    )
    session.add(previous)
    for position, youth in enumerate(adjourned, start=1):
        item = AgendaItem(youth=youth, position=position, reasons=R.NO_SOLUTION.value)
        previous.items.append(item)
        session.flush()
        session.add(
            Decision(
                committee_id=previous.id,
                item_id=item.id,
                youth_id=youth.id,
                kind=DecisionKind.ADJOURNED,
            )
        )
    session.commit()
    return previous


def opened_weeks_ago(youth: Youth, weeks: int) -> None:
    case = youth.open_case
    assert case is not None
    case.opened_on = TODAY - timedelta(weeks=weeks)


@pytest.fixture
def recent(session: Session, comite: Comite) -> Comite:
    """The world's two youth opened three weeks ago: no reason of their own."""
    for youth in (comite.world.minor, comite.world.adult):
        opened_weeks_ago(youth, 3)
    session.commit()
    return comite


# --- which youth, in which order ----------------------------------------------------------


def test_closed_cases_and_other_psads_are_never_proposed(session, recent: Comite):
    world = recent.world
    closed = adult(session, world, "Clos")
    opened_weeks_ago(closed, 10)
    close(session, world, closed.open_case, "refused")
    make_youth(session, make_psad(session), last_name="Ailleurs")  # opened 2026-10-01
    session.commit()

    assert propose(session, recent) == 0


def test_proposing_twice_adds_only_whom_the_agenda_lacks(session, comite: Comite):
    assert propose(session, comite) == 2  # the world's two youth: nine weeks without solution
    newcomer = adult(session, comite.world, "Nouveau")
    opened_weeks_ago(newcomer, 9)
    session.commit()

    assert propose(session, comite) == 1

    assert positions(session, comite.committee) == [
        (1, "LEFÈVRE Éloïse"),
        (2, "MARTIN Hugo"),
        (3, "NOUVEAU Test"),
    ]


def test_the_proposal_is_audited_with_ids_only(session, comite: Comite):
    propose(session, comite)

    [event] = events(session, AuditAction.AGENDA_CHANGED)
    world = comite.world
    assert event.object_id == comite.committee.id
    assert f"jeunes={world.minor.id},{world.adult.id}" in (event.detail or "")
    assert "Lefèvre" not in (event.detail or "") and "Martin" not in (event.detail or "")


def test_the_proposal_keeps_the_most_urgent_up_to_the_psads_number_of_lines(
    session, comite: Comite
):
    from psad.committees.models import CommitteeRhythm

    session.get(CommitteeRhythm, comite.world.psad.id).max_proposed = 1
    add_previous(session, comite.world, adjourned=[comite.world.adult])

    proposal = agenda.propose_agenda(
        session,
        committee=comite.committee,
        today=TODAY,
        by=comite.world.pilot,
        actor=comite.world.actor(comite.world.pilot),
    )

    assert (proposal.added, proposal.left_out) == (1, 1)
    assert positions(session, comite.committee) == [(1, "MARTIN Hugo")]  # adjourned first

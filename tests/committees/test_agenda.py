"""The agenda proposed from the state of the cases: each reason from a real situation made
with the follow-up's and the orientations' services, the order of the lines, no youth twice,
the audit with ids only.

``propose``, ``on_agenda`` and ``positions`` are shared with the other agenda tests.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

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
from psad.followup import services as followup
from psad.followup.models import DarfiRequest, Task, TaskRule
from psad.orientations.jobs import ask_for_news
from psad.orientations.models import OrientationStatus, RefusedBy
from psad.reference.models import ReferenceKind
from psad.youth.models import Youth
from tests.committees.conftest import Comite, comite, make_orientation
from tests.factories import make_psad, make_youth
from tests.followup.conftest import NOW, TODAY, World, reference
from tests.followup.helpers import close
from tests.followup.test_worklists import adult, attempt, darfi_request, without_solution
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


# --- each reason, from a real situation -----------------------------------------------------


def test_a_case_without_solution_for_ten_weeks(session, recent: Comite):
    world = recent.world
    lost = adult(session, world, "Perdu")
    attempt(session, world, lost, reached=True)
    without_solution(session, world, lost)
    opened_weeks_ago(lost, 10)
    found_job = adult(session, world, "Trouve")
    opened_weeks_ago(found_job, 10)
    followup.change_situation(
        session,
        case=found_job.open_case,
        by=world.pilot,
        now=NOW,
        actor=world.actor(world.pilot),
        situation=reference(session, ReferenceKind.SITUATION, "employed"),
    )
    session.commit()

    assert propose(session, recent) == 1

    [(name, item)] = on_agenda(session, recent.committee).items()
    assert (name, item.reasons, item.detail) == (
        "PERDU Test",
        "no_solution",
        "sans solution depuis 10 semaines",
    )
    assert item.added_by_id is None  # the app proposed it


def test_an_orientation_under_way_is_a_solution(session, recent: Comite):
    offer, world = recent.offer, recent.world
    youth = adult(session, world, "Oriente")
    opened_weeks_ago(youth, 10)
    make_orientation(
        session, youth.open_case, offer.e2c, site=offer.e2c_site, status=OrientationStatus.STARTED
    )
    session.commit()

    assert propose(session, recent) == 0


def test_three_failed_attempts_in_a_row_make_the_youth_unreachable(session, recent: Comite):
    world = recent.world
    lost, nearly, reached_again = (adult(session, world, n) for n in ("Lost", "Presque", "Revu"))
    for youth in (lost, nearly, reached_again):
        opened_weeks_ago(youth, 2)
        attempt(session, world, youth, reached=False, hours_ago=30)
        attempt(session, world, youth, reached=False, hours_ago=20)
    attempt(session, world, lost, reached=False, hours_ago=10)
    attempt(session, world, reached_again, reached=True, hours_ago=15)
    attempt(session, world, reached_again, reached=False, hours_ago=10)
    session.commit()

    propose(session, recent)

    lines = on_agenda(session, recent.committee)
    assert list(lines) == ["LOST Test"]
    assert (lines["LOST Test"].reasons, lines["LOST Test"].detail) == (
        "unreachable",
        "3 tentatives sans réponse",
    )


def test_a_minors_obligation_step_due_by_the_meeting(session, recent: Comite):
    world = recent.world
    due = make_youth(
        session, world.psad, last_name="Mineur", first_name="Dû", birth_date=date(2009, 6, 1)
    )
    later = make_youth(
        session, world.psad, last_name="Mineur", first_name="Tard", birth_date=date(2009, 6, 1)
    )
    due.open_case.opened_on = date(2026, 8, 1)  # interview due on 1 November
    later.open_case.opened_on = date(2026, 11, 2)  # interview due on 2 February
    for youth in (due, later):
        followup.sync_obligation_tasks(session, case=youth.open_case, today=TODAY, now=NOW)
    session.commit()
    assert (
        len(session.scalars(select(Task).where(Task.rule == TaskRule.OBLIGATION_INTERVIEW)).all())
        == 2
    )

    propose(session, recent)

    line = on_agenda(session, recent.committee)["MINEUR Dû"]
    assert R.OBLIGATION_DUE in line.reason_list
    assert "obligation de formation : entretien dû le 01/11/2026" in (line.detail or "")
    assert "MINEUR Tard" not in on_agenda(session, recent.committee)


def test_an_orientation_refused_since_the_last_months(session, recent: Comite):
    offer, world = recent.offer, recent.world
    refused, older = adult(session, world, "Refus"), adult(session, world, "Ancien")
    for youth, day in ((refused, date(2026, 12, 2)), (older, date(2026, 8, 1))):
        opened_weeks_ago(youth, 2)
        orientation = make_orientation(
            session,
            youth.open_case,
            offer.e2c,
            site=offer.e2c_site,
            status=OrientationStatus.REFUSED,
            on=day,
        )
        orientation.refused_on, orientation.refused_by = day, RefusedBy.YOUTH
    session.commit()

    propose(session, recent)

    lines = on_agenda(session, recent.committee)
    assert list(lines) == ["REFUS Test"]
    assert lines["REFUS Test"].detail == (
        "orientation « École de la deuxième chance (E2C) » refusée par le jeune le 02/12/2026"
    )
    assert lines["REFUS Test"].reason_list == [R.ORIENTATION_REFUSED]


def test_an_orientation_abandoned_since_the_previous_comite(session, recent: Comite):
    offer, world = recent.offer, recent.world
    add_previous(session, world, adjourned=[])
    after, before = adult(session, world, "Apres"), adult(session, world, "Avant")
    for youth, day in ((after, date(2026, 11, 20)), (before, date(2026, 11, 5))):
        opened_weeks_ago(youth, 2)
        orientation = make_orientation(
            session,
            youth.open_case,
            offer.micro_lycee,
            site=offer.micro_site,
            status=OrientationStatus.ABANDONED,
            on=day,
        )
        orientation.ended_on = day
    session.commit()

    propose(session, recent)

    lines = on_agenda(session, recent.committee)
    assert list(lines) == ["APRES Test"]
    assert lines["APRES Test"].reason_list == [R.ORIENTATION_ENDED]
    assert "abandonnée le 20/11/2026" in (lines["APRES Test"].detail or "")


def test_a_refusal_followed_by_a_new_orientation_is_not_proposed(session, recent: Comite):
    offer, world = recent.offer, recent.world
    youth = adult(session, world, "Relance")
    opened_weeks_ago(youth, 2)
    make_orientation(
        session, youth.open_case, offer.e2c, status=OrientationStatus.REFUSED, on=date(2026, 12, 1)
    )
    make_orientation(session, youth.open_case, offer.micro_lycee, on=date(2026, 12, 3))
    session.commit()

    assert propose(session, recent) == 0


def test_an_orientation_without_news(session, recent: Comite):
    offer, world = recent.offer, recent.world
    youth = adult(session, world, "Silence")
    orientation = make_orientation(
        session,
        youth.open_case,
        offer.e2c,
        site=offer.e2c_site,
        status=OrientationStatus.STARTED,
        on=date(2026, 9, 1),
    )
    ask_for_news(session, orientation, TODAY)
    session.commit()

    propose(session, recent)

    line = on_agenda(session, recent.committee)["SILENCE Test"]
    assert line.reason_list == [R.ORIENTATION_STALLED]
    assert line.detail == (
        "orientation « École de la deuxième chance (E2C) » sans nouvelles depuis le 01/09/2026"
    )


def test_darfi_requests_waiting_or_without_solution(session, recent: Comite):
    offer, world = recent.offer, recent.world
    waiting, heard, oriented = (adult(session, world, n) for n in ("Attente", "Entendu", "Parti"))
    for youth in (waiting, heard, oriented):
        opened_weeks_ago(youth, 2)
        darfi_request(session, world, youth)
    for youth in (heard, oriented):
        request = session.scalars(
            select(DarfiRequest).where(DarfiRequest.case_id == youth.open_case.id)
        ).one()
        followup.record_darfi_interview(
            session,
            case=youth.open_case,
            request=request,
            held_on=TODAY - timedelta(days=1),
            outcome=None,
            by=world.pilot,
            today=TODAY,
            now=NOW,
            actor=world.actor(world.pilot),
        )
    make_orientation(session, oriented.open_case, offer.e2c, status=OrientationStatus.ACCEPTED)
    session.commit()

    propose(session, recent)

    lines = on_agenda(session, recent.committee)
    assert sorted(lines) == ["ATTENTE Test", "ENTENDU Test"]
    assert lines["ATTENTE Test"].detail == "demande DARFI du 04/12/2026 en attente d'entretien"
    assert lines["ENTENDU Test"].detail == (
        "demande DARFI du 04/12/2026, entretien tenu le 06/12/2026, toujours sans solution"
    )
    assert lines["ENTENDU Test"].reason_list == [R.DARFI_WITHOUT_SOLUTION]


def test_youth_adjourned_at_the_previous_comite_come_first(session, recent: Comite):
    world = recent.world
    older = add_previous(
        session, world, adjourned=[world.minor], at=datetime(2026, 10, 13, 12, 0, tzinfo=UTC)
    )
    add_previous(session, world, adjourned=[world.adult])
    many = adult(session, world, "Aaron")  # two reasons, and first by name
    opened_weeks_ago(many, 10)
    for hours in (30, 20, 10):
        attempt(session, world, many, reached=False, hours_ago=hours)
    one = adult(session, world, "Abel")
    opened_weeks_ago(one, 10)
    session.commit()

    propose(session, recent)

    assert positions(session, recent.committee) == [
        (1, "MARTIN Hugo"),
        (2, "AARON Test"),
        (3, "ABEL Test"),
    ]
    line = on_agenda(session, recent.committee)["MARTIN Hugo"]
    assert (line.reasons, line.detail) == ("adjourned", "ajourné au comité du 10/11/2026")
    assert older.id  # adjourned at an older comité: not again (the minor is not there)


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

"""Each reason the app puts a youth on the agenda for, from a real situation made with the
follow-up's and the orientations' services: without a solution for N weeks (an orientation
under way is a solution), unreachable, an obligation de formation step due, an orientation
refused, abandoned or without news, a DARFI request without a solution, adjourned at the
previous comité (of the same kind)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from psad.committees.models import (
    AgendaReason,
    Committee,
    CommitteeKind,
    CommitteeStatus,
    DecisionKind,
)
from psad.followup import services as followup
from psad.followup.models import DarfiRequest, Task, TaskRule
from psad.orientations.jobs import ask_for_news
from psad.orientations.models import OrientationStatus, RefusedBy
from psad.reference.models import ReferenceKind
from tests.committees.conftest import Comite, comite, make_orientation
from tests.committees.test_agenda import (
    add_previous,
    on_agenda,
    opened_weeks_ago,
    positions,
    propose,
    recent,
)
from tests.committees.test_decisions import decide, publish
from tests.factories import make_youth
from tests.followup.conftest import NOW, TODAY, reference
from tests.followup.test_worklists import adult, attempt, darfi_request, without_solution

__all__ = ["comite", "recent"]

R = AgendaReason
NEXT_AT = datetime(2027, 1, 12, 13, 0, tzinfo=UTC)  # 14:00 in Paris


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


def test_a_youth_adjourned_in_the_meeting_is_proposed_again_at_the_next_comite(
    session, recent: Comite
):
    """Through the services: the decision recorded in the meeting, then the next comité's
    proposal."""
    world = recent.world
    [item] = publish(session, recent, world.adult)
    decide(session, recent, item, DecisionKind.ADJOURNED, comment="Attendre le bilan.")
    session.commit()
    following = Committee(psad=world.psad, starts_at=NEXT_AT, place="CIO")
    session.add(following)
    session.commit()

    propose(session, recent, following)

    line = on_agenda(session, following)["MARTIN Hugo"]
    assert line.reason_list == [R.ADJOURNED]
    assert line.detail == "ajourné au comité du 08/12/2026"


def test_a_comite_de_pilotage_in_between_does_not_hide_the_adjourned(session, recent: Comite):
    world = recent.world
    add_previous(session, world, adjourned=[world.adult])
    steering = Committee(
        psad=world.psad,
        kind=CommitteeKind.STEERING,
        starts_at=datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
        place="Préfecture",
        status=CommitteeStatus.PUBLISHED,
    )
    session.add(steering)
    session.commit()

    propose(session, recent)

    assert positions(session, recent.committee) == [(1, "MARTIN Hugo")]
    line = on_agenda(session, recent.committee)["MARTIN Hugo"]
    assert line.detail == "ajourné au comité du 10/11/2026"

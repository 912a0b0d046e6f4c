"""The daily job: a started orientation without news for the PSAD's weeks gets one task for
the case's referent, once; news closes it. On committed data (the job has its own session)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from psad import clock
from psad.followup.models import Task, TaskRule
from psad.orientations import services
from psad.orientations.jobs import flag_stalled_orientations, stalled_orientations
from psad.orientations.models import OrientationStatus
from psad.youth.models import CaseStatus
from tests.followup.conftest import TODAY
from tests.orientations.conftest import make_orientation

SIX_WEEKS_AGO = TODAY - timedelta(weeks=6)


def run_on(app, monkeypatch, day: date) -> int:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: day)
    monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 1, tzinfo=UTC))
    return flag_stalled_orientations(app)


def stalled_tasks(session) -> list[Task]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(select(Task).where(Task.rule == TaskRule.ORIENTATION_STALLED)))


def started(session, offer, *, on=SIX_WEEKS_AGO, case=None):  # type: ignore[no-untyped-def]
    orientation = make_orientation(
        session,
        case or offer.world.minor_case,
        offer.e2c,
        site=offer.e2c_site,
        status=OrientationStatus.STARTED,
        on=on,
    )
    session.commit()
    return orientation


def give_news(session, offer, orientation) -> None:  # type: ignore[no-untyped-def]
    world = offer.world
    services.record_news(
        session,
        orientation=orientation,
        on=TODAY,
        by=world.pilot,
        actor=world.actor(world.pilot),
        comment="Tout va bien.",
        today=TODAY,
        now=datetime(2026, 12, 7, 10, tzinfo=UTC),
    )
    session.commit()


def test_six_weeks_without_news_make_a_task_for_the_referent(app, session, offer, monkeypatch):
    orientation = started(session, offer)

    made = run_on(app, monkeypatch, TODAY)

    [task] = stalled_tasks(session)
    assert made == 1
    assert task.title == (
        "Prendre des nouvelles de l'orientation : École de la deuxième chance (E2C)"
    )
    assert (task.due_on, task.fact_id, task.case_id) == (
        TODAY,
        orientation.id,
        offer.world.minor_case.id,
    )
    assert task.assignee_structure_id == offer.world.school.id  # the case's referent structure


def test_the_task_is_made_once(app, session, offer, monkeypatch):
    started(session, offer)

    run_on(app, monkeypatch, TODAY)
    again = run_on(app, monkeypatch, TODAY + timedelta(days=1))

    assert again == 0
    assert len(stalled_tasks(session)) == 1


def test_news_closes_the_task_and_starts_the_weeks_again(app, session, offer, monkeypatch):
    orientation = started(session, offer)
    run_on(app, monkeypatch, TODAY)

    give_news(session, offer, orientation)
    later = run_on(app, monkeypatch, TODAY + timedelta(weeks=1))

    [task] = stalled_tasks(session)
    assert task.is_done and task.done_comment == "Nouvelles de l'orientation enregistrées."
    assert later == 0


def test_a_task_done_by_hand_is_not_made_again_the_next_night(app, session, offer, monkeypatch):
    started(session, offer)
    run_on(app, monkeypatch, TODAY)
    [task] = stalled_tasks(session)
    task.done_at = datetime(2026, 12, 7, 15, tzinfo=UTC)  # done without news recorded
    session.commit()

    again = run_on(app, monkeypatch, TODAY + timedelta(days=1))

    assert again == 0
    assert len(stalled_tasks(session)) == 1


def test_a_new_silence_after_news_makes_a_new_task(app, session, offer, monkeypatch):
    orientation = started(session, offer)
    run_on(app, monkeypatch, TODAY)
    give_news(session, offer, orientation)

    later = run_on(app, monkeypatch, TODAY + timedelta(weeks=6))

    assert later == 1
    assert [task.is_done for task in stalled_tasks(session)] == [True, False]


def test_five_weeks_are_not_enough(app, session, offer, monkeypatch):
    started(session, offer, on=TODAY - timedelta(weeks=5))

    assert run_on(app, monkeypatch, TODAY) == 0


def test_the_weeks_are_the_psads(session, offer):
    orientation = started(session, offer, on=TODAY - timedelta(weeks=3))
    offer.world.psad.orientation_stalled_weeks = 2

    assert stalled_orientations(session, TODAY) == [orientation]


def test_only_started_orientations_of_open_cases_are_asked_about(session, offer):
    make_orientation(session, offer.world.minor_case, offer.e2c, on=SIX_WEEKS_AGO)  # proposed
    started(session, offer, case=offer.world.adult_case)
    offer.world.adult_case.status = CaseStatus.CLOSED
    offer.world.adult_case.closed_on = TODAY

    assert stalled_orientations(session, TODAY) == []

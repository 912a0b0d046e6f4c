"""The daily job: obligation de formation tasks made when due and closed at 18, on data that
is committed (the job works in its own session, as the scheduler runs it)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from psad import clock
from psad.followup.jobs import sync_obligations
from psad.followup.models import CaseEvent, CaseEventKind, Task, TaskRule
from psad.scheduler import configure
from psad.youth.models import CaseStatus

BIRTHDAY_18 = date(2027, 3, 14)  # Lefèvre Éloïse


def run_on(app, monkeypatch, day: date) -> int:
    monkeypatch.setattr(clock, "today", lambda: day)
    monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 1, tzinfo=UTC))
    return sync_obligations(app)


def tasks(session, rule=TaskRule.OBLIGATION_INTERVIEW) -> list[Task]:
    session.expire_all()
    return list(session.scalars(select(Task).where(Task.rule == rule)))


def test_the_job_makes_the_interview_task_of_minors_only(app, session, world, monkeypatch):
    looked_at = run_on(app, monkeypatch, date(2026, 12, 7))

    [task] = tasks(session)
    assert looked_at == 1
    assert task.case_id == world.minor_case.id and task.due_on == date(2027, 1, 1)


def test_the_job_makes_a_task_once(app, session, world, monkeypatch):
    run_on(app, monkeypatch, date(2026, 12, 7))
    run_on(app, monkeypatch, date(2026, 12, 8))

    assert len(tasks(session)) == 1


def test_at_18_the_job_closes_pending_tasks_with_a_history_entry(app, session, world, monkeypatch):
    run_on(app, monkeypatch, date(2026, 12, 7))

    looked_at = run_on(app, monkeypatch, BIRTHDAY_18)

    [task] = tasks(session)
    assert looked_at == 1  # of age, but a task was still open
    assert task.is_done and task.done_comment == "Le jeune a 18 ans."
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == world.minor_case.id))
    assert [e.kind for e in events] == [CaseEventKind.TRAINING_OBLIGATION_ENDED]


def test_after_18_the_case_is_left_alone(app, session, world, monkeypatch):
    run_on(app, monkeypatch, date(2026, 12, 7))
    run_on(app, monkeypatch, BIRTHDAY_18)

    assert run_on(app, monkeypatch, date(2027, 3, 15)) == 0


def test_the_job_skips_closed_cases(app, session, world, monkeypatch):
    world.minor_case.status = CaseStatus.CLOSED
    session.commit()

    looked_at = run_on(app, monkeypatch, date(2026, 12, 7))

    assert looked_at == 0 and tasks(session) == []


def test_the_scheduler_runs_the_job_every_night(app):
    scheduler = BackgroundScheduler(timezone=clock.PARIS)

    configure(app, scheduler)

    job = scheduler.get_job("of")
    assert job is not None and str(job.trigger) == "cron[hour='2']"

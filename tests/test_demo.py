"""The demo PSAD is alive: every part of the follow-up can be tried on it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from psad.demo import load_demo
from psad.followup.models import CaseEvent, Contact, DarfiRequest, Note, ObligationStepRecord, Task
from psad.youth.models import Case, CaseStatus

TODAY = date(2026, 12, 7)


def test_the_demo_fills_contacts_tasks_darfi_obligation_and_closings(session):
    assert load_demo(session, today=TODAY, youth_count=120)

    def number(*where) -> int:  # type: ignore[no-untyped-def]
        return session.scalar(select(func.count()).where(*where)) or 0

    assert number(Contact.reached.is_(True)) > 10
    assert number(Contact.reached.is_(False)) > 10
    assert number(Task.done_at.is_(None), Task.due_on < TODAY) > 0  # late tasks to see
    assert number(Task.done_at.is_not(None)) > 0
    assert number(DarfiRequest.interview_on.is_(None)) > 0
    assert number(DarfiRequest.interview_on.is_not(None)) > 0
    assert number(ObligationStepRecord.id.is_not(None)) > 0
    assert number(Note.id.is_not(None)) > 0
    assert number(CaseEvent.id.is_not(None)) > 0
    closed = session.scalars(select(Case).where(Case.status == CaseStatus.CLOSED)).all()
    assert closed and all(case.closing_reason is not None for case in closed)
    never_contacted = number(Case.status == CaseStatus.OPEN, ~Case.id.in_(select(Contact.case_id)))
    assert never_contacted > 0  # « À traiter » is not empty


def test_the_demo_is_created_once(session):
    assert load_demo(session, today=TODAY, youth_count=10)

    assert not load_demo(session, today=TODAY, youth_count=10)


def test_the_demo_has_an_offer_and_orientations_in_every_state(session):
    from psad.orientations.models import (
        Orientation,
        OrientationStatus,
        Programme,
        ProgrammeSite,
        SitePlaces,
        VacantPlace,
    )
    from psad.reference.models import Commune

    assert load_demo(session, today=TODAY, youth_count=120)

    def number(*where) -> int:  # type: ignore[no-untyped-def]
        return session.scalar(select(func.count()).where(*where)) or 0

    assert number(Programme.code == "SAS_LNC") == 1
    assert number(ProgrammeSite.active.is_(True)) >= 8
    assert number(SitePlaces.places > 0) >= 16  # this school year and the next
    states = set(session.scalars(select(Orientation.status).distinct()))
    assert states == set(OrientationStatus)
    assert number(VacantPlace.available_until >= TODAY) >= 4
    assert number(VacantPlace.available_until < TODAY) >= 1  # gone from the matches
    assert number(Commune.latitude.is_not(None)) > 50
    stalled = number(Task.rule == "orientation_stalled", Task.done_at.is_(None))
    assert stalled == 1  # a started orientation without news for eight weeks


def test_the_demo_has_past_comites_with_minutes_and_a_next_one_proposed(session):
    from psad.committees.models import Committee, CommitteeStatus, Decision

    assert load_demo(session, today=TODAY, youth_count=120)

    committees = session.scalars(select(Committee).order_by(Committee.starts_at)).all()
    assert [c.status for c in committees] == [
        CommitteeStatus.VALIDATED,
        CommitteeStatus.VALIDATED,
        CommitteeStatus.DRAFT,
    ]
    assert all(c.attendances for c in committees[:2])
    assert committees[2].items  # the agenda the app proposes for the next comité
    decided = session.scalar(select(func.count()).select_from(Decision))
    assert decided == 12
    overdue = select(func.count()).where(
        Task.rule == "committee_decision", Task.done_at.is_(None), Task.due_on < TODAY
    )
    assert (session.scalar(overdue) or 0) >= 1


def test_the_demo_has_reminders_read_and_unread(app, session):
    from psad import demo_reminders
    from psad.auth.models import DigestFrequency, Psad, User
    from psad.demo import DEMO_USERS
    from psad.reminders.jobs import links_of, path_for
    from psad.reminders.models import Notification, ReminderKind, ReminderRules

    assert load_demo(session, today=TODAY, youth_count=120)
    session.commit()
    psad = session.scalars(select(Psad).where(Psad.code == "DEMO")).one()
    pilot, copilot, partner = (
        session.scalars(select(User).where(User.email == DEMO_USERS[i][0])).one() for i in range(3)
    )

    with links_of(app):
        report = demo_reminders.populate(
            session,
            psad=psad,
            partner=partner,
            settings=app.extensions["psad_settings"],
            today=TODAY,
            link_for=path_for,
        )

    def told(user: User, **where: object) -> list[Notification]:
        return list(session.scalars(select(Notification).filter_by(user_id=user.id, **where)))

    assert report.notifications > 0
    for user in (pilot, copilot):
        today = told(user, day=TODAY)
        assert today and all(n.read_at is None for n in today)
        assert all(n.read_at is not None for n in told(user, day=date(2026, 12, 6)))
        assert all(n.link.startswith("/") for n in today)
    assert told(pilot, kind=ReminderKind.LIST_NOT_CONTACTED, day=TODAY)
    assert partner.digest_frequency is DigestFrequency.WEEKLY
    rules = session.get(ReminderRules, psad.id)
    assert rules is not None and rules.no_contact_days == 40

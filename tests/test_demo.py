"""The demo PSAD is alive: every part of the follow-up can be tried on it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from psad.clock import PARIS
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

    this_year = Committee.starts_at >= datetime(2026, 9, 1, tzinfo=PARIS)  # not last year's
    committees = session.scalars(
        select(Committee).where(this_year).order_by(Committee.starts_at)
    ).all()
    assert [c.status for c in committees] == [
        CommitteeStatus.VALIDATED,
        CommitteeStatus.VALIDATED,
        CommitteeStatus.DRAFT,
    ]
    assert all(c.attendances for c in committees[:2])
    assert committees[2].items  # the agenda the app proposes for the next comité
    decided = session.scalar(
        select(func.count()).select_from(Decision).join(Committee).where(this_year)
    )
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


def test_the_demo_has_a_previous_school_year_for_the_bilan_to_compare(session):
    from psad.auth.models import Psad
    from psad.reports.bilan import compute_bilan
    from psad.reports.figures import Period, Value
    from psad.reports.indicators.common import total

    assert load_demo(session, today=TODAY, youth_count=120, previous_year=True)
    psad = session.scalars(select(Psad).where(Psad.code == "DEMO")).one()

    bilan = compute_bilan(
        session, [psad.id], Period.school_year_of(TODAY), produced_at=datetime(2026, 12, 7, 9, 0)
    )

    assert bilan.previous.period == Period(date(2025, 9, 1), date(2026, 8, 31))

    def before(code: str) -> float:
        previous = bilan.results[code].previous
        if isinstance(previous, Value):
            return previous.number or 0
        return total(previous)

    funnel = ["listed", "contacted", "reached", "interviewed", "solution_proposed"]
    delays = ["delay_first_contact", "delay_interview", "delay_solution"]
    legal = ["darfi_within_15_days", "minors_met_within_3_months", "obligation_transmissions"]
    held = ["committees_held", "youth_reviewed", "decisions_by_kind"]
    oriented = ["orientations_by_programme", "orientations_by_outcome", "places_used"]
    moves = ["transfers_in", "transfers_out", "contacts_unanswered", "contacts_refused"]
    for code in [*funnel, "solution_started", "closing_reasons", "discovered", *delays]:
        assert before(code) > 0, code
    for code in [*legal, *held, *oriented, *moves]:
        assert before(code) > 0, code
    assert 0 < before("darfi_within_15_days") < 100  # interviews within 15 days and later
    sources = {row.key for row in bilan.results["listed_by_source"].previous if row.value.number}
    assert {"list:siei", "list:school", "case:referral", "case:spontaneous"} <= sources

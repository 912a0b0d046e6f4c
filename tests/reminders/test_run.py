"""The daily run: each person told once a day, in the app and by one e-mail, read back from a
real SMTP server on loopback.

The world (``tests.followup.conftest``) on Monday 7 December 2026: the partner of the Lycée
Baggio has a task three days late on Éloïse Lefèvre's case, the pilote a task due today on
Hugo Martin's; both cases have had no contact for more than 45 days, so the pilote and the
co-pilote (Hugo's case has no referent) and the partner (Éloïse's) are told about them.
The reader is told nothing.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.auth.models import DigestFrequency, Membership, Role, User
from psad.committees.models import Committee, CommitteeKind
from psad.config import MailSettings, Settings
from psad.followup.services.tasks import add_task
from psad.outbox.delivery import deliver_due
from psad.outbox.models import OutboxMessage, OutboxState
from psad.reminders.jobs import links_of, path_for
from psad.reminders.models import Notification, ReminderKind, ReminderRules
from psad.reminders.run import RunReport, run_reminders
from tests.factories import make_psad, make_youth
from tests.followup.conftest import NOW, TODAY, World, world
from tests.helpers import count, events
from tests.mailserver import LoopbackSmtp, ReceivedMail, mail_settings, smtp_server

__all__ = ["smtp_server", "world"]

BASE_URL = "https://psad.example.org"
TUESDAY = TODAY + timedelta(days=1)
assert TODAY.weekday() == 0, "TODAY is a Monday"


# --- helpers the other test modules share -------------------------------------------------


def with_mail(settings: Settings, server: LoopbackSmtp | None, base_url: str | None = BASE_URL):
    """The suite's settings, e-mail going to ``server`` (None: e-mail off), ``base_url``."""
    mail = MailSettings() if server is None else mail_settings(server)
    return replace(settings, mail=mail, web=replace(settings.web, base_url=base_url))


def remind(
    app: Flask,
    session: Session,
    settings: Settings,
    today: date = TODAY,
    now: datetime = NOW,
    **options: Any,
) -> RunReport:
    """The run, with the app's own links (``url_for``), as the command and the job do."""
    with links_of(app):
        return run_reminders(session, settings, today, now=now, link_for=path_for, **options)


def add_tasks(session: Session, world: World) -> None:
    """The partner's task three days late, the pilote's due today (committed)."""
    actor = world.actor(world.pilot)
    add_task(session, case=world.minor_case, title="Rappeler la famille",
             due_on=TODAY - timedelta(days=3), user=world.partner, structure=None,
             by=world.pilot, actor=actor)  # fmt: skip
    add_task(session, case=world.adult_case, title="Appeler le jeune", due_on=TODAY,
             user=world.pilot, structure=None, by=world.pilot, actor=actor)  # fmt: skip
    session.commit()


def whole(mail: ReceivedMail) -> str:
    """Everything a reader of the e-mail could see: headers, text and HTML parts, decoded."""
    return "\n".join([mail.message.as_string(), mail.subject, mail.text, mail.html or ""])


def only_mail_to(server: LoopbackSmtp, user: User) -> ReceivedMail:
    mails = server.to(user.email)
    assert len(mails) == 1, f"{len(mails)} e-mails to {user.email}"
    return mails[0]


def notifications_of(session: Session, user: User) -> dict[ReminderKind, Notification]:
    session.expire_all()
    rows = session.scalars(select(Notification).where(Notification.user_id == user.id))
    return {row.kind: row for row in rows}


@pytest.fixture
def tasks(session: Session, world: World) -> World:
    add_tasks(session, world)
    return world


# --- the digest each person receives --------------------------------------------------------


def test_each_person_gets_one_digest_of_their_own_counts(app, session, settings, tasks,
                                                         smtp_server):  # fmt: skip
    world = tasks
    report = remind(app, session, with_mail(settings, smtp_server))

    received = smtp_server.wait_for(3)
    assert Counter(r for mail in received for r in mail.recipients) == {
        world.pilot.email: 1,
        world.copilot.email: 1,
        world.partner.email: 1,
    }
    partner = only_mail_to(smtp_server, world.partner)
    assert partner.subject == "PSAD de Lille — vos rappels du lundi 7 décembre 2026"
    assert "1 tâche en retard" in partner.text
    assert "1 dossier ouvert sans contact depuis plus de 45 jours" in partner.text
    assert "à faire aujourd'hui" not in partner.text  # the pilote's task
    pilot = only_mail_to(smtp_server, world.pilot)
    assert "1 tâche à faire aujourd'hui" in pilot.text
    assert "en retard" not in pilot.text
    assert (report.emails_queued, report.emails_sent, report.users) == (3, 3, 3)
    assert not smtp_server.to(world.reader.email)


def test_the_digest_links_each_count_to_its_list_on_the_public_address(
    app, session, settings, tasks, smtp_server
):
    remind(app, session, with_mail(settings, smtp_server))

    mail = only_mail_to(smtp_server, tasks.partner)
    stored = notifications_of(session, tasks.partner)
    late_link = BASE_URL + stored[ReminderKind.TASKS_OVERDUE].link
    assert stored[ReminderKind.TASKS_OVERDUE].link.startswith("/")
    assert f"Voir la liste : {late_link}" in mail.text
    assert f'<a href="{late_link.replace("&", "&amp;")}"' in (mail.html or "")
    assert "PSAD de Lille" in mail.text and "PSAD de Lille" in (mail.html or "")
    assert "lundi 7 décembre 2026" in mail.text
    assert f"« Mon compte », {BASE_URL}/compte/rappels" in mail.text
    assert f'href="{BASE_URL}/compte/rappels"' in (mail.html or "")
    assert "ne nomme volontairement aucun jeune" in mail.text
    assert "ne nomme volontairement aucun jeune" in (mail.html or "")


def test_the_links_lead_to_the_counted_list(app, session, settings, tasks, smtp_server, client):
    remind(app, session, with_mail(settings, smtp_server))
    link = notifications_of(session, tasks.partner)[ReminderKind.TASKS_OVERDUE].link
    client.sign_in(tasks.partner)

    page = client.get(link)

    assert page.status_code == 200
    assert "Rappeler la famille" in page.text
    assert "Appeler le jeune" not in page.text


def test_without_a_public_address_the_digest_gives_paths(app, session, settings, tasks,
                                                         smtp_server):  # fmt: skip
    remind(app, session, with_mail(settings, smtp_server, base_url=None))

    mail = only_mail_to(smtp_server, tasks.partner)
    link = notifications_of(session, tasks.partner)[ReminderKind.TASKS_OVERDUE].link
    assert "Les liens vers l'application ne sont pas disponibles" in mail.text
    assert f"Chemin dans l'application : {link}" in mail.text
    assert "« Mon compte », /compte/rappels" in mail.text
    assert "https://" not in mail.text and "href=" not in (mail.html or "")


def test_no_email_names_a_youth_nor_gives_an_ine(app, session, settings, tasks, smtp_server):
    world = tasks
    world.minor.ine = "0494004062M"
    world.adult.ine = "1234567890A"
    make_youth(session, world.psad, last_name="Zidane", first_name="Yasmina",
               ine="0987654321B", referent_structure=world.school)  # fmt: skip
    session.commit()
    remind(app, session, with_mail(settings, smtp_server))

    received = smtp_server.wait_for(3)
    assert len(received) == 3
    for mail in received:
        seen = whole(mail).casefold()
        raw = mail.message.as_bytes()
        for word in ("Lefèvre", "Éloïse", "Martin", "Hugo", "Zidane", "Yasmina",
                     "0494004062M", "1234567890A", "0987654321B"):  # fmt: skip
            assert word.casefold() not in seen, (word, mail.recipients)
            assert word.encode() not in raw
        assert "Initiales" not in seen


def test_initials_only_when_the_psad_gives_them(app, session, settings, tasks, smtp_server):
    session.add(ReminderRules(psad_id=tasks.psad.id, digest_initials=True))
    session.commit()

    remind(app, session, with_mail(settings, smtp_server))

    mail = only_mail_to(smtp_server, tasks.partner)
    assert "Initiales : É. L." in mail.text
    assert "Initiales : É. L." in (mail.html or "")
    assert "Lefèvre" not in whole(mail) and "Éloïse" not in whole(mail)


def test_a_person_of_two_psads_gets_one_email_with_a_section_each(
    app, session, settings, tasks, smtp_server
):
    world = tasks
    other = make_psad(session, code="ROUBAIX", name="PSAD de Roubaix")
    pilot = session.get(User, world.pilot.id)
    pilot.memberships.append(Membership(psad=other, role=Role.PILOT))
    youth = make_youth(session, other, last_name="Durand", first_name="Léa")
    add_task(session, case=youth.cases[0], title="Appeler", due_on=TODAY - timedelta(days=1),
             user=pilot, structure=None, by=pilot, actor=world.actor(pilot))  # fmt: skip
    session.commit()

    remind(app, session, with_mail(settings, smtp_server))

    mail = only_mail_to(smtp_server, world.pilot)
    assert mail.subject == "Vos rappels PSAD du lundi 7 décembre 2026"
    lille, roubaix = mail.text.index("PSAD de Lille"), mail.text.index("PSAD de Roubaix")
    assert lille < mail.text.index("1 tâche à faire aujourd'hui") < roubaix
    assert roubaix < mail.text.index("1 tâche en retard")
    assert "Durand" not in whole(mail)


# --- the right days -----------------------------------------------------------------------------


def test_weekly_people_get_the_digest_on_mondays_only(app, session, settings, tasks,
                                                     smtp_server):  # fmt: skip
    session.get(User, tasks.partner.id).digest_frequency = DigestFrequency.WEEKLY
    session.commit()
    on = with_mail(settings, smtp_server)

    remind(app, session, on, today=TUESDAY, now=NOW + timedelta(days=1))
    assert not smtp_server.to(tasks.partner.email)
    assert count(session, Notification, Notification.user_id == tasks.partner.id,
                 Notification.day == TUESDAY) == 2  # fmt: skip

    remind(app, session, on, today=TODAY + timedelta(days=7), now=NOW + timedelta(days=7))
    mail = only_mail_to(smtp_server, tasks.partner)
    assert mail.subject == "PSAD de Lille — vos rappels du lundi 14 décembre 2026"
    assert "1 tâche en retard" in mail.text  # that Monday's counts
    assert len(smtp_server.to(tasks.pilot.email)) == 2  # daily: Tuesday and the Monday after


def test_people_who_chose_none_are_told_in_the_app_only(app, session, settings, tasks,
                                                        smtp_server):  # fmt: skip
    session.get(User, tasks.partner.id).digest_frequency = DigestFrequency.NONE
    session.commit()

    report = remind(app, session, with_mail(settings, smtp_server))

    smtp_server.wait_for(2)
    assert not smtp_server.to(tasks.partner.email)
    told = notifications_of(session, tasks.partner)
    assert set(told) == {ReminderKind.TASKS_OVERDUE, ReminderKind.NO_CONTACT}
    assert told[ReminderKind.TASKS_OVERDUE].text == "1 tâche en retard"
    assert report.emails_queued == 2 and report.users == 3


def test_with_email_off_everyone_is_told_in_the_app(app, session, settings, tasks):
    report = remind(app, session, with_mail(settings, None))

    assert count(session, Notification) == report.notifications == 5
    assert report.reminders == {
        ReminderKind.TASKS_OVERDUE: 1,
        ReminderKind.TASKS_TODAY: 1,
        ReminderKind.NO_CONTACT: 3,
    }
    assert count(session, OutboxMessage) == 0
    assert (report.emails_queued, report.emails_sent, report.users) == (0, 0, 3)


def test_a_person_with_nothing_due_gets_no_email(app, session, settings, world, smtp_server):
    report = remind(app, session, with_mail(settings, smtp_server))

    smtp_server.wait_for(3)  # the cases without contact, to pilote, co-pilote, partner
    assert not smtp_server.to(world.reader.email)
    assert report.emails_queued == 3


# --- once ------------------------------------------------------------------------------------


def test_a_second_run_the_same_day_tells_nobody_again(app, session, settings, tasks,
                                                     smtp_server):  # fmt: skip
    on = with_mail(settings, smtp_server)
    remind(app, session, on)
    smtp_server.wait_for(3)

    again = remind(app, session, on, now=NOW + timedelta(hours=2))

    assert (again.notifications, again.emails_queued, again.users) == (0, 0, 0)
    assert again.reminders == {}
    assert count(session, Notification) == 5
    assert count(session, OutboxMessage) == 3
    assert len(smtp_server.messages) == 3


def test_email_turned_on_later_that_day_still_sends_the_digest(app, session, settings, tasks,
                                                              smtp_server):  # fmt: skip
    remind(app, session, with_mail(settings, None))

    later = remind(app, session, with_mail(settings, smtp_server), now=NOW + timedelta(hours=1))

    assert later.notifications == 0 and later.emails_sent == 3
    assert "1 tâche en retard" in only_mail_to(smtp_server, tasks.partner).text


def test_a_comite_is_announced_once(app, session, settings, world, smtp_server):
    session.add(Committee(psad=world.psad, kind=CommitteeKind.TECHNICAL,
                          starts_at=datetime(2026, 12, 10, 13, 0, tzinfo=UTC), place="CIO",
                          invited=[world.cio], created_by_id=world.pilot.id))  # fmt: skip
    session.commit()
    on = with_mail(settings, smtp_server)

    first = remind(app, session, on)
    second = remind(app, session, on, today=TUESDAY, now=NOW + timedelta(days=1))

    assert first.reminders[ReminderKind.COMMITTEE_SOON] == 1  # the CIO's member: the pilote
    assert ReminderKind.COMMITTEE_SOON not in second.reminders
    monday, tuesday = smtp_server.to(world.pilot.email)
    assert "ordre du jour" in monday.text
    assert "ordre du jour" not in tuesday.text


# --- nothing lost --------------------------------------------------------------------------


def test_with_the_server_down_nothing_is_lost_and_each_is_sent_once(
    app, session, settings, tasks, smtp_server
):
    on = with_mail(settings, smtp_server)
    smtp_server.stop()

    down = remind(app, session, on)

    assert (down.emails_queued, down.emails_sent) == (3, 0)
    assert down.emails_retrying >= 1
    assert count(session, OutboxMessage, OutboxMessage.state == OutboxState.QUEUED) == 3
    smtp_server.start()
    remind(app, session, on, now=NOW + timedelta(minutes=30))  # the next run (same day)
    deliver_due(session, on.mail, NOW + timedelta(hours=1))

    received = smtp_server.wait_for(3)
    assert Counter(r for mail in received for r in mail.recipients) == {
        tasks.pilot.email: 1,
        tasks.copilot.email: 1,
        tasks.partner.email: 1,
    }
    assert count(session, OutboxMessage, OutboxMessage.state == OutboxState.SENT) == 3


def test_a_refusing_server_makes_the_run_say_so(app, session, settings, tasks, smtp_server):
    smtp_server.refuse(451)

    report = remind(app, session, with_mail(settings, smtp_server))

    assert (report.emails_queued, report.emails_sent, report.emails_retrying) == (3, 0, 3)
    smtp_server.accept()
    deliver_due(session, mail_settings(smtp_server), NOW + timedelta(hours=1))
    assert len(smtp_server.wait_for(3)) == 3


# --- dry run and audit ----------------------------------------------------------------------


def test_a_dry_run_counts_and_writes_nothing(app, session, settings, tasks, smtp_server):
    on = with_mail(settings, smtp_server)

    dry = remind(app, session, on, dry_run=True)

    assert count(session, Notification) == 0
    assert count(session, OutboxMessage) == 0
    assert events(session, AuditAction.REMINDERS_RUN.value) == []
    assert smtp_server.messages == []
    real = remind(app, session, on)
    assert dry.dry_run and not real.dry_run
    assert (dry.reminders, dry.notifications, dry.users, dry.emails_queued) == (
        real.reminders,
        real.notifications,
        real.users,
        real.emails_queued,
    )
    assert dry.emails_sent == 0
    after = remind(app, session, on, dry_run=True)
    assert (after.notifications, after.emails_queued) == (0, 0)


def test_the_run_is_audited_with_counts_only(app, session, settings, tasks, smtp_server):
    remind(app, session, with_mail(settings, smtp_server))

    [event] = events(session, AuditAction.REMINDERS_RUN.value)
    assert event.user_id is None
    assert event.detail is not None
    assert "jour=2026-12-07; rappels=5; personnes=3; courriels=3; envoyés=3" in event.detail
    assert "tasks_overdue=1" in event.detail
    assert "@" not in event.detail and "Lefèvre" not in event.detail


# --- two runs at once -----------------------------------------------------------------------


@pytest.mark.committed
def test_two_runs_at_once_send_each_person_one_email(app, session, settings, tasks,
                                                    smtp_server):  # fmt: skip
    on = with_mail(settings, smtp_server)
    bind = app.extensions["psad_test_bind"]
    reports: list[RunReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        own = Session(bind=bind)
        try:
            start.wait()
            reports.append(remind(app, own, on))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            own.close()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)

    assert not errors, errors
    assert len(reports) == 2
    assert sum(report.notifications for report in reports) == 5
    assert sum(report.emails_queued for report in reports) == 3
    received = smtp_server.wait_for(3)
    assert Counter(r for mail in received for r in mail.recipients) == {
        tasks.pilot.email: 1,
        tasks.copilot.email: 1,
        tasks.partner.email: 1,
    }
    assert count(session, Notification) == 5

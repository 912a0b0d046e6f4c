"""The reminders against hostile input: a PSAD's name that would add an e-mail header or
HTML, a form posted from another site, personal values in the run's logs and audit."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.auth.models import Psad, User
from psad.reminders.models import Notification, ReminderKind, ReminderRules
from tests.followup.conftest import world
from tests.helpers import count, events
from tests.mailserver import smtp_server
from tests.reminders.test_run import add_tasks, only_mail_to, remind, with_mail

__all__ = ["smtp_server", "world"]

INJECTED = "PSAD de Lille\r\nBcc: espion@ailleurs.example\r\n\r\n<b>corps</b>"


def test_a_psad_name_cannot_add_a_header_to_the_digest(app, session, settings, world,
                                                       smtp_server):  # fmt: skip
    add_tasks(session, world)
    session.get(Psad, world.psad.id).name = INJECTED
    session.commit()

    report = remind(app, session, with_mail(settings, smtp_server))

    assert (report.emails_queued, report.emails_sent, report.emails_failed) == (3, 3, 0)
    mail = only_mail_to(smtp_server, world.partner)
    assert mail.recipients == [world.partner.email]
    assert mail.header("Bcc") is None
    assert mail.subject.startswith("PSAD de Lille Bcc: espion@ailleurs.example <b>corps</b> — ")
    assert not smtp_server.to("espion@ailleurs.example")


def test_a_psad_name_is_text_in_the_digests_html(app, session, settings, world, smtp_server):
    add_tasks(session, world)
    session.get(Psad, world.psad.id).name = '<img src="https://ailleurs.example/t.png">PSAD'
    session.commit()

    remind(app, session, with_mail(settings, smtp_server))

    html = only_mail_to(smtp_server, world.partner).html or ""
    assert "<img" not in html
    assert "&lt;img src=&#34;https://ailleurs.example/t.png&#34;&gt;PSAD" in html


def test_the_run_logs_and_audits_no_personal_value(app, session, settings, world, smtp_server,
                                                   caplog):  # fmt: skip
    add_tasks(session, world)
    session.add(ReminderRules(psad_id=world.psad.id, digest_initials=True))
    world.minor.ine = "0494004062M"
    world.minor.phone = "0612345678"
    world.minor.email = "eloise.lefevre@example.org"
    session.commit()
    caplog.set_level(logging.DEBUG)

    remind(app, session, with_mail(settings, smtp_server))

    [event] = events(session, AuditAction.REMINDERS_RUN.value)
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.")]
    said = "\n".join([*ours, event.detail or ""])  # (« mail. »: the test's SMTP server)
    for value in ("Lefèvre", "Éloïse", "Martin", "Hugo", "0494004062M", "0612345678",
                  "eloise.lefevre", "@"):  # fmt: skip
        assert value not in said, value


# --- forms posted from elsewhere --------------------------------------------------------------


@pytest.fixture
def mine(session: Session, world) -> Notification:  # type: ignore[no-untyped-def]
    notification = Notification(
        user_id=world.pilot.id,
        psad_id=world.psad.id,
        day=date(2026, 12, 7),
        kind=ReminderKind.TASKS_OVERDUE,
        count=1,
        text="1 tâche en retard",
        link="/taches",
    )
    session.add(notification)
    session.commit()
    return notification


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/notifications/{mine}/lu", {}),
        ("/notifications/tout-lu", {}),
        ("/compte/rappels", {"frequency": "none"}),
        ("/psad/{psad}/rappels", {"no_contact_days": "60", "digest_initials": "y"}),
    ],
)
def test_every_post_needs_the_forms_token(client, session, world, mine, url, data):
    client.sign_in(world.pilot)

    response = client.post(url.format(mine=mine.id, psad=world.psad.id), data=data)

    assert response.status_code == 400
    assert count(session, Notification, Notification.read_at.is_not(None)) == 0
    assert session.get(User, world.pilot.id).digest_frequency.value == "daily"
    assert count(session, ReminderRules) == 0

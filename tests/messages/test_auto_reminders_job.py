"""The daily job of the automatic reminders as the youth gets them: one reminder per sending,
on each of its channels, delivered once by the outbox; and the job's transaction, committed
after each PSAD, so that one PSAD's failure loses nothing of the others'."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from psad import clock
from psad.audit.services import Actor
from psad.auth.models import Role
from psad.config import Settings
from psad.messages import jobs
from psad.messages.defaults import ensure_default_templates
from psad.messages.jobs import send_auto_reminders
from psad.messages.models import MessageChannel, MessagingSettings, YouthMessage
from psad.messages.services import send_messages, template_by_code
from psad.outbox.jobs import deliver_outbox
from psad.outbox.models import OutboxMessage, OutboxState
from psad.youth.models import Youth
from tests.factories import make_psad, make_user, make_youth
from tests.mailserver import LoopbackSmtp, mail_section, smtp_server
from tests.messages.conftest import (
    BASE_URL,
    MOBILE,
    NOW,
    SECTIONS,
    Messaging,
    frozen_clock,
    msg,
    send,
    world,
)
from tests.smsserver import LoopbackSms, sms_section, sms_server

__all__ = ["frozen_clock", "msg", "sms_server", "smtp_server", "world"]

SENT = NOW - timedelta(days=3)
LINK = re.compile(re.escape(BASE_URL) + r"/r/([A-Za-z0-9_-]+)")
ELOISE = "eloise.lefevre@example.org"


@pytest.fixture
def settings(make_settings, smtp_server: LoopbackSmtp, sms_server: LoopbackSms) -> Settings:  # type: ignore[no-untyped-def]
    """The messages' settings, e-mail and SMS delivered to the loopback servers."""
    return make_settings(
        **{**SECTIONS, "mail": mail_section(smtp_server), "sms": sms_section(sms_server)}
    )


def deliver_at(app, monkeypatch, at) -> None:  # type: ignore[no-untyped-def]
    """The outbox job, run at ``at``."""
    monkeypatch.setattr(clock, "now", lambda: at)
    deliver_outbox(app)
    monkeypatch.setattr(clock, "now", lambda: NOW)


def test_a_sending_by_email_and_sms_gets_one_email_and_one_sms_of_reminder(
    app, session, msg, smtp_server, sms_server, frozen_clock, monkeypatch
):
    """Éloïse got « Premier contact » by e-mail and SMS on 04/12; reminders after 3 days."""
    session.get_one(MessagingSettings, msg.psad.id).auto_reminder_days = 3
    send(session, msg, [msg.minor], channels=[MessageChannel.EMAIL, MessageChannel.SMS], now=SENT)
    session.commit()
    deliver_at(app, monkeypatch, SENT)
    smtp_server.wait_for(1)
    sms_server.wait_for(1)
    smtp_server.clear()
    sms_server.clear()

    send_auto_reminders(app)
    deliver_outbox(app)

    [mail], [sms] = smtp_server.wait_for(1), sms_server.wait_for(1)
    assert mail.recipients == [ELOISE] and sms.to == MOBILE
    assert mail.subject == "PSAD de Lille : un petit rappel"
    mail_link, sms_link = LINK.search(mail.text), LINK.search(sms.text)
    assert mail_link and sms_link and mail_link.group(1) == sms_link.group(1)  # one link

    send_auto_reminders(app)
    deliver_outbox(app)

    assert (len(smtp_server.messages), len(sms_server.messages)) == (1, 1)


def other_psad_sending(session: Session, msg: Messaging) -> Youth:
    """The PSAD de Douai, reminders after 3 days: its pilote's e-mail to Nina Roux,
    delivered at SENT; committed."""
    psad = make_psad(session, code="DOUAI", name="PSAD de Douai")
    pilot = make_user(session, psad=psad, role=Role.PILOT, full_name="Amina Diallo")
    youth = make_youth(session, psad, first_name="Nina", last_name="Roux",
                       email="nina.roux@example.org")  # fmt: skip
    session.add(MessagingSettings(psad_id=psad.id, auto_reminder_days=3))
    ensure_default_templates(session, psad.id)
    template = template_by_code(session, psad.id, "first_contact")
    assert template is not None
    send_messages(session, template=template, youths=[youth], channels={MessageChannel.EMAIL},
                  sending_key="douai-1", by=pilot, actor=Actor(user_id=pilot.id, psad_id=psad.id),
                  now=SENT, today=SENT.date(), settings=msg.settings, sms_on=False)  # fmt: skip
    outbox = session.scalars(
        select(OutboxMessage)
        .join(YouthMessage, YouthMessage.outbox_message_id == OutboxMessage.id)
        .where(YouthMessage.youth_id == youth.id)
    ).one()
    outbox.state, outbox.sent_at, outbox.attempts = OutboxState.SENT, SENT, 1
    session.commit()
    return youth


@pytest.mark.parametrize("failing", ["LILLE", "DOUAI"])
def test_a_psad_whose_run_fails_loses_nothing_of_the_others(
    app, session, msg, smtp_server, frozen_clock, monkeypatch, caplog, failing
):
    """Lille (run first) and Douai each have a message to remind; the database fails in the
    middle of one PSAD's run: the other one's reminder is kept and delivered, and the log
    says which PSAD failed without quoting the error (it may hold an address)."""
    session.get_one(MessagingSettings, msg.psad.id).auto_reminder_days = 3
    send(session, msg, [msg.minor], now=SENT)
    outbox = session.scalars(select(OutboxMessage)).one()
    outbox.state, outbox.sent_at, outbox.attempts = OutboxState.SENT, SENT, 1
    session.commit()
    nina = other_psad_sending(session, msg)
    broken = {"LILLE": msg.psad.id, "DOUAI": nina.psad_id}[failing]
    remind_psad = jobs.remind_psad

    def fails_for_one_psad(session, *args, psad_id, **kwargs):  # type: ignore[no-untyped-def]
        run = remind_psad(session, *args, psad_id=psad_id, **kwargs)
        if psad_id == broken:
            session.execute(text(f"SELECT '{ELOISE}' FROM table_disparue"))
        return run

    monkeypatch.setattr(jobs, "remind_psad", fails_for_one_psad)
    caplog.set_level(logging.INFO, logger="psad")

    queued = send_auto_reminders(app)
    deliver_outbox(app)

    kept = {"LILLE": "nina.roux@example.org", "DOUAI": ELOISE}[failing]
    assert queued == 1
    assert [mail.subject for mail in smtp_server.to(kept)] == [
        {"LILLE": "PSAD de Douai", "DOUAI": "PSAD de Lille"}[failing] + " : un petit rappel"
    ]
    assert f"automatic reminders of psad {broken} failed (" in caplog.text
    assert "example.org" not in caplog.text

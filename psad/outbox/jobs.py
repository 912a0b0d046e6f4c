"""The scheduler's jobs: deliver the outbox every minute (e-mail and SMS); each night, delete
the messages to users past ``[mail] keep_sent_days``."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from psad import clock
from psad.config import Settings
from psad.extensions import db
from psad.outbox.delivery import deliver_due, deliver_due_sms
from psad.outbox.services import purge_sent_to_users
from psad.outbox.sms import gateway_of


def deliver_outbox(app: Flask) -> None:
    """Send what is due now: e-mail when ``[mail] host`` is set, SMS when ``[sms] url`` is
    set; nothing when both are off."""
    settings: Settings = app.extensions["psad_settings"]
    mail, sms = settings.mail, settings.sms
    gateway = gateway_of(sms)
    if not mail.enabled and gateway is None:
        return
    with app.app_context():
        session = db.session()
        if mail.enabled:
            deliver_due(session, mail, clock.now())
        if gateway is not None:
            deliver_due_sms(session, sms, gateway, clock.now())


def purge_outbox(app: Flask) -> None:
    """Delete the reminders' digests and password links sent or failed more than ``[mail]
    keep_sent_days`` ago (a digest names youth; the messages to youth are kept with the
    youth's file)."""
    settings: Settings = app.extensions["psad_settings"]
    with app.app_context():
        before = clock.now() - timedelta(days=settings.mail.keep_sent_days)
        purge_sent_to_users(db.session(), before=before)
        db.session.commit()

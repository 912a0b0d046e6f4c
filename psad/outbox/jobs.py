"""The scheduler's job: deliver the outbox every minute (e-mail and SMS)."""

from __future__ import annotations

from flask import Flask

from psad import clock
from psad.config import Settings
from psad.extensions import db
from psad.outbox.delivery import deliver_due, deliver_due_sms
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

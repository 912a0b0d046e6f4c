"""The scheduler's job: deliver the outbox every minute."""

from __future__ import annotations

from flask import Flask

from psad import clock
from psad.config import Settings
from psad.extensions import db
from psad.outbox.delivery import deliver_due


def deliver_outbox(app: Flask) -> None:
    """Send what is due now; nothing when e-mail is off (no ``[mail] host``)."""
    settings: Settings = app.extensions["psad_settings"]
    mail = settings.mail
    if not mail.enabled:
        return
    with app.app_context():
        deliver_due(db.session(), mail, clock.now())

"""The scheduler's daily job of the automatic reminders (at ``[messages] reminder_hour``,
Paris), which also forgets the raw tokens of expired links."""

from __future__ import annotations

import logging

from flask import Flask

from psad import clock
from psad.config import Settings
from psad.extensions import db
from psad.messages.reminders import purge_expired_secrets, queue_auto_reminders

log = logging.getLogger(__name__)


def send_auto_reminders(app: Flask) -> int:
    """Forget expired links' tokens, then queue today's automatic reminders (the outbox
    job delivers them). Without ``[web] base_url`` no link can be built: no reminder.
    Returns how many reminders were queued."""
    settings: Settings = app.extensions["psad_settings"]
    now, today = clock.now(), clock.today()
    with app.app_context():
        session = db.session()
        purged = purge_expired_secrets(session, now)
        session.commit()
        if purged:
            log.info("outbox: the tokens of %s expired links forgotten", purged)
        if not settings.web.base_url:
            log.warning(
                "automatic reminders skipped: [web] base_url (PSAD_WEB_BASE_URL) is not set, "
                "the personal links cannot be built"
            )
            return 0
        return queue_auto_reminders(session, settings, now=now, today=today)

"""The scheduler's daily job of the automatic reminders (at ``[messages] reminder_hour``,
Paris), which also forgets the raw tokens of expired links.

The job owns the transaction: it commits after each PSAD, and a PSAD whose run fails is
rolled back and logged (its id and the kind of error, never a message's content) while the
others go on; its reminders wait for the next run (``reminders.CATCH_UP_DAYS``)."""

from __future__ import annotations

import logging

from flask import Flask

from psad import clock
from psad.config import Settings
from psad.extensions import db
from psad.messages.reminders import psads_with_reminders, purge_expired_secrets, remind_psad

log = logging.getLogger(__name__)


def send_auto_reminders(app: Flask) -> int:
    """Forget expired links' tokens, then queue today's automatic reminders of each PSAD that
    has them on (the outbox job delivers them). Without ``[web] base_url`` no link can be
    built: no reminder. Returns how many reminder messages were queued."""
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
        queued = 0
        for psad_id, days in psads_with_reminders(session):
            try:
                run = remind_psad(
                    session, settings, psad_id=psad_id, days=days, now=now, today=today
                )
                session.commit()
            except Exception as error:  # one PSAD's failure must not stop the others
                session.rollback()
                # the error's text may quote a youth's address or a message: its kind only
                log.error(
                    "automatic reminders of psad %s failed (%s): rolled back, "
                    "the next run tries again",
                    psad_id,
                    type(error).__name__,
                )
                continue
            log.info("automatic reminders of psad %s: %s queued, %s left", psad_id, run.queued,
                     sum(run.left.values()))  # fmt: skip
            queued += run.queued
        return queued

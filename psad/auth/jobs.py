"""Scheduled clean-up of the log-in tables: old failure counters, finished sessions, and
password-reset links expired or used a day ago."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import delete

from psad import clock
from psad.auth.models import LoginThrottle
from psad.auth.reset import purge_links
from psad.auth.sessions import purge_sessions
from psad.config import Settings
from psad.extensions import db


def purge_sign_ins(app: Flask) -> None:
    """Forget counters idle for a day, sessions that cannot be live any more, and reset links
    a day past their end (expired, superseded or used: the audit keeps the trace)."""
    settings: Settings = app.extensions["psad_settings"]
    now = clock.now()
    with app.app_context():
        db.session.execute(
            delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - timedelta(days=1))
        )
        lifetime = timedelta(hours=settings.web.session_max_hours)
        purge_sessions(db.session(), before=now - lifetime - timedelta(days=1))
        purge_links(db.session(), before=now - timedelta(days=1))
        db.session.commit()

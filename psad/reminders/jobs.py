"""The scheduler's daily job of the reminders, and the links it builds (paths of the app)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import Flask, url_for

from psad import clock
from psad.config import Settings
from psad.extensions import db
from psad.reminders.run import RunReport, run_reminders


def path_for(endpoint: str, args: dict[str, str]) -> str:
    """The app's path of a list with its filters (« /jeunes?onglet=... »); needs a request
    context (``links_of``)."""
    values: dict[str, Any] = dict(args)
    return url_for(endpoint, **values)


@contextmanager
def links_of(app: Flask) -> Iterator[None]:
    """A request context of its own, for ``url_for`` outside a request: paths only, the
    digest adds ``[web] base_url`` (a link is never built from a request's host)."""
    with app.test_request_context("/"):
        yield


def remind(app: Flask, today: date, *, dry_run: bool = False) -> RunReport:
    """The run of ``today`` (the command's ``--today``; the job's ``clock.today()``)."""
    settings: Settings = app.extensions["psad_settings"]
    with app.app_context(), links_of(app):
        return run_reminders(
            db.session(),
            settings,
            today,
            now=clock.now(),
            link_for=path_for,
            dry_run=dry_run,
        )


def send_reminders(app: Flask) -> RunReport:
    """The daily job: today's reminders, stored, queued and delivered."""
    return remind(app, clock.today())

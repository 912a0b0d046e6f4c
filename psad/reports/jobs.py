"""The scheduler's nightly job of the bilan: the stored figures the pages read
(``psad.reports.snapshots``) computed again."""

from __future__ import annotations

import logging

from flask import Flask

from psad import clock
from psad.extensions import db
from psad.reports.snapshots import refresh_stored

log = logging.getLogger(__name__)


def refresh_bilans(app: Flask) -> int:
    with app.app_context():
        count = refresh_stored(db.session(), today=clock.today(), now=clock.now())
    log.info("bilans stored again: %d", count)
    return count

"""The scheduled comparison of files: the probable pairs of every PSAD stay up to date.

The « Doublons probables » page compares again, at each visit, a bounded number of the files
changed since (``views.REFRESH_PER_VISIT``); after a large import, this job does the rest,
a batch at a time, each batch committed.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from psad.auth.models import Psad
from psad.duplicates import services
from psad.extensions import db

log = logging.getLogger(__name__)
BATCH = 5000


def refresh_duplicates(app: Flask) -> int:
    """Compare again the changed files of every PSAD; returns how many were."""
    total = 0
    with app.app_context():
        session = db.session()
        for psad_id in list(session.scalars(select(Psad.id).order_by(Psad.id))):
            while True:
                try:
                    done = services.refresh_pairs(session, psad_id=psad_id, limit=BATCH)
                    session.commit()
                except DBAPIError:  # a visit of the page compares the same files right now
                    session.rollback()
                    log.info("duplicates of psad %s: compared elsewhere, later", psad_id)
                    break
                total += done
                if done < BATCH:
                    break
        if total:
            log.info("duplicates: %s files compared again", total)
    return total

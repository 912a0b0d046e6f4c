"""The daily job of the follow-up: obligation de formation tasks follow the calendar.

A step falls due, or the youth turns 18, without anyone recording anything: every day, the
open cases of youth under the obligation (or who left it with its tasks still open) get their
due tasks made, the ones done closed, and, at 18, the pending ones closed with a history
entry (``services.sync_obligation_tasks``).
"""

from __future__ import annotations

import logging
from datetime import date

from flask import Flask
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, joinedload

from psad import clock
from psad.extensions import db
from psad.followup import services
from psad.followup.deadlines import OBLIGATION_END_AGE, add_months
from psad.followup.models import Task
from psad.followup.services.tasks import RULE_OF_STEP
from psad.youth.models import Case, CaseStatus, Youth

log = logging.getLogger(__name__)
BATCH = 500


def cases_to_sync(session: Session, today: date) -> list[int]:
    """Open cases of youth under 18 today, or with obligation tasks still open (just 18)."""
    of_age_if_born_before = add_months(today, -12 * OBLIGATION_END_AGE)
    obligation_task_open = exists().where(
        Task.case_id == Case.id,
        Task.rule.in_(RULE_OF_STEP.values()),
        Task.done_at.is_(None),
    )
    return list(
        session.scalars(
            select(Case.id)
            .join(Youth, Case.youth_id == Youth.id)
            .where(
                Case.status == CaseStatus.OPEN,
                or_(Youth.birth_date > of_age_if_born_before, obligation_task_open),
            )
            .order_by(Case.id)
        )
    )


def sync_obligations(app: Flask) -> int:
    """Bring the obligation de formation tasks of every concerned case up to date; commits a
    batch at a time. Returns how many cases were looked at."""
    today, now = clock.today(), clock.now()
    with app.app_context():
        session = db.session()
        ids = cases_to_sync(session, today)
        for start in range(0, len(ids), BATCH):
            cases = session.scalars(
                select(Case)
                .options(joinedload(Case.youth))
                .where(Case.id.in_(ids[start : start + BATCH]))
            )
            for case in cases:
                services.sync_obligation_tasks(session, case=case, today=today, now=now)
            session.commit()
        log.info("obligation de formation: %d cases synced", len(ids))
        return len(ids)

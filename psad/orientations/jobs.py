"""The daily job of the orientations: a started orientation without news for the PSAD's
number of weeks (``Psad.orientation_stalled_weeks``) gets a task for the case's referent,
« Prendre des nouvelles de l'orientation : <dispositif> », once for each silence; news or the
orientation's end closes it (``services.close_stalled_task``), and the weeks start again."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, joinedload

from psad import clock
from psad.audit.services import Actor
from psad.auth.models import Psad
from psad.extensions import db
from psad.followup.models import Task, TaskRule
from psad.followup.services.tasks import add_task
from psad.orientations.models import Orientation, OrientationStatus
from psad.youth.models import Case, CaseStatus

log = logging.getLogger(__name__)
RULE = TaskRule.ORIENTATION_STALLED
TITLE = "Prendre des nouvelles de l'orientation : {}"


def stalled_orientations(session: Session, today: date) -> list[Orientation]:
    """Started orientations of open cases whose last news is at least the PSAD's weeks old,
    not yet asked about since that news: no task still open, nor one made after the news
    (a task done by hand without recording news is not made again the next night)."""
    asked = exists().where(
        Task.rule == RULE,
        Task.fact_id == Orientation.id,
        or_(Task.done_at.is_(None), Task.due_on > Orientation.last_news_on),  # due the day made
    )
    found: list[Orientation] = []
    for psad_id, weeks in session.execute(select(Psad.id, Psad.orientation_stalled_weeks)):
        found += session.scalars(
            select(Orientation)
            .join(Case, Case.id == Orientation.case_id)
            .where(
                Orientation.psad_id == psad_id,
                Orientation.status == OrientationStatus.STARTED,
                Orientation.last_news_on <= today - timedelta(weeks=weeks),
                Case.status == CaseStatus.OPEN,
                ~asked,
            )
            .options(joinedload(Orientation.case), joinedload(Orientation.programme))
            .order_by(Orientation.id)
        )
    return found


def ask_for_news(session: Session, orientation: Orientation, today: date) -> Task:
    """The task for the case's referent (user and structure), due today."""
    case = orientation.case
    return add_task(
        session,
        case=case,
        title=TITLE.format(orientation.programme.name),
        due_on=today,
        user=case.referent_user,
        structure=case.referent_structure,
        by=None,
        actor=Actor(user_id=None, psad_id=orientation.psad_id),
        rule=RULE,
        fact_id=orientation.id,
    )


def flag_stalled_orientations(app: Flask) -> int:
    """Make the tasks of the orientations without news; returns how many were made."""
    today = clock.today()
    with app.app_context():
        session = db.session()
        stalled = stalled_orientations(session, today)
        for orientation in stalled:
            ask_for_news(session, orientation, today)
        session.commit()
        log.info("orientations without news: %d tasks made", len(stalled))
        return len(stalled)

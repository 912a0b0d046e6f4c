"""An orientation's lifecycle: proposed, accepted or refused, started, then completed,
abandoned or cancelled (``models.TRANSITIONS``), with news between the steps.

Each step is an ``OrientationStep`` (the youth's timeline reads them) and an audit event (ids
and codes, never a name). A site or a vacant place that is full takes an orientation only when
the user confirms it (``SiteFullError`` otherwise); the orientation is then marked over
capacity. News, or any later step, closes the « orientation sans nouvelles » task of the
orientation.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case as when
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import User
from psad.followup.models import TaskRule
from psad.followup.services.tasks import open_rule_tasks
from psad.orientations.models import (
    STATUS_LABELS,
    TAKING_A_PLACE,
    NewsKind,
    Orientation,
    OrientationStatus,
    OrientationStep,
    Programme,
    ProgrammeSite,
    RefusedBy,
    VacantPlace,
)
from psad.orientations.services.checks import (
    CASE_CLOSED,
    NO_NEWS,
    NO_REASON,
    NO_REFUSER,
    RETIRED,
    ClosedCaseError,
    OrientationInputError,
    check_day,
    check_full,
    check_site,
    check_step,
    check_vacancy,
    check_version,
    cleaned,
    last_step,
)
from psad.schoolyear import school_year_of
from psad.youth.models import Case

Status = OrientationStatus


def _author_id(by: User | None) -> int | None:
    return by.id if by is not None else None


def _detail(orientation: Orientation, **more: object) -> str:
    parts = {
        "orientation": orientation.id,
        "dossier": orientation.case_id,
        "dispositif": orientation.programme.code,
        "site": orientation.site_id,
        "place": orientation.vacant_place_id,
        **more,
    }
    return "; ".join(f"{key}={value}" for key, value in parts.items() if value is not None)


def _audit(
    session: Session,
    actor: audit.Actor,
    action: AuditAction,
    orientation: Orientation,
    **more: object,
) -> None:
    audit.record(
        session,
        actor,
        action,
        object_type="youth",
        object_id=orientation.youth_id,
        psad_id=orientation.psad_id,
        detail=_detail(orientation, **more),
    )


def propose_orientation(
    session: Session,
    *,
    case: Case,
    programme: Programme,
    site: ProgrammeSite | None = None,
    vacancy: VacantPlace | None = None,
    on: date,
    by: User | None,
    actor: audit.Actor,
    comment: str | None = None,
    confirm_full: bool = False,
    decision_id: int | None = None,
    today: date | None = None,
) -> Orientation:
    """Orient the youth of an open case to a dispositif (optionally a site of it in the
    PSAD, or a vacant place for the return to school). A full one needs ``confirm_full``."""
    if not case.is_open:
        raise ClosedCaseError(CASE_CLOSED)
    if not programme.is_active:
        raise OrientationInputError(RETIRED.format(programme.name), "choice")
    check_site(case, programme, site)
    check_vacancy(case, vacancy, on)
    check_day(on, today or clock.today())
    comment = cleaned(comment, "comment")
    school_year = school_year_of(on)
    over = check_full(
        session, site=site, vacancy=vacancy, school_year=school_year, confirm_full=confirm_full
    )
    orientation = Orientation(
        case=case,
        youth_id=case.youth_id,
        psad_id=case.psad_id,
        programme=programme,
        site=site,
        vacant_place=vacancy,
        school_year=school_year,
        status=Status.PROPOSED,
        proposed_on=on,
        proposed_by_id=_author_id(by),
        decision_id=decision_id,
        comment=comment,
        over_capacity=over,
        last_news_on=on,
    )
    orientation.steps.append(
        OrientationStep(status=Status.PROPOSED, on=on, author_id=_author_id(by), comment=comment)
    )
    session.add(orientation)
    session.flush()
    _audit(session, actor, AuditAction.ORIENTATION_PROPOSED, orientation, complet=over or None)
    return orientation


def change_status(
    session: Session,
    *,
    orientation: Orientation,
    to: OrientationStatus,
    on: date,
    by: User | None,
    actor: audit.Actor,
    reason: str | None = None,
    refused_by: RefusedBy | None = None,
    expected_version: int | None = None,
    confirm_full: bool = False,
    comment: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Orientation:
    """Move the orientation one step on its lifecycle (``TRANSITIONS``); anything else is
    refused with a message naming both states."""
    check_version(orientation, expected_version)
    before = orientation.status
    check_step(orientation, to)
    if to is Status.REFUSED and refused_by is None:
        raise OrientationInputError(NO_REFUSER, "refused_by")
    reason = cleaned(reason, "reason", NO_REASON.get(to))
    comment = cleaned(comment, "comment")
    check_day(on, today or clock.today(), after=last_step(orientation))
    year = school_year_of(on)  # whose places it takes: those of the year it is accepted in,
    takes_now = to in TAKING_A_PLACE and before not in TAKING_A_PLACE
    # or of the year it starts in when that is the next one (accepted in June for September)
    moves = to in TAKING_A_PLACE and not takes_now and year != orientation.school_year
    if takes_now or moves:
        orientation.over_capacity |= check_full(
            session,
            site=orientation.site,
            vacancy=orientation.vacant_place if takes_now else None,  # a place has no year
            school_year=year,
            confirm_full=confirm_full,
            excluding=orientation.id,
        )
        orientation.school_year = year
    _set_dates(orientation, to, on)
    if NO_REASON.get(to):
        orientation.reason = reason
    if to is Status.REFUSED:
        orientation.refused_by = refused_by
    orientation.status = to
    orientation.last_news_on = max(orientation.last_news_on, on)
    orientation.steps.append(
        OrientationStep(status=to, on=on, author_id=_author_id(by), comment=reason or comment)
    )
    close_stalled_task(session, orientation, now=now or clock.now())
    session.flush()
    _audit(
        session, actor, AuditAction.ORIENTATION_CHANGED, orientation, de=before.value, vers=to.value
    )
    return orientation


def _set_dates(orientation: Orientation, to: OrientationStatus, on: date) -> None:
    if to is Status.ACCEPTED:
        orientation.accepted_on = on
    elif to is Status.STARTED:
        orientation.started_on = on
    elif to in (Status.COMPLETED, Status.ABANDONED):
        orientation.ended_on = on
    elif to is Status.REFUSED:
        orientation.refused_on = on
    elif to is Status.CANCELLED:
        orientation.cancelled_on = on


def record_news(
    session: Session,
    *,
    orientation: Orientation,
    on: date,
    by: User | None,
    actor: audit.Actor,
    comment: str | None,
    expected_version: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> OrientationStep:
    """News of an open orientation, without a change of status: the task asking for news
    closes, and the weeks without news start again."""
    check_version(orientation, expected_version)
    check_step(orientation, None)
    text = cleaned(comment, "comment", NO_NEWS)
    check_day(
        on, today or clock.today(), after=(STATUS_LABELS[Status.PROPOSED], orientation.proposed_on)
    )
    step = OrientationStep(
        kind=NewsKind.NEWS, status=orientation.status, on=on, author_id=_author_id(by), comment=text
    )
    orientation.steps.append(step)
    orientation.last_news_on = max(orientation.last_news_on, on)
    close_stalled_task(session, orientation, now=now or clock.now())
    session.flush()
    _audit(session, actor, AuditAction.ORIENTATION_NEWS, orientation)
    return step


def close_stalled_task(session: Session, orientation: Orientation, *, now: datetime) -> int:
    """Close the open « orientation sans nouvelles » tasks of this orientation (only this
    one: the case may follow two)."""
    closed = 0
    for task in open_rule_tasks(session, orientation.case, TaskRule.ORIENTATION_STALLED):
        if task.fact_id == orientation.id:
            task.done_at, task.done_comment = now, "Nouvelles de l'orientation enregistrées."
            closed += 1
    return closed


def started_orientation(session: Session, case: Case) -> Orientation | None:
    """The case's started orientation, else its most recently completed one: the solution a
    closing « solution trouvée » offers."""
    return session.scalar(
        select(Orientation)
        .where(
            Orientation.case_id == case.id,
            Orientation.status.in_((Status.STARTED, Status.COMPLETED)),
        )
        .order_by(
            when((Orientation.status == Status.STARTED, 0), else_=1),
            Orientation.started_on.desc().nulls_last(),
            Orientation.id.desc(),
        )
        .limit(1)
    )


TRANSFERRED = "Le jeune est transféré vers une autre PSAD."


def cancel_left_behind(
    session: Session, *, youth_id: int, psad_id: int, on: date, by: User | None, actor: audit.Actor
) -> int:
    """Cancel the proposed and accepted orientations a youth leaves in a PSAD they are
    transferred from: that PSAD no longer sees them, and their places are given back. A
    started orientation stays as it is (the youth may go on with it). Returns how many."""
    waiting = session.scalars(
        select(Orientation).where(
            Orientation.youth_id == youth_id,
            Orientation.psad_id == psad_id,
            Orientation.status.in_((Status.PROPOSED, Status.ACCEPTED)),
        )
    ).all()
    for orientation in waiting:
        change_status(
            session,
            orientation=orientation,
            to=Status.CANCELLED,
            on=max(on, orientation.last_news_on),
            by=by,
            actor=actor,
            reason=TRANSFERRED,
            today=max(on, orientation.last_news_on),
        )
    return len(waiting)

"""An orientation's lifecycle: proposed, accepted or refused, started, then completed,
abandoned or cancelled (``models.TRANSITIONS``), with news between the steps.

Plain functions: they flush, never commit; the entry point owns the transaction. Each step is
an ``OrientationStep`` (the youth's timeline reads them) and an audit event (ids and codes,
never a name). A site or a vacant place that is full takes an orientation only when the user
confirms it (``SiteFullError`` otherwise); the orientation is then marked over capacity.
News, or any later step, closes the « orientation sans nouvelles » task of the orientation.
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
from psad.errors import DomainError
from psad.followup.models import TaskRule
from psad.followup.services.tasks import open_rule_tasks
from psad.orientations import places
from psad.orientations.models import (
    STATUS_LABELS,
    TAKING_A_PLACE,
    TEXT_LENGTH,
    TRANSITIONS,
    NewsKind,
    Orientation,
    OrientationStatus,
    OrientationStep,
    Programme,
    ProgrammeSite,
    RefusedBy,
    VacantPlace,
)
from psad.schoolyear import school_year_of
from psad.youth.models import Case

Status = OrientationStatus
# What an orientation « can be made »: the words of the messages (« ne peut pas être ... »)
BECOMES = {
    Status.PROPOSED: "proposée à nouveau",
    Status.ACCEPTED: "acceptée",
    Status.REFUSED: "refusée",
    Status.STARTED: "commencée",
    Status.COMPLETED: "terminée",
    Status.ABANDONED: "abandonnée",
    Status.CANCELLED: "annulée",
}
CASE_CLOSED = "Le dossier de ce jeune est clos : rouvrez-le avant de l'orienter."
RETIRED = "Le dispositif « {} » a été retiré du catalogue : choisissez-en un autre."
SITE_ELSEWHERE = "Ce site n'est pas une implantation de ce dispositif dans la PSAD du jeune."
SITE_CLOSED = "Ce site n'accueille plus de jeunes : choisissez-en un autre."
VACANCY_ELSEWHERE = "Cette place vacante n'a pas été déclarée dans la PSAD du jeune."
VACANCY_GONE = "Cette place vacante n'est plus proposée (retirée, ou sa date est passée)."
SITE_FULL = (
    "{} est complet pour l'année scolaire {} ({}). Confirmez-vous l'orientation malgré tout ? "
    "Cochez « Je confirme l'orientation vers un site complet » pour l'enregistrer."
)
STALE = (
    "Cette orientation a été modifiée entre-temps par quelqu'un d'autre : voici son état "
    "actuel ; refaites votre modification si elle est toujours utile."
)
NO_REFUSER = "Dites qui refuse l'orientation : le jeune ou la structure d'accueil."
NO_REASON = {
    Status.REFUSED: "Dites pourquoi l'orientation est refusée.",
    Status.ABANDONED: "Dites pourquoi le jeune a abandonné.",
    Status.CANCELLED: "Dites pourquoi l'orientation est annulée.",
}
NO_NEWS = "Dites quelles sont les nouvelles."
NEWS_OF_ENDED = "Cette orientation est terminée : ses nouvelles se notent dans le dossier du jeune."
IN_THE_FUTURE = "La date ne peut pas être dans le futur (aujourd'hui : {:%d/%m/%Y})."
BEFORE_LAST_STEP = (
    "La date ne peut pas précéder l'étape précédente de l'orientation ({} le {:%d/%m/%Y})."
)
TOO_LONG = f"Le texte dépasse {TEXT_LENGTH} caractères."


class ClosedCaseError(DomainError):
    status_code = 409


class OrientationInputError(DomainError):
    """A value the user gave does not fit; ``field`` names the form's field it is about."""

    status_code = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SiteFullError(DomainError):
    """The site or the vacant place is full: the user must confirm."""

    status_code = 409


class IllegalTransitionError(DomainError):
    status_code = 409


class OrientationVersionError(DomainError):
    """The orientation changed since the form was loaded."""

    status_code = 409


def illegal_transition(current: OrientationStatus, wanted: OrientationStatus) -> str:
    """« Une orientation refusée ne peut pas être commencée. », and what it may become."""
    now = STATUS_LABELS[current].lower()
    if current is wanted:
        return f"Cette orientation est déjà {now}."
    allowed = [BECOMES[status] for status in Status if status in TRANSITIONS[current]]
    if not allowed:
        then = "Elle est close : plus aucune étape n'est possible."
    else:
        words = allowed[0] if len(allowed) == 1 else f"{', '.join(allowed[:-1])} ou {allowed[-1]}"
        then = f"Elle peut être {words}."
    return f"Une orientation {now} ne peut pas être {BECOMES[wanted]}. {then}"


def _text(value: str | None, field: str, missing: str | None = None) -> str | None:
    cleaned = (value or "").strip() or None
    if cleaned is None and missing:
        raise OrientationInputError(missing, field)
    if cleaned is not None and len(cleaned) > TEXT_LENGTH:
        raise OrientationInputError(TOO_LONG, field)
    return cleaned


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


def _check_full(
    session: Session,
    *,
    site: ProgrammeSite | None,
    vacancy: VacantPlace | None,
    school_year: int,
    confirm_full: bool,
    excluding: int | None = None,
) -> bool:
    """Whether the site (or the vacant place) is full; refused unless confirmed."""
    full = None
    if site is not None:
        found = places.site_places(session, [site], school_year, excluding=excluding)[site.id]
        full = (site.label, found) if found.is_full else None
    if full is None and vacancy is not None:
        found = places.vacancy_places(session, [vacancy], excluding=excluding)[vacancy.id]
        full = (vacancy.label, found) if found.is_full else None
    if full is None:
        return False
    if not confirm_full:
        label, found = full
        year = f"{school_year}-{school_year + 1}"
        raise SiteFullError(SITE_FULL.format(label, year, found.text))
    return True


def _check_site(case: Case, programme: Programme, site: ProgrammeSite | None) -> None:
    if site is None:
        return
    if site.programme_id != programme.id or site.psad_id != case.psad_id:
        raise OrientationInputError(SITE_ELSEWHERE, "choice")
    if not site.active:
        raise OrientationInputError(SITE_CLOSED, "choice")


def _check_vacancy(case: Case, vacancy: VacantPlace | None, on: date) -> None:
    if vacancy is None:
        return
    if vacancy.psad_id != case.psad_id:
        raise OrientationInputError(VACANCY_ELSEWHERE)
    if not places.is_current(vacancy, on):
        raise OrientationInputError(VACANCY_GONE)


def _check_day(on: date, today: date, *, after: tuple[str, date] | None = None) -> None:
    if on > today:
        raise OrientationInputError(IN_THE_FUTURE.format(today), "on")
    if after is not None and on < after[1]:
        raise OrientationInputError(BEFORE_LAST_STEP.format(*after), "on")


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
    _check_site(case, programme, site)
    _check_vacancy(case, vacancy, on)
    _check_day(on, today or clock.today())
    comment = _text(comment, "comment")
    school_year = school_year_of(on)
    over = _check_full(
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


def check_version(orientation: Orientation, expected: int | None) -> None:
    if expected is not None and expected != orientation.version:
        raise OrientationVersionError(STALE)


def last_step(orientation: Orientation) -> tuple[str, date]:
    """The latest dated step of the orientation (what a new step cannot precede)."""
    dated = [
        (STATUS_LABELS[status], day)
        for status, day in (
            (Status.PROPOSED, orientation.proposed_on),
            (Status.ACCEPTED, orientation.accepted_on),
            (Status.STARTED, orientation.started_on),
        )
        if day is not None
    ]
    return max(reversed(dated), key=lambda pair: pair[1])  # the later step on the same day


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
    if not orientation.may_become(to):
        raise IllegalTransitionError(illegal_transition(before, to))
    if to is Status.REFUSED and refused_by is None:
        raise OrientationInputError(NO_REFUSER, "refused_by")
    reason = _text(reason, "reason", NO_REASON.get(to))
    comment = _text(comment, "comment")
    _check_day(on, today or clock.today(), after=last_step(orientation))
    if to in TAKING_A_PLACE and before not in TAKING_A_PLACE:  # it takes a place now,
        year = school_year_of(on)  # of the school year it is accepted or started in
        orientation.over_capacity |= _check_full(
            session,
            site=orientation.site,
            vacancy=orientation.vacant_place,
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
    if not orientation.is_open:
        raise IllegalTransitionError(NEWS_OF_ENDED)
    text = _text(comment, "comment", NO_NEWS)
    _check_day(
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

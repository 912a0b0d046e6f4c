"""Plan a meeting, change it, cancel it; the PSAD's rhythm of meetings.

A meeting may be recorded afterwards (its date in the past is allowed). The invited
structures are the PSAD's own; a video link is an ``http(s)`` address. A meeting whose
minutes are validated no longer changes (``state.ensure_open``), and a change prepared on an
older version of the meeting is refused (optimistic locking).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad, Structure, User
from psad.committees.models import (
    TEXT_LENGTH,
    Committee,
    CommitteeKind,
    CommitteeRhythm,
    CommitteeStatus,
)
from psad.committees.rhythm import LAST, WEEKS_OF_MONTH, default_rhythm
from psad.committees.services.state import ensure_open
from psad.errors import DomainError

PLACE_LENGTH, LINK_LENGTH = 300, 500
MIN_DURATION, MAX_DURATION = 15, 12 * 60
NO_PLACE = "Indiquez le lieu de la réunion ou son lien de visioconférence."
BAD_LINK = "Le lien de visioconférence doit être une adresse web complète (https://...)."
BAD_DURATION = f"La durée va de {MIN_DURATION} à {MAX_DURATION} minutes."
NOT_INVITABLE = "Seules les structures de la PSAD peuvent être invitées."
NAIVE = "L'heure du comité doit être donnée avec son fuseau."
STALE = (
    "Ce comité a été modifié entre-temps par quelqu'un d'autre : voici son état actuel ; "
    "refaites votre modification si elle est toujours utile."
)
BAD_WEEKDAY = "Choisissez un jour de la semaine."
BAD_WEEK = "Choisissez la semaine du mois : 1re à 4e, ou la dernière."
BAD_WEEKS = "Le nombre de semaines va de 1 à 52."
BAD_DAYS = "Le nombre de jours va de 1 à 90."
BAD_MAX_PROPOSED = "Le nombre de lignes proposées va de 1 à 200."


class CommitteeInputError(DomainError):
    """A value the user gave does not fit; ``field`` names the form's field it is about."""

    status_code = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CommitteeVersionError(DomainError):
    """The meeting changed since the form was loaded."""

    status_code = 409


def check_version(committee: Committee, expected: int | None) -> None:
    if expected is not None and expected != committee.version:
        raise CommitteeVersionError(STALE)


def _text(value: str | None, length: int, field: str) -> str | None:
    value = (value or "").strip()
    if len(value) > length:
        raise CommitteeInputError(f"{length} caractères au plus.", field)
    return value or None


def _link(value: str | None) -> str | None:
    link = _text(value, LINK_LENGTH, "video_link")
    if link is None:
        return None
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in link:
        raise CommitteeInputError(BAD_LINK, "video_link")
    return link


def _checked(
    *,
    psad_id: int,
    starts_at: datetime,
    duration_minutes: int,
    place: str | None,
    video_link: str | None,
    agenda_note: str | None,
    invited: Sequence[Structure],
) -> dict[str, object]:
    """The meeting's values, checked and cleaned, as ``Committee`` columns."""
    if starts_at.tzinfo is None:
        raise CommitteeInputError(NAIVE, "day")
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        raise CommitteeInputError(BAD_DURATION, "duration_minutes")
    values: dict[str, object] = {
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "place": _text(place, PLACE_LENGTH, "place"),
        "video_link": _link(video_link),
        "agenda_note": _text(agenda_note, TEXT_LENGTH, "agenda_note"),
    }
    if values["place"] is None and values["video_link"] is None:
        raise CommitteeInputError(NO_PLACE, "place")
    if any(structure.psad_id != psad_id for structure in invited):
        raise CommitteeInputError(NOT_INVITABLE, "invited")
    return values


def _detail(committee: Committee) -> str:
    invited = ",".join(str(s.id) for s in committee.invited) or "aucune"
    return f"comité={committee.id}; type={committee.kind.value}; invitées={invited}"


def _audit(
    session: Session, actor: audit.Actor, action: AuditAction, committee: Committee, detail: str
) -> None:
    audit.record(
        session,
        actor,
        action,
        object_type="committee",
        object_id=committee.id,
        detail=detail,
        psad_id=committee.psad_id,
    )


def plan_committee(
    session: Session,
    *,
    psad: Psad,
    kind: CommitteeKind,
    starts_at: datetime,
    duration_minutes: int,
    place: str | None,
    video_link: str | None,
    agenda_note: str | None,
    invited: Sequence[Structure],
    by: User,
    actor: audit.Actor,
) -> Committee:
    """A meeting of the PSAD, its agenda in preparation."""
    values = _checked(
        psad_id=psad.id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        video_link=video_link,
        agenda_note=agenda_note,
        invited=invited,
    )
    committee = Committee(psad=psad, kind=kind, invited=list(invited), created_by=by, **values)
    session.add(committee)
    session.flush()
    _audit(session, actor, AuditAction.COMMITTEE_CREATED, committee, _detail(committee))
    return committee


def update_committee(
    session: Session,
    *,
    committee: Committee,
    kind: CommitteeKind,
    starts_at: datetime,
    duration_minutes: int,
    place: str | None,
    video_link: str | None,
    agenda_note: str | None,
    invited: Sequence[Structure],
    by: User,
    actor: audit.Actor,
    expected_version: int | None = None,
) -> None:
    """Change a meeting's date, place, kind, invitations or note (not once locked)."""
    ensure_open(committee)
    check_version(committee, expected_version)
    values = _checked(
        psad_id=committee.psad_id,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        video_link=video_link,
        agenda_note=agenda_note,
        invited=invited,
    )
    committee.kind = kind
    for name, value in values.items():
        setattr(committee, name, value)
    committee.invited = list(invited)
    session.flush()
    _audit(session, actor, AuditAction.COMMITTEE_UPDATED, committee, _detail(committee))


def cancel_committee(
    session: Session,
    *,
    committee: Committee,
    by: User,
    actor: audit.Actor,
    expected_version: int | None = None,
) -> None:
    """The meeting will not take place; it stays in the list, marked « Annulé »."""
    ensure_open(committee)
    check_version(committee, expected_version)
    committee.status = CommitteeStatus.CANCELLED
    session.flush()
    _audit(
        session, actor, AuditAction.COMMITTEE_UPDATED, committee, f"comité={committee.id}; annulé"
    )


# --- the rhythm -----------------------------------------------------------------------------


def rhythm_of(session: Session, psad_id: int) -> CommitteeRhythm:
    """The PSAD's rhythm; the default one (not saved) when it never chose one."""
    found = session.scalar(select(CommitteeRhythm).where(CommitteeRhythm.psad_id == psad_id))
    return found if found is not None else default_rhythm(psad_id)


def save_rhythm(
    session: Session,
    *,
    psad_id: int,
    weekday: int,
    week_of_month: int,
    starts_at: time,
    duration_minutes: int,
    place: str | None,
    no_solution_weeks: int,
    overdue_decision_days: int,
    actor: audit.Actor,
    max_proposed: int = 30,
) -> CommitteeRhythm:
    """Record the PSAD's rhythm and its agenda thresholds (made when missing)."""
    if not 0 <= weekday <= 6:
        raise CommitteeInputError(BAD_WEEKDAY, "weekday")
    if week_of_month not in WEEKS_OF_MONTH:
        raise CommitteeInputError(BAD_WEEK, "week_of_month")
    if not MIN_DURATION <= duration_minutes <= MAX_DURATION:
        raise CommitteeInputError(BAD_DURATION, "duration_minutes")
    if not 1 <= no_solution_weeks <= 52:
        raise CommitteeInputError(BAD_WEEKS, "no_solution_weeks")
    if not 1 <= overdue_decision_days <= 90:
        raise CommitteeInputError(BAD_DAYS, "overdue_decision_days")
    if not 1 <= max_proposed <= 200:
        raise CommitteeInputError(BAD_MAX_PROPOSED, "max_proposed")
    rhythm = session.get(CommitteeRhythm, psad_id)
    if rhythm is None:
        rhythm = default_rhythm(psad_id)
        session.add(rhythm)
    rhythm.weekday, rhythm.week_of_month, rhythm.starts_at = weekday, week_of_month, starts_at
    rhythm.duration_minutes = duration_minutes
    rhythm.place = _text(place, PLACE_LENGTH, "place")
    rhythm.no_solution_weeks = no_solution_weeks
    rhythm.overdue_decision_days = overdue_decision_days
    rhythm.max_proposed = max_proposed
    session.flush()
    week = "dernière" if week_of_month == LAST else str(week_of_month)
    audit.record(
        session,
        actor,
        AuditAction.COMMITTEE_UPDATED,
        object_type="psad",
        object_id=psad_id,
        detail=(
            f"rythme: jour={weekday}; semaine={week}; heure={starts_at:%H:%M}; "
            f"sans_solution={no_solution_weeks} semaines; retard={overdue_decision_days} jours; "
            f"lignes_proposees={max_proposed}"
        ),
        psad_id=psad_id,
    )
    return rhythm

"""The orientations' entries of a youth's timeline: one per step (a change of status, or
news), read from ``OrientationStep`` rows, dated like the follow-up's entries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from psad.clock import PARIS, local
from psad.followup.timeline import Entry, When
from psad.orientations.file import where
from psad.orientations.models import (
    NewsKind,
    Orientation,
    OrientationStatus,
    OrientationStep,
)
from psad.youth.models import Youth

Status = OrientationStatus
WHAT = {
    Status.PROPOSED: "Orientation proposée",
    Status.ACCEPTED: "Orientation acceptée",
    Status.REFUSED: "Orientation refusée",
    Status.STARTED: "Orientation commencée",
    Status.COMPLETED: "Orientation terminée (achevée)",
    Status.ABANDONED: "Orientation abandonnée",
    Status.CANCELLED: "Orientation annulée",
}
NEWS = "Nouvelles de l'orientation"
WITH_REASON = (Status.REFUSED, Status.ABANDONED, Status.CANCELLED)


def dated(on: date, recorded_at: datetime | None) -> When:
    """A day: sorted at the time it was recorded if that was the same day, else at its start
    (as the follow-up's entries known by their day)."""
    if recorded_at is not None and local(recorded_at).date() == on:
        sort_at = recorded_at
    else:
        sort_at = datetime.combine(on, time(0), PARIS).astimezone(UTC)
    return When(on=on, at=None, sort_at=sort_at)


def entries(session: Session, youth: Youth) -> list[Entry]:
    """Every step of the youth's orientations, oldest first (the page sorts the timeline)."""
    steps = session.scalars(
        select(OrientationStep)
        .join(Orientation, Orientation.id == OrientationStep.orientation_id)
        .where(Orientation.youth_id == youth.id)
        .options(
            joinedload(OrientationStep.author),
            joinedload(OrientationStep.orientation).joinedload(Orientation.programme),
            joinedload(OrientationStep.orientation).joinedload(Orientation.site),
            joinedload(OrientationStep.orientation).joinedload(Orientation.vacant_place),
        )
        .order_by(OrientationStep.occurred_at, OrientationStep.id)
    )
    return [_entry(step) for step in steps]


def _entry(step: OrientationStep) -> Entry:
    orientation = step.orientation
    target = " · ".join(part for part in (orientation.programme.name, where(orientation)) if part)
    news = step.kind is NewsKind.NEWS
    what = NEWS if news else WHAT[step.status]
    return Entry(
        when=dated(step.on, step.occurred_at),
        kind="orientation",
        what=f"{what} : {target}",
        details=_details(step),
        who=getattr(step.author, "full_name", None),
        anchor=f"orientation-etape-{step.id}",
    )


def _details(step: OrientationStep) -> tuple[str, ...]:
    orientation = step.orientation
    if step.kind is NewsKind.NEWS or step.status not in WITH_REASON:
        return (step.comment,) if step.comment else ()
    details = []
    if step.status is Status.REFUSED and orientation.refused_by is not None:
        details.append(f"Refusée {orientation.refused_by.label}")
    if step.comment:
        details.append(f"Motif : {step.comment}")
    return tuple(details)

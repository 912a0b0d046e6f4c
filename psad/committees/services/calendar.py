"""The secret address of a member's calendar feed: created (replacing the previous one),
revoked, and looked up when a calendar application fetches it.

The token is shown once, when it is created; only its SHA-256 is stored, so that the database
alone does not open anyone's feed. An address answers only while it is not revoked, its user
is active and still a member of the PSAD.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Membership, Psad, User
from psad.committees.models import AgendaItem, CalendarToken, Committee

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100  # token_urlsafe(32) is 43 characters: anything longer is not one
FEED_PAST = timedelta(days=92)  # about three months back
FEED_AHEAD = timedelta(days=366)  # about twelve months ahead


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_token(session: Session, *, user_id: int, psad_id: int) -> CalendarToken | None:
    """The user's address for the PSAD that still answers, if any."""
    return session.scalar(
        select(CalendarToken).where(
            CalendarToken.user_id == user_id,
            CalendarToken.psad_id == psad_id,
            CalendarToken.revoked_at.is_(None),
        )
    )


def _revoke_all(session: Session, *, user_id: int, psad_id: int, now: datetime) -> int:
    result = session.execute(
        update(CalendarToken)
        .where(
            CalendarToken.user_id == user_id,
            CalendarToken.psad_id == psad_id,
            CalendarToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0  # type: ignore[attr-defined]


def create_calendar_token(
    session: Session, *, user: User, psad_id: int, now: datetime, actor: audit.Actor
) -> str:
    """A new secret address for the user's calendar of the PSAD; the previous one stops
    answering. Returns the token in clear: the only time it exists outside the request."""
    revoked = _revoke_all(session, user_id=user.id, psad_id=psad_id, now=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = CalendarToken(user_id=user.id, psad_id=psad_id, token_hash=token_hash(token))
    row.created_at = now
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CALENDAR_TOKEN_CHANGED,
        object_type="calendar_token",
        object_id=row.id,
        detail=f"créée; révoquées={revoked}",
        psad_id=psad_id,
    )
    return token


def revoke_calendar_token(
    session: Session, *, user: User, psad_id: int, now: datetime, actor: audit.Actor
) -> bool:
    """Revoke the user's address for the PSAD. False when there was none."""
    revoked = _revoke_all(session, user_id=user.id, psad_id=psad_id, now=now)
    if revoked:
        audit.record(
            session,
            actor,
            AuditAction.CALENDAR_TOKEN_CHANGED,
            object_type="calendar_token",
            detail=f"révoquées={revoked}",
            psad_id=psad_id,
        )
    return bool(revoked)


@dataclass(frozen=True)
class FeedOwner:
    user: User
    psad: Psad


def feed_owner(session: Session, token: str) -> FeedOwner | None:
    """Whose feed this address opens, or None: unknown, revoked, its user inactive or no
    longer a member of the PSAD, or the PSAD closed."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = session.scalar(
        select(CalendarToken).where(
            CalendarToken.token_hash == token_hash(token), CalendarToken.revoked_at.is_(None)
        )
    )
    if row is None:
        return None
    user = session.get(User, row.user_id)
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == row.user_id, Membership.psad_id == row.psad_id
        )
    )
    if user is None or not user.active or membership is None or not membership.psad.active:
        return None
    return FeedOwner(user=user, psad=membership.psad)


def feed_meetings(session: Session, *, psad_id: int, now: datetime) -> list[Committee]:
    """The PSAD's meetings from about three months ago to twelve months ahead, by date."""
    return list(
        session.scalars(
            select(Committee)
            .where(
                Committee.psad_id == psad_id,
                Committee.starts_at >= now - FEED_PAST,
                Committee.starts_at <= now + FEED_AHEAD,
            )
            .options(selectinload(Committee.psad))
            .order_by(Committee.starts_at, Committee.id)
        )
    )


def upcoming_meetings(session: Session, *, psad_id: int, now: datetime) -> list[Committee]:
    """The PSAD's meetings to come (those started in the last day included), by date."""
    return [
        committee
        for committee in feed_meetings(session, psad_id=psad_id, now=now)
        if committee.starts_at >= now - timedelta(days=1)
    ]


def youth_counts(session: Session, committees: list[Committee]) -> dict[int, int]:
    """How many youth each published agenda holds (a draft agenda is not shown yet)."""
    published = [committee.id for committee in committees if committee.is_published]
    if not published:
        return {}
    counted = session.execute(
        select(AgendaItem.committee_id, func.count())
        .where(AgendaItem.committee_id.in_(published))
        .group_by(AgendaItem.committee_id)
    )
    return {committee_id: number for committee_id, number in counted}

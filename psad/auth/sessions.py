"""Signed-in sessions kept in the database: opened at log-in, checked on every request.

The cookie holds a random token; the database keeps its SHA-256 only. A session ends at
log-out, after the idle timeout or the absolute lifetime, and when its user's password
changes or their account is changed by an administrator: a copy of the cookie made before
then opens nothing, in any web process.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from psad.auth.models import SessionEnd, User, UserSession

# last_seen_at is written at most this often: a page view is not a database write each time.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=60)
    lifetime: timedelta = timedelta(hours=12)


@dataclass(frozen=True)
class SessionCheck:
    """The live session behind a token, or why there is none (``ended`` is None: unknown)."""

    live: UserSession | None
    ended: SessionEnd | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def open_session(session: Session, *, user: User, now: datetime) -> str:
    """Start a session for ``user``; returns the token to put in the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_digest(token), user=user, created_at=now, last_seen_at=now))
    session.flush()
    return token


def check_session(
    session: Session, *, token: str | None, user_id: int, now: datetime, policy: SessionPolicy
) -> SessionCheck:
    """The live session of ``user_id`` behind ``token``, ending it when its time is up."""
    if not token:
        return SessionCheck(None)
    found = session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))
    if found is None or found.user_id != user_id:
        return SessionCheck(None)
    if found.ended_at is not None:
        return SessionCheck(None, found.end_reason)
    if now - found.created_at > policy.lifetime:
        end_session(found, now=now, reason=SessionEnd.EXPIRED)
        return SessionCheck(None, SessionEnd.EXPIRED)
    if now - found.last_seen_at > policy.idle:
        end_session(found, now=now, reason=SessionEnd.IDLE)
        return SessionCheck(None, SessionEnd.IDLE)
    if now - found.last_seen_at >= TOUCH_EVERY:
        found.last_seen_at = now
    return SessionCheck(found)


def end_session(user_session: UserSession, *, now: datetime, reason: SessionEnd) -> None:
    if user_session.ended_at is None:
        user_session.ended_at = now
        user_session.end_reason = reason


def end_user_sessions(
    session: Session,
    *,
    user_id: int,
    now: datetime,
    reason: SessionEnd,
    keep: UserSession | None = None,
) -> int:
    """End every live session of a user but ``keep``; returns how many ended."""
    statement = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    result = session.execute(
        statement.values(ended_at=now, end_reason=reason),
        execution_options={"synchronize_session": "fetch"},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def purge_sessions(session: Session, *, before: datetime) -> int:
    """Forget sessions ended, or last seen, before ``before`` (a scheduled clean-up)."""
    result = session.execute(
        delete(UserSession).where(UserSession.last_seen_at < before),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)

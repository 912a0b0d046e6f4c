"""Personal reply links: a random token per youth and sending, of which only the SHA-256 is
stored; the raw token goes in the outbox row until the message is sent."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.messages.models import ReplyToken
from psad.youth.models import Case, CaseStatus

TOKEN_BYTES = 16  # 128 random bits, 22 characters in a URL
MAX_TOKEN_LENGTH = 64  # longer text in the URL is not a token: refused before hashing


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new_token(
    session: Session, *, psad_id: int, youth_id: int, case_id: int, now: datetime, days: int
) -> tuple[str, ReplyToken]:
    """A new link for this youth's case, valid ``days`` days: the raw token (to send) and
    its row (which keeps only the hash)."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = ReplyToken(
        token_hash=hash_token(raw),
        psad_id=psad_id,
        youth_id=youth_id,
        case_id=case_id,
        created_at=now,
        expires_at=now + timedelta(days=days),
        answers=0,
    )
    session.add(token)
    session.flush()
    return raw, token


def valid_token(session: Session, raw: str, now: datetime) -> ReplyToken | None:
    """The link's row when the token is known, not expired, and its case still open; None
    otherwise (the page then says nothing of why)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = session.scalar(select(ReplyToken).where(ReplyToken.token_hash == hash_token(raw)))
    if token is None or token.expires_at <= now:
        return None
    status = session.scalar(select(Case.status).where(Case.id == token.case_id))
    return token if status is CaseStatus.OPEN else None

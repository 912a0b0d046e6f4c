"""Helpers of the two-factor tests: a clock the test moves, real codes from a user's secret,
a user enrolled beforehand, the two steps of log-in through the real pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
from sqlalchemy.orm import Session

from psad import clock
from psad.audit.services import Actor
from psad.auth import twofactor
from psad.auth.login import LoginPolicy
from psad.auth.models import User
from tests.factories import PASSWORD

NOW = datetime(2026, 11, 30, 9, 0, 5, tzinfo=UTC)  # 10:00:05 in Paris, 5 s into a time step
IP = "127.0.0.1"  # the test client's address
RECOVERY_CODE = r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}"


class Clock:
    """``psad.clock.now`` while the test runs: stands still until the test moves it."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def freeze(monkeypatch: pytest.MonkeyPatch, moment: datetime = NOW) -> Clock:
    frozen = Clock(moment)
    monkeypatch.setattr(clock, "now", frozen)
    return frozen


def code_at(secret: str, moment: datetime) -> str:
    """What the user's authenticator application shows at ``moment`` (pyotp, independently)."""
    return pyotp.TOTP(secret).at(moment)


def enrolled(session: Session, user: User, *, at: datetime = NOW - timedelta(hours=1)) -> list[str]:
    """Give ``user`` a second factor confirmed at ``at`` (an hour ago); returns the recovery
    codes. Committed, for requests to see it."""
    secret = twofactor.begin_enrolment(user)
    codes = twofactor.confirm_enrolment(
        session,
        user=user,
        code=code_at(secret, at),
        now=at,
        policy=LoginPolicy(secret="test"),
        actor=Actor(user_id=user.id, psad_id=None),
        shown=twofactor.fingerprint(secret),
    )
    session.commit()
    return codes


def secret_of(session: Session, user: User) -> str:
    session.refresh(user)
    assert user.totp_secret is not None
    return user.totp_secret


def password_step(client: Any, email: str, *, next: str | None = None) -> Any:
    url = "/connexion" if next is None else f"/connexion?next={next}"
    return client.submit(url, {"email": email, "password": PASSWORD})


def code_step(client: Any, code: str, *, next: str | None = None) -> Any:
    url = "/connexion/code" if next is None else f"/connexion/code?next={next}"
    return client.submit(url, {"code": code})

"""The public reply page's rate limit, per client address, in the log-in's counter table.

Two counters per address, each a ``LoginThrottle`` row whose key is a keyed hash of the
address (never the address itself), forgotten after a day by ``auth.jobs.purge_sign_ins``:

- ``reply:hits:…`` counts every request in a fixed window of ten minutes; past
  ``reply_hits_per_address`` the address waits for the window's end;
- ``reply:wrong:…`` counts wrong or expired links; at ``reply_wrong_tokens_per_address`` the
  address is locked for fifteen minutes, even with a good link (guessing links costs time).

Behind a reverse proxy every visitor has the proxy's address: the limit then holds for all of
them together, as the log-in's does.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from psad.auth.models import LoginThrottle
from psad.config import Settings

WINDOW = timedelta(minutes=10)
LOCKOUT = timedelta(minutes=15)
NO_ADDRESS = "inconnue"


@dataclass(frozen=True)
class ReplyPolicy:
    hits_per_window: int = 30
    wrong_tokens: int = 10
    window: timedelta = WINDOW
    lockout: timedelta = LOCKOUT
    secret: str = ""  # keys the hashes of the addresses


def policy_of(settings: Settings) -> ReplyPolicy:
    return ReplyPolicy(
        hits_per_window=settings.messages.reply_hits_per_address,
        wrong_tokens=settings.messages.reply_wrong_tokens_per_address,
        secret=settings.web.secret_key,
    )


@dataclass(frozen=True)
class Throttled:
    """The address must wait until ``until``; ``first``: the first refusal of this window
    or lock (the one the audit records, so that a flood does not flood the audit)."""

    until: datetime
    first: bool


def _key(policy: ReplyPolicy, kind: str, ip: str | None) -> str:
    message = f"reply\x1f{ip or NO_ADDRESS}".encode("utf-8", "replace")
    digest = hmac.new(policy.secret.encode(), message, hashlib.sha256).hexdigest()[:24]
    return f"reply:{kind}:{digest}"


def _counter(session: Session, key: str) -> LoginThrottle:
    """The counter row, created when missing (without failing when another process creates
    it too), locked for this transaction."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(LoginThrottle).on_conflict_do_nothing(index_elements=["key"])
    session.execute(statement, [{"key": key, "failures": 0}])
    row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    assert row is not None  # inserted above
    return row


def wrong_lock(
    session: Session, *, ip: str | None, now: datetime, policy: ReplyPolicy
) -> datetime | None:
    """The end of the lock wrong links put on ``ip``, while it holds."""
    wrong = session.get(LoginThrottle, _key(policy, "wrong", ip))
    if wrong is None or wrong.locked_until is None or wrong.locked_until <= now:
        return None
    return wrong.locked_until


def check_reply_rate(
    session: Session, *, ip: str | None, now: datetime, policy: ReplyPolicy
) -> Throttled | None:
    """Count one request from ``ip``; whether it must wait (a lock after wrong links, or too
    many requests in this window)."""
    until = wrong_lock(session, ip=ip, now=now, policy=policy)
    if until is not None:
        return Throttled(until=until, first=False)
    hits = _counter(session, _key(policy, "hits", ip))
    # last_failure_at holds the window's start (the purge job forgets it a day later)
    if hits.last_failure_at is None or now - hits.last_failure_at >= policy.window:
        hits.failures, hits.last_failure_at = 0, now
    hits.failures += 1
    if hits.failures > policy.hits_per_window:
        return Throttled(
            until=hits.last_failure_at + policy.window,
            first=hits.failures == policy.hits_per_window + 1,
        )
    return None


def count_wrong_token(
    session: Session, *, ip: str | None, now: datetime, policy: ReplyPolicy
) -> Throttled | None:
    """Count a wrong or expired link from ``ip``; the lock when this one reaches the limit."""
    wrong = _counter(session, _key(policy, "wrong", ip))
    if wrong.last_failure_at is None or now - wrong.last_failure_at > policy.lockout:
        wrong.failures = 0
    wrong.failures += 1
    wrong.last_failure_at = now
    if wrong.failures < policy.wrong_tokens:
        return None
    wrong.failures = 0
    wrong.locked_until = now + policy.lockout
    return Throttled(until=wrong.locked_until, first=True)

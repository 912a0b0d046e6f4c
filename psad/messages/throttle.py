"""The public side's rate limits, in the log-in's counter table: the reply page per client
address and per link, the SMS gateway's webhook per client address.

Each counter is a ``LoginThrottle`` row whose key is a keyed hash of what it counts (never the
address nor the link itself), forgotten after a day by ``auth.jobs.purge_sign_ins``:

- ``reply:hits:…`` counts every request of an address in a fixed window of ten minutes; past
  ``reply_hits_per_address`` the address waits for the window's end;
- ``reply:link:…`` counts the requests to one valid link in the same window, whatever their
  address; past ``LINK_HITS_FACTOR`` times ``reply_hits_per_address`` the link
  waits (a link passed around, or tried from many addresses);
- ``reply:wrong:…`` counts wrong or expired links; at ``reply_wrong_tokens_per_address`` the
  address is locked for fifteen minutes, even with a good link (guessing links costs time);
- ``reply:inbound:…`` counts wrong secrets on ``/sms/entrant``, locked the same way but on its
  own: a misconfigured gateway does not lock youth out of their links, nor the reverse.

The client address is ``request.remote_addr``: behind a reverse proxy, set ``[web]
trusted_proxies`` to the number of proxies, so that it is read from X-Forwarded-For; left at
0 every visitor has the proxy's address, and the limits hold for all of them together.
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
# A link may take this many times an address's requests in a window: a youth opening it on a
# phone, then a computer, behind a shared address, stays well below.
LINK_HITS_FACTOR = 3
WRONG_LINKS = "wrong"  # the reply page's wrong or expired links
WRONG_SECRETS = "inbound"  # the SMS webhook's wrong secrets


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
    """The address (or the link) must wait until ``until``; ``first``: the first refusal of
    this window or lock (the one the audit records, so that a flood does not flood the
    audit)."""

    until: datetime
    first: bool


def _key(policy: ReplyPolicy, kind: str, counted: str | None) -> str:
    """The counter's key: ``kind`` and a keyed hash of what it counts (an address, a link)."""
    message = f"reply\x1f{counted or NO_ADDRESS}".encode("utf-8", "replace")
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
    session: Session,
    *,
    ip: str | None,
    now: datetime,
    policy: ReplyPolicy,
    kind: str = WRONG_LINKS,
) -> datetime | None:
    """The end of the lock wrong links (or, ``kind`` WRONG_SECRETS, wrong secrets of the SMS
    webhook) put on ``ip``, while it holds."""
    wrong = session.get(LoginThrottle, _key(policy, kind, ip))
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
    return _count_hit(session, _key(policy, "hits", ip), now, policy, policy.hits_per_window)


def check_link_rate(
    session: Session, *, token_id: int, now: datetime, policy: ReplyPolicy
) -> Throttled | None:
    """Count one request to the valid link ``token_id``, from any address; whether the link
    must wait (too many requests to it in this window)."""
    bound = policy.hits_per_window * LINK_HITS_FACTOR
    return _count_hit(session, _key(policy, "link", f"lien {token_id}"), now, policy, bound)


def _count_hit(
    session: Session, key: str, now: datetime, policy: ReplyPolicy, bound: int
) -> Throttled | None:
    hits = _counter(session, key)
    # last_failure_at holds the window's start (the purge job forgets it a day later)
    if hits.last_failure_at is None or now - hits.last_failure_at >= policy.window:
        hits.failures, hits.last_failure_at = 0, now
    hits.failures += 1
    if hits.failures > bound:
        return Throttled(
            until=hits.last_failure_at + policy.window, first=hits.failures == bound + 1
        )
    return None


def count_wrong_token(
    session: Session,
    *,
    ip: str | None,
    now: datetime,
    policy: ReplyPolicy,
    kind: str = WRONG_LINKS,
) -> Throttled | None:
    """Count a wrong or expired link (``kind`` WRONG_SECRETS: a wrong secret on the SMS
    webhook) from ``ip``; the lock when this one reaches the limit."""
    wrong = _counter(session, _key(policy, kind, ip))
    if wrong.last_failure_at is None or now - wrong.last_failure_at > policy.lockout:
        wrong.failures = 0
    wrong.failures += 1
    wrong.last_failure_at = now
    if wrong.failures < policy.wrong_tokens:
        return None
    wrong.failures = 0
    wrong.locked_until = now + policy.lockout
    return Throttled(until=wrong.locked_until, first=True)

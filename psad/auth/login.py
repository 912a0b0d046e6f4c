"""Log-in: credentials checked, failures counted in the database, three limits.

Failures are counted over the last ``lockout`` period under three keys: one account from one
client address (``max_failures``), one client address whatever the accounts tried
(``max_failures_per_address``), and one account from every address
(``max_failures_per_account``, the slower limit). Reaching a limit locks that key for
``lockout``. An address alone can thus lock only itself out of an account; locking somebody
else out takes many addresses. Keys and the audit's trace of an unknown address are keyed
hashes, never the text typed (people type passwords in the address field).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import LoginThrottle, User
from psad.auth.passwords import hash_password, needs_rehash, verify_password
from psad.clock import local
from psad.config import AuthSettings
from psad.errors import DomainError


class LoginError(DomainError):
    status_code = 401


class AccountLockedError(LoginError):
    status_code = 429


BAD_CREDENTIALS = "Adresse électronique ou mot de passe incorrect."
NO_ADDRESS = "inconnue"


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    max_failures_per_address: int = 20
    max_failures_per_account: int = 50
    lockout: timedelta = timedelta(minutes=15)
    min_password_length: int = 12
    secret: str = ""  # keys the hashes of throttle keys and of unknown addresses
    max_code_failures_per_day: int = 30  # wrong two-factor codes (psad.auth.twofactor)


def policy_of(settings: AuthSettings, *, secret: str) -> LoginPolicy:
    return LoginPolicy(
        max_failures=settings.max_failed_logins,
        max_failures_per_address=settings.max_failed_logins_per_address,
        max_failures_per_account=settings.max_failed_logins_per_account,
        lockout=timedelta(minutes=settings.lockout_minutes),
        min_password_length=max(12, settings.min_password_length),
        secret=secret,
        max_code_failures_per_day=settings.max_failed_codes_per_day,
    )


def normalize_login_email(email: str) -> str:
    return email.strip().lower()


def _keyed(policy: LoginPolicy, kind: str, value: str) -> str:
    message = f"{kind}\x1f{value}".encode("utf-8", "replace")
    return hmac.new(policy.secret.encode(), message, hashlib.sha256).hexdigest()[:24]


@dataclass(frozen=True)
class ThrottleKeys:
    """The three counters one attempt feeds, with the limit of each."""

    pair: str
    address: str
    account: str

    def limits(self, policy: LoginPolicy) -> list[tuple[str, int]]:
        return [
            (self.address, policy.max_failures_per_address),
            (self.account, policy.max_failures_per_account),
            (self.pair, policy.max_failures),
        ]


def throttle_keys(email: str, ip_address: str | None, policy: LoginPolicy) -> ThrottleKeys:
    account = _keyed(policy, "account", normalize_login_email(email))
    address = _keyed(policy, "address", ip_address or NO_ADDRESS)
    return ThrottleKeys(
        pair=f"pair:{account}:{address}", address=f"address:{address}", account=f"account:{account}"
    )


def unknown_address_trace(email: str, policy: LoginPolicy) -> str:
    """What the audit keeps of an address that names no account: a short keyed hash."""
    return _keyed(policy, "audit", normalize_login_email(email))[:10]


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    now: datetime,
    policy: LoginPolicy,
    ip_address: str | None,
) -> User:
    """Check the credentials; count failures in the database and lock when a limit is met."""
    keys = throttle_keys(email, ip_address, policy)
    user = session.scalar(
        select(User).where(func.lower(User.email) == normalize_login_email(email))
    )
    actor = audit.Actor(user_id=user.id if user else None, psad_id=None, ip_address=ip_address)
    who = _who(user, email, policy)
    locked_until = _locked_until(session, keys, now)
    if locked_until is not None:
        audit.record(
            session,
            actor,
            AuditAction.LOGIN_LOCKED,
            object_type="user",
            object_id=actor.user_id,
            detail=who or None,
        )
        raise AccountLockedError(_locked_message(locked_until, now))
    if not verify_password(user.password_hash if user else None, password) or (
        user is None or not user.active
    ):
        failures, locked_until = _count_failure(session, keys, now, policy)
        audit.record(
            session,
            actor,
            AuditAction.LOGIN_FAILED,
            object_type="user",
            object_id=actor.user_id,
            detail=f"{who}échec {failures}/{policy.max_failures}",
        )
        if locked_until is not None:
            raise AccountLockedError(_locked_message(locked_until, now))
        raise LoginError(BAD_CREDENTIALS)
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_([keys.pair, keys.account])))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.has_two_factor:  # signed in only once the code is accepted (psad.auth.twofactor)
        audit.record(
            session, actor, AuditAction.PASSWORD_ACCEPTED, object_type="user", object_id=user.id
        )
        return user
    user.last_login_at = now
    audit.record(session, actor, AuditAction.LOGIN_SUCCEEDED, object_type="user", object_id=user.id)
    return user


def _who(user: User | None, email: str, policy: LoginPolicy) -> str:
    if user is not None:
        return ""
    return f"adresse inconnue (empreinte {unknown_address_trace(email, policy)}) ; "


def _locked_until(session: Session, keys: ThrottleKeys, now: datetime) -> datetime | None:
    """The latest end of a lock that holds on any of the keys, or None."""
    ends = session.scalars(
        select(LoginThrottle.locked_until).where(
            LoginThrottle.key.in_([keys.pair, keys.address, keys.account]),
            LoginThrottle.locked_until > now,
        )
    ).all()
    return max((end for end in ends if end is not None), default=None)


def _count_failure(
    session: Session, keys: ThrottleKeys, now: datetime, policy: LoginPolicy
) -> tuple[int, datetime | None]:
    """Add the failure to each counter; returns the pair's count and a lock's end, if any."""
    _ensure_rows(session, [key for key, _ in keys.limits(policy)])
    locked_until = None
    pair_failures = 0
    for key, limit in keys.limits(policy):
        throttle = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
        assert throttle is not None  # made by _ensure_rows
        if throttle.last_failure_at is None or now - throttle.last_failure_at > policy.lockout:
            throttle.failures = 0
        throttle.failures += 1
        throttle.last_failure_at = now
        if key == keys.pair:
            pair_failures = throttle.failures
        if throttle.failures >= limit:
            throttle.failures = 0
            throttle.locked_until = now + policy.lockout
            locked_until = throttle.locked_until
    return pair_failures, locked_until


def _ensure_rows(session: Session, keys: list[str]) -> None:
    """Create the counters missing, without failing when another process creates one too."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(LoginThrottle).on_conflict_do_nothing(index_elements=["key"])
    session.execute(statement, [{"key": key, "failures": 0} for key in keys])


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    if minutes > 120:
        return (
            f"Trop de tentatives de connexion échouées : réessayez à partir du "
            f"{local(until):%d/%m/%Y à %H:%M}."
        )
    return (
        f"Trop de tentatives de connexion échouées : réessayez à partir de "
        f"{local(until):%H:%M} (dans {minutes} minute{'s' if minutes > 1 else ''})."
    )


def clear_lockout(session: Session, email: str, policy: LoginPolicy) -> None:
    """Lift the locks of an account (every address); an administrator's decision."""
    account = throttle_keys(email, None, policy).account
    session.execute(
        delete(LoginThrottle).where(
            (LoginThrottle.key == account)
            | LoginThrottle.key.startswith(f"pair:{account.removeprefix('account:')}:")
        )
    )

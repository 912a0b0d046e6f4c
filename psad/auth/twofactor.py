"""Two-factor log-in (TOTP, RFC 6238): enrolment, one-time codes, recovery codes, a PSAD's rule.

A code is good within one step (30 s) either side of now, and only once: the last step
accepted is stored, and an UPDATE guarded on it lets only one of two racing requests win.
Wrong codes count in the log-in throttle (``psad.auth.login``): the same address counter as
passwords, and counters of their own per account and per account and address, that a right
password does not clear (else typing the password again would reset the count of guesses).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.login import (
    AccountLockedError,
    LoginError,
    LoginPolicy,
    ThrottleKeys,
    _count_failure,
    _ensure_rows,
    _locked_message,
    _locked_until,
    normalize_login_email,
    throttle_keys,
)
from psad.auth.models import LoginThrottle, Membership, Psad, RecoveryCode, User
from psad.errors import DomainError

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of now: the phone's clock may be a little off
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10
# Crockford's base32: no I, L, O or U; 32 symbols, so 50 random bits a code.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})

WRONG_CODE = (
    "Code incorrect : saisissez le code à 6 chiffres que votre application affiche maintenant."
)
USED_CODE = "Ce code a déjà servi : attendez le suivant (il change toutes les 30 secondes)."
WRONG_RECOVERY_CODE = "Code de secours incorrect ou déjà utilisé."
NOT_ENROLLED = "La double authentification n'est pas activée sur ce compte."
ALREADY_ENABLED = "La double authentification est déjà activée sur ce compte."
KEY_CHANGED = (
    "La clé a changé depuis l'ouverture de cette page (la page a été ouverte ailleurs) : "
    "scannez le nouveau code QR ci-dessous et saisissez le code qu'il donne."
)
DAY = timedelta(days=1)  # the window and the lock of the day's count of wrong codes
# how the journal says the second step was passed
APPLICATION_CODE = "avec le code de l'application"
RECOVERY_CODE = "avec un code de secours"


class WrongCodeError(LoginError):
    """A code refused (wrong, used already, or not a code): counted like a wrong password."""


class TwoFactorStateError(DomainError):
    status_code = 409


class TwoFactorRequiredError(DomainError):
    status_code = 403


# --- secrets, codes and what enrolment shows -----------------------------------------------


def new_secret() -> str:
    """A random base32 secret of 160 bits (RFC 4226's recommended length)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, *, email: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator application reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def grouped(text: str, size: int) -> str:
    """``text`` in groups of ``size`` characters, easier to read and to type."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def time_step(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    typed = "".join(code.split())
    if len(typed) != DIGITS or not typed.isdigit():
        return None
    current = time_step(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(code_at(secret, step), typed):
            return step
    return None


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    half = RECOVERY_CODE_LENGTH // 2
    return f"{raw[:half]}-{raw[half:]}"


def _recovery_hash(code: str) -> str:
    """The SHA-256 of a code as typed, read leniently: case, dashes and spaces do not count,
    and O, I, L are read as 0, 1, 1 (Crockford's rule)."""
    plain = "".join(code.split()).replace("-", "").upper().translate(_READ_AS)
    return hashlib.sha256(plain.encode("ascii", "replace")).hexdigest()


# --- the PSAD's rule -------------------------------------------------------------------------


def requiring_psads(user: User) -> list[Psad]:
    """The user's PSADs that require a second factor of their members."""
    return [m.psad for m in user.memberships if m.psad.two_factor_required]


def set_requirement(session: Session, *, psad: Psad, required: bool, actor: audit.Actor) -> bool:
    """Make the second factor mandatory (or not) for the PSAD's members; audited when it
    changes. Returns whether it changed."""
    if psad.two_factor_required == required:
        return False
    psad.two_factor_required = required
    audit.record(
        session,
        actor,
        AuditAction.TWO_FACTOR_REQUIREMENT_CHANGED,
        object_type="psad",
        object_id=psad.id,
        psad_id=psad.id,
        detail="obligatoire" if required else "facultative",
    )
    return True


def members_without_two_factor(session: Session, psad: Psad) -> int:
    """How many active members of the PSAD have no second factor yet."""
    return (
        session.scalar(
            select(func.count())
            .select_from(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.psad_id == psad.id,
                User.active.is_(True),
                User.totp_enabled_at.is_(None),
            )
        )
        or 0
    )


# --- the throttle ------------------------------------------------------------------------


def _code_keys(email: str, ip_address: str | None, policy: LoginPolicy) -> ThrottleKeys:
    keys = throttle_keys(email, ip_address, policy)
    return ThrottleKeys(
        pair=f"code-{keys.pair}", address=keys.address, account=f"code-{keys.account}"
    )


def _day_key(email: str, policy: LoginPolicy) -> str:
    """The account's count of wrong codes over a day, whatever the addresses."""
    account = throttle_keys(email, None, policy).account
    return f"code-day:{account.removeprefix('account:')}"


def _day_lock_end(
    session: Session, email: str, now: datetime, policy: LoginPolicy
) -> datetime | None:
    throttle = session.get(LoginThrottle, _day_key(email, policy))
    if throttle is None or throttle.locked_until is None or throttle.locked_until <= now:
        return None
    return throttle.locked_until


def _count_day_failure(
    session: Session, email: str, now: datetime, policy: LoginPolicy
) -> datetime | None:
    """Add a wrong code to the account's day count (which starts again after a day without
    one); at the limit, lock the account's log-in for a day. Returns the lock's end."""
    key = _day_key(email, policy)
    _ensure_rows(session, [key])
    throttle = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    assert throttle is not None  # made by _ensure_rows
    if throttle.last_failure_at is None or now - throttle.last_failure_at > DAY:
        throttle.failures = 0
    throttle.failures += 1
    throttle.last_failure_at = now
    if throttle.failures < policy.max_code_failures_per_day:
        return None
    throttle.failures = 0
    throttle.locked_until = now + DAY
    return throttle.locked_until


def _lock_end(
    session: Session, email: str, ip: str | None, now: datetime, policy: LoginPolicy
) -> datetime | None:
    ends = [
        _locked_until(session, throttle_keys(email, ip, policy), now),
        _locked_until(session, _code_keys(email, ip, policy), now),
        _day_lock_end(session, email, now, policy),
    ]
    return max((end for end in ends if end is not None), default=None)


def ensure_codes_not_locked(
    session: Session, *, email: str, now: datetime, policy: LoginPolicy, ip_address: str | None
) -> None:
    """Before the password is checked: an account locked by wrong codes is refused with the
    same words as one locked by wrong passwords, so that the answer does not tell whether the
    password was right."""
    ends = [
        _locked_until(session, _code_keys(email, ip_address, policy), now),
        _day_lock_end(session, email, now, policy),
    ]
    until = max((end for end in ends if end is not None), default=None)
    if until is None:
        return
    user = session.scalar(
        select(User).where(func.lower(User.email) == normalize_login_email(email))
    )
    user_id = user.id if user else None
    audit.record(
        session,
        audit.Actor(user_id=user_id, psad_id=None, ip_address=ip_address),
        AuditAction.LOGIN_LOCKED,
        object_type="user",
        object_id=user_id,
    )
    raise AccountLockedError(_locked_message(until, now))


def _refuse_if_locked(
    session: Session, user: User, now: datetime, policy: LoginPolicy, actor: audit.Actor
) -> None:
    until = _lock_end(session, user.email, actor.ip_address, now, policy)
    if until is not None:
        audit.record(
            session, actor, AuditAction.LOGIN_LOCKED, object_type="user", object_id=user.id
        )
        raise AccountLockedError(_locked_message(until, now))


def _fail(
    session: Session,
    user: User,
    *,
    now: datetime,
    policy: LoginPolicy,
    actor: audit.Actor,
    what: str,
    message: str,
) -> LoginError:
    failures, locked_until = _count_failure(
        session, _code_keys(user.email, actor.ip_address, policy), now, policy
    )
    locked_for_the_day = _count_day_failure(session, user.email, now, policy)
    if locked_for_the_day is not None:
        locked_until = max(locked_until or locked_for_the_day, locked_for_the_day)
    audit.record(
        session,
        actor,
        AuditAction.TWO_FACTOR_FAILED,
        object_type="user",
        object_id=user.id,
        detail=f"{what} ; échec {failures}/{policy.max_failures}",
    )
    if locked_until is not None:
        return AccountLockedError(_locked_message(locked_until, now))
    return WrongCodeError(message)


def _succeed(session: Session, user: User, ip_address: str | None, policy: LoginPolicy) -> None:
    keys = _code_keys(user.email, ip_address, policy)
    cleared = [keys.pair, keys.account, _day_key(user.email, policy)]
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(cleared)))


def _signed_in(
    session: Session, user: User, *, now: datetime, actor: audit.Actor, how: str
) -> None:
    """The second step of a log-in passed: the log-in is recorded now, saying how."""
    user.last_login_at = now
    audit.record(
        session,
        actor,
        AuditAction.LOGIN_SUCCEEDED,
        object_type="user",
        object_id=user.id,
        detail=how,
    )


# --- checking a code -------------------------------------------------------------------------


def _accept_step(session: Session, user: User, step: int) -> bool:
    """Record ``step`` as used, unless it (or a later one) was used already."""
    result = session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    accepted: bool = result.rowcount == 1  # type: ignore[attr-defined]
    if accepted:
        set_committed_value(user, "totp_last_step", step)
    return accepted


def check_code(
    session: Session,
    *,
    user: User,
    code: str,
    now: datetime,
    policy: LoginPolicy,
    actor: audit.Actor,
) -> None:
    """The second step of a log-in: accept one code of the user's application, once, and
    record the log-in; else count the failure and raise."""
    _take_code(session, user=user, code=code, now=now, policy=policy, actor=actor)
    _signed_in(session, user, now=now, actor=actor, how=APPLICATION_CODE)


def _take_code(
    session: Session,
    *,
    user: User,
    code: str,
    now: datetime,
    policy: LoginPolicy,
    actor: audit.Actor,
) -> None:
    """Accept one code of the user's application, once; else count the failure and raise."""
    if user.totp_secret is None:
        raise TwoFactorStateError(NOT_ENROLLED)
    _refuse_if_locked(session, user, now, policy, actor)
    step = _matching_step(user.totp_secret, code, now)
    if step is None:
        what, message = "code à usage unique", WRONG_CODE
    elif not _accept_step(session, user, step):
        what, message = "code déjà utilisé", USED_CODE
    else:
        _succeed(session, user, actor.ip_address, policy)
        return
    raise _fail(session, user, now=now, policy=policy, actor=actor, what=what, message=message)


def use_recovery_code(
    session: Session,
    *,
    user: User,
    code: str,
    now: datetime,
    policy: LoginPolicy,
    actor: audit.Actor,
) -> int:
    """Spend one recovery code of the user; returns how many remain. Audited."""
    if not user.has_two_factor:
        raise TwoFactorStateError(NOT_ENROLLED)
    _refuse_if_locked(session, user, now, policy, actor)
    result = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _fail(
            session,
            user,
            now=now,
            policy=policy,
            actor=actor,
            what="code de secours",
            message=WRONG_RECOVERY_CODE,
        )
    _succeed(session, user, actor.ip_address, policy)
    _signed_in(session, user, now=now, actor=actor, how=RECOVERY_CODE)
    remaining = recovery_codes_left(session, user)
    audit.record(
        session,
        actor,
        AuditAction.RECOVERY_CODE_USED,
        object_type="user",
        object_id=user.id,
        detail=f"{remaining} code(s) de secours restant(s)",
    )
    return remaining


def recovery_codes_left(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


# --- enrolment, renewal, disabling ------------------------------------------------------------


def begin_enrolment(user: User, *, shown: str | None = None) -> str:
    """The secret to show for enrolment, and to keep until confirmed.

    ``shown`` is the :func:`fingerprint` of the secret this browser was shown before: the
    same browser reloading the page (after scanning the QR code) sees the same secret; any
    other browser makes a new one, which the first can no longer confirm. So a secret seen
    by somebody else (somebody with the password, before the user enrols) never becomes the
    user's second factor.
    """
    if user.has_two_factor:
        raise TwoFactorStateError(ALREADY_ENABLED)
    if user.totp_secret is None or fingerprint(user.totp_secret) != shown:
        user.totp_secret = new_secret()
        user.totp_last_step = None
    return user.totp_secret


def fingerprint(secret: str | None) -> str | None:
    """What a browser keeps of the secret it was shown (in its signed cookie, which anyone
    holding it can read): a digest, from which the secret cannot be found."""
    if secret is None:
        return None
    return hashlib.sha256(f"totp-shown\x1f{secret}".encode()).hexdigest()[:24]


def confirm_enrolment(
    session: Session,
    *,
    user: User,
    code: str,
    now: datetime,
    policy: LoginPolicy,
    actor: audit.Actor,
    shown: str | None,
) -> list[str]:
    """The first right code proves the application works: the second factor is on. Returns
    the ten recovery codes, to be shown once. ``shown``: the fingerprint of the secret this
    browser was shown; refused if another browser has been shown a new one since."""
    if user.has_two_factor:
        raise TwoFactorStateError(ALREADY_ENABLED)
    if shown is None or shown != fingerprint(user.totp_secret):
        raise TwoFactorStateError(KEY_CHANGED)
    _take_code(session, user=user, code=code, now=now, policy=policy, actor=actor)
    user.totp_enabled_at = now
    codes = _replace_recovery_codes(session, user, now)
    audit.record(
        session, actor, AuditAction.TWO_FACTOR_ENABLED, object_type="user", object_id=user.id
    )
    return codes


def renew_recovery_codes(
    session: Session,
    *,
    user: User,
    code: str,
    now: datetime,
    policy: LoginPolicy,
    actor: audit.Actor,
) -> list[str]:
    """Ten new recovery codes (the old ones stop working), against a current code."""
    if not user.has_two_factor:
        raise TwoFactorStateError(NOT_ENROLLED)
    _take_code(session, user=user, code=code, now=now, policy=policy, actor=actor)
    codes = _replace_recovery_codes(session, user, now)
    audit.record(
        session, actor, AuditAction.RECOVERY_CODES_RENEWED, object_type="user", object_id=user.id
    )
    return codes


def disable(
    session: Session,
    *,
    user: User,
    code: str,
    now: datetime,
    policy: LoginPolicy,
    actor: audit.Actor,
) -> None:
    """The user turns the second factor off, against a current code; refused while one of
    their PSADs requires it."""
    if not user.has_two_factor:
        raise TwoFactorStateError(NOT_ENROLLED)
    required = requiring_psads(user)
    if required:
        names = ", ".join(psad.name for psad in required)
        raise TwoFactorRequiredError(
            f"Impossible de désactiver la double authentification : elle est obligatoire dans "
            f"{'vos PSAD' if len(required) > 1 else 'votre PSAD'} ({names})."
        )
    _take_code(session, user=user, code=code, now=now, policy=policy, actor=actor)
    _clear(session, user)
    audit.record(
        session, actor, AuditAction.TWO_FACTOR_DISABLED, object_type="user", object_id=user.id
    )


def reset_by_administrator(session: Session, *, user: User, actor: audit.Actor) -> None:
    """A lost phone: the administrator removes the user's second factor (and recovery
    codes); the user enrols again at their next log-in if a PSAD of theirs requires it."""
    _clear(session, user)
    audit.record(
        session,
        actor,
        AuditAction.TWO_FACTOR_DISABLED,
        object_type="user",
        object_id=user.id,
        detail="réinitialisée par un administrateur",
    )


def _clear(session: Session, user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def _replace_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_recovery_hash(code), created_at=now)
        for code in codes
    )
    session.flush()
    return codes

"""« Mot de passe oublié » : a reset link by e-mail, then a new password; every session ends.

Asking answers the same whatever the address (known, unknown, account disabled, too many
requests): only a known active account within its limits gets a link. A link is 32 random
bytes of which only the SHA-256 is kept; the raw token sits in the outbox row until the
e-mail leaves. It serves once, for ``[auth] reset_link_minutes``; a new link ends the older
unused ones of the account (the latest e-mail is the good one).

Requests are counted per hour in the log-in's counter table, under keyed hashes of the
address typed and of the client address (never the text itself): past a limit nothing is
sent and the same page is shown. A reset sets the password, ends every session of the
account and lifts its log-in locks; it does not sign anybody in (a second factor is still
asked at the next log-in).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.login import (
    NO_ADDRESS,
    LoginPolicy,
    clear_lockout,
    normalize_login_email,
    unknown_address_trace,
)
from psad.auth.models import LoginThrottle, PasswordReset, SessionEnd, User
from psad.auth.passwords import hash_password
from psad.auth.services import check_password_strength
from psad.auth.sessions import end_user_sessions
from psad.clock import local
from psad.config import AuthSettings
from psad.errors import DomainError
from psad.outbox.delivery import CANCELLED, Claimed, register_veto
from psad.outbox.models import LINK_TOKEN_MARK, OutboxPurpose
from psad.outbox.services import enqueue

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 64  # longer text in the URL is not a token: refused before hashing
WINDOW = timedelta(hours=1)
LINK_PATH = "/connexion/nouveau/"
LINK_GONE = "Ce lien n'est plus valable : demandez-en un nouveau."
STALE = f"{CANCELLED}lien de réinitialisation expiré, utilisé ou remplacé avant l'envoi"
SUBJECT = "Suivi PSAD : choisir un nouveau mot de passe"


class ResetLinkInvalidError(DomainError):
    """Unknown, used, expired or superseded: the page does not say which."""

    status_code = 404

    def __init__(self) -> None:
        super().__init__(LINK_GONE)


class RequestOutcome(enum.StrEnum):
    """What became of a request (never shown: the page is the same for all)."""

    SENT = "sent"
    UNKNOWN = "unknown"
    INACTIVE = "inactive"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class ResetPolicy:
    login: LoginPolicy  # its secret keys the counters; its rules check the new password
    link_life: timedelta = timedelta(minutes=60)
    per_account: int = 3
    per_address: int = 10
    window: timedelta = WINDOW


def reset_policy_of(settings: AuthSettings, *, login: LoginPolicy) -> ResetPolicy:
    return ResetPolicy(
        login=login,
        link_life=timedelta(minutes=settings.reset_link_minutes),
        per_account=settings.reset_requests_per_account,
        per_address=settings.reset_requests_per_address,
    )


def link_life_label(life: timedelta) -> str:
    """« 1 heure », « 2 heures », « 45 minutes »: how long a link holds, for people."""
    minutes = int(life.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} heure{'s' if hours > 1 else ''}"
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


# --- asking for a link --------------------------------------------------------------------


def request_reset(
    session: Session,
    *,
    email: str,
    ip_address: str | None,
    now: datetime,
    policy: ResetPolicy,
    base_url: str,
) -> RequestOutcome:
    """Send a reset link to the account of ``email`` if it exists, is active and within the
    limits; count the request either way. The caller shows the same answer for every outcome."""
    address = _count(session, _key(policy, "address", ip_address or NO_ADDRESS), now, policy)
    # An address past its limit does not use up the account's requests as well.
    account = (
        _count(session, _key(policy, "account", normalize_login_email(email)), now, policy)
        if address <= policy.per_address
        else 0
    )
    user = session.scalar(
        select(User).where(func.lower(User.email) == normalize_login_email(email))
    )
    actor = audit.Actor(user_id=user.id if user else None, psad_id=None, ip_address=ip_address)
    trace = "" if user else unknown_address_trace(email, policy.login)
    who = f"adresse inconnue (empreinte {trace}) ; " if trace else ""

    def note(detail: str) -> None:
        audit.record(
            session,
            actor,
            AuditAction.PASSWORD_RESET_REQUESTED,
            object_type="user",
            object_id=actor.user_id,
            detail=f"{who}{detail}",
        )

    if address > policy.per_address or account > policy.per_account:
        # Only the first refusal of the hour is recorded: a flood does not flood the audit.
        if address == policy.per_address + 1:
            note("trop de demandes depuis cette adresse réseau en une heure : rien envoyé")
        elif account == policy.per_account + 1:
            note("trop de demandes pour ce compte en une heure : rien envoyé")
        return RequestOutcome.THROTTLED
    if user is None:
        note("rien envoyé")
        return RequestOutcome.UNKNOWN
    if not user.active:
        note("compte désactivé : rien envoyé")
        return RequestOutcome.INACTIVE
    reset = _new_link(session, user=user, now=now, policy=policy, base_url=base_url)
    note(f"lien envoyé (n° {reset.id})")
    return RequestOutcome.SENT


def _new_link(
    session: Session, *, user: User, now: datetime, policy: ResetPolicy, base_url: str
) -> PasswordReset:
    """A new link for ``user`` (its older unused links end now) and its e-mail in the outbox."""
    _end_links(session, user_id=user.id, now=now)
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    reset = PasswordReset(
        user_id=user.id,
        token_hash=hash_token(raw),
        created_at=now,
        expires_at=now + policy.link_life,
    )
    session.add(reset)
    session.flush()
    enqueue(
        session,
        key=f"password_reset:{reset.id}",
        purpose=OutboxPurpose.PASSWORD_RESET,
        recipient=user.email,
        subject=SUBJECT,
        body_text=reset_email_text(
            base_url=base_url, email=user.email, expires_at=reset.expires_at, life=policy.link_life
        ),
        body_html=None,
        psad_id=None,
        user_id=user.id,
        now=now,
        secret=raw,
    )
    return reset


def reset_email_text(*, base_url: str, email: str, expires_at: datetime, life: timedelta) -> str:
    """The e-mail: the link (its token put in place of the mark as it leaves), how long it
    holds, and what to do when one did not ask. Who asked, and from where, is not said."""
    return (
        "Bonjour,\n\n"
        f"Une demande de nouveau mot de passe a été faite pour votre compte Suivi PSAD "
        f"({email}).\n\n"
        "Pour choisir votre nouveau mot de passe, ouvrez ce lien :\n\n"
        f"{base_url}{LINK_PATH}{LINK_TOKEN_MARK}\n\n"
        f"Ce lien est valable {link_life_label(life)} (jusqu'à "
        f"{local(expires_at):%H:%M} le {local(expires_at):%d/%m/%Y}) et ne sert qu'une fois. "
        "Si vous avez fait plusieurs demandes, seul le lien du dernier courriel fonctionne.\n"
        "Une fois le mot de passe changé, toutes vos sessions ouvertes sont fermées : "
        "reconnectez-vous avec le nouveau mot de passe.\n\n"
        "Vous n'avez rien demandé ? Ne cliquez pas sur le lien et ignorez ce courriel : "
        "votre mot de passe actuel reste valable. Si ce courriel revient sans que vous "
        "l'ayez demandé, prévenez l'administrateur de l'application.\n\n"
        "Ce courriel est envoyé automatiquement : n'y répondez pas.\n"
    )


def _key(policy: ResetPolicy, kind: str, value: str) -> str:
    message = f"reset\x1f{kind}\x1f{value}".encode("utf-8", "replace")
    digest = hmac.new(policy.login.secret.encode(), message, hashlib.sha256).hexdigest()[:24]
    return f"reset:{kind}:{digest}"


def _count(session: Session, key: str, now: datetime, policy: ResetPolicy) -> int:
    """Add one request to the counter ``key`` (a window of an hour from its first request);
    returns the count in this window. The purge job forgets counters a day old."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(LoginThrottle).on_conflict_do_nothing(index_elements=["key"]),
        [{"key": key, "failures": 0}],
    )
    row = session.get(LoginThrottle, key, with_for_update=True, populate_existing=True)
    assert row is not None  # inserted above
    # last_failure_at holds the window's start
    if row.last_failure_at is None or now - row.last_failure_at >= policy.window:
        row.failures, row.last_failure_at = 0, now
    row.failures += 1
    return row.failures


def _end_links(session: Session, *, user_id: int, now: datetime, but: int | None = None) -> None:
    """End the user's unused links still valid (all of them, or all but ``but``)."""
    statement = update(PasswordReset).where(
        PasswordReset.user_id == user_id,
        PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > now,
    )
    if but is not None:
        statement = statement.where(PasswordReset.id != but)
    session.execute(
        statement.values(expires_at=now), execution_options={"synchronize_session": False}
    )


# --- using a link -------------------------------------------------------------------------


def valid_link(session: Session, *, token: str, now: datetime) -> PasswordReset | None:
    """The link behind ``token`` when it exists, is unused, unexpired and its account active."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    reset = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    user = session.get(User, reset.user_id)
    return reset if user is not None and user.active else None


def reset_password(
    session: Session,
    *,
    token: str,
    new: str,
    now: datetime,
    policy: ResetPolicy,
    ip_address: str | None,
) -> User:
    """Set the password of the link's account; the link is used (once: a guarded UPDATE, so
    two posts cannot both use it), every session of the account ends, its log-in locks are
    lifted. Raises ``ResetLinkInvalidError`` or ``InvalidPasswordError``."""
    reset = valid_link(session, token=token, now=now)
    if reset is None:
        raise ResetLinkInvalidError()
    user = session.get_one(User, reset.user_id)
    check_password_strength(new, policy.login, email=user.email)
    password_hash = hash_password(new)
    used = session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == reset.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now),
        execution_options={"synchronize_session": "fetch"},
    )
    if getattr(used, "rowcount", 0) != 1:
        raise ResetLinkInvalidError()
    _end_links(session, user_id=user.id, now=now, but=reset.id)
    user.password_hash = password_hash
    user.password_changed_at = now
    ended = end_user_sessions(session, user_id=user.id, now=now, reason=SessionEnd.PASSWORD_RESET)
    clear_lockout(session, user.email, policy.login)
    audit.record(
        session,
        audit.Actor(user_id=user.id, psad_id=None, ip_address=ip_address),
        AuditAction.PASSWORD_RESET_DONE,
        object_type="user",
        object_id=user.id,
        detail=f"lien n° {reset.id} ; {ended} session(s) fermée(s)",
    )
    return user


def purge_links(session: Session, *, before: datetime) -> int:
    """Forget links that ended (expired, superseded or used) before ``before``."""
    result = session.execute(
        delete(PasswordReset).where(
            (PasswordReset.expires_at < before) | (PasswordReset.used_at < before)
        ),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def refuse_stale_links(session: Session, messages: Sequence[Claimed]) -> dict[int, str]:
    """The outbox's veto: a reset e-mail whose link expired, served or was replaced while
    the mail server was down does not leave late with a dead link."""
    now = clock.now()
    return {
        message.id: STALE
        for message in messages
        if message.purpose is OutboxPurpose.PASSWORD_RESET
        and (message.secret is None or valid_link(session, token=message.secret, now=now) is None)
    }


register_veto(refuse_stale_links)

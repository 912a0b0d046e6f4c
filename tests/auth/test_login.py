"""Log-in: credentials, failures counted in the database under three limits, what is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.login import (
    AccountLockedError,
    LoginError,
    LoginPolicy,
    authenticate,
    clear_lockout,
    throttle_keys,
)
from psad.auth.models import LoginThrottle, User
from tests.factories import PASSWORD, make_user
from tests.helpers import events

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 10:00 in Paris
POLICY = LoginPolicy(
    max_failures=2,
    max_failures_per_address=6,
    max_failures_per_account=4,
    lockout=timedelta(minutes=15),
    secret="test-secret",
)
IP = "192.0.2.7"
WRONG = "mauvais mot de passe"


def try_login(
    session: Session,
    email: str,
    password: str = PASSWORD,
    *,
    now: datetime = NOW,
    ip: str = IP,
) -> User:
    return authenticate(
        session, email=email, password=password, now=now, policy=POLICY, ip_address=ip
    )


def fail(session: Session, email: str, *, ip: str = IP, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(LoginError):
            try_login(session, email, WRONG, ip=ip)


def fail_until_locked(session: Session, email: str, *, ip: str = IP) -> None:
    fail(session, email, ip=ip, times=POLICY.max_failures - 1)
    with pytest.raises(AccountLockedError):
        try_login(session, email, WRONG, ip=ip)


def pair(session: Session, email: str, ip: str = IP) -> LoginThrottle | None:
    return session.get(LoginThrottle, throttle_keys(email, ip, POLICY).pair)


# --- credentials --------------------------------------------------------------------------


def test_right_password_returns_the_user(session):
    user = make_user(session, email="pilote@psad.example")

    assert try_login(session, "pilote@psad.example") is user


def test_email_is_matched_ignoring_case_and_spaces(session):
    user = make_user(session, email="pilote@psad.example")

    assert try_login(session, "  Pilote@PSAD.example ") is user


def test_successful_login_is_dated_and_audited_with_the_address(session):
    user = make_user(session, email="pilote@psad.example")

    try_login(session, "pilote@psad.example")

    assert user.last_login_at == NOW
    [event] = events(session, "login.succeeded")
    assert (event.user_id, event.object_id, event.ip_address) == (user.id, user.id, IP)


def test_wrong_password_is_refused_with_french_message(session):
    make_user(session, email="pilote@psad.example")

    with pytest.raises(LoginError) as error:
        try_login(session, "pilote@psad.example", WRONG)

    assert error.value.message == "Adresse électronique ou mot de passe incorrect."
    assert error.value.status_code == 401


def test_unknown_address_gets_the_same_message_as_a_wrong_password(session):
    with pytest.raises(LoginError) as error:
        try_login(session, "personne@psad.example")

    assert error.value.message == "Adresse électronique ou mot de passe incorrect."


def test_inactive_account_is_refused_even_with_right_password(session):
    make_user(session, email="parti@psad.example", active=False)

    with pytest.raises(LoginError):
        try_login(session, "parti@psad.example")


# --- what is kept of a failure ------------------------------------------------------------


def test_failed_login_of_unknown_address_keeps_a_short_keyed_hash_only(session):
    typed = "Secret-Typed-In-The-Wrong-Field"

    fail(session, typed, times=2)

    first, second = events(session, "login.failed")
    assert first.user_id is None
    assert typed.lower() not in (first.detail or "").lower()
    trace = (first.detail or "").split("empreinte ")[1][:10]
    assert len(trace) == 10
    assert trace in (second.detail or "")  # the two attempts can be linked


def test_failed_login_of_a_known_account_names_the_account_not_the_text(session):
    user = make_user(session, email="pilote@psad.example")

    fail(session, "PILOTE@psad.example")

    [event] = events(session, "login.failed")
    assert (event.user_id, event.object_id, event.detail) == (user.id, user.id, "échec 1/2")


def test_no_typed_text_is_stored_in_the_counters(session):
    typed = "Secret-Typed-In-The-Wrong-Field"

    fail(session, typed)

    keys = " ".join(session.scalars(select(LoginThrottle.key)))
    assert len(keys.split()) == 3  # the failure was counted three times...
    assert typed.lower() not in keys.lower()  # ...under keys that are not the text
    assert IP not in keys


def test_failures_are_counted_in_the_database(session):
    make_user(session, email="pilote@psad.example")

    fail(session, "pilote@psad.example")

    throttle = pair(session, "pilote@psad.example")
    assert throttle is not None
    assert (throttle.failures, throttle.last_failure_at) == (1, NOW)


# --- the lock of an account from one address ----------------------------------------------


def test_too_many_failures_lock_with_a_message_saying_when_to_retry(session):
    make_user(session, email="pilote@psad.example")
    fail(session, "pilote@psad.example")

    with pytest.raises(AccountLockedError) as error:
        try_login(session, "pilote@psad.example", WRONG)

    assert error.value.message == (
        "Trop de tentatives de connexion échouées : réessayez à partir de 10:15 (dans 15 minutes)."
    )
    assert error.value.status_code == 429


def test_lockout_is_stored_in_the_database_for_every_process(app, session):
    make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example")
    session.commit()

    with Session(bind=app.extensions["psad_test_bind"]) as other_process:
        throttle = pair(other_process, "pilote@psad.example")

    assert throttle is not None
    assert throttle.locked_until == NOW + timedelta(minutes=15)


def test_locked_account_refuses_even_the_right_password(session):
    make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example")

    with pytest.raises(AccountLockedError) as error:
        try_login(session, "pilote@psad.example", now=NOW + timedelta(minutes=14))

    assert "réessayez à partir de 10:15 (dans 1 minute)." in error.value.message


def test_refused_login_while_locked_is_audited(session):
    user = make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example")

    with pytest.raises(AccountLockedError):
        try_login(session, "pilote@psad.example")

    [event] = events(session, "login.locked")
    assert event.user_id == user.id


def test_account_opens_again_after_the_lockout(session):
    user = make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example")

    assert try_login(session, "pilote@psad.example", now=NOW + timedelta(minutes=16)) is user


def test_old_failures_do_not_count_towards_a_new_lock(session):
    user = make_user(session, email="pilote@psad.example")
    fail(session, "pilote@psad.example")

    later = NOW + timedelta(minutes=16)
    with pytest.raises(LoginError) as error:
        try_login(session, "pilote@psad.example", WRONG, now=later)

    assert not isinstance(error.value, AccountLockedError)
    assert try_login(session, "pilote@psad.example", now=later) is user


def test_successful_login_clears_the_failure_count(session):
    make_user(session, email="pilote@psad.example")
    fail(session, "pilote@psad.example")

    try_login(session, "pilote@psad.example")
    session.flush()

    assert pair(session, "pilote@psad.example") is None


def test_unknown_address_is_locked_too(session):
    fail_until_locked(session, "personne@psad.example")

    throttle = pair(session, "personne@psad.example")
    assert throttle is not None
    assert throttle.locked_until == NOW + timedelta(minutes=15)


# --- an attacker's address, and locking somebody else out --------------------------------


def test_one_address_trying_many_accounts_is_stopped(session):
    """30 addresses x 4 attempts from one client all got through before this limit."""
    for number in range(POLICY.max_failures_per_address):
        make_user(session, email=f"cible{number}@psad.example")
    for number in range(POLICY.max_failures_per_address - 1):
        fail(session, f"cible{number}@psad.example")

    with pytest.raises(AccountLockedError):
        try_login(session, f"cible{POLICY.max_failures_per_address - 1}@psad.example", WRONG)
    # from that address, even a right password waits for the end of the lock
    with pytest.raises(AccountLockedError):
        try_login(session, "cible0@psad.example")


def test_other_addresses_are_not_hit_by_one_address_lock(session):
    user = make_user(session, email="cible@psad.example")
    for number in range(POLICY.max_failures_per_address):
        with pytest.raises(LoginError):
            try_login(session, f"x{number}@psad.example", WRONG)

    assert try_login(session, "cible@psad.example", ip="198.51.100.9") is user


def test_one_address_cannot_lock_the_owner_out(session):
    user = make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example", ip="203.0.113.66")

    assert try_login(session, "pilote@psad.example", ip="198.51.100.9") is user


def test_many_addresses_together_lock_the_account_for_every_address(session):
    make_user(session, email="pilote@psad.example")
    for number in range(POLICY.max_failures_per_account - 1):
        fail(session, "pilote@psad.example", ip=f"203.0.113.{number}")

    with pytest.raises(AccountLockedError):
        try_login(session, "pilote@psad.example", WRONG, ip="203.0.113.250")
    with pytest.raises(AccountLockedError):
        try_login(session, "pilote@psad.example", ip="198.51.100.9")


def test_an_administrator_lifts_the_locks_of_an_account(session):
    user = make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example")

    clear_lockout(session, "Pilote@psad.example", POLICY)

    assert try_login(session, "pilote@psad.example") is user

"""The two-factor service: a code good once even for two requests at once, recovery codes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth import twofactor
from psad.auth.login import LoginPolicy
from psad.auth.models import RecoveryCode, User
from tests.auth._two_factor import NOW, RECOVERY_CODE, code_at, enrolled, secret_of

POLICY = LoginPolicy(secret="test")


def check(session: Session, user: User, code: str) -> None:
    twofactor.check_code(
        session,
        user=user,
        code=code,
        now=NOW,
        policy=POLICY,
        actor=Actor(user_id=user.id, psad_id=None, ip_address="192.0.2.7"),
    )


def test_a_code_is_taken_once_when_two_requests_hold_it_at_once(app, session, pilot):
    """This request read the user before another one took the code: its copy of the last step
    is stale, and the UPDATE guarded on the stored step refuses the code all the same."""
    enrolled(session, pilot)
    code = code_at(secret_of(session, pilot), NOW)  # ``pilot`` read now, before the other use
    other = Session(bind=app.extensions["psad_test_bind"], join_transaction_mode="create_savepoint")
    first = other.get(User, pilot.id)
    assert first is not None
    check(other, first, code)
    other.commit()
    other.close()

    with pytest.raises(twofactor.WrongCodeError, match="Ce code a déjà servi"):
        check(session, pilot, code)


def test_the_step_accepted_is_stored(session, pilot):
    enrolled(session, pilot)

    check(session, pilot, code_at(secret_of(session, pilot), NOW))

    session.expire_all()
    assert session.get(User, pilot.id).totp_last_step == twofactor.time_step(NOW)  # type: ignore[union-attr]


def test_recovery_codes_are_ten_grouped_codes_of_an_unambiguous_alphabet(session, pilot):
    codes = enrolled(session, pilot)

    assert len(set(codes)) == 10
    assert all(re.fullmatch(RECOVERY_CODE, code) for code in codes)
    assert not any(letter in "".join(codes) for letter in "ILOU")


def test_recovery_codes_are_stored_as_sha256_only(session, pilot):
    codes = enrolled(session, pilot)

    stored = set(session.scalars(select(RecoveryCode.code_hash)))

    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in stored)
    assert len(stored) == 10
    assert not stored & {c for code in codes for c in (code, code.replace("-", ""))}


def test_a_secret_is_new_each_time(session):
    assert twofactor.new_secret() != twofactor.new_secret()
    assert len(twofactor.new_secret()) == 32  # 160 bits in base32

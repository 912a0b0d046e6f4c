"""Passwords are hashed with Argon2id and the library's production parameters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from psad.auth import passwords


@pytest.fixture
def production() -> Iterator[None]:
    """The real parameters for this test (the suite runs with cheap ones)."""
    cheap = passwords._current.hasher
    passwords.use_hasher(passwords.PRODUCTION)
    yield
    passwords.use_hasher(cheap)


def test_production_hashes_are_argon2id_with_64_mib_3_passes_4_lanes(production):
    stored = passwords.hash_password("correct horse battery")

    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "correct horse batterie")
    assert not passwords.needs_rehash(stored)


def test_a_hash_made_with_weaker_parameters_is_made_again_at_log_in(production):
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("x" * 12)

    assert passwords.needs_rehash(weak)


def test_an_unknown_account_is_checked_against_a_dummy_hash_and_refused():
    assert not passwords.verify_password(None, "not a real password, only for constant time")

"""Password hashing with Argon2id (argon2-cffi), with the library's production parameters.

The test suite swaps in cheap parameters (``use_hasher``); one test checks the real ones.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults: RFC 9106's low-memory profile (64 MiB, 3 passes, 4 lanes).
PRODUCTION = PasswordHasher()


class _Hashing:
    """The hasher in use, and a hash of no password made with it: verifying against that
    keeps the time of a log-in with an unknown address the same as with a known one."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.dummy = hasher.hash("not a real password, only for constant time")


_current = _Hashing(PRODUCTION)


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash with other parameters from now on (the test suite's cheap ones)."""
    global _current
    _current = _Hashing(hasher)


def hash_password(password: str) -> str:
    return _current.hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        checked = _current.hasher.verify(password_hash or _current.dummy, password)
    except (VerificationError, InvalidHashError):
        return False
    return checked and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _current.hasher.check_needs_rehash(password_hash)

"""The access matrix's world (two PSADs, four youth, one user per role), for every test here."""

from tests.access.test_youth_scope import access_world

__all__ = ["access_world"]

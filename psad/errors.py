"""Errors that services raise and entry points turn into a message for people."""

from __future__ import annotations


class DomainError(Exception):
    """A situation the user can understand; ``message`` is French and can be shown as is."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    """The record does not exist or lies outside the acting user's scope (both answer 404)."""

    status_code = 404


class PermissionDeniedError(DomainError):
    """The user's role does not allow the action at all."""

    status_code = 403


class ConfigError(Exception):
    """A missing or invalid setting; the message names the key."""

"""What the messaging services refuse, in French."""

from __future__ import annotations

from psad.errors import DomainError


class MessagingError(DomainError):
    """A sending or a template the app refuses; the message says why, in French."""


class TemplateError(DomainError):
    """A template with errors; ``errors`` maps each form field to its French messages."""

    status_code = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Le modèle n'est pas enregistré : corrigez les champs signalés.")
        self.errors = errors

"""What an import is asked to do (``ImportRequest``), what it did (``ImportResult``), and
the errors that stop it: the types the service, the writer and the entry points share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from psad.audit.services import Actor
from psad.auth.models import Psad
from psad.errors import DomainError
from psad.imports.checking import Problem
from psad.imports.models import ImportBatch, ImportOrigin, ListSource


class AlreadyImportedError(DomainError):
    status_code = 409

    def __init__(self, message: str, batch: ImportBatch) -> None:
        super().__init__(message)
        self.batch = batch


class ConcurrentImportError(DomainError):
    """A youth of the list was saved meanwhile by another PSAD's import or a signalement."""

    status_code = 409


@dataclass(frozen=True)
class ImportRequest:
    """Who imports which list into which PSAD, and when (``now`` stamps the rows written,
    ``today`` opens the cases): the entry point reads the clock, never the service."""

    psad: Psad
    label: str
    source: ListSource
    origin: ImportOrigin
    actor: Actor
    today: date
    now: datetime
    user_id: int | None = None


@dataclass
class ImportResult:
    batch: ImportBatch | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    opened: int = 0
    reopened: int = 0
    rejected: int = 0
    conflicts: int = 0
    warnings: int = 0
    rows_read: int = 0
    already_imported: bool = False
    # Found while applying (conflicts with another PSAD, a youth met twice): the report adds
    # them to the analysis's problems.
    late_problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch.id if self.batch and not self.already_imported else None,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "opened": self.opened,
            "reopened": self.reopened,
            "rejected": self.rejected,
            "conflicts": self.conflicts,
            "warnings": self.warnings,
            "rows_read": self.rows_read,
            "already_imported": self.already_imported,
        }

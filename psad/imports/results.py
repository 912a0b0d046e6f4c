"""What an import is asked to do (``ImportRequest``), what it did (``ImportResult``), and
the errors that stop it: the types the service, the writer and the entry points share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from psad.audit.services import Actor
from psad.auth.models import Psad
from psad.errors import DomainError
from psad.imports.checking import ParsedRow, Problem
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


@dataclass(frozen=True)
class Conflict:
    """A row whose youth another PSAD follows: its line, the youth met and that PSAD (ids,
    never shown to the importing PSAD), and the identity the row gave. The batch's report
    keeps it (``"conflicts"``) so that the importing pilote can ask that PSAD for a transfer
    (``psad.transfers``) without ever seeing its file."""

    line: int
    youth_id: int
    psad_id: int
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None

    @classmethod
    def of_row(cls, row: ParsedRow, *, youth_id: int, psad_id: int) -> Conflict:
        values = row.youth
        birth_date = values.get("birth_date")
        return cls(
            line=row.line,
            youth_id=youth_id,
            psad_id=psad_id,
            last_name=str(values.get("last_name") or ""),
            first_name=str(values.get("first_name") or ""),
            birth_date=birth_date if isinstance(birth_date, date) else None,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "youth_id": self.youth_id,
            "psad_id": self.psad_id,
            "last_name": self.last_name,
            "first_name": self.first_name,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Conflict:
        birth_date = stored.get("birth_date")
        return cls(
            line=int(stored["line"]),
            youth_id=int(stored["youth_id"]),
            psad_id=int(stored["psad_id"]),
            last_name=stored.get("last_name") or "",
            first_name=stored.get("first_name") or "",
            birth_date=date.fromisoformat(birth_date) if birth_date else None,
        )

    @classmethod
    def all_in(cls, report: dict[str, Any]) -> dict[int, Conflict]:
        """The conflicts a batch's report keeps, by line (none in lists imported before the
        report kept them)."""
        return {c.line: c for c in map(cls.from_dict, report.get("conflicts", []))}


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
    # The rows of youth followed by another PSAD, whom the pilote may ask for a transfer
    conflicted: list[Conflict] = field(default_factory=list)

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

"""What the check of a row can find: an error rejects the row, a warning empties a cell."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class ProblemLevel(enum.StrEnum):
    """How serious a problem is.

    The values are French because the reports of the lists already imported (and the
    previews waiting for a confirmation) store them so, in JSON: they stay as they are.
    """

    ERROR = "erreur"
    WARNING = "avertissement"
    CONFLICT = "conflit"

    @property
    def label(self) -> str:
        return PROBLEM_LEVEL_LABELS[self]

    @property
    def rejects_row(self) -> bool:
        """Whether the row is left out of the import (its youth is not created or updated)."""
        return self is ProblemLevel.ERROR


PROBLEM_LEVEL_LABELS = {
    ProblemLevel.ERROR: "Erreur : ligne non importée",
    ProblemLevel.WARNING: "Avertissement",
    ProblemLevel.CONFLICT: "Conflit : jeune non importé",
}


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    level: ProblemLevel
    message: str
    column: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "level": self.level,
            "column": self.column,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Problem:
        """A problem as a preview or a report stored it."""
        return cls(
            line=stored["line"],
            level=ProblemLevel(stored["level"]),
            message=stored["message"],
            column=stored.get("column"),
        )

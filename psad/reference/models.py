"""Reference lists that an administrator edits (situations, closing reasons, channels...)."""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from psad.db import Base, enum_column


class ReferenceKind(enum.StrEnum):
    SITUATION = "situation"
    CLOSING_REASON = "closing_reason"
    CONTACT_CHANNEL = "contact_channel"
    CONTACT_OUTCOME = "contact_outcome"
    EXIT_REASON = "exit_reason"
    OBSTACLE = "obstacle"
    WISH = "wish"
    SOLUTION = "solution"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ReferenceKind.SITUATION: "Situations constatées",
    ReferenceKind.CLOSING_REASON: "Motifs de clôture",
    ReferenceKind.CONTACT_CHANNEL: "Modes de contact",
    ReferenceKind.CONTACT_OUTCOME: "Résultats de contact",
    ReferenceKind.EXIT_REASON: "Motifs de sortie de formation",
    ReferenceKind.OBSTACLE: "Freins périphériques",
    ReferenceKind.WISH: "Projets et souhaits",
    ReferenceKind.SOLUTION: "Solutions trouvées",
}


class ReferenceItem(Base):
    __tablename__ = "reference_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReferenceKind] = mapped_column(enum_column(ReferenceKind))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("kind", "code"),)


class Commune(Base):
    """A commune of the code officiel géographique, with its centre: the offer's map and the
    distance from a youth's commune to a vacant place are computed from these. The app ships
    the communes of its demo territory; ``psad communes charger FICHIER`` loads the official
    file (any spreadsheet the list reader reads)."""

    __tablename__ = "communes"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)  # INSEE, not postal
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), index=True)  # folded: accents, case
    postal_codes: Mapped[str | None] = mapped_column(String(200))  # separated by spaces
    department: Mapped[str] = mapped_column(String(3))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

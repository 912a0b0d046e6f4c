"""A transfer of a youth from the PSAD that follows them to another PSAD of the installation.

Two ways to start one, one way to end it. The PSAD that follows the youth *offers* them to
another PSAD (the youth moved), whose pilotes decide; or a PSAD whose imported list met a
youth followed elsewhere *requests* them, and the PSAD that follows the youth decides. Either
way, once accepted, the youth goes from ``from_psad`` to ``to_psad``. The side that asked
may cancel while the transfer waits; the other side accepts or refuses with a reason.

The asking side keeps what it knew of the youth when it asked (``subject_*``: its file at
the offer, its list's row for a request): its pages show that, never the youth's current
file, which it cannot see (any more, or yet).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from psad import clock
from psad.auth.models import Psad, User
from psad.db import Base, enum_column
from psad.imports.models import ImportBatch
from psad.youth.models import Youth

COMMENT_LENGTH = 1000


def psad_label(psad: Psad) -> str:
    """A PSAD as sentences name it: « la PSAD LENS (PSAD de Lens) »."""
    return f"{psad.code} ({psad.name})"


class TransferDirection(enum.StrEnum):
    """Who asked: the PSAD that follows the youth (offer) or the one that wants them
    (request, from a conflict of its imported list)."""

    OFFER = "offer"
    REQUEST = "request"

    @property
    def label(self) -> str:
        return "Proposition" if self is TransferDirection.OFFER else "Demande"


class TransferState(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return TRANSFER_STATE_LABELS[self]


TRANSFER_STATE_LABELS = {
    TransferState.PROPOSED: "En attente",
    TransferState.ACCEPTED: "Accepté",
    TransferState.REFUSED: "Refusé",
    TransferState.CANCELLED: "Annulé",
}


class Transfer(Base):
    """One transfer, from its proposal (or request) to its decision."""

    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    from_psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), index=True)
    to_psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), index=True)
    direction: Mapped[TransferDirection] = mapped_column(enum_column(TransferDirection))
    state: Mapped[TransferState] = mapped_column(
        enum_column(TransferState), default=TransferState.PROPOSED
    )
    comment: Mapped[str] = mapped_column(String(COMMENT_LENGTH))
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Accepted, refused, or cancelled by the side that asked
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    refusal_reason: Mapped[str | None] = mapped_column(String(COMMENT_LENGTH))
    # A request made from a conflict of an imported list: that list and its line
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    line: Mapped[int | None]
    # The youth as the asking side knew them (see the module's docstring)
    subject_last_name: Mapped[str] = mapped_column(String(120))
    subject_first_name: Mapped[str] = mapped_column(String(120))
    subject_birth_date: Mapped[date | None] = mapped_column(Date)
    # Optimistic locking: a transfer decided meanwhile by someone else is not decided again.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    youth: Mapped[Youth] = relationship()
    from_psad: Mapped[Psad] = relationship(foreign_keys=[from_psad_id])
    to_psad: Mapped[Psad] = relationship(foreign_keys=[to_psad_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    batch: Mapped[ImportBatch | None] = relationship()

    __table_args__ = (
        Index(
            "uq_transfers_one_pending_per_youth",
            "youth_id",
            unique=True,
            sqlite_where=text("state = 'proposed'"),
            postgresql_where=text("state = 'proposed'"),
        ),
    )

    @property
    def is_pending(self) -> bool:
        return self.state is TransferState.PROPOSED

    @property
    def is_request(self) -> bool:
        return self.direction is TransferDirection.REQUEST

    @property
    def deciding_psad(self) -> Psad:
        """The side that accepts or refuses: the other one than the side that asked."""
        return self.to_psad if self.direction is TransferDirection.OFFER else self.from_psad

    @property
    def asking_psad(self) -> Psad:
        return self.from_psad if self.direction is TransferDirection.OFFER else self.to_psad

    @property
    def subject_name(self) -> str:
        return f"{self.subject_last_name.upper()} {self.subject_first_name}"

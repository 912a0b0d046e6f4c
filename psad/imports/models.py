"""Imported lists (batches), the youth each one listed, and imports in progress (jobs)."""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from psad import clock
from psad.auth.models import Psad, User
from psad.db import Base, enum_column
from psad.youth.models import Youth

# A list's label (« SIEI mars 2026 »), on its batch and on its job.
LABEL_LENGTH = 200


class ListSource(enum.StrEnum):
    """Where a list comes from."""

    SIEI = "siei"
    SCHOOL = "school"
    PARTNER = "partner"
    OTHER = "other"

    @property
    def label(self) -> str:
        return LIST_SOURCE_LABELS[self]


LIST_SOURCE_LABELS = {
    ListSource.SIEI: "Campagne SIEI (RIO)",
    ListSource.SCHOOL: "Liste d'un établissement",
    ListSource.PARTNER: "Liste d'un partenaire",
    ListSource.OTHER: "Autre liste",
}


class ImportOrigin(enum.StrEnum):
    WEB = "web"
    CLI = "cli"
    INBOX = "inbox"

    @property
    def label(self) -> str:
        return {"web": "Page web", "cli": "Ligne de commande", "inbox": "Dossier de dépôt"}[
            self.value
        ]


class ListingOutcome(enum.StrEnum):
    """What an import did with a youth it listed. Stored by value in ``listings.outcome``."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    UPDATED_REOPENED = "updated+reopened"
    UNCHANGED_REOPENED = "unchanged+reopened"

    @classmethod
    def of_known(cls, *, changed: bool, reopened: bool) -> ListingOutcome:
        """The outcome for a youth already known: values changed or not, case reopened or not."""
        if reopened:
            return cls.UPDATED_REOPENED if changed else cls.UNCHANGED_REOPENED
        return cls.UPDATED if changed else cls.UNCHANGED

    @property
    def label(self) -> str:
        return LISTING_OUTCOME_LABELS[self]


LISTING_OUTCOME_LABELS = {
    ListingOutcome.CREATED: "créé",
    ListingOutcome.UPDATED: "mis à jour",
    ListingOutcome.UNCHANGED: "inchangé",
    ListingOutcome.UPDATED_REOPENED: "mis à jour, dossier rouvert",
    ListingOutcome.UNCHANGED_REOPENED: "dossier rouvert",
}


class ImportBatch(Base):
    """One imported list: its file, who imported it, what it did, and its row report."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), index=True)
    label: Mapped[str] = mapped_column(String(LABEL_LENGTH))
    source: Mapped[ListSource] = mapped_column(enum_column(ListSource))
    origin: Mapped[ImportOrigin] = mapped_column(enum_column(ImportOrigin))
    file_name: Mapped[str] = mapped_column(String(255))
    file_hash: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int]
    profile: Mapped[str | None] = mapped_column(String(60))
    sheet_name: Mapped[str | None] = mapped_column(String(120))
    header_line: Mapped[int | None]
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(default=clock.now)
    rows_read: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    opened: Mapped[int] = mapped_column(default=0)
    reopened: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    conflicts: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    # JSON: {"headers": [...], "problems": [...], "rejected_rows": [...], "conflicts": [...]}
    report_json: Mapped[str] = mapped_column(Text, default="{}")

    psad: Mapped[Psad] = relationship()
    imported_by: Mapped[User | None] = relationship()

    __table_args__ = (Index(None, "psad_id", "file_hash"),)

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.report_json or "{}")
        return data


class Listing(Base):
    """A youth as one list gave them: the row as read, and what the import did with it."""

    __tablename__ = "listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    line: Mapped[int]
    # Plain text of 20 characters, as migrated (``enum_column`` would make it 32).
    outcome: Mapped[ListingOutcome] = mapped_column(
        Enum(
            ListingOutcome,
            native_enum=False,
            create_constraint=False,
            length=20,
            values_callable=lambda members: [m.value for m in members],
        )
    )
    # The fingerprint of the row (its cells and the column mapping), and the row as read in
    # JSON; None when the row is the same as the one of the youth's previous listing: the
    # youth's earlier listing with the same ``row_hash`` holds it.
    row_hash: Mapped[str] = mapped_column(String(40))
    row_json: Mapped[str | None] = mapped_column(Text)

    youth: Mapped[Youth] = relationship()

    __table_args__ = (UniqueConstraint("batch_id", "youth_id"),)


class ImportLock(Base):
    """One row per PSAD; an import updates it first, so that two imports never interleave."""

    __tablename__ = "import_locks"

    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), primary_key=True)
    locked_at: Mapped[datetime | None]


class JobStatus(enum.StrEnum):
    ANALYSING = "analysing"
    READY = "ready"
    APPLYING = "applying"
    DONE = "done"
    FAILED = "failed"

    @property
    def running(self) -> bool:
        return self in (JobStatus.ANALYSING, JobStatus.APPLYING)

    @property
    def label(self) -> str:
        return JOB_STATUS_LABELS[self]


JOB_STATUS_LABELS = {
    JobStatus.ANALYSING: "Lecture et vérification",
    JobStatus.READY: "Prêt à confirmer",
    JobStatus.APPLYING: "Enregistrement",
    JobStatus.DONE: "Terminé",
    JobStatus.FAILED: "Échec",
}


class ImportJob(Base):
    """An upload between its preview and its confirmation, and the progress of its work."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus))
    phase: Mapped[str] = mapped_column(String(120), default="")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(LABEL_LENGTH))
    source: Mapped[ListSource] = mapped_column(enum_column(ListSource))
    file_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80))
    file_hash: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int]
    profile: Mapped[str | None] = mapped_column(String(60))
    mapping_json: Mapped[str | None] = mapped_column(Text)
    preview_json: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(String(1000))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))

    __table_args__ = (UniqueConstraint("token"),)

    @property
    def preview(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.preview_json or "{}")
        return data

    @property
    def mapping(self) -> dict[str, int] | None:
        return json.loads(self.mapping_json) if self.mapping_json else None

"""Read-only questions about imported lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.imports.models import ImportBatch, Listing


@dataclass(frozen=True)
class ListingEntry:
    batch_id: int
    label: str
    imported_at: datetime
    line: int
    outcome: str


def youth_listings(session: Session, youth_id: int) -> list[ListingEntry]:
    """The lists a youth appeared in, newest first."""
    rows = session.execute(
        select(
            ImportBatch.id,
            ImportBatch.label,
            ImportBatch.imported_at,
            Listing.line,
            Listing.outcome,
        )
        .join(Listing, Listing.batch_id == ImportBatch.id)
        .where(Listing.youth_id == youth_id)
        .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
    ).all()
    return [ListingEntry(*row) for row in rows]

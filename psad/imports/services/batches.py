"""The lists a PSAD imported before, and the rows and youth they listed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.imports.models import ImportBatch, Listing
from psad.youth.models import Youth


def previous_batch(session: Session, psad_id: int, digest: str) -> ImportBatch | None:
    return session.scalar(
        select(ImportBatch)
        .where(ImportBatch.psad_id == psad_id, ImportBatch.file_hash == digest)
        .order_by(ImportBatch.id)
    )


def listed_rows(session: Session, psad_id: int) -> dict[str, int]:
    """The fingerprint of each youth's latest listing in this PSAD, with that youth.

    Only the latest listing counts (``Youth.last_row_hash``): if a newer list said something
    else since, an older identical row must be read and applied again. Read from their
    covering index, all at once: an import compares each of its rows with them as it reads
    it, and a PSAD follows at most tens of thousands of youth.
    """
    query = select(Youth.last_row_hash, Youth.id).where(
        Youth.psad_id == psad_id, Youth.last_row_hash.is_not(None)
    )
    found: dict[str, int] = {}
    for row_hash, youth_id in session.execute(query).all():
        if row_hash is not None and youth_id < found.get(row_hash, youth_id + 1):
            found[row_hash] = youth_id
    return found


def count_batches(session: Session, psad_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(ImportBatch).where(ImportBatch.psad_id == psad_id)
        )
        or 0
    )


def batch_youth(batch_id: int) -> Any:
    """The youth a batch listed, in the order of the file (the caller scopes them)."""
    return (
        select(Youth, Listing)
        .join(Listing, Listing.youth_id == Youth.id)
        .where(Listing.batch_id == batch_id)
        .order_by(Listing.line)
    )

"""The lists a PSAD imported before, and the rows and youth they listed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.imports.models import ImportBatch, Listing
from psad.imports.services.tables import _slices
from psad.youth.models import Youth


def previous_batch(session: Session, psad_id: int, digest: str) -> ImportBatch | None:
    return session.scalar(
        select(ImportBatch)
        .where(ImportBatch.psad_id == psad_id, ImportBatch.file_hash == digest)
        .order_by(ImportBatch.id)
    )


def listed_rows(session: Session, psad_id: int, hashes: Sequence[str]) -> dict[str, int]:
    """Row fingerprints that are the latest listing of a youth of this PSAD, with that youth.

    Only the latest listing counts: if a newer list said something else since, an older
    identical row must be read and applied again.
    """
    candidates: dict[str, tuple[int, int]] = {}
    for values in _slices(sorted(set(hashes))):
        query = (
            select(Listing.row_hash, Listing.youth_id, Listing.id)
            .join(ImportBatch, ImportBatch.id == Listing.batch_id)
            .where(ImportBatch.psad_id == psad_id, Listing.row_hash.in_(values))
        )
        for row_hash, youth_id, listing_id in session.execute(query):
            if row_hash not in candidates or listing_id > candidates[row_hash][1]:
                candidates[row_hash] = (youth_id, listing_id)
    latest: dict[int, int] = {}
    for values in _slices(sorted({youth_id for youth_id, _ in candidates.values()})):
        newest = (
            select(Listing.youth_id, func.max(Listing.id))
            .where(Listing.youth_id.in_(values))
            .group_by(Listing.youth_id)
        )
        for youth_id, listing_id in session.execute(newest):
            latest[youth_id] = listing_id
    return {
        row_hash: youth_id
        for row_hash, (youth_id, listing_id) in candidates.items()
        if latest.get(youth_id) == listing_id
    }


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

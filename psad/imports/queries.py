"""The questions asked of imported lists and import jobs, for the pages, the command line,
the background jobs and the import itself; and the few statements on job rows they make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, delete, select, update
from sqlalchemy.orm import Session, contains_eager

from psad.imports.models import ImportBatch, ImportJob, JobStatus, Listing, ListingOutcome
from psad.youth.models import Youth


@dataclass(frozen=True)
class ListingEntry:
    batch_id: int
    label: str
    imported_at: datetime
    line: int
    outcome: ListingOutcome
    psad_id: int  # a youth transferred in keeps the lists of the PSAD they came from


def youth_listings(session: Session, youth_id: int) -> list[ListingEntry]:
    """The lists a youth appeared in, newest first."""
    rows = session.execute(
        select(
            ImportBatch.id,
            ImportBatch.label,
            ImportBatch.imported_at,
            Listing.line,
            Listing.outcome,
            ImportBatch.psad_id,
        )
        .join(Listing, Listing.batch_id == ImportBatch.id)
        .where(Listing.youth_id == youth_id)
        .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
    ).all()
    return [ListingEntry(*row) for row in rows]


# --- lists imported before ---------------------------------------------------------------


def previous_batch(session: Session, psad_id: int, digest: str) -> ImportBatch | None:
    """The PSAD's first list imported from the file whose SHA-256 is ``digest``."""
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


def psad_batches(psad_id: int) -> Select[ImportBatch]:
    """The PSAD's lists, newest first (the history page paginates them)."""
    return (
        select(ImportBatch)
        .where(ImportBatch.psad_id == psad_id)
        .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
    )


def batch_listings(batch_id: int, visible: ColumnElement[bool]) -> Select[Listing]:
    """The listings of a batch with their youth, in file order, for the youth ``visible``
    (the viewer's scope) lets through."""
    return (
        select(Listing)
        .join(Youth, Listing.youth_id == Youth.id)
        .options(contains_eager(Listing.youth))
        .where(Listing.batch_id == batch_id, visible)
        .order_by(Listing.line)
    )


def batches_keeping_rejected_rows(session: Session, before: datetime) -> list[ImportBatch]:
    """Lists imported before ``before`` whose report still holds rejected rows."""
    return list(
        session.scalars(
            select(ImportBatch).where(
                ImportBatch.imported_at < before,
                ImportBatch.report_json.contains("rejected_rows"),
            )
        )
    )


# --- import jobs -------------------------------------------------------------------------


def job_by_token(session: Session, token: str) -> ImportJob:
    """The job of ``token`` (it exists: its thread was started for it)."""
    return session.scalars(select(ImportJob).where(ImportJob.token == token)).one()


def psad_job(session: Session, token: str, psad_id: int) -> ImportJob | None:
    """The job of ``token``, if it is one of this PSAD's."""
    return session.scalar(
        select(ImportJob).where(ImportJob.token == token, ImportJob.psad_id == psad_id)
    )


def start_applying(session: Session, job_id: int) -> bool:
    """Move a job from ready to applying; False if it was not ready (a double click)."""
    started = session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.status == JobStatus.READY)
        .values(status=JobStatus.APPLYING)
    )
    return bool(started.rowcount == 1)  # type: ignore[attr-defined]


def save_job_progress(
    session: Session, token: str, *, phase: str, done: int, total: int, now: datetime
) -> None:
    session.execute(
        update(ImportJob)
        .where(ImportJob.token == token)
        .values(phase=phase, done=done, total=total, updated_at=now)
    )


def delete_jobs_before(session: Session, before: datetime) -> None:
    """Forget the jobs last updated before ``before``."""
    session.execute(delete(ImportJob).where(ImportJob.updated_at < before))

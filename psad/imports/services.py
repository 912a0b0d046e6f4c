"""The import service: an analysed list applied in one transaction, under the PSAD's lock.

``apply_import`` takes the lock, records the batch, then matches (``matching``) and writes
(``writing``) each chunk of rows as soon as it is checked (``checking``), and ends with the
batch's counts, report and audit event. It never commits, never rolls back and never reads
the clock: the entry point (``pipeline``, for the web page, the command line and the drop
folder) gives the time in the request, and commits once or rolls back.
"""

from __future__ import annotations

import contextvars
import json
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.errors import DomainError
from psad.imports.checking import CHUNK, Analysis, ParsedRow, ProblemLevel, Progress, no_progress
from psad.imports.collector import collector_paused
from psad.imports.models import ImportBatch, ImportLock
from psad.imports.queries import previous_batch
from psad.imports.results import (
    AlreadyImportedError,
    ConcurrentImportError,
    ImportRequest,
    ImportResult,
)
from psad.imports.writing import ChunkWriter

SQLITE_IMPORT_CACHE_KIB = 32 * 1024


def lock_psad_imports(session: Session, psad_id: int, *, now: datetime) -> None:
    """Take the PSAD's import lock until the transaction ends (a second import waits).

    An UPDATE of the lock row locks it on PostgreSQL and takes SQLite's write lock, so the
    same statement serialises imports on both databases.
    """
    done = session.execute(
        update(ImportLock).where(ImportLock.psad_id == psad_id).values(locked_at=now)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]  # the PSAD's first import
        try:
            with session.begin_nested():
                session.add(ImportLock(psad_id=psad_id, locked_at=now))
        except IntegrityError:  # another first import created it meanwhile: wait for it
            session.execute(
                update(ImportLock).where(ImportLock.psad_id == psad_id).values(locked_at=now)
            )


def apply_import(
    session: Session,
    analysis: Analysis,
    request: ImportRequest,
    progress: Progress = no_progress,
    *,
    allow_same_file: bool = False,
) -> ImportResult:
    """Create, update and list the youth of an analysed file; open or reopen their cases."""
    if analysis.applied:
        raise RuntimeError(
            "an analysis is applied once (its rows drop their values): analyse again"
        )
    # The cyclic collector is paused for the whole process while the import runs (seconds):
    # each of its passes would otherwise walk the million objects of the list again.
    with collector_paused(), _large_sqlite_cache(session):
        return _apply(session, analysis, request, progress, allow_same_file=allow_same_file)


@contextmanager
def _large_sqlite_cache(session: Session) -> Iterator[None]:
    """Give SQLite a page cache the size of a large list's indexes for the import's time.

    With the default 2 MB, inserting 100,000 youth rereads index pages from the file over
    and over; the setting is the connection's, so it is put back afterwards.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    default = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(default or -2000)}")


def _apply(
    session: Session,
    analysis: Analysis,
    request: ImportRequest,
    progress: Progress,
    *,
    allow_same_file: bool,
) -> ImportResult:
    batch = _new_batch(session, analysis, request, allow_same_file=allow_same_file)
    result = ImportResult(batch=batch, rows_read=analysis.rows_read)
    writer = ChunkWriter(session, request, batch, result, known_ids=analysis.known_youth_ids())
    analysis.applied = True
    postgresql = session.get_bind().dialect.name == "postgresql"
    try:
        _write_while_checking(writer, analysis, progress, in_thread=postgresql)
    except DBAPIError as error:
        if not _raced(error):
            raise
        raise ConcurrentImportError(
            "Un jeune de cette liste vient d'être enregistré ailleurs (import d'une autre PSAD "
            "ou signalement, même INE) : rien n'a été importé. Relancez l'import : ce jeune "
            "sera reconnu."
        ) from error
    result.rejected = len(analysis.rejected_rows)
    result.warnings += sum(1 for p in analysis.problems if p.level is ProblemLevel.WARNING)
    _close_batch(session, batch, analysis, result, request)
    return result


def _new_batch(
    session: Session, analysis: Analysis, request: ImportRequest, *, allow_same_file: bool
) -> ImportBatch:
    """Take the PSAD's lock, refuse a file imported before (unless allowed), record the batch."""
    psad = request.psad
    if not request.label.strip():
        raise DomainError("Donnez un libellé à la liste (par exemple « SIEI mars 2026 »).")
    lock_psad_imports(session, psad.id, now=request.now)
    earlier = previous_batch(session, psad.id, analysis.file_hash)
    if earlier is not None and not allow_same_file:
        raise AlreadyImportedError(
            f"Ce fichier a déjà été importé le {clock.local(earlier.imported_at):%d/%m/%Y à %H:%M} "
            f"(liste « {earlier.label} »).",
            earlier,
        )
    batch = ImportBatch(
        psad_id=psad.id,
        label=request.label.strip(),
        source=request.source,
        origin=request.origin,
        file_name=analysis.file_name,
        file_hash=analysis.file_hash,
        file_size=analysis.file_size,
        profile=analysis.header.profile,
        sheet_name=analysis.table.sheet_name,
        header_line=analysis.header.line,
        imported_by_id=request.user_id,
        imported_at=request.now,
        rows_read=analysis.rows_read,
    )
    session.add(batch)
    session.flush()
    return batch


def _close_batch(
    session: Session,
    batch: ImportBatch,
    analysis: Analysis,
    result: ImportResult,
    request: ImportRequest,
) -> None:
    """Store the result's counts and the row report on the batch; audit the import."""
    for name in (
        "created",
        "updated",
        "unchanged",
        "opened",
        "reopened",
        "rejected",
        "conflicts",
        "warnings",
    ):
        setattr(batch, name, getattr(result, name))
    batch.report_json = json.dumps(_report(analysis, result), ensure_ascii=False, default=str)
    audit.record(
        session,
        request.actor,
        AuditAction.IMPORT_APPLIED,
        object_type="import_batch",
        object_id=batch.id,
        psad_id=request.psad.id,
        detail=json.dumps(
            {
                k: v
                for k, v in result.as_dict().items()
                if isinstance(v, int) and not isinstance(v, bool)
            }
        ),
    )
    session.flush()


def _write_while_checking(
    writer: ChunkWriter, analysis: Analysis, progress: Progress, *, in_thread: bool
) -> None:
    """Check the accepted rows chunk by chunk, and write each chunk once it is checked.

    With ``in_thread`` (PostgreSQL), a second thread writes one chunk while the next is
    checked: the server stores the rows meanwhile. SQLite stores them in this process, where
    a second thread only fights over the GIL (measured slower), so each chunk is written in
    turn there. Only one thread uses the session at a time.
    """
    total = analysis.to_write
    progress("Enregistrement des jeunes", 0, total)
    if not in_thread:
        done = 0
        for chunk in analysis.ready(CHUNK):
            writer.write(chunk)
            _forget_values(chunk)
            done += len(chunk)
            progress("Enregistrement des jeunes", done, total)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="psad-import-write") as pool:
        writing: Future[None] | None = None
        written: list[ParsedRow] = []
        done = 0
        try:
            for chunk in analysis.ready(CHUNK):
                if writing is not None:
                    writing.result()
                    _forget_values(written)
                    progress("Enregistrement des jeunes", done, total)
                # in the caller's context variables: Flask-SQLAlchemy finds its engines there
                writing = pool.submit(contextvars.copy_context().run, writer.write, chunk)
                written = chunk
                done += len(chunk)
        finally:
            if writing is not None:
                if sys.exc_info()[0] is None:
                    writing.result()
                    _forget_values(written)
                else:
                    wait([writing])
    progress("Enregistrement des jeunes", total, total)


def _raced(error: DBAPIError) -> bool:
    """Whether ``error`` is another transaction's youth with the same INE, saved meanwhile
    (the unique index on ``youths.ine``), or a deadlock between two such transactions."""
    cause = error.orig
    if getattr(cause, "sqlstate", None) == "40P01":  # PostgreSQL: deadlock detected
        return True
    if not isinstance(error, IntegrityError):
        return False
    constraint = getattr(getattr(cause, "diag", None), "constraint_name", None)
    return constraint == "ix_youths_ine" or "youths.ine" in str(cause)


def _forget_values(rows: list[ParsedRow]) -> None:
    for row in rows:
        row.forget_values()


def _report(analysis: Analysis, result: ImportResult) -> dict[str, Any]:
    problems = analysis.problems + result.late_problems
    problems.sort(key=lambda p: p.line)
    return {
        "headers": analysis.header.headers,
        "mapping": analysis.mapping,
        "problems": [p.as_dict() for p in problems],
        "rejected_rows": [
            {"line": row.line, "cells": row.cells, "reason": row.reason()}
            for row in analysis.rejected_rows
        ],
        "conflicts": [conflict.as_dict() for conflict in result.conflicted],
    }

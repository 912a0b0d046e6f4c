"""Imports that run in the background: uploads from the web page, and the drop folder.

The web request never waits for a long list: it starts a thread and the page polls the
job's progress. Progress is kept in memory (this process) and in the ``import_jobs`` row
(every process); on SQLite the row is not written while the import holds the write lock.
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session

from psad import clock
from psad.audit.services import Actor
from psad.auth.models import Psad
from psad.auth.services import psad_by_code
from psad.config import Settings
from psad.errors import DomainError
from psad.extensions import db
from psad.imports import pipeline, queries
from psad.imports.checking import file_hash
from psad.imports.models import ImportJob, ImportOrigin, JobStatus, ListSource
from psad.imports.results import ImportRequest

log = logging.getLogger(__name__)
LIVE: dict[str, tuple[str, int, int]] = {}
# Jobs whose final status could not be saved (database busy): the page reads it here.
FINISHED: dict[str, tuple[JobStatus, str | None]] = {}
_threads: dict[str, threading.Thread] = {}


def settings_of(app: Flask) -> Settings:
    settings: Settings = app.extensions["psad_settings"]
    return settings


def upload_dir(settings: Settings) -> Path:
    path = settings.resolve(settings.imports.upload_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_job(
    session: Session,
    settings: Settings,
    *,
    psad_id: int,
    user_id: int,
    label: str,
    source: ListSource,
    file_name: str,
    save: Callable[[Path], object],
) -> ImportJob:
    """Store an upload under a random name (outside the web root) and record its job."""
    token = secrets.token_urlsafe(24)
    original = Path(file_name).name[:200] or "liste"
    stored = f"{token}{Path(original).suffix.lower()[:10]}"
    path = upload_dir(settings) / stored
    save(path)
    job = ImportJob(
        token=token,
        psad_id=psad_id,
        created_by_id=user_id,
        status=JobStatus.ANALYSING,
        label=label,
        source=source,
        file_name=original,
        stored_name=stored,
        file_hash=file_hash(path),
        file_size=path.stat().st_size,
    )
    session.add(job)
    session.flush()
    return job


class JobProgress:
    """Reports progress to memory at once and to the database at most twice a second."""

    def __init__(self, app: Flask, token: str, *, write_db: bool) -> None:
        self.app = app
        self.token = token
        self.write_db = write_db
        self.last_write = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        LIVE[self.token] = (phase, done, total)
        now = time.monotonic()
        if not self.write_db or now - self.last_write < 0.5:
            return
        self.last_write = now
        with Session(db.engine) as session:
            queries.save_job_progress(
                session, self.token, phase=phase, done=done, total=total, now=clock.now()
            )
            session.commit()


def start(app: Flask, token: str, *, apply: bool) -> None:
    """Run the analysis (or the import) of a job in a thread of this process."""
    target = _apply_job if apply else _analyse_job
    thread = threading.Thread(
        target=target, args=(app, token), name=f"import-{token[:8]}", daemon=True
    )
    _threads[token] = thread
    thread.start()


def wait(token: str, timeout: float = 60) -> None:
    """Wait for a job's thread (the command line and the tests use it)."""
    thread = _threads.get(token)
    if thread is not None:
        thread.join(timeout)


def _job_file(app: Flask, job: ImportJob) -> Path:
    return upload_dir(settings_of(app)) / job.stored_name


def _analyse_job(app: Flask, token: str) -> None:
    with app.app_context():
        session = db.session()
        job = queries.job_by_token(session, token)
        # On SQLite a progress write could wait for another import's write lock: memory only.
        progress = JobProgress(app, token, write_db=session.get_bind().dialect.name != "sqlite")
        try:
            analysis = pipeline.analyse(
                settings_of(app),
                _job_file(app, job),
                file_name=job.file_name,
                today=clock.today(),
                session=session,
                psad_id=job.psad_id,
                header_line=job.preview.get("header_line"),  # the row the preview showed
                profile=job.profile,
                mapping=job.mapping,
                progress=progress,
            )
        except DomainError as error:
            _job_file(app, job).unlink(missing_ok=True)  # unreadable: nothing is kept
            _finish(session, job, JobStatus.FAILED, error=error.message)
            return
        except Exception as error:
            _job_file(app, job).unlink(missing_ok=True)
            # Only the type: a driver's message may quote a cell (a youth's name).
            log.error("import job %s: analysis failed (%s)", job.id, type(error).__name__)
            _finish(session, job, JobStatus.FAILED, error="Erreur inattendue pendant la lecture.")
            return
        job.preview_json = json.dumps(analysis.preview(), ensure_ascii=False, default=str)
        job.mapping_json = json.dumps(analysis.mapping)
        _finish(session, job, JobStatus.READY)


def _apply_job(app: Flask, token: str) -> None:
    with app.app_context():
        session = db.session()
        job = queries.job_by_token(session, token)
        sqlite = session.get_bind().dialect.name == "sqlite"
        progress = JobProgress(app, token, write_db=not sqlite)
        request = _web_request(session, job)
        job_id, created_by, path = job.id, job.created_by_id, _job_file(app, job)
        file_name, profile, mapping = job.file_name, job.profile, job.mapping
        header_line = job.preview.get("header_line")  # the header row the preview showed
        session.commit()  # release the job row before the long transaction
        try:
            outcome = pipeline.import_file(
                session,
                settings_of(app),
                path,
                request,
                file_name=file_name,
                profile=profile,
                mapping=mapping,
                header_line=header_line,
                progress=progress,
            )
        except DomainError as error:
            session.rollback()
            _finish(session, session.get_one(ImportJob, job_id), JobStatus.FAILED, error.message)
            return
        except Exception as error:
            session.rollback()
            log.error(
                "import job %s: apply failed (user %s, %s)",
                job_id,
                created_by,
                type(error).__name__,
            )
            error_text = "Erreur inattendue : rien n'a été enregistré. Réessayez."
            _finish(session, session.get_one(ImportJob, job_id), JobStatus.FAILED, error_text)
            return
        job = session.get_one(ImportJob, job_id)
        batch = outcome.result.batch
        job.batch_id = batch.id if batch else None
        if outcome.result.already_imported:
            _finish(
                session,
                job,
                JobStatus.FAILED,
                error="Ce fichier a déjà été importé dans votre PSAD : rien n'a été modifié.",
            )
            return
        _finish(session, job, JobStatus.DONE)


def _web_request(session: Session, job: ImportJob) -> ImportRequest:
    """The import a job's confirmation asks for, by the user who uploaded the file."""
    return ImportRequest(
        psad=session.get_one(Psad, job.psad_id),
        label=job.label,
        source=job.source,
        origin=ImportOrigin.WEB,
        actor=Actor(user_id=job.created_by_id, psad_id=job.psad_id, ip_address=None),
        today=clock.today(),
        now=clock.now(),
        user_id=job.created_by_id,
    )


def _finish(session: Session, job: ImportJob, status: JobStatus, error: str | None = None) -> None:
    job.status = status
    job.error = error
    job.phase = ""
    try:
        session.commit()
    except Exception as problem:  # the page must not wait forever for a job that ended
        session.rollback()
        log.error("import job %s: status not saved (%s)", job.id, type(problem).__name__)
        LIVE[job.token] = ("", 0, 0)
        FINISHED[job.token] = (status, error)
        return
    LIVE.pop(job.token, None)


# --- the drop folder --------------------------------------------------------------------


def process_inbox(app: Flask) -> list[Path]:
    """Import every file of ``<inbox>/<PSAD code>/``; move it to done/ or failed/ with a report."""
    settings = settings_of(app)
    inbox = settings.inbox_dir
    handled: list[Path] = []
    if not inbox.is_dir():
        return handled
    with app.app_context():
        session = db.session()
        for folder in sorted(p for p in inbox.iterdir() if p.is_dir()):
            psad = psad_by_code(session, folder.name)
            if psad is None:
                continue
            for path in sorted(
                p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
            ):
                handled.append(_import_dropped(app, session, psad, path))
    return handled


def _import_dropped(app: Flask, session: Session, psad: Psad, path: Path) -> Path:
    request = ImportRequest(
        psad=psad,
        label=f"Dépôt {path.stem}",
        source=ListSource.SIEI,
        origin=ImportOrigin.INBOX,
        actor=Actor(user_id=None, psad_id=psad.id, ip_address="inbox"),
        today=clock.today(),
        now=clock.now(),
    )
    stamp = clock.local(request.now).strftime("%Y%m%d-%H%M%S")
    try:
        outcome = pipeline.import_file(session, settings_of(app), path, request)
    except DomainError as error:
        session.rollback()
        return _move(path, "failed", stamp, f"Échec de l'import de {path.name} : {error.message}\n")
    except Exception as error:  # never retried forever, never blocking the files after it
        session.rollback()
        log.error("drop folder: %s failed (%s)", path.name, type(error).__name__)
        return _move(
            path,
            "failed",
            stamp,
            f"Échec inattendu de l'import de {path.name} : rien n'a été enregistré.\n",
        )
    return _move(path, "done", stamp, pipeline.summary(outcome, force=False) + "\n")


def _move(path: Path, where: str, stamp: str, report: str) -> Path:
    target_dir = path.parent / where
    target_dir.mkdir(exist_ok=True)
    target = target_dir / f"{stamp}_{path.name}"
    shutil.move(str(path), target)
    target.with_name(target.name + ".rapport.txt").write_text(report, encoding="utf-8")
    return target


def purge_uploads(app: Flask) -> int:
    """Delete uploaded files (and finished jobs) older than the configured retention."""
    settings = settings_of(app)
    cutoff = clock.now() - timedelta(days=settings.imports.keep_uploads_days)
    removed = 0
    folder = upload_dir(settings)
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
            path.unlink()
            removed += 1
    inbox = settings.inbox_dir
    if inbox.is_dir():  # reports and files of the drop folder
        for path in inbox.glob("*/*/*"):
            if (
                path.parent.name in ("done", "failed")
                and path.is_file()
                and path.stat().st_mtime < cutoff.timestamp()
            ):
                path.unlink()
                removed += 1
    with app.app_context():
        queries.delete_jobs_before(db.session(), cutoff)
        # Rejected rows (whole rows as read, some of youth out of scope) go with the files.
        for batch in queries.batches_keeping_rejected_rows(db.session(), cutoff):
            report = batch.report
            if report.pop("rejected_rows", None):
                batch.report_json = json.dumps(report, ensure_ascii=False)
        db.session.commit()
    return removed

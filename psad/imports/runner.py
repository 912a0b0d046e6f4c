"""One import from start to finish, as the command line, the web page and the drop folder run it.

This is entry-point code: it owns the transaction (commit once, or roll back for a dry run
and for a file already imported), which the services never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from psad.auth.models import Psad
from psad.config import Settings
from psad.imports import services
from psad.imports.profiles import Profile, load_profiles, profiles_for
from psad.imports.reader import ReadLimits

MEBIBYTE = 1024 * 1024


def read_limits(settings: Settings) -> ReadLimits:
    return ReadLimits(
        max_bytes=settings.imports.max_file_mb * MEBIBYTE, max_rows=settings.imports.max_rows
    )


def profiles(settings: Settings, psad_code: str | None = None) -> list[Profile]:
    """The profiles that read the lists of the PSAD ``psad_code`` (the shared ones only
    without it)."""
    return profiles_for(load_profiles(settings.profiles_dir), psad_code)


def analyse(
    settings: Settings,
    path: Path,
    *,
    file_name: str,
    today: services.date,
    profile: str | None = None,
    mapping: dict[str, int] | None = None,
    progress: services.Progress = services._no_progress,
    session: Session | None = None,
    psad_id: int | None = None,
    header_line: int | None = None,
) -> services.Analysis:
    """Analyse a file; with a session and a PSAD, rows it listed identically before are not
    checked again."""
    listed = None
    psad_code = None
    if session is not None and psad_id is not None:
        psad_code = session.get_one(Psad, psad_id).code

        def listed() -> dict[str, int]:
            return services.listed_rows(session, psad_id)

    return services.analyse_file(
        path,
        file_name=file_name,
        profiles=profiles(settings, psad_code),
        limits=read_limits(settings),
        today=today,
        min_age=settings.data.min_age,
        max_age=settings.data.max_age,
        profile_name=profile,
        mapping=mapping,
        progress=progress,
        listed=listed,
        header_line=header_line,
    )


@dataclass
class Outcome:
    result: services.ImportResult
    analysis: services.Analysis
    dry_run: bool


def run(
    session: Session,
    analysis: services.Analysis,
    request: services.ImportRequest,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: services.Progress = services._no_progress,
) -> Outcome:
    """Apply an analysed file. A file already imported is skipped, or with ``force`` read
    again and compared without writing anything."""
    earlier = services.previous_batch(session, request.psad.id, analysis.file_hash)
    if earlier is not None and not force:
        session.rollback()
        return Outcome(
            services.ImportResult(batch=earlier, already_imported=True), analysis, dry_run=True
        )
    try:
        result = services.apply_import(
            session, analysis, request, progress, allow_same_file=earlier is not None
        )
    except services.AlreadyImportedError as error:  # the same file, imported meanwhile
        session.rollback()
        return Outcome(
            services.ImportResult(batch=error.batch, already_imported=True), analysis, True
        )
    except BaseException:
        session.rollback()
        raise
    if dry_run or earlier is not None:
        session.rollback()
        result.already_imported = earlier is not None
        result.batch = earlier
        return Outcome(result, analysis, dry_run=True)
    session.commit()
    return Outcome(result, analysis, dry_run=False)

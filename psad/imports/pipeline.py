"""One import from start to finish, as the command line, the web page and the drop folder
run it:

    read (``reader``) → map (``profiles``) → check (``checking``) → match (``matching``)
    → write (``writing``)

``analyse`` reads, maps and checks a file with the settings' limits and the PSAD's
profiles; ``run`` applies the analysis (``services.apply_import``) and ends the transaction;
``import_file`` does both, and ``summary`` tells what happened in a few lines of French.

This is entry-point code: it owns the transaction (commit once, or roll back for a dry run
and for a file already imported), which the services never do. It reads no clock: the
caller's request carries the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from psad.auth.models import Psad
from psad.config import Settings
from psad.imports import queries, services
from psad.imports.checking import Analysis, Progress, analyse_file, no_progress
from psad.imports.profiles import Profile, load_profiles, profiles_for
from psad.imports.reader import MEBIBYTE, ReadLimits
from psad.imports.results import AlreadyImportedError, ImportRequest, ImportResult

PROBLEMS_IN_SUMMARY = 20


def read_limits(settings: Settings) -> ReadLimits:
    return ReadLimits(
        max_bytes=settings.imports.max_file_mb * MEBIBYTE, max_rows=settings.imports.max_rows
    )


def psad_profiles(settings: Settings, psad_code: str | None = None) -> list[Profile]:
    """The profiles that read the lists of the PSAD ``psad_code`` (the shared ones only
    without it)."""
    return profiles_for(load_profiles(settings.profiles_dir), psad_code)


def analyse(
    settings: Settings,
    path: Path,
    *,
    file_name: str,
    today: date,
    profile: str | None = None,
    mapping: dict[str, int] | None = None,
    progress: Progress = no_progress,
    session: Session | None = None,
    psad_id: int | None = None,
    header_line: int | None = None,
) -> Analysis:
    """Analyse a file; with a session and a PSAD, rows it listed identically before are not
    checked again."""
    listed = None
    psad_code = None
    if session is not None and psad_id is not None:
        psad_code = session.get_one(Psad, psad_id).code

        def listed() -> dict[str, int]:
            return queries.listed_rows(session, psad_id)

    return analyse_file(
        path,
        file_name=file_name,
        profiles=psad_profiles(settings, psad_code),
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
    result: ImportResult
    analysis: Analysis
    dry_run: bool


def run(
    session: Session,
    analysis: Analysis,
    request: ImportRequest,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress = no_progress,
) -> Outcome:
    """Apply an analysed file. A file already imported is skipped, or with ``force`` read
    again and compared without writing anything."""
    earlier = queries.previous_batch(session, request.psad.id, analysis.file_hash)
    if earlier is not None and not force:
        session.rollback()
        return Outcome(ImportResult(batch=earlier, already_imported=True), analysis, dry_run=True)
    try:
        result = services.apply_import(
            session, analysis, request, progress, allow_same_file=earlier is not None
        )
    except AlreadyImportedError as error:  # the same file, imported meanwhile
        session.rollback()
        return Outcome(ImportResult(batch=error.batch, already_imported=True), analysis, True)
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


def import_file(
    session: Session,
    settings: Settings,
    path: Path,
    request: ImportRequest,
    *,
    file_name: str | None = None,
    profile: str | None = None,
    mapping: dict[str, int] | None = None,
    header_line: int | None = None,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress = no_progress,
) -> Outcome:
    """Analyse the file at ``path`` for the request's PSAD, then ``run`` the import."""
    analysis = analyse(
        settings,
        path,
        file_name=file_name or path.name,
        today=request.today,
        session=session,
        psad_id=request.psad.id,
        profile=profile,
        mapping=mapping,
        header_line=header_line,
        progress=progress,
    )
    return run(session, analysis, request, dry_run=dry_run, force=force, progress=progress)


def summary(outcome: Outcome, *, force: bool) -> str:
    """What an import did, in French: counts, then the first problems, line by line."""
    result = outcome.result
    if result.already_imported and not force:
        batch = result.batch
        assert batch is not None
        return (
            f"Fichier déjà importé dans cette PSAD (liste « {batch.label} », n° {batch.id}) : "
            "rien n'a été fait. --force pour le relire."
        )
    head = (
        "Lecture à blanc : rien n'a été enregistré."
        if outcome.dry_run and not result.already_imported
        else "Fichier déjà importé : relu et comparé, rien n'a été modifié."
        if result.already_imported
        else f"Liste importée (n° {result.batch.id if result.batch else '?'})."
    )
    lines = [
        head,
        f"  lignes lues : {result.rows_read}",
        f"  jeunes créés : {result.created}",
        f"  jeunes mis à jour : {result.updated}",
        f"  jeunes inchangés : {result.unchanged}",
        f"  dossiers ouverts : {result.opened}",
        f"  dossiers rouverts : {result.reopened}",
        f"  lignes rejetées : {result.rejected}",
        f"  conflits (suivis par une autre PSAD) : {result.conflicts}",
        f"  avertissements : {result.warnings}",
    ]
    problems = sorted(outcome.analysis.problems + result.late_problems, key=lambda p: p.line)
    for problem in problems[:PROBLEMS_IN_SUMMARY]:
        where = f", colonne {problem.column}" if problem.column else ""
        lines.append(f"  ligne {problem.line}{where} ({problem.level}) : {problem.message}")
    if len(problems) > PROBLEMS_IN_SUMMARY:
        lines.append(f"  … et {len(problems) - PROBLEMS_IN_SUMMARY} autres remarques.")
    return "\n".join(lines)

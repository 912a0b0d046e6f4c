"""Importing a list of jeunes repérés: read, recognise, check, then apply in one transaction.

``analyse_file`` reads and checks the file without touching the database;
``apply_import`` writes what the analysis found, under a per-PSAD lock, and never commits:
the entry point (web page, command line, drop folder job) commits once, or rolls back for a
dry run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

from sqlalchemy import Table, func, select, text, update
from sqlalchemy.orm import Session

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.errors import DomainError
from psad.imports.bulk import insert_rows
from psad.imports.models import ImportBatch, ImportLock, ImportOrigin, Listing, ListSource
from psad.imports.profiles import (
    FIELDS,
    REQUIRED_FIELDS,
    HeaderMatch,
    Profile,
    find_header,
)
from psad.imports.reader import RawTable, ReadLimits, read_table
from psad.imports.rows import CONFLICT, WARNING, ParsedRow, Problem, RowParser, collector_paused
from psad.youth.identifiers import fold, format_phone
from psad.youth.identifiers import identity_key as ids_identity_key
from psad.youth.models import Case, CaseSource, CaseStatus, Guardian, Youth

Progress = Callable[[str, int, int], None]
T = TypeVar("T")
CHUNK = 10000
PREVIEW_ROWS = 10
PHONE_FIELDS = {"phone", "other_phone", "guardian_phone"}
MAX_PROBLEMS_SHOWN = 1000


class MappingError(DomainError):
    status_code = 422


class AlreadyImportedError(DomainError):
    status_code = 409

    def __init__(self, message: str, batch: ImportBatch) -> None:
        super().__init__(message)
        self.batch = batch


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Analysis:
    """What a file holds, as the preview shows it and as ``apply_import`` writes it."""

    file_name: str
    file_hash: str
    file_size: int
    table: RawTable
    header: HeaderMatch
    mapping: dict[str, int]
    rows: list[ParsedRow]
    rows_read: int
    merged: int = 0

    @property
    def problems(self) -> list[Problem]:
        return [p for row in self.rows for p in row.problems]

    @property
    def accepted(self) -> list[ParsedRow]:
        return [row for row in self.rows if not row.rejected]

    @property
    def rejected_rows(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.rejected]

    def preview(self) -> dict[str, Any]:
        """What the preview page shows, JSON-ready."""
        problems = sorted(self.problems, key=lambda p: p.line)
        first = [
            {"line": row.line, "values": {name: _shown(row, name) for name in self.mapping}}
            for row in self.rows[:PREVIEW_ROWS]
        ]
        return {
            "file_name": self.file_name,
            "sheet_name": self.table.sheet_name,
            "header_line": self.header.line,
            "profile": self.header.profile,
            "profile_label": self.header.profile_label,
            "headers": self.header.headers,
            "mapping": self.mapping,
            "rows_read": self.rows_read,
            "accepted": len(self.accepted),
            "rejected": len(self.rejected_rows),
            "merged": self.merged,
            "errors": sum(1 for p in problems if p.level != WARNING),
            "warnings": sum(1 for p in problems if p.level == WARNING),
            "first_rows": first,
            "problems": [p.as_dict() for p in problems[:MAX_PROBLEMS_SHOWN]],
            "problems_total": len(problems),
        }


def _shown(row: ParsedRow, name: str) -> str:
    from psad.imports.rows import GUARDIAN_FIELDS

    value = (
        row.guardian.get(GUARDIAN_FIELDS[name]) if name in GUARDIAN_FIELDS else row.youth.get(name)
    )
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if name in PHONE_FIELDS:
        return format_phone(value)
    return str(getattr(value, "label", value))


def analyse_file(
    path: Path,
    *,
    file_name: str,
    profiles: list[Profile],
    limits: ReadLimits,
    today: date,
    min_age: int,
    max_age: int,
    profile_name: str | None = None,
    mapping: dict[str, int] | None = None,
    progress: Progress = _no_progress,
    listed: Callable[[list[str]], dict[str, int]] | None = None,
) -> Analysis:
    """Read the file, find its header and parse every row; raises on an unreadable file.

    ``listed`` tells which row fingerprints an earlier import of the PSAD already listed (and
    for which youth): those rows are not checked again. Without it no database is needed.
    """
    progress("Lecture du fichier", 0, 0)
    size = path.stat().st_size
    digest = file_hash(path)
    table = read_table(path, file_name=file_name, limits=limits)
    if profile_name:
        profiles = [p for p in profiles if p.name == profile_name]
        if not profiles:
            raise MappingError(f"Profil d'import « {profile_name} » inconnu.")
    header = find_header(table.rows, profiles, file_name=file_name)
    if mapping is not None:
        _check_mapping(mapping, header)
    else:
        mapping = dict(header.mapping)
    parser = RowParser(mapping, header.headers, today=today, min_age=min_age, max_age=max_age)
    body = [(line, cells) for line, cells in table.rows if line > header.line]
    table = RawTable(
        file_name=table.file_name, format=table.format, sheet_name=table.sheet_name, rows=[]
    )  # the rows live on in ``body`` only
    known = listed([parser.fingerprint(cells) for _, cells in body]) if listed else {}
    total = len(body)
    step = max(1, min(5000, total // 50))
    parsed: list[ParsedRow] = []
    with collector_paused():
        for index, (line, cells) in enumerate(body):
            parsed.append(
                parser.parse(line, cells, known.get(parser.fingerprint(cells)) if known else None)
            )
            if index % step == 0:
                progress("Vérification des lignes", index, total)
    del body
    progress("Vérification des lignes", total, total)
    rows, merged = _merge_duplicates(parsed)
    return Analysis(
        file_name=file_name,
        file_hash=digest,
        file_size=size,
        table=table,
        header=header,
        mapping=mapping,
        rows=rows,
        rows_read=total,
        merged=merged,
    )


def _check_mapping(mapping: dict[str, int], header: HeaderMatch) -> None:
    width = len(header.headers)
    for name, index in mapping.items():
        if name not in FIELDS:
            raise MappingError(f"Champ « {name} » inconnu dans la correspondance des colonnes.")
        if not 0 <= index < width:
            raise MappingError(f"La colonne choisie pour « {FIELDS[name]} » n'existe pas.")
    used = [index for index in mapping.values()]
    if len(used) != len(set(used)):
        raise MappingError(
            "Une même colonne est associée à deux champs : corrigez la correspondance."
        )
    missing = [FIELDS[name] for name in REQUIRED_FIELDS if name not in mapping]
    if missing:
        raise MappingError(f"Associez une colonne à : {', '.join(missing)}.")


def _merge_duplicates(rows: list[ParsedRow]) -> tuple[list[ParsedRow], int]:
    """Two rows of the same file for the same youth become one, with a warning."""
    by_ine: dict[str, ParsedRow] = {}
    by_key: dict[str, ParsedRow] = {}
    kept: list[ParsedRow] = []
    merged = 0
    for row in rows:
        if row.rejected:
            kept.append(row)
            continue
        ine, key = row.ine, row.identity_key
        first = (by_ine.get(ine) if ine else None) or (by_key.get(key) if key else None)
        if first is None or (ine and first.ine and first.ine != ine):
            kept.append(row)
            if ine:
                by_ine[ine] = row
            if key:
                by_key[key] = row
            continue
        for name, value in row.youth.items():
            first.youth.setdefault(name, value)
        for name, value in row.guardian.items():
            first.guardian.setdefault(name, value)
        first.refresh_identity()
        if first.identity_key:
            by_key.setdefault(first.identity_key, first)
        first.merged_lines.append(row.line)
        first.problems.append(
            Problem(row.line, WARNING, f"Même jeune qu'à la ligne {first.line} : lignes fusionnées")
        )
        first.problems.extend(p for p in row.problems)
        if first.ine is None and ine:
            by_ine[ine] = first
        merged += 1
    return kept, merged


# --- applying ---------------------------------------------------------------------------


@dataclass
class ImportResult:
    batch: ImportBatch | None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    opened: int = 0
    reopened: int = 0
    rejected: int = 0
    conflicts: int = 0
    warnings: int = 0
    rows_read: int = 0
    already_imported: bool = False
    conflict_rows: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch.id if self.batch and not self.already_imported else None,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "opened": self.opened,
            "reopened": self.reopened,
            "rejected": self.rejected,
            "conflicts": self.conflicts,
            "warnings": self.warnings,
            "rows_read": self.rows_read,
            "already_imported": self.already_imported,
        }


@dataclass(frozen=True)
class ImportRequest:
    psad: Psad
    label: str
    source: ListSource
    origin: ImportOrigin
    actor: audit.Actor
    today: date
    user_id: int | None = None


def previous_batch(session: Session, psad_id: int, digest: str) -> ImportBatch | None:
    return session.scalar(
        select(ImportBatch)
        .where(ImportBatch.psad_id == psad_id, ImportBatch.file_hash == digest)
        .order_by(ImportBatch.id)
    )


def lock_psad_imports(session: Session, psad_id: int) -> None:
    """Take the PSAD's import lock until the transaction ends (a second import waits).

    An UPDATE of the lock row locks it on PostgreSQL and takes SQLite's write lock, so the
    same statement serialises imports on both databases.
    """
    now = clock.now()
    done = session.execute(
        update(ImportLock).where(ImportLock.psad_id == psad_id).values(locked_at=now)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        session.add(ImportLock(psad_id=psad_id, locked_at=now))
        session.flush()


def apply_import(
    session: Session,
    analysis: Analysis,
    request: ImportRequest,
    progress: Progress = _no_progress,
    *,
    allow_same_file: bool = False,
) -> ImportResult:
    """Create, update and list the youth of an analysed file; open or reopen their cases."""
    psad = request.psad
    if not request.label.strip():
        raise DomainError("Donnez un libellé à la liste (par exemple « SIEI mars 2026 »).")
    lock_psad_imports(session, psad.id)
    earlier = previous_batch(session, psad.id, analysis.file_hash)
    if earlier is not None and not allow_same_file:
        raise AlreadyImportedError(
            f"Ce fichier a déjà été importé le {clock.local(earlier.imported_at):%d/%m/%Y à %H:%M} "
            f"(liste « {earlier.label} »).",
            earlier,
        )
    now = clock.now()
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
        imported_at=now,
        rows_read=analysis.rows_read,
    )
    session.add(batch)
    session.flush()
    result = ImportResult(batch=batch, rows_read=analysis.rows_read)
    accepted = analysis.accepted
    result.rejected = len(analysis.rows) - len(accepted)
    result.warnings = sum(1 for p in analysis.problems if p.level == WARNING)
    writer = _Writer(session, request, batch, result, now)
    total = len(accepted)
    for start, chunk in _chunks(accepted, CHUNK):
        progress("Enregistrement des jeunes", start, total)
        writer.write(chunk)
    progress("Enregistrement des jeunes", total, total)
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
        psad_id=psad.id,
        detail=json.dumps(
            {
                k: v
                for k, v in result.as_dict().items()
                if isinstance(v, int) and not isinstance(v, bool)
            }
        ),
    )
    session.flush()
    return result


def _report(analysis: Analysis, result: ImportResult) -> dict[str, Any]:
    problems = analysis.problems + result.conflict_rows
    problems.sort(key=lambda p: p.line)
    return {
        "headers": analysis.header.headers,
        "mapping": analysis.mapping,
        "problems": [p.as_dict() for p in problems],
        "rejected_rows": [
            {"line": row.line, "cells": row.cells, "reason": row.reason()}
            for row in analysis.rejected_rows
        ],
    }


def _chunks(items: list[T], size: int) -> Iterator[tuple[int, list[T]]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


YOUTHS = cast(Table, Youth.__table__)
CASES = cast(Table, Case.__table__)
LISTINGS = cast(Table, Listing.__table__)
GUARDIANS = cast(Table, Guardian.__table__)
COMPARED = [name for name in FIELDS if not name.startswith("guardian_")]


GUARDIAN_COLUMNS = ("youth_id", "last_name", "first_name", "phone", "email", "address")
LISTING_COLUMNS = ("batch_id", "youth_id", "line", "outcome", "row_hash", "row_json")
CASE_COLUMNS = (
    "youth_id",
    "psad_id",
    "status",
    "source",
    "source_detail",
    "source_batch_id",
    "opened_on",
    "opened_by_id",
    "created_at",
)
YOUTH_EXTRA_COLUMNS = ("id", "psad_id", "search_key", "identity_key", "created_at", "updated_at")


class _Writer:
    """Writes one chunk of accepted rows with a handful of bulk statements.

    Matching first looks up ids only (INE, identity key, or the youth a row identical to
    this one was listed for before); full records are read only for the youth whose values
    must be compared.
    """

    def __init__(
        self,
        session: Session,
        request: ImportRequest,
        batch: ImportBatch,
        result: ImportResult,
        now: Any,
    ) -> None:
        self.session = session
        self.request = request
        self.psad_id = request.psad.id
        self.batch = batch
        self.result = result
        self.now = now
        self.seen_youth: set[int] = set()

    def write(self, rows: list[ParsedRow]) -> None:
        matches = self._match_all(rows)
        ours = [m.id for m in matches.values() if m.psad_id == self.psad_id]
        open_cases = self._open_cases(ours)
        compare_ids = [
            m.id
            for row in rows
            if (m := matches.get(row.line)) is not None
            and m.psad_id == self.psad_id
            and row.known_youth_id is None
        ]
        records = self._records(compare_ids)
        new_rows: list[ParsedRow] = []
        updates: list[dict[str, Any]] = []
        listings: list[tuple[Any, ...]] = []
        reopen: list[int] = []
        guardians_for: dict[int, dict[str, Any]] = {}
        changed_audit: list[tuple[int, list[str]]] = []
        for row in rows:
            match = matches.get(row.line)
            if match is None:
                new_rows.append(row)
                continue
            if match.psad_id != self.psad_id:
                self._conflict(row, match.psad_id)
                continue
            youth_id = match.id
            if youth_id in self.seen_youth:  # matched twice (INE on one row, name on another)
                self.result.unchanged += 1
                continue
            self.seen_youth.add(youth_id)
            changes = _changes(records[youth_id], row.youth) if youth_id in records else {}
            if changes:
                changes["id"] = youth_id
                changes["updated_at"] = self.now
                if {"last_name", "first_name", "birth_date"} & changes.keys():
                    merged = {**records[youth_id], **changes}
                    changes["search_key"] = _search_key(merged["last_name"], merged["first_name"])
                    changes["identity_key"] = ids_identity_key(
                        merged["last_name"], merged["first_name"], merged["birth_date"]
                    )
                updates.append(changes)
                changed_audit.append((youth_id, sorted(k for k in changes if k in FIELDS)))
                self.result.updated += 1
            else:
                self.result.unchanged += 1
            if row.guardian:
                guardians_for[youth_id] = row.guardian
            outcome = "updated" if changes else "unchanged"
            if youth_id not in open_cases:
                reopen.append(youth_id)
                self.result.reopened += 1
                outcome += "+reopened"
            listings.append(self._listing(row, youth_id, outcome))
        if updates:
            self.session.execute(update(Youth), updates)
        self._add_missing_guardians(guardians_for)
        for youth_id, names in changed_audit:
            audit.record(
                self.session,
                self.request.actor,
                AuditAction.YOUTH_UPDATED,
                object_type="youth",
                object_id=youth_id,
                psad_id=self.psad_id,
                detail=f"liste={self.batch.id}; champs={','.join(names)}",
            )
        if reopen:
            self._open_cases_for(reopen, reopened=True)
        listings.extend(self._create(new_rows))
        insert_rows(self.session, LISTINGS, LISTING_COLUMNS, listings)

    def _match_all(self, rows: list[ParsedRow]) -> dict[int, _Match]:
        """Each row's known youth, by line: listed identical before, else INE, else identity."""
        table = YOUTHS
        light = (table.c.id, table.c.psad_id, table.c.ine, table.c.identity_key)
        by_id: dict[int, _Match] = {}
        listed = [row.known_youth_id for row in rows if row.known_youth_id is not None]
        for values in _slices(listed):
            for record in self.session.execute(select(*light).where(table.c.id.in_(values))):
                by_id[record.id] = _Match(*record)
        by_ine: dict[str, _Match] = {}
        by_key: dict[str, _Match] = {}
        ines = {row.ine for row in rows if row.ine and row.known_youth_id is None}
        keys = {row.identity_key for row in rows if row.identity_key and row.known_youth_id is None}
        for column, values_set, found in (("ine", ines, by_ine), ("identity_key", keys, by_key)):
            for values in _slices(list(values_set)):
                query = (
                    select(*light)
                    .where(table.c[column].in_(values))
                    .order_by(table.c.psad_id != self.psad_id, table.c.id)
                )
                for record in self.session.execute(query):
                    found.setdefault(getattr(record, column), _Match(*record))
        matches: dict[int, _Match] = {}
        for row in rows:
            match: _Match | None = None
            if row.known_youth_id is not None:
                match = by_id.get(row.known_youth_id)
            elif row.ine and row.ine in by_ine:
                match = by_ine[row.ine]
            elif row.identity_key and row.identity_key in by_key:
                candidate = by_key[row.identity_key]
                if not (row.ine and candidate.ine and candidate.ine != row.ine):
                    match = candidate
            if match is not None:
                matches[row.line] = match
        return matches

    def _records(self, youth_ids: list[int]) -> dict[int, dict[str, Any]]:
        records: dict[int, dict[str, Any]] = {}
        for values in _slices(youth_ids):
            query = select(*(YOUTHS.c[name] for name in ("id", *COMPARED))).where(
                YOUTHS.c.id.in_(values)
            )
            for record in self.session.execute(query).mappings():
                records[record["id"]] = dict(record)
        return records

    def _open_cases(self, youth_ids: list[int]) -> set[int]:
        found: set[int] = set()
        for values in _slices(youth_ids):
            found.update(
                self.session.scalars(
                    select(Case.youth_id).where(
                        Case.youth_id.in_(values), Case.status == CaseStatus.OPEN
                    )
                )
            )
        return found

    def _conflict(self, row: ParsedRow, psad_id: int) -> None:
        psad = self.session.get(Psad, psad_id)
        name = f"{psad.code} ({psad.name})" if psad else "une autre PSAD"
        self.result.conflicts += 1
        self.result.conflict_rows.append(
            Problem(
                row.line,
                CONFLICT,
                f"Jeune déjà suivi par la PSAD {name} : non importé ; "
                "le pilote peut demander un transfert",
            )
        )

    def _listing(self, row: ParsedRow, youth_id: int, outcome: str) -> tuple[Any, ...]:
        return (self.batch.id, youth_id, row.line, outcome, row.row_hash, row.row_json)

    def _create(self, rows: list[ParsedRow]) -> list[tuple[Any, ...]]:
        if not rows:
            return []
        new_ids = allocate_ids(self.session, YOUTHS, len(rows))
        youth_rows = []
        guardian_rows = []
        for youth_id, row in zip(new_ids, rows, strict=True):
            values = row.youth
            youth_rows.append(
                (
                    *(values.get(name) for name in COMPARED),
                    youth_id,
                    self.psad_id,
                    _search_key(values.get("last_name"), values.get("first_name")),
                    row.identity_key,
                    self.now,
                    self.now,
                )
            )
            if row.guardian:
                guardian_rows.append(
                    (youth_id, *(row.guardian.get(k) for k in GUARDIAN_COLUMNS[1:]))
                )
        insert_rows(self.session, YOUTHS, (*COMPARED, *YOUTH_EXTRA_COLUMNS), youth_rows)
        insert_rows(self.session, GUARDIANS, GUARDIAN_COLUMNS, guardian_rows)
        self._open_cases_for(new_ids, reopened=False)
        self.result.created += len(new_ids)
        self.seen_youth.update(new_ids)
        return [
            self._listing(row, youth_id, "created")
            for youth_id, row in zip(new_ids, rows, strict=True)
        ]

    def _open_cases_for(self, youth_ids: list[int], *, reopened: bool) -> None:
        common = (
            self.psad_id,
            CaseStatus.OPEN,
            CaseSource.LISTING,
            self.batch.label[:200],
            self.batch.id,
            self.request.today,
            self.request.user_id,
            self.now,
        )
        insert_rows(
            self.session, CASES, CASE_COLUMNS, [(youth_id, *common) for youth_id in youth_ids]
        )
        if not reopened:
            self.result.opened += len(youth_ids)
            return
        for youth_id in youth_ids:
            audit.record(
                self.session,
                self.request.actor,
                AuditAction.CASE_REOPENED,
                object_type="youth",
                object_id=youth_id,
                psad_id=self.psad_id,
                detail=f"liste={self.batch.id}",
            )

    def _add_missing_guardians(self, guardians_for: dict[int, dict[str, Any]]) -> None:
        """A known youth without a guardian gets the one the list gives (never duplicated)."""
        having: set[int] = set()
        for values in _slices(list(guardians_for)):
            having.update(
                self.session.scalars(select(Guardian.youth_id).where(Guardian.youth_id.in_(values)))
            )
        insert_rows(
            self.session,
            GUARDIANS,
            GUARDIAN_COLUMNS,
            [
                (youth_id, *(g.get(k) for k in GUARDIAN_COLUMNS[1:]))
                for youth_id, g in guardians_for.items()
                if youth_id not in having
            ],
        )


@dataclass(frozen=True, slots=True)
class _Match:
    id: int
    psad_id: int
    ine: str | None
    identity_key: str | None


def _slices(values: list[Any], size: int = 5000) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _search_key(last_name: str | None, first_name: str | None) -> str:
    return f"{fold(last_name)} {fold(first_name)}".strip()


def listed_rows(session: Session, psad_id: int, hashes: Sequence[str]) -> dict[str, int]:
    """Row fingerprints already listed in this PSAD, with the youth each one was listed for."""
    found: dict[str, int] = {}
    for values in _slices(sorted(set(hashes))):
        query = (
            select(Listing.row_hash, Listing.youth_id)
            .join(ImportBatch, ImportBatch.id == Listing.batch_id)
            .where(ImportBatch.psad_id == psad_id, Listing.row_hash.in_(values))
            .order_by(Listing.id)
        )
        for row_hash, youth_id in session.execute(query):
            found[row_hash] = youth_id
    return found


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """Primary keys for ``count`` new rows, so that they are inserted in one executemany.

    PostgreSQL hands them out from the table's sequence. On SQLite the import holds the
    write lock (``lock_psad_imports``), so nobody else inserts meanwhile: the next ids are
    those after the largest one.
    """
    if session.get_bind().dialect.name == "postgresql":
        return list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": table.name, "count": count},
            )
        )
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))


def _changes(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """Fields the newer list fills or corrects; an empty cell never blanks a field."""
    return {
        name: value
        for name, value in incoming.items()
        if name in current and value is not None and value != current[name]
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

"""Step 5 of an import: the checked rows of a list written, chunk by chunk, in bulk.

Each chunk's rows are matched to known youth first (``psad.imports.matching``); then a
handful of statements update the youth whose values changed, create the new ones with their
guardian and open case, reopen the cases of known youth without one, and list every youth
in the batch. Full records are read only for the youth whose values must be compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import String, Table, select, update
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.imports.checking import ParsedRow, Problem, ProblemLevel
from psad.imports.fields import FIELDS, YOUTH_COLUMNS
from psad.imports.matching import Match, YouthMatcher, among
from psad.imports.models import ImportBatch, Listing, ListingOutcome
from psad.imports.results import Conflict, ImportRequest, ImportResult
from psad.imports.writing.bulk import allocate_ids, insert_rows
from psad.youth.identifiers import fold
from psad.youth.identifiers import identity_key as ids_identity_key
from psad.youth.models import Case, CaseSource, CaseStatus, Guardian, ListState, Youth

YOUTHS = cast(Table, Youth.__table__)
CASES = cast(Table, Case.__table__)
LISTINGS = cast(Table, Listing.__table__)
GUARDIANS = cast(Table, Guardian.__table__)

GUARDIAN_COLUMNS = ("youth_id", "last_name", "first_name", "phone", "email", "address")
LISTING_COLUMNS = ("batch_id", "youth_id", "line", "outcome", "row_hash", "row_json")
CASE_COLUMNS = (
    "id",
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
YOUTH_EXTRA_COLUMNS = (
    "id",
    "psad_id",
    "search_key",
    "identity_key",
    "last_row_hash",
    "created_at",
    "updated_at",
    "list_state",
    "current_case_id",
)
# A case the list opens or reopens is the youth's current one, never contacted yet: the
# list's copy (psad.followup.liststate) is known without asking.
REOPENED_LIST_COPY = (
    "UPDATE youths SET list_state = '{state}', current_case_id = {mark}, "
    "call_back_due_on = NULL, last_contact_at = NULL, next_task_due_on = NULL, "
    "darfi_waiting = false, call_back_asked = false, partner_referral = false, "
    "referent_user_id = NULL, referent_structure_id = NULL WHERE id = {mark}"
)
SOURCE_DETAIL_LENGTH = cast(String, CASES.c.source_detail.type).length


@dataclass
class _Chunk:
    """What one chunk's rows of known youth make: the statements' rows, gathered first."""

    new_rows: list[ParsedRow] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    listings: list[tuple[Any, ...]] = field(default_factory=list)
    reopen: list[int] = field(default_factory=list)
    new_hashes: list[tuple[str, int]] = field(default_factory=list)
    guardians_for: dict[int, dict[str, Any]] = field(default_factory=dict)
    changed_audit: list[tuple[int, list[str]]] = field(default_factory=list)


class ChunkWriter:
    """Writes the chunks of accepted rows of one list, in the import's transaction."""

    def __init__(
        self,
        session: Session,
        request: ImportRequest,
        batch: ImportBatch,
        result: ImportResult,
        *,
        known_ids: set[int],
    ) -> None:
        self.session = session
        self.request = request
        self.psad_id = request.psad.id
        self.batch = batch
        self.result = result
        self.now = request.now
        self.seen_youth: set[int] = set()
        self.matcher = YouthMatcher(session, self.psad_id, known_ids)
        self._mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"

    def write(self, rows: list[ParsedRow]) -> None:
        matches = self.matcher.match(rows)
        compare_ids = [
            m.id
            for row in rows
            if (m := matches.get(row.line)) is not None
            and m.psad_id == self.psad_id
            and row.known_youth_id is None
        ]
        records = self._records(compare_ids)
        chunk = _Chunk()
        for row in rows:
            match = matches.get(row.line)
            if match is None:
                chunk.new_rows.append(row)
            elif match.psad_id != self.psad_id:
                self._conflict(row, match)
            elif match.id in self.seen_youth:
                self._met_again(row)
            else:
                self.seen_youth.add(match.id)
                self._known(chunk, row, match, records.get(match.id))
        self._store(chunk)

    def _known(
        self, chunk: _Chunk, row: ParsedRow, match: Match, record: dict[str, Any] | None
    ) -> None:
        """A row of a youth of this PSAD: their changed values, guardian, fingerprint and
        case, gathered into ``chunk``."""
        youth_id = match.id
        changes = _changes(record, row.youth) if record is not None else {}
        if changes:
            assert record is not None
            changes["id"] = youth_id
            changes["version"] = record["version"]  # bumped by the update, if still this one
            changes["updated_at"] = self.now
            if {"last_name", "first_name", "birth_date"} & changes.keys():
                merged = {**record, **changes}
                changes["search_key"] = _search_key(merged["last_name"], merged["first_name"])
                changes["identity_key"] = ids_identity_key(
                    merged["last_name"], merged["first_name"], merged["birth_date"]
                )
            chunk.updates.append(changes)
            chunk.changed_audit.append((youth_id, sorted(k for k in changes if k in FIELDS)))
            self.result.updated += 1
        else:
            self.result.unchanged += 1
        if row.guardian:
            chunk.guardians_for[youth_id] = row.guardian
        if row.row_hash != match.row_hash:
            chunk.new_hashes.append((row.row_hash, youth_id))
        if not match.has_open_case:
            chunk.reopen.append(youth_id)
            self.result.reopened += 1
        outcome = ListingOutcome.of_known(changed=bool(changes), reopened=not match.has_open_case)
        chunk.listings.append(self._listing(row, youth_id, outcome))

    def _store(self, chunk: _Chunk) -> None:
        if chunk.updates:
            self.session.execute(update(Youth), chunk.updates)
        if chunk.new_hashes:
            self.session.connection().exec_driver_sql(
                # _mark is the driver's placeholder (? or %s); the values are bound
                f"UPDATE youths SET last_row_hash = {self._mark} WHERE id = {self._mark}",  # nosec B608
                chunk.new_hashes,
            )
        self._add_missing_guardians(chunk.guardians_for)
        for youth_id, names in chunk.changed_audit:
            self._audit(AuditAction.YOUTH_UPDATED, youth_id, f"champs={','.join(names)}")
        if chunk.reopen:
            reopened_ids = allocate_ids(self.session, CASES, len(chunk.reopen))
            self._open_cases_for(chunk.reopen, reopened_ids, reopened=True)
        chunk.listings.extend(self._create(chunk.new_rows))
        insert_rows(self.session, LISTINGS, LISTING_COLUMNS, chunk.listings)

    def _records(self, youth_ids: list[int]) -> dict[int, dict[str, Any]]:
        if not youth_ids:
            return {}
        query = select(*(YOUTHS.c[name] for name in ("id", "version", *YOUTH_COLUMNS))).where(
            among(self.session, "youths.id", youth_ids)
        )
        return {
            record["id"]: dict(record) for record in self.session.execute(query).mappings().all()
        }

    def _conflict(self, row: ParsedRow, match: Match) -> None:
        psad = self.session.get(Psad, match.psad_id)
        name = f"{psad.code} ({psad.name})" if psad else "une autre PSAD"
        self.result.conflicts += 1
        # kept in the report: the pilote may ask that PSAD for the youth (psad.transfers)
        conflict = Conflict.of_row(row, youth_id=match.id, psad_id=match.psad_id)
        self.result.conflicted.append(conflict)
        self._report(
            row,
            ProblemLevel.CONFLICT,
            f"Jeune déjà suivi par la PSAD {name} : non importé ; "
            "le pilote peut demander un transfert",
        )

    def _met_again(self, row: ParsedRow) -> None:
        """A second row of this file for a youth already handled (a duplicate the analysis
        could not merge, e.g. one row listed before and one new): the youth is counted once,
        as in a merge, and the row is reported."""
        self.result.warnings += 1
        self._report(
            row,
            ProblemLevel.WARNING,
            "Même jeune qu'une autre ligne de ce fichier : ligne non appliquée",
        )

    def _report(self, row: ParsedRow, level: ProblemLevel, message: str) -> None:
        """A problem found while writing: the batch's report adds it to the analysis's."""
        self.result.late_problems.append(Problem(row.line, level, message))

    def _listing(self, row: ParsedRow, youth_id: int, outcome: ListingOutcome) -> tuple[Any, ...]:
        # No JSON for a row listed identically before: the youth's earlier listing with the
        # same fingerprint keeps it (the same personal data is not stored again each month).
        return (
            self.batch.id,
            youth_id,
            row.line,
            outcome.value,  # plain text: sqlite3 binds a str subclass more slowly
            row.row_hash,
            row.row_json or None,
        )

    def _create(self, rows: list[ParsedRow]) -> list[tuple[Any, ...]]:
        if not rows:
            return []
        new_ids = allocate_ids(self.session, YOUTHS, len(rows))
        case_ids = allocate_ids(self.session, CASES, len(rows))
        youth_rows = []
        guardian_rows = []
        for youth_id, case_id, row in zip(new_ids, case_ids, rows, strict=True):
            values = row.youth
            youth_rows.append(
                (
                    *map(values.get, YOUTH_COLUMNS),
                    youth_id,
                    self.psad_id,
                    _search_key(values.get("last_name"), values.get("first_name")),
                    row.identity_key,
                    row.row_hash,
                    self.now,
                    self.now,
                    ListState.TO_PROCESS.value,
                    case_id,
                )
            )
            if row.guardian:
                guardian_rows.append((youth_id, *map(row.guardian.get, GUARDIAN_COLUMNS[1:])))
        insert_rows(self.session, YOUTHS, (*YOUTH_COLUMNS, *YOUTH_EXTRA_COLUMNS), youth_rows)
        insert_rows(self.session, GUARDIANS, GUARDIAN_COLUMNS, guardian_rows)
        self._open_cases_for(new_ids, case_ids, reopened=False)
        self.result.created += len(new_ids)
        self.seen_youth.update(new_ids)
        return [
            self._listing(row, youth_id, ListingOutcome.CREATED)
            for youth_id, row in zip(new_ids, rows, strict=True)
        ]

    def _open_cases_for(self, youth_ids: list[int], case_ids: list[int], *, reopened: bool) -> None:
        common = (
            self.psad_id,
            CaseStatus.OPEN.value,
            CaseSource.LISTING.value,
            self.batch.label[:SOURCE_DETAIL_LENGTH],
            self.batch.id,
            self.request.today,
            self.request.user_id,
            self.now,
        )
        insert_rows(
            self.session,
            CASES,
            CASE_COLUMNS,
            [
                (case_id, youth_id, *common)
                for youth_id, case_id in zip(youth_ids, case_ids, strict=True)
            ],
        )
        if not reopened:
            self.result.opened += len(youth_ids)
            return
        self.session.connection().exec_driver_sql(
            REOPENED_LIST_COPY.format(state=ListState.TO_PROCESS.value, mark=self._mark),
            list(zip(case_ids, youth_ids, strict=True)),
        )
        for youth_id in youth_ids:
            self._audit(AuditAction.CASE_REOPENED, youth_id)

    def _audit(self, action: AuditAction, youth_id: int, more: str | None = None) -> None:
        """Record what the list did to a youth, naming the list (and ``more``)."""
        detail = f"liste={self.batch.id}" + (f"; {more}" if more else "")
        audit.record(
            self.session,
            self.request.actor,
            action,
            object_type="youth",
            object_id=youth_id,
            psad_id=self.psad_id,
            detail=detail,
        )

    def _add_missing_guardians(self, guardians_for: dict[int, dict[str, Any]]) -> None:
        """A known youth without a guardian gets the one the list gives (never duplicated)."""
        if not guardians_for:
            return
        having = set(
            self.session.scalars(
                select(Guardian.youth_id).where(among(self.session, "youth_id", guardians_for))
            )
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


def _search_key(last_name: str | None, first_name: str | None) -> str:
    return f"{fold(last_name)} {fold(first_name)}".strip()


def _changes(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """Fields the newer list fills or corrects; an empty cell never blanks a field."""
    return {
        name: value
        for name, value in incoming.items()
        if name in current and value is not None and value != current[name]
    }

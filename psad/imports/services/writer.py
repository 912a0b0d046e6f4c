"""Writing the accepted rows of a list: matching known youth, then bulk statements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.imports.bulk import insert_rows
from psad.imports.models import ImportBatch
from psad.imports.profiles import FIELDS
from psad.imports.rows import CONFLICT, WARNING, ParsedRow, Problem
from psad.imports.services.tables import (
    CASE_COLUMNS,
    CASES,
    COMPARED,
    GUARDIAN_COLUMNS,
    GUARDIANS,
    LISTING_COLUMNS,
    LISTINGS,
    YOUTH_EXTRA_COLUMNS,
    YOUTHS,
    allocate_ids,
    among,
)
from psad.youth.identifiers import fold
from psad.youth.identifiers import identity_key as ids_identity_key
from psad.youth.models import CaseSource, CaseStatus, Guardian, Youth

if TYPE_CHECKING:  # apply.py imports this module
    from psad.imports.services.apply import ImportRequest, ImportResult


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
        known_ids: set[int] | None = None,
    ) -> None:
        self.session = session
        self.request = request
        self.psad_id = request.psad.id
        self.batch = batch
        self.result = result
        self.now = now
        self.seen_youth: set[int] = set()
        # The youth rows listed identically before were listed for, looked up once for the
        # whole list: a re-import would otherwise join the open cases again for every chunk.
        self._known_ids = known_ids or set()
        self._known: dict[int, _Match] | None = None
        self._mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"

    def write(self, rows: list[ParsedRow]) -> None:
        matches = self._match_all(rows)
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
        new_hashes: list[tuple[str, int]] = []
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
            if youth_id in self.seen_youth:
                # A second row of this file for a youth already handled (a duplicate the
                # analysis could not merge, e.g. one row listed before and one new): the youth
                # is counted once, as in a merge, and the row is reported.
                self.result.warnings += 1
                self.result.late_problems.append(
                    Problem(
                        row.line,
                        WARNING,
                        "Même jeune qu'une autre ligne de ce fichier : ligne non appliquée",
                    )
                )
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
            if row.row_hash != match.row_hash:
                new_hashes.append((row.row_hash, youth_id))
            outcome = "updated" if changes else "unchanged"
            if not match.has_open_case:
                reopen.append(youth_id)
                self.result.reopened += 1
                outcome += "+reopened"
            listings.append(self._listing(row, youth_id, outcome))
        if updates:
            self.session.execute(update(Youth), updates)
        if new_hashes:
            self.session.connection().exec_driver_sql(
                f"UPDATE youths SET last_row_hash = {self._mark} WHERE id = {self._mark}",
                new_hashes,
            )
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
        listed = {row.known_youth_id for row in rows if row.known_youth_id is not None}
        ines = {row.ine for row in rows if row.ine and row.known_youth_id is None}
        keys = {row.identity_key for row in rows if row.identity_key and row.known_youth_id is None}
        by_id = self._known_youth(listed)
        by_ine: dict[str, _Match] = {}
        by_key: dict[str, _Match] = {}
        for found in self._find("youths.ine", ines):
            by_ine.setdefault(found.ine or "", found)
        for found in self._find("youths.identity_key", keys):
            by_key.setdefault(found.identity_key or "", found)
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

    def _known_youth(self, ids: set[int]) -> dict[int, _Match]:
        """The youth of ``ids``, read with those of every known row on the first call."""
        if self._known is None:
            found = self._find("youths.id", self._known_ids, by_id=True)
            self._known = {match.id: match for match in found}
        missing = ids - self._known.keys() - self._known_ids  # only if not announced
        if missing:
            found = self._find("youths.id", missing, by_id=True)
            self._known.update((match.id, match) for match in found)
        return self._known

    def _find(self, column: str, values: set[Any], *, by_id: bool = False) -> list[_Match]:
        """Youth whose ``column`` is one of ``values``, this PSAD's first, then by id (ids
        are unique: no order then).

        The open case is probed youth by youth (one index entry each): a join would hash
        every open case of the installation for each chunk's handful of new INEs.
        """
        if not values:
            return []
        open_case = (
            select(CASES.c.id)
            .where(CASES.c.youth_id == YOUTHS.c.id, CASES.c.status == CaseStatus.OPEN)
            .exists()
        )
        query = select(
            YOUTHS.c.id,
            YOUTHS.c.psad_id,
            YOUTHS.c.ine,
            YOUTHS.c.identity_key,
            YOUTHS.c.last_row_hash,
            open_case,
        ).where(among(self.session, column, values))
        if not by_id:
            query = query.order_by(YOUTHS.c.psad_id != self.psad_id, YOUTHS.c.id)
        return [_Match(*record) for record in self.session.execute(query).all()]

    def _records(self, youth_ids: list[int]) -> dict[int, dict[str, Any]]:
        if not youth_ids:
            return {}
        query = select(*(YOUTHS.c[name] for name in ("id", *COMPARED))).where(
            among(self.session, "youths.id", youth_ids)
        )
        return {
            record["id"]: dict(record) for record in self.session.execute(query).mappings().all()
        }

    def _conflict(self, row: ParsedRow, psad_id: int) -> None:
        psad = self.session.get(Psad, psad_id)
        name = f"{psad.code} ({psad.name})" if psad else "une autre PSAD"
        self.result.conflicts += 1
        self.result.late_problems.append(
            Problem(
                row.line,
                CONFLICT,
                f"Jeune déjà suivi par la PSAD {name} : non importé ; "
                "le pilote peut demander un transfert",
            )
        )

    def _listing(self, row: ParsedRow, youth_id: int, outcome: str) -> tuple[Any, ...]:
        # No JSON for a row listed identically before: the youth's earlier listing with the
        # same fingerprint keeps it (the same personal data is not stored again each month).
        return (self.batch.id, youth_id, row.line, outcome, row.row_hash, row.row_json or None)

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
                    *map(values.get, COMPARED),
                    youth_id,
                    self.psad_id,
                    _search_key(values.get("last_name"), values.get("first_name")),
                    row.identity_key,
                    row.row_hash,
                    self.now,
                    self.now,
                )
            )
            if row.guardian:
                guardian_rows.append((youth_id, *map(row.guardian.get, GUARDIAN_COLUMNS[1:])))
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


class _Match(NamedTuple):
    id: int
    psad_id: int
    ine: str | None
    identity_key: str | None
    row_hash: str | None  # of the youth's latest listing
    has_open_case: bool


def _search_key(last_name: str | None, first_name: str | None) -> str:
    return f"{fold(last_name)} {fold(first_name)}".strip()


def _changes(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """Fields the newer list fills or corrects; an empty cell never blanks a field."""
    return {
        name: value
        for name, value in incoming.items()
        if name in current and value is not None and value != current[name]
    }

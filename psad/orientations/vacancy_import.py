"""Vacant places from a spreadsheet.

A school's or a CIO's list of vacant places is read as a headed table
(``psad.orientations.sheets``: xlsx, xls, ods or csv), its header found by folded synonyms
(« UAI », « RNE », « code UAI »...); every row is checked with the rules of a place declared
by hand (``vacancies.check_vacancy``). All or nothing: one wrong cell and
nothing is written, every error listed with its file, line and column. A place already
declared with the same UAI, formation and date (not withdrawn) is the same place: its number
is updated, so that importing a file again duplicates nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import Psad, User
from psad.imports.reader import CellValue, ReadLimits
from psad.orientations.models import VacantPlace
from psad.orientations.sheets import HeadedTable, SheetError, read_headed
from psad.orientations.vacancies import VacancyError, VacancyFields, check_vacancy, new_vacancy
from psad.youth.identifiers import clean_text, fold, parse_date

# A list of vacant places is short: this keeps the upload's request short too.
VACANCY_LIMITS = ReadLimits(max_rows=10_000)
T = TypeVar("T")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "uai": ("uai", "rne", "code uai", "code rne", "n° uai", "numéro uai", "uai établissement"),
    "establishment": (
        "établissement",
        "etablissement",
        "nom de l'établissement",
        "nom établissement",
        "établissement d'accueil",
        "lycée",
    ),
    "commune": ("commune", "ville", "localité", "commune de l'établissement"),
    "formation": (
        "formation",
        "libellé formation",
        "libellé de la formation",
        "intitulé de la formation",
        "formation proposée",
        "diplôme préparé",
    ),
    "field": (
        "domaine",
        "filière",
        "domaine/filière",
        "domaine / filière",
        "domaine ou filière",
        "champ professionnel",
        "famille de métiers",
        "secteur",
    ),
    "places": (
        "places",
        "nombre de places",
        "nb places",
        "nb de places",
        "nb. places",
        "places vacantes",
        "nombre de places vacantes",
    ),
    "available_until": (
        "jusqu'au",
        "date limite",
        "disponible jusqu'au",
        "disponibles jusqu'au",
        "valable jusqu'au",
        "date de fin",
    ),
}
REQUIRED = {
    "uai": "UAI",
    "formation": "Formation",
    "places": "Nombre de places",
    "available_until": "Jusqu'au",
}
INTEGER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int

    @property
    def text(self) -> str:
        return f"{self.created} place(s) vacante(s) ajoutée(s), {self.updated} mise(s) à jour."


def read_vacancy_file(
    path: Path, *, file_name: str, today: date, limits: ReadLimits = VACANCY_LIMITS
) -> list[VacancyFields]:
    """Every row of the file as a checked place; ``SheetError`` lists every wrong cell."""
    table = read_headed(
        path, file_name=file_name, synonyms=SYNONYMS, required=REQUIRED, limits=limits
    )
    found: list[VacancyFields] = []
    problems: list[str] = []
    for line, cells in table.rows:
        try:
            found.append(_row(table, cells, today=today))
        except VacancyError as error:
            wrong = sorted(error.problems.items(), key=lambda item: table.columns[item[0]][0])
            problems.extend(f"{table.where(line, field)} : {message}" for field, message in wrong)
    if problems:
        raise SheetError(problems)
    if not found:
        raise SheetError([f"{file_name} : aucune place vacante sous la ligne d'en-tête."])
    return found


def _row(table: HeadedTable, cells: Sequence[CellValue], *, today: date) -> VacancyFields:
    """The row checked, or ``VacancyError`` with every wrong cell of the row."""

    def text(field: str) -> str:
        return clean_text(table.cell(cells, field)) or ""

    unread: dict[str, str] = {}
    places = _read(_places, table.cell(cells, "places"), unread, default=1)
    until = _read(_until, table.cell(cells, "available_until"), unread, default=today)
    fields = VacancyFields(
        uai=text("uai"),
        establishment=text("establishment"),
        commune=text("commune"),
        formation=text("formation"),
        field=text("field"),
        places=places,
        available_until=until,
    )
    try:
        checked = check_vacancy(fields, today=today)
    except VacancyError as error:
        raise VacancyError.of({**error.problems, **unread}) from None
    if unread:
        raise VacancyError.of(unread)
    return checked


def _read(parse: Callable[[CellValue], T], raw: CellValue, unread: dict[str, str], default: T) -> T:
    try:
        return parse(raw)
    except VacancyError as error:
        unread.update(error.problems)
        return default


def _places(raw: CellValue) -> int:
    if isinstance(raw, bool):
        raise VacancyError(f"« {clean_text(raw)} » n'est pas un nombre entier.", field="places")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = clean_text(raw)
    if text is None:
        raise VacancyError("Nombre de places manquant.", field="places")
    if not INTEGER.fullmatch(text):
        raise VacancyError(f"« {text[:40]} » n'est pas un nombre entier.", field="places")
    return int(text)


def _until(raw: CellValue) -> date:
    checked = parse_date(raw)
    if checked.value is not None:
        return checked.value
    text = clean_text(raw)
    if text is None:
        raise VacancyError("Date « jusqu'au » manquante.", field="available_until")
    raise VacancyError(
        f"« {text[:40]} » n'est pas une date (jj/mm/aaaa attendu).", field="available_until"
    )


def import_vacancies(
    session: Session,
    *,
    psad: Psad,
    rows: Sequence[VacancyFields],
    file_name: str,
    by: User | None,
    actor: Actor,
) -> ImportReport:
    """Write checked rows: a place already declared (same UAI, formation and date, not
    withdrawn) has its number and details updated, any other is added."""
    uais = {row.uai for row in rows}
    existing = {
        _same_place(v.uai, v.formation, v.available_until): v
        for v in session.scalars(
            select(VacantPlace)
            .where(
                VacantPlace.psad_id == psad.id,
                VacantPlace.uai.in_(uais),
                VacantPlace.withdrawn_at.is_(None),
            )
            .order_by(VacantPlace.id)
        )
    }
    created: set[tuple[str, str, date]] = set()
    updated: set[tuple[str, str, date]] = set()
    for row in rows:
        key = _same_place(row.uai, row.formation, row.available_until)
        vacancy = existing.get(key)
        if vacancy is None:
            vacancy = new_vacancy(session, psad=psad, fields=row, by=by, source=file_name)
            existing[key] = vacancy
            created.add(key)
            continue
        if key not in created:  # a place of an earlier import, or typed by hand
            updated.add(key)
        vacancy.places = row.places
        for name in ("establishment", "commune", "field"):
            if getattr(row, name):
                setattr(vacancy, name, getattr(row, name))
    session.flush()
    record(
        session,
        actor,
        AuditAction.VACANCIES_IMPORTED,
        object_type="psad",
        object_id=psad.id,
        detail=f"fichier={file_name[:200]} ajoutées={len(created)} mises_à_jour={len(updated)}",
        psad_id=psad.id,
    )
    return ImportReport(created=len(created), updated=len(updated))


def _same_place(uai: str, formation: str, until: date) -> tuple[str, str, date]:
    return uai, fold(formation), until

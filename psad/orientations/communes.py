"""The communes and their centres: the file the app ships, and the official one.

The app ships the main communes of the académies of Lille and Amiens
(``data/communes.csv``), loaded when the table is empty (``ensure_communes``). An
installation loads the official list with ``psad communes charger FICHIER``: any spreadsheet
the lists' reader reads, whose header names the columns as the code officiel géographique or
the data.gouv.fr communes file do (``code_insee`` or ``COM``, ``nom_standard`` or
``LIBELLE``...). A file with a wrong cell is refused whole, its errors named by line and
column; a commune already known is updated by its INSEE code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.imports.reader import CellValue
from psad.orientations import geo
from psad.orientations.sheets import HeadedTable, SheetError, read_headed
from psad.reference.models import Commune
from psad.youth.identifiers import clean_text

SHIPPED = Path(__file__).parent / "data" / "communes.csv"
SYNONYMS: dict[str, tuple[str, ...]] = {
    "code": ("code_insee", "code_commune_insee", "com", "code", "code commune", "insee"),
    "name": ("nom", "nom_standard", "nom_commune", "libelle", "nom commune", "commune"),
    "postal_codes": ("codes_postaux", "code_postal", "cp"),
    "department": ("departement", "dep_code", "dep", "code_departement"),
    "latitude": ("latitude", "latitude_centre", "lat"),
    "longitude": ("longitude", "longitude_centre", "lon", "lng"),
    "kind": ("typecom", "type_commune"),
}
REQUIRED = {"code": "code_insee", "name": "nom"}
# In the code officiel géographique, communes déléguées and associées repeat a code.
KEPT_KINDS = ("", "COM", "ARM")
INSEE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")
POSTAL_CODE = re.compile(r"[0-9]{5}")
NAME_LENGTH = 120


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    postal_codes: str | None
    department: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class LoadReport:
    added: int
    updated: int

    @property
    def text(self) -> str:
        return f"{self.added} commune(s) ajoutée(s), {self.updated} mise(s) à jour."


class _CellError(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


def read_communes_file(path: Path, *, file_name: str | None = None) -> list[CommuneRow]:
    """The communes of a spreadsheet; ``SheetError`` lists every wrong cell (nothing read)."""
    name = file_name or path.name
    table = read_headed(path, file_name=name, synonyms=SYNONYMS, required=REQUIRED)
    rows: list[CommuneRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line, cells in table.rows:
        if (clean_text(table.cell(cells, "kind")) or "").upper() not in KEPT_KINDS:
            continue
        try:
            row = _row(table, cells)
        except _CellError as error:
            problems.append(f"{table.where(line, error.field)} : {error.message}")
            continue
        if row.code not in seen:
            seen.add(row.code)
            rows.append(row)
    if problems:
        raise SheetError(problems)
    if not rows:
        raise SheetError([f"{name} : aucune commune sous la ligne d'en-tête."])
    return rows


def _row(table: HeadedTable, cells: Sequence[CellValue]) -> CommuneRow:
    code = _code(table.cell(cells, "code"))
    name = clean_text(table.cell(cells, "name"))
    if name is None:
        raise _CellError("name", "nom de la commune manquant.")
    if len(name) > NAME_LENGTH:
        raise _CellError("name", f"nom de plus de {NAME_LENGTH} caractères.")
    department = clean_text(table.cell(cells, "department"))
    if department is not None and department.isdigit():
        department = department.zfill(2)
    return CommuneRow(
        code=code,
        name=name,
        postal_codes=_postal_codes(table.cell(cells, "postal_codes")),
        department=(department or _department_of(code))[:3],
        latitude=_coordinate(table.cell(cells, "latitude"), "latitude", 90),
        longitude=_coordinate(table.cell(cells, "longitude"), "longitude", 180),
    )


def _code(raw: CellValue) -> str:
    text = clean_text(raw)
    if text is None:
        raise _CellError("code", "code INSEE manquant.")
    code = text.upper().zfill(5) if text.isdigit() else text.upper()
    if not INSEE_CODE.fullmatch(code):
        raise _CellError(
            "code", f"« {text[:40]} » n'est pas un code INSEE de commune (5 caractères)."
        )
    return code


def _department_of(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def _postal_codes(raw: CellValue) -> str | None:
    text = clean_text(raw)
    if text is None:
        return None
    codes = [c.zfill(5) for c in re.split(r"[\s,;/|]+", text) if c]
    kept = [c for c in dict.fromkeys(codes) if POSTAL_CODE.fullmatch(c)]
    return " ".join(kept)[:200] or None


def _coordinate(raw: CellValue, field: str, bound: int) -> float | None:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        text = clean_text(raw)
        if text is None:
            return None
        try:
            value = float(text.replace(",", ".").replace(" ", ""))
        except ValueError:
            raise _CellError(field, f"« {text[:40]} » n'est pas un nombre.") from None
    if not -bound <= value <= bound:
        raise _CellError(field, f"{value} est hors des bornes (de -{bound} à {bound}).")
    return round(value, 6)


def load_communes(
    session: Session, rows: Iterable[CommuneRow], *, only_missing: bool = False
) -> LoadReport:
    """Add the communes not yet known, update the others (by INSEE code) unless
    ``only_missing``."""
    known = {commune.code: commune for commune in session.scalars(select(Commune))}
    added = updated = 0
    for row in rows:
        values = {
            "name": row.name,
            "name_key": geo.name_key(row.name),
            "postal_codes": row.postal_codes,
            "department": row.department,
            "latitude": row.latitude,
            "longitude": row.longitude,
        }
        commune = known.get(row.code)
        if commune is None:
            commune = Commune(code=row.code, **values)
            session.add(commune)
            known[row.code] = commune
            added += 1
        elif not only_missing and any(
            getattr(commune, key) != value for key, value in values.items()
        ):
            for key, value in values.items():
                setattr(commune, key, value)
            updated += 1
    session.flush()
    return LoadReport(added=added, updated=updated)


def ensure_communes(session: Session) -> int:
    """Load the shipped communes when the table is empty; the number of communes added."""
    if session.scalar(select(func.count()).select_from(Commune)):
        return 0
    return load_communes(session, read_communes_file(SHIPPED)).added

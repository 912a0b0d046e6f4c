"""The minutes of a comité as an ``.xlsx`` workbook, in the full or the minimised version.

Sheet « Relevé »: a title block (PSAD, comité, date, status, members present), then one row
per youth the viewer may see, in agenda order, with the decision, who acts and the due date
(a real date). Sheet « Amendements »: the corrections made after validation. The header row is
bold and frozen, printed on every page (A4 landscape, fitted to the width); every text cell is
safe from formula injection (``psad.xlsx.safe_cell``). The export is audited with its format,
version and number of rows, never a youth's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.committees.minutes import Minutes, MinutesRow
from psad.lists.export import DATE_FORMAT, Column
from psad.xlsx import safe_cell

SHEET_TITLE = "Relevé"
AMENDMENTS_TITLE = "Amendements"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
COLUMNS = (
    Column("N°", 5),
    Column("Jeune", 26),
    Column("Année de naissance", 11),
    Column("Motifs", 34),
    Column("Décision", 22),
    Column("Dispositif", 28),
    Column("Site", 30),
    Column("Qui agit (structure)", 26),
    Column("Qui agit (personne)", 22),
    Column("Échéance", 12),
    Column("Commentaire", 48),
)
WRAPPED = {3, 10}  # Motifs, Commentaire: long texts wrap within their column
AMENDMENT_COLUMNS = (
    Column("Date", 17),
    Column("Auteur", 24),
    Column("Décision amendée (jeune)", 26),
    Column("Correction", 80),
)


def values(row: MinutesRow) -> list[Any]:
    """One youth's cells, in the order of ``COLUMNS``."""
    return [
        row.number,
        row.youth,
        row.birth_year,
        row.reasons,
        row.decision,
        row.programme,
        row.site,
        row.structure,
        row.person,
        row.due_on,
        row.comment,
    ]


def title_block(minutes: Minutes) -> list[list[Any]]:
    """The lines above the table: what a printed page must say on its own."""
    return [
        [f"{minutes.committee.psad.name} — Relevé de décisions"],
        [f"{minutes.committee.kind.label} du {minutes.when}"],
        [f"Lieu : {minutes.place or 'non précisé'}"],
        [f"Statut : {minutes.status}"],
        [f"Membres présents : {minutes.present_members}"],
        [f"Version : {minutes.version.label}"],
    ]


def write_minutes(target: IO[bytes], minutes: Minutes) -> int:
    """Write the workbook to ``target``; returns the number of youth rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    block = title_block(minutes)
    header_row = len(block) + 2  # a blank line between the block and the table
    last_row = header_row + len(minutes.rows)
    _layout(sheet, COLUMNS, header_row, last_row)
    title_font = Font(bold=True, size=14)
    for index, line in enumerate(block):
        sheet.append([_text(sheet, line[0], title_font if index == 0 else None)])
    sheet.append([])
    _header(sheet, COLUMNS)
    for row in minutes.rows:
        cells = values(row)
        sheet.append([_cell(sheet, value, wrap=i in WRAPPED) for i, value in enumerate(cells)])
    amendments = workbook.create_sheet(AMENDMENTS_TITLE)
    _layout(amendments, AMENDMENT_COLUMNS, 1, 1 + len(minutes.amendments))
    _header(amendments, AMENDMENT_COLUMNS)
    for amendment in minutes.amendments:
        amendments.append(
            [
                _cell(amendments, amendment.at.replace(tzinfo=None)),
                _cell(amendments, amendment.author),
                _cell(amendments, amendment.about or "Relevé dans son ensemble"),
                _cell(amendments, amendment.text, wrap=True),
            ]
        )
    workbook.save(target)
    return len(minutes.rows)


def _layout(sheet: WriteOnlyWorksheet, columns: Sequence[Column], header: int, last: int) -> None:
    """Widths, the frozen header, and the print setup: A4 landscape, one page wide, the
    header repeated on every page (set before any row: write-only mode)."""
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{header + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4 (openpyxl's PAPERSIZE_A4)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header}:{header}"
    sheet.print_area = f"A1:{get_column_letter(len(columns))}{max(last, header)}"


def _header(sheet: WriteOnlyWorksheet, columns: Sequence[Column]) -> None:
    bold = Font(bold=True)
    sheet.append([_text(sheet, column.header, bold) for column in columns])


def _text(sheet: WriteOnlyWorksheet, value: str, font: Font | None) -> Any:
    cell = safe_cell(sheet, value)
    if isinstance(cell, str):
        cell = WriteOnlyCell(sheet, value=cell)
    if font is not None:
        cell.font = font
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: Any, *, wrap: bool = False) -> Any:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if value == "":
        return None
    safe = safe_cell(sheet, value)
    if wrap and isinstance(safe, str):
        cell = WriteOnlyCell(sheet, value=safe)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell
    return safe


def export_minutes(
    session: Session,
    *,
    minutes: Minutes,
    target: IO[bytes],
    actor: audit.Actor,
) -> int:
    """Write the minutes' workbook to ``target`` and audit it (format, version, rows)."""
    written = write_minutes(target, minutes)
    record_export(session, minutes=minutes, fmt="xlsx", rows=written, actor=actor)
    return written


def record_export(
    session: Session, *, minutes: Minutes, fmt: str, rows: int, actor: audit.Actor
) -> None:
    """An export or a print of the minutes, in the audit log: ids and counts only."""
    audit.record(
        session,
        actor,
        AuditAction.MINUTES_EXPORTED,
        object_type="committee",
        object_id=minutes.committee.id,
        detail=f"format={fmt}; version={minutes.version.value}; lignes={rows}",
        psad_id=minutes.committee.psad_id,
    )

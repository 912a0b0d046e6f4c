"""The filtered list of orientations as an ``.xlsx`` workbook: one row per orientation, in the
list's order, within the viewer's scope.

openpyxl's write-only mode writes the rows to the target as the database streams them (memory
stays flat); the header is bold and frozen, the columns have widths, dates are real dates and
every text cell is safe from formula injection (``psad.xlsx.safe_cell``). The export is audited
with the filter and the number of rows, never a youth's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.lists.export import DATE_FORMAT, Column
from psad.orientations.queries import OrientationFilter, OrientationRow, all_rows
from psad.xlsx import safe_cell

SHEET_TITLE = "Orientations"
COLUMNS = (
    Column("Jeune", 28),
    Column("Année de naissance", 10),
    Column("Dispositif", 40),
    Column("Famille", 16),
    Column("Site / place", 36),
    Column("Structure d'accueil", 28),
    Column("Statut", 18),
    Column("Proposée le", 12),
    Column("Acceptée le", 12),
    Column("Commencée le", 12),
    Column("Terminée le", 12),
    Column("Motif", 36),
    Column("Proposée par", 22),
)


def values(row: OrientationRow) -> list[Any]:
    """One orientation's cells, in the order of ``COLUMNS``."""
    return [
        row.youth_name,
        row.birth_year,
        f"{row.programme_code} · {row.programme_name}",
        row.family,
        row.place,
        row.host,
        row.status.label,
        row.proposed_on,
        row.accepted_on,
        row.started_on,
        row.ended_on,
        row.reason,
        row.proposed_by,
    ]


def write_sheet(target: IO[bytes], headers: Sequence[Column], table: Iterable[list[Any]]) -> int:
    """One sheet: a bold, frozen header row, the columns' widths, then the rows as they come.
    Returns the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header_cells = []
    for column in headers:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    written = 0
    for row in table:
        sheet.append([_cell(sheet, value) for value in row])
        written += 1
    workbook.save(target)
    return written


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return safe_cell(sheet, value)


def export_orientations(
    session: Session,
    *,
    viewer_scope: ColumnElement[bool],
    chosen: OrientationFilter,
    target: IO[bytes],
    actor: audit.Actor,
) -> int:
    """Write the orientations the filter keeps, within ``viewer_scope``, to ``target``; audit
    it with the filter and the number of rows. Returns that number."""
    written = write_sheet(
        target, COLUMNS, (values(row) for row in all_rows(session, viewer_scope, chosen))
    )
    audit.record(
        session,
        actor,
        AuditAction.ORIENTATIONS_EXPORTED,
        object_type="orientation_list",
        detail=f"{chosen.audit_detail()}; lignes={written}",
    )
    return written

"""The regional workbook, for readers: the PSADs they may see side by side, then all of them
together, every indicator for the period, no personal data, small counts masked.

The same cover (with a note on masking) and one sheet per chapter as the PSAD's workbook;
one column per PSAD and « Ensemble » last. A figure a reader may not see is the text
« < 5 » (``psad.reports.masking``: small counts and the cells that would reveal them); every
other figure is a number. No chart: bars drawn from masked cells would mislead.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from psad.auth.models import Psad
from psad.reports import masking
from psad.reports.figures import Indicator, Period, Theme, Unit
from psad.reports.regional import regional_figures
from psad.reports.workbook import (
    BLOCK_FILL,
    BOLD,
    NUMBER_FORMATS,
    SHEET_NAMES,
    TITLE,
    Cover,
    header_cell,
    new_workbook,
    print_setup,
    put,
    stored,
)

REGIONAL_TITLE = f"{TITLE} · vue régionale"
TOTAL = "Ensemble"
NOTE = (
    "Aucune donnée nominative. Les effectifs inférieurs à "
    f"{masking.THRESHOLD} sont affichés « {masking.MASKED} », ainsi que ceux qui "
    "permettraient de les retrouver par différence ; une médiane ou une part calculée sur "
    f"moins de {masking.THRESHOLD} jeunes aussi. « {TOTAL} » compte une seule fois un jeune "
    "suivi par plusieurs PSAD."
)
HEADER_ROW = 4
LABEL_WIDTH = 52
UNIT_WIDTH = 16
PSAD_WIDTH = 16


def regional_workbook_bytes(
    session: Session, psads: list[Psad], period: Period, *, produced_at: datetime
) -> bytes:
    figures = regional_figures(session, [psad.id for psad in psads], period)
    names = [psad.name for psad in psads]
    workbook = new_workbook(
        Cover(
            title=REGIONAL_TITLE,
            psad_names=names,
            period=period,
            previous=None,
            produced_at=produced_at,
            indicators=[indicator for shown in figures.values() for indicator, _ in shown],
            note=NOTE,
        )
    )
    for theme, shown in figures.items():
        _write_chapter(workbook.create_sheet(SHEET_NAMES[theme]), theme, names, period, shown)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_chapter(
    sheet: Worksheet,
    theme: Theme,
    names: list[str],
    period: Period,
    shown: list[tuple[Indicator, list[masking.Line]]],
) -> None:
    columns = 2 + len(names) + 1
    sheet.column_dimensions["A"].width = LABEL_WIDTH
    sheet.column_dimensions["B"].width = UNIT_WIDTH
    for column in range(3, columns + 1):
        sheet.column_dimensions[get_column_letter(column)].width = PSAD_WIDTH
    put(sheet, 1, 1, theme.label).font = Font(bold=True, size=14)
    put(sheet, 2, 1, f"Vue régionale · {period.label} · effectifs inférieurs à 5 masqués")
    for column, heading in enumerate(["Indicateur", "Unité", *names, TOTAL], 1):
        header_cell(put(sheet, HEADER_ROW, column, heading))
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = f"C{HEADER_ROW + 1}"
    row = HEADER_ROW + 1
    for indicator, lines in shown:
        if indicator.breakdown:
            row += 1
            put(sheet, row, 1, indicator.label).font = BOLD
            put(sheet, row, 2, indicator.unit.label)
            for column in range(1, columns + 1):
                sheet.cell(row, column).fill = BLOCK_FILL
            row += 1
        for line in lines:
            _line(sheet, row, indicator.unit, line, indent=1 if indicator.breakdown else 0)
            row += 1
    if not shown:
        put(sheet, row, 1, "Aucun indicateur dans ce chapitre.")
    print_setup(sheet, columns, max(sheet.max_row, row - 1), f"1:{HEADER_ROW}")


def _line(sheet: Worksheet, row: int, unit: Unit, line: masking.Line, indent: int) -> None:
    put(sheet, row, 1, line.label).alignment = Alignment(wrap_text=True, indent=indent)
    put(sheet, row, 2, unit.label)
    for column, cell in enumerate(line.cells, 3):
        if cell.masked:
            put(sheet, row, column, masking.MASKED).alignment = Alignment(horizontal="right")
        else:
            put(sheet, row, column, stored(unit, cell.number), NUMBER_FORMATS[unit])

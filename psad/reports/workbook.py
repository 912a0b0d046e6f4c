"""The bilan as an Excel workbook, ready to print and to hand to the comité de pilotage.

A cover sheet (the PSAD or PSADs, the period and the one it is compared with, when it was
produced, the chapters, and the written definition of every indicator), then one sheet per
chapter (``Theme``): the chapter's figures first, one line each, then every breakdown as a
table; native Excel bar charts beside the funnel and the breakdowns.

Numbers are stored as numbers and dates as dates. Formats are written in the syntax openpyxl
stores (US): ``#,##0`` and ``0.0%`` show « 1 234 » and « 12,5 % » in a French Excel.
Shares are stored as fractions (12.5 % is 0.125). Every text that comes from the data (PSAD
names, labels, communes, schools) is kept from running as a formula (``psad.xlsx``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from psad.clock import local
from psad.reports.display import Line, breakdown_lines
from psad.reports.figures import Bilan, Indicator, Period, Result, Theme, Unit
from psad.xlsx import formula_like, sheet_text

TITLE = "Bilan d'activité"
COVER = "Couverture"
# Sheet names: at most 31 characters (the chapters' full labels head each sheet).
SHEET_NAMES = {
    Theme.FUNNEL: "Repérage à solution",
    Theme.SITUATIONS: "Situations et sorties",
    Theme.PROFILE: "Profil des jeunes",
    Theme.DELAYS: "Délais",
    Theme.LEGAL: "DARFI et obligation",
    Theme.COMMITTEES: "Comités techniques",
    Theme.ORIENTATIONS: "Orientations et places",
    Theme.MOVES: "Transferts et contacts",
}

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
NUMBER_FORMATS = {
    Unit.YOUTH: "#,##0",
    Unit.COUNT: "#,##0",
    Unit.DAYS: "#,##0.0",
    Unit.PERCENT: "0.0%",
}
# Evolution: relative for counts, in days for medians, in points for shares.
EVOLUTION_FORMATS = {
    Unit.YOUTH: "+0.0%;-0.0%;0.0%",
    Unit.COUNT: "+0.0%;-0.0%;0.0%",
    Unit.DAYS: '+#,##0.0" j";-#,##0.0" j";0" j"',
    Unit.PERCENT: '+0.0" pt";-0.0" pt";0" pt"',
}

# The chapters' sheets: A label, B unit, C period, D previous, E evolution, F-G bases; then a
# narrow gap and the charts over I to P.
COLUMNS = (
    ("Indicateur", 52),
    ("Unité", 16),
    ("", 14),  # the period's label
    ("", 14),  # the previous period's label
    ("Évolution", 12),
    ("Calculé sur (jeunes)", 13),
    ("Calculé sur, période précédente", 13),
)
GAP_COLUMN = 8
CHART_COLUMNS = range(9, 17)
CHART_COLUMN_WIDTH = 12
HEADER_ROW = 4
CHART_WIDTH_CM = 17.0
ROW_HEIGHT_CM = 0.53  # Excel's default row (15 points)
CHART_MAX_ROWS = 30  # a breakdown longer than this charts its first rows only

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BLOCK_FILL = PatternFill("solid", fgColor="F2F4F7")
THIN = Side(style="thin", color="8A99AD")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Cover:
    """What the cover sheet says: the PSADs, the period (and the one it is compared with),
    when it was produced, a note on what is shown (masking), every indicator's definition."""

    title: str
    psad_names: list[str]
    period: Period
    previous: Period | None
    produced_at: datetime
    indicators: list[Indicator]
    note: str | None = None


def write_workbook(bilan: Bilan, target: IO[bytes] | Path) -> None:
    build_workbook(bilan).save(target)


def workbook_bytes(bilan: Bilan) -> bytes:
    buffer = BytesIO()
    write_workbook(bilan, buffer)
    return buffer.getvalue()


def build_workbook(bilan: Bilan) -> Workbook:
    chapters = bilan.by_theme()
    workbook = new_workbook(
        Cover(
            title=TITLE,
            psad_names=bilan.psad_names,
            period=bilan.scope.period,
            previous=bilan.previous.period,
            produced_at=bilan.produced_at,
            indicators=[result.indicator for result in bilan.results.values()],
        )
    )
    for theme, results in chapters.items():
        _write_chapter(workbook.create_sheet(SHEET_NAMES[theme]), bilan, theme, results)
    return workbook


def new_workbook(cover: Cover) -> Workbook:
    """A workbook with its properties and its cover sheet; the chapters' sheets follow."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = COVER
    workbook.properties.title = cover.title
    workbook.properties.creator = "Suivi PSAD"
    workbook.properties.created = _naive(cover.produced_at)
    _write_cover(sheet, cover)
    return workbook


# --- cells ------------------------------------------------------------------------------------


def put(
    sheet: Worksheet, row: int, column: int, value: Any, number_format: str | None = None
) -> Cell:
    """Write one cell; text that a spreadsheet would run as a formula is stored as text with
    Excel's quote prefix (as ``psad.xlsx.safe_cell`` does for write-only sheets)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime):
        value = _naive(value)
    elif isinstance(value, str):
        value = sheet_text(value)  # no control character XML cannot hold
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if number_format is not None:
        cell.number_format = number_format
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def _naive(moment: datetime) -> datetime:
    """Excel has no time zones: an instant is written as Paris time."""
    return local(moment).replace(tzinfo=None) if moment.tzinfo else moment


def stored(unit: Unit, number: int | float | None) -> int | float | None:
    """The number as the cell holds it: shares as fractions."""
    if number is None:
        return None
    return number / 100 if unit is Unit.PERCENT else number


def evolution(
    unit: Unit, current: int | float | None, previous: int | float | None
) -> float | None:
    """Counts: the relative change (a fraction); medians: days; shares: points."""
    if current is None or previous is None:
        return None
    if unit in (Unit.YOUTH, Unit.COUNT):
        return (current - previous) / previous if previous else None
    return float(current - previous)


def _set_widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def print_setup(sheet: Worksheet, last_column: int, last_row: int, title_rows: str) -> None:
    """A4 landscape, one page wide, the header rows repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.print_area = f"A1:{get_column_letter(last_column)}{max(last_row, 1)}"
    sheet.print_title_rows = title_rows
    sheet.oddFooter.left.text = TITLE
    sheet.oddFooter.right.text = "Page &P / &N"


# --- the cover ---------------------------------------------------------------------------------


def _write_cover(sheet: Worksheet, cover: Cover) -> None:
    _set_widths(sheet, [24, 46, 30, 16, 90])
    put(sheet, 1, 1, cover.title).font = Font(bold=True, size=18)
    row = 3
    names = cover.psad_names or [""]
    title = f"PSAD ({len(names)}, bilan consolidé)" if len(names) > 1 else "PSAD"
    put(sheet, row, 1, title).font = BOLD
    for name in names:
        put(sheet, row, 2, name)
        row += 1
    row = _period_lines(sheet, row, "Période", cover.period)
    if cover.previous is not None:
        row = _period_lines(sheet, row, "Comparée à", cover.previous)
    put(sheet, row, 1, "Produit le").font = BOLD
    put(sheet, row, 2, cover.produced_at).alignment = Alignment(horizontal="left")
    row += 1
    if cover.note:
        put(sheet, row, 1, "Diffusion").font = BOLD
        put(sheet, row, 2, cover.note).alignment = WRAP
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        sheet.row_dimensions[row].height = 30
        row += 1

    row += 1
    put(sheet, row, 1, "Chapitres").font = Font(bold=True, size=13)
    row += 1
    for theme in Theme:
        count = sum(1 for indicator in cover.indicators if indicator.theme is theme)
        cell = put(sheet, row, 1, theme.label)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{SHEET_NAMES[theme]}'!A1")
        cell.font = Font(color="1F4E8C", underline="single")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        put(sheet, row, 3, count, "0")
        put(sheet, row, 4, "indicateur" if count == 1 else "indicateurs")
        row += 1

    row += 1
    put(sheet, row, 1, "Définitions des indicateurs").font = Font(bold=True, size=13)
    row += 1
    header_row = row
    for column, header in enumerate(("Code", "Indicateur", "Chapitre", "Unité", "Définition"), 1):
        header_cell(put(sheet, row, column, header))
    for indicator in cover.indicators:
        row += 1
        cells = [indicator.code, indicator.label, indicator.theme.label, indicator.unit.label]
        for column, value in enumerate([*cells, indicator.definition], 1):
            put(sheet, row, column, value).alignment = WRAP
    if not cover.indicators:
        row += 1
        put(sheet, row, 1, "Aucun indicateur.")
    print_setup(sheet, 5, row, f"{header_row}:{header_row}")


def _period_lines(sheet: Worksheet, row: int, title: str, period: Period) -> int:
    put(sheet, row, 1, title).font = BOLD
    put(sheet, row, 2, period.label)
    put(sheet, row + 1, 1, "du")
    put(sheet, row + 1, 2, period.start).alignment = Alignment(horizontal="left")
    put(sheet, row + 2, 1, "au")
    put(sheet, row + 2, 2, period.end).alignment = Alignment(horizontal="left")
    return row + 3


def header_cell(cell: Cell) -> None:
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    cell.border = Border(bottom=THIN)


# --- a chapter ---------------------------------------------------------------------------------


def period_heading(period: Period) -> str:
    if period.is_school_year:
        return period.label.removeprefix("année scolaire ")
    return f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def _write_chapter(sheet: Worksheet, bilan: Bilan, theme: Theme, results: list[Result]) -> None:
    _set_widths(sheet, [width for _, width in COLUMNS])
    sheet.column_dimensions[get_column_letter(GAP_COLUMN)].width = 2
    for column in CHART_COLUMNS:
        sheet.column_dimensions[get_column_letter(column)].width = CHART_COLUMN_WIDTH
    put(sheet, 1, 1, theme.label).font = Font(bold=True, size=14)
    subtitle = f"{', '.join(bilan.psad_names)} · {bilan.scope.period.label}"
    put(sheet, 2, 1, f"{subtitle} (comparé à : {bilan.previous.period.label})")
    headings = [title for title, _ in COLUMNS]
    headings[2] = period_heading(bilan.scope.period)
    headings[3] = period_heading(bilan.previous.period)
    for column, heading in enumerate(headings, 1):
        header_cell(put(sheet, HEADER_ROW, column, heading))
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"

    row = HEADER_ROW + 1
    scalars = [r for r in results if not r.indicator.breakdown]
    if theme is Theme.FUNNEL:  # the funnel's steps first, together, for its chart
        scalars.sort(key=lambda r: r.indicator.unit is not Unit.YOUTH)
    first = row
    for result in scalars:
        [line] = breakdown_lines(result.indicator, result.current, result.previous)
        _line(sheet, row, result.indicator.unit, line)
        row += 1
    steps = sum(1 for r in scalars if r.indicator.unit is Unit.YOUTH)
    if theme is Theme.FUNNEL and steps > 1:
        chart = _bar_chart(
            "Du repérage à la solution", sheet, first, first + steps - 1, Unit.YOUTH, bilan
        )
        sheet.add_chart(chart, f"{get_column_letter(CHART_COLUMNS[0])}{first}")
        row = max(row, first + _rows_for(chart))

    for result in (r for r in results if r.indicator.breakdown):
        row = _breakdown(sheet, row + 1, result, bilan)
    if not results:
        put(sheet, row, 1, "Aucun indicateur dans ce chapitre.")
    print_setup(sheet, CHART_COLUMNS[-1], max(sheet.max_row, row - 1), f"1:{HEADER_ROW}")


def _line(sheet: Worksheet, row: int, unit: Unit, line: Line, indent: int = 0) -> None:
    """A figure's line: label, unit, the period, the previous one, the evolution, and for a
    median or a share the number of youth each is computed on."""
    put(sheet, row, 1, line.label).alignment = Alignment(wrap_text=True, indent=indent)
    put(sheet, row, 2, unit.label)
    put(sheet, row, 3, stored(unit, line.current.number), NUMBER_FORMATS[unit])
    put(sheet, row, 4, stored(unit, line.previous.number), NUMBER_FORMATS[unit])
    change = evolution(unit, line.current.number, line.previous.number)
    put(sheet, row, 5, change, EVOLUTION_FORMATS[unit])
    if unit in (Unit.DAYS, Unit.PERCENT):
        put(sheet, row, 6, line.current.base, "#,##0")
        put(sheet, row, 7, line.previous.base, "#,##0")


def _breakdown(sheet: Worksheet, row: int, result: Result, bilan: Bilan) -> int:
    """A breakdown's table (its title line, then one line per category, the period's first
    in their order, then those only the previous period had); its chart beside it. Returns
    the first free row after the block."""
    indicator = result.indicator
    title = put(sheet, row, 1, indicator.label)
    title.font = BOLD
    for column in range(1, len(COLUMNS) + 1):
        sheet.cell(row=row, column=column).fill = BLOCK_FILL
    put(sheet, row, 2, indicator.unit.label).fill = BLOCK_FILL
    lines = breakdown_lines(indicator, result.current, result.previous)
    first = row + 1
    for offset, line in enumerate(lines):
        _line(sheet, first + offset, indicator.unit, line, indent=1)
    end = first + len(lines)
    if not lines:
        put(sheet, first, 1, "Aucune donnée.").alignment = Alignment(indent=1)
        return first + 1
    charted = min(len(lines), CHART_MAX_ROWS)
    name = (
        indicator.label
        if charted == len(lines)
        else f"{indicator.label} ({charted} premières lignes)"
    )
    chart = _bar_chart(name, sheet, first, first + charted - 1, indicator.unit, bilan)
    sheet.add_chart(chart, f"{get_column_letter(CHART_COLUMNS[0])}{row}")
    return max(end, row + _rows_for(chart) + 1)


def _bar_chart(
    title: str, sheet: Worksheet, first: int, last: int, unit: Unit, bilan: Bilan
) -> BarChart:
    """Horizontal bars, the period beside the previous one, categories read from column A."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = title
    chart.style = 10
    for column, period in ((3, bilan.scope.period), (4, bilan.previous.period)):
        values = Reference(sheet, min_col=column, min_row=first, max_row=last)
        chart.series.append(Series(values, title=period_heading(period)))
    labels = Reference(sheet, min_col=1, min_row=first, max_row=last)
    for series in chart.series:  # the labels are text: a string reference, not a number one
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))
    chart.x_axis.scaling.orientation = "maxMin"  # the first row on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.numFmt = NUMBER_FORMATS[unit]
    chart.y_axis.majorGridlines = None
    chart.legend.position = "b"
    chart.width = CHART_WIDTH_CM
    chart.height = max(7.0, 0.6 * (last - first + 1) + 3.5)
    return chart


def _rows_for(chart: BarChart) -> int:
    return math.ceil(chart.height / ROW_HEIGHT_CM) + 1

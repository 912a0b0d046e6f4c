"""The bilan's workbook, written and read back with openpyxl: what a director opening it sees
(the cover, the definitions, one sheet per chapter, numbers, dates, charts) and what the
printer gets (A4 landscape, one page wide, header rows repeated).

The formatting tests build ``Bilan`` values by hand (figures with known numbers); the last
ones compute the bilan of ``bilan_world`` and check the workbook end to end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.chart import BarChart
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from psad.auth.models import Psad
from psad.reports.bilan import compute_bilan
from psad.reports.figures import (
    Bilan,
    Computed,
    Indicator,
    Period,
    Result,
    Row,
    Scope,
    Theme,
    Unit,
    Value,
)
from psad.reports.indicators import REGISTRY
from psad.reports.workbook import SHEET_NAMES, breakdown_lines, stored, workbook_bytes
from tests.reports.conftest import BilanWorld

YEAR = Period.school_year(2024)
PRODUCED = datetime(2025, 9, 3, 8, 30, tzinfo=UTC)  # 10:30 in Paris


def indicator(
    code: str,
    theme: Theme = Theme.FUNNEL,
    unit: Unit = Unit.YOUTH,
    *,
    breakdown: bool = False,
    label: str | None = None,
) -> Indicator:
    return Indicator(
        code=code,
        theme=theme,
        label=label or f"Libellé {code}",
        definition=f"Définition de {code} : ce qui est compté, à quelle date, ce qui est exclu.",
        unit=unit,
        compute=lambda session, scope: Value(None),
        breakdown=breakdown,
    )


def bilan_of(
    *results: tuple[Indicator, Computed, Computed],
    names: list[str] | None = None,
    period: Period = YEAR,
) -> Bilan:
    bilan = Bilan(
        scope=Scope((1,), period),
        previous=Scope((1,), period.previous()),
        psad_names=names or ["PSAD de Lille"],
        produced_at=PRODUCED,
    )
    for indicator_, current, previous in results:
        bilan.results[indicator_.code] = Result(indicator_, current, previous)
    return bilan


def read(bilan: Bilan) -> Workbook:
    return load_workbook(BytesIO(workbook_bytes(bilan)))


def cells(sheet: Worksheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def line_of(sheet: Worksheet, label: str) -> int:
    """The row whose first cell reads ``label``."""
    for row in sheet.iter_rows(min_col=1, max_col=1):
        if row[0].value == label:
            return row[0].row
    raise AssertionError(f"no line « {label} » in {sheet.title}")


def charts(sheet: Worksheet) -> list[BarChart]:
    return list(sheet._charts)  # openpyxl reads the drawings' charts back here


FUNNEL = [
    indicator("listed", label="Jeunes repérés"),
    indicator("contacted", label="Jeunes contactés"),
    indicator("reached", label="Jeunes joints"),
]


# --- the cover ------------------------------------------------------------------------------


def test_the_cover_names_the_psad_the_period_with_its_dates_and_when_it_was_produced():
    workbook = read(bilan_of())

    cover = workbook.worksheets[0]
    assert cover.title == "Couverture"
    assert cover["A1"].value == "Bilan d'activité"
    found = {row[0]: row[1] for row in cells(cover) if row[0]}
    assert found["PSAD"] == "PSAD de Lille"
    assert found["Période"] == "année scolaire 2024-2025"
    assert found["Comparée à"] == "année scolaire 2023-2024"
    dates = [row[1] for row in cells(cover) if row[0] in ("du", "au")]
    assert dates == [
        datetime(2024, 9, 1),
        datetime(2025, 8, 31),
        datetime(2023, 9, 1),
        datetime(2024, 8, 31),
    ]
    produced = cover.cell(line_of(cover, "Produit le"), 2)
    assert produced.value == datetime(2025, 9, 3, 10, 30)  # Paris time
    assert produced.is_date and produced.number_format == "DD/MM/YYYY HH:MM"
    assert cover.cell(line_of(cover, "du"), 2).number_format == "DD/MM/YYYY"


def test_a_consolidated_cover_names_every_psad():
    workbook = read(bilan_of(names=["PSAD de Lille", "PSAD du Hainaut"]))

    cover = workbook["Couverture"]
    first = line_of(cover, "PSAD (2, bilan consolidé)")
    assert [cover.cell(first, 2).value, cover.cell(first + 1, 2).value] == [
        "PSAD de Lille",
        "PSAD du Hainaut",
    ]


def test_the_cover_lists_the_chapters_linked_to_their_sheets():
    workbook = read(bilan_of((FUNNEL[0], Value(10), Value(8))))

    cover = workbook["Couverture"]
    first = line_of(cover, "Chapitres") + 1
    chapters = [cover.cell(first + i, 1) for i in range(len(Theme))]
    assert [c.value for c in chapters] == [theme.label for theme in Theme]
    assert chapters[0].hyperlink.location == "'Repérage à solution'!A1"
    assert cover.cell(first, 3).value == 1
    assert cover.cell(first + 1, 3).value == 0


def test_the_cover_defines_every_indicator_with_its_code_label_chapter_and_unit():
    delay = indicator("delay_contact", Theme.DELAYS, Unit.DAYS, label="Délai avant contact")
    workbook = read(
        bilan_of((FUNNEL[0], Value(10), Value(8)), (delay, Value(12.5, 40), Value(None)))
    )

    cover = workbook["Couverture"]
    header = line_of(cover, "Code")
    assert [cover.cell(header, c).value for c in range(1, 6)] == [
        "Code",
        "Indicateur",
        "Chapitre",
        "Unité",
        "Définition",
    ]
    assert [cover.cell(header + 1, c).value for c in range(1, 6)] == [
        "listed",
        "Jeunes repérés",
        "Du repérage à la solution",
        "jeunes",
        "Définition de listed : ce qui est compté, à quelle date, ce qui est exclu.",
    ]
    assert cover.cell(header + 2, 1).value == "delay_contact"
    assert cover.cell(header + 2, 4).value == "jours (médiane)"
    assert cover.print_title_rows == f"${header}:${header}"


# --- the chapters -------------------------------------------------------------------------


def test_one_sheet_per_chapter_headed_by_its_label_even_without_indicators():
    workbook = read(bilan_of())

    assert workbook.sheetnames == ["Couverture", *SHEET_NAMES.values()]
    legal = workbook["DARFI et obligation"]
    assert legal["A1"].value == "DARFI et obligation de formation"
    assert legal["A5"].value == "Aucun indicateur dans ce chapitre."
    assert workbook["Couverture"].cell(line_of(workbook["Couverture"], "Code") + 1, 1).value == (
        "Aucun indicateur."
    )


def test_a_count_is_a_number_beside_the_previous_period_with_its_evolution():
    workbook = read(bilan_of((FUNNEL[0], Value(1250), Value(1000))))

    sheet = workbook["Repérage à solution"]
    assert [sheet.cell(4, c).value for c in range(1, 6)] == [
        "Indicateur",
        "Unité",
        "2024-2025",
        "2023-2024",
        "Évolution",
    ]
    row = line_of(sheet, "Jeunes repérés")
    current, previous, change = (sheet.cell(row, c) for c in (3, 4, 5))
    assert (current.value, previous.value) == (1250, 1000)
    assert current.data_type == "n" and current.number_format == "#,##0"
    assert change.value == 0.25
    assert change.number_format == "+0.0%;-0.0%;0.0%"
    assert sheet.cell(row, 2).value == "jeunes"


def test_a_share_is_stored_as_a_fraction_its_evolution_in_points_its_base_beside_it():
    share = indicator(
        "darfi_within", Theme.LEGAL, Unit.PERCENT, label="Entretiens DARFI à 15 jours"
    )
    workbook = read(bilan_of((share, Value(62.5, 40), Value(50, 30))))

    sheet = workbook["DARFI et obligation"]
    row = line_of(sheet, "Entretiens DARFI à 15 jours")
    assert [sheet.cell(row, c).value for c in range(3, 8)] == [0.625, 0.5, 12.5, 40, 30]
    assert sheet.cell(row, 3).number_format == "0.0%"
    assert sheet.cell(row, 5).number_format == '+0.0" pt";-0.0" pt";0" pt"'


def test_a_median_of_nobody_leaves_its_cell_and_the_evolution_empty():
    delay = indicator("delay", Theme.DELAYS, Unit.DAYS, label="Délai médian")
    workbook = read(bilan_of((delay, Value(None, 0), Value(9.5, 12))))

    sheet = workbook["Délais"]
    row = line_of(sheet, "Délai médian")
    assert [sheet.cell(row, c).value for c in range(3, 8)] == [None, 9.5, None, 0, 12]
    assert sheet.cell(row, 4).number_format == "#,##0.0"


def test_a_count_from_zero_has_no_evolution():
    workbook = read(bilan_of((FUNNEL[0], Value(4), Value(0))))

    sheet = workbook["Repérage à solution"]
    row = line_of(sheet, "Jeunes repérés")
    assert [sheet.cell(row, c).value for c in (3, 4, 5)] == [4, 0, None]


def test_a_breakdown_is_a_table_with_the_categories_only_the_previous_period_had():
    by_sex = indicator("by_sex", Theme.PROFILE, breakdown=True, label="Par sexe")
    current = [Row("f", "Filles", Value(40)), Row("m", "Garçons", Value(60))]
    previous = [Row("m", "Garçons", Value(50)), Row("x", "Non renseigné", Value(3))]
    workbook = read(bilan_of((by_sex, current, previous)))

    sheet = workbook["Profil des jeunes"]
    title = line_of(sheet, "Par sexe")
    assert sheet.cell(title, 1).font.b
    table = [[sheet.cell(title + i, c).value for c in (1, 3, 4, 5)] for i in (1, 2, 3)]
    assert table == [
        ["Filles", 40, 0, None],
        ["Garçons", 60, 50, 0.2],
        ["Non renseigné", 0, 3, -1],
    ]


def test_a_breakdown_has_a_bar_chart_beside_its_table_with_both_periods():
    by_sex = indicator("by_sex", Theme.PROFILE, breakdown=True, label="Par sexe")
    rows = [Row("f", "Filles", Value(40)), Row("m", "Garçons", Value(60))]
    workbook = read(bilan_of((by_sex, rows, rows)))

    sheet = workbook["Profil des jeunes"]
    [chart] = charts(sheet)
    title = line_of(sheet, "Par sexe")
    anchor = chart.anchor._from
    assert (anchor.col, anchor.row + 1) == (8, title)  # column I, beside the table
    assert [s.tx.strRef.f if s.tx.strRef else s.tx.v for s in chart.series] == [
        "2024-2025",
        "2023-2024",
    ]
    first, last = title + 1, title + 2
    assert chart.series[0].val.numRef.f == f"'Profil des jeunes'!$C${first}:$C${last}"
    assert chart.series[1].val.numRef.f == f"'Profil des jeunes'!$D${first}:$D${last}"
    assert chart.series[0].cat.strRef.f == f"'Profil des jeunes'!$A${first}:$A${last}"
    bottom = chart.anchor._from.row + chart.height / 0.53
    assert int(sheet.print_area.rsplit("$", 1)[1]) >= bottom  # the chart is printed too


def test_two_breakdowns_charts_do_not_overlap():
    by_sex = indicator("by_sex", Theme.PROFILE, breakdown=True, label="Par sexe")
    by_age = indicator("by_age", Theme.PROFILE, breakdown=True, label="Par âge")
    rows = [Row("a", "A", Value(1))]
    workbook = read(bilan_of((by_sex, rows, rows), (by_age, rows, rows)))

    sheet = workbook["Profil des jeunes"]
    first, second = charts(sheet)
    first_end = first.anchor._from.row + first.height / 0.53
    assert second.anchor._from.row >= first_end
    assert line_of(sheet, "Par âge") == second.anchor._from.row + 1


def test_the_funnel_steps_have_their_chart():
    results = [(step, Value(100 - 10 * i), Value(90 - 10 * i)) for i, step in enumerate(FUNNEL)]
    workbook = read(bilan_of(*results))

    sheet = workbook["Repérage à solution"]
    [chart] = charts(sheet)
    assert chart.series[0].val.numRef.f == "'Repérage à solution'!$C$5:$C$7"
    assert [sheet.cell(r, 1).value for r in (5, 6, 7)] == [
        "Jeunes repérés",
        "Jeunes contactés",
        "Jeunes joints",
    ]


def test_a_long_breakdown_charts_its_first_thirty_lines():
    by_commune = indicator("by_commune", Theme.PROFILE, breakdown=True, label="Par commune")
    rows = [Row(str(i), f"Commune {i}", Value(i)) for i in range(45)]
    workbook = read(bilan_of((by_commune, rows, rows)))

    sheet = workbook["Profil des jeunes"]
    [chart] = charts(sheet)
    assert line_of(sheet, "Commune 44")
    first = line_of(sheet, "Commune 0")
    assert chart.series[0].val.numRef.f.endswith(f"$C${first}:$C${first + 29}")


# --- text from the data is never a formula --------------------------------------------------


def test_labels_from_the_data_that_look_like_formulas_stay_text():
    by_commune = indicator("by_commune", Theme.PROFILE, breakdown=True, label="Par commune")
    attack = '=HYPERLINK("http://evil.example","Lille")'
    rows = [Row("59350", attack, Value(7)), Row("59000", "+33 Lille", Value(2))]
    workbook = read(bilan_of((by_commune, rows, rows), names=["@PSAD de Lille"]))

    sheet = workbook["Profil des jeunes"]
    cell = sheet.cell(line_of(sheet, attack), 1)
    assert cell.data_type == "s" and cell.quotePrefix
    assert sheet.cell(line_of(sheet, "+33 Lille"), 1).data_type == "s"
    cover = workbook["Couverture"]
    assert cover["B3"].value == "@PSAD de Lille" and cover["B3"].quotePrefix


# --- printing ---------------------------------------------------------------------------------


def test_every_sheet_prints_in_a4_landscape_one_page_wide_with_its_headers():
    workbook = read(bilan_of((FUNNEL[0], Value(10), Value(8))))

    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == Worksheet.PAPERSIZE_A4
        assert int(sheet.page_setup.fitToWidth) == 1
        assert int(sheet.page_setup.fitToHeight) == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_area
    funnel = workbook["Repérage à solution"]
    assert funnel.print_title_rows == "$1:$4"
    assert funnel.freeze_panes == "A5"
    assert funnel.print_area == "'Repérage à solution'!$A$1:$P$5"
    assert funnel.column_dimensions["A"].width == 52
    assert workbook["Couverture"].column_dimensions["E"].width == 90


# --- any two dates -------------------------------------------------------------------


def test_any_two_dates_head_the_columns_and_the_cover():
    period = Period(date(2025, 1, 1), date(2025, 3, 31))
    workbook = read(bilan_of((FUNNEL[0], Value(3), Value(2)), period=period))

    sheet = workbook["Repérage à solution"]
    assert sheet["C4"].value == "01/01/2025 – 31/03/2025"
    assert sheet["D4"].value == "03/10/2024 – 31/12/2024"
    cover = workbook["Couverture"]
    assert cover.cell(line_of(cover, "Période"), 2).value == "du 01/01/2025 au 31/03/2025"


# --- end to end: the bilan of the known-answer world ------------------------------------------


def world_workbook(session: Session, world: BilanWorld, *psads: Psad) -> tuple[Bilan, Workbook]:
    ids = [p.id for p in (psads or (world.a,))]
    bilan = compute_bilan(session, ids, world.period, produced_at=PRODUCED)
    return bilan, read(bilan)


def test_the_world_s_funnel_reads_back_as_numbers_beside_the_previous_year(session, bilan_world):
    _, workbook = world_workbook(session, bilan_world)

    sheet = workbook["Repérage à solution"]
    expected = {
        "listed": (7, 1),
        "contacted": (5, 1),
        "reached": (5, 1),
        "interviewed": (3, 0),
        "solution_proposed": (2, 0),
        "solution_started": (2, 1),
    }
    for code, (now, before) in expected.items():
        row = line_of(sheet, REGISTRY[code].label)
        current, previous = sheet.cell(row, 3), sheet.cell(row, 4)
        assert (current.value, previous.value) == (now, before), code
        assert current.data_type == "n" and current.number_format == "#,##0"
    assert sheet.cell(line_of(sheet, REGISTRY["listed"].label), 5).value == 6.0  # +600 %
    [funnel_chart, *breakdown_charts] = charts(sheet)
    assert funnel_chart.series[0].val.numRef.f == "'Repérage à solution'!$C$5:$C$10"
    assert len(breakdown_charts) == 3  # by list, by source, by type of solution


def test_the_world_s_breakdowns_are_tables_with_their_charts(session, bilan_world):
    bilan, workbook = world_workbook(session, bilan_world)

    sheet = workbook["Situations et sorties"]
    title = line_of(sheet, REGISTRY["closing_reasons"].label)
    rows = breakdown_lines(
        REGISTRY["closing_reasons"],
        bilan.results["closing_reasons"].current,
        bilan.results["closing_reasons"].previous,
    )
    table = [[sheet.cell(title + 1 + i, c).value for c in (1, 3, 4)] for i in range(len(rows))]
    assert table == [[r.label, r.current.number, r.previous.number] for r in rows]
    # david « solution trouvée » (gaelle the year before), emma transferred
    assert sorted((row[1], row[2]) for row in table) == [(1, 0), (1, 1)]
    breakdowns = sum(1 for r in bilan.results.values() if r.indicator.breakdown)
    drawn = sum(len(charts(workbook[name])) for name in SHEET_NAMES.values())
    empty = sum(
        1
        for r in bilan.results.values()
        if r.indicator.breakdown and not breakdown_lines(r.indicator, r.current, r.previous)
    )
    assert drawn == breakdowns - empty + 1  # and the funnel


def test_the_world_s_cover_defines_every_indicator_and_dates_the_period(session, bilan_world):
    _, workbook = world_workbook(session, bilan_world)

    cover = workbook["Couverture"]
    assert cover["B3"].value == "PSAD Bilan A"
    header = line_of(cover, "Code")
    codes = [cover.cell(header + 1 + i, 1).value for i in range(len(REGISTRY))]
    assert codes == list(REGISTRY)
    definitions = [cover.cell(header + 1 + i, 5).value for i in range(len(REGISTRY))]
    assert definitions == [indicator.definition for indicator in REGISTRY.values()]
    start = cover.cell(line_of(cover, "Période") + 1, 2)
    assert start.is_date and start.value == datetime(2025, 9, 1)


def test_the_world_s_shares_medians_and_prints(session, bilan_world):
    bilan, workbook = world_workbook(session, bilan_world)

    for code in ("darfi_within_15_days", "delay_first_contact"):
        indicator = REGISTRY[code]
        sheet = workbook[SHEET_NAMES[indicator.theme]]
        row = line_of(sheet, indicator.label)
        value = bilan.results[code].current
        assert isinstance(value, Value)
        expected = stored(indicator.unit, value.number)
        assert sheet.cell(row, 3).value == expected
        assert sheet.cell(row, 6).value == value.base
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.print_area and sheet.print_title_rows


def test_a_consolidated_bilan_of_the_world_names_both_psads(session, bilan_world):
    _, workbook = world_workbook(session, bilan_world, bilan_world.a, bilan_world.b)

    cover = workbook["Couverture"]
    assert cover["A3"].value == "PSAD (2, bilan consolidé)"
    assert [cover["B3"].value, cover["B4"].value] == ["PSAD Bilan A", "PSAD Bilan B"]
    sheet = workbook["Repérage à solution"]
    assert sheet.cell(line_of(sheet, REGISTRY["listed"].label), 3).value == 8

"""Small counts masked for readers (psad.reports.masking): under 5 shown « < 5 », 0 included;
the cell that would give a masked one back by subtraction masked too; a median or a share on
fewer than 5 youth masked."""

from __future__ import annotations

import random

import pytest

from psad.reports.figures import Row, Unit, Value
from psad.reports.masking import MASKED, mask_line, mask_table, regional_lines, too_small

M = None  # a masked cell in the expected tables below


def shown(cells) -> list[int | float | None]:
    return [M if cell.masked else cell.value.number for cell in cells]


@pytest.mark.parametrize(("number", "masked"), [(0, True), (1, True), (4, True), (5, False)])
def test_a_count_under_five_is_masked_zero_included(number, masked):
    assert too_small(Value(number), Unit.YOUTH) is masked
    assert too_small(Value(number), Unit.COUNT) is masked


def test_an_unknown_count_is_masked():
    assert too_small(Value(None), Unit.YOUTH)


@pytest.mark.parametrize(
    ("value", "masked"),
    [(Value(12, 4), True), (Value(12, 5), False), (Value(12, None), True), (Value(None, 0), True)],
)
def test_a_median_is_masked_on_its_base_not_its_number(value, masked):
    assert too_small(value, Unit.DAYS) is masked
    if masked:  # a share on too few youth is masked too (its own sides: the test below)
        assert too_small(value, Unit.PERCENT)


def test_a_share_of_3_percent_on_200_youth_is_shown():
    assert not too_small(Value(3.0, 200), Unit.PERCENT)


def test_a_line_without_small_counts_is_shown_whole():
    assert shown(mask_line([Value(10), Value(7), Value(17)], Unit.YOUTH)) == [10, 7, 17]


def test_one_masked_psad_masks_the_next_smallest_so_the_total_gives_nothing_away():
    line = [Value(10), Value(3), Value(20), Value(33)]  # PSADs A, B, C, then the total

    assert shown(mask_line(line, Unit.YOUTH)) == [M, M, 20, 33]


def test_two_masked_cells_need_no_other():
    line = [Value(2), Value(3), Value(20), Value(25)]

    assert shown(mask_line(line, Unit.COUNT)) == [M, M, 20, 25]


def test_the_first_of_equal_smallest_cells_is_masked():
    assert shown(mask_line([Value(1), Value(9), Value(9), Value(19)], Unit.YOUTH)) == [
        M,
        M,
        9,
        19,
    ]


def test_a_single_psad_and_its_total_are_masked_together():
    assert shown(mask_line([Value(3), Value(3)], Unit.YOUTH)) == [M, M]


def test_a_lone_masked_cell_with_nothing_beside_it_stays_alone():
    assert shown(mask_line([Value(3)], Unit.YOUTH)) == [M]


def test_a_breakdown_masks_down_its_columns_and_across_its_lines():
    # categories (lines) × PSADs A, B and the total (columns)
    table = [[Value(3), Value(10), Value(13)], [Value(20), Value(30), Value(50)]]

    masked = mask_table(table, Unit.YOUTH)

    # 3 masks 10 (its line); then A's column and B's column each hold one masked cell
    assert [shown(line) for line in masked] == [[M, M, 13], [M, M, 50]]


def test_medians_are_never_masked_to_protect_another_cell():
    line = [Value(12, 3), Value(20, 40), Value(18, 43)]

    assert shown(mask_line(line, Unit.DAYS)) == [M, 20, 18]


def test_suppression_holds_on_any_table():
    """Whatever the counts: every count under 5 is masked, and no line or column of two
    cells or more holds exactly one masked cell."""
    draw = random.Random(15)
    for _ in range(300):
        height, width = draw.randint(1, 6), draw.randint(1, 5)
        table = [[Value(draw.choice([0, 1, 4, 5, 6, 12, 40])) for _ in range(width)]]
        table += [[Value(draw.randint(0, 30)) for _ in range(width)] for _ in range(height - 1)]

        masked = [[cell.masked for cell in line] for line in mask_table(table, Unit.YOUTH)]

        for i, line in enumerate(table):
            for j, value in enumerate(line):
                assert masked[i][j] or value.number >= 5
        lines = [*masked, *[list(column) for column in zip(*masked, strict=True)]]
        assert not [line for line in lines if len(line) > 1 and sum(line) == 1]


def test_regional_lines_of_a_single_figure():
    lines = regional_lines(Unit.YOUTH, [Value(12), Value(2), Value(14)], label="Jeunes repérés")

    assert [(line.key, line.label, shown(line.cells)) for line in lines] == [
        (None, "Jeunes repérés", [M, M, 14])
    ]


def test_regional_lines_of_a_breakdown_count_a_missing_category_as_zero():
    a = [Row("f", "Filles", Value(8)), Row("m", "Garçons", Value(9))]
    b = [Row("m", "Garçons", Value(30)), Row("u", "Non renseigné", Value(6))]
    total = [
        Row("f", "Filles", Value(8)),
        Row("m", "Garçons", Value(39)),
        Row("u", "Non renseigné", Value(6)),
    ]

    lines = regional_lines(Unit.YOUTH, [a, b, total], label="Par sexe")

    assert [line.label for line in lines] == ["Filles", "Garçons", "Non renseigné"]
    # B has no girl (0: masked), so A's 8 goes too; A has no « non renseigné », so B's 6
    # goes too; every column then holds two masked cells or none
    assert [shown(line.cells) for line in lines] == [[M, M, 8], [9, 30, 39], [M, M, 6]]


def test_the_mask_reads_less_than_five():
    assert MASKED == "< 5"


def test_a_share_that_names_the_few_on_either_side_is_masked() -> None:
    from psad.reports.figures import Unit, Value
    from psad.reports.masking import too_small

    assert too_small(Value(80.0, 5), Unit.PERCENT)  # one late interview out of five
    assert too_small(Value(10.0, 30), Unit.PERCENT)  # three on time out of thirty
    assert not too_small(Value(50.0, 20), Unit.PERCENT)  # ten and ten
    assert not too_small(Value(12.5, 8), Unit.DAYS)  # a median of eight youth

"""Rows of one list that are the same youth, found from their identity columns alone."""

from __future__ import annotations

from datetime import date

from psad.imports.checking.merging import CheckedRows, merge_plan
from psad.imports.checking.rows import RowParser

TODAY = date(2026, 11, 30)
HEADERS = ["INE", "Nom", "Prénom", "Date de naissance", "Téléphone", "Commune"]
MAPPING = {"ine": 0, "last_name": 1, "first_name": 2, "birth_date": 3, "phone": 4, "commune": 5}
INE_A = "1234567890N"  # valid key
INE_B = "0987654321T"


def begun(*rows: list[object]) -> tuple[RowParser, list]:  # type: ignore[type-arg]
    parser = RowParser(MAPPING, HEADERS, today=TODAY, min_age=16, max_age=25)
    return parser, [parser.begin(line, list(cells)) for line, cells in enumerate(rows, 2)]


def test_rows_sharing_an_ine_or_names_and_birth_date_are_one_youth() -> None:
    _, rows = begun(
        [INE_A, "Martin", "Léa", "01/03/2008"],
        [INE_A, "MARTIN", "Lea", ""],
        ["", "Dupré", "Noé", "14/05/2007"],
        ["", "dupre", "noe", "2007-05-14"],
        ["", "Dupré", "Noé", "15/05/2007"],
    )

    assert merge_plan(rows) == [0, 0, 2, 2, 4]


def test_rows_with_different_ines_stay_apart_even_with_the_same_names() -> None:
    _, rows = begun(
        [INE_A, "Martin", "Léa", "01/03/2008"],
        [INE_B, "Martin", "Léa", "01/03/2008"],
    )

    assert merge_plan(rows) == [0, 1]


def test_what_a_merged_row_brings_lets_later_rows_find_the_youth() -> None:
    _, rows = begun(
        [INE_A, "Martin", "Léa", ""],  # no birth date: no identity key yet
        [INE_A, "Martin", "Léa", "01/03/2008"],  # brings the birth date
        ["", "Martin", "Léa", "01/03/2008"],  # found by the key the merge gave
        [INE_A, "Martin", "Léo", "02/03/2008"],  # same INE, other names: still found
    )

    assert merge_plan(rows) == [0, 0, 0, 0]


def test_an_ine_brought_by_a_merged_row_finds_the_youth_for_later_rows() -> None:
    _, rows = begun(
        ["", "Martin", "Léa", "01/03/2008"],
        [INE_A, "Martin", "Léa", "01/03/2008"],
        [INE_A, "Martine", "Léa", "01/03/2008"],
    )

    assert merge_plan(rows) == [0, 0, 0]


def test_rejected_rows_are_never_merged() -> None:
    _, rows = begun(
        ["", "", "Léa", "01/03/2008"],
        ["", "", "Léa", "01/03/2008"],
        ["", "Martin", "Léa", "01/03/2020"],  # under 16
        ["", "Martin", "Léa", "01/03/2020"],
    )

    assert all(row.rejected for row in rows)
    assert merge_plan(rows) == [0, 1, 2, 3]


def test_youth_are_handed_out_in_file_order_with_the_values_of_all_their_rows() -> None:
    parser, rows = begun(
        ["", "Martin", "Léa", "01/03/2008", "", "Lille"],
        [INE_B, "Dupré", "Noé", "14/05/2007", "0612345678"],
        ["", "Martin", "Léa", "01/03/2008", "0698765432", "Roubaix"],
        ["", "", "Léa", "01/03/2008"],
    )
    checked = CheckedRows(parser, rows)

    chunks = list(checked.ready(chunk_size=1))

    assert [[row.line for row in chunk] for chunk in chunks] == [[2], [3]]
    martin = chunks[0][0]
    assert martin.youth["commune"] == "Lille"  # the first row's value wins
    assert martin.youth["phone"] == "+33698765432"  # a blank is filled from the second
    assert martin.merged_lines == [4]
    kept, merged = checked.kept()
    assert [row.line for row in kept] == [2, 3, 5]
    assert merged == 1
    assert checked.to_write == 2

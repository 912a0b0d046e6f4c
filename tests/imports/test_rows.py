"""One row of a list read into a youth's values: fingerprints and repeated values."""

from __future__ import annotations

import json
from datetime import date, datetime

from psad.imports.checking import ProblemLevel
from psad.imports.checking.rows import SEEN_VALUES, RowParser

TODAY = date(2026, 11, 30)
HEADERS = ["Nom", "Prénom", "Date de naissance", "Commune", "Téléphone", "Voie"]
MAPPING = {
    "last_name": 0,
    "first_name": 1,
    "birth_date": 2,
    "commune": 3,
    "phone": 4,
    "track": 5,
}


def parser(mapping: dict[str, int] | None = None) -> RowParser:
    return RowParser(mapping or MAPPING, HEADERS, today=TODAY, min_age=16, max_age=25)


def test_a_row_read_again_has_the_same_fingerprint_and_json() -> None:
    cells = ["Martin", "Léa", datetime(2008, 3, 1), "Lille", 612345678.0, "pro", "ignorée"]

    text, fingerprint = parser().as_read(cells)

    assert (text, fingerprint) == parser().as_read(list(cells))
    assert json.loads(text) == [
        "Martin",
        "Léa",
        "2008-03-01 00:00:00",
        "Lille",
        612345678.0,
        "pro",
        "ignorée",
    ]
    assert text.isascii()  # accents escaped: held by the thousand until written


def test_any_cell_changes_the_fingerprint_even_one_not_read() -> None:
    cells = ["Martin", "Léa", "01/03/2008", "Lille", "0612345678", "pro", "note"]

    fingerprints = {
        parser().fingerprint(cells),
        parser().fingerprint([*cells[:3], "Roubaix", *cells[4:]]),
        parser().fingerprint([*cells[:6], "autre note"]),
        parser().fingerprint([*cells[:4], 612345678, cells[5], cells[6]]),  # number, not text
    }

    assert len(fingerprints) == 4


def test_empty_cells_at_the_end_do_not_change_the_fingerprint() -> None:
    short = ["Martin", "Léa", "01/03/2008"]

    assert parser().fingerprint(short) == parser().fingerprint([*short, None, None, None])
    assert parser().fingerprint(short) != parser().fingerprint([*short, None, "Lille"])


def test_another_mapping_of_the_same_cells_gives_another_fingerprint() -> None:
    cells = ["Martin", "Léa", "01/03/2008", "Lille", "0612345678", "pro"]
    swapped = {**MAPPING, "last_name": 1, "first_name": 0}

    assert parser().fingerprint(cells) != parser(swapped).fingerprint(cells)


def test_a_row_listed_before_keeps_its_fingerprint_only() -> None:
    rows_parser = parser()
    cells = ["Martin", "Léa", "01/03/2008", "Lille"]
    fingerprint = rows_parser.fingerprint(cells)

    row = rows_parser.begin(4, cells, known_youth_id=12, fingerprint=fingerprint)
    rows_parser.finish(row)

    assert (row.known_youth_id, row.row_hash, row.row_json, row.cells, row.youth) == (
        12,
        fingerprint,
        "",
        [],
        {},
    )


def test_a_value_met_again_gets_the_same_reading_and_warning_on_each_row() -> None:
    rows_parser = parser()
    rows = [
        rows_parser.parse(line, [f"Nom{line}", "Léa", "01/03/2008", "  Lille ", "", "inconnue"])
        for line in (4, 5, 6)
    ]

    for row in rows:
        assert row.youth["commune"] == "Lille"
        assert "track" not in row.youth
        assert [(p.line, p.level, p.message) for p in row.problems] == [
            (row.line, ProblemLevel.WARNING, "Voie « inconnue » non reconnue")
        ]


def test_columns_keep_at_most_a_bounded_number_of_values_in_memory() -> None:
    rows_parser = parser()
    for line in range(SEEN_VALUES + 50):
        rows_parser.parse(line + 2, [f"Nom{line}", "Léa", "01/03/2008", f"Commune {line}"])

    assert max(len(seen) for seen in rows_parser.seen) == SEEN_VALUES


def test_a_row_with_an_error_is_rejected_and_one_with_warnings_only_is_not() -> None:
    rows_parser = parser()

    missing_name = rows_parser.parse(2, ["", "Léa", "01/03/2008"])
    warned = rows_parser.parse(3, ["Martin", "Léa", "01/03/2008", "", "pas un numéro"])

    assert missing_name.rejected
    assert [p.level for p in missing_name.problems] == [ProblemLevel.ERROR]
    assert not warned.rejected
    assert [p.level for p in warned.problems] == [ProblemLevel.WARNING]


def test_equal_values_of_different_types_are_read_each_for_itself() -> None:
    rows_parser = parser({"last_name": 0, "first_name": 1, "birth_date": 2, "sex": 3})

    as_number = rows_parser.parse(2, ["Martin", "Léa", "01/03/2008", 1])
    as_boolean = rows_parser.parse(3, ["Martin", "Léo", "01/03/2008", True])

    assert as_number.youth["sex"].value == "male"
    assert "sex" not in as_boolean.youth
    assert [p.message for p in as_boolean.problems] == ["Sexe « VRAI » non reconnu"]

from datetime import date, datetime

import pytest

from psad.youth.identifiers import (
    Checked,
    age_on,
    clean_text,
    fold,
    format_phone,
    identity_key,
    normalize_email,
    normalize_ine,
    normalize_phone,
    normalize_postal_code,
    normalize_uai,
    parse_date,
    parse_sex,
)

EMPTY_CELLS = [None, "", "   ", "\u00a0", float("nan")]


# --- INE --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", EMPTY_CELLS)
def test_empty_ine_is_none_without_warning(raw: object) -> None:
    assert normalize_ine(raw) == Checked(None)


@pytest.mark.parametrize(
    "raw",
    [
        "0494004062M",  # 10 digits and the mod-23 key
        "1234D12345A",  # provisional
        "123456789AB",  # RNIE
        "1234A12345Z",  # apprenticeship
    ],
)
def test_ine_in_a_known_format_is_accepted(raw: str) -> None:
    assert normalize_ine(raw) == Checked(raw)


def test_ine_is_upper_cased_and_stripped_of_all_whitespace() -> None:
    assert normalize_ine(" 0494 004062m\t") == Checked("0494004062M")


def test_ine_with_a_wrong_key_is_kept_with_the_expected_key() -> None:
    assert normalize_ine("0494004062X") == Checked(
        "0494004062X", "INE 0494004062X : clé de contrôle incorrecte (attendue M)"
    )


@pytest.mark.parametrize("raw", ["049400406M", "1234B12345A", "12345678ABC", "INCONNU"])
def test_ine_in_an_unknown_format_is_dropped_with_a_warning(raw: str) -> None:
    assert normalize_ine(raw) == Checked(
        None, f"INE « {raw} » : format non reconnu, non enregistré"
    )


# --- UAI --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["0750655E", "0130040Y", "0951099D", "0802004U"])
def test_valid_uai_is_accepted(raw: str) -> None:
    assert normalize_uai(raw) == Checked(raw)


def test_uai_is_upper_cased_and_stripped() -> None:
    assert normalize_uai(" 0750655e ") == Checked("0750655E")


def test_uai_with_a_wrong_key_is_kept_with_the_expected_key() -> None:
    assert normalize_uai("0750655F") == Checked(
        "0750655F", "UAI 0750655F : clé de contrôle incorrecte (attendue E)"
    )


@pytest.mark.parametrize("raw", [750655, 750655.0, "750655"])
def test_uai_read_as_a_number_gets_its_zero_back_and_a_warning(raw: object) -> None:
    assert normalize_uai(raw) == Checked(
        "0750655", "UAI 750655 : zéro initial et lettre de contrôle manquants (0750655E ?)"
    )


def test_uai_without_its_letter_is_kept_with_a_warning() -> None:
    assert normalize_uai("0750655") == Checked(
        "0750655", "UAI 0750655 : lettre de contrôle manquante (0750655E ?)"
    )


@pytest.mark.parametrize("raw", ["075065EE", "LYCEE", "07506551E"])
def test_uai_in_an_unknown_format_is_dropped_with_a_warning(raw: str) -> None:
    assert normalize_uai(raw) == Checked(
        None,
        f"UAI « {raw} » : format non reconnu (7 chiffres et une lettre attendus), non enregistré",
    )


@pytest.mark.parametrize("raw", EMPTY_CELLS)
def test_empty_uai_is_none_without_warning(raw: object) -> None:
    assert normalize_uai(raw) == Checked(None)


# --- Phones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033612345678",
        "00 33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "\u00a006\u00a012 34 56 78 ",
        612345678,  # a number cell lost the leading 0
        612345678.0,
        33612345678,  # a number cell lost the +
    ],
)
def test_french_mobile_forms_give_e164(raw: object) -> None:
    assert normalize_phone(raw) == Checked("+33612345678")


def test_french_landline_gives_e164() -> None:
    assert normalize_phone("01 42 34 56 78") == Checked("+33142345678")


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe
        ("0696 12 34 56", "+596696123456"),  # Martinique
        ("0694 12 34 56", "+594694123456"),  # Guyane
        ("0692 12 34 56", "+262692123456"),  # La Réunion
        ("0639 01 23 45", "+262639012345"),  # Mayotte
        (690123456, "+590690123456"),
    ],
)
def test_overseas_mobile_dialled_from_france_gets_its_own_country_code(
    raw: object, e164: str
) -> None:
    assert normalize_phone(raw) == Checked(e164)


def test_foreign_number_in_international_form_gives_e164() -> None:
    assert normalize_phone("+32 470 12 34 56") == Checked("+32470123456")


@pytest.mark.parametrize(
    "raw", ["0612", "06 12 34 56 78 9", "0700000000", "inconnu", "+33690123456"]
)
def test_invalid_phone_is_none_with_a_warning(raw: str) -> None:
    assert normalize_phone(raw) == Checked(None, f"Numéro de téléphone « {raw} » invalide")


@pytest.mark.parametrize("raw", EMPTY_CELLS)
def test_empty_phone_is_none_without_warning(raw: object) -> None:
    assert normalize_phone(raw) == Checked(None)


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+33142345678", "01 42 34 56 78"),
        ("+32470123456", "+32 470 12 34 56"),
        ("+590690123456", "+590 690 12 34 56"),
        (None, ""),
        ("", ""),
    ],
)
def test_format_phone(e164: str | None, shown: str) -> None:
    assert format_phone(e164) == shown


def test_format_phone_shows_an_unreadable_value_as_is() -> None:
    assert format_phone("n'importe quoi") == "n'importe quoi"


# --- E-mail -----------------------------------------------------------------------------


def test_email_domain_is_lower_cased_and_local_part_kept() -> None:
    assert normalize_email(" Jean.Dupont@Exemple.FR ") == Checked("Jean.Dupont@exemple.fr")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("jean.dupont", "il manque l’arobase (@)"),
        ("jean@@exemple.fr", "plusieurs arobases (@)"),
        ("@exemple.fr", "rien avant l’arobase"),
        ("jean@", "rien après l’arobase"),
        ("jean dupont@exemple.fr", "contient un espace"),
        ("jean@exemple", "nom de domaine incomplet"),
        ("jean..dupont@exemple.fr", "syntaxe non valide"),
    ],
)
def test_invalid_email_is_none_with_a_french_reason(raw: str, problem: str) -> None:
    assert normalize_email(raw) == Checked(
        None, f"Adresse électronique « {raw} » invalide : {problem}"
    )


@pytest.mark.parametrize("raw", EMPTY_CELLS)
def test_empty_email_is_none_without_warning(raw: object) -> None:
    assert normalize_email(raw) == Checked(None)


# --- Folding and identity ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  Éloïse-Marie  D'ARCY ", "eloise marie d arcy"),
        ("O’Connor", "o connor"),
        ("jean_pierre.martin", "jean pierre martin"),
        ("Lætitia Cœur", "laetitia coeur"),
        ("STRAẞE Weiß", "strasse weiss"),
        ("François (dit « Fanfan »)!", "francois dit fanfan"),
        ("Łukasz Søren", "lukasz soren"),
        ("Nguyễn Thị", "nguyen thi"),
        ("", ""),
        (None, ""),
        (12.0, "12"),
    ],
)
def test_fold(raw: object, folded: str) -> None:
    assert fold(raw) == folded


def test_identity_key_folds_names_and_writes_iso_date() -> None:
    assert identity_key("D'Arcy", "Éloïse-Marie", date(2007, 3, 5)) == (
        "d arcy|eloise marie|2007-03-05"
    )


def test_identity_key_is_the_same_whatever_the_case_and_accents() -> None:
    born = date(2007, 3, 5)
    assert identity_key("LEFÈVRE", "JOSÉ", born) == identity_key("Lefevre", " josé ", born)


@pytest.mark.parametrize(
    ("last", "first", "born"),
    [
        (None, "Jean", date(2007, 3, 5)),
        ("Dupont", None, date(2007, 3, 5)),
        ("Dupont", "Jean", None),
        (" - ", "Jean", date(2007, 3, 5)),
    ],
)
def test_identity_key_is_none_when_a_part_is_missing(
    last: str | None, first: str | None, born: date | None
) -> None:
    assert identity_key(last, first, born) is None


# --- Dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "15/03/2023",
        "15-03-2023",
        "15.03.2023",
        "2023-03-15",
        "2023-03-15 10:20:30",
        "15/03/23",
        " 15/03/2023 ",
        date(2023, 3, 15),
        datetime(2023, 3, 15, 10, 20, 30),
        45000,  # Excel serial
        45000.75,  # Excel serial with a time of day
    ],
)
def test_date_forms_are_read(raw: object) -> None:
    assert parse_date(raw) == Checked(date(2023, 3, 15))


def test_date_with_one_digit_day_and_month_is_read() -> None:
    assert parse_date("5/3/2007") == Checked(date(2007, 3, 5))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01/01/00", date(2000, 1, 1)),
        ("01/01/30", date(2030, 1, 1)),
        ("01/01/31", date(1931, 1, 1)),
        ("01/01/99", date(1999, 1, 1)),
    ],
)
def test_two_digit_year_pivots_at_30(raw: str, expected: date) -> None:
    assert parse_date(raw) == Checked(expected)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),  # Excel counts a 29 February 1900 that never was
        (36526, date(2000, 1, 1)),
        (80000, date(2119, 1, 11)),
    ],
)
def test_excel_serial_number_is_read_in_the_1900_system(serial: int, expected: date) -> None:
    assert parse_date(serial) == Checked(expected)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("31/02/2007", "31/02/2007"),
        ("29/02/2007", "29/02/2007"),
        ("15/13/2007", "15/13/2007"),
        ("2007-02-30", "2007-02-30"),
        ("15/03-2023", "15/03-2023"),
        ("demain", "demain"),
        ("15/03/207", "15/03/207"),
        (0, "0"),
        (60, "60"),  # 29/02/1900 in Excel
        (80001, "80001"),
        (-5, "-5"),
        (float("inf"), "inf"),
        (True, "VRAI"),
    ],
)
def test_unreadable_or_impossible_date_is_none_with_a_warning(raw: object, shown: str) -> None:
    assert parse_date(raw) == Checked(None, f"Date « {shown} » illisible ou impossible")


@pytest.mark.parametrize("raw", EMPTY_CELLS)
def test_empty_date_is_none_without_warning(raw: object) -> None:
    assert parse_date(raw) == Checked(None)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2007, 3, 15), date(2025, 3, 14), 17),
        (date(2007, 3, 15), date(2025, 3, 15), 18),
        (date(2008, 2, 29), date(2025, 2, 28), 16),
        (date(2008, 2, 29), date(2025, 3, 1), 17),
        (date(2007, 3, 15), date(2007, 3, 15), 0),
    ],
)
def test_age_on_counts_completed_years(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


# --- Sex --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["M", "m", "H", "G", "Masculin", "MASCULIN", "Homme", "Garçon", "GARCON", 1, 1.0, "1", "1.0"],
)
def test_male_spellings(raw: object) -> None:
    assert parse_sex(raw) == Checked("male")


@pytest.mark.parametrize(
    "raw", ["F", "f", "Féminin", "FEMININ", "feminin", "Femme", "Fille", " fille ", 2, 2.0, "2"]
)
def test_female_spellings(raw: object) -> None:
    assert parse_sex(raw) == Checked("female")


@pytest.mark.parametrize(("raw", "shown"), [("X", "X"), (3, "3"), (1.5, "1.5"), (True, "VRAI")])
def test_unknown_sex_is_none_with_a_warning(raw: object, shown: str) -> None:
    assert parse_sex(raw) == Checked(None, f"Sexe « {shown} » non reconnu")


@pytest.mark.parametrize("raw", EMPTY_CELLS)
def test_empty_sex_is_none_without_warning(raw: object) -> None:
    assert parse_sex(raw) == Checked(None)


# --- Text and postal code ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  rue   de la\tPaix ", "rue de la Paix"),
        (59000.0, "59000"),
        (59000, "59000"),
        (12.5, "12.5"),
        (date(2023, 3, 15), "15/03/2023"),
    ],
)
def test_clean_text(raw: object, cleaned: str) -> None:
    assert clean_text(raw) == cleaned


@pytest.mark.parametrize("raw", EMPTY_CELLS)
def test_clean_text_of_an_empty_cell_is_none(raw: object) -> None:
    assert clean_text(raw) is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("59000", "59000"),
        (" 75 011 ", "75011"),
        (2100, "02100"),
        (2100.0, "02100"),
        ("2100", "02100"),
    ],
)
def test_postal_code_is_five_digits_as_text(raw: object, code: str) -> None:
    assert normalize_postal_code(raw) == Checked(code)


@pytest.mark.parametrize("raw", ["590000", "59A00", "Lille", "123"])
def test_malformed_postal_code_is_none_with_a_warning(raw: str) -> None:
    assert normalize_postal_code(raw) == Checked(
        None, f"Code postal « {raw} » invalide (5 chiffres attendus)"
    )


def test_postal_code_starting_with_00_does_not_exist() -> None:
    assert normalize_postal_code("00100") == Checked(None, "Code postal « 00100 » inexistant")


@pytest.mark.parametrize("raw", EMPTY_CELLS)
def test_empty_postal_code_is_none_without_warning(raw: object) -> None:
    assert normalize_postal_code(raw) == Checked(None)


@pytest.mark.parametrize(
    "address",
    [
        "jeune.dupont@exemple.fr",
        "Jeune.Dupont@EXEMPLE.FR",
        "a_b%c+d-e@sous-domaine.exemple.com",
        "x@exemple.invalid",
        "x@mon.local",
        "double..point@exemple.fr",
        ".debut@exemple.fr",
        "fin.@exemple.fr",
        "x@-tiret.fr",
        "x@exemple.123",
        "élodie@exemple.fr",
        "x@exemple.fr.",
        ("a" * 65) + "@exemple.fr",
    ],
)
def test_fast_email_check_agrees_with_email_validator(address: str) -> None:
    from email_validator import EmailNotValidError, validate_email

    try:
        expected: str | None = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    assert normalize_email(address).value == expected

import random
from datetime import date, datetime
from typing import Any

import phonenumbers
import pytest
from phonenumbers import PhoneMetadata, PhoneNumberDesc
from phonenumbers.phonenumberutil import PhoneNumberType, _number_type_helper

from psad.youth.identifiers import (
    Checked,
    age_on,
    clean_text,
    fold,
    format_phone,
    identity_key,
    mixed_scripts,
    normalize_email,
    normalize_ine,
    normalize_phone,
    normalize_postal_code,
    normalize_uai,
    parse_date,
    parse_sex,
)

# The phone module's own checks against phonenumbers' metadata (tested white-box).
from psad.youth.identifiers.phones import (
    _is_valid_in_france,
    _metadata_check,
    _validity_check,
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


def _library_says_valid(country_code: int, national_number: int) -> bool:
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=national_number)
    return phonenumbers.is_valid_number(number)


def test_fast_french_check_agrees_with_phonenumbers() -> None:
    rng = random.Random(33)
    sample = [
        prefix * 1_000_000 + suffix
        for prefix in range(100, 1000)
        for suffix in (0, 999_999, *(rng.randrange(1_000_000) for _ in range(6)))
    ]
    sample += [rng.randrange(10_000_000, 100_000_000) for _ in range(2_000)]  # 8 digits
    sample += [rng.randrange(1_000_000_000, 10_000_000_000) for _ in range(2_000)]  # 10 digits
    expected = {number: _library_says_valid(33, number) for number in sample}

    disagreeing = [n for n in sample if _is_valid_in_france(str(n)) != expected[n]]

    assert not disagreeing, f"{len(disagreeing)} disagreements with phonenumbers: {disagreeing}"
    assert 1_000 < sum(expected.values()) < len(sample) - 1_000  # both answers are exercised


@pytest.mark.parametrize("region", ["DE", "AT", "NL", "JP", "BR", "GF", "MQ"])
def test_metadata_check_agrees_with_phonenumbers_where_lengths_and_patterns_vary(
    region: str,
) -> None:
    check = _validity_check(region)
    assert check is not None
    country_code = phonenumbers.country_code_for_region(region)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    assert metadata is not None and metadata.general_desc is not None
    lengths = metadata.general_desc.possible_length
    rng = random.Random(region)
    sample = [
        int(str(prefix) + "".join(rng.choices("0123456789", k=length - 2)))
        for length in range(min(lengths) - 1, max(lengths) + 2)
        for prefix in range(10, 100)
        for _ in range(2)
    ]
    expected = {number: _library_says_valid(country_code, number) for number in sample}

    disagreeing = [n for n in sample if check(str(n)) != expected[n]]

    assert not disagreeing, f"{len(disagreeing)} disagreements with phonenumbers: {disagreeing}"
    assert 0 < sum(expected.values()) < len(sample)


_ANY_DIGITS = PhoneNumberDesc(national_number_pattern=r"\d+")


def _metadata(**descs: Any) -> PhoneMetadata:
    descs.setdefault("general_desc", _ANY_DIGITS)
    return PhoneMetadata(id="XX", register=False, **descs)


@pytest.mark.parametrize(
    ("metadata", "national_number", "valid"),
    [
        # The pattern must match the whole number; re.match stops at the first alternative.
        (_metadata(voip=PhoneNumberDesc(national_number_pattern="1|12")), "12", True),
        (_metadata(voip=PhoneNumberDesc(national_number_pattern="1|12")), "123", False),
        # Possible lengths come first; none listed allows any length.
        (
            _metadata(fixed_line=PhoneNumberDesc(r"\d{6,10}", possible_length=(9,))),
            "12345678",
            False,
        ),
        (
            _metadata(fixed_line=PhoneNumberDesc(r"\d{6,10}", possible_length=(9,))),
            "123456789",
            True,
        ),
        (_metadata(fixed_line=PhoneNumberDesc(r"\d{8}")), "12345678", True),
        (_metadata(mobile=PhoneNumberDesc(r"\d+", possible_length=(-1,))), "123456789", False),
        (_metadata(uan=PhoneNumberDesc(national_number_pattern="")), "1", False),
        # The general description must match too.
        (
            _metadata(
                general_desc=PhoneNumberDesc(r"\d+", possible_length=(9,)), toll_free=_ANY_DIGITS
            ),
            "12345678",
            False,
        ),
        (_metadata(general_desc=PhoneNumberDesc(r"[1-5]\d+"), toll_free=_ANY_DIGITS), "623", False),
        (_metadata(general_desc=PhoneNumberDesc(r"[1-5]\d+"), toll_free=_ANY_DIGITS), "123", True),
        (_metadata(general_desc=None, toll_free=_ANY_DIGITS), "123", False),
        (_metadata(), "123", False),  # a number type is needed too
        # Mobile is tried alone only when its pattern differs from fixed line's.
        (_metadata(mobile=PhoneNumberDesc(r"6\d+")), "612", True),
        (
            _metadata(
                mobile=PhoneNumberDesc(r"\d+", possible_length=(3,)),
                fixed_line=PhoneNumberDesc(r"\d+", possible_length=(4,)),
            ),
            "123",
            False,
        ),
    ],
)
def test_metadata_check_follows_the_rules_of_phonenumbers(
    metadata: PhoneMetadata, national_number: str, valid: bool
) -> None:
    library = _number_type_helper(national_number, metadata) != PhoneNumberType.UNKNOWN
    assert (_metadata_check(metadata)(national_number), library) == (valid, valid)


@pytest.mark.parametrize("region", ["GP", "RE", "US", "GB", "ZZ"])
def test_no_metadata_check_for_a_country_code_shared_by_several_regions(region: str) -> None:
    assert _validity_check(region) is None


def test_french_numbers_in_common_forms_are_checked_without_phonenumbers_validation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def slow_check(number: phonenumbers.PhoneNumber) -> bool:
        raise AssertionError(f"phonenumbers.is_valid_number({number}) called")

    monkeypatch.setattr(phonenumbers, "is_valid_number", slow_check)

    assert normalize_phone("06 98 76 54 32") == Checked("+33698765432")
    assert normalize_phone("+33 1 42 34 56 78") == Checked("+33142345678")


def _library_only_phone(text: str) -> Checked[str]:
    """What phonenumbers alone makes of the text, overseas departments included as they are
    dialled from France (0690...): what normalize_phone gave before its own check for +33."""
    invalid: Checked[str] = Checked(None, f"Numéro de téléphone « {text} » invalide")
    try:
        number = phonenumbers.parse(text, "FR", keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return invalid
    if phonenumbers.is_valid_number(number):
        return Checked(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    national_number = number.national_number
    if (
        number.country_code_source != phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
        or national_number is None
    ):
        return invalid
    for country_code in (33, 590, 594, 596, 262):
        if _library_says_valid(country_code, national_number):
            return Checked(f"+{country_code}{national_number}")
    return invalid


def _phone_cells(rng: random.Random, count: int) -> list[tuple[object, str]]:
    """Cells as a list gives them, each with the text a person reads in it."""
    starts = [*"123456789", "60", "63", "639", "690", "692", "694", "696", "70", "80", "89"]
    cells: list[tuple[object, str]] = []
    for _ in range(count):
        length = rng.choice([9] * 8 + [8, 10])
        start = rng.choice(starts)
        nsn = start + "".join(rng.choices("0123456789", k=length - len(start)))
        national = "0" + nsn
        pairs = [national[i : i + 2] for i in range(0, len(national), 2)]
        written = rng.choice(
            [
                " ".join(pairs),
                ".".join(pairs),
                "-".join(pairs),
                national,
                nsn,
                "+33" + nsn,
                f"+33 {nsn[0]} {nsn[1:]}",
                "0033" + nsn,
                "00 33 " + nsn,
                "+33 (0)" + nsn,
            ]
        )
        cells.append((written, written))
        if length == 9:
            cells.append((int(nsn), national))  # a number cell lost the leading 0
            cells.append((int("33" + nsn), "+33" + nsn))  # and the + of the country code
    return cells


def test_normalize_phone_gives_what_phonenumbers_alone_gives() -> None:
    cells = _phone_cells(random.Random(2024), 3_000)
    expected = [_library_only_phone(text) for _, text in cells]

    got = [normalize_phone(raw) for raw, _ in cells]

    pairs = zip(cells, got, expected, strict=True)
    differing = [(raw, g, e) for (raw, _), g, e in pairs if g != e]
    assert not differing, f"{len(differing)} differ (cell, got, expected): {differing}"
    values = [checked.value or "" for checked in expected]
    assert sum(value.startswith("+33") for value in values) > 1_000
    assert sum(value.startswith(("+590", "+594", "+596", "+262")) for value in values) > 100
    assert sum(not value for value in values) > 500


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


# --- Odd input (issue 8) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Lef\u0435vre", "lefevre"),  # Cyrillic « е »
        ("\u0412\u041eUCHER", "boucher"),  # Cyrillic « В » and « О »
        ("\u0401lo\u0456se", "eloise"),  # Cyrillic « Ё » and « і »
        ("P\u03b1rent \u039c\u0391RTIN", "parent martin"),  # Greek « α », « Μ », « Α »
    ],
)
def test_fold_reads_latin_lookalike_letters_as_latin(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_identity_key_is_the_same_with_a_cyrillic_lookalike_letter() -> None:
    born = date(2008, 3, 14)
    assert identity_key("Lef\u0435vre", "\u00c9lo\u0456se", born) == identity_key(
        "Lefèvre", "Éloïse", born
    )


@pytest.mark.parametrize(
    "name", ["Lefèvre", "Éloïse-Marie", "D'Arcy", "Nguyễn Thị", "Иванова", "Νίκος", "Anne 2"]
)
def test_name_in_one_script_per_word_is_not_mixed(name: str) -> None:
    assert mixed_scripts(name) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Lef\u0435vre", "dans « Lef\u0435vre » : la lettre « \u0435 » est cyrillique."),
        ("Jean-M\u0430ri\u0435", "dans « M\u0430ri\u0435 » : les lettres « \u0430 », « \u0435 » "),
        ("P\u03b1rent", "dans « P\u03b1rent » : la lettre « \u03b1 » est grecque."),
        ("L\u0435f\u03b1vre", "les lettres « \u0435 », « \u03b1 » ne sont pas latines."),
        ("Ивaнова", "dans « Ивaнова » : la lettre « a » est latine."),
    ],
)
def test_word_mixing_scripts_is_named(name: str, problem: str) -> None:
    message = mixed_scripts(name)

    assert message is not None
    assert message.startswith("Mélange d'alphabets ")
    assert problem in message


@pytest.mark.parametrize("prefix", ["01 99 00", "02 61 91", "03 53 01", "04 65 71", "05 36 49"])
def test_landline_ranges_reserved_for_fiction_are_valid(prefix: str) -> None:
    national = f"{prefix} 12 34".replace(" ", "")
    assert normalize_phone(f"{prefix} 12 34") == Checked(f"+33{national[1:]}")

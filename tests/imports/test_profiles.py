from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from psad.imports.fields import FIELDS, REQUIRED_FIELDS
from psad.imports.profiles import (
    InvalidProfileError,
    NoHeaderError,
    Profile,
    ProfileExistsError,
    apply_mapping,
    default_profiles_dir,
    find_header,
    load_profiles,
    normalize_header,
    profiles_for,
    save_profile,
)
from psad.imports.reader import CellValue, Row, read_table
from tests.imports import files


def shipped_profiles() -> list[Profile]:
    return load_profiles(default_profiles_dir())


def write_profile(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the canonical fields and the shipped profiles ----------------------------------------


def test_canonical_fields_are_the_agreed_ones_with_french_labels() -> None:
    assert list(FIELDS) == [
        "ine", "last_name", "first_name", "sex", "birth_date", "birth_place", "address",
        "postal_code", "commune", "phone", "other_phone", "email", "guardian_last_name",
        "guardian_first_name", "guardian_phone", "guardian_email", "guardian_address",
        "school_uai", "school_name", "school_commune", "school_academy", "formation", "level",
        "track", "school_entry_date", "school_exit_date", "exit_reason",
    ]  # fmt: skip
    assert (FIELDS["birth_date"], FIELDS["guardian_phone"], REQUIRED_FIELDS) == (
        "Date de naissance",
        "Téléphone du représentant légal",
        ("last_name", "first_name"),
    )


def test_default_profiles_dir_is_the_repository_imports_profiles_folder() -> None:
    directory = default_profiles_dir()

    assert directory.parts[-2:] == ("imports", "profiles")
    assert (directory.parent.parent / "pyproject.toml").is_file()


def test_shipped_profiles_load_siei_first_and_cover_every_field() -> None:
    profiles = shipped_profiles()

    assert [profile.name for profile in profiles] == ["siei", "generique"]
    assert all(set(profile.fields) == set(FIELDS) for profile in profiles)


def test_header_normalisation_ignores_case_accents_punctuation_and_spaces() -> None:
    assert normalize_header("  Né(e)   le ") == normalize_header("NEE LE") == "nee le"
    assert normalize_header("Tél. (portable)") == "tel portable"
    assert normalize_header("DATE_NAISSANCE") == "date naissance"
    assert normalize_header("Nom\nde famille") == "nom de famille"


@pytest.mark.parametrize(
    "header", ["Date de naissance", "DATE_NAISSANCE", "date naiss.", "Né(e) le", "NÉE LE"]
)
def test_siei_profile_knows_the_usual_birth_date_headers(header: str) -> None:
    siei = shipped_profiles()[0]

    assert siei.field_for(header) == "birth_date"


# --- finding the header in real files ------------------------------------------------------


def test_header_below_titles_blank_line_and_merged_cells_is_found(tmp_path: Path) -> None:
    table = read_table(files.write_siei_xlsx(tmp_path), file_name="liste-siei.xlsx")

    match = find_header(table.rows, shipped_profiles(), file_name=table.file_name)

    assert (match.line, match.profile, match.profile_label) == (4, "siei", "Liste SIEI (RIO)")
    assert match.mapping == {
        "ine": 0,
        "last_name": 1,
        "first_name": 2,
        "birth_date": 3,
        "postal_code": 4,
        "phone": 5,
        "school_uai": 6,
    }
    assert match.unmapped == []


def test_columns_no_profile_knows_are_reported_unmapped(tmp_path: Path) -> None:
    table = read_table(files.write_ods(tmp_path), file_name="signalements.ods")

    match = find_header(table.rows, shipped_profiles(), file_name=table.file_name)

    assert match.line == 4
    assert match.headers == ["Nom", "Prénom", "Né(e) le", "Suivi"]
    assert match.unmapped == [(3, "Suivi")]
    assert match.unmapped_headers == ["Suivi"]


def test_file_without_a_recognisable_header_gets_one_message(tmp_path: Path) -> None:
    path = files.write_xlsx(
        tmp_path,
        "sans-entete.xlsx",
        [["Dupont", "Éloïse", date(2008, 3, 14)], ["Nguyen", "Kévin", date(2007, 11, 2)]],
    )
    table = read_table(path, file_name="x.xlsx")

    with pytest.raises(NoHeaderError) as caught:
        find_header(table.rows, shipped_profiles(), file_name=table.file_name)

    assert caught.value.message == (
        "Aucune ligne d'en-tête reconnue dans les 30 premières lignes de « x.xlsx » : il faut "
        "au moins les colonnes Nom et Prénom."
    )


def test_header_needs_a_third_field_besides_last_and_first_name() -> None:
    rows: list[Row] = [(1, ["Nom", "Prénom", "Observations"]), (2, ["Roux", "Léa", "RAS"])]

    with pytest.raises(NoHeaderError):
        find_header(rows, shipped_profiles(), file_name="x.csv")


def test_header_after_the_first_30_rows_is_not_looked_for() -> None:
    rows: list[Row] = [(line, [f"Note {line}"]) for line in range(1, 31)]
    rows.append((31, ["Nom", "Prénom", "Date de naissance"]))

    with pytest.raises(NoHeaderError):
        find_header(rows, shipped_profiles(), file_name="x.csv")


def test_second_column_for_the_same_field_is_left_unmapped() -> None:
    rows: list[Row] = [(2, ["Nom", "Prénom", "Nom d'usage", "Date de naissance"])]

    match = find_header(rows, shipped_profiles(), file_name="x.csv")

    assert match.mapping == {"last_name": 0, "first_name": 1, "birth_date": 3}
    assert match.unmapped == [(2, "Nom d'usage")]


def test_row_recognising_most_fields_wins_over_an_earlier_one() -> None:
    rows: list[Row] = [
        (1, ["Nom", "Prénom", "Classe"]),
        (2, ["Nom", "Prénom", "Classe", "Date de naissance", "INE"]),
    ]

    match = find_header(rows, shipped_profiles(), file_name="x.csv")

    assert match.line == 2


def test_profile_recognising_most_fields_wins(tmp_path: Path) -> None:
    write_profile(
        tmp_path,
        "cfa-batiment",
        'label = "CFA du bâtiment"\n[fields]\nlast_name = ["Apprenti nom"]\n'
        'first_name = ["Apprenti prénom"]\nbirth_date = ["Apprenti né le"]\n'
        'school_name = ["Entreprise"]\n',
    )
    profiles = [*load_profiles(tmp_path), *shipped_profiles()]
    rows: list[Row] = [(1, ["Apprenti nom", "Apprenti prénom", "Apprenti né le", "Entreprise"])]

    match = find_header(rows, profiles, file_name="x.xlsx")

    assert match.profile == "cfa-batiment"


def test_on_a_tie_the_siei_profile_beats_the_generic_one(tmp_path: Path) -> None:
    table = read_table(files.write_cp1252_semicolon_csv(tmp_path), file_name="liste.csv")

    match = find_header(table.rows, shipped_profiles(), file_name="liste.csv")

    assert (match.line, match.profile) == (3, "siei")
    assert match.mapping == {"last_name": 0, "first_name": 1, "birth_date": 2, "commune": 3}


def test_a_mapping_gives_each_field_its_cell() -> None:
    cells: list[CellValue] = ["Roux", "Léa", date(2008, 1, 9)]

    values = apply_mapping(cells, {"last_name": 0, "birth_date": 2, "email": 5})

    assert values == {"last_name": "Roux", "birth_date": date(2008, 1, 9), "email": None}


# --- saving a corrected mapping ------------------------------------------------------------


def test_saved_profile_loads_back_and_recognises_its_headers(tmp_path: Path) -> None:
    headers = {
        "last_name": ['Nom "usuel"'],
        "first_name": ["Prénom\\1"],
        "guardian_phone": ["Tél. maman", "Tél. papa"],
    }

    path = save_profile(tmp_path, "lycee-jean-moulin", "Lycée Jean Moulin", headers)
    (profile,) = load_profiles(tmp_path)
    rows: list[Row] = [(3, ['Nom "usuel"', "Prénom\\1", "Tél. papa"])]
    match = find_header(rows, [profile, *shipped_profiles()], file_name="x.xlsx")

    assert path == tmp_path / "lycee-jean-moulin.toml"
    assert (profile.name, profile.label) == ("lycee-jean-moulin", "Lycée Jean Moulin")
    assert profile.fields["guardian_phone"] == ("Tél. maman", "Tél. papa")
    assert (match.profile, match.mapping) == (
        "lycee-jean-moulin",
        {"last_name": 0, "first_name": 1, "guardian_phone": 2},
    )


def test_saved_profile_is_plain_toml_in_field_order(tmp_path: Path) -> None:
    path = save_profile(
        tmp_path,
        "cio-nord",
        "CIO Nord",
        {"phone": ["Tél"], "first_name": ["P"], "last_name": ["N"]},
    )

    data = tomllib.loads(path.read_text(encoding="utf-8"))

    assert list(data["fields"]) == ["last_name", "first_name", "phone"]


def test_saving_over_an_existing_profile_is_refused(tmp_path: Path) -> None:
    save_profile(
        tmp_path,
        "mission-locale",
        "Mission locale",
        {"last_name": ["Nom"], "first_name": ["Prénom"]},
    )

    with pytest.raises(ProfileExistsError) as caught:
        save_profile(tmp_path, "mission-locale", "Autre", {"last_name": ["N"], "first_name": ["P"]})

    assert caught.value.message == (
        "Un profil nommé « mission-locale » existe déjà : choisissez un autre nom."
    )
    assert load_profiles(tmp_path)[0].label == "Mission locale"


def test_profile_name_must_be_a_lower_case_slug(tmp_path: Path) -> None:
    with pytest.raises(InvalidProfileError) as caught:
        save_profile(tmp_path, "Lycée Moulin", "Lycée", {"last_name": ["N"], "first_name": ["P"]})

    assert caught.value.message.startswith("Le nom de profil « Lycée Moulin » n'est pas valide")
    assert list(tmp_path.iterdir()) == []


def test_saved_profile_must_map_last_and_first_name(tmp_path: Path) -> None:
    with pytest.raises(InvalidProfileError) as caught:
        save_profile(tmp_path, "partenaire", "Partenaire", {"last_name": ["Nom"]})

    assert caught.value.message.startswith(
        "Le profil doit reconnaître au moins les colonnes Nom et Prénom"
    )


# --- malformed profile files -----------------------------------------------------------------


def test_malformed_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    write_profile(tmp_path, "casse", 'label = "Cassé"\n[fields]\nlast_name == ["Nom"]\n')

    with pytest.raises(InvalidProfileError) as caught:
        load_profiles(tmp_path)

    assert caught.value.message == (
        "Le profil d'import « casse.toml » est mal formé (ligne 3, colonne 12) : corrigez ce "
        "fichier (syntaxe TOML)."
    )


def test_unclosed_toml_says_the_error_is_at_the_end_of_the_file(tmp_path: Path) -> None:
    write_profile(tmp_path, "ouvert", 'label = "Ouvert"\n[fields]\nlast_name = ["Nom"\n')

    with pytest.raises(InvalidProfileError) as caught:
        load_profiles(tmp_path)

    assert "« ouvert.toml » est mal formé (en fin de fichier)" in caught.value.message


def test_unknown_field_in_a_profile_is_named(tmp_path: Path) -> None:
    write_profile(tmp_path, "faute", 'label = "Faute"\n[fields]\nlastname = ["Nom"]\n')

    with pytest.raises(InvalidProfileError) as caught:
        load_profiles(tmp_path)

    assert caught.value.message == (
        "Le profil d'import « faute.toml » contient un champ inconnu « lastname »."
    )


def test_header_given_to_two_fields_is_refused(tmp_path: Path) -> None:
    write_profile(
        tmp_path,
        "double",
        'label = "Double"\n[fields]\nphone = ["Tél."]\nguardian_phone = ["TEL"]\n',
    )

    with pytest.raises(InvalidProfileError) as caught:
        load_profiles(tmp_path)

    assert caught.value.message == (
        "Le profil d'import « double.toml » associe l'en-tête « TEL » à deux champs : "
        "« phone » et « guardian_phone »."
    )


def test_the_header_row_a_preview_found_is_kept_on_confirmation() -> None:
    rows: list[Row] = [
        (1, ["Nom", "Prénom", "Date de naissance"]),  # an earlier table on the sheet
        (3, ["Nom", "Prénom", "Date de naissance", "INE"]),
        (4, ["Dupré", "Noé", "14/05/2007", None]),
    ]
    profiles = load_profiles(default_profiles_dir())

    found = find_header(rows, profiles, file_name="liste.xlsx", line_only=1)

    assert found.line == 1
    with pytest.raises(NoHeaderError):
        find_header(rows, profiles, file_name="liste.xlsx", line_only=4)


def test_a_profile_saved_for_a_psad_serves_that_psad_and_the_others_serve_all(
    tmp_path: Path,
) -> None:
    save_profile(
        tmp_path, "lycee-lille", "Lycée", {"last_name": ["N"], "first_name": ["P"]}, psad="LILLE"
    )
    save_profile(tmp_path, "commun", "Commun", {"last_name": ["N"], "first_name": ["P"]})
    loaded = load_profiles(tmp_path)

    assert [p.name for p in profiles_for(loaded, "LILLE")] == ["commun", "lycee-lille"]
    assert [p.name for p in profiles_for(loaded, "DOUAI")] == ["commun"]
    assert [p.name for p in profiles_for(loaded, "lille")] == ["commun", "lycee-lille"]
    assert [p.name for p in profiles_for(loaded, None)] == ["commun"]


def test_a_profile_naming_an_empty_psad_is_refused(tmp_path: Path) -> None:
    write_profile(tmp_path, "vide", 'label = "Vide"\npsad = " "\n[fields]\nlast_name = ["Nom"]\n')

    with pytest.raises(InvalidProfileError) as caught:
        load_profiles(tmp_path)

    assert caught.value.message == (
        "Le profil d'import « vide.toml » a un code de PSAD (psad) vide ou qui n'est pas un texte."
    )

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from psad.imports.reader import (
    CellTooLongError,
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    NotASpreadsheetError,
    PasswordProtectedError,
    ReadLimits,
    SheetNotFoundError,
    SheetTooLargeError,
    TooManyColumnsError,
    TooManyRowsError,
    ZipBombError,
    read_table,
)
from tests.imports import files

MIB = 1024 * 1024


# --- what is read from good files ---------------------------------------------------------


def test_xlsx_rows_keep_their_spreadsheet_line_numbers(tmp_path: Path) -> None:
    path = files.write_siei_xlsx(tmp_path)

    table = read_table(path, file_name="liste-siei.xlsx")

    assert [line for line, _ in table.rows] == [1, 2, 4, 5, 7]


def test_xlsx_cells_are_read_with_dates_as_dates_and_numbers_as_numbers(tmp_path: Path) -> None:
    path = files.write_siei_xlsx(tmp_path)

    table = read_table(path, file_name="liste-siei.xlsx")

    line, cells = table.rows[3]
    assert line == 5
    assert cells == [
        "0494004062M",
        "Dupont",
        "Éloïse",
        date(2008, 3, 14),
        75011,
        "06 12 34 56 78",
        "0750655E",
    ]
    assert type(cells[3]) is date


def test_xlsx_empty_cells_are_none_and_merged_title_keeps_one_value(tmp_path: Path) -> None:
    path = files.write_siei_xlsx(tmp_path)

    table = read_table(path, file_name="liste-siei.xlsx")

    assert table.rows[0] == (1, ["Liste des jeunes repérés par le SIEI"])
    assert table.rows[4][1][:2] == [None, "Nguyen"]


def test_xlsx_table_names_its_sheet_and_format(tmp_path: Path) -> None:
    path = files.write_siei_xlsx(tmp_path)

    table = read_table(path, file_name="liste-siei.xlsx")

    assert (table.file_name, table.format, table.sheet_name) == (
        "liste-siei.xlsx",
        "xlsx",
        "Jeunes repérés",
    )


def test_format_comes_from_the_content_not_the_file_name(tmp_path: Path) -> None:
    path = files.write_siei_xlsx(tmp_path, "telechargement.csv")

    table = read_table(path, file_name="telechargement.csv")

    assert table.format == "xlsx"
    assert table.rows[2] == (4, files.SIEI_HEADER)


def test_first_sheet_with_a_filled_row_is_read(tmp_path: Path) -> None:
    path = files.write_two_sheet_xlsx(tmp_path)

    table = read_table(path, file_name="classeur.xlsx")

    assert table.sheet_name == "Élèves"
    assert table.rows == [(1, ["Nom", "Prénom", "Classe"])]


def test_a_sheet_can_be_chosen_by_name(tmp_path: Path) -> None:
    path = files.write_two_sheet_xlsx(tmp_path)

    table = read_table(path, file_name="classeur.xlsx", sheet_name="Notes")

    assert table.rows == [(1, ["Matière", "Note"])]


def test_an_unknown_sheet_name_is_refused_listing_the_sheets(tmp_path: Path) -> None:
    path = files.write_two_sheet_xlsx(tmp_path)

    with pytest.raises(SheetNotFoundError) as caught:
        read_table(path, file_name="classeur.xlsx", sheet_name="Bilan")

    assert caught.value.message == (
        "La feuille « Bilan » n'existe pas dans « classeur.xlsx » (feuilles présentes : "
        "« Consignes », « Élèves », « Notes ») : choisissez l'une d'elles."
    )


def test_xlsx_that_calamine_rejects_is_read_through_openpyxl(tmp_path: Path) -> None:
    path = files.write_xlsx_calamine_rejects(tmp_path)

    table = read_table(path, file_name="generateur.xlsx")

    assert [line for line, _ in table.rows] == [1, 2, 4, 5, 7]
    assert table.rows[3][1][:4] == ["0494004062M", "Dupont", "Éloïse", datetime(2008, 3, 14)]


def test_ods_is_read_with_line_numbers_dates_and_numbers(tmp_path: Path) -> None:
    path = files.write_ods(tmp_path)

    table = read_table(path, file_name="signalements.ods")

    assert (table.format, table.sheet_name) == ("ods", "Signalements")
    assert table.rows[1:] == [
        (4, ["Nom", "Prénom", "Né(e) le", "Suivi"]),
        (5, ["Moreau", "Jade", date(2008, 6, 30), 3]),
    ]


def test_xls_is_read(tmp_path: Path) -> None:
    path = files.write_xls(tmp_path)

    table = read_table(path, file_name="ancien.xls")

    assert table.format == "xls"
    assert table.rows == [
        (1, ["Élèves sortis sans diplôme"]),
        (3, ["Nom", "Prénom", "Date de naissance", "Classe"]),
        (4, ["Petit", "Chloé", date(2008, 1, 9), "1CAP2"]),
    ]


def test_csv_from_french_excel_in_windows_1252_with_semicolons(tmp_path: Path) -> None:
    path = files.write_cp1252_semicolon_csv(tmp_path)

    table = read_table(path, file_name="liste.csv")

    assert table.format == "csv"
    assert table.rows == [
        (1, ["Liste du lycée Jean Moulin"]),
        (3, ["Nom", "Prénom", "Date de naissance", "Commune"]),
        (4, ["Lefèvre", "Zoé", "02/05/2008", "Besançon"]),
        (5, ["Martin", "Noël", "2007-12-25", "Saint-Étienne"]),
    ]


def test_csv_in_utf8_with_bom_and_commas_counts_records_as_lines(tmp_path: Path) -> None:
    path = files.write_utf8_bom_comma_csv(tmp_path)

    table = read_table(path, file_name="partenaire.csv")

    assert table.rows == [
        (1, ["Nom", "Prénom", "Adresse", "Téléphone"]),
        (2, ["Dupont", "Éloïse", "12, rue des Lilas", "0612345678"]),
        (3, ["Œuvray", "Anaïs", "Bât. B\r\n3 allée Verte", "0712345678"]),
        (4, ["Durand", "Léo", "Place du Marché"]),
    ]


def test_tab_separated_text(tmp_path: Path) -> None:
    path = files.write_tab_separated(tmp_path)

    table = read_table(path, file_name="export.txt")

    assert table.rows == [
        (1, ["NOM", "PRENOM", "SEXE", "DATE_NAISSANCE"]),
        (2, ["Bernard", "Inès", "F", "14/02/2008"]),
    ]


def test_unicode_text_saved_by_excel_is_read(tmp_path: Path) -> None:
    path = files.write_csv(
        tmp_path,
        "unicode.txt",
        ["Nom|Prénom|Né(e) le", "Œuvray|Anaïs|01/02/2008"],
        encoding="utf-16",
        delimiter="\t",
    )

    table = read_table(path, file_name="unicode.txt")

    assert table.rows == [
        (1, ["Nom", "Prénom", "Né(e) le"]),
        (2, ["Œuvray", "Anaïs", "01/02/2008"]),
    ]


def test_csv_excel_separator_line_is_obeyed_and_not_a_row(tmp_path: Path) -> None:
    path = files.write_csv(
        tmp_path,
        "sep.csv",
        ["sep=,", "Nom|Prénom", "Roux|Léa;Marie"],
        encoding="utf-8",
        delimiter=",",
    )

    table = read_table(path, file_name="sep.csv")

    assert table.rows == [(1, ["Nom", "Prénom"]), (2, ["Roux", "Léa;Marie"])]


def test_csv_text_kept_by_an_excel_formula_is_unwrapped(tmp_path: Path) -> None:
    path = files.write_csv(
        tmp_path, "uai.csv", ["Nom|UAI", 'Roux|="0750655E"'], encoding="utf-8", delimiter=";"
    )

    table = read_table(path, file_name="uai.csv")

    assert table.rows[1] == (2, ["Roux", "0750655E"])


# --- files that cannot be read: one message each ------------------------------------------


def test_password_protected_xlsx_is_refused(tmp_path: Path) -> None:
    path = files.write_encrypted_xlsx(tmp_path)

    with pytest.raises(PasswordProtectedError) as caught:
        read_table(path, file_name="x.xlsx")

    assert caught.value.message == (
        "Le fichier « x.xlsx » est protégé par un mot de passe : enregistrez-le sans mot de "
        "passe puis réessayez."
    )


def test_pdf_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = files.write_pdf(tmp_path)

    with pytest.raises(NotASpreadsheetError) as caught:
        read_table(path, file_name="Liste mars.pdf")

    assert caught.value.message == (
        "Le fichier « Liste mars.pdf » n'est pas un tableur lisible (c'est un document PDF) : "
        "choisissez un fichier .xlsx, .xls, .ods ou .csv."
    )


def test_binary_junk_named_xlsx_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = files.write_binary_junk(tmp_path)

    with pytest.raises(NotASpreadsheetError) as caught:
        read_table(path, file_name="liste.xlsx")

    assert caught.value.message == (
        "Le fichier « liste.xlsx » n'est pas un tableur lisible : "
        "choisissez un fichier .xlsx, .xls, .ods ou .csv."
    )


def test_word_document_named_xlsx_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = files.write_docx_like(tmp_path)

    with pytest.raises(NotASpreadsheetError) as caught:
        read_table(path, file_name="courrier.xlsx")

    assert "« courrier.xlsx » n'est pas un tableur lisible (c'est un document Word)" in (
        caught.value.message
    )


def test_web_page_saved_as_xls_asks_for_a_real_workbook(tmp_path: Path) -> None:
    path = files.write_html_as_xls(tmp_path)

    with pytest.raises(NotASpreadsheetError) as caught:
        read_table(path, file_name="export.xls")

    assert caught.value.message == (
        "Le fichier « export.xls » est une page web (HTML) et non un vrai classeur : "
        "ouvrez-le dans votre tableur, enregistrez-le de nouveau au format .xlsx puis réessayez."
    )


def test_truncated_xlsx_is_reported_as_damaged(tmp_path: Path) -> None:
    path = files.write_truncated_xlsx(tmp_path)

    with pytest.raises(CorruptFileError) as caught:
        read_table(path, file_name="coupe.xlsx")

    assert caught.value.message == (
        "Le fichier « coupe.xlsx » est endommagé ou incomplet (téléchargement interrompu ?) : "
        "téléchargez-le ou exportez-le de nouveau, vérifiez qu'il s'ouvre dans votre tableur, "
        "puis réessayez."
    )


def test_damaged_ods_is_reported_as_damaged(tmp_path: Path) -> None:
    path = files.write_damaged_ods(tmp_path)

    with pytest.raises(CorruptFileError) as caught:
        read_table(path, file_name="abime.ods")

    assert "« abime.ods » est endommagé ou incomplet" in caught.value.message


def test_zip_bomb_declaring_300_mo_is_refused_before_reading(tmp_path: Path) -> None:
    path = files.write_zip_bomb(tmp_path, megabytes=300)
    assert path.stat().st_size < MIB

    with pytest.raises(ZipBombError) as caught:
        read_table(path, file_name="bombe.xlsx")

    assert caught.value.message.startswith(
        "Le fichier « bombe.xlsx » annonce un contenu décompressé de 300 Mo, bien plus qu'une "
        "vraie liste"
    )


def test_zip_compressed_far_beyond_a_real_sheet_is_refused(tmp_path: Path) -> None:
    path = files.write_zip_bomb(tmp_path, megabytes=20)

    with pytest.raises(ZipBombError) as caught:
        read_table(path, file_name="dense.xlsx")

    assert "« dense.xlsx » annonce un contenu décompressé de 20 Mo" in caught.value.message


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = files.write_empty(tmp_path)

    with pytest.raises(EmptyFileError) as caught:
        read_table(path, file_name="vide.csv")

    assert caught.value.message == (
        "Le fichier « vide.csv » ne contient aucune ligne remplie : vérifiez que vous avez "
        "choisi le bon fichier."
    )


def test_workbook_with_only_blank_cells_is_empty(tmp_path: Path) -> None:
    path = files.write_blank_rows_xlsx(tmp_path)

    with pytest.raises(EmptyFileError) as caught:
        read_table(path, file_name="vide.xlsx")

    assert "« vide.xlsx » ne contient aucune ligne remplie" in caught.value.message


def test_csv_with_only_separators_is_empty(tmp_path: Path) -> None:
    path = files.write_csv(
        tmp_path, "blanc.csv", ["||", " | |", ""], encoding="utf-8", delimiter=";"
    )

    with pytest.raises(EmptyFileError):
        read_table(path, file_name="blanc.csv")


def test_file_above_the_size_limit_is_refused_with_the_limit_in_mo(tmp_path: Path) -> None:
    path = files.write_csv(
        tmp_path,
        "gros.csv",
        ["Nom|Prénom"] + ["Dupont|Jean"] * 130_000,
        encoding="utf-8",
        delimiter=";",
    )

    with pytest.raises(FileTooLargeError) as caught:
        read_table(path, file_name="gros.csv", limits=ReadLimits(max_bytes=MIB))

    assert caught.value.message == (
        "Le fichier « gros.csv » pèse 1,7 Mo, au-delà de la limite de 1 Mo : découpez la liste "
        "en plusieurs fichiers ou retirez les colonnes inutiles, puis réessayez."
    )


def test_workbook_with_too_many_rows_is_refused(tmp_path: Path) -> None:
    path = files.write_siei_xlsx(tmp_path)

    with pytest.raises(TooManyRowsError) as caught:
        read_table(path, file_name="liste-siei.xlsx", limits=ReadLimits(max_rows=6))

    assert caught.value.message == (
        "Le fichier « liste-siei.xlsx » compte plus de 6 lignes, la limite acceptée : "
        "découpez la liste en plusieurs fichiers puis réessayez."
    )


def test_csv_with_too_many_rows_is_refused(tmp_path: Path) -> None:
    path = files.write_cp1252_semicolon_csv(tmp_path)

    with pytest.raises(TooManyRowsError) as caught:
        read_table(path, file_name="liste.csv", limits=ReadLimits(max_rows=4))

    assert "« liste.csv » compte plus de 4 lignes" in caught.value.message


def test_excel_binary_workbook_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = files.write_xlsb_like(tmp_path)

    with pytest.raises(NotASpreadsheetError) as caught:
        read_table(path, file_name="binaire.xlsb")

    assert caught.value.message == (
        "Le fichier « binaire.xlsb » est au format Excel binaire (.xlsb), qui n'est pas "
        "accepté : ouvrez-le dans votre tableur, enregistrez-le de nouveau au format .xlsx "
        "puis réessayez."
    )


# --- sheets whose size would exhaust memory (calamine would abort the process) -----------


def test_value_left_far_from_the_table_is_reported_before_reading(tmp_path: Path) -> None:
    path = files.write_xlsx_with_stray_cell(tmp_path, "XFD2000")

    with pytest.raises(SheetTooLargeError) as caught:
        read_table(path, file_name="loin.xlsx")

    assert caught.value.message == (
        "Une feuille de « loin.xlsx » s'étend sur 2\N{NO-BREAK SPACE}000 lignes et "
        "16\N{NO-BREAK SPACE}384 colonnes, bien au-delà d'une vraie liste (une valeur oubliée "
        "loin du tableau ?) : supprimez les lignes et colonnes inutilisées ou copiez le "
        "tableau seul dans un nouveau classeur, puis réessayez."
    )


def test_value_in_the_last_line_of_the_grid_counts_as_too_many_rows(tmp_path: Path) -> None:
    path = files.write_xlsx_with_stray_cell(tmp_path, "XFD1048576")

    with pytest.raises(TooManyRowsError) as caught:
        read_table(path, file_name="loin.xlsx")

    assert "« loin.xlsx » compte plus de 500\N{NO-BREAK SPACE}000 lignes" in caught.value.message


def test_value_a_little_beside_the_table_is_read(tmp_path: Path) -> None:
    path = files.write_xlsx_with_stray_cell(tmp_path, "AB9")

    table = read_table(path, file_name="loin.xlsx")

    assert table.rows[-1] == (9, [None] * 27 + ["x"])


def test_sheet_without_declared_extent_is_read(tmp_path: Path) -> None:
    path = files.write_xlsx_without_dimension(tmp_path)

    table = read_table(path, file_name="sans-dimension.xlsx")

    assert [line for line, _ in table.rows] == [1, 2, 4, 5, 7]
    assert table.rows[3][1][3] == date(2008, 3, 14)


def test_far_value_in_a_sheet_without_declared_extent_is_found(tmp_path: Path) -> None:
    path = files.write_xlsx_without_dimension(tmp_path, stray_cell="AAA50000")

    with pytest.raises(SheetTooLargeError) as caught:
        read_table(path, file_name="sans-dimension.xlsx")

    assert "s'étend sur 50\N{NO-BREAK SPACE}000 lignes et 703 colonnes" in caught.value.message


def test_false_shared_string_count_is_reported_as_damaged(tmp_path: Path) -> None:
    path = files.write_xlsx_false_string_count(tmp_path)

    with pytest.raises(CorruptFileError) as caught:
        read_table(path, file_name="compte.xlsx")

    assert "« compte.xlsx » est endommagé ou incomplet" in caught.value.message


def test_xls_claiming_a_billion_lines_is_refused_before_reading(tmp_path: Path) -> None:
    path = files.write_xls_with_false_dimensions(tmp_path)

    with pytest.raises(TooManyRowsError) as caught:
        read_table(path, file_name="dimensions.xls")

    assert "« dimensions.xls » compte plus de 500\N{NO-BREAK SPACE}000 lignes" in (
        caught.value.message
    )


# --- sheets far wider than a real list, cells far longer than a spreadsheet's ---------------


def test_csv_of_50_000_columns_is_refused_with_its_count_and_the_limit(tmp_path: Path) -> None:
    path = files.write_wide_csv(tmp_path, 50_000)

    with pytest.raises(TooManyColumnsError) as caught:
        read_table(path, file_name="large.csv")

    assert caught.value.message == (
        "Le fichier « large.csv » compte 50\N{NO-BREAK SPACE}000 colonnes, au-delà de la "
        "limite de 256 : gardez les colonnes utiles (une valeur oubliée loin à droite du "
        "tableau ?) ou copiez le tableau seul dans un nouveau classeur, puis réessayez."
    )


def test_xlsx_as_wide_as_excel_allows_is_refused(tmp_path: Path) -> None:
    path = files.write_wide_xlsx(tmp_path, 16_384)

    with pytest.raises(TooManyColumnsError) as caught:
        read_table(path, file_name="large.xlsx")

    assert "« large.xlsx » compte 16\N{NO-BREAK SPACE}384 colonnes" in caught.value.message


@pytest.mark.parametrize(
    ("write", "columns"),
    [
        (files.write_siei_xlsx, 7),
        (files.write_xlsx_calamine_rejects, 7),
        (files.write_ods, 4),
        (files.write_xls, 4),
        (files.write_cp1252_semicolon_csv, 4),
    ],
    ids=["xlsx", "xlsx-openpyxl", "ods", "xls", "csv"],
)
def test_every_format_is_refused_past_the_column_limit(
    tmp_path: Path, write: Callable[[Path], Path], columns: int
) -> None:
    path = write(tmp_path)

    with pytest.raises(TooManyColumnsError) as caught:
        read_table(path, file_name=path.name, limits=ReadLimits(max_columns=3))

    assert f"« {path.name} » compte {columns} colonnes, au-delà de la limite de 3 :" in (
        caught.value.message
    )


@pytest.mark.parametrize("write", [files.write_wide_csv, files.write_wide_xlsx])
def test_a_list_exactly_at_the_column_limit_is_read(
    tmp_path: Path, write: Callable[[Path, int], Path]
) -> None:
    path = write(tmp_path, 256)

    table = read_table(path, file_name=path.name)

    assert [len(cells) for _, cells in table.rows] == [256, 256]


def test_a_formatted_but_empty_cell_far_right_is_no_column(tmp_path: Path) -> None:
    path = files.write_xlsx_with_styled_far_cell(tmp_path)

    table = read_table(path, file_name="bordure.xlsx", limits=ReadLimits(max_columns=10))

    assert max(len(cells) for _, cells in table.rows) == 7


def test_csv_with_a_1_mb_cell_names_the_cell_too_long(tmp_path: Path) -> None:
    path = files.write_csv_with_long_cell(tmp_path)

    with pytest.raises(CellTooLongError) as caught:
        read_table(path, file_name="longue.csv")

    assert caught.value.message == (
        "Le fichier « longue.csv » contient une cellule trop longue, ligne 3, colonne C : plus "
        'de 131\N{NO-BREAK SPACE}072 caractères (un guillemet " resté ouvert y fait entrer '
        "toute la suite du fichier). Corrigez cette cellule puis réessayez."
    )


def test_csv_with_a_quote_left_open_names_the_cell_where_it_opens(tmp_path: Path) -> None:
    path = files.write_csv_with_unclosed_quote(tmp_path)

    with pytest.raises(CellTooLongError) as caught:
        read_table(path, file_name="guillemet.csv")

    assert "cellule trop longue, ligne 2, colonne B :" in caught.value.message


def test_csv_cell_just_under_the_csv_limit_is_read(tmp_path: Path) -> None:
    path = files.write_csv_with_long_cell(tmp_path, chars=131_072)

    table = read_table(path, file_name="longue.csv")

    assert table.rows[2] == (3, ["Martin", "Noël", "x" * 131_072, "Douai"])

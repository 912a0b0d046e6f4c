"""A pilote imports a spreadsheet in the browser: upload → preview → confirm → result → history.

The analysis and the import run in a thread of the live server; the job page refreshes itself
(``<meta http-equiv=refresh>``) until they are done, so the test waits for what appears.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import User
from psad.imports import jobs
from psad.imports.models import ImportBatch, ImportJob, JobStatus
from psad.youth.models import Youth
from tests.browser.test_youth_flow import log_in, type_into
from tests.imports.files import write_pdf, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.committed]

LABEL = "SIEI novembre 2026"
FILE_LABEL = "Fichier de la liste (.xlsx, .xls, .ods ou .csv)"
HEADER = ["Nom", "Prénom", "Date de naissance", "Téléphone", "Commune"]
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 31/12/1899 (after the fictitious 29/02/1900)
UNDER_16 = "Jeune de moins de 16 ans (12 ans) : hors du champ des listes"


def births() -> dict[str, date]:
    """Birth dates relative to today: three youth of 17 to 20, and a child of exactly 12."""
    year = clock.today().year
    return {
        "Éloïse": date(year - 18, 3, 14),
        "Anaïs": date(year - 19, 5, 2),
        "Noël": date(year - 20, 12, 25),
        "Inès": date(year - 18, 1, 9),
        "Léa": date(year - 12, 1, 1),  # 12 on any day of this year
    }


def write_list(directory: Path) -> Path:
    """Line 1 a title, line 2 blank, line 3 the header, lines 4-6 good, 7 and 8 rejected.

    Dates as a date cell, French text, ISO text and an Excel serial number; phones with
    spaces, international, and as a number cell that lost its leading zero.
    """
    born = births()
    return write_xlsx(
        directory,
        "jeunes-novembre.xlsx",
        [
            ["Liste des jeunes repérés par le SIEI : campagne de novembre"],
            [],
            HEADER,
            ["Lefèvre", "Éloïse", born["Éloïse"], "06 12 34 56 78", "Lille"],
            ["Bénard", "Anaïs", f"{born['Anaïs']:%d/%m/%Y}", "+33 7 81 23 45 67", "Roubaix"],
            ["Dupré", "Noël", born["Noël"].isoformat(), 612345679, "Tourcoing"],
            [None, "Inès", born["Inès"], "06 98 76 54 32", "Lille"],
            ["Petit", "Léa", (born["Léa"] - EXCEL_EPOCH).days, "06 11 22 33 44", "Arras"],
        ],
    )


def open_imports(page: Page) -> None:
    navigation = page.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("link", name="Listes importées").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Listes de jeunes repérés")


def upload_list(page: Page, path: Path, label: str) -> str:
    """Choose the file, type the label, submit; returns the job's token (from its address)."""
    page.get_by_label(FILE_LABEL).set_input_files(path)
    type_into(page, "Libellé de la liste", label)
    page.get_by_role("button", name="Lire le fichier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import de « {path.name} »")
    assert "/listes/travaux/" in page.url, page.url
    return page.url.rsplit("/", 1)[1]


def cells_of(table: Locator) -> list[list[str]]:
    """The text of each body row of ``table``, header cell included, whitespace trimmed."""
    rows = table.locator("tbody tr")
    return [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in rows.all()
    ]


def count_shown(page: Page, label: str) -> Locator:
    """The number the result table gives for ``label``."""
    table = page.get_by_role("table", name="Résultat de l'import")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label, exact=True))
    return row.get_by_role("cell")


def test_pilot_imports_a_list_checks_the_preview_and_downloads_the_rejected_rows(
    page: Page, pilot: User, session: Session, tmp_path: Path, screenshot
) -> None:
    born = births()
    path = write_list(tmp_path)
    log_in(page, pilot.email)
    expect(page.get_by_role("status").filter(has_text="Bienvenue")).to_be_visible()
    open_imports(page)
    expect(page.get_by_text("Aucune liste importée.")).to_be_visible()

    token = upload_list(page, path, LABEL)

    # The page refreshes itself until the analysis is done.
    expect(page.get_by_text("à importer")).to_be_visible()
    screenshot("import-preview")
    summary = page.get_by_role("heading", name="Aperçu").locator("xpath=following-sibling::p[1]")
    expect(summary).to_contain_text("ligne d'en-tête 3")
    expect(summary).to_contain_text(
        "5 lignes lues : 3 à importer, 2 rejetées (erreurs), 0 avertissements."
    )

    birth_select = page.get_by_label("Date de naissance", exact=True)
    expect(birth_select).to_have_value("birth_date")
    expect(birth_select.locator("option:checked")).to_have_text("Date de naissance")
    for header, field in [
        ("Nom", "Nom"),
        ("Prénom", "Prénom"),
        ("Téléphone", "Téléphone"),
        ("Commune", "Commune"),
    ]:
        expect(page.get_by_label(header, exact=True).locator("option:checked")).to_have_text(field)

    first_rows = page.get_by_role("table", name="Premières lignes lues")
    expect(first_rows.locator("thead th")).to_have_text(
        ["Ligne", "Nom", "Prénom", "Date de naissance", "Téléphone", "Commune"]
    )
    shown = cells_of(first_rows)
    assert shown[:3] == [
        ["4", "Lefèvre", "Éloïse", f"{born['Éloïse']:%d/%m/%Y}", "06 12 34 56 78", "Lille"],
        ["5", "Bénard", "Anaïs", f"{born['Anaïs']:%d/%m/%Y}", "07 81 23 45 67", "Roubaix"],
        ["6", "Dupré", "Noël", f"{born['Noël']:%d/%m/%Y}", "06 12 34 56 79", "Tourcoing"],
    ]

    expect(page.get_by_role("heading", name="Problèmes relevés (2)")).to_be_visible()
    problems = page.get_by_role("table", name="Erreurs et avertissements par ligne")
    assert cells_of(problems) == [
        ["7", "Erreur : ligne non importée", "A « Nom »", "Nom manquant"],
        ["8", "Erreur : ligne non importée", "C « Date de naissance »", UNDER_16],
    ]

    page.get_by_role("button", name="Confirmer l'import de 3 lignes").click()

    # The job page refreshes itself while the rows are saved, then sends to the list's page.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Liste « {LABEL} »")
    screenshot("import-result")
    expect(count_shown(page, "Lignes lues")).to_have_text("5")
    expect(count_shown(page, "Jeunes créés")).to_have_text("3")
    expect(count_shown(page, "Lignes rejetées")).to_have_text("2")
    listed = page.get_by_role("table", name="Jeunes listés")
    expect(listed.get_by_role("link")).to_have_text(
        ["LEFÈVRE Éloïse", "BÉNARD Anaïs", "DUPRÉ Noël"]
    )

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Télécharger les 2 lignes rejetées (.xlsx)").click()
    download = waiting.value
    assert download.suggested_filename.startswith("lignes-rejetees-liste-")
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved)
    try:
        sheet = workbook.active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    assert rows[0] == (*HEADER, "Motif du rejet", "Ligne d'origine")
    assert len(rows) == 3
    no_name, child = rows[1], rows[2]
    assert (no_name[0], no_name[1], no_name[4]) == (None, "Inès", "Lille")
    assert (no_name[5], no_name[6]) == ("Nom manquant", 7)
    assert (child[0], child[1], child[4]) == ("Petit", "Léa", "Arras")
    assert (child[5], child[6]) == (UNDER_16, 8)

    page.get_by_role("link", name="← Listes importées").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Listes de jeunes repérés")
    screenshot("import-history")
    history = page.get_by_role("table", name="Listes importées dans la PSAD")
    row = history.get_by_role("row").filter(has=page.get_by_role("link", name=LABEL))
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").first).to_have_text("jeunes-novembre.xlsx")
    expect(row.get_by_role("rowheader")).to_contain_text("Campagne SIEI (RIO)")

    jobs.wait(token)  # the import thread has ended before the app and its engine go
    names = session.scalars(select(Youth.last_name).order_by(Youth.last_name)).all()
    assert names == ["Bénard", "Dupré", "Lefèvre"]


def test_a_pdf_gets_a_french_error_and_nothing_is_stored(
    page: Page, pilot: User, session: Session, tmp_path: Path, screenshot
) -> None:
    path = write_pdf(tmp_path, "liste-jeunes.pdf")
    log_in(page, pilot.email)
    expect(page.get_by_role("status").filter(has_text="Bienvenue")).to_be_visible()
    open_imports(page)

    token = upload_list(page, path, "Liste du lycée Baggio")

    expect(page.get_by_role("alert")).to_have_text(
        "Le fichier « liste-jeunes.pdf » n'est pas un tableur lisible (c'est un document PDF) : "
        "choisissez un fichier .xlsx, .xls, .ods ou .csv."
    )
    screenshot("import-pdf-refused")
    expect(page.get_by_text("Rien n'a été enregistré.")).to_be_visible()
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    page.get_by_role("link", name="Importer un autre fichier").click()
    expect(page.get_by_text("Aucune liste importée.")).to_be_visible()

    jobs.wait(token)
    job = session.scalars(select(ImportJob).where(ImportJob.token == token)).one()
    assert job.status is JobStatus.FAILED
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert session.scalar(select(func.count()).select_from(Youth)) == 0

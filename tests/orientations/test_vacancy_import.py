"""Vacant places from a spreadsheet: real .xlsx and Windows CSV files, errors named by file,
line and column with nothing written, a file imported twice without duplicates, the page."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from psad.audit.actions import AuditAction
from psad.orientations.models import VacantPlace
from psad.orientations.sheets import SheetError
from psad.orientations.vacancy_import import import_vacancies, read_vacancy_file
from tests.followup.conftest import NOW, TODAY
from tests.helpers import count, events, text

HEADER = [
    "UAI",
    "Établissement",
    "Commune",
    "Formation",
    "Domaine / filière",
    "Nombre de places",
    "Jusqu'au",
]
CUISINE = ["0590001F", "Lycée Baggio", "Lille", "CAP Cuisine", "Hôtellerie", 2, date(2027, 1, 31)]
VENTE = ["0595678B", "LP Turgot", "Roubaix", "Bac pro Vente", "Commerce", 1, "15/02/2027"]


def write_xlsx(directory: Path, rows: list[list[object]], name: str = "places.xlsx") -> Path:
    """A workbook with a title line, a blank line, then ``rows`` (header first) from line 3."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Places vacantes du bassin de Lille"
    for line, values in enumerate(rows, 3):
        for column, value in enumerate(values, 1):
            sheet.cell(row=line, column=column, value=value)
    path = directory / name
    workbook.save(path)
    return path


def read(path: Path) -> list:  # type: ignore[type-arg]
    return read_vacancy_file(path, file_name=path.name, today=TODAY)


def run_import(session, world, path: Path):  # type: ignore[no-untyped-def]
    report = import_vacancies(
        session,
        psad=world.psad,
        rows=read(path),
        file_name=path.name,
        by=world.pilot,
        actor=world.actor(world.pilot),
    )
    session.commit()
    return report


def test_an_xlsx_file_adds_its_places(session, offer, tmp_path):
    world = offer.world
    path = write_xlsx(tmp_path, [HEADER, CUISINE, VENTE])

    report = run_import(session, world, path)

    assert (report.created, report.updated) == (2, 0)
    places = {v.formation: v for v in session.scalars(select(VacantPlace))}
    cuisine, vente = places["CAP Cuisine"], places["Bac pro Vente"]
    assert (cuisine.uai, cuisine.places, cuisine.available_until) == (
        "0590001F",
        2,
        date(2027, 1, 31),
    )
    assert (cuisine.commune_code, cuisine.field, cuisine.source) == (
        "59350",
        "Hôtellerie",
        path.name,
    )
    assert (vente.available_until, vente.commune_code) == (date(2027, 2, 15), "59512")
    [event] = events(session, AuditAction.VACANCIES_IMPORTED)
    assert event.detail == "fichier=places.xlsx ajoutées=2 mises_à_jour=0"


def test_a_windows_csv_with_other_headers_is_read(session, world, tmp_path):
    lines = [
        "Code UAI;Nom de l'établissement;Ville;Libellé formation;Filière;Nb places;Date limite",
        "0590001f;Lycée Baggio;Lille;CAP Électricien;Électricité;3;28/02/2027",
    ]
    path = tmp_path / "places-vacantes.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))

    [row] = read(path)

    assert (row.uai, row.establishment, row.formation, row.field) == (
        "0590001F",
        "Lycée Baggio",
        "CAP Électricien",
        "Électricité",
    )
    assert (row.places, row.available_until) == (3, date(2027, 2, 28))


def test_every_wrong_cell_is_named_and_nothing_is_written(session, world, tmp_path):
    path = write_xlsx(
        tmp_path,
        [
            HEADER,
            CUISINE,
            ["0590001A", "Lycée Baggio", "Lille", "CAP Cuisine", "", "deux", "31/13/2027"],
            [*VENTE[:6], datetime(2026, 11, 30)],
        ],
        name="places-vacantes.xlsx",
    )

    with pytest.raises(SheetError) as refused:
        read(path)

    assert refused.value.problems == [
        "places-vacantes.xlsx, ligne 5, colonne « UAI » : UAI 0590001A : clé de contrôle "
        "incorrecte (attendue F).",
        "places-vacantes.xlsx, ligne 5, colonne « Nombre de places » : « deux » n'est pas un "
        "nombre entier.",
        "places-vacantes.xlsx, ligne 5, colonne « Jusqu'au » : « 31/13/2027 » n'est pas une "
        "date (jj/mm/aaaa attendu).",
        "places-vacantes.xlsx, ligne 6, colonne « Jusqu'au » : La date « jusqu'au » "
        "(30/11/2026) est déjà passée.",
    ]
    assert count(session, VacantPlace) == 0


def test_a_cell_that_is_not_a_number_is_named_by_line_and_column(world, tmp_path):
    path = write_xlsx(
        tmp_path, [HEADER, CUISINE, [*CUISINE[:5], "deux", CUISINE[6]]], name="places-vacantes.xlsx"
    )

    with pytest.raises(SheetError) as refused:
        read(path)

    assert refused.value.problems == [
        "places-vacantes.xlsx, ligne 5, colonne « Nombre de places » : « deux » n'est pas un "
        "nombre entier."
    ]


def test_a_date_that_cannot_be_read_is_named(world, tmp_path):
    path = write_xlsx(tmp_path, [HEADER, [*CUISINE[:6], "31/13/2027"]])

    with pytest.raises(SheetError, match=r"ligne 4, colonne « Jusqu'au » : « 31/13/2027 » n'est"):
        read(path)


def test_a_file_without_the_expected_columns_says_which(world, tmp_path):
    path = write_xlsx(tmp_path, [["UAI", "Formation", "Places"], ["0590001F", "CAP", 1]])

    with pytest.raises(SheetError) as refused:
        read(path)

    assert "les colonnes « UAI », « Formation », « Nombre de places », « Jusqu'au »" in str(
        refused.value.problems
    )


def test_importing_the_same_file_again_updates_the_places_without_duplicates(
    session, world, tmp_path
):
    run_import(session, world, write_xlsx(tmp_path, [HEADER, CUISINE, VENTE]))
    again = write_xlsx(tmp_path, [HEADER, [*CUISINE[:3], "cap cuisine", "", 4, CUISINE[6]], VENTE])

    report = run_import(session, world, again)

    assert (report.created, report.updated) == (0, 2)
    places = {v.uai: v for v in session.scalars(select(VacantPlace))}
    assert len(places) == 2
    assert (places["0590001F"].places, places["0590001F"].formation) == (4, "CAP Cuisine")
    assert places["0590001F"].field == "Hôtellerie"  # an empty cell keeps what was known


def test_a_withdrawn_place_is_declared_anew(session, world, tmp_path):
    path = write_xlsx(tmp_path, [HEADER, CUISINE])
    run_import(session, world, path)
    session.scalars(select(VacantPlace)).one().withdrawn_at = NOW
    session.commit()

    report = run_import(session, world, path)

    assert (report.created, report.updated) == (1, 0)
    assert count(session, VacantPlace) == 2


# --- the page -------------------------------------------------------------------------------


def upload(client, path: Path):  # type: ignore[no-untyped-def]
    boundary, body = encode_multipart(
        {
            "csrf_token": client.csrf_token(),
            "file": FileStorage(io.BytesIO(path.read_bytes()), filename=path.name),
        }
    )
    return client.post(
        "/places-vacantes/importer",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_the_pilote_imports_a_file_from_the_page(pilot_client, session, world, tmp_path):
    response = upload(pilot_client, write_xlsx(tmp_path, [HEADER, CUISINE, VENTE]))

    assert response.status_code == 302
    page = text(pilot_client.get(response.headers["Location"]))
    assert "« places.xlsx » importé : 2 place(s) vacante(s) ajoutée(s), 0 mise(s) à jour." in page
    assert "Bac pro Vente" in page and "places.xlsx" in page


def test_the_errors_of_a_file_are_listed_on_the_page(pilot_client, session, world, tmp_path):
    path = write_xlsx(tmp_path, [HEADER, [*CUISINE[:5], "deux", CUISINE[6]]])

    response = upload(pilot_client, path)

    assert response.status_code == 422
    page = text(response)
    assert "« places.xlsx » n'a pas été importé : 1 erreur" in page
    assert "<li>places.xlsx, ligne 4, colonne « Nombre de places » : « deux »" in page
    assert count(session, VacantPlace) == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused(pilot_client, session, world, tmp_path):
    path = tmp_path / "places.pdf"
    path.write_bytes(b"%PDF-1.4 not a table")

    response = upload(pilot_client, path)

    assert response.status_code == 422
    assert "n'est pas un tableur lisible (c'est un document PDF)" in text(response)


def test_a_partner_cannot_import(client, world, frozen_clock):
    client.sign_in(world.partner)

    assert client.get("/places-vacantes/importer").status_code == 403
    assert "Importer un fichier" not in text(client.get("/places-vacantes"))


def test_the_example_file_shipped_for_users_is_read(world):
    example = Path(__file__).parents[2] / "imports" / "examples" / "places-vacantes-exemple.xlsx"

    rows = read(example)

    assert [(r.uai, r.places) for r in rows] == [("0590001F", 2), ("0590001F", 1), ("0595678B", 3)]

"""The ``.xlsx`` export of the filtered youth list, read back with openpyxl: its rows and
columns, real dates, widths and frozen header, formula injection neutralised, the partner's
narrower export, the audit row, and a number of queries that does not grow with the rows."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from psad.audit.actions import AuditAction
from psad.lists.export import COLUMNS, CONTACT_COLUMNS
from tests.factories import make_youth
from tests.followup.helpers import close, reach
from tests.helpers import events
from tests.test_query_counts import statements

HEADERS = tuple(column.header for column in COLUMNS)
CONTACT_HEADERS = tuple(column.header for column in CONTACT_COLUMNS)


def sheet_of(response) -> Worksheet:  # type: ignore[no-untyped-def]
    """The only sheet of the workbook downloaded."""
    assert response.status_code == 200, response.text
    return sheet_in(response.data)


def sheet_in(workbook: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def workbook_rows(workbook: bytes) -> list[tuple[object, ...]]:
    """The values of the workbook's only sheet, row by row."""
    return list(sheet_in(workbook).iter_rows(values_only=True))


def rows_of(response) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return list(sheet_of(response).iter_rows(values_only=True))


def by_name(rows: list[tuple[object, ...]]) -> dict[object, dict[str, object]]:
    """Each data row as {header: value}, by last name."""
    header = rows[0]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_the_pilote_gets_the_list_with_contact_details_as_a_dated_file(
    pilot_client, session, world
):
    world.adult.phone, world.adult.email = "+33353010203", "hugo.martin@exemple.example"
    world.adult.address, world.adult.postal_code = "3 rue des Tests", "59000"
    world.adult.commune, world.adult.ine = "Lille", "0494004062M"
    session.commit()

    response = pilot_client.get("/jeunes/export.xlsx?onglet=tous")

    assert response.headers["Content-Disposition"] == (
        'attachment; filename="jeunes-LILLE-2026-12-07.xlsx"'
    )
    rows = rows_of(response)
    assert rows[0] == HEADERS + CONTACT_HEADERS
    assert [row[:2] for row in rows[1:]] == [("Lefèvre", "Éloïse"), ("Martin", "Hugo")]
    hugo = by_name(rows)["Martin"]
    assert hugo["INE"] == "0494004062M"
    assert hugo["Date de naissance"] == datetime(2006, 5, 2)
    assert hugo["Âge"] == 20
    assert hugo["Commune"] == "Lille"
    assert (hugo["Onglet"], hugo["Dossier"], hugo["Étape"]) == (
        "À traiter",
        "Ouvert",
        "À contacter",
    )
    assert hugo["Ouvert le"] == datetime(2026, 10, 1)
    assert (hugo["Clos le"], hugo["Dernier contact"]) == (None, None)
    assert hugo["Téléphone"] == "03 53 01 02 03"
    assert hugo["Adresse électronique"] == "hugo.martin@exemple.example"
    assert (hugo["Adresse"], hugo["Code postal"]) == ("3 rue des Tests", "59000")
    assert by_name(rows)["Lefèvre"]["Structure référente"] == "Lycée Baggio"


def test_dates_are_dates_the_header_is_frozen_and_columns_have_widths(pilot_client, world):
    sheet = sheet_of(pilot_client.get("/jeunes/export.xlsx"))

    birth, opened = sheet["D2"], sheet["M2"]
    assert (birth.is_date, birth.number_format) == (True, "DD/MM/YYYY")
    assert (opened.is_date, opened.value) == (True, datetime(2026, 10, 1))
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    widths = [sheet.column_dimensions[letter].width for letter in ("A", "B", "D", "L", "S")]
    assert widths == [22, 18, 12, 28, 30]


def test_text_that_a_spreadsheet_would_run_is_kept_as_text(pilot_client, session, world):
    world.adult.commune = '=HYPERLINK("http://exemple.example","clic")'
    world.adult.address = "@SUM(1+1)"
    session.commit()

    sheet = sheet_of(pilot_client.get("/jeunes/export.xlsx"))

    commune, address = sheet["F3"], sheet["T3"]
    assert commune.value == '=HYPERLINK("http://exemple.example","clic")'
    assert (commune.data_type, commune.quotePrefix) == ("s", True)
    assert (address.value, address.data_type, address.quotePrefix) == ("@SUM(1+1)", "s", True)


def test_the_export_follows_the_list_filter_and_order(pilot_client, session, world):
    make_youth(session, world.psad, last_name="Lefebvre", first_name="Anna")
    make_youth(session, world.psad, last_name="Dupont", first_name="Zoé")
    session.commit()

    rows = rows_of(pilot_client.get("/jeunes/export.xlsx?onglet=a-traiter&q=lef"))

    assert [row[:2] for row in rows[1:]] == [("Lefebvre", "Anna"), ("Lefèvre", "Éloïse")]


def test_closed_and_contacted_files_say_where_they_stand(pilot_client, session, world):
    close(session, world, world.minor_case, "refused")
    reach(session, world, world.adult_case)
    session.commit()

    rows = by_name(rows_of(pilot_client.get("/jeunes/export.xlsx?onglet=tous")))

    closed, reached = rows["Lefèvre"], rows["Martin"]
    assert (closed["Onglet"], closed["Dossier"], closed["Étape"]) == ("Clos", "Clos", None)
    assert closed["Clos le"] == datetime(2026, 12, 7)
    assert closed["Motif de clôture"] == "Refus du jeune"
    assert (reached["Onglet"], reached["Étape"]) == ("En cours", "Contact en cours")
    assert reached["Dernier contact"] == datetime(2026, 12, 7)


def test_a_partner_exports_only_their_youth_and_no_contact_details(client, world, frozen_clock):
    client.sign_in(world.partner)

    rows = rows_of(client.get("/jeunes/export.xlsx?onglet=tous"))

    assert rows[0] == HEADERS
    assert [row[:2] for row in rows[1:]] == [("Lefèvre", "Éloïse")]


@pytest.mark.parametrize("role", ["reader", "admin"])
def test_who_sees_no_names_gets_no_export(client, world, admin, role):
    client.sign_in(world.reader if role == "reader" else admin)

    assert client.get("/jeunes/export.xlsx").status_code == 403


def test_a_visitor_is_sent_to_log_in(client, world):
    response = client.get("/jeunes/export.xlsx")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_the_export_is_audited_with_its_filter_and_rows_but_no_search_text(
    pilot_client, session, world
):
    pilot_client.get("/jeunes/export.xlsx?onglet=tous&q=lefevre")

    [event] = events(session, AuditAction.LIST_EXPORTED)
    assert event.user_id == world.pilot.id and event.psad_id == world.psad.id
    assert event.detail == ("filtre=onglet=tous&q=(recherche masquée); lignes=1; coordonnées=oui")
    assert "lefevre" not in (event.detail or "").lower()


def test_the_partner_export_is_audited_without_contact_details(client, session, world):
    client.sign_in(world.partner)

    client.get("/jeunes/export.xlsx")

    [event] = events(session, AuditAction.LIST_EXPORTED)
    assert event.detail == "filtre=onglet=a-traiter; lignes=1; coordonnées=non"


def test_an_empty_list_gives_the_header_alone(pilot_client, world):
    rows = rows_of(pilot_client.get("/jeunes/export.xlsx?onglet=clos"))

    assert rows == [HEADERS + CONTACT_HEADERS]


def statements_of(app, client, url: str) -> int:  # type: ignore[no-untyped-def]
    """How many SQL statements the export at ``url`` sends (the whole file read)."""
    with statements(app) as sent:
        assert len(rows_of(client.get(url))) >= 1
    return len(sent)


def test_the_number_of_queries_does_not_grow_with_the_rows(app, pilot_client, session, world):
    url = "/jeunes/export.xlsx?onglet=tous"
    few = statements_of(app, pilot_client, url)
    for number in range(30):
        make_youth(
            session,
            world.psad,
            last_name=f"Nombreux{number:02}",
            referent_structure=world.school,
            birth_date=date(2007, 1, 1 + number % 28),
        )
    session.commit()

    many = statements_of(app, pilot_client, url)

    assert len(rows_of(pilot_client.get(url))) == 1 + 32
    assert many == few

"""The minutes' exports: the workbook read back (rows, real dates, text kept as text, print
setup, frozen header), the minimised version without a name, the partner's scope, the
printable page, and the audit log (format, version, rows; never a name)."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from psad.committees.services import minutes as services
from tests.committees.conftest import Comite
from tests.committees.test_amendments import validated
from tests.committees.test_minutes import NAMES, Held, held
from tests.followup.conftest import NOW
from tests.helpers import events, text

HEADER_ROW = 8
HEADERS = [
    "N°",
    "Jeune",
    "Année de naissance",
    "Motifs",
    "Décision",
    "Dispositif",
    "Site",
    "Qui agit (structure)",
    "Qui agit (personne)",
    "Échéance",
    "Commentaire",
]


@pytest.fixture
def meeting(session: Session, comite: Comite, frozen_clock: None) -> Held:
    return held(session, comite, comment='=HYPERLINK("http://evil.example","clic")')


def workbook(client: Any, meeting: Held, version: str = "complete") -> Any:
    response = client.get(f"{meeting.url}/releve.xlsx?version={version}")
    assert response.status_code == 200, text(response)
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(BytesIO(response.data))


def table(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def all_text(book: Any) -> str:
    return " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_the_workbook_has_a_title_block_and_one_row_per_youth(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)

    book = workbook(client, meeting)

    sheet = book["Relevé"]
    assert sheet["A1"].value == "PSAD de Lille — Relevé de décisions"
    assert sheet["A2"].value == "Comité technique du mardi 8 décembre 2026 à 14 h 00"
    assert sheet["A4"].value.startswith("Statut : Relevé provisoire")
    assert sheet["A5"].value == "Membres présents : 3"
    assert [cell.value for cell in sheet[HEADER_ROW]] == HEADERS
    rows = table(sheet)
    assert [row[:3] for row in rows] == [
        [1, "LEFÈVRE Éloïse", 2009],
        [2, "MARTIN Hugo", 2006],
        [3, "DUPONT Jean-Pierre", 2008],
    ]
    first = rows[0]
    assert first[3] == "Sans solution depuis plusieurs semaines"
    assert first[4] == "Orientation proposée"
    assert first[5] == "Micro-lycée (structure de retour à l'école)"
    assert first[6] == "Lycée Baggio (Lille)"
    assert first[7:9] == ["Lycée Baggio", "Sophie Durand"]
    assert first[9] == datetime(2026, 12, 22)  # a real date
    assert sheet.cell(HEADER_ROW + 1, 10).number_format == "DD/MM/YYYY"
    assert rows[2][4] == "Pas de décision"
    assert book.sheetnames == ["Relevé", "Amendements"]


def test_a_comment_that_looks_like_a_formula_is_stored_as_text(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)

    sheet = workbook(client, meeting)["Relevé"]

    comment = sheet.cell(HEADER_ROW + 1, 11)
    assert comment.value == '=HYPERLINK("http://evil.example","clic")'
    assert comment.data_type == "s"
    assert comment.quotePrefix


def test_the_workbook_prints_on_a4_landscape_with_a_frozen_header(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)

    sheet = workbook(client, meeting)["Relevé"]

    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert sheet.print_area == f"'Relevé'!$A$1:$K${HEADER_ROW + 3}"
    assert sheet.column_dimensions["B"].width == 26


def test_the_minimised_workbook_holds_no_youth_name(
    client, session: Session, meeting: Held
) -> None:
    world = meeting.comite.world
    validated(session, meeting)
    services.amend_minutes(
        session,
        committee=meeting.committee,
        text="Échéance reportée.",
        decision=meeting.minor_decision,
        by=world.pilot,
        now=NOW,
        actor=world.actor(world.pilot),
    )
    session.commit()
    client.sign_in(world.pilot)

    book = workbook(client, meeting, "reduite")

    assert [row[1] for row in table(book["Relevé"])] == ["É. L.", "H. M.", "J.-P. D."]
    everything = all_text(book)
    for name in NAMES:
        assert name not in everything
    assert list(book["Amendements"].iter_rows(min_row=2, values_only=True)) == [
        (datetime(2026, 12, 7, 10, 0), "Claire Martin", "É. L.", None)  # free text: full only
    ]


def test_a_partners_workbook_has_only_their_youth(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.partner)

    rows = table(workbook(client, meeting)["Relevé"])

    assert [row[1] for row in rows] == ["LEFÈVRE Éloïse"]


def test_exports_are_audited_without_names(client, session: Session, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.partner)

    workbook(client, meeting, "reduite")
    client.get(f"{meeting.url}/releve/imprimer?version=complete")

    exported = events(session, "committee.minutes_exported")
    assert [event.detail for event in exported] == [
        "format=xlsx; version=reduite; lignes=1",
        "format=impression; version=complete; lignes=1",
    ]
    assert all(event.object_id == meeting.committee.id for event in exported)


def test_the_printable_page_has_the_table_and_a_print_stylesheet(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)

    response = client.get(f"{meeting.url}/releve/imprimer?version=complete")

    page = text(response)
    assert response.status_code == 200
    assert "minutes-sheet" in page
    assert "LEFÈVRE Éloïse" in page
    assert "Lycée Baggio · Sophie Durand" in page
    stylesheet = client.get("/static/psad.css")
    css = stylesheet.get_data(as_text=True)
    stylesheet.close()
    assert "@page minutes { size: A4 landscape" in css


def test_the_minimised_printable_page_holds_no_name(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)

    page = text(client.get(f"{meeting.url}/releve/imprimer?version=reduite"))

    assert "É. L." in page
    for name in NAMES:
        assert name not in page


def test_a_reader_exports_nothing(client, session: Session, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.reader)

    assert client.get(f"{meeting.url}/releve.xlsx").status_code == 403
    assert client.get(f"{meeting.url}/releve/imprimer").status_code == 403
    assert events(session, "committee.minutes_exported") == []

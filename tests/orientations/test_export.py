"""The list of orientations exported to ``.xlsx``: its columns and cells (real dates, text
safe from formula injection), the same filters as the page, the viewer's scope, and the audit
of the export (the filter and the number of rows, no names)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from psad.audit.actions import AuditAction
from psad.orientations.models import OrientationStatus
from tests.helpers import events, field_error
from tests.orientations.conftest import make_orientation

URL = "/orientations/export.xlsx"
HEADERS = (
    "Jeune",
    "Année de naissance",
    "Dispositif",
    "Famille",
    "Site / place",
    "Structure d'accueil",
    "Statut",
    "Proposée le",
    "Acceptée le",
    "Commencée le",
    "Terminée le",
    "Motif",
    "Proposée par",
)


def sheet_rows(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_workbook_has_a_frozen_header_and_one_row_per_orientation(
    pilot_client, session, world, offer
):
    make_orientation(
        session,
        world.adult_case,
        offer.e2c,
        site=offer.e2c_site,
        status=OrientationStatus.STARTED,
        on=date(2026, 11, 20),
        by=world.pilot,
    )
    session.commit()

    response = pilot_client.get(URL)

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert (
        'filename="orientations-LILLE-2026-12-07.xlsx"' in response.headers["Content-Disposition"]
    )
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Orientations"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    header, *rows = sheet_rows(response)
    assert header == HEADERS
    day = date(2026, 11, 20)
    programme = f"E2C · {offer.e2c.name}"
    assert [row[:7] for row in rows] == [
        ("MARTIN Hugo", 2006, programme, "Insertion", "E2C Lille Métropole (Roubaix)",
         "E2C Lille", "Commencée"),
    ]  # fmt: skip
    assert [cell.date() if cell else None for cell in rows[0][7:11]] == [day, day, day, None]
    assert rows[0][11:] == (None, "Claire Martin")
    assert sheet["H2"].number_format == "DD/MM/YYYY"


def test_a_reason_that_looks_like_a_formula_is_kept_as_text(pilot_client, session, world, offer):
    refused = make_orientation(
        session, world.adult_case, offer.e2c, status=OrientationStatus.REFUSED
    )
    refused.reason = '=HYPERLINK("http://example.com","clic")'
    session.commit()

    response = pilot_client.get(URL)

    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    cell = sheet["L2"]
    assert cell.value == '=HYPERLINK("http://example.com","clic")'
    assert cell.data_type == "s"


def test_the_export_keeps_the_page_s_filters(pilot_client, session, world, offer):
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    make_orientation(session, world.minor_case, offer.micro_lycee, site=offer.micro_site)
    older = make_orientation(session, world.minor_case, offer.e2c, site=offer.e2c_site)
    older.school_year = 2025
    session.commit()

    this_year = sheet_rows(pilot_client.get(f"{URL}?dispositif={offer.e2c.id}"))
    every_year = sheet_rows(pilot_client.get(f"{URL}?dispositif={offer.e2c.id}&annee=toutes"))

    assert [row[0] for row in this_year[1:]] == ["MARTIN Hugo"]
    assert sorted(row[0] for row in every_year[1:]) == ["LEFÈVRE Éloïse", "MARTIN Hugo"]


def test_the_list_page_links_to_the_export_of_its_filters(pilot_client, session, world, offer):
    page = pilot_client.get(f"/orientations?statut=started&site={offer.e2c_site.id}")

    link = f'href="/orientations/export.xlsx?statut=started&amp;site={offer.e2c_site.id}'
    assert link in page.get_data(as_text=True)


def test_a_partner_exports_only_the_orientations_of_the_youth_it_sees(
    client, session, world, offer, frozen_clock
):
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    make_orientation(session, world.minor_case, offer.micro_lycee, site=offer.micro_site)
    session.commit()

    client.sign_in(world.partner)  # the Lycée Baggio follows Éloïse and hosts the micro-lycée
    baggio = sheet_rows(client.get(URL))
    client.sign_in(offer.e2c_partner)  # the E2C received Hugo
    e2c = sheet_rows(client.get(URL))

    assert [row[0] for row in baggio[1:]] == ["LEFÈVRE Éloïse"]
    assert [row[0] for row in e2c[1:]] == ["MARTIN Hugo"]


def test_the_export_is_audited_with_its_filter_and_count_and_no_name(
    pilot_client, session, world, offer
):
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    make_orientation(session, world.minor_case, offer.e2c, site=offer.e2c_site)
    session.commit()

    pilot_client.get(f"{URL}?dispositif={offer.e2c.id}&q=martin")

    (event,) = events(session, AuditAction.ORIENTATIONS_EXPORTED.value)
    assert event.user_id == world.pilot.id
    assert event.psad_id == world.psad.id
    assert event.detail == (
        f"filtre=dispositif={offer.e2c.id}&annee=2026&recherche=(masquée); lignes=1"
    )
    assert "martin" not in event.detail.lower()


def test_a_bad_filter_answers_422_and_exports_nothing(pilot_client, session, offer):
    response = pilot_client.get(f"{URL}?site=999999")

    assert response.status_code == 422
    assert field_error(response, "site") == "N'est pas un choix valide."
    assert events(session, AuditAction.ORIENTATIONS_EXPORTED.value) == []

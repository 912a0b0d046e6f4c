"""A pilote works the list in the browser: filters it, checks two youth, gives them a
referent through a bulk action (parameters, confirmation, applied), then exports the list
and reads the ``.xlsx`` back."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from psad.auth.models import Psad, Role, User
from psad.reference.services import ensure_seeded
from tests.browser.test_youth_flow import log_in, type_into
from tests.factories import make_user, make_youth
from tests.lists.test_export import by_name, workbook_rows

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@pytest.fixture
def pilot_with_list(session: Session, psad: Psad, pilot: User) -> User:
    """The pilote of Lille, a co-pilote to name as referent, three youth never contacted (two
    of them found by « lef »); committed."""
    ensure_seeded(session)
    make_user(
        session, psad=psad, role=Role.COPILOT, full_name="Karim Benali", email="km@psad.example"
    )
    for last_name, first_name in [("Lefèvre", "Éloïse"), ("Lefebvre", "Tom"), ("Dupont", "Zoé")]:
        make_youth(
            session,
            psad,
            last_name=last_name,
            first_name=first_name,
            birth_date=date(2007, 2, 1),
            commune="Lille",
        )
    session.commit()
    return pilot


def test_two_youth_get_a_referent_and_the_list_is_exported(
    page: Page, pilot_with_list: User, screenshot
) -> None:
    log_in(page, pilot_with_list.email)
    page.get_by_role("link", name="Jeunes", exact=True).click()
    type_into(page, "Rechercher un jeune (nom, prénom ou INE)", "lef")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("2 jeunes pour « lef »")).to_be_visible()

    page.get_by_label("Sélectionner LEFÈVRE Éloïse").check()
    page.get_by_label("Sélectionner LEFEBVRE Tom").check()
    screenshot("list-selection")
    page.get_by_label("Action groupée sur les jeunes cochés").select_option(
        label="Désigner le référent"
    )
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Désigner le référent")
    expect(page.get_by_text("2 dossiers sélectionnés.")).to_be_visible()
    page.get_by_label("Référent (personne)").select_option(label="Karim Benali")
    screenshot("bulk-parameters")
    page.get_by_role("button", name="Vérifier").click()
    expect(page.get_by_text("2 dossiers vont changer.")).to_be_visible()
    screenshot("bulk-confirmation")
    page.get_by_role("button", name="Confirmer et modifier 2 dossiers").click()

    expect(page.get_by_text("2 dossiers modifiés.")).to_be_visible()
    search = page.get_by_label("Rechercher un jeune (nom, prénom ou INE)")
    expect(search).to_have_value("lef")  # back on the same list, its filter kept
    rows = page.get_by_role("row").filter(has_text="Karim Benali")
    expect(rows).to_have_count(2)
    screenshot("bulk-applied")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Exporter (.xlsx)").click()
    download = waiting.value
    assert download.suggested_filename.startswith("jeunes-LILLE-")
    exported = by_name(workbook_rows(download.path().read_bytes()))
    assert list(exported) == ["Lefebvre", "Lefèvre"]  # the list's rows, in its order
    assert {row["Référent"] for row in exported.values()} == {"Karim Benali"}

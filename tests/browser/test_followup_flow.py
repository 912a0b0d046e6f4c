"""A counsellor's morning in the browser: the « À traiter » tab, three contacts in a row
with « Enregistrer et suivant », a DARFI request and its task, closing and reopening."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from psad.auth.models import Psad, User
from psad.reference.services import ensure_seeded
from tests.browser.test_youth_flow import log_in
from tests.factories import make_youth

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@pytest.fixture
def three_to_process(session: Session, psad: Psad, pilot: User) -> User:
    """Three youth never contacted in the pilote's PSAD; committed."""
    ensure_seeded(session)
    for last_name, first_name in [("Arnaud", "Léa"), ("Bernard", "Tom"), ("Caron", "Zoé")]:
        make_youth(
            session, psad, last_name=last_name, first_name=first_name, birth_date=date(2005, 2, 1)
        )
    session.commit()
    return pilot


def record_contact(page: Page, *, reached: bool, outcome: str) -> None:
    page.get_by_role("link", name="Enregistrer un contact").click()
    page.get_by_label("Mode de contact").select_option(label="Téléphone")
    page.get_by_role("group", name="Quelqu'un a-t-il été joint ?").get_by_label(
        "Oui" if reached else "Non", exact=True
    ).check()
    page.get_by_label("Résultat").select_option(label=outcome)
    page.get_by_role("button", name="Enregistrer et suivant").click()


def test_a_morning_of_follow_up(page: Page, three_to_process: User) -> None:
    log_in(page, three_to_process.email)
    page.get_by_role("link", name="Jeunes", exact=True).click()
    expect(page.get_by_role("link", name="À traiter 3")).to_have_attribute("aria-current", "page")

    page.get_by_role("link", name="ARNAUD Léa").click()
    expect(page.get_by_text("1 / 3")).to_be_visible()
    record_contact(page, reached=False, outcome="Contacté mais sans réponse")
    expect(page.get_by_role("heading", level=1)).to_have_text("BERNARD Tom")
    record_contact(page, reached=False, outcome="Message laissé")
    expect(page.get_by_role("heading", level=1)).to_have_text("CARON Zoé")
    record_contact(page, reached=True, outcome="Joint")

    # back on the list: nobody left to process, three to call back or followed
    expect(page.get_by_role("link", name="À traiter 0")).to_be_visible()
    page.get_by_role("link", name="En cours 1").click()
    page.get_by_role("link", name="CARON Zoé").click()

    page.get_by_role("link", name="Demande DARFI", exact=True).click()
    page.get_by_label("Diplôme le plus élevé").select_option(label="Aucun diplôme")
    page.get_by_role("button", name="Enregistrer la demande").click()
    darfi = page.get_by_role("region", name="DARFI")
    expect(darfi).to_contain_text("Éligible")
    expect(darfi).to_contain_text("dans 15 jours")
    tasks = page.get_by_role("region", name="Tâches")
    expect(tasks).to_contain_text("Entretien DARFI (15 jours)")

    tasks.get_by_role("button", name="Fait : Entretien DARFI (15 jours)").click()
    expect(page.get_by_role("region", name="Tâches")).not_to_contain_text("En retard")

    page.get_by_role("link", name="Clore le dossier").click()
    page.get_by_label("Motif de clôture").select_option(label="Refus du jeune")
    page.get_by_label("Inconnu des partenaires (jeune découvert)").check()
    page.get_by_role("button", name="Clore le dossier").click()
    expect(page.get_by_role("status")).to_have_text("Dossier clos.")
    expect(page.get_by_role("link", name="Enregistrer un contact")).to_have_count(0)

    page.get_by_role("link", name="Rouvrir le dossier").click()
    page.get_by_label("Motif de la réouverture").fill(
        "Le jeune a rappelé : il veut un rendez-vous."
    )
    page.get_by_role("button", name="Rouvrir le dossier").click()
    expect(page.get_by_role("status")).to_contain_text("rouvert")
    expect(page.get_by_role("link", name="Enregistrer un contact")).to_be_visible()

"""A youth oriented to a dispositif, in the browser: the pilote opens the file, sees the
dispositifs the youth is eligible for and, in the detailed eligibility, why one is refused;
orients the youth to the E2C's site, which has places left; records the acceptance and the
start; and sees the site's places go down on the territory's offer, which prints."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Psad, StructureKind, User
from psad.orientations.communes import ensure_communes
from psad.orientations.models import Programme, ProgrammeSite, SitePlaces
from psad.orientations.seeds import ensure_catalogue
from psad.reference.models import ReferenceKind
from psad.reference.services import ensure_seeded, item_by_code
from psad.schoolyear import school_year_of
from psad.youth.models import CaseSource, Track
from tests.browser.conftest import Console
from tests.browser.test_youth_flow import log_in
from tests.factories import make_structure, make_youth

pytestmark = [pytest.mark.browser, pytest.mark.committed]

E2C = "École de la deuxième chance (E2C)"


@pytest.fixture
def youth_to_orient(session: Session, psad: Psad, pilot: User) -> User:
    """« Martin Hugo », 20, listed by the SI, out of school since January after a 1re
    générale, without a solution; the E2C of Roubaix with 2 places this school year; committed."""
    ensure_seeded(session)
    ensure_catalogue(session)
    ensure_communes(session)
    youth = make_youth(
        session,
        psad,
        last_name="Martin",
        first_name="Hugo",
        birth_date=date(2006, 5, 2),
        postal_code="59000",
        commune="Lille",
    )
    youth.level, youth.track = "1re générale", Track.GENERAL
    youth.school_entry_date, youth.school_exit_date = date(2025, 9, 1), date(2026, 1, 15)
    case = youth.open_case
    assert case is not None
    case.situation = item_by_code(session, ReferenceKind.SITUATION, "no_solution")
    case.source = CaseSource.LISTING  # an SI list: left without the qualification level
    e2c = make_structure(
        session, psad, name="E2C Lille Métropole", kind=StructureKind.SECOND_CHANCE_SCHOOL
    )
    programme = session.query(Programme).filter_by(code="E2C").one()
    session.add(
        ProgrammeSite(
            programme=programme,
            psad=psad,
            structure=e2c,
            establishment="E2C Lille Métropole",
            commune="Roubaix",
            commune_code="59512",
            places=[SitePlaces(school_year=school_year_of(clock.today()), places=2)],
        )
    )
    session.commit()
    return pilot


def test_a_youth_is_oriented_to_a_site_and_starts(
    page: Page, console: Console, youth_to_orient: User
) -> None:
    log_in(page, youth_to_orient.email)
    page.get_by_role("link", name="Jeunes", exact=True).click()
    page.get_by_role("link", name="MARTIN Hugo").first.click()
    file_url = page.url

    section = page.get_by_role("region", name="Dispositifs et orientations")
    expect(section.locator("#dispositifs-eligibles")).to_contain_text(E2C)
    section.get_by_role("link", name="Voir l'éligibilité détaillée").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Éligibilité")
    expect(page.get_by_text("réservé aux élèves encore scolarisés").first).to_be_visible()
    expect(page.get_by_text("il faut avoir de 16 à 18 ans").first).to_be_visible()

    page.goto(file_url)
    page.get_by_role("link", name="Orienter vers un dispositif").click()
    choice = page.get_by_label("Dispositif et site")
    option = choice.locator("option", has_text="E2C Lille Métropole")
    expect(option).to_contain_text("2 places libres sur 2")
    choice.select_option(value=option.get_attribute("value"))
    page.get_by_role("button", name="Orienter").click()
    row = page.locator("#orientations-du-jeune tbody tr").first
    expect(row).to_contain_text("Proposée")
    expect(row).to_contain_text("2 places libres sur 2")  # a proposal takes no place yet

    row.get_by_role("link", name=f"Accepter : {E2C}").click()
    page.get_by_role("button", name="Accepter l'orientation").click()
    row = page.locator("#orientations-du-jeune tbody tr").first
    expect(row).to_contain_text("Acceptée")
    row.get_by_role("link", name=f"Commencer : {E2C}").click()
    page.get_by_role("button", name="Marquer commencée").click()
    row = page.locator("#orientations-du-jeune tbody tr").first
    expect(row).to_contain_text("Commencée")
    expect(row).to_contain_text("1 place libre sur 2")
    expect(page.get_by_text("Orientation commencée : ").first).to_be_visible()  # timeline

    page.get_by_role("link", name="Offre du territoire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Offre")
    expect(page.get_by_text("1 place libre sur 2").first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.psad-navbar")).to_be_hidden()
    expect(page.get_by_text("1 place libre sur 2").first).to_be_visible()
    assert page.pdf(format="A4", landscape=False)[:4] == b"%PDF"

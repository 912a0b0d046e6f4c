"""A youth moves from Lille to Lens, in the browser: Lille's pilote proposes the transfer from
the file, Lens's pilote accepts it in « Transferts à accepter », the youth is in Lens's list,
and Lille's pilote now meets the « n'existe pas » page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from psad.auth.models import Psad, Role, User
from psad.reference.services import ensure_seeded
from tests.browser.conftest import Console
from tests.browser.test_youth_flow import log_in
from tests.factories import make_psad, make_user, make_youth

pytestmark = [pytest.mark.browser, pytest.mark.committed]

LENS_PILOT = "pilote@lens.psad.example"


@pytest.fixture
def moving_youth(session: Session, psad: Psad, pilot: User) -> User:
    """Lille's pilote, « Lefèvre Éloïse » followed by Lille, and the PSAD de Lens with its
    pilote; committed."""
    ensure_seeded(session)
    lens = make_psad(session, code="LENS", name="PSAD de Lens")
    make_user(session, psad=lens, role=Role.PILOT, email=LENS_PILOT, full_name="Julie Roux")
    make_youth(
        session,
        psad,
        last_name="Lefèvre",
        first_name="Éloïse",
        birth_date=date(2009, 3, 14),
        postal_code="59000",
        commune="Lille",
    )
    session.commit()
    return pilot


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()


def test_a_youth_is_transferred_to_another_psad(
    page: Page, console: Console, moving_youth: User
) -> None:
    log_in(page, moving_youth.email)
    page.get_by_role("link", name="Jeunes", exact=True).click()
    page.get_by_role("link", name="LEFÈVRE Éloïse").first.click()  # « Prioritaires » too
    file_url = page.url

    page.get_by_role("link", name="Proposer un transfert").click()
    page.get_by_label("PSAD qui suivra ce jeune").select_option(label="LENS (PSAD de Lens)")
    page.get_by_label("Commentaire pour la PSAD qui le recevra").fill(
        "La jeune a déménagé chez sa mère, à Lens."
    )
    page.get_by_role("button", name="Proposer le transfert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LEFÈVRE Éloïse")
    expect(page.get_by_text("Transfert proposé à la PSAD LENS (PSAD de Lens) le")).to_be_visible()
    log_out(page)

    log_in(page, LENS_PILOT)
    page.get_by_role("link", name=re.compile(r"^Transferts")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transferts à accepter")
    waiting = page.get_by_role("table", name="Transferts en attente de votre décision")
    expect(waiting).to_contain_text("LEFÈVRE Éloïse")
    expect(waiting).to_contain_text("14/03/2009")
    expect(waiting).to_contain_text("59000 Lille")
    expect(waiting).to_contain_text("La jeune a déménagé chez sa mère, à Lens.")
    waiting.get_by_role("link", name="Accepter ou refuser le transfert de LEFÈVRE Éloïse").click()
    page.get_by_role("button", name="Accepter le transfert").click()
    expect(page.get_by_role("status")).to_have_text(
        "Transfert accepté : LEFÈVRE Éloïse est suivi par votre PSAD."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("LEFÈVRE Éloïse")
    page.get_by_role("link", name="Jeunes", exact=True).click()
    expect(page.get_by_role("link", name="LEFÈVRE Éloïse").first).to_be_visible()
    log_out(page)

    log_in(page, moving_youth.email)
    console.expect("404")
    page.goto(file_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.get_by_text("n'existe pas")).to_be_visible()

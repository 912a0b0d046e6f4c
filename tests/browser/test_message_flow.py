"""Messages to youth in the browser: the co-pilote selects three youth in the list, previews
the first-contact message for one of them and sends it; delivery e-mails the three through a
real SMTP server on loopback; one youth opens the personal link of her e-mail (no log-in,
another browser context), asks to be called back and corrects her number; the co-pilote
finds her first in « À recontacter » with « Rappel demandé par le jeune » and the number to
confirm, and confirms it on her file. A wrong or expired link shows the neutral page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Psad, Role, User
from psad.messages.models import ReplyToken
from psad.messages.tokens import hash_token
from psad.outbox.jobs import deliver_outbox
from psad.reference.services import ensure_seeded
from psad.youth.models import Youth
from tests.browser.conftest import Console, LiveServer
from tests.browser.test_youth_flow import log_in
from tests.factories import make_user, make_youth
from tests.mailserver import LoopbackSmtp, mail_section

pytestmark = [pytest.mark.browser, pytest.mark.committed]

BASE = "https://psad.example.org"  # the configured public address; the test serves elsewhere
COPILOT = "copilote@psad.example"
YOUTH = [
    ("Lenoir", "Anaïs", "anais.lenoir@example.org", "+33612345678"),
    ("Dufour", "Killian", "killian.dufour@example.org", "+33623456789"),
    ("Garnier", "Maëlys", "maelys.garnier@example.org", "+33634567890"),
]
NEW_NUMBER = "07 98 76 54 32"


@pytest.fixture
def mail_server(tmp_path: Path) -> Iterator[LoopbackSmtp]:
    with LoopbackSmtp(tmp_path / "smtp") as server:
        yield server


@pytest.fixture
def settings(make_settings, mail_server: LoopbackSmtp):  # type: ignore[no-untyped-def]
    return make_settings(mail=mail_section(mail_server), web={"base_url": BASE})


@pytest.fixture
def copilot(session: Session, psad: Psad, pilot: User) -> User:
    """The co-pilote, and three youth never contacted, with an e-mail and a mobile; the
    reference lists (contact modes and outcomes) as ``psad psad create`` seeds them."""
    ensure_seeded(session)
    user = make_user(session, psad=psad, role=Role.COPILOT, email=COPILOT, full_name="Karim Benali")
    for last, first, email, phone in YOUTH:
        youth = make_youth(
            session, psad, last_name=last, first_name=first, email=email, phone=phone
        )
        assert youth.open_case is not None
        youth.open_case.opened_on = clock.today() - timedelta(days=10)
    session.commit()
    return user


def _link(text: str) -> str:
    found = re.findall(rf"{re.escape(BASE)}/r/[A-Za-z0-9_-]+", text)
    assert found, f"no personal link in:\n{text}"
    return found[0]


def test_a_message_brings_an_answer_that_moves_the_case(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    console: Console,
    session: Session,
    psad: Psad,
    copilot: User,
    mail_server: LoopbackSmtp,
) -> None:
    console.expect("404")  # the neutral page of a wrong or expired link answers 404
    log_in(page, COPILOT)
    page.goto("/jeunes")
    for last, first, _, _ in YOUTH:
        page.get_by_label(re.compile(f"Sélectionner {last} {first}", re.IGNORECASE)).check()
    page.get_by_role("button", name="Écrire aux jeunes sélectionnés").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Écrire à 3 jeunes")
    page.get_by_label("Modèle").select_option(label="Premier contact après une liste")
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page).to_have_url(re.compile("#apercu-message$"))  # the browser lands on the preview
    preview = page.locator("#apercu-message")
    expect(preview).to_be_in_viewport()
    expect(preview.get_by_role("heading", level=2)).to_have_text(
        re.compile("^Aperçu du message à ")
    )
    page.keyboard.press("Tab")  # the keyboard goes on from the preview, not from the top
    expect(page.get_by_label("Aperçu pour")).to_be_focused()
    expect(preview).to_contain_text("3 jeunes recevront ce message")
    expect(preview).to_contain_text("Anaïs")  # the real first name, in the preview
    page.get_by_role("button", name="Envoyer aux 3 jeunes").click()
    expect(page.get_by_text(re.compile("3 messages mis en file d'envoi"))).to_be_visible()

    deliver_outbox(live_server.app)
    mails = mail_server.wait_for(3)
    assert len(mails) == 3
    (mail,) = mail_server.to(YOUTH[0][2])
    assert "Anaïs" in mail.text and psad.name in mail.text
    link = _link(mail.text)

    youth_side = browser.new_context()  # the youth's phone: no cookie of the co-pilote's
    phone = youth_side.new_page()
    phone.goto(link.replace(BASE, live_server.url))
    expect(phone.get_by_text("06 •• •• •• 78")).to_be_visible()
    expect(phone.locator("body")).not_to_contain_text("Lenoir")
    phone.get_by_label("Je veux être recontacté·e").check()
    phone.get_by_label(re.compile("^Le matin")).check()
    phone.get_by_label(re.compile("Nouveau numéro de téléphone")).fill(NEW_NUMBER)
    phone.get_by_role("button", name="Envoyer ma réponse").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Merci")

    page.goto("/jeunes?onglet=a-recontacter")
    priorities = page.locator("section[aria-labelledby=prioritaires] li").first
    expect(priorities).to_contain_text(re.compile("Lenoir Anaïs", re.IGNORECASE))
    expect(priorities).to_contain_text("Rappel demandé par le jeune")
    expect(priorities).to_contain_text("Numéro à confirmer")
    priorities.get_by_role("link").first.click()
    expect(page.get_by_text(f"Nouveau numéro proposé : {NEW_NUMBER}")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Confirmer le numéro")).click()
    session.expire_all()
    anais = session.scalars(select(Youth).where(Youth.email == YOUTH[0][2])).one()
    expect(page.get_by_text(NEW_NUMBER).first).to_be_visible()
    session.refresh(anais)
    assert anais.phone == "+33798765432"

    # A made-up link, and the real one once expired: the same neutral page.
    phone.goto(f"{live_server.url}/r/abc")
    neutral = phone.locator("body").inner_text()
    session.execute(
        update(ReplyToken)
        .where(ReplyToken.token_hash == hash_token(link.rsplit("/", 1)[1]))
        .values(expires_at=clock.now() - timedelta(minutes=1))
    )
    session.commit()
    phone.goto(link.replace(BASE, live_server.url))
    assert phone.locator("body").inner_text() == neutral
    assert "plus valable" in neutral
    youth_side.close()

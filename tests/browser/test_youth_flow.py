"""A pilote's day in the browser: log in, find a youth, open the file, signal a new youth."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Psad, User
from psad.youth.models import Youth
from tests.browser.conftest import FRENCH_PACK, Console, LiveServer
from tests.factories import PASSWORD, make_psad, make_youth

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@pytest.fixture
def pilot_with_youth(session: Session, psad: Psad, pilot: User) -> User:
    """The pilote of Lille with three youth, two of them with accented names, and a namesake
    of Éloïse Lefèvre followed by another PSAD; committed."""
    other = make_psad(session, name="PSAD d'Arras")
    make_youth(
        session,
        psad,
        last_name="Lefèvre",
        first_name="Éloïse",
        ine="0494004062M",
        postal_code="59000",
        commune="Lille",
    )
    make_youth(session, psad, last_name="Lefèvre", first_name="Mathéo", commune="Roubaix")
    make_youth(session, psad, last_name="Dupré", first_name="Éloïse", commune="Tourcoing")
    make_youth(session, other, last_name="Lefèvre", first_name="Éloïse", commune="Arras")
    session.commit()
    return pilot


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Adresse électronique").click()
    page.keyboard.type(email)
    page.get_by_label("Mot de passe").click()
    page.keyboard.type(password)
    page.get_by_role("button", name="Se connecter").click()


def type_into(page: Page, label: str, text: str) -> None:
    """Click into the field named by ``label``, as a person would, and type on the keyboard."""
    page.get_by_label(label, exact=True).click()
    page.keyboard.type(text)


def file_value(page: Page, section: str, label: str) -> Locator:
    """The value a youth's file shows for ``label`` in the section titled ``section``."""
    row = page.get_by_role("region", name=section).get_by_role("row")
    return row.filter(has=page.get_by_role("rowheader", name=label, exact=True)).get_by_role("cell")


def test_pilot_finds_a_youth_without_accents_and_signals_a_new_one(
    page: Page, pilot_with_youth: User, session: Session, screenshot
) -> None:
    log_in(page, pilot_with_youth.email)
    expect(page.get_by_role("status").filter(has_text="Bienvenue")).to_be_visible()

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Jeunes"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeunes")
    expect(page.get_by_text("3 jeunes.")).to_be_visible()
    screenshot("youth-list")

    type_into(page, "Rechercher un jeune (nom, prénom ou INE)", "eloise lefevre")
    page.keyboard.press("Enter")
    expect(page.get_by_text("1 jeune pour « eloise lefevre ».")).to_be_visible()
    results = page.get_by_role("table").get_by_role("rowheader").get_by_role("link")
    expect(results).to_have_text(["LEFÈVRE Éloïse"])

    results.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LEFÈVRE Éloïse")
    expect(file_value(page, "Identité", "INE")).to_have_text("0494004062M")
    expect(file_value(page, "Coordonnées", "Commune")).to_have_text("59000 Lille")

    page.get_by_role("link", name="Signaler un jeune").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signaler un jeune")
    screenshot("signalement-form")
    type_into(page, "Nom", "Bénard")
    type_into(page, "Prénom", "Anaïs")
    type_into(page, "Date de naissance (jj/mm/aaaa)", "14/03/2008")
    assert page.get_by_label("Date de naissance (jj/mm/aaaa)").input_value() == "2008-03-14", (
        "the date control did not take 14/03/2008: Chromium shows dates as jj/mm/aaaa only in "
        f"French, which needs {FRENCH_PACK} (Debian package chromium-l10n)"
    )
    type_into(page, "INE (identifiant national élève)", "1234567890v")
    type_into(page, "Téléphone", "06 12 34 56 78")
    type_into(page, "Adresse électronique", "anais.benard@exemple.fr")
    page.get_by_role("button", name="Signaler ce jeune").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("BÉNARD Anaïs")
    expect(page.get_by_role("status").filter(has_text="Jeune signalé")).to_have_text(
        "Jeune signalé : son dossier de suivi est ouvert."
    )
    expect(file_value(page, "Coordonnées", "Téléphone")).to_have_text("06 12 34 56 78")
    expect(file_value(page, "Coordonnées", "Courriel")).to_have_text("anais.benard@exemple.fr")
    expect(file_value(page, "Identité", "INE")).to_have_text("1234567890V")
    expect(file_value(page, "Identité", "Date de naissance")).to_have_text("14/03/2008")
    screenshot("new-youth-file")
    saved = session.scalars(select(Youth).where(Youth.last_name == "Bénard")).one()
    assert (saved.phone, saved.ine, saved.birth_date) == (
        "+33612345678",
        "1234567890V",
        date(2008, 3, 14),
    )
    assert [case.status.value for case in saved.cases] == ["open"]


def test_wrong_password_shows_a_french_error(page: Page, pilot: User, console: Console) -> None:
    console.expect("401")  # the browser logs the page's own 401 answer

    log_in(page, pilot.email, "not the right password")

    expect(page.get_by_role("alert")).to_have_text(
        "Adresse électronique ou mot de passe incorrect."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(
    page: Page, pilot: User, screenshot
) -> None:
    log_in(page, pilot.email)
    page.goto("/jeunes")

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Aller au contenu")
    expect(skip).to_be_in_viewport()
    screenshot("skip-link-focused")
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    assert page.url.endswith("#contenu")


def test_referral_form_fields_all_have_a_label_and_the_page_one_h1(page: Page, pilot: User) -> None:
    log_in(page, pilot.email)
    page.goto("/jeunes/signaler")
    expect(page.get_by_role("heading", level=1)).to_have_text("Signaler un jeune")

    # Buttons (input type=submit) are named by their value and need no label.
    fields = page.locator(
        "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"
    )
    ids = fields.evaluate_all("elements => elements.map(element => element.id)")
    unlabelled = [
        field_id
        for field_id in ids
        if not field_id or page.locator(f'label[for="{field_id}"]').count() != 1
    ]

    assert len(ids) > 20
    assert unlabelled == []
    assert page.locator("h1").count() == 1


def test_pages_use_the_local_bootstrap_under_the_csp(
    page: Page, pilot: User, live_server: LiveServer
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    log_in(page, pilot.email)
    response = page.goto("/jeunes")

    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "style-src 'self'" in policy and "script-src 'self'" in policy
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    paths = [url.removeprefix(live_server.url) for url in requested]
    assert any(path.startswith("/bootstrap/static/css/bootstrap") for path in paths), paths
    assert any(path.startswith("/bootstrap/static/js/bootstrap") for path in paths), paths
    # Bootstrap's rules and the PSAD theme apply: the primary button wears the PSAD blue.
    expect(page.locator("body")).to_have_css("margin", "0px")  # Bootstrap's reboot
    button = page.get_by_role("main").get_by_role("link", name="Signaler un jeune")
    expect(button).to_have_css("border-top-left-radius", "6px")  # .btn
    expect(button).to_have_css("background-color", "rgb(31, 78, 121)")  # psad.css

"""Issue 17 in the browser: a pilote turns on the two-factor log-in with an authenticator
application (codes computed here from the key the page shows) and signs in with a code, then
with a recovery code, once; a PSAD that requires it sends a co-pilote to enrolment before any
other page; « Mot de passe oublié ? » e-mails a link, through the outbox and a real SMTP
server on loopback, that sets a new password once; the pilote changes the PSAD's retention
rule and sees who the next run would anonymise; the right of access gives a printable page
and a JSON file, and the journal shows both exports."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Psad, Role, User
from psad.config import Settings
from psad.outbox.jobs import deliver_outbox
from psad.reference.services import ensure_seeded
from psad.youth.models import CaseStatus, Youth
from tests.auth._two_factor import enrolled
from tests.browser.conftest import Console, LiveServer
from tests.browser.test_accessibility import axe_check
from tests.browser.test_youth_flow import log_in
from tests.factories import make_user, make_youth
from tests.mailserver import LoopbackSmtp, mail_section

pytestmark = [pytest.mark.browser, pytest.mark.committed]

BASE = "https://psad.example.org"  # the configured public address; the test serves elsewhere
PILOT = "pilote@psad.example"
COPILOT = "copilote@psad.example"
NEW_PASSWORD = "un tout nouveau mot de passe"
RECOVERY_CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")


@pytest.fixture
def mail_server(tmp_path: Path) -> Iterator[LoopbackSmtp]:
    with LoopbackSmtp(tmp_path / "smtp") as server:
        yield server


@pytest.fixture
def settings(make_settings: Callable[..., Settings], mail_server: LoopbackSmtp) -> Settings:
    return make_settings(mail=mail_section(mail_server), web={"base_url": BASE})


def code_now(secret: str) -> str:
    """What the authenticator application shows now (pyotp, independently of the app)."""
    return pyotp.TOTP(secret).now()


def code_of_next_step(secret: str) -> str:
    """The code of the next 30 s step: the app accepts one step either side of its clock (the
    test's), and a step later than any used before, so no wait for a step boundary."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()


def enrol(page: Page) -> tuple[str, list[str]]:
    """On « Double authentification »: read the key as a person would type it into the
    application, type the code it shows; returns the key and the ten recovery codes, shown
    once."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    expect(page.get_by_role("img", name=re.compile("Code QR à scanner"))).to_be_visible()
    secret = page.locator("#cle").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(code_now(secret))
    page.get_by_role("button", name="Activer la double authentification").click()
    expect(page.get_by_role("status")).to_have_text("Double authentification activée.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    codes = page.get_by_role("list", name="Codes de secours").get_by_role("listitem")
    expect(codes).to_have_count(10)
    shown = codes.all_inner_texts()
    assert all(RECOVERY_CODE.match(code) for code in shown), shown
    return secret, shown


# --- 1. two-factor enrolment and log-in ------------------------------------------------------


def test_the_pilote_turns_on_two_factor_and_signs_in_with_a_code_then_a_recovery_code(
    page: Page, console: Console, pilot: User
) -> None:
    console.expect("401")  # a wrong code is refused
    console.expect("401")  # the recovery code typed a second time is refused
    log_in(page, PILOT)
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Double authentification").click()
    expect(page).to_have_url(re.compile("/compte/double-authentification$"))
    expect(page.get_by_text("Non activée")).to_be_visible()
    secret, recovery_codes = enrol(page)
    page.get_by_role("link", name="Je les ai notés").click()
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Double authentification").click()
    expect(page.get_by_text("Codes de secours encore valables : 10 sur 10.")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(recovery_codes[0])  # shown once only
    log_out(page)

    log_in(page, PILOT)  # the password alone opens no session
    expect(page).to_have_url(re.compile("/connexion/code"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de connexion")
    passes_axe(page, "twofactor.code")
    page.get_by_label("Code à 6 chiffres").fill("000000")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Code incorrect").first).to_be_visible()
    passes_axe(page, "twofactor.code", 401)
    page.get_by_label("Code à 6 chiffres").fill(code_of_next_step(secret))
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status").filter(has_text="Bienvenue")).to_have_text(
        "Bienvenue, Claire Martin."
    )
    log_out(page)

    log_in(page, PILOT)
    page.get_by_role("link", name="Utiliser un code de secours").click()
    page.get_by_label("Code de secours").fill(recovery_codes[0])
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status").filter(has_text="Bienvenue")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Code de secours accepté")).to_have_text(
        "Code de secours accepté : il vous en reste 9."
    )
    log_out(page)

    log_in(page, PILOT)
    page.get_by_role("link", name="Utiliser un code de secours").click()
    page.get_by_label("Code de secours").fill(recovery_codes[0])
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Code de secours incorrect ou déjà utilisé.").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code de secours")
    passes_axe(page, "twofactor.recovery", 401)
    page.goto("/jeunes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")


def passes_axe(page: Page, endpoint: str, status: int = 200) -> None:
    """The mid-log-in and e-mailed-link pages, which the crawl of test_accessibility.py cannot
    reach: no serious or critical axe violation, as every other page."""
    checked = axe_check(page, endpoint, status)
    assert not checked.failures(), checked.failures()


# --- 2. a PSAD that requires two-factor -------------------------------------------------------


@pytest.fixture
def copilot(session: Session, psad: Psad, pilot: User) -> User:
    """The co-pilote of Lille, without a second factor; the pilote enrolled an hour ago."""
    enrolled(session, pilot, at=clock.now() - timedelta(hours=1))
    user = make_user(session, psad=psad, role=Role.COPILOT, email=COPILOT, full_name="Karim Benali")
    session.commit()
    return user


def test_a_psad_that_requires_two_factor_sends_the_copilote_to_enrolment_first(
    page: Page, session: Session, psad: Psad, pilot: User, copilot: User
) -> None:
    session.refresh(pilot)
    assert pilot.totp_secret is not None
    log_in(page, PILOT)
    page.get_by_label("Code à 6 chiffres").fill(code_now(pilot.totp_secret))
    page.get_by_role("button", name="Valider").click()
    page.get_by_role("link", name=re.compile(r"^Rappels")).click()
    page.get_by_role("link", name="Double authentification obligatoire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Double authentification : PSAD de Lille"
    )
    expect(page.get_by_text("1 membre actif ne l'a pas encore activée.")).to_be_visible()
    page.get_by_label("Double authentification obligatoire pour les membres").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_have_text(
        "Double authentification obligatoire pour les membres de PSAD de Lille."
    )
    expect(
        page.get_by_label("Double authentification obligatoire pour les membres")
    ).to_be_checked()
    log_out(page)

    log_in(page, COPILOT)
    expect(page).to_have_url(re.compile("/compte/double-authentification"))
    expect(page.get_by_role("alert").filter(has_text="exige")).to_have_text(
        "Votre PSAD exige la double authentification (PSAD de Lille) : activez-la ci-dessous "
        "pour continuer."
    )
    page.goto("/jeunes")  # closed until enrolled
    expect(page).to_have_url(re.compile(r"/compte/double-authentification\?next=(/|%2F)jeunes$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Double authentification")
    expect(page.get_by_text("alors qu'elle est obligatoire dans votre PSAD")).to_be_visible()
    enrol(page)
    page.get_by_role("link", name="Je les ai notés").click()
    expect(page).to_have_url(re.compile("/jeunes$"))  # the page asked for, at last
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeunes")
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Double authentification").click()
    expect(page.get_by_text("vous ne pouvez pas la désactiver")).to_be_visible()


# --- 3. forgotten password --------------------------------------------------------------------


def _reset_link(text: str) -> str:
    found = re.findall(rf"{re.escape(BASE)}/connexion/nouveau/[A-Za-z0-9_-]+", text)
    assert found, f"no reset link in:\n{text}"
    return found[0]


def ask_for_a_link(page: Page, email: str) -> str:
    """From the log-in page, « Mot de passe oublié ? »: the answer the page gives."""
    page.goto("/connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    page.get_by_label("Adresse électronique de votre compte").fill(email)
    page.get_by_role("button", name="Recevoir un lien par courriel").click()
    answer = page.get_by_role("status")
    expect(answer).to_contain_text("Si un compte correspond à cette adresse")
    return answer.inner_text()


def test_a_forgotten_password_is_reset_through_the_emailed_link_once(
    page: Page,
    live_server: LiveServer,
    console: Console,
    pilot: User,
    mail_server: LoopbackSmtp,
) -> None:
    console.expect("422")  # the too short password answers 422 with the form
    console.expect("404")  # the link opened again answers « plus valable », 404
    unknown = ask_for_a_link(page, "personne@psad.example")
    known = ask_for_a_link(page, PILOT)
    assert known == unknown  # nothing tells whether an account exists
    assert "valable 1 heure" in known

    deliver_outbox(live_server.app)
    mail_server.wait_for(1)
    assert mail_server.to("personne@psad.example") == []
    (mail,) = mail_server.to(PILOT)
    assert mail.subject == "Suivi PSAD : choisir un nouveau mot de passe"
    link = _reset_link(mail.text).replace(BASE, live_server.url)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir un nouveau mot de passe")
    passes_axe(page, "reset.choose_password")
    page.get_by_label("Nouveau mot de passe (12 caractères au moins)").fill("court")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("court")
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(
        page.get_by_text("Le mot de passe doit compter au moins 12 caractères.").first
    ).to_be_visible()
    passes_axe(page, "reset.choose_password", 422)
    page.get_by_label("Nouveau mot de passe (12 caractères au moins)").fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.get_by_role("status")).to_have_text(
        "Votre mot de passe a été changé : connectez-vous avec le nouveau mot de passe."
    )

    log_in(page, PILOT, NEW_PASSWORD)
    expect(page.get_by_role("status").filter(has_text="Bienvenue")).to_be_visible()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien non valable")
    expect(page.get_by_text("Ce lien n'est plus valable : demandez-en un nouveau.")).to_be_visible()


# --- 4. the retention page ----------------------------------------------------------------------


def years_ago(years: int, month: int, day: int) -> date:
    return date(clock.today().year - years, month, day)


@pytest.fixture
def former_youth(session: Session, psad: Psad, pilot: User) -> User:
    """Zoé Lemaire (35 or 36, last case closed on 1 March five years ago) and Hugo Roussel (41
    or 42, closed ten years ago), both past the default rule (27 years, and 2 after the
    close); Jules Perrin, followed now."""
    ensure_seeded(session)
    for last, first, born, closed in [
        ("Lemaire", "Zoé", years_ago(36, 5, 1), years_ago(5, 3, 1)),
        ("Roussel", "Hugo", years_ago(42, 2, 10), years_ago(10, 6, 30)),
    ]:
        youth = make_youth(
            session,
            psad,
            last_name=last,
            first_name=first,
            birth_date=born,
            case_status=CaseStatus.CLOSED,
        )
        (case,) = youth.cases
        case.opened_on, case.closed_on = closed - timedelta(days=200), closed
    make_youth(session, psad, last_name="Perrin", first_name="Jules")
    session.commit()
    return pilot


def test_the_pilote_sees_who_the_next_run_anonymises_and_changes_the_rule(
    page: Page, console: Console, session: Session, psad: Psad, former_youth: User
) -> None:
    console.expect("422")  # the refused age answers 422 with the form and its error
    log_in(page, PILOT)
    page.get_by_role("link", name=re.compile(r"^Rappels")).click()
    page.get_by_role("link", name="Conservation des données").click()
    expect(page).to_have_url(re.compile(f"/psad/{psad.id}/conservation$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Conservation des données : PSAD de Lille"
    )
    expect(
        page.get_by_text("0 dossier à clore pour limite d'âge, 2 jeunes à anonymiser.")
    ).to_be_visible()
    due = page.get_by_role("table", name="Jeunes à anonymiser (2)")
    expect(due.get_by_role("link")).to_have_text(["LEMAIRE Zoé", "ROUSSEL Hugo"])
    zoe = due.get_by_role("row").filter(has_text="LEMAIRE Zoé")
    expect(zoe).to_contain_text(f"{years_ago(3, 3, 1):%d/%m/%Y}")  # two years after the close
    expect(due).not_to_contain_text("PERRIN")

    age = page.get_by_label("Conserver les données jusqu'à l'âge de (ans)")
    age.fill("24")
    page.get_by_role("button", name="Enregistrer la règle").click()
    expect(page.get_by_text("Indiquez un âge entier entre 25 et 40 ans.").first).to_be_visible()
    age.fill("38")
    page.get_by_role("button", name="Enregistrer la règle").click()
    expect(page.get_by_role("status")).to_have_text("Règle de conservation enregistrée.")
    expect(page.get_by_text("le jour de ses 38 ans, et 2 ans après")).to_be_visible()
    expect(
        page.get_by_text("0 dossier à clore pour limite d'âge, 1 jeune à anonymiser.")
    ).to_be_visible()
    due = page.get_by_role("table", name="Jeunes à anonymiser (1)")
    expect(due.get_by_role("link")).to_have_text(["ROUSSEL Hugo"])  # Zoé is not 38 yet

    session.expire_all()
    assert session.get(Psad, psad.id).retention_age == 38  # type: ignore[union-attr]


# --- 5. the right of access --------------------------------------------------------------------


@pytest.fixture
def followed_youth(session: Session, psad: Psad, pilot: User) -> Youth:
    ensure_seeded(session)
    youth = make_youth(
        session,
        psad,
        last_name="Lefèvre",
        first_name="Éloïse",
        birth_date=date(2009, 3, 14),
        ine="0494004062M",
        commune="Lille",
    )
    session.commit()
    return youth


def test_the_right_of_access_gives_a_printable_page_and_a_json_file_both_in_the_journal(
    page: Page, followed_youth: Youth
) -> None:
    log_in(page, PILOT)
    page.goto(f"/jeunes/{followed_youth.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("LEFÈVRE Éloïse")
    page.get_by_role("link", name=re.compile("^Droit d'accès")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Données détenues sur LEFÈVRE Éloïse")
    summary = page.get_by_role("navigation", name="Sommaire")
    expect(summary).to_contain_text("Identité, coordonnées et dernière scolarité")
    identity = page.get_by_role("region", name=re.compile("^Identité, coordonnées"))
    expect(identity).to_contain_text("0494004062M")
    expect(identity).to_contain_text("14/03/2009")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="télécharger le fichier JSON").click()
    download = downloading.value
    assert re.fullmatch(
        rf"droit-acces-jeune-{followed_youth.id}-\d{{8}}\.json", download.suggested_filename
    )
    exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert exported["youth_id"] == followed_youth.id
    assert exported["controller"]["name"] == "PSAD de Lille"
    (identity_row,) = exported["sections"]["youth"]["rows"]
    assert (identity_row["last_name"], identity_row["first_name"]) == ("Lefèvre", "Éloïse")
    assert identity_row["birth_date"] == "2009-03-14" and identity_row["ine"] == "0494004062M"

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Journal"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
    exports = page.get_by_role("row").filter(
        has_text="Export des données d'un jeune (droit d'accès)"
    )
    expect(exports).to_have_count(2)
    expect(exports.filter(has_text="format=json")).to_contain_text(f"youth n° {followed_youth.id}")
    expect(exports.filter(has_text="format=page")).to_contain_text(PILOT)

"""The content security policy in the real browser (Debian's Chromium): a script stored in a
note does not run, and the policy blocks an inline script and an inline handler."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy.orm import Session

from psad.auth.models import Psad, User
from psad.youth.models import Youth
from tests.browser.conftest import Console
from tests.factories import PASSWORD, make_youth
from tests.web._hostile_forms import SCRIPTS

STORED = '<script>alert("note")</script><img src=x onerror="alert(\'note\')">'


# --- in the browser -----------------------------------------------------------------------


def log_in(tab: Page, email: str) -> None:
    tab.goto("/connexion")
    tab.get_by_label("Adresse électronique").fill(email)
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()
    expect(tab.get_by_role("status").filter(has_text="Bienvenue")).to_be_visible()


def watch_dialogs(tab: Page) -> list[str]:
    opened: list[str] = []

    def close(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", close)
    return opened


@pytest.fixture
def youth(session: Session, psad: Psad, pilot: User) -> Youth:
    """A youth of the pilote's PSAD; committed."""
    youth = make_youth(session, psad, last_name="Lefèvre", first_name="Éloïse")
    session.commit()
    return youth


@pytest.mark.browser
@pytest.mark.committed
def test_a_script_stored_in_a_note_does_not_run(
    page: Page,
    pilot: User,
    youth: Youth,
) -> None:
    dialogs = watch_dialogs(page)
    log_in(page, pilot.email)

    page.goto(f"/jeunes/{youth.id}/notes/nouvelle")
    page.get_by_label("Texte").fill(STORED + " " + SCRIPTS[0])
    page.get_by_role("button", name="Enregistrer la note").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("LEFÈVRE Éloïse")
    expect(page.get_by_text(STORED, exact=False).first).to_be_visible()  # shown as text
    page.reload()
    assert dialogs == []
    assert page.locator("main script, main img[src=x]").count() == 0


@pytest.fixture
def inline_page(app: Flask) -> str:
    """A page that breaks the rules on purpose: an inline script and an inline handler that
    would each set a mark and open a dialog (registered before the server starts)."""
    html = (
        '<!doctype html><html lang=fr><head><title>Essai</title><link rel="icon" href="data:,">'
        "</head><body><p>Essai</p>"
        "<script>window.psadMark = 'script'; alert('script')</script>"
        '<img alt="" src="data:," onerror="window.psadMark = \'handler\'; alert(\'handler\')">'
        "</body></html>"
    )
    app.add_url_rule("/essai-csp", "k_inline", lambda: html)
    return "/essai-csp"


@pytest.mark.browser
@pytest.mark.committed
def test_the_policy_stops_inline_scripts_in_the_browser(
    inline_page: str,
    page: Page,
    console: Console,
) -> None:
    console.expect("Executing inline script violates the following Content Security Policy")
    console.expect("Executing inline event handler violates the following Content Security")
    dialogs = watch_dialogs(page)

    page.goto(inline_page)

    expect(page.get_by_text("Essai", exact=True)).to_be_visible()
    page.wait_for_timeout(300)  # the image's error event has fired
    assert dialogs == []
    assert page.evaluate("window.psadMark") is None
    blocked = [e for e in console.errors if "Content Security Policy" in e]
    assert len(blocked) == 2, console.errors

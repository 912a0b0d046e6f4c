"""Reminders in the browser: the morning's run e-mails the co-pilote a digest that names no
youth; its link opens, once logged in, the list it counted; the header's counter shows the
unread reminders until they are read; the co-pilote asks for a weekly digest; the pilote
changes a threshold of the PSAD."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import DigestFrequency, Psad, Role, User
from psad.followup.models import Task, TaskRule
from psad.reminders.jobs import remind
from psad.reminders.models import ReminderRules
from tests.browser.conftest import Console, LiveServer
from tests.browser.test_youth_flow import log_in
from tests.factories import make_user, make_youth
from tests.mailserver import LoopbackSmtp, mail_section

pytestmark = [pytest.mark.browser, pytest.mark.committed]

BASE = "https://psad.example.org"  # the configured public address; the test serves elsewhere
COPILOT = "copilote@psad.example"
SILENT = [("Lenoir", "Anaïs"), ("Dufour", "Killian"), ("Garnier", "Maëlys")]


@pytest.fixture
def mail_server(tmp_path: Path) -> Iterator[LoopbackSmtp]:
    with LoopbackSmtp(tmp_path / "smtp") as server:
        yield server


@pytest.fixture
def settings(make_settings, mail_server: LoopbackSmtp):  # type: ignore[no-untyped-def]
    return make_settings(mail=mail_section(mail_server), web={"base_url": BASE})


@pytest.fixture
def copilot(session: Session, psad: Psad, pilot: User) -> User:
    """Three youth without any contact for 60 days and no referent; one late task of the
    co-pilote's; a youth contacted yesterday who is due nothing."""
    today = clock.today()
    user = make_user(session, psad=psad, role=Role.COPILOT, email=COPILOT, full_name="Karim Benali")
    for last, first in SILENT:
        youth = make_youth(session, psad, last_name=last, first_name=first)
        assert youth.open_case is not None
        youth.open_case.opened_on = today - timedelta(days=60)
    busy = make_youth(session, psad, last_name="Perrin", first_name="Jules")
    session.flush()
    assert busy.open_case is not None
    busy.open_case.opened_on = today - timedelta(days=5)
    session.add(
        Task(
            case_id=busy.open_case.id,
            title="Rappeler le lycée",
            due_on=today - timedelta(days=2),
            assignee_user_id=user.id,
            rule=TaskRule.MANUAL,
        )
    )
    session.commit()
    return user


def _link(text: str, fragment: str) -> str:
    links = re.findall(rf"{re.escape(BASE)}/\S+", text)
    found = [link for link in links if fragment in link]
    assert found, f"no link with {fragment!r} in:\n{text}"
    return found[0].rstrip(".)>")


def test_the_morning_digest_leads_to_the_list_and_the_counter_goes_down(
    page: Page,
    live_server: LiveServer,
    session: Session,
    psad: Psad,
    pilot: User,
    copilot: User,
    mail_server: LoopbackSmtp,
) -> None:
    report = remind(live_server.app, clock.today())

    assert report.emails_sent >= 2  # the pilote and the co-pilote
    (mail,) = mail_server.to(COPILOT)
    assert psad.name in mail.subject
    for last, first in [*SILENT, ("Perrin", "Jules")]:
        for text in (mail.text, mail.html or ""):
            assert last not in text and first not in text
    assert "3 dossiers" in mail.text, mail.text
    no_contact = _link(mail.text, "sans_contact=45")
    _link(mail.text, "/compte/rappels")

    log_in(page, COPILOT)
    counter = page.get_by_role("link", name=re.compile(r"^Rappels"))
    expect(counter).to_contain_text("non lus")
    page.goto(no_contact.replace(BASE, live_server.url))
    table = page.get_by_role("table")
    for last, _ in SILENT:
        expect(table).to_contain_text(re.compile(last, re.IGNORECASE))
    expect(table).not_to_contain_text(re.compile("Perrin", re.IGNORECASE))

    counter.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rappels")
    expect(page.get_by_text("Tâches en retard").first).to_be_visible()
    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(page.get_by_role("link", name=re.compile(r"^Rappels"))).not_to_contain_text("non lus")

    page.goto("/compte/rappels")
    page.get_by_label("Chaque semaine (le lundi)").check()
    page.get_by_role("button", name="Enregistrer ma préférence").click()
    expect(page.get_by_text("Préférence enregistrée")).to_be_visible()
    session.expire_all()
    assert session.get(User, copilot.id).digest_frequency is DigestFrequency.WEEKLY  # type: ignore[union-attr]

    # A second run the same day tells nobody twice.
    again = remind(live_server.app, clock.today())
    assert again.emails_queued == 0 and len(mail_server.to(COPILOT)) == 1


def test_the_pilote_sets_a_threshold_of_the_psad(
    page: Page,
    live_server: LiveServer,
    console: Console,
    session: Session,
    psad: Psad,
    pilot: User,
) -> None:
    console.expect("422")  # the refused value answers 422 with the form and its error
    log_in(page, pilot.email)
    page.goto(f"/psad/{psad.id}/rappels")
    page.get_by_label("Dossier ouvert sans aucun contact").fill("0")
    page.get_by_role("button", name="Enregistrer les seuils").click()
    expect(page.get_by_text("Entre 1 et 365 jours.").first).to_be_visible()
    page.get_by_label("Dossier ouvert sans aucun contact").fill("60")
    page.get_by_role("button", name="Enregistrer les seuils").click()
    expect(page.get_by_text("Seuils enregistrés.")).to_be_visible()

    session.expire_all()
    rules = session.get(ReminderRules, psad.id)
    assert rules is not None and rules.no_contact_days == 60

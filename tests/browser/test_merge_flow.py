"""A pilote merges a youth's two files in the browser: « Doublons probables », the pair side
by side, a value chosen from the second file, the merge confirmed, and the kept file that
tells both histories."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth.models import Psad, User
from psad.duplicates.queries import merged_into
from psad.followup import services
from psad.followup.models import NoteKind
from psad.reference.services import ensure_seeded
from psad.youth.models import CaseStatus
from tests.browser.conftest import LiveServer
from tests.browser.test_youth_flow import log_in
from tests.factories import make_youth

pytestmark = [pytest.mark.browser, pytest.mark.committed]


@dataclass
class TwoFiles:
    pilot: User
    kept_id: int
    merged_id: int


@pytest.fixture
def two_files(session: Session, psad: Psad, pilot: User) -> TwoFiles:
    """« Lefèvre Éloïse », followed (a note on her open case), and « LEFEBVRE Eloise », born
    the same day, signalled again later with her INE (a note on her closed case)."""
    ensure_seeded(session)
    born = date(2009, 3, 14)
    first = make_youth(session, psad, last_name="Lefèvre", first_name="Éloïse", birth_date=born)
    second = make_youth(
        session,
        psad,
        last_name="LEFEBVRE",
        first_name="Eloise",
        birth_date=born,
        ine="0494004062M",
        case_status=CaseStatus.CLOSED,
    )
    actor = Actor(user_id=pilot.id, psad_id=psad.id)
    for youth, body in ((first, "Premier appel : à rappeler."), (second, "Signalée par le CIO.")):
        services.add_note(
            session, case=youth.cases[0], kind=NoteKind.NOTE, body=body, by=pilot, actor=actor
        )
    session.commit()
    return TwoFiles(pilot=pilot, kept_id=first.id, merged_id=second.id)


def test_a_pilote_merges_two_files_of_one_youth(
    page: Page, two_files: TwoFiles, live_server: LiveServer
) -> None:
    log_in(page, two_files.pilot.email)
    page.goto("/doublons")  # the lead puts « Doublons » in the menu
    expect(page.get_by_role("heading", level=1)).to_have_text("Doublons probables")
    expect(page.get_by_role("status")).to_have_text("1 paire à examiner.")
    pairs = page.get_by_role("table")
    expect(pairs).to_contain_text("Même prénom, noms à une lettre près, même date de naissance")

    pairs.get_by_role("link", name="Comparer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparer deux dossiers")
    identity = page.get_by_role("table", name="Identité")
    expect(identity.get_by_role("row", name=re.compile("^Nom Diffère"))).to_contain_text("LEFEBVRE")
    born = identity.get_by_role("row", name=re.compile("^Date de naissance"))
    expect(born).not_to_contain_text("Diffère")

    page.get_by_role("link", name="Fusionner ces deux dossiers").click()
    expect(
        page.get_by_role("radio", name=f"Dossier n° {two_files.kept_id} : LEFÈVRE Éloïse")
    ).to_be_checked()
    page.get_by_role("group", name="Nom").get_by_label("LEFEBVRE").check()
    page.get_by_role("group", name="INE").get_by_label("0494004062M").check()
    page.get_by_role("button", name="Vérifier la fusion").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer la fusion")
    chosen = page.get_by_role("table", name="Valeurs que gardera le dossier conservé")
    expect(chosen.get_by_role("row", name=re.compile("^Nom "))).to_contain_text("LEFEBVRE")
    page.get_by_role("button", name="Confirmer la fusion").click()

    expect(page).to_have_url(f"{live_server.url}/jeunes/{two_files.kept_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("LEFEBVRE Éloïse")
    expect(page.get_by_role("status")).to_contain_text("Les deux dossiers sont fusionnés")
    history = page.locator("#chronologie")
    expect(history).to_contain_text("Premier appel : à rappeler.")
    expect(history).to_contain_text("Signalée par le CIO.")
    expect(history).to_contain_text(f"Fusion avec le dossier n° {two_files.merged_id}")
    with live_server.app.app_context():
        from psad.extensions import db

        assert merged_into(db.session(), two_files.merged_id) == two_files.kept_id


def test_the_old_address_leads_to_the_kept_file(
    page: Page, two_files: TwoFiles, live_server: LiveServer
) -> None:
    log_in(page, two_files.pilot.email)
    page.goto(f"/doublons/{two_files.kept_id}/{two_files.merged_id}/fusion")
    page.get_by_role("button", name="Vérifier la fusion").click()
    page.get_by_role("button", name="Confirmer la fusion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LEFÈVRE Éloïse")

    page.goto(f"/jeunes/{two_files.merged_id}")

    expect(page).to_have_url(f"{live_server.url}/jeunes/{two_files.kept_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("LEFÈVRE Éloïse")

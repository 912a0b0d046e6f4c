"""The bilan in the browser: the pilote opens the dashboard, switches to last school year and
back, follows « Jeunes repérés » to the youth behind it and downloads the workbook, which
is read back; a reader's regional view names nobody and masks the small counts."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Membership, Psad, Role, User
from psad.schoolyear import school_year_label, school_year_of
from tests.browser.conftest import LiveServer
from tests.browser.test_youth_flow import log_in
from tests.factories import make_psad, make_user, make_youth

pytestmark = [pytest.mark.browser, pytest.mark.committed]

READER = "lecteur@region.psad.example"
LILLE = [
    ("Lenoir", "Anaïs"),
    ("Dufour", "Killian"),
    ("Garnier", "Maëlys"),
    ("Perrin", "Jules"),
    ("Roussel", "Inès"),
    ("Fontaine", "Théo"),
    ("Caron", "Zoé"),
]
DOUAI = [("Leclercq", "Noé"), ("Marchand", "Léa")]


@pytest.fixture
def region(session: Session, psad: Psad, pilot: User) -> User:
    """Seven youth signalés this school year at Lille, two at Douai; a reader of both."""
    douai = make_psad(session, code="DOUAI", name="PSAD de Douai")
    opened = max(clock.today() - timedelta(days=3), clock.today().replace(day=1))
    for where, names in ((psad, LILLE), (douai, DOUAI)):
        for last, first in names:
            youth = make_youth(session, where, last_name=last, first_name=first)
            assert youth.open_case is not None
            youth.open_case.opened_on = opened
    reader = make_user(session, psad=psad, role=Role.READER, email=READER)
    make_user(session, psad=douai, role=Role.PILOT, email="pilote@douai.psad.example")
    session.add(Membership(user_id=reader.id, psad_id=douai.id, role=Role.READER))
    session.commit()
    return reader


def test_the_pilote_reads_the_bilan_follows_a_figure_and_downloads_it(
    page: Page,
    live_server: LiveServer,
    session: Session,
    psad: Psad,
    pilot: User,
    region: User,
    tmp_path: Path,
) -> None:
    log_in(page, pilot.email)
    page.get_by_role("link", name="Bilan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PSAD de Lille")
    expect(page.locator("#indicateur-listed")).to_contain_text("7")
    assert page.locator("img[src^='data:image/svg+xml']").count() > 0

    last_year = school_year_of(clock.today()) - 1
    page.get_by_label("Année scolaire").select_option(str(last_year))
    page.get_by_role("button", name="Afficher", exact=True).click()
    expect(page).to_have_url(re.compile(f"annee={last_year}"))
    expect(page.get_by_text(school_year_label(last_year)).first).to_be_visible()
    expect(page.locator("#indicateur-listed")).not_to_contain_text(re.compile(r"\b7\b"))

    page.get_by_label("Année scolaire").select_option(str(last_year + 1))
    page.get_by_role("button", name="Afficher", exact=True).click()
    page.locator("#indicateur-listed").get_by_role("link", name="Jeunes repérés").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jeunes repérés")
    expect(page.get_by_text("7 jeunes")).to_be_visible()
    table = page.get_by_role("table")
    for last, _ in LILLE:
        expect(table).to_contain_text(re.compile(last, re.IGNORECASE))
    for last, _ in DOUAI:
        expect(table).not_to_contain_text(re.compile(last, re.IGNORECASE))

    page.get_by_role("link", name="Retour au bilan").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger le bilan")).click()
    path = tmp_path / "bilan.xlsx"
    download.value.save_as(path)
    workbook = load_workbook(path)
    cover = workbook.worksheets[0]
    cover_text = " ".join(str(c.value) for row in cover.iter_rows() for c in row if c.value)
    assert "PSAD de Lille" in cover_text and "Jeunes repérés" in cover_text
    numbers = [
        cell.value
        for sheet in workbook.worksheets[1:]
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, int) and not isinstance(cell.value, bool)
    ]
    assert 7 in numbers

    # The figures are stored: a youth signalé now shows after « Recalculer maintenant »
    late = make_youth(session, psad, last_name="Morel", first_name="Lina")
    assert late.open_case is not None
    late.open_case.opened_on = clock.today()
    session.commit()
    page.get_by_role("link", name="Bilan", exact=True).click()
    expect(page.locator("#bilan-calcul")).to_contain_text("Chiffres calculés le")
    expect(page.locator("#indicateur-listed")).to_contain_text("7")
    page.get_by_role("button", name="Recalculer maintenant").click()
    expect(page.locator("#indicateur-listed")).to_contain_text("8")


def test_a_reader_sees_the_psads_side_by_side_without_names_and_small_counts_masked(
    page: Page, live_server: LiveServer, psad: Psad, pilot: User, region: User
) -> None:
    log_in(page, READER)
    page.get_by_role("link", name="Vue régionale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vue régionale")
    content = page.locator("main")
    expect(content).to_contain_text("PSAD de Douai")
    expect(content).to_contain_text("PSAD de Lille")
    expect(content).to_contain_text("< 5")
    html = page.content()
    for last, first in LILLE + DOUAI:
        assert last not in html and first not in html
    assert page.locator("main a[href*='/bilan/jeunes']").count() == 0

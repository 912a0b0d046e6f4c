"""A comité technique in the browser, from the proposed agenda to the minutes: the pilote
asks for the agenda, removes a youth and adds another, publishes it, records who came, steps
through the meeting deciding an orientation to a site with places left, a referent and a
closing, validates the minutes and downloads them; the workbook is read back. The partner
of the Lycée Baggio then sees the agenda with only the youth their school follows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Psad, Role, StructureKind, User
from psad.committees.models import Committee, CommitteeKind
from psad.followup.models import Task, TaskRule
from psad.orientations.communes import ensure_communes
from psad.orientations.models import Orientation, Programme, ProgrammeSite, SitePlaces
from psad.orientations.seeds import ensure_catalogue
from psad.reference.models import ReferenceKind
from psad.reference.services import ensure_seeded, item_by_code
from psad.schoolyear import school_year_of
from psad.youth.models import CaseSource, CaseStatus, Youth
from tests.browser.conftest import Console
from tests.browser.test_youth_flow import log_in
from tests.factories import make_structure, make_user, make_youth

pytestmark = [pytest.mark.browser, pytest.mark.committed]

PARTNER = "partenaire@baggio.psad.example"
COPILOT = "copilote@psad.example"


@dataclass
class Meeting:
    pilot: User
    committee_id: int


def _youth(session: Session, psad: Psad, last: str, first: str, weeks: int, **kw: object) -> Youth:
    youth = make_youth(
        session, psad, last_name=last, first_name=first, birth_date=date(2006, 5, 2), **kw
    )
    case = youth.open_case
    assert case is not None
    case.source = CaseSource.LISTING
    case.opened_on = clock.today() - timedelta(weeks=weeks)
    case.situation = item_by_code(session, ReferenceKind.SITUATION, "no_solution")
    youth.school_exit_date = date(2026, 1, 15)
    return youth


@pytest.fixture
def meeting(session: Session, psad: Psad, pilot: User) -> Meeting:
    """A comité technique today at 14:00 (Paris); three youth without a solution for ten
    weeks (one followed by the Lycée Baggio), one signalled last week; an E2C site with two
    places; a co-pilote of the mission locale and a partner of the Lycée Baggio."""
    ensure_seeded(session)
    ensure_catalogue(session)
    ensure_communes(session)
    school = make_structure(session, psad, name="Lycée Baggio", kind=StructureKind.SCHOOL)
    mission = make_structure(
        session, psad, name="Mission locale de Lille", kind=StructureKind.LOCAL_MISSION
    )
    make_user(session, psad=psad, role=Role.PARTNER, structure=school, email=PARTNER)
    make_user(
        session,
        psad=psad,
        role=Role.COPILOT,
        structure=mission,
        email=COPILOT,
        full_name="Karim Benali",
    )
    _youth(session, psad, "Martin", "Hugo", 10)
    _youth(session, psad, "Lefèvre", "Éloïse", 10, referent_structure=school)
    _youth(session, psad, "Durand", "Léo", 10)
    _youth(session, psad, "Petit", "Zoé", 1)
    e2c = session.scalar(select(Programme).where(Programme.code == "E2C"))
    session.add(
        ProgrammeSite(
            programme=e2c,
            psad=psad,
            establishment="E2C Lille Métropole",
            commune="Roubaix",
            commune_code="59512",
            places=[SitePlaces(school_year=school_year_of(clock.today()), places=2)],
        )
    )
    committee = Committee(
        psad=psad,
        kind=CommitteeKind.TECHNICAL,
        starts_at=datetime.combine(clock.today(), time(14, 0), tzinfo=clock.PARIS),
        place="CIO de Lille",
        invited=[mission, school],
    )
    session.add(committee)
    session.commit()
    return Meeting(pilot=pilot, committee_id=committee.id)


def decide(page: Page, kind: str) -> None:
    page.get_by_role("radio", name=kind, exact=True).check()


def choose(page: Page, label: str, text: str) -> None:
    """Select the option of the field named ``label`` whose text holds ``text``."""
    select = page.get_by_label(label)
    select.select_option(value=select.locator("option", has_text=text).first.get_attribute("value"))


def test_a_comite_from_its_agenda_to_its_minutes(
    page: Page, console: Console, meeting: Meeting, session: Session
) -> None:
    log_in(page, meeting.pilot.email)
    page.get_by_role("link", name="Comités", exact=True).click()
    page.get_by_role("link", name=f"{clock.today():%Y}").first.click()  # the comité's date
    page.get_by_role("button", name="Proposer l'ordre du jour").click()
    agenda = page.get_by_role("table").filter(has_text="Motifs")
    for name in ("DURAND Léo", "LEFÈVRE Éloïse", "MARTIN Hugo"):
        expect(agenda).to_contain_text(name)
    expect(agenda).not_to_contain_text("PETIT Zoé")  # signalled last week: not yet

    page.get_by_role("button", name="Retirer DURAND Léo").click()
    expect(page.get_by_role("table").filter(has_text="Motifs")).not_to_contain_text("DURAND")
    page.get_by_label("Ajouter un jeune : nom ou prénom").fill("Petit")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("button", name="Ajouter PETIT Zoé").click()
    expect(page.get_by_role("table").filter(has_text="Motifs")).to_contain_text("PETIT Zoé")
    page.get_by_role("button", name="Publier l'ordre du jour").click()

    page.get_by_role("link", name="Présences").first.click()
    page.get_by_label("Karim Benali", exact=False).check()
    page.get_by_role("button", name="Enregistrer les présences").click()

    page.goto(f"/comites/{meeting.committee_id}/seance")
    decisions = {
        "LEFÈVRE Éloïse": "Clôture du dossier",
        "MARTIN Hugo": "Orientation proposée",
        "PETIT Zoé": "Référent désigné",
    }
    for n in (1, 2, 3):
        expect(page.get_by_text(f"{n} / 3")).to_be_visible()
        name = page.locator("#jeune").inner_text()
        kind = decisions[name]
        decide(page, kind)
        if kind == "Orientation proposée":
            choose(page, "Dispositif et site", "E2C Lille Métropole")
            choose(page, "Qui agit : structure", "Mission locale de Lille")
            page.get_by_label("Échéance (jj/mm/aaaa)").fill(
                (clock.today() + timedelta(days=14)).isoformat()  # a native date field
            )
        elif kind == "Référent désigné":
            choose(page, "Qui agit : structure", "Mission locale de Lille")
            choose(page, "Qui agit : personne", "Karim Benali")
        else:
            choose(page, "Motif de clôture", "Refus du jeune")
        page.get_by_role("button", name="Enregistrer et suivant").click()

    page.goto(f"/comites/{meeting.committee_id}/releve")
    page.get_by_role("button", name="Valider le relevé de décisions").click()
    expect(page.get_by_text("validé le").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Tableur .xlsx (complet)").click()
    sheet = load_workbook(BytesIO(download.value.path().read_bytes()))["Relevé"]
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    decided = {row[1]: row[4] for row in rows if row and row[1] in decisions}
    assert decided == decisions

    session.expire_all()
    hugo = session.scalar(select(Youth).where(Youth.last_name == "Martin"))
    orientation = session.scalar(select(Orientation).where(Orientation.youth_id == hugo.id))
    assert orientation is not None and orientation.decision_id is not None
    assert orientation.site.establishment == "E2C Lille Métropole"
    tasks = session.scalars(select(Task).where(Task.rule == TaskRule.COMMITTEE_DECISION)).all()
    assert [task.case.youth.last_name for task in tasks] == ["Martin"]
    eloise = session.scalar(select(Youth).where(Youth.last_name == "Lefèvre"))
    assert eloise.cases[0].status is CaseStatus.CLOSED
    zoe = session.scalar(select(Youth).where(Youth.last_name == "Petit"))
    assert zoe.open_case.referent_user.full_name == "Karim Benali"

    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, PARTNER)
    page.goto(f"/comites/{meeting.committee_id}")
    agenda = page.get_by_role("table").filter(has_text="Motifs")
    expect(agenda).to_contain_text("LEFÈVRE Éloïse")  # her closed case stays with the school
    expect(agenda).not_to_contain_text("MARTIN Hugo")
    expect(agenda).not_to_contain_text("PETIT Zoé")

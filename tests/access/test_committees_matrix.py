"""The access matrix of the comités' pages (issue 13), for each role: « A partner sees the
meetings of the PSADs they belong to and, on each agenda, only the youth they may see; a
reader sees counts only. »

The world is the comités' (``comite``): in LILLE, « Lefèvre Éloïse » (followed by the Lycée
Baggio, partner Sophie Durand) and « Martin Hugo » (followed by nobody, oriented to the E2C's
site: the E2C Lille's partner Nadia Roche received him). Both are on the agenda of the
published comité technique of 8 December 2026 (Hugo with a decision), and of a draft comité
on 12 January 2027. AMIENS is another PSAD with its own comité. The administrator has no
membership. Every role's POSTs that must be refused are tried, and nothing changes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import User
from psad.committees.models import (
    AgendaItem,
    AgendaReason,
    Amendment,
    Attendance,
    Committee,
    CommitteeRhythm,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.committees.services.attendance import Guest, record_attendance
from tests.committees.conftest import Comite, comite, frozen_clock, make_orientation, offer, world
from tests.committees.test_decisions import DUE, decide, publish
from tests.factories import make_psad, make_user
from tests.helpers import count, text

__all__ = ["comite", "frozen_clock", "offer", "world"]

PILOT, COPILOT, PARTNER, E2C, READER, ADMIN = (
    "pilote",
    "co-pilote",
    "partenaire",
    "partenaire E2C",
    "lecteur",
    "admin",
)
ROLES = [PILOT, COPILOT, PARTNER, E2C, READER, ADMIN]
DRAFT_AT = datetime(2027, 1, 12, 13, 0, tzinfo=UTC)  # 14:00 in Paris


def expect(*codes: int) -> dict[str, int]:
    """The expected status codes, in the order of ``ROLES``."""
    return dict(zip(ROLES, codes, strict=True))


MEMBERS = expect(200, 200, 200, 200, 200, 403)
RUNNERS = expect(200, 200, 403, 403, 403, 403)
SEES_NAMES = expect(200, 200, 200, 200, 403, 403)
# A URL's {pub} is the published comité, {draft} the draft one, {amiens} another PSAD's.
PAGES = {
    "/comites": MEMBERS,
    "/comites/nouveau": RUNNERS,
    "/comites/rythme": RUNNERS,
    "/comites/calendrier": MEMBERS,
    "/comites/decisions-en-retard": RUNNERS,
    "/comites/{draft}": MEMBERS,
    "/comites/{pub}": MEMBERS,
    "/comites/{draft}/modifier": RUNNERS,
    "/comites/{pub}/modifier": RUNNERS,
    "/comites/{pub}/ordre-du-jour/imprimer?version=complete": SEES_NAMES,
    "/comites/{pub}/ordre-du-jour/imprimer?version=reduite": SEES_NAMES,
    # a draft agenda is for those who prepare it
    "/comites/{draft}/ordre-du-jour/imprimer?version=complete": RUNNERS,
    "/comites/{pub}/presences": RUNNERS,
    "/comites/{pub}/seance": expect(302, 302, 403, 403, 403, 403),
    "/comites/{pub}/seance/1": RUNNERS,
    "/comites/{draft}/seance/1": expect(409, 409, 403, 403, 403, 403),  # not published yet
    "/comites/{pub}/releve": MEMBERS,
    "/comites/{pub}/releve?version=reduite": MEMBERS,
    "/comites/{draft}/releve": expect(409, 409, 409, 409, 409, 403),  # no minutes yet
    "/comites/{pub}/releve.xlsx": SEES_NAMES,
    "/comites/{pub}/releve.xlsx?version=reduite": SEES_NAMES,
    "/comites/{pub}/releve/imprimer": SEES_NAMES,
    "/comites/{pub}.ics": MEMBERS,
    "/comites/{draft}.ics": MEMBERS,
    # another PSAD's comité: the same answer as one that does not exist, for every role
    # allowed the page at all
    "/comites/{amiens}": expect(404, 404, 404, 404, 404, 403),
    "/comites/{amiens}/releve": expect(404, 404, 404, 404, 404, 403),
    "/comites/{amiens}/seance/1": expect(404, 404, 403, 403, 403, 403),
    "/comites/{amiens}.ics": expect(404, 404, 404, 404, 404, 403),
}


@dataclass
class Matrix:
    users: dict[str, User]
    ids: dict[str, int]
    draft_items: list[int]


@pytest.fixture
def matrix(session: Session, comite: Comite, frozen_clock: None) -> Matrix:
    world, offer = comite.world, comite.offer
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    eloise, hugo = publish(session, comite, world.minor, world.adult)
    decide(
        session, comite, hugo, DecisionKind.CONTACT, acting_structure=world.mission, due_on=DUE,
        comment="Rappeler avant les vacances.",
    )  # fmt: skip
    record_attendance(
        session,
        committee=comite.committee,
        present=[world.pilot.id, world.partner.id],
        guests=[Guest("Jeanne Invitée", "Conseil départemental")],
        actor=world.actor(world.pilot),
    )
    draft = Committee(psad=world.psad, starts_at=DRAFT_AT, place="CIO de Lille, salle 2")
    draft.items = [
        AgendaItem(youth=youth, position=n, reasons=AgendaReason.ADDED.value)
        for n, youth in enumerate([world.minor, world.adult], 1)
    ]
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    other = Committee(psad=amiens, starts_at=DRAFT_AT, place="CIO d'Amiens")
    other.status = CommitteeStatus.PUBLISHED
    admin = make_user(session, is_admin=True, email="admin@psad.example")
    session.add_all([draft, other])
    session.commit()
    assert eloise.id
    return Matrix(
        users={
            PILOT: world.pilot,
            COPILOT: world.copilot,
            PARTNER: world.partner,
            E2C: offer.e2c_partner,
            READER: world.reader,
            ADMIN: admin,
        },
        ids={"pub": comite.committee.id, "draft": draft.id, "amiens": other.id},
        draft_items=[item.id for item in draft.items],
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_page_by_role(client, matrix: Matrix, role: str, subtests):
    """One world per role (it is long to build), each page a subtest."""
    client.sign_in(matrix.users[role])

    for page, expected in PAGES.items():
        with subtests.test(msg=page):
            response = client.get(page.format(**matrix.ids))
            response.close()  # a workbook is streamed
            assert response.status_code == expected[role]


# --- the youth each role sees --------------------------------------------------------------

ELOISE, HUGO = "LEFÈVRE Éloïse", "MARTIN Hugo"
SEES = {
    PILOT: [ELOISE, HUGO],
    COPILOT: [ELOISE, HUGO],
    PARTNER: [ELOISE],  # follows her
    E2C: [HUGO],  # received him
    READER: [],
}
NAMED_PAGES = [
    "/comites/{pub}",
    "/comites/{pub}/ordre-du-jour/imprimer?version=complete",
    "/comites/{pub}/releve",
    "/comites/{pub}/releve/imprimer",
]


def names_in(page: str) -> list[str]:
    """Which of the two youth a page or a workbook's text names (a first name is enough:
    « Martin » alone is also the pilote's name)."""
    return [name for name in (ELOISE, HUGO) if name.split()[1] in page]


def workbook_text(data: bytes) -> str:
    sheets = load_workbook(io.BytesIO(data)).worksheets
    return " ".join(
        str(cell) for sheet in sheets for row in sheet.iter_rows(values_only=True) for cell in row
    )


@pytest.mark.parametrize("role", list(SEES))
def test_each_page_names_exactly_the_youth_in_scope(client, matrix: Matrix, role: str, subtests):
    client.sign_in(matrix.users[role])

    for page in NAMED_PAGES:
        with subtests.test(msg=page):
            response = client.get(page.format(**matrix.ids))
            if response.status_code == 403:
                assert role == READER  # the prints: names only
                continue
            shown = text(response)
            assert names_in(shown) == SEES[role]
            for name in SEES[role]:
                assert name in shown, name


@pytest.mark.parametrize("role", [PILOT, PARTNER, E2C])
def test_the_workbook_holds_exactly_the_youth_in_scope(client, matrix: Matrix, role: str):
    client.sign_in(matrix.users[role])

    full = workbook_text(client.get(f"/comites/{matrix.ids['pub']}/releve.xlsx").data)
    minimised = workbook_text(
        client.get(f"/comites/{matrix.ids['pub']}/releve.xlsx?version=reduite").data
    )

    assert names_in(full) == SEES[role]
    assert names_in(minimised) == []


@pytest.mark.parametrize("role", [PARTNER, E2C])
def test_a_partners_agenda_holds_only_their_lines_and_says_how_many_there_are(
    client, matrix: Matrix, role: str
):
    client.sign_in(matrix.users[role])

    shown = text(client.get(f"/comites/{matrix.ids['pub']}"))

    assert shown.count('id="ligne-') == 1
    assert "2 jeunes à l'ordre du jour ; vous voyez 1 jeune : celui que vous suivez" in shown


def test_a_reader_sees_counts_only(client, matrix: Matrix):
    client.sign_in(matrix.users[READER])
    pages = [
        text(client.get(page.format(**matrix.ids)))
        for page in ["/comites", "/comites/{pub}", "/comites/{pub}/releve", "/comites/{draft}"]
    ]

    assert all(names_in(page) == [] for page in pages)
    assert "2 jeunes à l'ordre du jour." in pages[1]
    assert "Votre rôle donne accès aux chiffres du comité, pas aux jeunes." in pages[2]
    assert "Contact à prendre" in pages[2]  # the decisions counted by type


@pytest.mark.parametrize("role", [PARTNER, E2C, READER])
def test_a_draft_agenda_shows_no_youth_to_members_who_do_not_prepare_it(
    client, matrix: Matrix, role: str
):
    client.sign_in(matrix.users[role])

    shown = text(client.get(f"/comites/{matrix.ids['draft']}"))

    assert names_in(shown) == []
    assert "Ordre du jour en préparation : il sera visible une fois publié" in shown


@pytest.mark.parametrize("role", ROLES[:5])
def test_no_calendar_names_a_youth(client, matrix: Matrix, role: str):
    client.sign_in(matrix.users[role])

    for page in ["/comites/calendrier", "/comites/{pub}.ics", "/comites/{draft}.ics"]:
        response = client.get(page.format(**matrix.ids))
        assert names_in(text(response)) == [], page
        assert "Lefèvre" not in text(response) and "LEFÈVRE" not in text(response), page


# --- the changes refused ---------------------------------------------------------------------


def posts(matrix: Matrix) -> dict[str, dict[str, str]]:
    """Every change of a comité, with values a pilote could send."""
    pub, draft = matrix.ids["pub"], matrix.ids["draft"]
    first, second = matrix.draft_items
    return {
        "/comites/nouveau": {
            "kind": "technical", "day": "12/02/2027", "at": "14:00", "duration_minutes": "120",
            "place": "CIO",
        },
        "/comites/rythme": {
            "weekday": "1", "week_of_month": "2", "at": "14:00", "duration_minutes": "120",
            "no_solution_weeks": "8", "overdue_decision_days": "7", "max_proposed": "30",
        },
        f"/comites/{draft}/modifier": {
            "kind": "technical", "day": "13/01/2027", "at": "14:00", "duration_minutes": "120",
            "place": "Ailleurs", "version": "1",
        },
        f"/comites/{draft}/ordre-du-jour/proposer": {"version": "1"},
        f"/comites/{draft}/ordre-du-jour/ajouter": {"version": "1", "youth_id": "1"},
        f"/comites/{draft}/ordre-du-jour/{first}/retirer": {"version": "1"},
        f"/comites/{draft}/ordre-du-jour/{second}/deplacer": {
            "version": "1", "direction": "monter",
        },
        f"/comites/{draft}/ordre-du-jour/publier": {"version": "1"},
        f"/comites/{draft}/annuler": {"version": "1"},
        f"/comites/{pub}/presences": {"present": "1"},
        f"/comites/{pub}/seance/1": {"kind": "adjourned"},
        f"/comites/{pub}/valider": {"version": "1"},
        f"/comites/{pub}/amendements": {"decision_id": "0", "text": "Correction."},
    }  # fmt: skip


def state(session: Session) -> tuple[int, ...]:
    """What a refused change would have touched."""
    session.expire_all()
    versions = tuple(session.scalars(select(Committee.version).order_by(Committee.id)))
    return (
        *versions,
        count(session, Committee),
        count(session, AgendaItem),
        count(session, Decision),
        count(session, Attendance),
        count(session, Amendment),
        count(session, CommitteeRhythm),
        count(session, Committee, Committee.status == CommitteeStatus.DRAFT),
    )


@pytest.mark.parametrize("role", [PARTNER, E2C, READER, ADMIN])
def test_every_change_is_refused_to_members_who_do_not_run_comites(
    client, session, matrix: Matrix, role: str
):
    client.sign_in(matrix.users[role])
    before = state(session)

    answers = {url: client.submit(url, values).status_code for url, values in posts(matrix).items()}

    assert answers == dict.fromkeys(answers, 403)
    assert state(session) == before


@pytest.mark.parametrize("role", [PILOT, COPILOT])
def test_another_psads_comite_answers_404_to_every_change(client, session, matrix: Matrix, role):
    other = matrix.ids["amiens"]
    client.sign_in(matrix.users[role])
    before = state(session)
    urls = {
        url.replace(f"/{matrix.ids['pub']}/", f"/{other}/").replace(
            f"/{matrix.ids['draft']}/", f"/{other}/"
        ): values
        for url, values in posts(matrix).items()
        if url.count("/") > 2  # those of a comité
    }
    if role == COPILOT:  # the minutes are the pilote's: refused before the comité is looked up
        urls = {url: v for url, v in urls.items() if not url.endswith(("valider", "amendements"))}

    answers = {url: client.submit(url, values).status_code for url, values in urls.items()}

    assert answers == dict.fromkeys(answers, 404)
    assert state(session) == before


def test_the_co_pilote_may_not_validate_nor_amend(client, session, matrix: Matrix):
    client.sign_in(matrix.users[COPILOT])
    pub = matrix.ids["pub"]

    validate = client.submit(f"/comites/{pub}/valider", {"version": "1"})
    amend = client.submit(f"/comites/{pub}/amendements", {"decision_id": "0", "text": "Non."})

    assert (validate.status_code, amend.status_code) == (403, 403)


@pytest.mark.parametrize("role", ROLES)
def test_every_member_has_their_own_calendar_address(client, session, matrix: Matrix, role):
    client.sign_in(matrix.users[role])

    response = client.submit("/comites/calendrier/adresse", {})

    assert response.status_code == MEMBERS[role]

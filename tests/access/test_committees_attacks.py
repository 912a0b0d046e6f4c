"""Attacks on the comités' pages, tried with the test client: a pilote of another PSAD on every
address that names a comité, a partner recording a decision, forms sent without their CSRF
token, a line of another comité's agenda, a youth the viewer no longer sees, and the calendar
feed's secret address guessed or revoked. Each is refused without writing anything; what lies
outside the viewer's PSAD or scope answers 404, exactly like what does not exist.

The world is the access matrix's (``tests/access/test_committees_matrix.py``): LILLE's
published comité of 8 December 2026 (Éloïse and Hugo on its agenda, Hugo decided), a draft
one in January, and AMIENS with its own comité, to which a pilote is added here.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Psad, Role, User
from psad.committees.models import (
    AgendaItem,
    Committee,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.orientations.models import Orientation
from psad.youth.models import Youth
from tests.access.test_committees_matrix import (
    PAGES,
    Matrix,
    comite,
    frozen_clock,
    matrix,
    names_in,
    offer,
    posts,
    state,
    world,
)
from tests.factories import make_user, make_youth
from tests.helpers import count, text

__all__ = ["comite", "frozen_clock", "matrix", "offer", "world"]

FEED_NOT_FOUND = "Calendrier introuvable.\n"


@pytest.fixture
def amiens_pilot(session: Session, matrix: Matrix) -> User:
    amiens = session.scalars(select(Psad).where(Psad.code == "AMIENS")).one()
    pilot = make_user(session, psad=amiens, role=Role.PILOT, email="pilote@amiens.example")
    session.commit()
    return pilot


def lille_pages(matrix: Matrix) -> list[str]:
    """Every page of the matrix that names one of LILLE's comités."""
    return [page.format(**matrix.ids) for page in PAGES if "{pub}" in page or "{draft}" in page]


# --- a pilote of another PSAD ----------------------------------------------------------------


def test_another_psads_pilote_gets_404_on_every_page_of_a_comite(
    client, matrix: Matrix, amiens_pilot: User, subtests
):
    client.sign_in(amiens_pilot)

    for url in lille_pages(matrix):
        with subtests.test(msg=url):
            response = client.get(url)
            response.close()
            assert response.status_code == 404


def test_another_psads_pilote_gets_404_on_every_change_of_a_comite(
    client, session, matrix: Matrix, amiens_pilot: User
):
    client.sign_in(amiens_pilot)
    before = state(session)
    changes = {url: values for url, values in posts(matrix).items() if url.count("/") > 2}

    answers = {url: client.submit(url, values).status_code for url, values in changes.items()}

    assert answers == dict.fromkeys(answers, 404)
    assert state(session) == before


# --- partners ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["partner", "e2c_partner"])
def test_a_partner_may_not_record_a_decision_even_for_their_youth(
    client, session, matrix: Matrix, comite, who: str
):
    user = getattr(comite.offer, who, None) or getattr(comite.world, who)
    client.sign_in(user)
    offer = comite.offer

    for n in (1, 2):
        response = client.submit(
            f"/comites/{matrix.ids['pub']}/seance/{n}",
            {"kind": "orientation", "choice": f"{offer.e2c.id}:{offer.e2c_site.id}"},
        )
        assert response.status_code == 403, n
    assert count(session, Decision) == 1  # Hugo's, recorded before
    assert count(session, Orientation, Orientation.decision_id.is_not(None)) == 0


# --- forms without their CSRF token -----------------------------------------------------------


def test_every_change_without_its_csrf_token_is_refused(client, session, matrix: Matrix, comite):
    client.sign_in(comite.world.pilot)
    before = state(session)
    changes = {
        **posts(matrix),
        "/comites/calendrier/adresse": {},
        "/comites/calendrier/revoquer": {},
    }

    answers = {url: client.post(url, data=values).status_code for url, values in changes.items()}

    assert answers == dict.fromkeys(answers, 400)
    assert state(session) == before
    assert "adresse-abonnement" not in text(client.get("/comites/calendrier"))


# --- a line of another comité's agenda --------------------------------------------------------


@pytest.mark.parametrize(
    ("tail", "values"), [("retirer", {}), ("deplacer", {"direction": "monter"})]
)
def test_a_line_of_another_comites_agenda_answers_404(
    client, session, matrix: Matrix, comite, tail: str, values: dict[str, str]
):
    """The published comité's address, with a line of the draft one."""
    client.sign_in(comite.world.pilot)
    pub = session.get(Committee, matrix.ids["pub"])
    assert pub is not None
    before = state(session)
    line = matrix.draft_items[1]

    response = client.submit(
        f"/comites/{pub.id}/ordre-du-jour/{line}/{tail}", {"version": str(pub.version), **values}
    )

    assert response.status_code == 404
    assert state(session) == before


def test_a_youth_of_another_psad_is_never_added(client, session, matrix: Matrix, comite):
    amiens = session.scalars(select(Psad).where(Psad.code == "AMIENS")).one()
    stranger = make_youth(session, amiens, last_name="Amienois", first_name="Paul")
    session.commit()
    draft = session.get(Committee, matrix.ids["draft"])
    assert draft is not None
    client.sign_in(comite.world.pilot)

    found = text(client.get(f"/comites/{draft.id}?ajouter=amienois"))
    response = client.submit(
        f"/comites/{draft.id}/ordre-du-jour/ajouter",
        {"version": str(draft.version), "youth_id": str(stranger.id)},
    )

    assert "AMIENOIS" not in found
    assert response.status_code == 404
    assert count(session, AgendaItem, AgendaItem.youth_id == stranger.id) == 0


# --- a youth the viewer no longer sees -------------------------------------------------------


def test_a_youth_who_left_the_psad_is_out_of_the_meeting_and_takes_no_decision(
    client, session, matrix: Matrix, comite
):
    """Éloïse, first on the agenda, now belongs to AMIENS: the meeting holds Hugo alone, and
    her place in it answers 404."""
    amiens = session.scalars(select(Psad).where(Psad.code == "AMIENS")).one()
    eloise = session.get(Youth, comite.world.minor.id)
    assert eloise is not None
    eloise.psad_id = amiens.id
    session.commit()
    client.sign_in(comite.world.pilot)
    meeting = f"/comites/{matrix.ids['pub']}/seance"

    first = client.get(f"{meeting}/1")
    shown, sent = client.get(f"{meeting}/2"), client.submit(f"{meeting}/2", {"kind": "adjourned"})

    assert "Jeune 1 / 1" in text(first) and names_in(text(first)) == ["MARTIN Hugo"]
    assert (shown.status_code, sent.status_code) == (404, 404)
    assert count(session, Decision, Decision.youth_id == eloise.id) == 0


# --- the calendar feed ------------------------------------------------------------------------


def feed_path(client) -> str:  # type: ignore[no-untyped-def]
    page = text(client.submit("/comites/calendrier/adresse", {}))
    match = re.search(r'id="adresse-abonnement"[^>]*value="http://localhost([^"]+)"', page)
    assert match, "no address on the page"
    return match.group(1)


def assert_neutral_404(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 404
    assert response.get_data(as_text=True) == FEED_NOT_FOUND
    assert response.headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("token", ["inconnu", "x" * 43, "x" * 500, "%C3%A9t%C3%A9"])
def test_an_unknown_feed_address_answers_a_neutral_404(client, matrix: Matrix, token: str):
    assert_neutral_404(client.get(f"/calendrier/{token}.ics"))


def test_a_revoked_feed_address_answers_the_same_neutral_404(app, client, matrix: Matrix, comite):
    client.sign_in(comite.world.partner)
    path = feed_path(client)
    calendar_app = app.test_client()  # no session: the address is the only key
    assert calendar_app.get(path).status_code == 200

    client.submit("/comites/calendrier/revoquer", {})

    assert_neutral_404(calendar_app.get(path))


@pytest.mark.parametrize("who", ["pilot", "partner", "reader"])
def test_the_feed_and_a_meetings_ics_name_no_youth(
    app, client, session: Session, matrix: Matrix, comite, who: str
):
    validated = session.get(Committee, matrix.ids["pub"])
    assert validated is not None
    validated.status = CommitteeStatus.VALIDATED
    session.commit()
    client.sign_in(getattr(comite.world, who))
    path = feed_path(client)
    single = client.get(f"/comites/{matrix.ids['pub']}.ics").get_data(as_text=True)

    feed = app.test_client().get(path).get_data(as_text=True)

    assert "2 jeunes à l'ordre du jour" in feed and "2 jeunes à l'ordre du jour" in single
    for body in (feed, single):
        assert names_in(body) == []
        for word in ("Lefèvre", "LEFÈVRE", "Rappeler", DecisionKind.CONTACT.label):
            assert word not in body  # neither a name, nor a decision or its comment

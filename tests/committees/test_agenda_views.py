"""A meeting's page and its agenda as each member sees it: the pilote prepares it with
buttons (propose, add, remove, move up and down, publish), a partner sees only their youth
once it is published, a reader the number of youth; the printable agenda in its full and
minimised versions (the statements they send: ``test_query_counts.py``)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.committees.models import (
    CommitteeStatus,
)
from psad.committees.services import meetings
from tests.committees.conftest import Comite, comite
from tests.committees.test_agenda import on_agenda, positions, propose
from tests.factories import make_psad, make_youth
from tests.followup.helpers import close
from tests.followup.test_worklists import adult
from tests.helpers import events, text

__all__ = ["comite"]


def url(comite: Comite, tail: str = "") -> str:
    return f"/comites/{comite.committee.id}{tail}"


def version(session: Session, comite: Comite) -> str:
    session.expire_all()
    return str(comite.committee.version)


def press(client, session: Session, comite: Comite, tail: str, **values: str):  # type: ignore[no-untyped-def]
    """Press a button of the meeting's page (its form carries the meeting's version)."""
    return client.submit(url(comite, tail), {"version": version(session, comite), **values})


def published(session: Session, comite: Comite) -> Comite:
    """The world's two youth on the agenda, published."""
    propose(session, comite)
    comite.committee.status = CommitteeStatus.PUBLISHED
    session.commit()
    return comite


# --- the pilote prepares the agenda ---------------------------------------------------------


def test_the_pilote_sees_the_draft_with_the_tools(client, comite: Comite, frozen_clock):
    client.sign_in(comite.world.pilot)

    page = text(client.get(url(comite)))

    assert "Comité technique" in page and "mardi 8 décembre 2026 à 14 h 00" in page
    assert "CIO de Lille, Mission locale de Lille" in page  # invited
    assert "Ordre du jour en préparation" in page
    assert "Proposer l'ordre du jour" in page and "Publier l'ordre du jour" in page
    assert "0 jeune à l'ordre du jour." in page


def test_proposing_from_the_page_lists_each_youth_with_why(
    client, session, comite: Comite, frozen_clock
):
    world = comite.world
    client.sign_in(world.pilot)

    response = press(client, session, comite, "/ordre-du-jour/proposer")

    assert response.status_code == 302
    assert response.headers["Location"] == url(comite, "#ordre-du-jour")
    page = text(client.get(url(comite)))
    assert "2 jeunes ajoutés à l'ordre du jour, chacun avec ses motifs." in page
    assert f'<a href="/jeunes/{world.minor.id}">LEFÈVRE Éloïse</a>' in page
    assert "14/03/2009" in page and "Lycée Baggio" in page
    assert "Sans solution depuis plusieurs semaines" in page
    assert "sans solution depuis 9 semaines" in page
    # buttons named for screen readers; the first line has no « Monter », the last no « Descendre »
    assert 'Descendre<span class="visually-hidden"> LEFÈVRE Éloïse</span>' in page
    assert 'Monter<span class="visually-hidden"> MARTIN Hugo</span>' in page
    assert 'Monter<span class="visually-hidden"> LEFÈVRE Éloïse</span>' not in page
    assert 'Retirer<span class="visually-hidden"> MARTIN Hugo</span>' in page


def test_moving_a_line_up_from_the_page(client, session, comite: Comite):
    propose(session, comite)
    client.sign_in(comite.world.pilot)
    martin = on_agenda(session, comite.committee)["MARTIN Hugo"]

    response = press(
        client, session, comite, f"/ordre-du-jour/{martin.id}/deplacer", direction="monter"
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#ligne-{martin.id}")
    assert positions(session, comite.committee) == [(1, "MARTIN Hugo"), (2, "LEFÈVRE Éloïse")]
    assert "MARTIN Hugo est en position 1." in text(client.get(url(comite)))


def test_a_button_of_an_older_page_is_refused_and_the_page_shown_as_it_is(
    client, session, comite: Comite
):
    propose(session, comite)
    client.sign_in(comite.world.pilot)
    lines = on_agenda(session, comite.committee)
    old = version(session, comite)
    press(
        client,
        session,
        comite,
        f"/ordre-du-jour/{lines['MARTIN Hugo'].id}/deplacer",
        direction="monter",
    )

    response = client.submit(
        url(comite, f"/ordre-du-jour/{lines['MARTIN Hugo'].id}/retirer"), {"version": old}
    )

    assert response.status_code == 409
    assert meetings.STALE in text(response)
    assert len(on_agenda(session, comite.committee)) == 2


def test_a_button_without_its_version_is_refused(client, session, comite: Comite):
    client.sign_in(comite.world.pilot)

    response = client.submit(url(comite, "/ordre-du-jour/proposer"), {})

    assert response.status_code == 422
    assert "Le formulaire est incomplet" in text(response)


def test_adding_a_youth_found_by_name(client, session, comite: Comite):
    world = comite.world
    zoe = adult(session, world, "Zoe")
    closed = adult(session, world, "Zoe", first_name="Close")
    close(session, world, closed.open_case, "refused")
    session.commit()
    client.sign_in(world.pilot)

    found = text(client.get(url(comite, "?ajouter=zoé")))

    assert 'Ajouter<span class="visually-hidden"> ZOE Test</span>' in found
    assert "ZOE Close" not in found  # no open case
    response = press(client, session, comite, "/ordre-du-jour/ajouter", youth_id=str(zoe.id))
    assert response.status_code == 302
    page = text(client.get(url(comite, "?ajouter=zoe")))
    assert "ZOE Test est à l'ordre du jour (position 1)." in page
    assert "Ajouté par un membre" in page
    assert 'Ajouter<span class="visually-hidden"> ZOE Test</span>' not in page  # already on it


def test_a_youth_outside_the_viewers_scope_answers_404(client, session, comite: Comite):
    elsewhere = make_youth(session, make_psad(session), last_name="Ailleurs")
    session.commit()
    client.sign_in(comite.world.pilot)

    response = press(client, session, comite, "/ordre-du-jour/ajouter", youth_id=str(elsewhere.id))

    assert response.status_code == 404
    assert on_agenda(session, comite.committee) == {}


def test_removing_from_the_page(client, session, comite: Comite):
    propose(session, comite)
    client.sign_in(comite.world.pilot)
    minor = on_agenda(session, comite.committee)["LEFÈVRE Éloïse"]

    response = press(client, session, comite, f"/ordre-du-jour/{minor.id}/retirer")

    assert response.status_code == 302
    assert positions(session, comite.committee) == [(1, "MARTIN Hugo")]


def test_publishing_from_the_page(client, session, comite: Comite, frozen_clock):
    client.sign_in(comite.world.pilot)

    response = press(client, session, comite, "/ordre-du-jour/publier")

    assert response.status_code == 302
    page = text(client.get(url(comite)))
    assert "Ordre du jour publié : les membres de la PSAD le voient." in page
    assert "Publier l'ordre du jour" not in page
    assert len(events(session, AuditAction.AGENDA_PUBLISHED)) == 1


def test_a_locked_meeting_shows_no_tools_and_refuses_changes(client, session, comite: Comite):
    propose(session, comite)
    comite.committee.status = CommitteeStatus.VALIDATED
    session.commit()
    client.sign_in(comite.world.pilot)

    page = text(client.get(url(comite)))
    response = press(client, session, comite, "/ordre-du-jour/proposer")

    assert "Proposer l'ordre du jour" not in page and "Retirer" not in page
    assert "LEFÈVRE Éloïse" in page
    assert response.status_code == 409
    assert "Le relevé de décisions de ce comité est validé" in text(response)


@pytest.mark.parametrize("role", ["partner", "reader"])
def test_only_pilotes_and_co_pilotes_change_the_agenda(client, session, comite: Comite, role):
    client.sign_in(getattr(comite.world, role))

    assert press(client, session, comite, "/ordre-du-jour/proposer").status_code == 403
    assert press(client, session, comite, "/ordre-du-jour/publier").status_code == 403


# --- what each member sees ------------------------------------------------------------------


def test_a_partner_sees_only_their_youth_on_a_published_agenda(client, session, comite):
    published(session, comite)
    client.sign_in(comite.world.partner)

    page = text(client.get(url(comite)))

    assert "LEFÈVRE Éloïse" in page and "MARTIN" not in page
    assert "2 jeunes à l'ordre du jour ; vous voyez 1 jeune : celui que vous suivez." in page
    assert "Proposer l'ordre du jour" not in page and "Monter" not in page


def test_a_reader_sees_the_count_and_no_name(client, session, comite: Comite):
    published(session, comite)
    client.sign_in(comite.world.reader)

    page = text(client.get(url(comite)))

    assert "2 jeunes à l'ordre du jour." in page
    assert "LEFÈVRE" not in page and "MARTIN Hugo" not in page and "/jeunes/" not in page
    assert client.get(url(comite, "/ordre-du-jour/imprimer")).status_code == 403


def test_a_draft_agenda_is_hidden_from_partners(client, session, comite: Comite):
    propose(session, comite)
    client.sign_in(comite.world.partner)

    response = client.get(url(comite))

    assert response.status_code == 200
    page = text(response)
    assert "CIO de Lille, salle 2" in page  # the meeting itself
    assert "Ordre du jour en préparation : il sera visible une fois publié" in page
    assert "LEFÈVRE" not in page
    assert client.get(url(comite, "/ordre-du-jour/imprimer")).status_code == 403


# --- printing -------------------------------------------------------------------------------


def with_contacts(session: Session, comite: Comite) -> Comite:
    minor = comite.world.minor
    minor.commune, minor.phone = "Roubaix", "+33612345678"
    session.commit()
    return published(session, comite)


def test_the_full_version_names_each_youth_with_contact_details(client, session, comite):
    with_contacts(session, comite)
    client.sign_in(comite.world.pilot)

    page = text(client.get(url(comite, "/ordre-du-jour/imprimer?version=complete")))

    assert "LEFÈVRE Éloïse" in page and "14/03/2009" in page
    assert "Roubaix" in page and "06 12 34 56 78" in page
    assert "Lycée Baggio" in page  # the referent
    assert "Sans solution depuis plusieurs semaines" in page
    [event] = events(session, AuditAction.MINUTES_EXPORTED)
    assert (event.object_id, event.detail) == (
        comite.committee.id,
        "ordre du jour, version=complete",
    )


def test_the_minimised_version_keeps_initials_and_birth_year(client, session, comite):
    with_contacts(session, comite)
    client.sign_in(comite.world.pilot)

    page = text(client.get(url(comite, "/ordre-du-jour/imprimer?version=reduite")))

    table = page.split("<table", 1)[1]
    assert '<th scope="row">É. L.</th>' in table and "<td>2009</td>" in table
    assert '<th scope="row">H. M.</th>' in table
    assert "LEFÈVRE" not in page and "Éloïse" not in page and "MARTIN Hugo" not in page
    assert "Roubaix" not in page and "06 12 34 56 78" not in page and "14/03/2009" not in page
    assert "Sans solution depuis plusieurs semaines" in table
    [event] = events(session, AuditAction.MINUTES_EXPORTED)
    assert event.detail == "ordre du jour, version=reduite"


def test_a_partner_prints_only_their_youth(client, session, comite: Comite):
    published(session, comite)
    client.sign_in(comite.world.partner)

    page = text(client.get(url(comite, "/ordre-du-jour/imprimer")))

    assert "LEFÈVRE Éloïse" in page and "MARTIN" not in page
    assert "1 jeune sur 2 (ceux que vous suivez)." in page


def test_an_unknown_version_answers_404(client, session, comite: Comite):
    client.sign_in(comite.world.pilot)

    assert client.get(url(comite, "/ordre-du-jour/imprimer?version=autre")).status_code == 404

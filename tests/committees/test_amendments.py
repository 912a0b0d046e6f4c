"""Amendments of validated minutes: only after validation, by the pilote, dated and signed,
about the minutes as a whole or one of the meeting's decisions, shown to a partner only when
about a youth they see."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from psad.committees.models import (
    Amendment,
    Decision,
    DecisionKind,
)
from psad.committees.services import minutes as services
from tests.committees.conftest import comite
from tests.committees.test_minutes import Held, meeting
from tests.followup.conftest import NOW, frozen_clock
from tests.helpers import count, events, field_error, text

__all__ = ["comite", "frozen_clock", "meeting"]


# --- amendments -----------------------------------------------------------------------------


def validated(session: Session, meeting: Held) -> None:
    world = meeting.comite.world
    services.validate_minutes(
        session,
        committee=meeting.committee,
        version=None,
        by=world.pilot,
        now=NOW,
        actor=world.actor(world.pilot),
    )
    session.commit()


def test_no_amendment_before_validation(client, session: Session, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)

    response = client.submit(f"{meeting.url}/amendements", {"decision_id": 0, "text": "Erratum"})

    assert response.status_code == 409
    assert count(session, Amendment) == 0


def test_an_amendment_is_shown_dated_with_its_author_and_the_youth(
    client, session: Session, meeting: Held
) -> None:
    validated(session, meeting)
    client.sign_in(meeting.comite.world.pilot)

    response = client.submit(
        f"{meeting.url}/amendements",
        {"decision_id": meeting.minor_decision.id, "text": "Échéance reportée au 5 janvier."},
    )

    assert response.status_code == 302
    [amendment] = session.query(Amendment).all()
    assert amendment.author_id == meeting.comite.world.pilot.id
    assert amendment.decision_id == meeting.minor_decision.id
    page = text(client.get(f"{meeting.url}/releve"))
    assert "Le 07/12/2026 à 10:00, par Claire Martin" in page
    assert "décision concernant LEFÈVRE Éloïse" in page
    assert "Échéance reportée au 5 janvier." in page
    [event] = events(session, "committee.minutes_amended")
    assert event.detail == f"amendement={amendment.id}; décision={meeting.minor_decision.id}"


def test_a_partner_does_not_read_an_amendment_about_a_youth_they_do_not_see(
    client, session: Session, meeting: Held
) -> None:
    validated(session, meeting)
    world = meeting.comite.world
    for decision, words in ((meeting.adult_decision, "Référent changé"), (None, "Lieu corrigé")):
        services.amend_minutes(
            session,
            committee=meeting.committee,
            text=words,
            decision=decision,
            by=world.pilot,
            now=NOW,
            actor=world.actor(world.pilot),
        )
    session.commit()
    client.sign_in(world.partner)

    page = text(client.get(f"{meeting.url}/releve"))

    assert "Lieu corrigé" in page
    assert "Référent changé" not in page


def test_an_amendment_needs_a_text_of_at_most_2000_characters(
    client, session: Session, meeting: Held
) -> None:
    validated(session, meeting)
    client.sign_in(meeting.comite.world.pilot)

    empty = client.submit(f"{meeting.url}/amendements", {"decision_id": 0, "text": "  "})
    long = client.submit(f"{meeting.url}/amendements", {"decision_id": 0, "text": "x" * 2001})

    assert empty.status_code == 422
    assert field_error(empty, "text") == "Écrivez la correction apportée au relevé."
    assert long.status_code == 422
    assert field_error(long, "text") == "2000 caractères au plus."
    assert count(session, Amendment) == 0


def test_an_amendment_refers_only_to_a_decision_of_the_meeting(
    client, session: Session, meeting: Held
) -> None:
    validated(session, meeting)
    client.sign_in(meeting.comite.world.pilot)

    response = client.submit(
        f"{meeting.url}/amendements", {"decision_id": 999_999, "text": "Erratum"}
    )

    assert response.status_code == 422
    assert field_error(response, "decision_id")
    assert count(session, Amendment) == 0


def test_the_service_refuses_a_decision_of_another_meeting(session: Session, meeting: Held) -> None:
    validated(session, meeting)
    world = meeting.comite.world
    other = Decision(committee_id=0, item_id=0, youth_id=world.adult.id, kind=DecisionKind.WATCH)
    with pytest.raises(services.AmendmentError, match="pas une décision de ce comité"):
        services.amend_minutes(
            session,
            committee=meeting.committee,
            text="Erratum",
            decision=other,
            by=world.pilot,
            now=NOW,
            actor=world.actor(world.pilot),
        )


@pytest.mark.parametrize("who", ["copilot", "partner"])
def test_only_the_pilote_amends(client, session: Session, meeting: Held, who: str) -> None:
    validated(session, meeting)
    client.sign_in(getattr(meeting.comite.world, who))

    response = client.submit(f"{meeting.url}/amendements", {"decision_id": 0, "text": "Erratum"})

    assert response.status_code == 403
    assert count(session, Amendment) == 0

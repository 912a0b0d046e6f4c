"""The youth's timeline shows each comité where they were reviewed: the decision with who
acts, the due date, the comment and who recorded it, or « sans décision » once the minutes
are validated."""

from __future__ import annotations

from psad.committees import timeline
from psad.committees.models import CommitteeStatus, DecisionKind
from tests.committees.conftest import comite, frozen_clock
from tests.committees.test_decisions import DUE, decide, publish
from tests.helpers import text

__all__ = ["comite", "frozen_clock"]


def test_the_file_shows_the_decision_in_the_timeline(client, session, comite, frozen_clock):
    offer, world = comite.offer, comite.world
    [item] = publish(session, comite, world.adult)
    decision = decide(
        session, comite, item, DecisionKind.ORIENTATION, programme=offer.e2c,
        site=offer.e2c_site, acting_structure=world.mission, acting_user=world.copilot,
        due_on=DUE, comment="Visite de l'E2C",
    )  # fmt: skip
    session.commit()
    client.sign_in(world.pilot)

    page = text(client.get(f"/jeunes/{world.adult.id}"))

    row = page[page.index(f'id="comite-decision-{decision.id}"') :]
    row = row[: row.index("</tr>")]
    assert "08/12/2026" in row
    assert (
        "Comité technique du 08/12/2026 : Orientation proposée · École de la deuxième chance "
        "(E2C) · E2C Lille Métropole (Roubaix)" in row
    )
    assert "Qui agit : Mission locale de Lille · Karim Benali" in row
    assert "Échéance : 22/12/2026" in row and "Visite de l'E2C" in row
    assert "Claire Martin" in row


def test_a_referent_decision_names_the_referent(session, comite):
    world = comite.world
    [item] = publish(session, comite, world.adult)
    decide(session, comite, item, DecisionKind.REFERENT, acting_structure=world.school)
    session.commit()

    [entry] = timeline.entries(session, world.adult)

    assert entry.kind == "committee"
    assert entry.what == "Comité technique du 08/12/2026 : Référent désigné"
    assert entry.details == ("Référent : Lycée Baggio",)


def test_a_youth_reviewed_without_a_decision_once_the_minutes_are_validated(session, comite):
    world = comite.world
    first, _ = publish(session, comite, world.adult, world.minor)
    decide(session, comite, first, DecisionKind.ADJOURNED)
    session.commit()
    assert timeline.entries(session, world.minor) == []  # the meeting is still going on

    comite.committee.status = CommitteeStatus.VALIDATED
    session.commit()

    [entry] = timeline.entries(session, world.minor)
    assert entry.what == "Examiné en comité technique du 08/12/2026 (sans décision)"
    [adjourned] = timeline.entries(session, world.adult)
    assert adjourned.what == "Comité technique du 08/12/2026 : Ajourné"

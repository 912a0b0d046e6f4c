"""The meeting mode: one youth at a time (« n / total »), what matters to decide beside the
decision form, the decision saved and the next youth shown; validation under the fields; a
full site confirmed; a line decided by someone else meanwhile shown, not overwritten; a
meeting not published or locked refused; only pilotes and co-pilotes of the PSAD (the
statements the page sends: ``test_query_counts.py``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.committees.models import (
    AgendaItem,
    Committee,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.committees.services import decisions
from psad.followup.models import Contact, Task, TaskRule
from psad.orientations.models import Orientation, OrientationStatus
from psad.reference.models import ReferenceKind
from psad.youth.models import CaseSource, CaseStatus, Youth
from tests.committees.conftest import Comite, comite, frozen_clock, make_orientation
from tests.committees.test_decisions import DUE, decide, publish
from tests.factories import make_psad
from tests.followup.conftest import reference
from tests.helpers import count, field_error, text

__all__ = ["comite", "frozen_clock"]

EARLIER = datetime(2026, 11, 10, 13, 0, tzinfo=UTC)  # the previous comité, 14:00 in Paris


def item_url(comite: Comite, n: int) -> str:
    return f"/comites/{comite.committee.id}/seance/{n}"


@pytest.fixture
def pilot(client, comite, frozen_clock):  # type: ignore[no-untyped-def]
    client.sign_in(comite.world.pilot)
    return client


def add_contact(
    session: Session, comite: Comite, youth: Youth, at: datetime, *, reached: bool, outcome: str
) -> Contact:
    contact = Contact(
        case=youth.cases[0],
        occurred_at=at,
        channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "phone"),
        reached=reached,
        outcome=reference(session, ReferenceKind.CONTACT_OUTCOME, outcome),
        author=comite.world.pilot,
    )
    session.add(contact)
    session.flush()
    return contact


def previous_comite(session: Session, comite: Comite, youth: Youth) -> Decision:
    """A comité on 10 November where the co-pilote was to call the youth by 20 November."""
    world = comite.world
    earlier = Committee(psad=world.psad, starts_at=EARLIER, invited=[world.cio])
    session.add(earlier)
    [item] = publish(session, comite, youth, committee=earlier)
    decision = decide(
        session, comite, item, DecisionKind.CONTACT, acting_user=world.copilot,
        due_on=date(2026, 11, 20), today=date(2026, 11, 10),
        now=EARLIER + timedelta(minutes=30),
    )  # fmt: skip
    earlier.status = CommitteeStatus.VALIDATED
    session.commit()
    return decision


# --- stepping through the agenda ----------------------------------------------------------------


def test_the_meeting_starts_at_the_first_youth_without_a_decision(pilot, session, comite):
    first, _ = publish(session, comite, comite.world.minor, comite.world.adult)
    decide(session, comite, first, DecisionKind.ADJOURNED)
    session.commit()

    response = pilot.get(f"/comites/{comite.committee.id}/seance")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(item_url(comite, 2))


def test_an_empty_agenda_leads_back_to_the_comite(pilot, session, comite):
    publish(session, comite)

    response = pilot.get(f"/comites/{comite.committee.id}/seance")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/comites/{comite.committee.id}")


def test_the_page_shows_the_position_the_youth_and_why(pilot, session, comite):
    world = comite.world
    world.minor.commune = "Roubaix"
    publish(session, comite, world.adult, world.minor)

    page = text(pilot.get(item_url(comite, 2)))

    assert "Jeune 2 / 2" in page
    assert "LEFÈVRE Éloïse" in page
    assert "17 ans" in page and "Roubaix" in page
    assert "Référent</dt><dd" in page and "Lycée Baggio" in page
    assert "Sans solution depuis plusieurs semaines" in page
    assert "Sans solution depuis 10 semaines" in page  # the line's detail


def test_the_page_shows_what_matters_to_decide(pilot, session, comite):
    offer, world = comite.offer, comite.world
    adult = world.adult
    adult.school_exit_date = date(2025, 6, 30)
    adult.cases[0].source = CaseSource.LISTING  # left without the qualification level
    adult.cases[0].situation = reference(session, ReferenceKind.SITUATION, "no_solution")
    previous_comite(session, comite, adult)
    for day, reached, outcome in [
        (2, False, "no_answer"),
        (20, False, "message_left"),
        (25, True, "appointment"),
        (28, False, "wrong_details"),
    ]:
        add_contact(
            session, comite, adult, datetime(2026, 11, day, 9, tzinfo=UTC),
            reached=reached, outcome=outcome,
        )  # fmt: skip
    make_orientation(session, adult.cases[0], offer.e2c, site=offer.e2c_site, on=date(2026, 11, 26))
    [_] = publish(session, comite, adult)

    page = text(pilot.get(item_url(comite, 1)))

    assert "Sans solution (ni formation, ni emploi, ni accompagnement)" in page
    contacts = page[page.index("Derniers contacts") : page.index("Décision du comité précédent")]
    assert "Coordonnées incorrectes" in contacts and "Rendez-vous pris" in contacts
    assert "Message laissé" in contacts
    assert "Contacté mais sans réponse" not in contacts  # only the last three
    assert "Comité technique du 10/11/2026 : Contact à prendre" in page
    assert "Qui agit : Karim Benali" in page
    assert "3 contacts, le dernier le 28/11/2026" in page  # the three after 10 November
    assert (
        "1 étape d'orientation, la dernière : École de la deuxième chance (E2C) : Proposée" in page
    )
    assert "Tâche en retard de 17 jours (échéance du 20/11/2026)" in page
    assert re.search(r"École de la deuxième chance \(E2C\) · E2C Lille Métropole \(Roubaix\) : "
                     r"<strong>Proposée</strong>", page)  # fmt: skip
    eligible = page[page.index("Dispositifs éligibles") :]
    assert "2026-2027" in eligible
    assert "E2C Lille Métropole (Roubaix) : 2 places libres sur 2" in eligible


def test_a_first_review_says_so(pilot, session, comite):
    publish(session, comite, comite.world.adult)

    page = text(pilot.get(item_url(comite, 1)))

    assert "Premier passage en comité." in page
    assert "Aucun contact enregistré." in page


# --- recording ----------------------------------------------------------------------------------


def test_save_and_next_records_and_moves_on(pilot, session, comite):
    offer, world = comite.offer, comite.world
    publish(session, comite, world.adult, world.minor)

    response = pilot.submit(
        item_url(comite, 1),
        {
            "kind": "orientation",
            "choice": f"{offer.e2c.id}:{offer.e2c_site.id}",
            "acting_structure": str(world.mission.id),
            "due_on": "22/12/2026",
            "comment": "Visite de l'E2C",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(item_url(comite, 2))
    decision = session.scalar(select(Decision))
    orientation = session.scalar(select(Orientation).where(Orientation.decision_id == decision.id))
    assert orientation is not None and orientation.status is OrientationStatus.PROPOSED
    task = session.scalar(select(Task).where(Task.fact_id == decision.id))
    assert task is not None and task.rule is TaskRule.COMMITTEE_DECISION


def test_after_the_last_youth_the_meeting_page_follows(pilot, session, comite):
    publish(session, comite, comite.world.adult)

    response = pilot.submit(item_url(comite, 1), {"kind": "adjourned"})

    assert response.status_code == 302
    assert f"/comites/{comite.committee.id}" in response.headers["Location"]
    assert count(session, Decision) == 1


def test_a_referent_and_a_close_from_the_form(pilot, session, comite):
    world = comite.world
    publish(session, comite, world.adult, world.minor)

    pilot.submit(
        item_url(comite, 1),
        {"kind": "referent", "acting_structure": str(world.mission.id),
         "acting_user": str(world.copilot.id)},
    )  # fmt: skip
    pilot.submit(item_url(comite, 2), {"kind": "close", "closing_reason": "refused"})

    session.expire_all()
    adult, minor = session.get(Youth, world.adult.id), session.get(Youth, world.minor.id)
    assert adult.cases[0].referent_user_id == world.copilot.id
    assert minor.cases[0].status is CaseStatus.CLOSED
    assert minor.cases[0].closing_reason.code == "refused"


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({}, "kind", "Choisissez la décision du comité."),
        ({"kind": "orientation"}, "choice", "Choisissez le dispositif (et son site) proposé."),
        ({"kind": "referent"}, "acting_structure",
         "Indiquez la structure ou la personne référente."),
        ({"kind": "contact", "due_on": "22/12/2026"}, "acting_structure",
         "Indiquez qui prend contact : une structure ou une personne."),
        ({"kind": "contact", "acting_structure": "{mission}"}, "due_on",
         "Indiquez l'échéance du contact."),
        ({"kind": "close"}, "closing_reason", "Choisissez le motif de clôture."),
        ({"kind": "watch", "due_on": "01/12/2026"}, "due_on",
         "L'échéance ne peut pas précéder la date du comité (08/12/2026)."),
    ],
)  # fmt: skip
def test_what_a_kind_needs_is_asked_under_its_field(pilot, session, comite, form, field, message):
    publish(session, comite, comite.world.adult)
    form = {k: v.format(mission=comite.world.mission.id) for k, v in form.items()}

    response = pilot.submit(item_url(comite, 1), form)

    assert response.status_code == 422
    assert field_error(response, field) == message
    assert count(session, Decision) == 0


def test_a_full_site_asks_for_a_confirmation(pilot, session, comite):
    offer, world = comite.offer, comite.world
    make_orientation(
        session, world.minor_case, offer.micro_lycee, site=offer.micro_site,
        status=OrientationStatus.ACCEPTED,
    )  # fmt: skip
    publish(session, comite, world.adult)
    form = {"kind": "orientation", "choice": f"{offer.micro_lycee.id}:{offer.micro_site.id}"}

    refused = pilot.submit(item_url(comite, 1), form)

    assert refused.status_code == 409
    assert "est complet pour l'année scolaire" in text(refused)
    assert "Je confirme l'orientation vers un site complet" in text(refused)
    assert count(session, Decision) == 0

    confirmed = pilot.submit(item_url(comite, 1), {**form, "confirm_full": "y"})

    assert confirmed.status_code == 302
    assert count(session, Orientation, Orientation.decision_id.is_not(None)) == 1


def test_a_decision_recorded_meanwhile_is_shown_not_overwritten(pilot, session, comite):
    world = comite.world
    [item] = publish(session, comite, world.adult)
    page = pilot.get(item_url(comite, 1))  # the pilote's page is open...
    assert 'name="kind"' in text(page)
    decide(  # ...when the co-pilote records the decision
        session, comite, item, DecisionKind.CONTACT, acting_user=world.copilot, due_on=DUE,
        by=world.copilot,
    )  # fmt: skip
    session.commit()

    response = pilot.submit(item_url(comite, 1), {"kind": "close", "closing_reason": "refused"})

    assert response.status_code == 409
    shown = text(response)
    assert (
        "Karim Benali a déjà enregistré la décision de ce jeune à 10 h 00 : Contact à prendre"
        in (shown)
    )
    assert 'Qui agit</dt><dd class="col-sm-8">Karim Benali' in shown
    session.expire_all()
    [stored] = session.scalars(select(Decision))
    assert stored.kind is DecisionKind.CONTACT
    assert session.get(Youth, world.adult.id).cases[0].is_open


@pytest.mark.committed  # two connections on PostgreSQL: the request's and the co-pilote's
def test_a_decision_saved_at_the_same_instant_is_shown(pilot, session, comite, monkeypatch):
    world = comite.world
    [item] = publish(session, comite, world.adult)

    def at_the_same_instant(*args: object, **kwargs: object) -> None:
        """The co-pilote's decision is committed first; the pilote's insert then fails."""
        line = session.get(AgendaItem, item.id)
        decide(session, comite, line, DecisionKind.WATCH, by=world.copilot)
        session.commit()
        raise decisions.DecisionRaceError("Une autre décision a été enregistrée en même temps.")

    monkeypatch.setattr(decisions, "record_decision", at_the_same_instant)

    response = pilot.submit(item_url(comite, 1), {"kind": "adjourned"})

    assert response.status_code == 409
    assert (
        "Karim Benali a déjà enregistré la décision de ce jeune à 10 h 00 : Veille (à revoir)"
        in (text(response))
    )
    assert count(session, Decision) == 1


def test_a_decided_line_shows_its_decision_without_a_form(pilot, session, comite):
    [item] = publish(session, comite, comite.world.adult)
    decide(session, comite, item, DecisionKind.ADJOURNED, comment="Dossier incomplet")
    session.commit()

    page = text(pilot.get(item_url(comite, 1)))

    assert "Ajourné" in page and "Dossier incomplet" in page
    assert 'name="kind"' not in page


# --- who and when -------------------------------------------------------------------------------


def test_a_meeting_not_published_is_refused(pilot, session, comite):
    session.add(AgendaItem(committee=comite.committee, youth=comite.world.adult, position=1,
                           reasons="added"))  # fmt: skip
    session.commit()

    response = pilot.get(item_url(comite, 1))

    assert response.status_code == 409
    assert "L'ordre du jour n'est pas encore publié" in text(response)


def test_a_locked_meeting_is_refused(pilot, session, comite):
    publish(session, comite, comite.world.adult)
    comite.committee.status = CommitteeStatus.VALIDATED
    session.commit()

    response = pilot.submit(item_url(comite, 1), {"kind": "adjourned"})

    assert response.status_code == 409
    assert "relevé de décisions de ce comité est validé" in text(response)
    assert count(session, Decision) == 0


@pytest.mark.parametrize("role", ["partner", "reader"])
def test_partners_and_readers_do_not_run_the_meeting(client, session, comite, frozen_clock, role):
    publish(session, comite, comite.world.minor)
    client.sign_in(getattr(comite.world, role))

    assert client.get(item_url(comite, 1)).status_code == 403
    assert client.submit(item_url(comite, 1), {"kind": "adjourned"}).status_code == 403
    assert count(session, Decision) == 0


def test_a_comite_of_another_psad_and_a_line_beyond_the_agenda_are_not_found(
    pilot, session, comite
):
    publish(session, comite, comite.world.adult)
    other = Committee(psad=make_psad(session), starts_at=EARLIER, status=CommitteeStatus.PUBLISHED)
    session.add(other)
    session.commit()

    assert pilot.get(f"/comites/{other.id}/seance/1").status_code == 404
    assert pilot.get(item_url(comite, 2)).status_code == 404

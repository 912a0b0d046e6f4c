"""The minutes of a comité: rows per youth in the full and the minimised version, what a
partner and a reader see, the pilote's validation (which locks the meeting). The amendments
are in ``test_amendments.py``.

``held``: the ``comite`` with its agenda published and the meeting held: « LEFÈVRE Éloïse »
(oriented to the micro-lycée, the Lycée Baggio acts), « MARTIN Hugo » (a referent assigned,
the mission locale acts), « DUPONT Jean-Pierre » (no decision); the pilote and the co-pilote
present, and a guest of the CIDJ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from psad.auth.models import Role
from psad.committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.committees.services import minutes as services
from psad.committees.services.state import CommitteeStateError, ensure_open
from psad.youth.models import Youth
from tests.committees.conftest import Comite
from tests.factories import make_psad, make_user, make_youth
from tests.followup.conftest import NOW
from tests.helpers import events, text

DUE = date(2026, 12, 22)


@dataclass
class Held:
    comite: Comite
    committee: Committee
    third: Youth
    minor_decision: Decision
    adult_decision: Decision

    @property
    def url(self) -> str:
        return f"/comites/{self.committee.id}"


def held(session: Session, comite: Comite, *, comment: str = "Rencontre avec la famille") -> Held:
    world, offer, committee = comite.world, comite.offer, comite.committee
    third = make_youth(
        session,
        world.psad,
        last_name="Dupont",
        first_name="Jean-Pierre",
        birth_date=date(2008, 1, 5),
    )
    session.flush()
    items = [
        AgendaItem(committee=committee, youth_id=world.minor.id, position=1, reasons="no_solution"),
        AgendaItem(
            committee=committee, youth_id=world.adult.id, position=2, reasons="unreachable,added"
        ),
        AgendaItem(committee=committee, youth_id=third.id, position=3, reasons="adjourned"),
    ]
    session.add_all(items)
    session.flush()
    minor_case_id, adult_case_id = world.minor_case.id, world.adult_case.id
    with session.no_autoflush:  # the decisions are added whole
        minor_decision = Decision(
            committee_id=committee.id,
            item=items[0],
            youth_id=world.minor.id,
            case_id=minor_case_id,
            kind=DecisionKind.ORIENTATION,
            programme_id=offer.micro_lycee.id,
            site_id=offer.micro_site.id,
            acting_structure_id=world.school.id,
            acting_user_id=world.partner.id,
            due_on=DUE,
            comment=comment,
            recorded_by_id=world.pilot.id,
        )
        adult_decision = Decision(
            committee_id=committee.id,
            item=items[1],
            youth_id=world.adult.id,
            case_id=adult_case_id,
            kind=DecisionKind.REFERENT,
            acting_structure_id=world.mission.id,
            acting_user_id=world.copilot.id,
            due_on=date(2026, 12, 15),
            recorded_by_id=world.pilot.id,
        )
        session.add_all(
            [
                minor_decision,
                adult_decision,
                Attendance(committee=committee, user_id=world.pilot.id, structure_id=world.cio.id),
                Attendance(
                    committee=committee, user_id=world.copilot.id, structure_id=world.mission.id
                ),
                Attendance(committee=committee, guest_name="Paul Roy", structure_label="CIDJ"),
            ]
        )
    committee.status = CommitteeStatus.PUBLISHED
    session.commit()
    return Held(comite, committee, third, minor_decision, adult_decision)


@pytest.fixture
def meeting(session: Session, comite: Comite, frozen_clock: None) -> Held:
    return held(session, comite)


NAMES = ("Lefèvre", "LEFÈVRE", "Éloïse", "Hugo", "Dupont", "DUPONT", "Jean-Pierre")


# --- the page -------------------------------------------------------------------------------


def test_full_minutes_show_one_row_per_youth_in_agenda_order(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)

    page = text(client.get(f"{meeting.url}/releve"))

    assert "Relevé de décisions" in page
    assert "Comité technique — PSAD de Lille" in page
    assert "mardi 8 décembre 2026 à 14 h" in page
    assert "Relevé provisoire" in page
    assert page.index("LEFÈVRE Éloïse") < page.index("MARTIN Hugo") < page.index("DUPONT Jean")
    assert "14/03/2009" in page
    assert "Sans solution depuis plusieurs semaines" in page
    assert "Micro-lycée (structure de retour à l'école)" in page
    assert "Lycée Baggio (Lille)" in page
    assert "Lycée Baggio · Sophie Durand" in page
    assert "22/12/2026" in page
    assert "Rencontre avec la famille" in page
    assert "Mission locale de Lille · Karim Benali" in page
    assert "Pas de décision" in page
    assert "Claire Martin — CIO de Lille" in page
    assert "Paul Roy — CIDJ" in page
    assert "Présents (3)" in page


def test_minimised_minutes_show_initials_and_birth_year_never_a_name(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)

    page = text(client.get(f"{meeting.url}/releve?version=reduite"))

    assert "É. L." in page
    assert "H. M." in page
    assert "J.-P. D." in page
    assert "2009" in page
    assert "14/03/2009" not in page
    for name in NAMES:
        assert name not in page
    assert "Rencontre avec la famille" not in page  # free text stays in the full version


def test_a_reader_sees_the_decisions_counted_and_no_youth(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.reader)

    response = client.get(f"{meeting.url}/releve")

    page = text(response)
    assert response.status_code == 200
    assert "Décisions par type" in page
    assert '<th scope="row">Orientation proposée</th><td>1</td>' in page
    assert '<th scope="row">Pas de décision</th><td>1</td>' in page
    for name in (*NAMES, "É. L.", "14/03/2009"):
        assert name not in page
    assert "Tableur .xlsx" not in page


def test_a_partner_sees_only_their_youth(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.partner)

    page = text(client.get(f"{meeting.url}/releve"))

    assert "LEFÈVRE Éloïse" in page
    assert "Hugo" not in page
    assert "Jean-Pierre" not in page


def test_no_minutes_before_the_agenda_is_published(
    client, session: Session, comite: Comite, frozen_clock: None
) -> None:
    client.sign_in(comite.world.pilot)

    response = client.get(f"/comites/{comite.committee.id}/releve")

    assert response.status_code == 409
    assert "une fois l'ordre du jour du comité publié" in text(response)


def test_another_psads_meeting_answers_404(
    client, session: Session, comite: Comite, frozen_clock: None
) -> None:
    other = make_psad(session, code="ROUBAIX", name="PSAD de Roubaix")
    stranger = make_user(session, psad=other, role=Role.PILOT, email="p@roubaix.example")
    session.commit()
    client.sign_in(stranger)

    assert client.get(f"/comites/{comite.committee.id}/releve").status_code == 404


# --- validation -----------------------------------------------------------------------------


def test_the_pilote_validates_the_minutes_which_locks_the_meeting(
    client, session: Session, meeting: Held
) -> None:
    world = meeting.comite.world
    client.sign_in(world.pilot)
    version = meeting.committee.version

    response = client.submit(f"{meeting.url}/valider", {"version": version})

    assert response.status_code == 302
    session.expire_all()
    committee = session.get(Committee, meeting.committee.id)
    assert committee is not None
    assert committee.status is CommitteeStatus.VALIDATED
    assert committee.validated_by_id == world.pilot.id
    assert committee.validated_at == NOW
    with pytest.raises(CommitteeStateError):
        ensure_open(committee)
    page = text(client.get(f"{meeting.url}/releve"))
    assert "Validé le 07/12/2026 par Claire Martin" in page
    [event] = events(session, "committee.minutes_validated")
    assert event.object_id == committee.id
    assert event.detail == "lignes=3; décisions=2"


def test_validating_twice_answers_409(client, session: Session, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)
    version = meeting.committee.version
    client.submit(f"{meeting.url}/valider", {"version": version})

    again = client.submit(f"{meeting.url}/valider", {"version": version + 1})

    assert again.status_code == 409
    assert "est validé : il ne change plus" in text(again)
    assert len(events(session, "committee.minutes_validated")) == 1


def test_a_meeting_changed_meanwhile_is_not_validated(
    client, session: Session, meeting: Held
) -> None:
    client.sign_in(meeting.comite.world.pilot)
    read = meeting.committee.version
    meeting.committee.place = "Mission locale, salle 1"  # someone changed it meanwhile
    session.commit()

    response = client.submit(f"{meeting.url}/valider", {"version": read})

    assert response.status_code == 409
    assert "relisez-le" in text(response)
    session.expire_all()
    assert session.get(Committee, meeting.committee.id).status is CommitteeStatus.PUBLISHED  # type: ignore[union-attr]


@pytest.mark.parametrize("who", ["copilot", "partner", "reader"])
def test_only_the_pilote_validates(client, session: Session, meeting: Held, who: str) -> None:
    client.sign_in(getattr(meeting.comite.world, who))

    response = client.submit(f"{meeting.url}/valider", {"version": meeting.committee.version})

    assert response.status_code == 403
    session.expire_all()
    assert session.get(Committee, meeting.committee.id).status is CommitteeStatus.PUBLISHED  # type: ignore[union-attr]


def test_a_draft_meeting_cannot_be_validated(session: Session, comite: Comite) -> None:
    world = comite.world
    with pytest.raises(CommitteeStateError, match="pas encore publié"):
        services.validate_minutes(
            session,
            committee=comite.committee,
            version=None,
            by=world.pilot,
            now=NOW,
            actor=world.actor(world.pilot),
        )

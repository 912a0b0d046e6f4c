"""DARFI: a request makes the 15-day interview task and countdown; its eligibility in one
sentence; the interview closes the task. Services, pages and the role matrix."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from psad.errors import DomainError
from psad.followup import panels, services
from psad.followup.models import DarfiRequest, DarfiSource, Diploma, Task, TaskRule
from psad.youth.models import CaseStatus
from tests.followup.conftest import NOW, TODAY
from tests.followup.helpers import sign_in_as
from tests.helpers import count, field_error, text


def request_darfi(session, world, *, case=None, on=TODAY, diploma=Diploma.NONE, by=None):
    by = by or world.pilot
    darfi = services.record_darfi_request(
        session,
        case=case or world.minor_case,
        requested_on=on,
        source=DarfiSource.FAMILY,
        diploma=diploma,
        wish="Retour en 1re bac pro",
        by=by,
        today=TODAY,
        actor=world.actor(by),
    )
    session.commit()
    return darfi


def interview(session, world, darfi, *, held_on=TODAY):
    services.record_darfi_interview(
        session,
        case=world.minor_case,
        request=darfi,
        held_on=held_on,
        outcome="Inscription au lycée proposée",
        by=world.copilot,
        today=TODAY,
        now=NOW,
        actor=world.actor(world.copilot),
    )


def darfi_task(session) -> Task:
    return session.scalar(select(Task).where(Task.rule == TaskRule.DARFI_INTERVIEW))


# --- services -------------------------------------------------------------------------------


def test_a_request_makes_the_interview_task_due_in_15_days_for_the_referent(session, world):
    request_darfi(session, world, on=TODAY - timedelta(days=2))

    task = darfi_task(session)
    assert task.due_on == TODAY + timedelta(days=13)
    assert task.assignee_structure_id == world.school.id  # the case's referent


def test_without_a_referent_the_task_is_for_who_recorded_the_request(session, world):
    request_darfi(session, world, case=world.adult_case, by=world.copilot)

    assert darfi_task(session).assignee_user_id == world.copilot.id


def test_a_request_in_the_future_is_refused(session, world):
    with pytest.raises(DomainError, match="dans le futur"):
        request_darfi(session, world, on=TODAY + timedelta(days=1))


def test_no_request_on_a_closed_case(session, world):
    world.minor_case.status = CaseStatus.CLOSED

    with pytest.raises(DomainError, match="clos"):
        request_darfi(session, world)


def test_the_interview_closes_the_task(session, world):
    darfi = request_darfi(session, world)

    interview(session, world, darfi)

    assert darfi.interview_on == TODAY and darfi.interview_by == world.copilot
    assert darfi_task(session).is_done


def test_an_interview_is_recorded_once(session, world):
    darfi = request_darfi(session, world)
    interview(session, world, darfi)

    with pytest.raises(DomainError, match="déjà enregistré"):
        interview(session, world, darfi)


def test_an_interview_cannot_precede_the_request(session, world):
    darfi = request_darfi(session, world)

    with pytest.raises(DomainError, match="précéder"):
        interview(session, world, darfi, held_on=TODAY - timedelta(days=1))


def test_the_countdown_says_until_when_and_in_how_many_days(session, world):
    darfi = request_darfi(session, world, on=TODAY - timedelta(days=5))

    row = panels.darfi_row(darfi, world.minor.birth_date, TODAY)

    assert row.countdown == "Entretien à tenir avant le 17/12/2026 (dans 10 jours)."
    assert not row.overdue


def test_an_overdue_interview_says_by_how_many_days(session, world):
    darfi = request_darfi(session, world, on=TODAY - timedelta(days=20))

    row = panels.darfi_row(darfi, world.minor.birth_date, TODAY)

    assert row.countdown == "Entretien en retard de 5 jours (à tenir avant le 02/12/2026)."
    assert row.overdue


@pytest.mark.parametrize(
    ("diploma", "sentence"),
    [
        (Diploma.NONE, "Éligible : 17 ans et aucun diplôme."),
        (
            Diploma.UNKNOWN,
            "À vérifier : 17 ans, mais le diplôme le plus élevé n'est pas renseigné.",
        ),
        (Diploma.QUALIFYING, "Non éligible : le jeune a un bac ou un diplôme professionnel"),
    ],
)
def test_eligibility_is_said_in_one_sentence(session, world, diploma, sentence):
    darfi = request_darfi(session, world, diploma=diploma)

    row = panels.darfi_row(darfi, world.minor.birth_date, TODAY)

    assert row.eligibility.sentence.startswith(sentence)


# --- pages ----------------------------------------------------------------------------------


def test_recording_a_request_shows_the_countdown_and_the_task(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/darfi/nouvelle",
        {"requested_on": "07/12/2026", "source": "youth", "diploma": "dnb", "wish": "Bac pro"},
    )

    assert response.location == f"/jeunes/{world.minor.id}"
    page = text(pilot_client.get(response.location))
    assert "Demande DARFI enregistrée : l'entretien est dû sous 15 jours." in page
    assert "Entretien à tenir avant le 22/12/2026 (dans 15 jours)." in page
    assert "Éligible : 17 ans et diplôme national du brevet (DNB) seulement." in page
    assert "Entretien DARFI (15 jours)" in page  # the task, on the tasks panel
    assert session.scalar(select(DarfiRequest)).wish == "Bac pro"


def test_the_request_form_warns_against_sensitive_data_and_defaults_to_today(pilot_client, world):
    page = text(pilot_client.get(f"/jeunes/{world.minor.id}/darfi/nouvelle"))

    assert 'value="2026-12-07"' in page or 'value="07/12/2026"' in page
    assert "Ne saisissez aucune donnée de santé" in page


def test_a_request_dated_in_the_future_is_refused_on_its_field(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/darfi/nouvelle",
        {"requested_on": "08/12/2026", "source": "youth", "diploma": "none"},
    )

    assert response.status_code == 422
    assert field_error(response, "requested_on") == "Cette date est dans le futur."
    assert count(session, DarfiRequest) == 0


def test_recording_the_interview_closes_the_task_and_shows_it_held(pilot_client, session, world):
    darfi = request_darfi(session, world, on=TODAY - timedelta(days=3))

    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/darfi/{darfi.id}/entretien",
        {"held_on": "07/12/2026", "outcome": "Retour au lycée"},
    )

    assert response.location == f"/jeunes/{world.minor.id}"
    page = text(pilot_client.get(response.location))
    assert "Entretien DARFI enregistré." in page
    assert "Entretien tenu le 07/12/2026 par Claire Martin." in page
    assert darfi_task(session).is_done


def test_the_overdue_countdown_is_red_on_the_file(pilot_client, session, world):
    request_darfi(session, world, on=TODAY - timedelta(days=16))

    page = text(pilot_client.get(f"/jeunes/{world.minor.id}"))

    assert '<span class="text-danger fw-bold">Entretien en retard de 1 jour' in page


def test_the_interview_of_another_youth_s_request_answers_404(pilot_client, session, world):
    darfi = request_darfi(session, world, case=world.adult_case)

    assert (
        pilot_client.get(f"/jeunes/{world.minor.id}/darfi/{darfi.id}/entretien").status_code == 404
    )


def test_a_second_interview_is_refused_with_its_message(pilot_client, session, world):
    darfi = request_darfi(session, world)
    interview(session, world, darfi)
    session.commit()

    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/darfi/{darfi.id}/entretien", {"held_on": "07/12/2026"}
    )

    assert response.status_code == 400
    assert "L'entretien de cette demande est déjà enregistré (le 07/12/2026)." in text(response)


# --- role matrix ----------------------------------------------------------------------------

EXPECTED = {
    "pilote": 200,
    "co-pilote": 200,
    "partenaire": 200,
    "partenaire-autre-jeune": 404,
    "lecteur": 403,
    "administrateur": 403,
    "anonyme": 302,
}


@pytest.mark.parametrize("role", EXPECTED)
def test_role_matrix_new_darfi(client, world, admin, frozen_clock, role):
    youth = sign_in_as(client, world, admin, role)

    response = client.get(f"/jeunes/{youth.id}/darfi/nouvelle")

    assert response.status_code == EXPECTED[role]
    if role == "anonyme":
        assert response.location.startswith("/connexion")


@pytest.mark.parametrize("role", EXPECTED)
def test_role_matrix_darfi_interview(client, session, world, admin, frozen_clock, role):
    youth = sign_in_as(client, world, admin, role)
    darfi = request_darfi(session, world, case=youth.cases[0])

    response = client.get(f"/jeunes/{youth.id}/darfi/{darfi.id}/entretien")

    assert response.status_code == EXPECTED[role]


def test_a_partner_records_a_request_on_its_youth(client, session, world, frozen_clock):
    client.sign_in(world.partner)

    response = client.submit(
        f"/jeunes/{world.minor.id}/darfi/nouvelle",
        {"requested_on": "07/12/2026", "source": "partner", "diploma": "none"},
    )

    assert response.status_code == 302 and count(session, DarfiRequest) == 1

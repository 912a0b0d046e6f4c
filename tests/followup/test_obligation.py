"""Obligation de formation (16-17): the steps on the file (due / done / overdue / ended), the
tasks they make, recording a step, and the convocation letter. Services, pages, role matrix."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.errors import DomainError
from psad.followup import panels, services
from psad.followup.deadlines import StepState
from psad.followup.models import (
    CaseEvent,
    CaseEventKind,
    ObligationStep,
    ObligationStepRecord,
    Task,
    TaskRule,
)
from psad.youth.models import CaseStage, Guardian, Sex
from tests.followup.conftest import NOW, TODAY
from tests.followup.helpers import sign_in_as
from tests.helpers import count, events, field_error, text

BIRTHDAY_18 = date(2027, 3, 14)  # Lefèvre Éloïse, born 14/03/2009


def record_step(session, world, step, *, done_on=TODAY, case=None, today=TODAY):
    return services.record_obligation_step(
        session,
        case=case or world.minor_case,
        step=step,
        done_on=done_on,
        comment=None,
        by=world.copilot,
        today=today,
        now=NOW,
        actor=world.actor(world.copilot),
    )


def sync(session, world, today=TODAY):
    services.sync_obligation_tasks(session, case=world.minor_case, today=today, now=NOW)
    session.flush()


def open_tasks_for_rule(session, rule):
    """The open tasks for ``rule``, on any case."""
    return list(session.scalars(select(Task).where(Task.rule == rule, Task.done_at.is_(None))))


def step_states(panel):
    """The state of each step of the obligation ``panel``."""
    return {row.status.step: row.status.state for row in panel.steps}


# --- the panel --------------------------------------------------------------------------------


def test_a_minor_is_under_the_obligation_until_the_18th_birthday(session, world):
    panel = panels.obligation_panel(session, world.minor_case, TODAY)

    assert panel.summary == (
        "Soumis à l'obligation de formation jusqu'au 14/03/2027 (ses 18 ans, dans 97 jours)."
    )
    assert step_states(panel) == {
        ObligationStep.INTERVIEW: StepState.DUE,
        ObligationStep.CONVOCATION: StepState.NOT_YET,
        ObligationStep.TRANSMISSION: StepState.NOT_YET,
    }
    assert panel.steps[0].text == "À faire avant le 01/01/2027"  # 3 months after 01/10/2026


def test_a_missed_interview_is_overdue_and_the_convocation_due(session, world):
    world.minor_case.opened_on = date(2026, 8, 1)

    panel = panels.obligation_panel(session, world.minor_case, TODAY)

    interview, convocation, _ = panel.steps
    assert interview.overdue and interview.text == "En retard de 36 jours (échéance le 01/11/2026)"
    assert convocation.status.state is StepState.DUE


def test_an_adult_has_no_obligation_panel(session, world):
    assert panels.obligation_panel(session, world.adult_case, TODAY) is None


def test_at_18_the_steps_not_done_are_ended(session, world):
    record_step(session, world, ObligationStep.INTERVIEW, done_on=date(2026, 11, 2))

    panel = panels.obligation_panel(session, world.minor_case, BIRTHDAY_18)

    assert not panel.applies
    assert step_states(panel)[ObligationStep.INTERVIEW] is StepState.DONE
    assert step_states(panel)[ObligationStep.CONVOCATION] is StepState.ENDED
    assert panel.summary.startswith("Obligation de formation terminée le 14/03/2027")


# --- steps and their tasks ------------------------------------------------------------------


def test_the_interview_task_is_made_for_the_referent_and_closed_by_the_interview(session, world):
    sync(session, world)
    [task] = open_tasks_for_rule(session, TaskRule.OBLIGATION_INTERVIEW)
    assert (task.due_on, task.assignee_structure_id) == (date(2027, 1, 1), world.school.id)

    record_step(session, world, ObligationStep.INTERVIEW)

    assert task.is_done and task.done_comment


def test_the_transmission_falls_due_two_months_after_the_convocation(session, world):
    record_step(session, world, ObligationStep.CONVOCATION, done_on=date(2026, 11, 20))

    [task] = open_tasks_for_rule(session, TaskRule.OBLIGATION_TRANSMISSION)

    assert task.due_on == date(2027, 1, 20)


def test_a_solution_under_way_closes_the_transmission_task(session, world):
    record_step(session, world, ObligationStep.CONVOCATION, done_on=date(2026, 11, 20))
    world.minor_case.decided_stage = CaseStage.SOLUTION

    sync(session, world)

    assert open_tasks_for_rule(session, TaskRule.OBLIGATION_TRANSMISSION) == []


def test_a_second_convocation_restarts_the_two_months(session, world):
    record_step(session, world, ObligationStep.CONVOCATION, done_on=date(2026, 10, 5))
    record_step(session, world, ObligationStep.CONVOCATION, done_on=date(2026, 12, 1))

    [task] = open_tasks_for_rule(session, TaskRule.OBLIGATION_TRANSMISSION)

    assert task.due_on == date(2027, 2, 1)


def test_at_18_pending_tasks_close_with_a_history_entry_once(session, world):
    sync(session, world)

    sync(session, world, today=BIRTHDAY_18)
    sync(session, world, today=BIRTHDAY_18 + timedelta(days=1))

    assert open_tasks_for_rule(session, TaskRule.OBLIGATION_INTERVIEW) == []
    ended = session.scalars(
        select(CaseEvent).where(CaseEvent.kind == CaseEventKind.TRAINING_OBLIGATION_ENDED)
    ).all()
    assert [event.after for event in ended] == ["18 ans le 14/03/2027"]


def test_no_step_for_a_youth_the_obligation_never_applied_to(session, world):
    with pytest.raises(DomainError, match="ne s'applique pas"):
        record_step(session, world, ObligationStep.INTERVIEW, case=world.adult_case)


def test_a_step_in_the_future_is_refused(session, world):
    with pytest.raises(DomainError, match="dans le futur"):
        record_step(session, world, ObligationStep.INTERVIEW, done_on=TODAY + timedelta(days=1))


# --- pages ----------------------------------------------------------------------------------


def test_the_file_shows_the_obligation_and_its_steps(pilot_client, world):
    page = text(pilot_client.get(f"/jeunes/{world.minor.id}"))

    assert "Soumis à l'obligation de formation jusqu'au 14/03/2027" in page
    assert "À faire avant le 01/01/2027" in page
    assert f'href="/jeunes/{world.minor.id}/obligation/entretien"' in page
    assert f'href="/jeunes/{world.minor.id}/obligation/convocation"' in page


def test_the_file_of_an_adult_shows_no_obligation(pilot_client, world):
    page = text(pilot_client.get(f"/jeunes/{world.adult.id}"))

    assert 'id="obligation"' not in page and "/obligation/" not in page


def test_recording_a_step_shows_it_done(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/obligation/entretien",
        {"done_on": "03/12/2026", "comment": "Reçue avec sa mère"},
    )

    assert response.location == f"/jeunes/{world.minor.id}"
    page = text(pilot_client.get(response.location))
    assert "Étape enregistrée : entretien avec le jeune et son représentant légal." in page
    assert "Fait le 03/12/2026" in page
    assert session.scalar(select(ObligationStepRecord)).comment == "Reçue avec sa mère"
    assert len(events(session, AuditAction.OBLIGATION_STEP_RECORDED.value)) == 1


def test_recording_the_convocation_sent(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/obligation/convocation-envoyee", {"done_on": "01/12/2026"}
    )

    assert response.status_code == 302
    assert session.scalar(select(ObligationStepRecord)).step is ObligationStep.CONVOCATION


def test_a_step_without_a_date_is_refused_on_its_field(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/obligation/entretien", {"done_on": ""}
    )

    assert response.status_code == 422
    assert field_error(response, "done_on") == "Ce champ est obligatoire."
    assert count(session, ObligationStepRecord) == 0


def test_an_unknown_step_answers_404(pilot_client, world):
    assert pilot_client.get(f"/jeunes/{world.minor.id}/obligation/autre").status_code == 404


def test_no_step_for_an_adult_says_why(pilot_client, world):
    response = pilot_client.get(f"/jeunes/{world.adult.id}/obligation/entretien")

    assert response.status_code == 400
    assert "L'obligation de formation ne s'applique pas à ce jeune" in text(response)


# --- the convocation letter -----------------------------------------------------------------


@pytest.fixture
def letter_world(session, world):
    world.psad.address = "3 rue du Palais, 59000 Lille"
    world.psad.phone = "+33353010101"
    world.psad.email = "psad@lille.example"
    world.minor.address, world.minor.postal_code, world.minor.commune = (
        "8 rue Nationale",
        "59000",
        "Lille",
    )
    session.add(
        Guardian(
            youth_id=world.minor.id,
            first_name="Nadia",
            last_name="Lefèvre",
            address="12 rue des Lilas, 59000 Lille",
        )
    )
    session.commit()
    return world


def test_the_letter_names_the_psad_the_youth_and_the_guardian(client, letter_world, frozen_clock):
    world = letter_world
    client.sign_in(world.pilot)

    response = client.get(f"/jeunes/{world.minor.id}/obligation/convocation")

    page = text(response)
    assert response.status_code == 200
    assert "PSAD de Lille" in page and "3 rue du Palais, 59000 Lille" in page
    assert "03 53 01 01 01" in page and "psad@lille.example" in page
    assert "Nadia LEFÈVRE" in page and "12 rue des Lilas, 59000 Lille" in page
    assert "Éloïse LEFÈVRE" in page and "8 rue Nationale" in page and "59000 Lille" in page
    assert "Le lundi 7 décembre 2026" in page
    assert "(à compléter)" in page  # date, time and place left blank
    assert "letter.css" in page and "navbar" not in page


def test_the_letter_prints_the_date_and_place_given(client, letter_world, frozen_clock):
    client.sign_in(letter_world.pilot)

    page = text(
        client.get(
            f"/jeunes/{letter_world.minor.id}/obligation/convocation",
            query_string={"date": "14/12/2026", "heure": "14 h 30", "lieu": "CIO de Lille"},
        )
    )

    assert "<strong>lundi 14 décembre 2026</strong> à <strong>14 h 30</strong>" in page
    assert "Lieu : <strong>CIO de Lille</strong>" in page


def test_a_wrong_date_on_the_letter_is_said_on_its_field(client, letter_world, frozen_clock):
    client.sign_in(letter_world.pilot)

    response = client.get(
        f"/jeunes/{letter_world.minor.id}/obligation/convocation", query_string={"date": "31/02"}
    )

    assert response.status_code == 422
    assert "Date invalide" in field_error(response, "date")


def test_printing_the_letter_is_a_read_of_the_file(client, session, letter_world, frozen_clock):
    client.sign_in(letter_world.pilot)

    client.get(f"/jeunes/{letter_world.minor.id}/obligation/convocation")

    [read] = events(session, AuditAction.YOUTH_VIEWED.value)
    assert read.object_id == letter_world.minor.id


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


@pytest.mark.parametrize("path", ["obligation/entretien", "obligation/convocation"])
@pytest.mark.parametrize("role", EXPECTED)
def test_role_matrix_obligation(client, world, admin, frozen_clock, role, path):
    youth = sign_in_as(client, world, admin, role)

    response = client.get(f"/jeunes/{youth.id}/{path}")

    assert response.status_code == EXPECTED[role]
    if role == "anonyme":
        assert response.location.startswith("/connexion")


def test_a_partner_records_a_step_on_its_youth(client, session, world, frozen_clock):
    client.sign_in(world.partner)

    response = client.submit(
        f"/jeunes/{world.minor.id}/obligation/entretien", {"done_on": "07/12/2026"}
    )

    assert response.status_code == 302 and count(session, ObligationStepRecord) == 1


def test_the_letter_speaks_french(client, session, letter_world, frozen_clock):
    letter_world.minor.sex = Sex.FEMALE
    session.commit()
    client.sign_in(letter_world.pilot)

    page = text(client.get(f"/jeunes/{letter_world.minor.id}/obligation/convocation"))

    assert "Éloïse LEFÈVRE, née le 14/03/2009," in page
    assert "la situation d'Éloïse sera transmise au président du conseil départemental" in page

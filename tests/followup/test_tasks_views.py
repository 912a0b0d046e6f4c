"""Tasks on the file, « Mes tâches » and the header's counter, as users see them; the role
matrix of the task pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.followup import services
from psad.followup.models import Task
from tests.followup.conftest import NOW, TODAY
from tests.followup.helpers import add_task, sign_in_as
from tests.helpers import count, events, field_error, text


def add_saved_task(session, world, **task):  # type: ignore[no-untyped-def]
    """A task added by the pilote (see ``add_task``), committed for the requests to see."""
    added = add_task(session, world, **task)
    session.commit()
    return added


# --- the file's panel ---------------------------------------------------------------------


def test_the_file_shows_an_overdue_task_in_red_with_its_days(pilot_client, session, world):
    add_saved_task(session, world, title="Relancer la famille", due_on=TODAY - timedelta(days=4))

    page = text(pilot_client.get(f"/jeunes/{world.minor.id}"))

    assert "Relancer la famille" in page
    assert '<strong class="text-danger">en retard de 4 jours</strong>' in page
    assert "Pour : Claire Martin" in page


def test_done_tasks_are_folded_below(pilot_client, session, world):
    task = add_saved_task(session, world, title="Déjà faite")
    services.complete_task(
        session, task=task, by=world.pilot, now=NOW, comment="ok", actor=world.actor(world.pilot)
    )
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{world.minor.id}"))

    assert "<summary>Tâches faites (1)</summary>" in page
    assert "Aucune tâche ouverte." in page


# --- adding a task ------------------------------------------------------------------------


def test_the_task_form_is_for_me_by_default(pilot_client, world):
    page = text(pilot_client.get(f"/jeunes/{world.minor.id}/taches/nouvelle"))

    assert (
        f'<option selected value="user:{world.pilot.id}">Moi-même (Claire Martin)</option>' in page
    )
    assert "Lycée Baggio" in page and "Karim Benali" in page
    assert "Luc Petit" not in page  # a reader follows no youth


def test_adding_a_task_for_a_structure(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/taches/nouvelle",
        {
            "title": "Proposer un stage",
            "assignee": f"structure:{world.school.id}",
            "due_on": "14/12/2026",
        },
    )

    assert response.status_code == 302 and response.location == f"/jeunes/{world.minor.id}"
    task = session.scalar(select(Task).where(Task.title == "Proposer un stage"))
    assert task.assignee_structure_id == world.school.id and task.due_on.isoformat() == "2026-12-14"
    assert "Tâche ajoutée." in text(pilot_client.get(response.location))
    assert len(events(session, AuditAction.TASK_CREATED.value)) == 1


def test_a_task_without_a_due_date_is_refused_on_its_field(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/taches/nouvelle",
        {"title": "Proposer un stage", "assignee": f"user:{world.pilot.id}", "due_on": ""},
    )

    assert response.status_code == 422
    assert field_error(response, "due_on") == "Ce champ est obligatoire."
    assert count(session, Task) == 0


def test_a_due_date_in_the_past_is_refused(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/taches/nouvelle",
        {"title": "Trop tard", "assignee": f"user:{world.pilot.id}", "due_on": "06/12/2026"},
    )

    assert response.status_code == 422
    assert "déjà passée" in field_error(response, "due_on")


def test_an_unknown_assignee_is_refused(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/taches/nouvelle",
        {"title": "Pour qui ?", "assignee": "user:999999", "due_on": "14/12/2026"},
    )

    assert response.status_code == 422 and count(session, Task) == 0


def test_no_task_on_a_closed_case(client, session, world, frozen_clock):
    world.minor_case.status = world.minor_case.status.CLOSED
    session.commit()
    client.sign_in(world.pilot)

    response = client.get(f"/jeunes/{world.minor.id}/taches/nouvelle")

    assert response.status_code == 400
    assert "pas de dossier ouvert" in text(response)


# --- « Fait » -------------------------------------------------------------------------------


def test_done_in_one_click_from_the_file(pilot_client, session, world):
    task = add_saved_task(session, world)

    response = pilot_client.submit(f"/taches/{task.id}/faite")

    assert response.location == f"/jeunes/{world.minor.id}"
    session.expire_all()
    assert session.get(Task, task.id).done_by_id == world.pilot.id
    assert "Tâche « Appeler le lycée » faite." in text(pilot_client.get(response.location))


def test_done_with_a_comment_from_my_tasks_returns_there(pilot_client, session, world):
    task = add_saved_task(session, world)

    response = pilot_client.submit(
        f"/taches/{task.id}/faite", {"comment": "Message laissé", "back": "mes-taches"}
    )

    assert response.location == "/taches"
    session.expire_all()
    assert session.get(Task, task.id).done_comment == "Message laissé"


def test_done_twice_says_so(pilot_client, session, world):
    task = add_saved_task(session, world)
    pilot_client.submit(f"/taches/{task.id}/faite")

    response = pilot_client.submit(f"/taches/{task.id}/faite", follow_redirects=True)

    assert "Cette tâche est déjà faite." in text(response)


def test_a_comment_too_long_is_refused(pilot_client, session, world):
    task = add_saved_task(session, world)

    response = pilot_client.submit(f"/taches/{task.id}/faite", {"comment": "x" * 501})

    assert response.status_code == 422
    session.expire_all()
    assert not session.get(Task, task.id).is_done


def test_an_unknown_task_answers_404(pilot_client):
    assert pilot_client.submit("/taches/999999/faite").status_code == 404


# --- « Mes tâches » and the counter ----------------------------------------------------------


def test_my_tasks_groups_and_links_each_youth(pilot_client, session, world):
    add_saved_task(
        session, world, title="En retard", due_on=TODAY - timedelta(days=2), user=world.pilot
    )
    add_saved_task(
        session,
        world,
        title="Plus tard",
        due_on=TODAY + timedelta(days=30),
        case=world.adult_case,
        user=world.pilot,
    )

    page = text(pilot_client.get("/taches"))

    assert page.index("En retard (1)") < page.index("En retard</td>") < page.index("Plus tard (1)")
    assert f'<a href="/jeunes/{world.minor.id}">LEFÈVRE Éloïse</a>' in page
    assert f'<a href="/jeunes/{world.adult.id}">MARTIN Hugo</a>' in page
    assert "en retard de 2 jours" in page


def test_the_header_counts_my_overdue_tasks(pilot_client, session, world):
    add_saved_task(session, world, due_on=TODAY - timedelta(days=1), user=world.pilot)
    add_saved_task(session, world, due_on=TODAY - timedelta(days=3), user=world.pilot)
    add_saved_task(session, world, due_on=TODAY, user=world.pilot)

    page = text(pilot_client.get("/"))

    badge = '<span class="badge rounded-pill text-bg-danger">2<span class="visually-hidden">'
    assert f"Mes tâches {badge} en retard</span>" in page


def test_no_counter_without_overdue_tasks(pilot_client, session, world):
    page = text(pilot_client.get("/"))

    assert ">Mes tâches</a>" in page


def test_the_reader_has_no_tasks_link(client, world, frozen_clock):
    client.sign_in(world.reader)

    assert "Mes tâches" not in text(client.get("/"))


def test_a_partner_sees_the_tasks_of_its_structure_on_its_youth_only(
    client, session, world, frozen_clock
):
    add_saved_task(session, world, title="Sur son jeune", structure=world.school)
    add_saved_task(
        session, world, title="Sur un autre jeune", case=world.adult_case, structure=world.school
    )
    client.sign_in(world.partner)

    page = text(client.get("/taches"))

    assert "Sur son jeune" in page and "Sur un autre jeune" not in page


def test_a_partner_cannot_complete_a_task_on_another_youth(client, session, world, frozen_clock):
    task = add_saved_task(session, world, case=world.adult_case, structure=world.school)
    client.sign_in(world.partner)

    response = client.submit(f"/taches/{task.id}/faite")

    assert response.status_code == 404
    session.expire_all()
    assert not session.get(Task, task.id).is_done


# --- role matrix ----------------------------------------------------------------------------

ROLES = [
    "pilote",
    "co-pilote",
    "partenaire",
    "partenaire-autre-jeune",
    "lecteur",
    "administrateur",
    "anonyme",
]
EXPECTED = {
    "pilote": 200,
    "co-pilote": 200,
    "partenaire": 200,
    "partenaire-autre-jeune": 404,
    "lecteur": 403,
    "administrateur": 403,
    "anonyme": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_new_task(client, world, admin, frozen_clock, role):
    youth = sign_in_as(client, world, admin, role)

    response = client.get(f"/jeunes/{youth.id}/taches/nouvelle")

    assert response.status_code == EXPECTED[role]
    if role == "anonyme":
        assert response.location.startswith("/connexion")


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_complete_task(client, session, world, admin, frozen_clock, role):
    youth = sign_in_as(client, world, admin, role)
    task = add_saved_task(session, world, case=youth.cases[0])

    response = client.submit(f"/taches/{task.id}/faite")

    assert response.status_code == (302 if EXPECTED[role] == 200 else EXPECTED[role])
    if role == "anonyme":
        assert response.location.startswith("/connexion")
    session.expire_all()
    assert session.get(Task, task.id).is_done == (EXPECTED[role] == 200)


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix_my_tasks(client, world, admin, frozen_clock, role):
    sign_in_as(client, world, admin, role)

    response = client.get("/taches")

    expected = 200 if role == "partenaire-autre-jeune" else EXPECTED[role]
    assert response.status_code == expected


def test_a_partner_s_counter_counts_its_structure_s_overdue_tasks_on_its_youth(
    client, session, world, frozen_clock
):
    late = TODAY - timedelta(days=1)
    add_saved_task(session, world, title="Sur son jeune", structure=world.school, due_on=late)
    add_saved_task(
        session, world, title="Ailleurs", case=world.adult_case, structure=world.school, due_on=late
    )
    client.sign_in(world.partner)

    page = text(client.get("/"))

    assert 'text-bg-danger">1<span class="visually-hidden"> en retard' in page

"""Bulk actions on the youth list: the selection (rows checked or the whole filter, always
within the viewer's scope), each action's parameters, the confirmation that counts what
changes, the change applied in one transaction and audited file by file, and what stops it:
a partner, a file changed meanwhile, a selection too large."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.followup.models import CaseEvent, CaseEventKind, Task
from psad.lists import services
from psad.youth.models import CaseStatus
from tests.factories import make_psad, make_youth
from tests.followup.conftest import TODAY
from tests.followup.helpers import close, stored_case
from tests.helpers import count, events, field_error, text

START = "/jeunes/actions-groupees"
LIST = "onglet=a-traiter"


def start(client, ids, action: str, *, tous: bool = False, liste: str = LIST):  # type: ignore[no-untyped-def]
    """Send the list's toolbar: the rows ``ids`` checked (or « tous »), the action."""
    data: dict[str, object] = {"ids": [str(i) for i in ids], "action": action, "liste": liste}
    if tous:
        data["tous"] = "y"
    return client.submit(START, data)


def parameters(client, action: str, youths, liste: str = LIST, **values: object):  # type: ignore[no-untyped-def]
    """Send an action's parameters for ``youths``: the confirmation page."""
    selection = " ".join(str(youth.id) for youth in youths)
    return client.submit(f"{START}/{action}", {"selection": selection, "liste": liste, **values})


def confirm(client, page):  # type: ignore[no-untyped-def]
    """Press « Confirmer » on a confirmation page: its hidden values, sent back."""
    form = re.search(
        r'<form method="post" action="(/jeunes/actions-groupees/[^"]+)">(.*?)</form>',
        page.text,
        re.S,
    )
    assert form, "no confirmation form"
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2))
    data = {name: html.unescape(value) for name, value in hidden if name != "csrf_token"}
    return client.submit(form.group(1), {**data, "confirmer": "1"})


def referent_to_copilot(client, world, youths):  # type: ignore[no-untyped-def]
    return parameters(
        client, "referent", youths, user_id=str(world.copilot.id), structure_id="inchange"
    )


# --- the selection --------------------------------------------------------------------------


def test_the_rows_checked_open_the_action_page(pilot_client, world):
    response = start(pilot_client, [world.minor.id, world.adult.id], "referent")

    assert response.status_code == 200
    page = text(response)
    assert "<h1>Désigner le référent" in page
    assert "2 dossiers sélectionnés." in page
    assert f'value="{world.minor.id} {world.adult.id}"' in page or (
        f'value="{world.adult.id} {world.minor.id}"' in page
    )


def test_nothing_checked_sends_back_to_the_list_with_a_word(pilot_client, world):
    response = start(pilot_client, [], "referent")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/jeunes?{LIST}"
    shown = text(pilot_client.get(response.headers["Location"]))
    assert "Cochez au moins un jeune de la liste" in shown


def test_no_action_chosen_sends_back_to_the_list_with_a_word(pilot_client, world):
    response = start(pilot_client, [world.adult.id], "")

    assert response.status_code == 302
    assert "Choisissez l'action groupée" in text(pilot_client.get(response.headers["Location"]))


def test_youth_outside_the_scope_are_left_out_silently(pilot_client, session, world):
    stranger = make_youth(session, make_psad(session), last_name="Ailleurs")
    session.commit()

    response = start(pilot_client, [stranger.id, world.adult.id], "referent")

    assert "1 dossier sélectionné." in text(response)
    assert "Ailleurs" not in text(response)


def test_an_id_outside_the_database_range_names_nobody(pilot_client, world):
    response = start(pilot_client, ["99999999999999999999", world.adult.id], "referent")

    assert "1 dossier sélectionné." in text(response)


def test_a_forged_selection_changes_nothing_outside_the_scope(pilot_client, session, world):
    stranger = make_youth(session, make_psad(session), last_name="Ailleurs")
    session.commit()

    response = referent_to_copilot(pilot_client, world, [stranger])

    assert "Aucun dossier ne changerait." in text(response)
    assert 'name="confirmer"' not in response.text


def test_every_result_of_the_filter_is_rebuilt_from_the_list(pilot_client, session, world):
    make_youth(session, world.psad, last_name="Lefebvre", first_name="Anna")
    other = make_youth(session, world.psad, last_name="Dupont", first_name="Zoé")
    session.commit()

    response = start(pilot_client, [other.id], "tache", tous=True, liste="onglet=a-traiter&q=lef")

    assert "2 dossiers sélectionnés." in text(response)


def test_a_selection_past_the_maximum_is_refused(pilot_client, world, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILES", 1)

    for checked, everyone in ([[world.minor.id, world.adult.id], False], [[], True]):
        response = start(pilot_client, checked, "referent", tous=everyone)

        assert response.status_code == 302
        shown = text(pilot_client.get(response.headers["Location"]))
        assert "porte sur 1 dossiers au plus ; cette sélection en compte 2" in shown


# --- who may ----------------------------------------------------------------------------


def test_the_list_offers_bulk_actions_to_the_pilote_only(client, world, frozen_clock):
    client.sign_in(world.pilot)
    pilots = text(client.get("/jeunes"))
    client.sign_in(world.partner)
    partners = text(client.get("/jeunes"))

    assert '<form id="selection" method="post" action="/jeunes/actions-groupees"' in pilots
    assert "Tous les 2 résultats du filtre" in pilots
    assert 'id="selection"' not in partners and "Action groupée" not in partners
    assert 'href="/jeunes/export.xlsx?onglet=a-traiter">Exporter (.xlsx)</a>' in partners


@pytest.mark.parametrize("url", [START, f"{START}/referent"])
@pytest.mark.parametrize("role", ["partner", "reader"])
def test_a_partner_or_a_reader_gets_no_bulk_action(client, session, world, role, url):
    client.sign_in(getattr(world, role))

    response = client.submit(
        url,
        {
            "ids": [str(world.minor.id)],
            "selection": str(world.minor.id),
            "action": "referent",
            "user_id": str(world.partner.id),
            "structure_id": "inchange",
            "confirmer": "1",
        },
    )

    assert response.status_code == 403
    assert stored_case(session, world.minor_case.id).referent_user_id is None
    assert events(session, AuditAction.BULK_APPLIED) == []


def test_without_its_csrf_token_nothing_is_done(pilot_client, world):
    response = pilot_client.post(START, data={"ids": [str(world.adult.id)], "action": "referent"})

    assert response.status_code == 400


def test_an_unknown_action_is_not_found(pilot_client, world):
    response = parameters(pilot_client, "supprimer", [world.adult])

    assert response.status_code == 404


# --- assign a referent ----------------------------------------------------------------------


def test_a_referent_is_assigned_to_two_youth_and_audited_file_by_file(pilot_client, session, world):
    youths = [world.minor, world.adult]
    page = referent_to_copilot(pilot_client, world, youths)
    assert "2 dossiers vont changer." in text(page)
    assert "Karim Benali" in text(page) and "MARTIN Hugo" in text(page)

    response = confirm(pilot_client, page)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/jeunes?{LIST}"
    assert "2 dossiers modifiés." in text(pilot_client.get(response.headers["Location"]))
    minor, adult = (stored_case(session, y.cases[0].id) for y in youths)
    assert (minor.referent_user_id, minor.referent_structure_id) == (
        world.copilot.id,
        world.school.id,
    )
    assert (adult.referent_user_id, adult.referent_structure_id) == (world.copilot.id, None)
    changed = events(session, AuditAction.CASE_CHANGED)
    assert sorted(e.object_id for e in changed) == sorted(y.id for y in youths)
    assert {e.detail for e in changed} == {"champs=référent"}
    kinds = session.scalars(select(CaseEvent.kind)).all()
    assert kinds.count(CaseEventKind.REFERENT) == 2
    [summary] = events(session, AuditAction.BULK_APPLIED)
    assert summary.detail == (
        f"action=referent; référent={world.copilot.id}; structure=inchangée; dossiers=2; "
        "inchangés=0; filtre=onglet=a-traiter"
    )


def test_the_confirmation_says_which_files_stay_as_they_are_and_why(pilot_client, session, world):
    closed = make_youth(session, world.psad, last_name="Clos", case_status=CaseStatus.CLOSED)
    session.commit()
    youths = [world.minor, world.adult, closed]

    page = parameters(
        pilot_client, "referent", youths, user_id="inchange", structure_id=str(world.school.id)
    )

    shown = text(page)
    assert "1 dossier va changer." in shown
    assert "2 laissés tels quels" in shown
    assert "A déjà ce référent : 1" in shown and "Dossier clos : 1" in shown
    response = confirm(pilot_client, page)
    assert "1 dossier modifié. 2 laissés tels quels." in text(
        pilot_client.get(response.headers["Location"])
    )
    assert stored_case(session, world.adult_case.id).referent_structure_id == world.school.id
    [changed] = events(session, AuditAction.CASE_CHANGED)
    assert changed.object_id == world.adult.id


def test_choosing_to_change_nothing_is_refused_under_the_field(pilot_client, world):
    response = parameters(
        pilot_client, "referent", [world.adult], user_id="inchange", structure_id="inchange"
    )

    assert response.status_code == 422
    assert "aucun dossier ne change" in field_error(response, "user_id")


def test_modifying_the_parameters_goes_back_with_them(pilot_client, world):
    response = parameters(
        pilot_client,
        "referent",
        [world.adult],
        user_id=str(world.copilot.id),
        structure_id="inchange",
        modifier="1",
    )

    assert response.status_code == 200
    assert re.search(rf'<option selected value="{world.copilot.id}">', response.text)


def test_a_file_changed_meanwhile_stops_the_whole_action(pilot_client, session, world):
    page = referent_to_copilot(pilot_client, world, [world.minor, world.adult])
    case = stored_case(session, world.adult_case.id)
    case.referent_structure_id = world.mission.id  # someone else, in between
    session.commit()

    response = confirm(pilot_client, page)

    assert response.status_code == 409
    assert "rien n'a été enregistré" in text(response)
    assert stored_case(session, world.minor_case.id).referent_user_id is None
    assert events(session, AuditAction.CASE_CHANGED) == []
    assert events(session, AuditAction.BULK_APPLIED) == []
    again = confirm(pilot_client, response)  # the page counts afresh: confirming works
    assert again.status_code == 302
    assert stored_case(session, world.adult_case.id).referent_user_id == world.copilot.id


# --- add a task -----------------------------------------------------------------------------


def test_a_task_is_added_to_every_open_file_of_the_filter(pilot_client, session, world):
    close(session, world, world.minor_case, "refused")
    session.commit()
    liste = "onglet=tous"
    shown = start(pilot_client, [], "tache", tous=True, liste=liste)
    assert "2 dossiers sélectionnés." in text(shown)

    page = parameters(
        pilot_client,
        "tache",
        [world.minor, world.adult],
        liste=liste,
        title="Appeler la famille",
        assignee=f"user:{world.copilot.id}",
        due_on="10/12/2026",
    )
    assert "1 dossier va changer." in text(page) and "Dossier clos : 1" in text(page)
    response = confirm(pilot_client, page)

    assert response.headers["Location"] == f"/jeunes?{liste}"
    [task] = session.scalars(select(Task)).all()
    assert (task.case_id, task.title, task.due_on) == (
        world.adult_case.id,
        "Appeler la famille",
        date(2026, 12, 10),
    )
    assert task.assignee_user_id == world.copilot.id
    [created] = events(session, AuditAction.TASK_CREATED)
    assert created.object_id == world.adult.id
    [summary] = events(session, AuditAction.BULK_APPLIED)
    assert summary.detail.startswith(f"action=tache; échéance=2026-12-10; pour={world.copilot.id};")


def test_the_task_page_proposes_me_and_today(pilot_client, world):
    response = start(pilot_client, [world.adult.id], "tache")

    assert re.search(rf'<option selected value="user:{world.pilot.id}">', response.text)
    assert f'value="{TODAY.isoformat()}"' in response.text


def test_a_past_due_date_is_refused_under_its_field(pilot_client, session, world):
    response = parameters(
        pilot_client,
        "tache",
        [world.adult],
        title="Appeler",
        assignee=f"user:{world.pilot.id}",
        due_on="01/12/2026",
    )

    assert response.status_code == 422
    assert "L'échéance est déjà passée" in field_error(response, "due_on")
    assert count(session, Task) == 0


# --- close ----------------------------------------------------------------------------------


def test_files_are_closed_with_a_reason_and_the_closed_one_left(pilot_client, session, world):
    close(session, world, world.minor_case, "refused")
    session.commit()

    page = parameters(
        pilot_client,
        "cloture",
        [world.minor, world.adult],
        reason="unreachable",
        known_to_partner="unknown",
    )
    assert "1 dossier va changer." in text(page) and "Déjà clos : 1" in text(page)
    assert "Injoignable" in text(page)
    confirm(pilot_client, page)

    adult = stored_case(session, world.adult_case.id)
    assert (adult.status, adult.closed_on, adult.closing_reason.code) == (
        CaseStatus.CLOSED,
        TODAY,
        "unreachable",
    )
    closings = sorted(events(session, AuditAction.CASE_CLOSED), key=lambda e: e.id)
    assert [(e.object_id, e.detail) for e in closings] == [  # the minor's, then the adult's
        (world.minor.id, "motif=refused"),
        (world.adult.id, "motif=unreachable"),
    ]


def test_solution_found_asks_which_solution(pilot_client, session, world):
    response = parameters(
        pilot_client,
        "cloture",
        [world.adult],
        reason="solution_found",
        known_to_partner="unknown",
    )

    assert response.status_code == 422
    assert "Obligatoire pour « Solution trouvée »." in field_error(response, "solution")
    assert stored_case(session, world.adult_case.id).is_open

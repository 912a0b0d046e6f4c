"""The case's pages: situation, stage, referent, needs, closing, reopening; what each role may
do there; and a form made on an older version of the case, refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from psad.followup import services
from psad.followup.models import CaseEvent, CaseEventKind
from psad.reference.models import ReferenceKind
from psad.youth.models import CaseStage, CaseStatus, KnownToPartner
from tests.factories import make_user, make_youth
from tests.followup.conftest import NOW, reference
from tests.followup.helpers import reach, stored_case
from tests.followup.test_editing import form_of
from tests.helpers import events, field_error, text

ROUTES = ["situation", "etape", "referent", "besoins", "cloture", "reouverture", "modifier"]
MANAGERS_ONLY = {"referent", "cloture", "reouverture"}


def close_minor(session, world) -> None:  # type: ignore[no-untyped-def]
    case = world.minor_case
    case.status, case.closed_on = CaseStatus.CLOSED, date(2026, 11, 1)
    case.closing_reason = reference(session, ReferenceKind.CLOSING_REASON, "refused")
    session.commit()


def case_url(world, route: str, youth=None) -> str:  # type: ignore[no-untyped-def]
    """The address of the case page ``route`` of ``youth`` (the adult by default)."""
    return f"/jeunes/{(youth or world.adult).id}/{route}"


# --- who may open each page -----------------------------------------------------------------


def expected(role: str, route: str) -> int:
    if role in ("pilote", "co-pilote"):
        return 200
    if role == "partenaire-sien":
        return 403 if route in MANAGERS_ONLY else 200
    return {"partenaire-autre": 404, "lecteur": 403, "administrateur": 403}[role]


ROLES = ["pilote", "co-pilote", "partenaire-sien", "partenaire-autre", "lecteur", "administrateur"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, session, world, frozen_clock, role, route):
    if route == "reouverture":
        close_minor(session, world)
    users = {
        "pilote": world.pilot,
        "co-pilote": world.copilot,
        "partenaire-sien": world.partner,
        "partenaire-autre": world.partner,
        "lecteur": world.reader,
        "administrateur": make_user(session, is_admin=True, email="admin@psad.example"),
    }
    session.commit()
    client.sign_in(users[role])
    youth = world.adult if role == "partenaire-autre" else world.minor

    response = client.get(case_url(world, route, youth))

    assert response.status_code == expected(role, route)
    if response.status_code == 200:
        assert text(response).count("<h1>") == 1
    if response.status_code == 403 and role == "partenaire-sien":
        assert "Seuls le pilote et le co-pilote de la PSAD" in text(response)


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_visitors_are_sent_to_log_in(client, world, route):
    response = client.get(case_url(world, route))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


@pytest.mark.parametrize("route", ["cloture", "referent"])
def test_a_partner_cannot_close_nor_assign_even_by_posting(client, session, world, route):
    client.sign_in(world.partner)

    response = client.submit(
        case_url(world, route, world.minor),
        {"version": "1", "reason": "refused", "known_to_partner": "unknown", "structure_id": "0"},
    )

    assert response.status_code == 403
    case = stored_case(session, world.minor_case.id)
    assert (case.status, case.referent_structure_id) == (CaseStatus.OPEN, world.school.id)


def test_a_youth_without_a_case_has_no_case_pages(pilot_client, session, world):
    youth = make_youth(session, world.psad, last_name="Sans-Dossier", case=False)
    session.commit()

    response = pilot_client.get(case_url(world, "situation", youth))

    assert response.status_code == 404
    assert "Ce jeune n'a pas de dossier de suivi." in text(response)


# --- situation ------------------------------------------------------------------------------


def test_the_situation_is_chosen_from_the_reference_list(pilot_client, session, world):
    values = form_of(pilot_client.get(case_url(world, "situation")))

    response = pilot_client.post(
        case_url(world, "situation"), data={**values, "situation": "employed"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/jeunes/{world.adult.id}"
    assert stored_case(session, world.adult_case.id).situation.code == "employed"
    assert "Situation enregistrée." in text(pilot_client.get(response.headers["Location"]))


def test_a_situation_outside_the_list_is_refused(pilot_client, session, world):
    values = form_of(pilot_client.get(case_url(world, "situation")))

    response = pilot_client.post(case_url(world, "situation"), data={**values, "situation": "jail"})

    assert response.status_code == 422
    assert field_error(response, "situation")
    assert stored_case(session, world.adult_case.id).situation is None


def test_a_closed_case_has_no_situation_to_change(pilot_client, session, world):
    close_minor(session, world)

    response = pilot_client.get(case_url(world, "situation", world.minor))

    assert response.status_code == 409
    assert "Ce dossier est clos : rouvrez-le d'abord." in text(response)


# --- stage ----------------------------------------------------------------------------------


def test_an_illegal_stage_is_refused_with_the_reason_and_the_form_kept(
    pilot_client, session, world
):
    values = form_of(pilot_client.get(case_url(world, "etape")))

    response = pilot_client.post(case_url(world, "etape"), data={**values, "stage": "supported"})

    assert response.status_code == 409
    assert "Un jeune ne peut être « Accompagné » qu'après avoir été joint" in text(response)
    assert form_of(response)["stage"] == "supported"
    assert stored_case(session, world.adult_case.id).decided_stage is None


def test_a_reached_youth_becomes_supported(pilot_client, session, world):
    reach(session, world, world.adult_case)
    session.commit()
    values = form_of(pilot_client.get(case_url(world, "etape")))

    response = pilot_client.post(case_url(world, "etape"), data={**values, "stage": "supported"})

    assert response.status_code == 302
    assert stored_case(session, world.adult_case.id).decided_stage is CaseStage.SUPPORTED


def test_the_stage_page_shows_the_current_stage(pilot_client, session, world):
    reach(session, world, world.adult_case)
    session.commit()

    body = text(pilot_client.get(case_url(world, "etape")))

    assert '<dd class="col-sm-8">Contact en cours</dd>' in body
    assert 'type="radio" name="stage"' in body


# --- referent -------------------------------------------------------------------------------


def test_assigning_a_structure_opens_the_file_to_its_partners(pilot_client, app, session, world):
    partner = app.test_client()
    partner.sign_in(world.partner)
    assert partner.get(f"/jeunes/{world.adult.id}").status_code == 404
    values = form_of(pilot_client.get(case_url(world, "referent")))

    response = pilot_client.post(
        case_url(world, "referent"),
        data={**values, "user_id": str(world.copilot.id), "structure_id": str(world.school.id)},
    )

    assert response.status_code == 302
    case = stored_case(session, world.adult_case.id)
    assert (case.referent_user_id, case.referent_structure_id) == (
        world.copilot.id,
        world.school.id,
    )
    assert partner.get(f"/jeunes/{world.adult.id}").status_code == 200


def test_the_referent_lists_offer_the_psad_people_and_structures_but_no_reader(pilot_client, world):
    body = text(pilot_client.get(case_url(world, "referent")))

    assert "Sophie Durand (Partenaire, Lycée Baggio)" in body
    assert "Luc Petit" not in body
    assert ">Mission locale de Lille</option>" in body


# --- needs ----------------------------------------------------------------------------------


def test_needs_are_ticked_and_the_project_written(pilot_client, session, world):
    values = form_of(pilot_client.get(case_url(world, "besoins")))

    response = pilot_client.post(
        case_url(world, "besoins"),
        data={
            **values,
            "project": "Devenir mécanicien",
            "wishes": ["apprenticeship"],
            "obstacles": ["mobility", "housing"],
        },
    )

    assert response.status_code == 302
    case = stored_case(session, world.adult_case.id)
    assert case.project == "Devenir mécanicien"
    assert {n.code for n in case.needs} == {"apprenticeship", "mobility", "housing"}


def test_the_needs_page_warns_against_sensitive_data_and_keeps_the_ticks(
    pilot_client, session, world
):
    services.update_needs(
        session,
        case=world.adult_case,
        project=None,
        needs=[reference(session, ReferenceKind.OBSTACLE, "mobility")],
        by=world.pilot,
        now=NOW,
        actor=world.actor(world.pilot),
    )
    session.commit()

    response = pilot_client.get(case_url(world, "besoins"))

    assert "Ne saisissez aucune donnée de santé" in text(response)
    assert form_of(response)["obstacles"] == ["mobility"]
    assert "Santé" not in text(response)


# --- closing --------------------------------------------------------------------------------


def test_closing_with_a_reason(pilot_client, session, world):
    values = form_of(pilot_client.get(case_url(world, "cloture")))

    response = pilot_client.post(
        case_url(world, "cloture"),
        data={**values, "reason": "refused", "known_to_partner": "known_not_followed"},
    )

    assert response.status_code == 302
    case = stored_case(session, world.adult_case.id)
    assert (case.status, case.closing_reason.code, case.known_to_partner) == (
        CaseStatus.CLOSED,
        "refused",
        KnownToPartner.KNOWN_NOT_FOLLOWED,
    )
    assert events(session, "case.closed")[-1].detail == "motif=refused"


def test_solution_found_asks_which_solution_and_since_when(pilot_client, session, world):
    values = form_of(pilot_client.get(case_url(world, "cloture")))

    response = pilot_client.post(
        case_url(world, "cloture"),
        data={**values, "reason": "solution_found", "known_to_partner": "unknown"},
    )

    assert response.status_code == 422
    assert field_error(response, "solution") == "Obligatoire pour « Solution trouvée »."
    assert field_error(response, "solution_since") == "Obligatoire pour « Solution trouvée »."
    assert stored_case(session, world.adult_case.id).is_open


def test_solution_found_is_recorded_with_its_solution(pilot_client, session, world):
    values = form_of(pilot_client.get(case_url(world, "cloture")))

    pilot_client.post(
        case_url(world, "cloture"),
        data={
            **values,
            "reason": "solution_found",
            "known_to_partner": "unknown",
            "solution": "apprenticeship",
            "solution_since": "02/11/2026",
        },
    )

    case = stored_case(session, world.adult_case.id)
    assert (case.solution.code, case.solution_since) == ("apprenticeship", date(2026, 11, 2))


def test_no_reason_is_chosen_for_the_user(pilot_client, session, world):
    values = form_of(pilot_client.get(case_url(world, "cloture")))

    response = pilot_client.post(
        case_url(world, "cloture"), data={**values, "known_to_partner": "unknown"}
    )

    assert values["reason"] == ""
    assert response.status_code == 422
    assert field_error(response, "reason") == "Ce champ est obligatoire."
    assert stored_case(session, world.adult_case.id).is_open


def test_the_contact_page_link_preselects_unreachable(pilot_client, world):
    response = pilot_client.get(case_url(world, "cloture"), query_string={"motif": "unreachable"})

    assert form_of(response)["reason"] == "unreachable"


def test_closing_asks_whether_a_partner_knew_the_youth(pilot_client, world):
    values = form_of(pilot_client.get(case_url(world, "cloture")))
    values.pop("known_to_partner", None)

    response = pilot_client.post(case_url(world, "cloture"), data={**values, "reason": "refused"})

    assert response.status_code == 422
    assert field_error(response, "known_to_partner") == "Ce champ est obligatoire."


# --- reopening ------------------------------------------------------------------------------


def test_reopening_with_a_reason(pilot_client, session, world):
    close_minor(session, world)
    values = form_of(pilot_client.get(case_url(world, "reouverture", world.minor)))

    response = pilot_client.post(
        case_url(world, "reouverture", world.minor),
        data={**values, "reason": "Le jeune a rappelé."},
    )

    assert response.status_code == 302
    case = stored_case(session, world.minor_case.id)
    assert (case.status, case.closing_reason) == (CaseStatus.OPEN, None)
    event = session.scalar(select(CaseEvent).where(CaseEvent.kind == CaseEventKind.REOPENED))
    assert event is not None and event.reason == "Le jeune a rappelé."


def test_reopening_without_a_reason_is_refused(pilot_client, session, world):
    close_minor(session, world)
    values = form_of(pilot_client.get(case_url(world, "reouverture", world.minor)))

    response = pilot_client.post(case_url(world, "reouverture", world.minor), data=values)

    assert response.status_code == 422
    assert field_error(response, "reason") == "Ce champ est obligatoire."
    assert not stored_case(session, world.minor_case.id).is_open


def test_an_open_case_cannot_be_reopened(pilot_client, world):
    response = pilot_client.get(case_url(world, "reouverture"))

    assert response.status_code == 409
    assert "Ce dossier est déjà ouvert." in text(response)

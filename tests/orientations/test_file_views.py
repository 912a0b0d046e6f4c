"""The youth's file and its orientation pages: the section « Dispositifs et orientations »,
orienting (full sites confirmed, vacant places), each step's page, who may see and do what
(the hosting structure's partner, another partner, a reader), and closing a case with the
started orientation's solution. The detailed eligibility is ``test_eligibility_page``."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    RefusedBy,
    VacantPlace,
)
from psad.youth.models import CaseStatus
from tests.factories import make_youth
from tests.followup.conftest import TODAY
from tests.followup.test_editing import form_of
from tests.helpers import count, field_error, text
from tests.orientations.conftest import make_orientation

Status = OrientationStatus


def stored(session, orientation_id: int) -> Orientation:  # type: ignore[no-untyped-def]
    session.expire_all()
    found = session.get(Orientation, orientation_id)
    assert found is not None
    return found


def orient_url(youth) -> str:  # type: ignore[no-untyped-def]
    return f"/jeunes/{youth.id}/orientations/nouvelle"


def step_url(orientation, etape: str) -> str:  # type: ignore[no-untyped-def]
    return f"/orientations/{orientation.id}/{etape}"


def orientation_of(session, offer, youth=None, **values):  # type: ignore[no-untyped-def]
    youth = youth or offer.world.adult
    values = {"site": offer.e2c_site, **values}
    orientation = make_orientation(
        session, youth.cases[0], offer.e2c, by=offer.world.pilot, **values
    )
    session.commit()
    return orientation


# --- the file --------------------------------------------------------------------------------


def test_the_file_lists_the_orientations_with_places_and_steps(pilot_client, session, offer):
    orientation = orientation_of(session, offer, status=Status.ACCEPTED)

    page = text(pilot_client.get(f"/jeunes/{offer.world.adult.id}"))

    section = page[page.index("Dispositifs et orientations") :]
    row = section[section.index(f'id="orientation-{orientation.id}"') :]
    row = row[: row.index("</tr>")]
    assert "École de la deuxième chance (E2C)" in row
    assert "E2C Lille Métropole (Roubaix)" in row
    assert "Acceptée" in row and "Proposée le 07/12/2026" in row
    assert "Claire Martin" in row
    assert "1 place libre sur 2" in row
    for etape in ("commencer", "refuser", "annuler"):
        assert f'href="{step_url(orientation, etape)}"' in row
    assert step_url(orientation, "accepter") not in row


def test_the_file_names_the_eligible_dispositifs_and_links_to_the_details(
    pilot_client, session, offer
):
    page = text(pilot_client.get(f"/jeunes/{offer.world.adult.id}"))

    eligible = page[page.index('id="dispositifs-eligibles"') :]
    eligible = eligible[: eligible.index("</ul>\n")]
    assert "Apprentissage</strong> : éligible" in eligible
    assert "éligible sous conditions" in eligible
    assert (
        f'href="/jeunes/{offer.world.adult.id}/dispositifs">Voir l\'éligibilité détaillée' in page
    )


def test_the_file_shows_why_a_refused_orientation_was_refused(pilot_client, session, offer):
    orientation = orientation_of(session, offer, status=Status.REFUSED)
    orientation.refused_by, orientation.reason = RefusedBy.YOUTH, "Préfère un emploi."
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{offer.world.adult.id}"))

    assert "Refusée par le jeune : Préfère un emploi." in page


# --- orienting -------------------------------------------------------------------------------


def test_the_orient_form_offers_the_sites_with_their_places(pilot_client, session, offer):
    page = text(pilot_client.get(orient_url(offer.world.adult)))

    assert '<optgroup label="Insertion">' in page
    value = f"{offer.e2c.id}:{offer.e2c_site.id}"
    assert (
        f'<option value="{value}">École de la deuxième chance (E2C) · E2C Lille Métropole '
        "(Roubaix) (2 places libres sur 2)"
    ) in page
    assert "Je confirme" not in page


def test_orienting_to_a_site_with_places_left(pilot_client, session, offer):
    response = pilot_client.submit(
        orient_url(offer.world.adult),
        {
            "choice": f"{offer.e2c.id}:{offer.e2c_site.id}",
            "on": "07/12/2026",
            "comment": "Rencontre prévue le 10.",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/jeunes/{offer.world.adult.id}"
    orientation = session.scalars(select(Orientation)).one()
    assert (orientation.status, orientation.site_id, orientation.comment) == (
        Status.PROPOSED,
        offer.e2c_site.id,
        "Rencontre prévue le 10.",
    )
    page = text(pilot_client.get(response.headers["Location"]))
    assert "Orientation proposée : École de la deuxième chance (E2C)." in page


def test_orienting_needs_a_dispositif(pilot_client, session, offer):
    response = pilot_client.submit(
        orient_url(offer.world.adult), {"choice": "", "on": "07/12/2026"}
    )

    assert response.status_code == 422
    assert field_error(response, "choice") == "Choisissez un dispositif."
    assert count(session, Orientation) == 0


def test_orienting_in_the_future_is_refused_under_the_date(pilot_client, session, offer):
    response = pilot_client.submit(
        orient_url(offer.world.adult),
        {"choice": f"{offer.e2c.id}:", "on": "08/12/2026"},
    )

    assert response.status_code == 422
    assert "ne peut pas être dans le futur" in field_error(response, "on")


def full_micro_site(session, offer) -> None:  # type: ignore[no-untyped-def]
    other = make_youth(session, offer.world.psad)
    make_orientation(
        session, other.cases[0], offer.micro_lycee, site=offer.micro_site, status=Status.STARTED
    )
    session.commit()


def test_a_full_site_asks_for_a_confirmation(pilot_client, session, offer):
    full_micro_site(session, offer)
    data = {"choice": f"{offer.micro_lycee.id}:{offer.micro_site.id}", "on": "07/12/2026"}

    refused = pilot_client.submit(orient_url(offer.world.adult), data)
    confirmed = pilot_client.submit(orient_url(offer.world.adult), {**data, "confirm_full": "y"})

    assert refused.status_code == 409
    assert "Lycée Baggio (Lille) est complet" in text(refused)
    assert "Je confirme l'orientation vers un site complet" in text(refused)
    assert confirmed.status_code == 302
    orientation = session.scalars(
        select(Orientation).where(Orientation.youth_id == offer.world.adult.id)
    ).one()
    assert orientation.over_capacity is True


def test_orienting_to_a_vacant_place_is_a_return_to_school(pilot_client, session, offer):
    place = VacantPlace(
        psad=offer.world.psad,
        uai="0590001A",
        establishment="Lycée Baggio",
        formation="Bac pro Commerce",
        places=2,
        available_until=date(2027, 1, 31),
    )
    session.add(place)
    session.commit()
    url = f"{orient_url(offer.world.adult)}?place={place.id}"

    shown = text(pilot_client.get(url))
    response = pilot_client.submit(url, {"on": "07/12/2026"})

    assert "Bac pro Commerce · Lycée Baggio" in shown
    assert response.status_code == 302
    orientation = session.scalars(select(Orientation)).one()
    assert (orientation.programme.code, orientation.vacant_place_id) == ("RETOUR_FI", place.id)


def test_a_closed_case_cannot_be_oriented(pilot_client, session, offer):
    closed = make_youth(session, offer.world.psad, case_status=CaseStatus.CLOSED)
    session.commit()

    response = pilot_client.get(orient_url(closed))

    assert response.status_code == 409
    assert "rouvrez-le" in text(response)


# --- the steps -------------------------------------------------------------------------------


def test_accepting_from_its_page(pilot_client, session, offer):
    orientation = orientation_of(session, offer)
    values = form_of(pilot_client.get(step_url(orientation, "accepter")))

    response = pilot_client.post(step_url(orientation, "accepter"), data=values)

    assert values["on"] == "2026-12-07"
    assert response.status_code == 302
    assert stored(session, orientation.id).status is Status.ACCEPTED
    assert "Orientation acceptée." in text(pilot_client.get(response.headers["Location"]))


def test_refusing_needs_who_and_why(pilot_client, session, offer):
    orientation = orientation_of(session, offer)
    values = form_of(pilot_client.get(step_url(orientation, "refuser")))

    response = pilot_client.post(step_url(orientation, "refuser"), data=values)

    assert response.status_code == 422
    assert field_error(response, "reason") == "Dites pourquoi l'orientation est refusée."
    assert stored(session, orientation.id).status is Status.PROPOSED


def test_refusing_by_the_structure(pilot_client, session, offer):
    orientation = orientation_of(session, offer)
    values = form_of(pilot_client.get(step_url(orientation, "refuser")))

    pilot_client.post(
        step_url(orientation, "refuser"),
        data={**values, "refused_by": "structure", "reason": "Session complète."},
    )

    refused = stored(session, orientation.id)
    assert (refused.status, refused.refused_by, refused.reason) == (
        Status.REFUSED,
        RefusedBy.STRUCTURE,
        "Session complète.",
    )


def test_an_illegal_step_page_says_why(pilot_client, session, offer):
    orientation = orientation_of(session, offer, status=Status.REFUSED)

    response = pilot_client.get(step_url(orientation, "commencer"))

    assert response.status_code == 409
    assert "Une orientation refusée ne peut pas être commencée." in text(response)


def test_the_news_page_of_an_ended_orientation_says_why(pilot_client, session, offer):
    orientation = orientation_of(session, offer, status=Status.REFUSED)

    response = pilot_client.get(step_url(orientation, "nouvelles"))

    assert response.status_code == 409
    assert "Cette orientation est terminée" in text(response)


def test_an_unknown_step_is_not_found(pilot_client, session, offer):
    orientation = orientation_of(session, offer)

    assert pilot_client.get(step_url(orientation, "demarrer")).status_code == 404


def test_a_step_saved_on_an_older_version_is_refused(pilot_client, session, offer):
    orientation = orientation_of(session, offer)
    values = form_of(pilot_client.get(step_url(orientation, "accepter")))
    orientation.comment = "Changé ailleurs."
    session.commit()  # the version moves on

    response = pilot_client.post(step_url(orientation, "accepter"), data=values)

    assert response.status_code == 409
    assert "modifiée entre-temps" in text(response)
    assert stored(session, orientation.id).status is Status.PROPOSED


def test_starting_into_a_full_site_asks_for_a_confirmation(pilot_client, session, offer):
    full_micro_site(session, offer)
    orientation = orientation_of(session, offer, site=offer.micro_site)
    orientation.programme = offer.micro_lycee
    session.commit()
    values = form_of(pilot_client.get(step_url(orientation, "accepter")))

    refused = pilot_client.post(step_url(orientation, "accepter"), data=values)
    confirmed = pilot_client.post(
        step_url(orientation, "accepter"), data={**values, "confirm_full": "y"}
    )

    assert refused.status_code == 409 and "Je confirme" in text(refused)
    assert confirmed.status_code == 302
    assert stored(session, orientation.id).over_capacity is True


def test_news_from_its_page(pilot_client, session, offer):
    orientation = orientation_of(session, offer, status=Status.STARTED)
    values = form_of(pilot_client.get(step_url(orientation, "nouvelles")))

    pilot_client.post(step_url(orientation, "nouvelles"), data={**values, "comment": "Assidu."})

    assert stored(session, orientation.id).steps[-1].comment == "Assidu."


# --- who sees and does what ------------------------------------------------------------------


def test_the_hosting_partner_sees_the_youth_once_oriented_and_starts(client, session, offer):
    client.sign_in(offer.e2c_partner)
    before = client.get(f"/jeunes/{offer.world.adult.id}")
    orientation = orientation_of(session, offer, status=Status.ACCEPTED)

    page = text(client.get(f"/jeunes/{offer.world.adult.id}"))
    values = form_of(client.get(step_url(orientation, "commencer")))
    response = client.post(step_url(orientation, "commencer"), data=values)

    assert before.status_code == 404
    assert "E2C Lille Métropole (Roubaix)" in page
    assert response.status_code == 302
    assert stored(session, orientation.id).status is Status.STARTED


def test_a_partner_of_another_structure_gets_404(client, session, offer):
    orientation = orientation_of(session, offer, status=Status.ACCEPTED)
    client.sign_in(offer.world.partner)  # the Lycée Baggio: not the adult's nor the site's

    assert client.get(f"/jeunes/{offer.world.adult.id}").status_code == 404
    assert client.get(step_url(orientation, "commencer")).status_code == 404
    assert client.get(f"/jeunes/{offer.world.adult.id}/dispositifs").status_code == 404


def test_a_reader_gets_403(client, session, offer):
    orientation = orientation_of(session, offer)
    client.sign_in(offer.world.reader)

    assert client.get(orient_url(offer.world.adult)).status_code == 403
    assert client.get(step_url(orientation, "accepter")).status_code == 403
    assert client.get(f"/jeunes/{offer.world.adult.id}/dispositifs").status_code == 403


@pytest.mark.parametrize("etape", ["accepter", "nouvelles"])
def test_the_following_partner_may_move_it_on(client, session, offer, etape):
    orientation = orientation_of(session, offer, youth=offer.world.minor)
    client.sign_in(offer.world.partner)  # the Lycée Baggio follows the minor

    assert client.get(step_url(orientation, etape)).status_code == 200


# --- closing ---------------------------------------------------------------------------------


def test_closing_offers_the_started_orientations_solution(pilot_client, session, offer):
    orientation_of(session, offer, status=Status.STARTED, on=date(2026, 11, 16))

    response = pilot_client.get(f"/jeunes/{offer.world.adult.id}/cloture")

    assert (
        "Solution proposée : École de la deuxième chance (E2C) commencée le 16/11/2026 "
        "(orientation en cours)"
    ) in text(response)
    values = form_of(response)
    assert (values["solution"], values["solution_since"]) == ("e2c", "2026-11-16")


def test_closing_without_a_started_orientation_offers_nothing(pilot_client, session, offer):
    orientation_of(session, offer, status=Status.ACCEPTED)

    response = pilot_client.get(f"/jeunes/{offer.world.adult.id}/cloture")

    assert "Solution proposée" not in text(response)
    assert form_of(response)["solution"] == ""


def test_the_offered_solution_closes_the_case(pilot_client, session, offer):
    orientation_of(session, offer, status=Status.STARTED, on=date(2026, 11, 16))
    values = form_of(pilot_client.get(f"/jeunes/{offer.world.adult.id}/cloture"))

    response = pilot_client.post(
        f"/jeunes/{offer.world.adult.id}/cloture",
        data={**values, "reason": "solution_found", "known_to_partner": "unknown"},
    )

    assert response.status_code == 302
    session.expire_all()
    case = offer.world.adult_case
    assert (case.solution.code, case.solution_since) == ("e2c", date(2026, 11, 16))
    assert case.closed_on == TODAY

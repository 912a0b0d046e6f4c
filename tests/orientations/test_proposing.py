"""Proposing an orientation (to an open case, an active dispositif, a site of it in the PSAD,
a current vacant place; full ones confirmed), and the places orientations take and give back:
accepted and started ones hold a place of their school year, the others none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from psad.audit.actions import AuditAction
from psad.orientations import places, services
from psad.orientations.models import (
    OrientationStatus,
    VacantPlace,
)
from psad.youth.models import CaseStatus
from tests.factories import make_youth
from tests.followup.conftest import NOW, TODAY
from tests.helpers import events
from tests.orientations.conftest import SCHOOL_YEAR, make_orientation
from tests.orientations.steps import another_youth_at, change, left_at, needed, propose

Status = OrientationStatus


# --- proposing -------------------------------------------------------------------------------


def test_proposing_records_the_first_step(session, offer):
    orientation = propose(session, offer, comment="Projet de formation en alternance.")

    assert orientation.status is Status.PROPOSED
    assert (orientation.youth_id, orientation.psad_id) == (
        offer.world.adult.id,
        offer.world.psad.id,
    )
    assert (orientation.proposed_on, orientation.last_news_on) == (TODAY, TODAY)
    assert orientation.school_year == SCHOOL_YEAR
    assert orientation.proposed_by_id == offer.world.pilot.id
    [step] = orientation.steps
    assert (step.status, step.on, step.comment) == (
        Status.PROPOSED,
        TODAY,
        "Projet de formation en alternance.",
    )


def test_proposing_is_audited_with_ids_and_the_programme_code(session, offer):
    orientation = propose(session, offer)
    session.commit()

    [event] = events(session, AuditAction.ORIENTATION_PROPOSED.value)
    assert (event.object_type, event.object_id) == ("youth", offer.world.adult.id)
    assert f"orientation={orientation.id}" in event.detail
    assert "dispositif=E2C" in event.detail
    assert "Martin" not in event.detail


def test_a_proposal_takes_no_place_yet(session, offer):
    propose(session, offer)

    assert left_at(session, offer.e2c_site) == 2


def test_a_closed_case_cannot_be_oriented(session, offer):
    closed = make_youth(session, offer.world.psad, case_status=CaseStatus.CLOSED)

    with pytest.raises(services.ClosedCaseError, match="rouvrez-le"):
        propose(session, offer, case=closed.cases[0])


def test_a_retired_programme_cannot_be_chosen(session, offer):
    offer.e2c.retired_on = date(2026, 11, 1)

    with pytest.raises(services.OrientationInputError, match="retiré du catalogue"):
        propose(session, offer)


def test_the_site_must_be_one_of_the_programme(session, offer):
    with pytest.raises(services.OrientationInputError, match="pas une implantation"):
        propose(session, offer, site=offer.micro_site)


def test_a_closed_site_is_refused(session, offer):
    offer.e2c_site.active = False

    with pytest.raises(services.OrientationInputError, match="n'accueille plus"):
        propose(session, offer)


def vacancy(session, offer, **values):  # type: ignore[no-untyped-def]
    place = VacantPlace(
        psad=offer.world.psad,
        uai="0590001A",
        establishment="Lycée Baggio",
        formation="Bac pro Commerce",
        places=1,
        available_until=values.pop("available_until", date(2027, 1, 31)),
        **values,
    )
    session.add(place)
    session.flush()
    return place


def propose_return_to(session, offer, place):  # type: ignore[no-untyped-def]
    """A return to school (« Retour en formation initiale ») on a vacant place."""
    return propose(
        session, offer, programme=offer.programme(session, "RETOUR_FI"), site=None, vacancy=place
    )


def test_a_current_vacant_place_is_followed_like_a_site(session, offer):
    place = vacancy(session, offer)
    orientation = propose_return_to(session, offer, place)

    assert orientation.vacant_place_id == place.id and orientation.site_id is None


@pytest.mark.parametrize(
    "values", [{"available_until": date(2026, 12, 6)}, {"withdrawn_at": NOW - timedelta(days=1)}]
)
def test_a_vacant_place_past_its_date_or_withdrawn_is_refused(session, offer, values):
    place = vacancy(session, offer, **values)

    with pytest.raises(services.OrientationInputError, match="n'est plus proposée"):
        propose_return_to(session, offer, place)


def test_proposing_to_a_full_site_asks_for_a_confirmation(session, offer):
    another_youth_at(session, offer, offer.micro_site)

    with pytest.raises(services.SiteFullError) as refused:
        propose(session, offer, programme=offer.micro_lycee, site=offer.micro_site)

    assert refused.value.status_code == 409
    assert (
        "Lycée Baggio (Lille) est complet pour l'année scolaire 2026-2027" in refused.value.message
    )
    assert "Confirmez-vous" in refused.value.message


def test_a_confirmed_proposal_to_a_full_site_is_over_capacity(session, offer):
    another_youth_at(session, offer, offer.micro_site)

    orientation = propose(
        session, offer, programme=offer.micro_lycee, site=offer.micro_site, confirm_full=True
    )

    assert orientation.over_capacity is True


def test_a_full_vacant_place_asks_for_a_confirmation_too(session, offer):
    place = vacancy(session, offer)
    other = make_youth(session, offer.world.psad)
    taken = make_orientation(
        session, other.cases[0], offer.programme(session, "RETOUR_FI"), status=Status.ACCEPTED
    )
    taken.vacant_place = place
    session.flush()

    with pytest.raises(services.SiteFullError):
        propose_return_to(session, offer, place)


# --- places ----------------------------------------------------------------------------------


def test_places_go_down_when_accepted_and_started_and_back_when_refused(session, offer):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c, site=offer.e2c_site)

    change(session, offer, orientation, Status.ACCEPTED)
    accepted = left_at(session, offer.e2c_site)
    change(session, offer, orientation, Status.REFUSED, **needed(Status.REFUSED))

    assert (accepted, left_at(session, offer.e2c_site)) == (1, 2)


def test_places_come_back_when_the_youth_abandons(session, offer):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c, site=offer.e2c_site)
    change(session, offer, orientation, Status.ACCEPTED)
    change(session, offer, orientation, Status.STARTED)
    started = left_at(session, offer.e2c_site)

    change(session, offer, orientation, Status.ABANDONED, reason="Déménagement.")

    assert (started, left_at(session, offer.e2c_site)) == (1, 2)


def test_accepting_into_a_full_site_needs_a_confirmation(session, offer):
    another_youth_at(session, offer, offer.micro_site)
    orientation = make_orientation(
        session, offer.world.adult_case, offer.micro_lycee, site=offer.micro_site
    )

    with pytest.raises(services.SiteFullError, match="complet"):
        change(session, offer, orientation, Status.ACCEPTED)
    change(session, offer, orientation, Status.ACCEPTED, confirm_full=True)

    assert orientation.status is Status.ACCEPTED and orientation.over_capacity is True
    assert places.site_places(session, [offer.micro_site], SCHOOL_YEAR)[
        offer.micro_site.id
    ].text == ("complet (2 / 1)")


def test_starting_an_accepted_orientation_keeps_its_place_without_asking(session, offer):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.micro_lycee, site=offer.micro_site
    )
    change(session, offer, orientation, Status.ACCEPTED)  # the last place

    change(session, offer, orientation, Status.STARTED)

    assert orientation.status is Status.STARTED and orientation.over_capacity is False


def test_an_orientation_takes_a_place_of_the_school_year_it_is_accepted_in(session, offer):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, site=offer.e2c_site, on=date(2026, 8, 20)
    )
    orientation.school_year = SCHOOL_YEAR - 1  # proposed in 2025-2026

    change(session, offer, orientation, Status.ACCEPTED)

    assert orientation.school_year == SCHOOL_YEAR
    assert left_at(session, offer.e2c_site) == 1


def test_accepted_for_september_it_takes_the_place_of_the_year_it_starts_in(session, offer):
    """Accepted in June, it held a place of 2025-2026; started in September, it holds one of
    2026-2027, and gives the other back."""
    orientation = make_orientation(
        session,
        offer.world.adult_case,
        offer.e2c,
        site=offer.e2c_site,
        status=Status.ACCEPTED,
        on=date(2026, 6, 15),
    )
    orientation.school_year = SCHOOL_YEAR - 1
    before = left_at(session, offer.e2c_site)

    change(session, offer, orientation, Status.STARTED, on=date(2026, 9, 1))

    assert orientation.school_year == SCHOOL_YEAR
    assert (before, left_at(session, offer.e2c_site)) == (2, 1)


def test_starting_in_a_new_school_year_into_a_full_site_needs_a_confirmation(session, offer):
    another_youth_at(session, offer, offer.micro_site)  # the one place of 2026-2027
    orientation = make_orientation(
        session,
        offer.world.adult_case,
        offer.micro_lycee,
        site=offer.micro_site,
        status=Status.ACCEPTED,
        on=date(2026, 6, 15),
    )
    orientation.school_year = SCHOOL_YEAR - 1

    with pytest.raises(services.SiteFullError, match="2026-2027"):
        change(session, offer, orientation, Status.STARTED, on=date(2026, 9, 1))
    change(session, offer, orientation, Status.STARTED, on=date(2026, 9, 1), confirm_full=True)

    assert orientation.over_capacity is True

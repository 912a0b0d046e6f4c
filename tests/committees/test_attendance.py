"""The attendance of a comité: the PSAD's members by structure (the invited ones first) ticked
present, and guests with their organisation, saved in one go; refused once the minutes are
validated; for pilotes and co-pilotes of the comité's PSAD only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from psad.auth.models import Role
from psad.committees.models import Attendance, Committee, CommitteeStatus
from psad.committees.services.attendance import attendance_of
from tests.committees.conftest import comite, frozen_clock
from tests.factories import make_psad, make_user
from tests.helpers import count, events, field_error, text

__all__ = ["comite", "frozen_clock"]


def url(comite) -> str:  # type: ignore[no-untyped-def]
    return f"/comites/{comite.committee.id}/presences"


def guests(*lines: tuple[str, str]) -> dict[str, str]:
    form = {}
    for number, (name, organisation) in enumerate(lines):
        form[f"guests-{number}-name"] = name
        form[f"guests-{number}-organisation"] = organisation
    return form


@pytest.fixture
def pilot(client, comite, frozen_clock):  # type: ignore[no-untyped-def]
    client.sign_in(comite.world.pilot)
    return client


def test_the_members_are_grouped_by_structure_the_invited_first(pilot, comite):
    page = text(pilot.get(url(comite)))

    legends = re.findall(r"<legend[^>]*>([^<]+)", page)
    assert [legend.strip() for legend in legends] == [
        "CIO de Lille",
        "Mission locale de Lille",
        "E2C Lille",
        "Lycée Baggio",
        "Sans structure",
    ]
    assert page.count(">invitée<") == 2
    assert "Nadia Roche" in page and "Luc Petit" in page


def test_the_attendance_is_saved_in_one_post_with_guests(pilot, session, comite):
    world = comite.world
    form = {
        "present": [str(world.pilot.id), str(world.partner.id)],
        **guests(("Jean Dupont", "Conseil départemental"), ("Aline Roy", ""), ("", "")),
    }

    response = pilot.submit(url(comite), form)

    assert response.status_code == 302
    session.expire_all()
    rows = attendance_of(session.get(Committee, comite.committee.id))
    assert [(row.name, row.organisation, row.is_guest) for row in rows] == [
        ("Claire Martin", "CIO de Lille", False),  # an invited structure first
        ("Sophie Durand", "Lycée Baggio", False),
        ("Jean Dupont", "Conseil départemental", True),
        ("Aline Roy", None, True),
    ]
    [event] = events(session, "committee.attendance")
    assert event.detail == f"comité={comite.committee.id}; membres=2; invités=2"
    page = text(pilot.get(url(comite)))  # the page shows what was saved
    assert re.search(rf'value="{world.pilot.id}"[^>]*checked', page)
    assert not re.search(rf'value="{world.copilot.id}"[^>]*checked', page)
    assert 'value="Jean Dupont"' in page


def test_a_new_save_replaces_the_previous_one(pilot, session, comite):
    world = comite.world
    first = {
        "present": [str(world.pilot.id), str(world.partner.id)],
        **guests(("Jean Dupont", "CD")),
    }
    pilot.submit(url(comite), first)

    second = {
        "present": [str(world.pilot.id), str(world.copilot.id)],
        **guests(("Jean Dupont", "CD"), ("Aline Roy", "Région")),
        "guests-0-remove": "y",
    }
    pilot.submit(url(comite), second)

    session.expire_all()
    rows = attendance_of(session.get(Committee, comite.committee.id))
    assert [row.name for row in rows] == ["Claire Martin", "Karim Benali", "Aline Roy"]
    assert count(session, Attendance) == 3


def test_a_guest_needs_a_name(pilot, session, comite):
    response = pilot.submit(url(comite), guests(("", "Conseil départemental")))

    assert response.status_code == 422
    assert field_error(response, "guests-0-name") == "Indiquez le nom de l'invité."
    assert count(session, Attendance) == 0


def test_someone_outside_the_psad_cannot_be_ticked(pilot, session, comite):
    other = make_user(session, psad=make_psad(session), role=Role.PILOT, full_name="Ailleurs")
    session.commit()

    response = pilot.submit(url(comite), {"present": [str(other.id)]})

    assert response.status_code == 422
    assert count(session, Attendance) == 0


def test_a_locked_meeting_takes_no_attendance(pilot, session, comite):
    comite.committee.status = CommitteeStatus.VALIDATED
    session.commit()

    response = pilot.submit(url(comite), {"present": [str(comite.world.pilot.id)]})

    assert response.status_code == 409
    assert "relevé de décisions de ce comité est validé" in text(response)
    assert count(session, Attendance) == 0


@pytest.mark.parametrize("role", ["partner", "reader"])
def test_partners_and_readers_do_not_take_the_attendance(client, comite, frozen_clock, role):
    client.sign_in(getattr(comite.world, role))

    assert client.get(url(comite)).status_code == 403


def test_a_comite_of_another_psad_is_not_found(pilot, session, comite):
    other = Committee(psad=make_psad(session), starts_at=datetime(2026, 12, 9, 13, tzinfo=UTC))
    session.add(other)
    session.commit()

    assert pilot.get(f"/comites/{other.id}/presences").status_code == 404


@pytest.mark.parametrize("role", ["pilot", "partner", "reader"])
def test_the_comites_page_shows_who_was_present_once_recorded(
    client, session, comite, frozen_clock, role
):
    world = comite.world
    client.sign_in(world.pilot)
    before = text(client.get(f"/comites/{comite.committee.id}"))
    client.submit(
        url(comite), {"present": [str(world.copilot.id)], **guests(("Jean Dupont", "CAF"))}
    )
    client.sign_in(getattr(world, role))

    page = text(client.get(f"/comites/{comite.committee.id}"))

    assert "Présents" not in before
    assert "Présents (2)" in page
    assert "Karim Benali — Mission locale de Lille" in page
    assert re.search(r"Jean Dupont — CAF <span[^>]*>\(invité\)</span>", page)

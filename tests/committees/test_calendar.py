"""The comités in a calendar application: a meeting's ``.ics``, and the secret, revocable feed
address of each member (stored hashed, shown once), parsed with the icalendar library."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Membership, Role, User
from psad.committees.models import CalendarToken, Committee, CommitteeStatus
from tests.committees.conftest import MEETING_AT, Comite
from tests.committees.test_minutes import NAMES, Held, held
from tests.factories import make_psad, make_user
from tests.helpers import events, text

SUMMARY = "Comité technique — PSAD de Lille"


@pytest.fixture
def meeting(session: Session, comite: Comite, frozen_clock: None) -> Held:
    return held(session, comite)


def parsed(response: Any) -> Calendar:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def create_address(client: Any) -> str:
    """Create the signed-in member's feed address; returns it as the page shows it."""
    page = text(client.submit("/comites/calendrier/adresse"))
    match = re.search(r'id="adresse-abonnement"[^>]*value="([^"]+)"', page)
    assert match, "no address on the page"
    return match.group(1)


def path_of(url: str) -> str:
    return url.removeprefix("http://localhost")


def meeting_at(session: Session, comite: Comite, when: datetime, **values: Any) -> Committee:
    committee = Committee(psad=values.pop("psad", comite.world.psad), starts_at=when, **values)
    session.add(committee)
    session.commit()
    return committee


# --- a meeting's .ics ---------------------------------------------------------------------


def test_a_meetings_ics_parses_with_paris_time_and_no_youth(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.partner)

    response = client.get(f"/comites/{meeting.committee.id}.ics")

    calendar = parsed(response)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == SUMMARY
    assert str(event["UID"]) == f"committee-{meeting.committee.id}@localhost"
    starts = event.decoded("DTSTART")
    assert str(starts.tzinfo) == "Europe/Paris"
    assert starts.hour == 14
    assert starts.astimezone(UTC) == datetime(2026, 12, 8, 13, 0, tzinfo=UTC)
    assert event.decoded("DTEND") - starts == timedelta(hours=2)
    assert str(event["LOCATION"]) == "CIO de Lille, salle 2"
    assert "3 jeunes à l'ordre du jour" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    for name in NAMES:
        assert name not in body


def test_the_uid_stays_the_same_from_one_download_to_the_next(client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.reader)
    url = f"/comites/{meeting.committee.id}.ics"

    first, second = parsed(client.get(url)), parsed(client.get(url))

    assert first.walk("VEVENT")[0]["UID"] == second.walk("VEVENT")[0]["UID"]


def test_a_cancelled_meeting_is_cancelled_in_the_calendar(
    client, session: Session, comite: Comite, frozen_clock: None
) -> None:
    committee = meeting_at(
        session,
        comite,
        MEETING_AT + timedelta(days=35),
        status=CommitteeStatus.CANCELLED,
        video_link="https://visio.example/comite",
        agenda_note="Point sur les places de janvier.",
    )
    client.sign_in(comite.world.pilot)

    [event] = parsed(client.get(f"/comites/{committee.id}.ics")).walk("VEVENT")

    assert str(event["STATUS"]) == "CANCELLED"
    description = str(event["DESCRIPTION"])
    assert "Visioconférence : https://visio.example/comite" in description
    assert "Point sur les places de janvier." in description
    assert "jeune" not in description  # a draft or cancelled agenda gives no count


def test_another_psads_meeting_ics_answers_404(
    client, session: Session, comite: Comite, frozen_clock: None
) -> None:
    other = make_psad(session, code="ROUBAIX", name="PSAD de Roubaix")
    stranger = make_user(session, psad=other, role=Role.PILOT, email="p@roubaix.example")
    session.commit()
    client.sign_in(stranger)

    assert client.get(f"/comites/{comite.committee.id}.ics").status_code == 404


# --- the feed address -------------------------------------------------------------------------


def test_the_address_is_shown_once_and_stored_hashed(
    client, session: Session, meeting: Held
) -> None:
    world = meeting.comite.world
    client.sign_in(world.partner)

    url = create_address(client)

    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert url == f"http://localhost/calendrier/{token}.ics"
    assert len(token) >= 43
    session.expire_all()
    [stored] = session.scalars(select(CalendarToken)).all()
    assert stored.user_id == world.partner.id
    assert stored.psad_id == world.psad.id
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (stored.token_hash, str(stored.id))
    again = text(client.get("/comites/calendrier"))
    assert token not in again
    assert "Vous avez une adresse d'abonnement active" in again
    [event] = events(session, "committee.calendar_token")
    assert token not in (event.detail or "")


def test_the_feed_needs_no_login_and_serves_the_psads_meetings_of_the_window(
    app, client, session: Session, meeting: Held
) -> None:
    comite = meeting.comite
    meeting_at(session, comite, MEETING_AT - timedelta(days=30))  # included
    meeting_at(session, comite, MEETING_AT - timedelta(days=120))  # too old
    meeting_at(session, comite, MEETING_AT + timedelta(days=400))  # too far
    other = make_psad(session, code="ROUBAIX", name="PSAD de Roubaix")
    meeting_at(session, comite, MEETING_AT, psad=other)  # another PSAD's
    client.sign_in(comite.world.partner)
    url = create_address(client)

    response = app.test_client().get(path_of(url))

    calendar = parsed(response)
    assert response.headers["Cache-Control"] == "private"
    assert len(calendar.walk("VEVENT")) == 2
    assert {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")} == {SUMMARY}
    body = response.get_data(as_text=True)
    for name in NAMES:
        assert name not in body


def test_a_new_address_revokes_the_previous_one(app, client, meeting: Held) -> None:
    client.sign_in(meeting.comite.world.pilot)
    first = create_address(client)

    second = create_address(client)

    calendar_app = app.test_client()
    assert calendar_app.get(path_of(first)).status_code == 404
    assert calendar_app.get(path_of(second)).status_code == 200


def test_a_revoked_address_answers_a_neutral_404(
    app, client, session: Session, meeting: Held
) -> None:
    client.sign_in(meeting.comite.world.pilot)
    url = create_address(client)

    revoked = client.submit("/comites/calendrier/revoquer", follow_redirects=True)

    assert "Adresse d'abonnement révoquée" in text(revoked)
    response = app.test_client().get(path_of(url))
    assert response.status_code == 404
    assert response.get_data(as_text=True) == "Calendrier introuvable.\n"
    assert len(events(session, "committee.calendar_token")) == 2


def test_an_unknown_address_answers_the_same_404(app, meeting: Held) -> None:
    response = app.test_client().get("/calendrier/inconnu.ics")

    assert response.status_code == 404
    assert response.get_data(as_text=True) == "Calendrier introuvable.\n"


def test_an_inactive_users_address_answers_404(
    app, client, session: Session, meeting: Held
) -> None:
    client.sign_in(meeting.comite.world.partner)
    url = create_address(client)
    user = session.get(User, meeting.comite.world.partner.id)
    assert user is not None
    user.active = False
    session.commit()

    assert app.test_client().get(path_of(url)).status_code == 404


def test_an_address_stops_when_its_user_leaves_the_psad(
    app, client, session: Session, meeting: Held
) -> None:
    partner = meeting.comite.world.partner
    client.sign_in(partner)
    url = create_address(client)
    for membership in session.scalars(select(Membership).where(Membership.user_id == partner.id)):
        session.delete(membership)
    session.commit()

    assert app.test_client().get(path_of(url)).status_code == 404


def test_the_calendar_page_is_for_signed_in_members(app, client, meeting: Held) -> None:
    anonymous = app.test_client().get("/comites/calendrier")
    client.sign_in(meeting.comite.world.reader)

    page = client.get("/comites/calendrier")

    assert anonymous.status_code == 302
    assert page.status_code == 200
    assert "Créer mon adresse d'abonnement" in text(page)
    assert f"/comites/{meeting.committee.id}.ics" in text(page)

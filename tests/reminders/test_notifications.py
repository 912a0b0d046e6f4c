"""The notifications page, the header's counter of unread ones, opening one (read, then the
list it counts) and marking them read: each user sees and touches only their own."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Membership, Psad, Role, User
from psad.reminders.models import Notification, ReminderKind
from tests.factories import make_psad, make_user
from tests.helpers import count, text

MONDAY, SUNDAY = date(2025, 12, 1), date(2025, 11, 30)
EARLIER = datetime(2025, 12, 1, 8, 30, tzinfo=UTC)
LATE_TASKS = "3 tâches en retard"
NEVER_CONTACTED = (
    "12 jeunes d'une liste importée il y a plus de 30 jours n'ont jamais été contactés"
)


def notify(
    session: Session,
    user: User,
    psad: Psad,
    *,
    day: date = MONDAY,
    kind: ReminderKind = ReminderKind.TASKS_OVERDUE,
    count: int = 3,
    text: str = LATE_TASKS,
    link: str = "/taches",
    read_at: datetime | None = None,
    subject_id: int = 0,
) -> Notification:
    """One notification, as the daily run stores it (flushed)."""
    notification = Notification(
        user_id=user.id,
        psad_id=psad.id,
        day=day,
        kind=kind,
        subject_id=subject_id,
        count=count,
        text=text,
        link=link,
        read_at=read_at,
    )
    session.add(notification)
    session.flush()
    return notification


def read_at(session: Session, notification_id: int) -> datetime | None:
    session.expire_all()
    found = session.get(Notification, notification_id)
    assert found is not None
    return found.read_at


@pytest.fixture
def copilot(session: Session, psad: Psad) -> User:
    user = make_user(session, psad=psad, role=Role.COPILOT, full_name="Karim Benali")
    session.commit()
    return user


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_users_notifications_by_day_newest_first(client, session, pilot, psad):
    notify(session, pilot, psad, day=SUNDAY, text="2 tâches en retard", count=2)
    notify(session, pilot, psad, day=MONDAY, text=LATE_TASKS)
    notify(
        session, pilot, psad, day=MONDAY, kind=ReminderKind.LIST_NOT_CONTACTED, count=12,
        text=NEVER_CONTACTED, link="/jeunes?onglet=jamais-contactes",
    )  # fmt: skip
    session.commit()
    client.sign_in(pilot)

    page = text(client.get("/notifications"))

    assert "<h1>Rappels</h1>" in page
    monday, sunday = page.index("Lundi 1er décembre 2025"), page.index("Dimanche 30 novembre 2025")
    assert monday < page.index(LATE_TASKS) < page.index(NEVER_CONTACTED) < sunday
    assert page.index("2 tâches en retard") > sunday
    assert ReminderKind.LIST_NOT_CONTACTED.label in page
    assert re.search(r'<td class="text-end">12</td>', page)


def test_a_user_sees_only_their_own_notifications(client, session, pilot, psad, copilot):
    notify(session, pilot, psad, text=LATE_TASKS)
    notify(session, copilot, psad, text="7 tâches du jour", kind=ReminderKind.TASKS_TODAY)
    session.commit()
    client.sign_in(copilot)

    page = text(client.get("/notifications"))

    assert "7 tâches du jour" in page
    assert LATE_TASKS not in page


def test_unread_and_read_are_said_in_words(client, session, pilot, psad):
    notify(session, pilot, psad, text=LATE_TASKS)
    notify(session, pilot, psad, day=SUNDAY, text="2 tâches en retard", read_at=EARLIER)
    session.commit()
    client.sign_in(pilot)

    page = text(client.get("/notifications"))

    monday_row = page[page.index(LATE_TASKS) : page.index("Dimanche")]
    sunday_row = page[page.index("2 tâches en retard") :]
    assert "non lu</span>" in monday_row and "Marquer comme lu" in monday_row
    assert ">lu</span>" in sunday_row and "Marquer comme lu" not in sunday_row
    assert "1 rappel non lu sur 2." in page


def test_todays_notifications_say_so(client, session, pilot, psad):
    notify(session, pilot, psad, day=clock.today())
    session.commit()
    client.sign_in(pilot)

    page = text(client.get("/notifications"))

    assert re.search(r"<h2[^>]*>Aujourd'hui, \w+ ", page)


def test_no_notification_says_so(client, pilot):
    client.sign_in(pilot)

    page = text(client.get("/notifications"))

    assert "Aucun rappel pour le moment." in page
    assert "Tout marquer comme lu" not in page


def test_the_list_is_paginated(client, session, pilot, psad):
    for day in range(1, 31):
        for kind in (ReminderKind.TASKS_OVERDUE, ReminderKind.NO_CONTACT):
            notify(session, pilot, psad, day=date(2025, 9, day), kind=kind, text=f"n{day}-{kind}")
    session.commit()
    client.sign_in(pilot)

    first, second = text(client.get("/notifications")), text(client.get("/notifications?page=2"))

    assert "Page 1 sur 2" in first and "Page 2 sur 2" in second
    assert "Mardi 30 septembre 2025" in first and "n30-tasks_overdue" in first
    assert "n5-no_contact" not in first and "n5-no_contact" in second
    assert "Lundi 1er septembre 2025" in second
    assert "page=2" in first  # « Suivante »


# --- the header's counter -------------------------------------------------------------------


def test_the_header_counts_the_unread_notifications(client, session, pilot, psad, copilot):
    notify(session, pilot, psad, kind=ReminderKind.TASKS_OVERDUE)
    notify(session, pilot, psad, kind=ReminderKind.TASKS_TODAY)
    notify(session, pilot, psad, kind=ReminderKind.NO_CONTACT, read_at=EARLIER)
    notify(session, copilot, psad, kind=ReminderKind.NO_CONTACT)
    session.commit()
    client.sign_in(pilot)

    page = text(client.get("/"))

    assert re.search(
        r'href="/notifications">Rappels <span class="badge[^"]*">2'
        r'<span class="visually-hidden"> non lus</span>',
        page,
    )


def test_the_header_shows_no_badge_when_all_is_read(client, session, pilot, psad):
    notify(session, pilot, psad, read_at=EARLIER)
    session.commit()
    client.sign_in(pilot)

    page = text(client.get("/"))

    assert 'href="/notifications">Rappels</a>' in page


def test_the_header_links_to_my_account(client, pilot):
    client.sign_in(pilot)

    page = text(client.get("/"))

    assert 'href="/compte/rappels">Mon compte</a>' in page


# --- opening one ----------------------------------------------------------------------------


def test_opening_marks_read_and_goes_to_the_list_it_counts(client, session, pilot, psad):
    link = "/jeunes?onglet=jamais-contactes&import_avant=2026-11-07"
    notification = notify(session, pilot, psad, link=link)
    session.commit()
    client.sign_in(pilot)

    response = client.get(f"/notifications/{notification.id}/ouvrir")

    assert response.status_code == 302
    assert response.location == link
    assert read_at(session, notification.id) is not None
    assert 'href="/notifications">Rappels</a>' in text(client.get("/"))


def test_opening_again_keeps_the_first_reading(client, session, pilot, psad):
    notification = notify(session, pilot, psad, read_at=EARLIER)
    session.commit()
    client.sign_in(pilot)

    client.get(f"/notifications/{notification.id}/ouvrir")

    assert read_at(session, notification.id) == EARLIER


@pytest.mark.parametrize(
    "link",
    [
        "https://ailleurs.example/jeunes",
        "//ailleurs.example/jeunes",
        "/\\ailleurs.example",
        "javascript:alert(1)",
        "jeunes?onglet=tous",
        "/jeunes\nLocation: https://ailleurs.example",
    ],
)
def test_a_link_outside_the_application_is_refused(client, session, pilot, psad, link):
    notification = notify(session, pilot, psad, link=link)
    session.commit()
    client.sign_in(pilot)

    response = client.get(f"/notifications/{notification.id}/ouvrir")

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "ne mène pas à une page de l'application" in text(response)
    assert read_at(session, notification.id) is None


def test_another_users_notification_does_not_open(client, session, pilot, psad, copilot):
    notification = notify(session, pilot, psad)
    session.commit()
    client.sign_in(copilot)

    response = client.get(f"/notifications/{notification.id}/ouvrir")

    assert response.status_code == 404
    assert read_at(session, notification.id) is None


def test_opening_goes_to_the_psad_of_the_notification(client, session, pilot, psad):
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    pilot.memberships.append(Membership(psad=amiens, role=Role.COPILOT))
    notification = notify(session, pilot, amiens, link="/jeunes?onglet=sans-contact")
    session.commit()
    client.sign_in(pilot, psad)

    listed = text(client.get("/notifications"))
    client.get(f"/notifications/{notification.id}/ouvrir")

    home = text(client.get("/"))
    assert re.search(rf'<option value="{amiens.id}"\s+selected>', home)
    assert f"{ReminderKind.TASKS_OVERDUE.label} · PSAD d'Amiens</span>" in listed


def test_a_psad_one_left_does_not_open_its_list(client, session, pilot, psad):
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    notification = notify(session, pilot, amiens, link="/jeunes")
    session.commit()
    client.sign_in(pilot)

    response = client.get(f"/notifications/{notification.id}/ouvrir", follow_redirects=True)

    assert response.request.path == "/notifications"
    assert "une PSAD dont vous n'êtes plus membre" in text(response)


# --- marking read ---------------------------------------------------------------------------


def test_marking_one_read(client, session, pilot, psad):
    notification = notify(session, pilot, psad)
    other = notify(session, pilot, psad, kind=ReminderKind.TASKS_TODAY)
    session.commit()
    client.sign_in(pilot)

    response = client.submit(f"/notifications/{notification.id}/lu", follow_redirects=True)

    assert "Rappel marqué comme lu." in text(response)
    assert read_at(session, notification.id) is not None
    assert read_at(session, other.id) is None


def test_marking_another_users_notification_is_not_found(client, session, pilot, psad, copilot):
    notification = notify(session, pilot, psad)
    session.commit()
    client.sign_in(copilot)

    response = client.submit(f"/notifications/{notification.id}/lu")

    assert response.status_code == 404
    assert read_at(session, notification.id) is None


def test_marking_read_needs_the_forms_token(client, session, pilot, psad):
    notification = notify(session, pilot, psad)
    session.commit()
    client.sign_in(pilot)

    response = client.post(f"/notifications/{notification.id}/lu")

    assert response.status_code == 400
    assert read_at(session, notification.id) is None


def test_marking_all_read_touches_only_ones_own(client, session, pilot, psad, copilot):
    for kind in (ReminderKind.TASKS_OVERDUE, ReminderKind.TASKS_TODAY, ReminderKind.NO_CONTACT):
        notify(session, pilot, psad, kind=kind)
    theirs = notify(session, copilot, psad)
    session.commit()
    client.sign_in(pilot)

    response = client.submit("/notifications/tout-lu", follow_redirects=True)

    assert "3 rappels marqués comme lus." in text(response)
    assert "Tous vos rappels sont lus." in text(response)
    assert count(session, Notification, Notification.read_at.is_(None)) == 1
    assert read_at(session, theirs.id) is None

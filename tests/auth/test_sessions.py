"""Signed-in sessions live in the database: log-out, password changes and time end them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from psad.auth.models import User, UserSession
from psad.youth.models import Youth
from tests.factories import PASSWORD, make_youth
from tests.helpers import count, text, with_settings

COOKIE = "psad_session"
NEW_PASSWORD = "un nouveau mot de passe"


def another_browser(app: Flask) -> FlaskClient:
    """Another browser (or an attacker's copy of a cookie): a client of its own."""
    return app.test_client()


def copy_cookie(source: FlaskClient, target: FlaskClient) -> str:
    cookie = source.get_cookie(COOKIE)
    assert cookie is not None
    target.set_cookie(COOKIE, cookie.value)
    return cookie.value


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/jeunes").status_code == 200


def live_sessions(session: Session, user: User) -> int:
    session.expire_all()
    return (
        session.scalar(
            select(func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        )
        or 0
    )


# --- log-out ------------------------------------------------------------------------------


def test_a_cookie_copied_before_log_out_opens_nothing_after(app, client, session, psad, pilot):
    youth = make_youth(session, psad)
    session.commit()
    client.login("pilote@psad.example")
    stolen = another_browser(app)
    copy_cookie(client, stolen)
    assert stolen.get(f"/jeunes/{youth.id}").status_code == 200

    client.submit("/deconnexion")

    response = stolen.get(f"/jeunes/{youth.id}")
    assert response.status_code == 302
    assert response.location.startswith("/connexion")
    assert "Lefèvre" not in text(response)


def test_a_replayed_cookie_cannot_signal_a_youth_after_log_out(app, client, session, pilot):
    client.login("pilote@psad.example")
    token = client.csrf_token()  # what a copy of the page and cookie would give
    value = client.get_cookie(COOKIE).value  # type: ignore[union-attr]
    client.submit("/deconnexion")

    replay = another_browser(app)
    replay.set_cookie(COOKIE, value)
    response = replay.post(
        "/jeunes/signaler",
        data={"csrf_token": token, "last_name": "Intrus", "first_name": "Paul"},
    )

    assert response.status_code == 302
    assert response.location.startswith("/connexion")
    assert count(session, Youth) == 0


def test_replaying_a_logged_out_cookie_never_renews_it(app, client, session, pilot):
    client.login("pilote@psad.example")
    value = client.get_cookie(COOKIE).value  # type: ignore[union-attr]
    client.submit("/deconnexion")

    for _ in range(3):  # each replay starts again from the copied value
        replay = another_browser(app)
        replay.set_cookie(COOKIE, value)
        assert not is_signed_in(replay)


def test_log_out_ends_the_session_in_the_database(client, session, pilot):
    client.login("pilote@psad.example")
    assert live_sessions(session, pilot) == 1

    client.submit("/deconnexion")

    assert live_sessions(session, pilot) == 0


def test_a_cookie_without_a_session_token_is_anonymous(client, pilot):
    """The cookie of an earlier version (user id only) no longer opens an account."""
    with client.session_transaction() as cookie:
        cookie["_user_id"] = str(pilot.id)
        cookie["_fresh"] = True

    assert not is_signed_in(client)


def test_logging_in_twice_opens_two_independent_sessions(app, client, session, pilot):
    other = another_browser(app)
    client.login("pilote@psad.example")
    other.login("pilote@psad.example")  # type: ignore[attr-defined]

    client.submit("/deconnexion")

    assert not is_signed_in(client)
    assert is_signed_in(other)


# --- password changes and disabled accounts -----------------------------------------------


def test_changing_ones_password_ends_the_other_sessions_only(app, client, session, pilot):
    elsewhere = another_browser(app)
    client.sign_in(pilot)  # type: ignore[attr-defined]
    elsewhere.sign_in(pilot)  # type: ignore[attr-defined]

    client.submit(
        "/compte/mot-de-passe",
        {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert is_signed_in(client)
    response = elsewhere.get("/jeunes")
    assert response.status_code == 302
    assert "Le mot de passe de ce compte a changé : reconnectez-vous." in text(
        elsewhere.get(response.location)
    )


def test_an_administrators_reset_ends_every_session_of_the_user(app, client, session, pilot, admin):
    client.sign_in(pilot)  # type: ignore[attr-defined]
    desk = another_browser(app)
    desk.sign_in(admin)  # type: ignore[attr-defined]

    response = desk.submit(
        f"/admin/utilisateurs/{pilot.id}",
        {
            "email": "pilote@psad.example",
            "full_name": "Claire Martin",
            "active": "y",
            "password": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302, text(response)
    assert not is_signed_in(client)
    assert live_sessions(session, pilot) == 0


def test_disabling_an_account_ends_its_sessions(app, client, session, pilot, admin):
    client.sign_in(pilot)  # type: ignore[attr-defined]
    desk = another_browser(app)
    desk.sign_in(admin)  # type: ignore[attr-defined]

    desk.submit(
        f"/admin/utilisateurs/{pilot.id}",
        {"email": "pilote@psad.example", "full_name": "Claire Martin"},
    )

    assert live_sessions(session, pilot) == 0
    assert not is_signed_in(client)


def test_an_administrators_edit_without_reset_keeps_the_sessions(
    app, client, session, pilot, admin
):
    client.sign_in(pilot)  # type: ignore[attr-defined]
    desk = another_browser(app)
    desk.sign_in(admin)  # type: ignore[attr-defined]

    desk.submit(
        f"/admin/utilisateurs/{pilot.id}",
        {"email": "pilote@psad.example", "full_name": "Claire M.", "active": "y"},
    )

    assert is_signed_in(client)


# --- time ---------------------------------------------------------------------------------


def signed_in_since(session: Session, hours: float) -> None:
    """Every open session began ``hours`` ago and was active a minute ago."""
    now = datetime.now(UTC)
    session.execute(
        update(UserSession).values(
            created_at=now - timedelta(hours=hours), last_seen_at=now - timedelta(minutes=1)
        )
    )
    session.commit()


def test_an_active_session_ends_after_its_absolute_lifetime(client, session, pilot):
    client.sign_in(pilot)  # type: ignore[attr-defined]
    signed_in_since(session, 12.1)

    response = client.get("/jeunes")

    assert response.status_code == 302
    assert "Votre session a atteint sa durée maximale : reconnectez-vous." in text(
        client.get(response.location)
    )
    assert not is_signed_in(client)


def test_a_session_within_its_lifetime_stays_open(client, session, pilot):
    client.sign_in(pilot)  # type: ignore[attr-defined]
    signed_in_since(session, 11.9)

    assert is_signed_in(client)


@with_settings(web={"session_max_hours": 2})
def test_the_absolute_lifetime_comes_from_the_settings(client, session, pilot):
    client.sign_in(pilot)  # type: ignore[attr-defined]
    signed_in_since(session, 2.5)

    assert not is_signed_in(client)


def test_an_idle_session_ended_in_the_database_stays_ended(client, session, pilot):
    client.sign_in(pilot)  # type: ignore[attr-defined]
    session.execute(
        update(UserSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=61))
    )
    session.commit()
    client.get("/jeunes")

    session.execute(update(UserSession).values(last_seen_at=datetime.now(UTC)))
    session.commit()

    assert not is_signed_in(client)

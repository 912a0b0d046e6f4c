"""« Mot de passe oublié » : the link received by e-mail, the new password, sessions ended.

Through the real pages and the outbox's delivery to a real loopback SMTP server.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.auth.jobs import purge_sign_ins
from psad.auth.login import policy_of
from psad.auth.models import PasswordReset, User
from psad.auth.passwords import verify_password
from psad.auth.reset import ResetLinkInvalidError, request_reset, reset_password, reset_policy_of
from psad.outbox.jobs import deliver_outbox
from psad.outbox.models import OutboxMessage, OutboxPurpose, OutboxState
from tests.auth._password_reset import (
    BASE_URL,
    LINK_GONE,
    NEW_PASSWORD,
    NOW,
    SENT,
    ask_for_link,
    at,
    choose,
    deliver,
    link_in,
    settings,
    smtp_server,
)
from tests.conftest import SECRET
from tests.factories import PASSWORD, make_user
from tests.helpers import count, events, field_error, text

__all__ = ["at", "settings", "smtp_server"]

EMAIL = "pilote@psad.example"


def log_in(client, password: str) -> int:  # type: ignore[no-untyped-def]
    """The status of a log-in of the pilote with ``password`` (302: signed in)."""
    return int(client.submit("/connexion", {"email": EMAIL, "password": password}).status_code)


def test_the_log_in_page_offers_a_forgotten_password(client):
    page = client.get("/connexion")

    assert 'href="/connexion/oubli"' in page.text
    assert "Mot de passe oublié ?" in text(page)


def test_asking_sends_an_email_with_a_link_valid_one_hour(
    app, client, session, pilot, at, smtp_server
):
    response = ask_for_link(client, EMAIL)

    assert response.status_code == 302
    assert SENT in text(client.get(response.location))
    [mail] = deliver(app, smtp_server)
    assert mail.recipients == [EMAIL]
    assert mail.subject == "Suivi PSAD : choisir un nouveau mot de passe"
    assert link_in(mail).startswith("/connexion/nouveau/")
    assert "valable 1 heure (jusqu'à 15:30 le 07/12/2026)" in mail.text
    assert "Vous n'avez rien demandé ? Ne cliquez pas sur le lien" in mail.text
    assert "192.0.2.10" not in mail.text  # who asked, and from where, is not said


def test_a_reset_sets_the_password_ends_every_session_and_signs_nobody_in(
    app, client, session, pilot, at, smtp_server
):
    elsewhere = app.test_client()
    elsewhere.sign_in(pilot)
    ask_for_link(client, EMAIL)
    path = link_in(deliver(app, smtp_server)[0])

    form = client.get(path)
    response = choose(client, path)

    assert form.status_code == 200 and "Choisir un nouveau mot de passe" in text(form)
    assert response.status_code == 302 and response.location == "/connexion"
    login_page = text(client.get("/connexion"))
    assert "Votre mot de passe a été changé : connectez-vous avec le nouveau" in login_page
    assert client.get("/jeunes").status_code == 302  # the reset signs nobody in
    ended = elsewhere.get("/jeunes")
    assert ended.status_code == 302
    assert "Le mot de passe de ce compte a été réinitialisé : reconnectez-vous." in text(
        elsewhere.get(ended.location)
    )


def test_after_a_reset_the_new_password_opens_the_account_and_the_old_one_not(
    app, client, session, pilot, at, smtp_server
):
    ask_for_link(client, EMAIL)
    choose(client, link_in(deliver(app, smtp_server)[0]))

    old = log_in(client, PASSWORD)
    new = log_in(client, NEW_PASSWORD)

    assert old == 401
    assert new == 302 and client.get("/jeunes").status_code == 200


def test_a_reset_lifts_the_log_in_lock_of_the_account(app, client, session, pilot, at, smtp_server):
    for _ in range(5):
        log_in(client, "pas le bon mot de passe")
    assert log_in(client, PASSWORD) == 429
    ask_for_link(client, EMAIL)

    choose(client, link_in(deliver(app, smtp_server)[0]))

    assert log_in(client, NEW_PASSWORD) == 302


def test_a_link_serves_once(app, client, session, pilot, at, smtp_server):
    ask_for_link(client, EMAIL)
    path = link_in(deliver(app, smtp_server)[0])
    choose(client, path)

    again = client.get(path)
    second = choose(client, path, "encore un autre mot de passe")

    assert again.status_code == 404 and LINK_GONE in text(again)
    assert second.status_code == 404 and LINK_GONE in text(second)
    assert log_in(client, NEW_PASSWORD) == 302


def test_a_link_expires_after_sixty_minutes(app, client, session, pilot, at, smtp_server):
    ask_for_link(client, EMAIL)
    path = link_in(deliver(app, smtp_server)[0])

    at(timedelta(minutes=59))
    still = client.get(path)
    at(timedelta(minutes=60))
    expired = choose(client, path)

    assert still.status_code == 200
    assert expired.status_code == 404 and LINK_GONE in text(expired)
    assert log_in(client, PASSWORD) == 302


def test_a_new_link_ends_the_older_one(app, client, session, pilot, at, smtp_server):
    ask_for_link(client, EMAIL)
    first = link_in(deliver(app, smtp_server)[0])
    ask_for_link(client, EMAIL)
    second = link_in(deliver(app, smtp_server, 2)[1])

    assert client.get(first).status_code == 404
    assert choose(client, second).status_code == 302


def test_a_mail_whose_link_died_before_it_left_is_not_sent(
    app, client, session, pilot, at, smtp_server
):
    ask_for_link(client, EMAIL)  # the mail server is down: the first mail waits
    ask_for_link(client, EMAIL)  # replaced
    ask_for_link(client, EMAIL, ip="192.0.2.11")
    at(timedelta(minutes=30))
    session.execute(update(PasswordReset).values(expires_at=NOW))  # the latest one expired too
    session.commit()

    deliver_outbox(app)

    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.purpose == OutboxPurpose.PASSWORD_RESET)
    ).all()
    assert smtp_server.messages == []
    assert [row.state for row in rows] == [OutboxState.FAILED] * 3
    assert all(row.last_error.startswith("Annulé : lien de réinitialisation") for row in rows)


def test_an_unknown_or_made_up_link_gets_the_same_neutral_page(client, pilot, at):
    made_up = client.get("/connexion/nouveau/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    too_long = client.get("/connexion/nouveau/" + "a" * 500)

    assert made_up.status_code == too_long.status_code == 404
    assert made_up.get_data() == too_long.get_data()
    assert LINK_GONE in text(made_up)


def test_a_link_of_an_account_disabled_since_is_refused(
    app, client, session, pilot, at, smtp_server
):
    ask_for_link(client, EMAIL)
    path = link_in(deliver(app, smtp_server)[0])
    pilot.active = False
    session.commit()

    assert choose(client, path).status_code == 404


def test_a_short_password_is_refused_and_the_link_still_serves(
    app, client, session, pilot, at, smtp_server
):
    ask_for_link(client, EMAIL)
    path = link_in(deliver(app, smtp_server)[0])

    short = choose(client, path, "trop court")
    different = choose(client, path, NEW_PASSWORD, "pas la même chose du tout")

    assert short.status_code == 422
    assert field_error(short, "new") == "Le mot de passe doit compter au moins 12 caractères."
    assert different.status_code == 422
    assert field_error(different, "confirm") == "Les deux mots de passe diffèrent."
    assert choose(client, path).status_code == 302


def test_the_pages_of_a_link_keep_it_from_other_sites(app, client, session, pilot, at, smtp_server):
    ask_for_link(client, EMAIL)
    path = link_in(deliver(app, smtp_server)[0])

    assert client.get(path).headers["Referrer-Policy"] == "no-referrer"
    assert client.get(path + "x").headers["Referrer-Policy"] == "no-referrer"


def test_only_the_tokens_hash_is_kept_and_no_log_holds_the_token(
    app, client, session, pilot, at, smtp_server, caplog
):
    caplog.set_level(logging.DEBUG)
    ask_for_link(client, EMAIL)
    path = link_in(deliver(app, smtp_server)[0])
    token = path.rsplit("/", 1)[1]
    client.get(path)
    choose(client, path)

    [reset] = session.scalars(select(PasswordReset)).all()
    assert reset.token_hash == hashlib.sha256(token.encode()).hexdigest()
    [outbox] = session.scalars(select(OutboxMessage)).all()
    assert (outbox.purpose, outbox.state, outbox.secret) == (
        OutboxPurpose.PASSWORD_RESET,
        OutboxState.SENT,
        None,
    )
    assert token not in outbox.body_text
    assert "GET /connexion/nouveau/<token>" in caplog.text
    assert token not in caplog.text


def test_the_request_and_the_reset_are_audited(app, client, session, pilot, at, smtp_server):
    ask_for_link(client, EMAIL)
    choose(client, link_in(deliver(app, smtp_server)[0]))

    [asked] = events(session, AuditAction.PASSWORD_RESET_REQUESTED)
    [done] = events(session, AuditAction.PASSWORD_RESET_DONE)
    assert (asked.user_id, asked.object_id, asked.ip_address) == (pilot.id, pilot.id, "192.0.2.10")
    assert asked.detail.startswith("lien envoyé")
    assert (done.user_id, done.object_id) == (pilot.id, pilot.id)


def test_links_a_day_past_their_end_are_purged(app, client, session, pilot, at, smtp_server):
    other = make_user(session, email="autre@psad.example")
    session.commit()
    ask_for_link(client, EMAIL)
    choose(client, link_in(deliver(app, smtp_server)[0]))
    at(timedelta(days=1, minutes=30))
    ask_for_link(client, other.email)

    purge_sign_ins(app)

    session.expire_all()
    assert [r.user_id for r in session.scalars(select(PasswordReset))] == [other.id]
    assert count(session, PasswordReset) == 1


@pytest.mark.committed
def test_two_posts_at_once_use_a_link_once(app, session, pilot, settings):
    policy = reset_policy_of(settings.auth, login=policy_of(settings.auth, secret=SECRET))
    request_reset(session, email=EMAIL, ip_address=None, now=NOW, policy=policy, base_url=BASE_URL)
    session.commit()
    token = session.scalars(select(OutboxMessage.secret)).one()
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    start = threading.Barrier(2)

    def post(password: str) -> str:
        with Session(engine) as own:
            start.wait()
            try:
                reset_password(
                    own, token=token, new=password, now=NOW, policy=policy, ip_address=None
                )
            except ResetLinkInvalidError:
                return "refusé"
            own.commit()
            return password

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(post, ["premier mot de passe", "second mot de passe"]))
    engine.dispose()

    assert results.count("refusé") == 1, results
    [winner] = [r for r in results if r != "refusé"]
    session.expire_all()
    assert verify_password(session.get_one(User, pilot.id).password_hash, winner)
    assert len(events(session, AuditAction.PASSWORD_RESET_DONE)) == 1

"""Log-in with a second factor: the password, then a code of the user's application (or a
recovery code), checked with real codes computed from the user's secret."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from psad.auth import twofactor
from psad.auth.models import User
from tests.auth._two_factor import (
    NOW,
    Clock,
    code_at,
    code_step,
    enrolled,
    freeze,
    password_step,
    secret_of,
)
from tests.helpers import events, field_error, text, with_settings

EMAIL = "pilote@psad.example"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return freeze(monkeypatch)


@pytest.fixture
def secret(session, pilot: User, clock: Clock) -> str:
    """The pilote, enrolled an hour ago: the secret of their authenticator application."""
    enrolled(session, pilot)
    return secret_of(session, pilot)


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


# --- the two steps -------------------------------------------------------------------------


def test_the_password_alone_opens_no_session(client, secret):
    response = password_step(client, EMAIL)

    assert response.status_code == 302
    assert response.location == "/connexion/code"
    assert not signed_in(client)


def test_the_code_page_asks_for_the_application_code_or_a_recovery_code(client, secret):
    password_step(client, EMAIL)

    page = text(client.get("/connexion/code"))

    assert '<label class="form-label" for="code">Code à 6 chiffres</label>' in page
    assert 'autocomplete="one-time-code"' in page
    assert "Utiliser un code de secours" in page


def test_the_right_code_after_the_password_opens_the_session(client, session, secret, clock):
    password_step(client, EMAIL)

    response = code_step(client, code_at(secret, clock.moment))

    assert response.status_code == 302
    assert response.location == "/"
    assert "Bienvenue, Claire Martin." in text(client.get("/"))


def test_the_journal_says_the_password_was_accepted_but_not_yet_the_log_in(
    client, session, pilot, secret
):
    password_step(client, EMAIL)

    [event] = events(session, "login.password_accepted")
    assert event.user_id == pilot.id
    assert events(session, "login.succeeded") == []
    session.refresh(pilot)
    assert pilot.last_login_at is None


def test_the_log_in_is_recorded_once_the_code_is_accepted(client, session, pilot, secret, clock):
    password_step(client, EMAIL)

    code_step(client, code_at(secret, clock.moment))

    [event] = events(session, "login.succeeded")
    assert event.user_id == pilot.id
    assert event.detail == "avec le code de l'application"
    session.refresh(pilot)
    assert pilot.last_login_at is not None


def test_a_refused_code_records_no_log_in(client, session, secret):
    password_step(client, EMAIL)

    code_step(client, "000000")

    assert events(session, "login.succeeded") == []


def test_the_page_asked_for_survives_the_code_step(client, secret, clock):
    first = password_step(client, EMAIL, next="/jeunes")

    assert first.location == "/connexion/code?next=/jeunes"
    response = code_step(client, code_at(secret, clock.moment), next="/jeunes")

    assert response.location == "/jeunes"


def test_the_code_step_never_redirects_to_another_site(client, secret, clock):
    password_step(client, EMAIL, next="//evil.example")

    response = code_step(client, code_at(secret, clock.moment), next="//evil.example")

    assert response.location == "/"


def test_a_wrong_code_is_refused_in_french_under_its_field(client, secret, clock):
    password_step(client, EMAIL)
    right = code_at(secret, clock.moment)

    response = code_step(client, "000000" if right != "000000" else "111111")

    assert response.status_code == 401
    assert field_error(response, "code") == twofactor.WRONG_CODE
    assert not signed_in(client)


def test_a_wrong_code_is_audited(client, session, pilot, secret):
    password_step(client, EMAIL)

    code_step(client, "999999" if code_at(secret, NOW) != "999999" else "888888")

    [event] = events(session, "two_factor.failed")
    assert event.user_id == pilot.id
    assert event.detail == "code à usage unique ; échec 1/5"


def test_what_is_not_six_digits_is_refused_without_counting(client, session, secret):
    password_step(client, EMAIL)

    response = code_step(client, "12a456")

    assert response.status_code == 422
    assert field_error(response, "code") == (
        "Saisissez les 6 chiffres affichés par votre application d'authentification."
    )
    assert events(session, "two_factor.failed") == []


def test_a_code_with_a_space_in_the_middle_is_accepted(client, secret, clock):
    password_step(client, EMAIL)
    code = code_at(secret, clock.moment)

    response = code_step(client, f"{code[:3]} {code[3:]}")

    assert response.location == "/"


# --- the time window and the replay guard --------------------------------------------------


def test_the_code_of_the_step_before_is_still_accepted(client, secret, clock):
    """A phone a little behind, or a code typed as it changed."""
    password_step(client, EMAIL)

    response = code_step(client, code_at(secret, clock.moment - timedelta(seconds=30)))

    assert response.location == "/"


def test_a_code_two_steps_old_is_refused(client, secret, clock):
    password_step(client, EMAIL)
    old = code_at(secret, clock.moment - timedelta(seconds=60))
    assert old not in {code_at(secret, clock.moment + timedelta(seconds=s)) for s in (-30, 0, 30)}

    response = code_step(client, old)

    assert response.status_code == 401
    assert field_error(response, "code") == twofactor.WRONG_CODE


def test_a_code_replayed_within_its_window_is_refused(client, secret, clock):
    code = code_at(secret, clock.moment)
    password_step(client, EMAIL)
    code_step(client, code)
    client.submit("/deconnexion")
    clock.advance(10)  # same 30-second step: the code is still « valid » for the application

    password_step(client, EMAIL)
    response = code_step(client, code)

    assert response.status_code == 401
    assert field_error(response, "code") == twofactor.USED_CODE
    assert not signed_in(client)


def test_the_next_code_works_after_one_was_used(client, secret, clock):
    password_step(client, EMAIL)
    code_step(client, code_at(secret, clock.moment))
    client.submit("/deconnexion")
    clock.advance(30)

    password_step(client, EMAIL)
    response = code_step(client, code_at(secret, clock.moment))

    assert response.location == "/"


def test_a_replayed_code_is_audited_as_such(client, session, secret, clock):
    code = code_at(secret, clock.moment)
    password_step(client, EMAIL)
    code_step(client, code)
    client.submit("/deconnexion")

    password_step(client, EMAIL)
    code_step(client, code)

    [event] = events(session, "two_factor.failed")
    assert event.detail == "code déjà utilisé ; échec 1/5"


# --- brute force: wrong codes count in the log-in throttle -----------------------------------


def wrong(secret: str, clock: Clock) -> str:
    valid = {code_at(secret, clock.moment + timedelta(seconds=s)) for s in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


@with_settings(auth={"max_failed_logins": 3, "lockout_minutes": 15})
def test_wrong_codes_lock_the_account_with_a_message_saying_when(client, secret, clock):
    password_step(client, EMAIL)
    code_step(client, wrong(secret, clock))
    code_step(client, wrong(secret, clock))

    response = code_step(client, wrong(secret, clock))

    assert response.status_code == 429
    assert re.search(
        r"Trop de tentatives de connexion échouées : réessayez à partir de 10:15 "
        r"\(dans 15 minutes\)\.",
        text(response),
    )


@with_settings(auth={"max_failed_logins": 2})
def test_a_locked_account_refuses_even_the_right_code(client, secret, clock):
    password_step(client, EMAIL)
    code_step(client, wrong(secret, clock))
    code_step(client, wrong(secret, clock))

    response = code_step(client, code_at(secret, clock.moment))

    assert response.status_code == 429
    assert not signed_in(client)


@with_settings(auth={"max_failed_logins": 2})
def test_an_account_locked_by_codes_refuses_the_password_as_a_wrong_password_would(
    client, secret, clock
):
    """The answer to the password must not tell that it was right."""
    password_step(client, EMAIL)
    code_step(client, wrong(secret, clock))
    code_step(client, wrong(secret, clock))

    response = password_step(client, EMAIL)

    assert response.status_code == 429
    assert "Trop de tentatives de connexion échouées" in text(response)


@with_settings(auth={"max_failed_logins": 3})
def test_typing_the_password_again_does_not_reset_the_count_of_wrong_codes(client, secret, clock):
    for _ in range(2):
        password_step(client, EMAIL)
        code_step(client, wrong(secret, clock))
    password_step(client, EMAIL)

    response = code_step(client, wrong(secret, clock))

    assert response.status_code == 429


@with_settings(auth={"max_failed_logins": 3})
def test_the_right_code_clears_the_count_of_wrong_codes(client, secret, clock):
    password_step(client, EMAIL)
    code_step(client, wrong(secret, clock))
    code_step(client, wrong(secret, clock))
    code_step(client, code_at(secret, clock.moment))
    client.submit("/deconnexion")
    clock.advance(30)

    password_step(client, EMAIL)
    code_step(client, wrong(secret, clock))
    response = code_step(client, wrong(secret, clock))

    assert response.status_code == 401  # two failures since the success: not locked


@with_settings(auth={"max_failed_logins": 2, "lockout_minutes": 15})
def test_the_lock_ends_after_its_time(client, secret, clock):
    password_step(client, EMAIL)
    code_step(client, wrong(secret, clock))
    code_step(client, wrong(secret, clock))
    clock.advance(16 * 60)

    password_step(client, EMAIL)
    response = code_step(client, code_at(secret, clock.moment))

    assert response.location == "/"


# A password holder guessing codes from many addresses meets the account's day count: the
# quarter-hour counters are set high here, as that many addresses would make them.
MANY_ADDRESSES = {
    "max_failed_logins": 100,
    "max_failed_logins_per_address": 100,
    "max_failed_logins_per_account": 100,
    "max_failed_codes_per_day": 4,
}


@with_settings(auth=MANY_ADDRESSES)
def test_wrong_codes_spread_over_the_day_lock_the_log_in_for_a_day(client, secret, clock):
    password_step(client, EMAIL)
    code_step(client, wrong(secret, clock))
    code_step(client, wrong(secret, clock))
    clock.advance(20 * 60)  # past the quarter-hour counters' window
    password_step(client, EMAIL)
    code_step(client, wrong(secret, clock))

    response = code_step(client, wrong(secret, clock))

    assert response.status_code == 429
    assert (
        "Trop de tentatives de connexion échouées : réessayez à partir du 01/12/2026 à 10:20."
        in text(response)
    )


@with_settings(auth=MANY_ADDRESSES)
def test_the_day_lock_refuses_the_password_too_until_it_ends(client, secret, clock):
    password_step(client, EMAIL)
    for _ in range(4):
        code_step(client, wrong(secret, clock))
    clock.advance(60 * 60)

    refused = password_step(client, EMAIL)  # the same answer as for a wrong password

    assert refused.status_code == 429
    assert "réessayez à partir du 01/12/2026 à 10:00." in text(refused)
    clock.advance(23 * 60 * 60 + 60)
    password_step(client, EMAIL)
    assert code_step(client, code_at(secret, clock.moment)).location == "/"


@with_settings(auth=MANY_ADDRESSES)
def test_a_right_code_starts_the_day_count_again(client, secret, clock):
    password_step(client, EMAIL)
    for _ in range(3):
        code_step(client, wrong(secret, clock))
    code_step(client, code_at(secret, clock.moment))
    client.submit("/deconnexion")
    clock.advance(60)

    password_step(client, EMAIL)
    for _ in range(3):
        response = code_step(client, wrong(secret, clock))

    assert response.status_code == 401  # three since the right code: not locked


# --- the half-way state ------------------------------------------------------------------


def test_the_code_page_without_the_password_sends_to_log_in(client, secret):
    response = client.get("/connexion/code", follow_redirects=True)

    assert response.request.path == "/connexion"
    assert (
        "Votre connexion a expiré : saisissez de nouveau votre adresse et votre mot de passe."
        in text(response)
    )


def test_the_code_step_lasts_five_minutes(client, secret, clock):
    password_step(client, EMAIL)
    clock.advance(5 * 60 + 1)

    response = code_step(client, code_at(secret, clock.moment))

    assert response.status_code == 302
    assert response.location == "/connexion"
    assert not signed_in(client)


def test_a_code_step_within_five_minutes_succeeds(client, secret, clock):
    password_step(client, EMAIL)
    clock.advance(4 * 60 + 50)

    response = code_step(client, code_at(secret, clock.moment))

    assert response.location == "/"


def test_a_user_without_second_factor_still_signs_in_with_the_password(client, pilot):
    response = password_step(client, EMAIL)

    assert response.location == "/"
    assert signed_in(client)


# --- recovery codes -----------------------------------------------------------------------


@pytest.fixture
def recovery_codes(session, pilot: User, clock: Clock) -> list[str]:
    return enrolled(session, pilot)


def recovery_step(client, code: str):  # type: ignore[no-untyped-def]
    return client.submit("/connexion/code-de-secours", {"code": code})


def test_a_recovery_code_opens_the_session(client, recovery_codes):
    password_step(client, EMAIL)

    response = recovery_step(client, recovery_codes[0])

    assert response.location == "/"
    assert "Code de secours accepté : il vous en reste 9." in text(client.get("/"))


def test_a_recovery_code_works_once(client, recovery_codes):
    password_step(client, EMAIL)
    recovery_step(client, recovery_codes[0])
    client.submit("/deconnexion")
    password_step(client, EMAIL)

    response = recovery_step(client, recovery_codes[0])

    assert response.status_code == 401
    assert field_error(response, "code") == "Code de secours incorrect ou déjà utilisé."
    assert not signed_in(client)


def test_a_recovery_code_is_read_without_dash_and_in_lower_case(client, recovery_codes):
    password_step(client, EMAIL)

    response = recovery_step(client, recovery_codes[3].replace("-", "").lower())

    assert response.location == "/"


def test_the_use_of_a_recovery_code_is_audited(client, session, pilot, recovery_codes):
    password_step(client, EMAIL)

    recovery_step(client, recovery_codes[0])

    [event] = events(session, "two_factor.recovery_used")
    assert event.user_id == pilot.id
    assert event.detail == "9 code(s) de secours restant(s)"


def test_a_recovery_code_log_in_is_recorded_as_such(client, session, pilot, recovery_codes):
    password_step(client, EMAIL)

    recovery_step(client, recovery_codes[0])

    [event] = events(session, "login.succeeded")
    assert event.detail == "avec un code de secours"


def test_a_wrong_recovery_code_counts_as_a_failure(client, session, recovery_codes):
    password_step(client, EMAIL)

    recovery_step(client, "AAAAA-AAAAA")

    [event] = events(session, "two_factor.failed")
    assert event.detail == "code de secours ; échec 1/5"


def test_the_recovery_page_links_back_to_the_application_code(client, recovery_codes):
    password_step(client, EMAIL, next="/jeunes")

    page = text(client.get("/connexion/code-de-secours?next=/jeunes"))

    assert 'href="/connexion/code?next=/jeunes"' in page
    assert '<label class="form-label" for="code">Code de secours</label>' in page

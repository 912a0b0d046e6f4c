"""« Mon compte » → « Double authentification »: enrolment with a QR code, recovery codes shown
once, renewal, disabling; a PSAD that requires it; an administrator's reset for a lost phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from psad.auth import twofactor
from psad.auth.models import RecoveryCode, Role, User
from tests.auth._two_factor import (
    RECOVERY_CODE,
    Clock,
    code_at,
    code_step,
    enrolled,
    freeze,
    password_step,
    secret_of,
)
from tests.factories import make_psad, make_user
from tests.helpers import count, events, field_error, text

ACCOUNT = "/compte/double-authentification"
EMAIL = "pilote@psad.example"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return freeze(monkeypatch)


def refreshed(session, user: User) -> User:  # type: ignore[no-untyped-def]
    session.expire_all()
    fresh = session.get(User, user.id)
    assert fresh is not None
    return fresh


def require_two_factor(session, psad) -> None:  # type: ignore[no-untyped-def]
    psad.two_factor_required = True
    session.commit()


# --- enrolment ---------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_drawn_here_with_an_accessible_name(client, pilot, clock):
    client.sign_in(pilot)

    page = text(client.get(ACCOUNT))

    assert '<svg role="img" aria-label="Code QR à scanner avec votre application' in page
    assert "<img" not in page.split("<main", 1)[1]  # no picture fetched from elsewhere
    assert "<strong>Non activée</strong>. Avec la double authentification" in page


def test_enrolment_shows_the_secret_as_text_in_groups_of_four(client, session, pilot, clock):
    client.sign_in(pilot)

    page = text(client.get(ACCOUNT))

    secret = secret_of(session, pilot)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert refreshed(session, pilot).has_two_factor is False  # not before a first code


def test_opening_the_page_again_keeps_the_same_secret(client, session, pilot, clock):
    client.sign_in(pilot)
    client.get(ACCOUNT)
    first = secret_of(session, pilot)

    client.get(ACCOUNT)

    assert secret_of(session, pilot) == first


@pytest.fixture
def elsewhere(app, client):  # type: ignore[no-untyped-def]
    """Another browser (of the same kind as ``client``): somebody else who holds the
    password, or the user's other device."""
    return app.test_client()


def test_another_browser_opening_the_page_is_shown_another_secret(
    client, elsewhere, session, pilot, clock
):
    elsewhere.sign_in(pilot)
    elsewhere.get(ACCOUNT)
    seen_elsewhere = secret_of(session, pilot)
    client.sign_in(pilot)

    page = text(client.get(ACCOUNT))

    secret = secret_of(session, pilot)
    assert secret != seen_elsewhere
    assert twofactor.grouped(secret, 4) in page


def test_a_secret_seen_by_another_browser_never_becomes_the_second_factor(
    client, elsewhere, session, pilot, clock
):
    """Somebody with the password opens the enrolment page first and keeps the key: the
    user's enrolment does not take it, and the other browser's stale key is refused."""
    elsewhere.sign_in(pilot)
    elsewhere.get(ACCOUNT)
    seen_elsewhere = secret_of(session, pilot)
    client.sign_in(pilot)
    client.get(ACCOUNT)
    mine = secret_of(session, pilot)

    stale = elsewhere.submit(f"{ACCOUNT}/activer", {"code": code_at(mine, clock.moment)})

    assert stale.location == ACCOUNT
    assert "La clé a changé depuis l'ouverture de cette page" in text(elsewhere.get(ACCOUNT))
    assert not refreshed(session, pilot).has_two_factor
    client.get(ACCOUNT)  # the other browser was shown a new key: this one scans its own again
    secret = secret_of(session, pilot)
    done = client.submit(f"{ACCOUNT}/activer", {"code": code_at(secret, clock.moment)})
    assert "Double authentification activée." in text(done)
    assert refreshed(session, pilot).totp_secret not in (seen_elsewhere, mine)


def test_enrolling_ends_the_sessions_opened_with_the_password_alone(
    client, elsewhere, session, pilot, clock
):
    elsewhere.sign_in(pilot)
    client.sign_in(pilot)
    client.get(ACCOUNT)

    client.submit(f"{ACCOUNT}/activer", {"code": code_at(secret_of(session, pilot), clock.moment)})

    ended = elsewhere.get("/jeunes")
    assert ended.location.startswith("/connexion")
    assert "La double authentification vient d'être activée sur ce compte" in text(
        elsewhere.get(ended.location)
    )
    assert client.get("/jeunes").status_code == 200  # the browser that enrolled stays in


def test_the_qr_code_carries_the_issuer_and_the_account(client, session, pilot, clock):
    client.sign_in(pilot)
    client.get(ACCOUNT)

    uri = twofactor.provisioning_uri(secret_of(session, pilot), email=pilot.email, issuer="PSAD")

    assert uri.startswith("otpauth://totp/PSAD:pilote%40psad.example?secret=")
    assert "issuer=PSAD" in uri


def test_the_first_right_code_turns_it_on_and_shows_ten_recovery_codes(
    client, session, pilot, clock
):
    client.sign_in(pilot)
    client.get(ACCOUNT)

    response = client.submit(
        f"{ACCOUNT}/activer", {"code": code_at(secret_of(session, pilot), clock.moment)}
    )

    page = text(response)
    assert response.status_code == 200
    assert "Double authentification activée." in page
    assert len(set(re.findall(rf"<li>({RECOVERY_CODE})</li>", page))) == 10
    assert response.headers["Cache-Control"] == "no-store"
    assert "Je les ai notés" in page
    assert refreshed(session, pilot).has_two_factor


def test_recovery_codes_are_shown_once_and_kept_hashed(client, session, pilot, clock):
    client.sign_in(pilot)
    client.get(ACCOUNT)
    response = client.submit(
        f"{ACCOUNT}/activer", {"code": code_at(secret_of(session, pilot), clock.moment)}
    )
    codes = re.findall(rf"<li>({RECOVERY_CODE})</li>", text(response))

    page = text(client.get(ACCOUNT))

    assert not any(code in page for code in codes)
    assert "Codes de secours encore valables : 10 sur 10." in page
    stored = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not {code.replace("-", "") for code in codes} & set(stored)


def test_enrolment_is_audited(client, session, pilot, clock):
    client.sign_in(pilot)
    client.get(ACCOUNT)

    client.submit(f"{ACCOUNT}/activer", {"code": code_at(secret_of(session, pilot), clock.moment)})

    [event] = events(session, "two_factor.enabled")
    assert event.user_id == pilot.id


def test_a_wrong_first_code_leaves_it_off_with_the_error_under_the_field(
    client, session, pilot, clock
):
    client.sign_in(pilot)
    client.get(ACCOUNT)
    right = code_at(secret_of(session, pilot), clock.moment)

    response = client.submit(
        f"{ACCOUNT}/activer", {"code": "123456" if right != "123456" else "654321"}
    )

    assert response.status_code == 401
    assert field_error(response, "code") == twofactor.WRONG_CODE
    assert refreshed(session, pilot).has_two_factor is False
    assert '<svg role="img"' in text(response)  # the QR code is still there to scan


def test_an_empty_first_code_is_refused_in_french(client, pilot, clock):
    client.sign_in(pilot)
    client.get(ACCOUNT)

    response = client.submit(f"{ACCOUNT}/activer", {"code": ""})

    assert response.status_code == 422
    assert field_error(response, "code") == "Ce champ est obligatoire."


def test_enrolled_through_the_pages_the_next_log_in_asks_for_the_code(
    client, session, pilot, clock
):
    client.login(EMAIL)
    client.get(ACCOUNT)
    secret = secret_of(session, pilot)
    client.submit(f"{ACCOUNT}/activer", {"code": code_at(secret, clock.moment)})
    client.submit("/deconnexion")
    clock.advance(30)

    assert password_step(client, EMAIL).location == "/connexion/code"
    assert code_step(client, code_at(secret, clock.moment)).location == "/"


# --- renewing the recovery codes --------------------------------------------------------------


@pytest.fixture
def old_codes(session, pilot: User, clock: Clock) -> list[str]:
    return enrolled(session, pilot)


def test_renewing_the_codes_needs_a_current_code(client, session, pilot, old_codes):
    client.sign_in(pilot)

    response = client.submit(f"{ACCOUNT}/codes-de-secours", {"code": ""})

    assert response.status_code == 422
    assert field_error(response, "renew-code") == "Ce champ est obligatoire."


def test_renewed_codes_replace_the_old_ones(client, session, pilot, old_codes, clock):
    client.sign_in(pilot)

    response = client.submit(
        f"{ACCOUNT}/codes-de-secours", {"code": code_at(secret_of(session, pilot), clock.moment)}
    )

    new = re.findall(rf"<li>({RECOVERY_CODE})</li>", text(response))
    assert len(new) == 10 and not set(new) & set(old_codes)
    assert count(session, RecoveryCode) == 10
    [event] = events(session, "two_factor.recovery_renewed")
    assert event.user_id == pilot.id
    client.submit("/deconnexion")
    password_step(client, EMAIL)
    refused = client.submit("/connexion/code-de-secours", {"code": old_codes[0]})
    assert refused.status_code == 401


def test_a_wrong_code_renews_nothing(client, session, pilot, old_codes, clock):
    client.sign_in(pilot)
    right = code_at(secret_of(session, pilot), clock.moment)

    response = client.submit(
        f"{ACCOUNT}/codes-de-secours", {"code": "000000" if right != "000000" else "111111"}
    )

    assert response.status_code == 401
    assert field_error(response, "renew-code") == twofactor.WRONG_CODE
    assert events(session, "two_factor.recovery_renewed") == []
    assert len(events(session, "two_factor.failed")) == 1


# --- disabling ----------------------------------------------------------------------------


def test_disabling_with_a_current_code(client, session, pilot, old_codes, clock):
    client.sign_in(pilot)

    response = client.submit(
        f"{ACCOUNT}/desactiver", {"code": code_at(secret_of(session, pilot), clock.moment)}
    )

    assert response.location == ACCOUNT
    assert "Double authentification désactivée." in text(client.get(ACCOUNT))
    user = refreshed(session, pilot)
    assert not user.has_two_factor and user.totp_secret is not None  # a new one, to enrol again
    assert count(session, RecoveryCode) == 0
    [event] = events(session, "two_factor.disabled")
    assert event.user_id == pilot.id


def test_after_disabling_the_password_alone_opens_the_session(
    client, session, pilot, old_codes, clock
):
    client.sign_in(pilot)
    client.submit(
        f"{ACCOUNT}/desactiver", {"code": code_at(secret_of(session, pilot), clock.moment)}
    )
    client.submit("/deconnexion")

    assert password_step(client, EMAIL).location == "/"


def test_disabling_is_refused_when_the_psad_requires_it(
    client, session, psad, pilot, old_codes, clock
):
    require_two_factor(session, psad)
    client.sign_in(pilot)

    response = client.submit(
        f"{ACCOUNT}/desactiver", {"code": code_at(secret_of(session, pilot), clock.moment)}
    )

    assert response.status_code == 403
    assert (
        "Impossible de désactiver la double authentification : elle est obligatoire dans "
        "votre PSAD (PSAD de Lille)." in text(response)
    )
    assert refreshed(session, pilot).has_two_factor


def test_the_page_offers_no_disabling_when_the_psad_requires_it(
    client, session, psad, pilot, old_codes
):
    require_two_factor(session, psad)
    client.sign_in(pilot)

    page = text(client.get(ACCOUNT))

    assert "Désactiver la double authentification</button>" not in page
    assert "vous ne pouvez pas la désactiver" in page


# --- a PSAD that requires it -----------------------------------------------------------------


def test_a_member_without_it_is_sent_to_enrolment_with_the_reason(client, session, psad, pilot):
    require_two_factor(session, psad)
    client.sign_in(pilot)

    response = client.get("/jeunes")

    assert response.status_code == 302
    assert response.location == f"{ACCOUNT}?next=/jeunes"
    page = text(client.get(response.location))
    assert (
        "Votre PSAD exige la double authentification (PSAD de Lille) : activez-la ci-dessous "
        "pour continuer." in page
    )
    assert '<svg role="img"' in page


def test_a_member_without_it_is_sent_to_enrolment_after_the_password(client, session, psad, pilot):
    require_two_factor(session, psad)

    client.login(EMAIL)

    assert client.get("/").location.startswith(ACCOUNT)


def test_every_page_but_enrolment_is_closed_until_enrolled(client, session, psad, pilot):
    require_two_factor(session, psad)
    client.sign_in(pilot)

    for url in ("/", "/jeunes", "/compte/rappels", "/compte/mot-de-passe", "/journal"):
        assert client.get(url).location.startswith(ACCOUNT), url


def test_log_out_stays_open_before_enrolment(client, session, psad, pilot):
    require_two_factor(session, psad)
    client.sign_in(pilot)

    response = client.submit("/deconnexion")

    assert response.location == "/connexion"


def test_the_public_reply_pages_stay_open_before_enrolment(client, session, psad, pilot):
    require_two_factor(session, psad)
    client.sign_in(pilot)

    response = client.get("/r/jeton-inconnu")

    assert not (response.location or "").startswith(ACCOUNT)


def test_once_enrolled_the_member_reaches_the_page_asked_for(client, session, psad, pilot, clock):
    require_two_factor(session, psad)
    client.sign_in(pilot)
    enrolment = client.get("/jeunes").location
    client.get(enrolment)

    response = client.submit(
        f"{ACCOUNT}/activer?next=/jeunes",
        {"code": code_at(secret_of(session, pilot), clock.moment)},
    )

    assert '<a class="btn btn-primary" href="/jeunes">Je les ai notés</a>' in text(response)
    assert client.get("/jeunes").status_code == 200


def test_a_member_of_another_psad_is_not_concerned(client, session, psad, pilot):
    require_two_factor(session, psad)
    other = make_user(session, psad=make_psad(session), role=Role.PILOT)
    session.commit()
    client.sign_in(other)

    assert client.get("/").status_code == 200


# --- who sets the rule ------------------------------------------------------------------------


def psad_fields(psad, **changes: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {
        "code": psad.code,
        "name": psad.name,
        "active": "y",
        "unreachable_after": 3,
        "call_back_days": 7,
        "orientation_stalled_weeks": 6,
    }
    return {**fields, **changes}


def test_the_administrators_psad_form_has_the_checkbox(client, admin, psad):
    client.sign_in(admin)

    page = text(client.get(f"/admin/psad/{psad.id}"))

    assert "Double authentification obligatoire pour les membres</label>" in page


def test_an_administrator_makes_it_mandatory_for_a_psad(client, session, admin, psad):
    session.commit()
    client.sign_in(admin)

    response = client.submit(f"/admin/psad/{psad.id}", psad_fields(psad, two_factor_required="y"))

    assert response.status_code == 302
    session.refresh(psad)
    assert psad.two_factor_required
    [event] = events(session, "two_factor.requirement_changed")
    assert (event.psad_id, event.detail) == (psad.id, "obligatoire")


def test_saving_the_psad_form_unchanged_records_no_rule_change(client, session, admin, psad):
    session.commit()
    client.sign_in(admin)

    client.submit(f"/admin/psad/{psad.id}", psad_fields(psad))

    assert events(session, "two_factor.requirement_changed") == []


def test_the_pilote_makes_it_mandatory_for_their_psad(client, session, psad, pilot):
    client.sign_in(pilot)

    response = client.submit(
        f"/psad/{psad.id}/double-authentification", {"two_factor_required": "y"}
    )

    assert response.status_code == 302
    session.refresh(psad)
    assert psad.two_factor_required
    [event] = events(session, "two_factor.requirement_changed")
    assert event.user_id == pilot.id
    # the pilote has no second factor yet: their next page is the enrolment
    assert client.get(response.location).location.startswith(ACCOUNT)


def test_the_pilotes_page_says_how_many_members_lack_it(client, session, psad, pilot):
    make_user(session, psad=psad, role=Role.COPILOT)
    session.commit()
    client.sign_in(pilot)

    page = text(client.get(f"/psad/{psad.id}/double-authentification"))

    assert "2 membres actifs ne l'ont pas encore activée." in page
    assert "Double authentification obligatoire pour les membres</label>" in page


def test_a_pilote_cannot_set_another_psads_rule(client, session, pilot):
    other = make_psad(session)
    session.commit()
    client.sign_in(pilot)

    response = client.submit(
        f"/psad/{other.id}/double-authentification", {"two_factor_required": "y"}
    )

    assert response.status_code == 404
    session.refresh(other)
    assert not other.two_factor_required


def test_a_copilote_cannot_set_the_rule(client, session, psad):
    copilot = make_user(session, psad=psad, role=Role.COPILOT)
    session.commit()
    client.sign_in(copilot)

    response = client.submit(
        f"/psad/{psad.id}/double-authentification", {"two_factor_required": "y"}
    )

    assert response.status_code == 403
    assert "réservé à son pilote et aux administrateurs" in text(response)


# --- a lost phone: the administrator's reset ------------------------------------------------


def test_the_user_page_offers_the_reset_for_an_enrolled_user(client, session, admin, pilot, clock):
    enrolled(session, pilot)
    client.sign_in(admin)

    page = text(client.get(f"/admin/utilisateurs/{pilot.id}"))

    assert "Réinitialiser la double authentification</button>" in page


def test_an_administrator_resets_a_lost_phone(client, session, admin, pilot, clock):
    enrolled(session, pilot)
    client.sign_in(admin)

    response = client.submit(f"/admin/utilisateurs/{pilot.id}/double-authentification")

    assert response.status_code == 302
    assert (
        "Double authentification de pilote@psad.example réinitialisée : son mot de passe "
        "suffit désormais pour se connecter." in text(client.get(response.location))
    )
    assert not refreshed(session, pilot).has_two_factor
    assert count(session, RecoveryCode) == 0
    [event] = events(session, "two_factor.disabled")
    assert (event.user_id, event.object_id) == (admin.id, pilot.id)
    assert event.detail == "réinitialisée par un administrateur"


def test_after_a_reset_the_user_signs_in_and_enrols_again_if_required(
    client, session, psad, admin, pilot, clock
):
    enrolled(session, pilot)
    require_two_factor(session, psad)
    client.sign_in(admin)
    client.submit(f"/admin/utilisateurs/{pilot.id}/double-authentification")
    client.submit("/deconnexion")

    assert password_step(client, EMAIL).location == "/"
    assert client.get("/").location.startswith(ACCOUNT)


def test_only_an_administrator_resets(client, session, psad, pilot, clock):
    enrolled(session, pilot)
    other = make_user(session, psad=psad, role=Role.PILOT)
    session.commit()
    client.sign_in(other)

    response = client.submit(f"/admin/utilisateurs/{pilot.id}/double-authentification")

    assert response.status_code == 403
    assert refreshed(session, pilot).has_two_factor


def test_the_reset_is_refused_without_csrf_token(client, session, admin, pilot, clock):
    enrolled(session, pilot)
    client.sign_in(admin)

    client.post(f"/admin/utilisateurs/{pilot.id}/double-authentification")

    assert refreshed(session, pilot).has_two_factor
    assert events(session, "two_factor.disabled") == []


def test_codes_are_checked_against_the_app_clock(session, pilot, clock):
    """pyotp is given the app's clock: a code of the frozen moment is right, one of the wall
    clock is not (unless the two fall in the same steps)."""
    enrolled(session, pilot)
    secret = secret_of(session, pilot)
    clock.advance(3600)

    step = twofactor.time_step(clock.moment)

    assert twofactor.code_at(secret, step) == code_at(secret, clock.moment)
    assert twofactor.code_at(secret, step - 1) == code_at(
        secret, clock.moment - timedelta(seconds=30)
    )

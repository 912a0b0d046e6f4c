"""Accounts pages: log-in and log-out, lockout, idle timeout, CSRF, password, PSAD switch,
security headers, and the administration of PSADs, structures, users and memberships."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from psad.audit.models import AuditEvent
from psad.auth.models import LoginThrottle, Membership, Psad, Role, Structure, User, UserSession
from psad.auth.passwords import verify_password
from tests.factories import PASSWORD, make_psad, make_structure, make_user, make_youth
from tests.helpers import count, field_error, text, with_settings

NEW_PASSWORD = "un nouveau mot de passe"


# --- log-in and log-out -------------------------------------------------------------------


def test_login_page_has_labelled_fields_and_one_title(client):
    page = client.get("/connexion")

    assert page.status_code == 200
    assert text(page).count("<h1") == 1
    assert '<label class="form-label" for="email">Adresse électronique</label>' in text(page)
    assert '<label class="form-label" for="password">Mot de passe</label>' in text(page)


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/jeunes")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")
    assert "Connectez-vous pour accéder à cette page." in text(client.get(response.location))


def test_right_password_opens_the_home_page_of_the_psad(client, pilot):
    response = client.login("pilote@psad.example")
    page = client.get(response.location)

    assert response.location == "/"
    assert "Bienvenue, Claire Martin." in text(page)
    assert "PSAD de Lille" in text(page)


def test_login_goes_back_to_the_page_asked_for(client, pilot):
    response = client.submit(
        "/connexion?next=/jeunes", {"email": "pilote@psad.example", "password": PASSWORD}
    )

    assert response.location == "/jeunes"


def test_login_never_redirects_to_another_site(client, pilot):
    response = client.submit(
        "/connexion?next=//evil.example/", {"email": "pilote@psad.example", "password": PASSWORD}
    )

    assert response.location == "/"


@pytest.mark.parametrize(
    "target",
    [
        "/jeunes\r\nSet-Cookie: volé=1",
        "/\\evil.example/",
    ],
    ids=["crlf", "backslash"],
)
def test_login_redirect_target_is_checked_before_use(client, pilot, target):
    response = client.submit(
        "/connexion",
        {"email": "pilote@psad.example", "password": PASSWORD},
        query_string={"next": target},
    )

    assert response.status_code == 302
    assert response.location == "/"


def test_wrong_password_is_refused_with_french_message(client, pilot):
    response = client.submit("/connexion", {"email": "pilote@psad.example", "password": "faux"})

    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in text(response)
    assert client.get("/").status_code == 302  # still anonymous


def test_unknown_user_gets_the_same_message(client, pilot):
    response = client.submit("/connexion", {"email": "inconnu@psad.example", "password": "x"})

    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in text(response)


def test_empty_login_form_says_which_field_is_missing(client):
    response = client.submit("/connexion", {"email": "", "password": ""})

    assert response.status_code == 422
    assert field_error(response, "email") == "Ce champ est obligatoire."
    assert field_error(response, "password") == "Ce champ est obligatoire."


@with_settings(auth={"max_failed_logins": 2, "lockout_minutes": 15})
def test_lockout_after_repeated_failures_says_when_to_retry(client, session, pilot):
    bad = {"email": "pilote@psad.example", "password": "mauvais mot de passe"}
    client.submit("/connexion", bad)

    response = client.submit("/connexion", bad)

    assert response.status_code == 429
    assert re.search(
        r"Trop de tentatives de connexion échouées : réessayez à partir de \d\d:\d\d "
        r"\(dans 15 minutes\)\.",
        text(response),
    )


@with_settings(auth={"max_failed_logins": 2})
def test_lockout_is_kept_in_the_database(client, session, pilot):
    bad = {"email": "pilote@psad.example", "password": "mauvais mot de passe"}

    client.submit("/connexion", bad)
    client.submit("/connexion", bad)

    session.expire_all()
    [throttle] = session.scalars(select(LoginThrottle).where(LoginThrottle.key.like("pair:%")))
    assert throttle.locked_until is not None


@with_settings(auth={"max_failed_logins": 2})
def test_locked_account_refuses_the_right_password(client, pilot):
    bad = {"email": "pilote@psad.example", "password": "mauvais mot de passe"}
    client.submit("/connexion", bad)
    client.submit("/connexion", bad)

    response = client.submit("/connexion", {"email": "pilote@psad.example", "password": PASSWORD})

    assert response.status_code == 429
    assert "réessayez à partir de" in text(response)
    assert client.get("/").status_code == 302


def test_logout_closes_the_session(client, pilot):
    client.login("pilote@psad.example")

    response = client.submit("/deconnexion")

    assert response.location == "/connexion"
    assert "Vous êtes déconnecté." in text(client.get(response.location))
    assert client.get("/").status_code == 302


def test_logout_is_audited(client, session, pilot):
    client.sign_in(pilot)

    client.submit("/deconnexion")

    assert count(session, AuditEvent, AuditEvent.action == "logout") == 1


def test_logout_by_get_is_not_allowed(client, pilot):
    client.sign_in(pilot)

    response = client.get("/deconnexion")

    assert response.status_code == 405
    assert "Cette action n'est pas permise sur cette page." in text(response)


def test_deactivated_account_loses_its_open_session(client, session, pilot):
    client.sign_in(pilot)
    pilot.active = False
    session.commit()

    response = client.get("/jeunes")

    assert response.status_code == 302
    assert response.location.startswith("/connexion")


def test_removed_role_takes_effect_at_once(client, session, pilot):
    client.sign_in(pilot)
    session.delete(pilot.memberships[0])
    session.commit()

    assert client.get("/jeunes").status_code == 403


# --- idle timeout -------------------------------------------------------------------------


def idle_for(session: Session, minutes: int) -> None:
    """Every open session was last seen ``minutes`` ago (as the database remembers it)."""
    session.execute(
        update(UserSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=minutes))
    )
    session.commit()


def test_idle_session_is_closed_with_a_french_message(client, session, pilot):
    client.sign_in(pilot)
    idle_for(session, 61)

    response = client.get("/jeunes")

    assert response.status_code == 302
    assert response.location.startswith("/connexion?next=")
    assert "Votre session a expiré après une période d'inactivité : reconnectez-vous." in text(
        client.get(response.location)
    )


def test_expired_session_stays_closed(client, session, pilot):
    client.sign_in(pilot)
    idle_for(session, 61)
    client.get("/jeunes")

    assert client.get("/").status_code == 302


def test_active_session_within_the_limit_stays_open(client, session, pilot):
    client.sign_in(pilot)
    idle_for(session, 59)

    assert client.get("/jeunes").status_code == 200


@with_settings(web={"session_idle_minutes": 5})
def test_idle_limit_comes_from_the_settings(client, session, pilot):
    client.sign_in(pilot)
    idle_for(session, 6)

    assert client.get("/jeunes").status_code == 302


# --- CSRF ---------------------------------------------------------------------------------


def test_login_form_without_csrf_token_is_refused_in_french(client, pilot):
    response = client.post("/connexion", data={"email": "pilote@psad.example", "password": "x"})

    assert response.status_code == 400
    assert "jeton de sécurité (CSRF) manque" in text(response)


def test_form_with_a_forged_csrf_token_is_refused(client, pilot):
    client.sign_in(pilot)

    response = client.post("/deconnexion", data={"csrf_token": "forged"})

    assert response.status_code == 400
    assert client.get("/").status_code == 200  # not logged out


def test_missing_csrf_token_saves_nothing(client, session, pilot):
    client.sign_in(pilot)

    response = client.post("/jeunes/signaler", data={"last_name": "Dupont", "first_name": "Léa"})

    assert response.status_code == 400
    assert "Rechargez la page et recommencez." in text(response)
    assert count(session, AuditEvent, AuditEvent.action == "youth.created") == 0


# --- password change ----------------------------------------------------------------------


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):  # type: ignore[no-untyped-def]
    return client.submit(
        "/compte/mot-de-passe",
        {"current": current, "new": new, "confirm": new if confirm is None else confirm},
    )


def test_password_page_has_its_three_fields(client, pilot):
    client.sign_in(pilot)

    page = client.get("/compte/mot-de-passe")

    assert page.status_code == 200
    for label in ("Mot de passe actuel", "Nouveau mot de passe (12 caractères au moins)"):
        assert label in text(page)


def test_password_change_saves_the_new_password(client, session, pilot):
    client.sign_in(pilot)

    response = change_password(client)

    assert response.location == "/"
    assert "Votre mot de passe a été changé." in text(client.get("/"))
    session.expire_all()
    assert verify_password(session.get(User, pilot.id).password_hash, NEW_PASSWORD)


def test_too_short_new_password_is_refused_under_its_field(client, session, pilot):
    client.sign_in(pilot)

    response = change_password(client, new="onze-carac.")

    assert response.status_code == 422
    assert field_error(response, "new") == "Le mot de passe doit compter au moins 12 caractères."
    session.expire_all()
    assert session.get(User, pilot.id).password_hash == pilot.password_hash


def test_wrong_current_password_is_shown_under_its_field(client, pilot):
    client.sign_in(pilot)

    response = change_password(client, current="pas le bon mot de passe")

    assert response.status_code == 422
    assert field_error(response, "current") == "Le mot de passe actuel est incorrect."


def test_different_confirmation_is_refused(client, pilot):
    client.sign_in(pilot)

    response = change_password(client, confirm="autre chose encore")

    assert response.status_code == 422
    assert field_error(response, "confirm") == "Les deux mots de passe diffèrent."


@with_settings(auth={"min_password_length": 8})
def test_minimum_length_never_goes_below_twelve(client, pilot):
    client.sign_in(pilot)

    response = change_password(client, new="neuf-cara")

    assert response.status_code == 422
    assert "au moins 12 caractères" in field_error(response, "new")


# --- several PSADs ------------------------------------------------------------------------


@pytest.fixture
def two_psads(session, psad):  # type: ignore[no-untyped-def]
    lille = psad
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    user = make_user(session, psad=lille, role=Role.PILOT)
    user.memberships.append(Membership(psad=amiens, role=Role.COPILOT))
    make_youth(session, lille, last_name="Lillois")
    make_youth(session, amiens, last_name="Amiénois")
    session.commit()
    return user, lille, amiens


def test_user_of_two_psads_can_choose_between_them(client, two_psads):
    user, lille, amiens = two_psads
    client.sign_in(user, lille)

    page = text(client.get("/"))

    assert f'<option value="{lille.id}" selected>PSAD de Lille (Pilote)</option>' in page
    assert f'<option value="{amiens.id}" >PSAD d\'Amiens (Co-pilote)</option>' in page


def test_switching_psad_changes_the_home_page(client, two_psads):
    user, lille, amiens = two_psads
    client.sign_in(user, lille)

    response = client.submit("/psad/changer", {"psad_id": amiens.id})

    page = text(client.get(response.location))
    assert "PSAD changée." in page
    assert "PSAD d'Amiens (AMIENS) · votre rôle : Co-pilote" in page


def test_switching_psad_changes_the_youth_list(client, two_psads):
    user, lille, amiens = two_psads
    client.sign_in(user, lille)

    client.submit("/psad/changer", {"psad_id": amiens.id})

    page = text(client.get("/jeunes"))
    assert "AMIÉNOIS" in page
    assert "LILLOIS" not in page


def test_switching_to_a_psad_that_is_not_yours_is_refused(client, session, two_psads):
    user, lille, _amiens = two_psads
    other = make_psad(session, code="ARRAS", name="PSAD d'Arras")
    session.commit()
    client.sign_in(user, lille)

    response = client.submit("/psad/changer", {"psad_id": other.id})

    page = text(client.get(response.location))
    assert "Cette PSAD ne fait pas partie des vôtres." in page
    assert "PSAD de Lille (LILLE)" in page


# --- security headers and cookies ---------------------------------------------------------


@pytest.mark.parametrize("url", ["/connexion", "/page-qui-n-existe-pas"])
def test_pages_carry_a_content_security_policy(client, url):
    response = client.get(url)

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_carry_the_other_security_headers(client):
    headers = client.get("/connexion").headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, pilot):
    response = client.login("pilote@psad.example")

    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("psad_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@with_settings(web={"secure_cookies": True})
def test_secure_cookies_setting_marks_the_cookie_secure_and_asks_for_https(client):
    response = client.get("/connexion")

    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_styles_and_scripts_are_served_locally(client):
    page = text(client.get("/connexion"))

    sources = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', page)
    assert sources
    assert all(source.startswith("/") and not source.startswith("//") for source in sources)
    with client.get(sources[0]) as stylesheet:
        assert stylesheet.status_code == 200


# --- administration -----------------------------------------------------------------------

ADMIN_PAGES = [
    "/admin/psad",
    "/admin/psad/nouvelle",
    "/admin/utilisateurs",
    "/admin/utilisateurs/nouveau",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_open_for_an_administrator(client, admin, url):
    client.sign_in(admin)

    page = client.get(url)

    assert page.status_code == 200
    assert text(page).count("<h1") == 1


@pytest.mark.parametrize(
    ("role", "url"),
    [(Role.PILOT, url) for url in ADMIN_PAGES]
    + [(role, "/admin/utilisateurs") for role in (Role.COPILOT, Role.PARTNER, Role.READER)],
)
def test_admin_pages_are_forbidden_to_other_roles(client, session, role, url):
    psad = make_psad(session)
    structure = make_structure(session, psad) if role is Role.PARTNER else None
    user = make_user(session, psad=psad, role=role, structure=structure)
    session.commit()
    client.sign_in(user)

    page = client.get(url)

    assert page.status_code == 403
    assert "Cette page est réservée aux administrateurs." in text(page)


def test_admin_sees_the_users_with_their_roles(client, session, admin):
    make_user(
        session, psad=make_psad(session, code="ARRAS"), role=Role.READER, email="l@psad.example"
    )
    session.commit()
    client.sign_in(admin)

    page = text(client.get("/admin/utilisateurs"))

    assert "l@psad.example</a></th>" in page
    assert "<td>Lecteur (ARRAS)</td>" in page
    assert "<td>Administrateur</td>" in page


def test_admin_sees_the_structures_of_a_psad(client, session, admin):
    psad = make_psad(session, code="ARRAS")
    make_structure(session, psad, name="Lycée Baggio")
    make_structure(session, make_psad(session), name="Lycée d'ailleurs")
    session.commit()
    client.sign_in(admin)

    page = text(client.get(f"/admin/psad/{psad.id}/structures"))

    assert "Lycée Baggio</a></th>" in page
    assert "Lycée d'ailleurs" not in page


def test_admin_form_post_is_forbidden_to_a_pilot(client, session, pilot):
    client.sign_in(pilot)

    response = client.submit("/admin/psad/nouvelle", {"code": "PIRATE", "name": "Pirate"})

    assert response.status_code == 403
    assert count(session, Psad, Psad.code == "PIRATE") == 0


def test_admin_creates_a_psad(client, session, admin):
    client.sign_in(admin)

    response = client.submit(
        "/admin/psad/nouvelle", {"code": "arras", "name": "PSAD d'Arras", "active": "y"}
    )

    assert response.location == "/admin/psad"
    assert "PSAD ARRAS enregistrée." in text(client.get(response.location))
    assert session.scalars(select(Psad.name).where(Psad.code == "ARRAS")).one() == "PSAD d'Arras"


def test_admin_cannot_create_a_psad_twice(client, session, admin):
    make_psad(session, code="ARRAS")
    session.commit()
    client.sign_in(admin)

    response = client.submit("/admin/psad/nouvelle", {"code": "ARRAS", "name": "Autre"})

    assert response.status_code == 422
    assert field_error(response, "code") == "La PSAD ARRAS existe déjà."
    assert count(session, Psad) == 1


def test_psad_without_name_is_refused_under_the_field(client, session, admin):
    client.sign_in(admin)

    response = client.submit("/admin/psad/nouvelle", {"code": "ARRAS", "name": ""})

    assert response.status_code == 422
    assert field_error(response, "name") == "Ce champ est obligatoire."
    assert count(session, Psad) == 0


def test_admin_renames_a_psad(client, session, admin):
    psad = make_psad(session, code="ARRAS", name="Ancien nom")
    session.commit()
    client.sign_in(admin)

    client.submit(f"/admin/psad/{psad.id}", {"code": "ARRAS", "name": "Nouveau nom", "active": "y"})

    session.expire_all()
    assert session.get(Psad, psad.id).name == "Nouveau nom"


def test_admin_creates_a_structure(client, session, admin):
    psad = make_psad(session)
    session.commit()
    client.sign_in(admin)

    response = client.submit(
        f"/admin/psad/{psad.id}/structures/nouvelle",
        {"name": "Lycée Baggio", "kind": "school", "uai": "0590117G", "active": "y"},
    )

    assert response.location == f"/admin/psad/{psad.id}/structures"
    structure = session.scalars(select(Structure)).one()
    assert (structure.name, structure.uai, structure.psad_id) == (
        "Lycée Baggio",
        "0590117G",
        psad.id,
    )


def test_structure_with_a_wrong_uai_key_is_saved_with_a_warning(client, session, admin):
    psad = make_psad(session)
    session.commit()
    client.sign_in(admin)

    response = client.submit(
        f"/admin/psad/{psad.id}/structures/nouvelle",
        {"name": "Lycée Baggio", "kind": "school", "uai": "0590117A", "active": "y"},
    )

    assert "UAI 0590117A : clé de contrôle incorrecte" in text(client.get(response.location))
    assert session.scalars(select(Structure.uai)).one() == "0590117A"


def test_structure_with_a_uai_too_long_to_store_is_refused(client, session, admin):
    psad = make_psad(session)
    session.commit()
    client.sign_in(admin)

    response = client.submit(
        f"/admin/psad/{psad.id}/structures/nouvelle",
        {"name": "Lycée", "kind": "school", "uai": "059011700G"},
    )

    assert response.status_code == 422
    assert field_error(response, "uai") == "UAI « 059011700G » : format non reconnu."
    assert count(session, Structure) == 0


def test_structure_with_an_unknown_kind_is_refused_in_french(client, session, admin):
    psad = make_psad(session)
    session.commit()
    client.sign_in(admin)

    response = client.submit(
        f"/admin/psad/{psad.id}/structures/nouvelle", {"name": "Lycée", "kind": "castle"}
    )

    assert response.status_code == 422
    assert field_error(response, "kind") == "N'est pas un choix valide."
    assert count(session, Structure) == 0


def test_admin_creates_a_user(client, session, admin):
    client.sign_in(admin)

    response = client.submit(
        "/admin/utilisateurs/nouveau",
        {
            "email": "Nouveau@PSAD.example",
            "full_name": "Nora Petit",
            "password": NEW_PASSWORD,
            "active": "y",
        },
    )

    user = session.scalars(select(User).where(User.email == "nouveau@psad.example")).one()
    assert response.location == f"/admin/utilisateurs/{user.id}"
    assert user.full_name == "Nora Petit"
    assert user.active
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_new_user_with_short_password_is_refused_under_the_field(client, session, admin):
    client.sign_in(admin)

    response = client.submit(
        "/admin/utilisateurs/nouveau",
        {"email": "nouveau@psad.example", "full_name": "Nora Petit", "password": "court"},
    )

    assert response.status_code == 422
    assert field_error(response, "password") == (
        "Le mot de passe doit compter au moins 12 caractères."
    )
    assert count(session, User, User.email == "nouveau@psad.example") == 0


def test_new_user_without_password_is_refused(client, session, admin):
    client.sign_in(admin)

    response = client.submit(
        "/admin/utilisateurs/nouveau", {"email": "nouveau@psad.example", "full_name": "Nora"}
    )

    assert response.status_code == 422
    assert "Donnez un mot de passe initial" in field_error(response, "password")
    assert count(session, User, User.email == "nouveau@psad.example") == 0


def add_role(client, user: User, psad: Psad, role: str, structure: Structure | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        f"/admin/utilisateurs/{user.id}/roles",
        data={
            "m-csrf_token": client.csrf_token(),
            "m-psad_id": psad.id,
            "m-role": role,
            "m-structure_id": structure.id if structure else 0,
        },
    )


def test_admin_gives_a_user_a_role_in_a_psad(client, session, admin):
    psad = make_psad(session, code="ARRAS")
    user = make_user(session)
    session.commit()
    client.sign_in(admin)

    response = add_role(client, user, psad, "copilot")

    assert "Rôle Co-pilote dans ARRAS enregistré." in text(client.get(response.location))
    membership = session.scalars(select(Membership)).one()
    assert (membership.user_id, membership.psad_id, membership.role) == (
        user.id,
        psad.id,
        Role.COPILOT,
    )


def test_admin_gives_a_partner_role_with_its_structure(client, session, admin):
    psad = make_psad(session)
    structure = make_structure(session, psad, name="Lycée Baggio")
    user = make_user(session)
    session.commit()
    client.sign_in(admin)

    add_role(client, user, psad, "partner", structure)

    assert session.scalars(select(Membership.structure_id)).one() == structure.id


def test_partner_role_without_structure_is_refused(client, session, admin):
    psad = make_psad(session)
    user = make_user(session)
    session.commit()
    client.sign_in(admin)

    response = add_role(client, user, psad, "partner")

    assert "Un partenaire doit être rattaché à une structure." in text(
        client.get(response.location)
    )
    assert count(session, Membership) == 0


def test_admin_removes_a_role(client, session, admin):
    psad = make_psad(session, code="ARRAS")
    user = make_user(session, psad=psad, role=Role.READER)
    session.commit()
    client.sign_in(admin)
    membership_id = user.memberships[0].id

    response = client.submit(f"/admin/roles/{membership_id}/retirer")

    assert "Rôle retiré." in text(client.get(response.location))
    assert count(session, Membership) == 0


def test_role_removal_is_forbidden_to_a_pilot(client, session, pilot):
    client.sign_in(pilot)

    response = client.submit(f"/admin/roles/{pilot.memberships[0].id}/retirer")

    assert response.status_code == 403
    assert count(session, Membership) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/admin/psad/99999999999999999999",
        "/admin/psad/0",
        "/admin/utilisateurs/abc",
        "/admin/structures/99999999999999999999",
        "/admin/psad/2147483648/structures",
    ],
)
def test_admin_urls_with_impossible_ids_answer_404_in_french(client, admin, url):
    client.sign_in(admin)

    response = client.get(url)

    assert response.status_code == 404
    assert "Page introuvable" in text(response)


def test_admin_sets_the_follow_up_rules_of_a_psad(client, session, admin):
    psad = make_psad(session, code="ARRAS", name="PSAD d'Arras")
    session.commit()
    client.sign_in(admin)
    form = client.submit(
        f"/admin/psad/{psad.id}",
        {"code": "ARRAS", "name": "PSAD d'Arras", "active": "y", "orientation_stalled_weeks": "99"},
    )
    assert form.status_code == 422
    assert "Entre 1 et 52 semaines." in text(form)
    client.submit(
        f"/admin/psad/{psad.id}",
        {"code": "ARRAS", "name": "PSAD d'Arras", "active": "y", "orientation_stalled_weeks": "4"},
    )
    session.refresh(psad)
    assert (psad.orientation_stalled_weeks, psad.unreachable_after, psad.call_back_days) == (
        4,
        3,
        7,
    )

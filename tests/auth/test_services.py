"""Accounts services: log-in with a lockout kept in the database, passwords, administration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.models import AuditEvent
from psad.audit.services import Actor
from psad.auth import services
from psad.auth.models import LoginThrottle, Membership, Psad, Role, StructureKind, User
from psad.auth.passwords import verify_password
from psad.errors import DomainError
from tests.factories import PASSWORD, make_psad, make_structure, make_user

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 10:00 in Paris
POLICY = services.LoginPolicy(max_failures=2, lockout=timedelta(minutes=15))
ACTOR = Actor(user_id=None, psad_id=None, ip_address="192.0.2.7")
NEW_PASSWORD = "un nouveau mot de passe"


def login(session: Session, email: str, password: str = PASSWORD, *, now: datetime = NOW) -> User:
    return services.authenticate(
        session, email=email, password=password, now=now, policy=POLICY, ip_address="192.0.2.7"
    )


def fail_until_locked(session: Session, email: str) -> None:
    for _ in range(POLICY.max_failures - 1):
        with pytest.raises(services.LoginError):
            login(session, email, "mauvais mot de passe")
    with pytest.raises(services.AccountLockedError):
        login(session, email, "mauvais mot de passe")


def events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- authenticate -------------------------------------------------------------------------


def test_right_password_returns_the_user(session):
    user = make_user(session, email="pilote@psad.example")

    assert login(session, "pilote@psad.example") is user


def test_email_is_matched_ignoring_case_and_spaces(session):
    user = make_user(session, email="pilote@psad.example")

    assert login(session, "  Pilote@PSAD.example ") is user


def test_successful_login_is_dated_and_audited_with_the_address(session):
    user = make_user(session, email="pilote@psad.example")

    login(session, "pilote@psad.example")

    assert user.last_login_at == NOW
    [event] = events(session, "login.succeeded")
    assert (event.user_id, event.object_id, event.ip_address) == (user.id, user.id, "192.0.2.7")


def test_wrong_password_is_refused_with_french_message(session):
    make_user(session, email="pilote@psad.example")

    with pytest.raises(services.LoginError) as error:
        login(session, "pilote@psad.example", "mauvais mot de passe")

    assert error.value.message == "Adresse électronique ou mot de passe incorrect."
    assert error.value.status_code == 401


def test_unknown_address_gets_the_same_message_as_a_wrong_password(session):
    with pytest.raises(services.LoginError) as error:
        login(session, "personne@psad.example")

    assert error.value.message == "Adresse électronique ou mot de passe incorrect."


def test_failed_login_of_unknown_address_is_audited_without_user(session):
    with pytest.raises(services.LoginError):
        login(session, "personne@psad.example")

    [event] = events(session, "login.failed")
    assert event.user_id is None
    assert event.ip_address == "192.0.2.7"
    assert "personne@psad.example" in (event.detail or "")


def test_inactive_account_is_refused_even_with_right_password(session):
    make_user(session, email="parti@psad.example", active=False)

    with pytest.raises(services.LoginError):
        login(session, "parti@psad.example")


def test_failures_are_counted_in_the_database(session):
    make_user(session, email="pilote@psad.example")

    with pytest.raises(services.LoginError):
        login(session, "pilote@psad.example", "mauvais mot de passe")

    throttle = session.get(LoginThrottle, "pilote@psad.example")
    assert throttle is not None
    assert (throttle.failures, throttle.last_failure_at) == (1, NOW)


def test_too_many_failures_lock_with_a_message_saying_when_to_retry(session):
    make_user(session, email="pilote@psad.example")
    with pytest.raises(services.LoginError):
        login(session, "pilote@psad.example", "mauvais mot de passe")

    with pytest.raises(services.AccountLockedError) as error:
        login(session, "pilote@psad.example", "mauvais mot de passe")

    assert error.value.message == (
        "Trop de tentatives de connexion échouées : réessayez à partir de 10:15 (dans 15 minutes)."
    )
    assert error.value.status_code == 429


def test_lockout_is_stored_in_the_database_for_every_process(app, session):
    make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example")
    session.commit()

    with Session(bind=app.extensions["psad_test_bind"]) as other_process:
        throttle = other_process.get(LoginThrottle, "pilote@psad.example")

    assert throttle is not None
    assert throttle.locked_until == NOW + timedelta(minutes=15)


def test_locked_account_refuses_even_the_right_password(session):
    make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example")

    with pytest.raises(services.AccountLockedError) as error:
        login(session, "pilote@psad.example", now=NOW + timedelta(minutes=14))

    assert "réessayez à partir de 10:15 (dans 1 minute)." in error.value.message


def test_refused_login_while_locked_is_audited(session):
    user = make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example")

    with pytest.raises(services.AccountLockedError):
        login(session, "pilote@psad.example")

    [event] = events(session, "login.locked")
    assert event.user_id == user.id


def test_account_opens_again_after_the_lockout(session):
    user = make_user(session, email="pilote@psad.example")
    fail_until_locked(session, "pilote@psad.example")

    assert login(session, "pilote@psad.example", now=NOW + timedelta(minutes=16)) is user


def test_successful_login_clears_the_failure_count(session):
    make_user(session, email="pilote@psad.example")
    with pytest.raises(services.LoginError):
        login(session, "pilote@psad.example", "mauvais mot de passe")

    login(session, "pilote@psad.example")
    session.flush()

    assert session.get(LoginThrottle, "pilote@psad.example") is None


def test_unknown_address_is_locked_too(session):
    fail_until_locked(session, "personne@psad.example")

    throttle = session.get(LoginThrottle, "personne@psad.example")
    assert throttle is not None
    assert throttle.locked_until == NOW + timedelta(minutes=15)


# --- password change ----------------------------------------------------------------------


def change(session: Session, user: User, *, current: str = PASSWORD, new: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    services.change_password(
        session,
        user=user,
        current=current,
        new=new,
        now=NOW,
        policy=services.LoginPolicy(),
        actor=ACTOR,
    )


def test_password_change_stores_the_new_password_and_audits_it(session):
    user = make_user(session)

    change(session, user)
    session.flush()

    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert user.password_changed_at == NOW
    assert len(events(session, "password.changed")) == 1


def test_password_change_needs_the_current_password(session):
    user = make_user(session)
    before = user.password_hash

    with pytest.raises(services.InvalidPasswordError, match="Le mot de passe actuel est incorrect"):
        change(session, user, current="pas le bon mot de passe")

    assert user.password_hash == before


def test_new_password_of_eleven_characters_is_refused(session):
    user = make_user(session)
    before = user.password_hash

    with pytest.raises(services.InvalidPasswordError) as error:
        change(session, user, new="x" * 11)

    assert error.value.message == "Le mot de passe doit compter au moins 12 caractères."
    assert user.password_hash == before


def test_new_password_of_twelve_characters_is_accepted(session):
    user = make_user(session)

    change(session, user, new="abcdefghijkl")

    assert verify_password(user.password_hash, "abcdefghijkl")


def test_new_password_equal_to_current_is_refused(session):
    user = make_user(session)

    with pytest.raises(services.InvalidPasswordError, match="différent de l'actuel"):
        change(session, user, new=PASSWORD)


def test_longer_minimum_from_the_policy_is_applied(session):
    policy = services.LoginPolicy(min_password_length=16)

    with pytest.raises(services.InvalidPasswordError, match="au moins 16 caractères"):
        services.check_password_strength("quinze-caracter", policy)


def test_password_equal_to_the_email_is_refused(session):
    with pytest.raises(services.InvalidPasswordError, match="adresse électronique"):
        services.check_password_strength(
            "Pilote@Lille.example", services.LoginPolicy(), email="pilote@lille.example"
        )


# --- users --------------------------------------------------------------------------------


def create_user(session: Session, email: str, password: str = NEW_PASSWORD) -> User:
    return services.create_user(
        session,
        email=email,
        full_name="Claire Martin",
        password=password,
        policy=services.LoginPolicy(),
        actor=ACTOR,
    )


def test_create_user_stores_lower_case_email_and_audits(session):
    user = create_user(session, "Claire.Martin@AC-Lille.fr")

    assert user.email == "claire.martin@ac-lille.fr"
    assert verify_password(user.password_hash, NEW_PASSWORD)
    [event] = events(session, "user.created")
    assert (event.object_id, event.ip_address) == (user.id, "192.0.2.7")


def test_create_user_refuses_an_invalid_email(session):
    with pytest.raises(DomainError, match="Adresse électronique « claire@ » invalide"):
        create_user(session, "claire@")

    assert session.scalars(select(User)).all() == []


def test_create_user_refuses_an_existing_email_whatever_its_case(session):
    make_user(session, email="claire@ac-lille.fr")

    with pytest.raises(services.DuplicateError, match=r"Un utilisateur claire@ac-lille\.fr existe"):
        create_user(session, "CLAIRE@ac-lille.fr")


def test_create_user_refuses_a_short_password(session):
    with pytest.raises(services.InvalidPasswordError, match="au moins 12 caractères"):
        create_user(session, "claire@ac-lille.fr", password="court")

    assert session.scalars(select(User)).all() == []


# --- PSADs, structures, memberships -------------------------------------------------------


def create_psad(session: Session, code: str) -> Psad:
    return services.create_psad(session, code=code, name="PSAD", territory=None, actor=ACTOR)


def test_create_psad_upper_cases_the_code_and_audits(session):
    psad = create_psad(session, "lille-sud")

    assert psad.code == "LILLE-SUD"
    [event] = events(session, "psad.created")
    assert event.psad_id == psad.id


@pytest.mark.parametrize("code", ["", "LILLE SUD", "LILLE/SUD", "X" * 21])
def test_create_psad_refuses_an_invalid_code(session, code):
    with pytest.raises(DomainError, match=r"Code de PSAD .* invalide"):
        create_psad(session, code)


def test_create_psad_refuses_an_existing_code(session):
    make_psad(session, code="LILLE")

    with pytest.raises(services.DuplicateError, match=r"La PSAD LILLE existe déjà\."):
        create_psad(session, "lille")


def test_create_structure_refuses_a_name_already_in_the_psad(session):
    psad = make_psad(session, code="LILLE")
    make_structure(session, psad, name="Lycée Baggio")

    with pytest.raises(services.DuplicateError, match="« Lycée Baggio » existe déjà"):
        services.create_structure(
            session,
            psad=psad,
            name=" Lycée Baggio ",
            kind=StructureKind.SCHOOL,
            uai=None,
            commune=None,
            email=None,
            actor=ACTOR,
        )


def test_same_structure_name_is_allowed_in_another_psad(session):
    make_structure(session, make_psad(session), name="Mission locale")

    structure = services.create_structure(
        session,
        psad=make_psad(session),
        name="Mission locale",
        kind=StructureKind.LOCAL_MISSION,
        uai=None,
        commune=None,
        email=None,
        actor=ACTOR,
    )

    assert structure.id is not None


def test_partner_membership_needs_a_structure(session):
    user, psad = make_user(session), make_psad(session)

    with pytest.raises(DomainError, match=r"Un partenaire doit être rattaché à une structure\."):
        services.add_membership(
            session, user=user, psad=psad, role=Role.PARTNER, structure=None, actor=ACTOR
        )


def test_membership_refuses_a_structure_of_another_psad(session):
    user, psad = make_user(session), make_psad(session, code="LILLE")
    elsewhere = make_structure(session, make_psad(session), name="Lycée d'Amiens")

    with pytest.raises(DomainError, match="n'appartient pas à la PSAD LILLE"):
        services.add_membership(
            session, user=user, psad=psad, role=Role.PARTNER, structure=elsewhere, actor=ACTOR
        )


def test_second_membership_in_the_same_psad_changes_the_role(session):
    psad = make_psad(session)
    user = make_user(session, psad=psad, role=Role.READER)

    services.add_membership(
        session, user=user, psad=psad, role=Role.COPILOT, structure=None, actor=ACTOR
    )

    assert [m.role for m in session.scalars(select(Membership))] == [Role.COPILOT]


def test_user_can_belong_to_several_psads(session):
    user = make_user(session, psad=make_psad(session), role=Role.PILOT)

    services.add_membership(
        session, user=user, psad=make_psad(session), role=Role.READER, structure=None, actor=ACTOR
    )

    assert sorted(m.role for m in user.memberships) == sorted([Role.PILOT, Role.READER])


def test_removing_a_membership_is_audited(session):
    psad = make_psad(session)
    user = make_user(session, psad=psad, role=Role.PILOT)

    services.remove_membership(session, membership=user.memberships[0], actor=ACTOR)

    assert session.scalars(select(Membership)).all() == []
    [event] = events(session, "membership.removed")
    assert (event.object_id, event.psad_id) == (user.id, psad.id)

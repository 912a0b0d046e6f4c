"""Accounts services: log-in with a lockout kept in the database, passwords, administration."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth import services
from psad.auth.login import LoginPolicy
from psad.auth.models import Membership, Psad, Role, Structure, StructureKind, User
from psad.auth.passwords import verify_password
from psad.errors import DomainError
from tests.factories import PASSWORD, make_psad, make_structure, make_user
from tests.helpers import events

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 10:00 in Paris
ACTOR = Actor(user_id=None, psad_id=None, ip_address="192.0.2.7")
NEW_PASSWORD = "un nouveau mot de passe"


# --- password change ----------------------------------------------------------------------


def change(session: Session, user: User, *, current: str = PASSWORD, new: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    services.change_password(
        session,
        user=user,
        current=current,
        new=new,
        now=NOW,
        policy=LoginPolicy(),
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
    policy = LoginPolicy(min_password_length=16)

    with pytest.raises(services.InvalidPasswordError, match="au moins 16 caractères"):
        services.check_password_strength("quinze-caracter", policy)


def test_password_equal_to_the_email_is_refused(session):
    with pytest.raises(services.InvalidPasswordError, match="adresse électronique"):
        services.check_password_strength(
            "Pilote@Lille.example", LoginPolicy(), email="pilote@lille.example"
        )


# --- users --------------------------------------------------------------------------------


def create_user(session: Session, email: str, password: str = NEW_PASSWORD) -> User:
    return services.create_user(
        session,
        email=email,
        full_name="Claire Martin",
        password=password,
        policy=LoginPolicy(),
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
    first = make_structure(session, make_psad(session), name="Mission locale")
    other_psads = [first.psad_id]

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

    session.expire_all()
    same_name = session.scalars(select(Structure).where(Structure.name == "Mission locale"))
    assert sorted(s.psad_id for s in same_name) == sorted({structure.psad_id, *other_psads})


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

"""Accounts: passwords, PSADs, structures, users and memberships (log-in: ``login``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.login import LoginPolicy
from psad.auth.models import (
    Membership,
    Psad,
    Role,
    SessionEnd,
    Structure,
    StructureKind,
    User,
    UserSession,
)
from psad.auth.passwords import hash_password, verify_password
from psad.auth.sessions import end_user_sessions
from psad.errors import DomainError


class InvalidPasswordError(DomainError):
    pass


class WrongCurrentPasswordError(InvalidPasswordError):
    pass


class DuplicateError(DomainError):
    status_code = 409


def check_password_strength(password: str, policy: LoginPolicy, *, email: str = "") -> None:
    if len(password) < policy.min_password_length:
        raise InvalidPasswordError(
            f"Le mot de passe doit compter au moins {policy.min_password_length} caractères."
        )
    if email and password.strip().lower() == email.strip().lower():
        raise InvalidPasswordError("Le mot de passe ne peut pas être l'adresse électronique.")


def change_password(
    session: Session,
    *,
    user: User,
    current: str,
    new: str,
    now: datetime,
    policy: LoginPolicy,
    actor: audit.Actor,
    keep: UserSession | None = None,
) -> None:
    """Change one's own password; every other session of the user ends (``keep`` stays)."""
    if not verify_password(user.password_hash, current):
        raise WrongCurrentPasswordError("Le mot de passe actuel est incorrect.")
    check_password_strength(new, policy, email=user.email)
    if current == new:
        raise InvalidPasswordError("Le nouveau mot de passe doit être différent de l'actuel.")
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    end_user_sessions(
        session, user_id=user.id, now=now, reason=SessionEnd.PASSWORD_CHANGED, keep=keep
    )
    audit.record(
        session, actor, AuditAction.PASSWORD_CHANGED, object_type="user", object_id=user.id
    )


# --- PSADs, structures, users (administration) ---------------------------------------------


@dataclass(frozen=True)
class FollowUpRules:
    """A PSAD's follow-up rules, as its administrator sets them."""

    unreachable_after: int = 3
    call_back_days: int = 7
    orientation_stalled_weeks: int = 6

    @classmethod
    def of(cls, psad: Psad) -> FollowUpRules:
        return cls(psad.unreachable_after, psad.call_back_days, psad.orientation_stalled_weeks)

    def apply_to(self, psad: Psad) -> None:
        psad.unreachable_after = self.unreachable_after
        psad.call_back_days = self.call_back_days
        psad.orientation_stalled_weeks = self.orientation_stalled_weeks


def create_psad(
    session: Session,
    *,
    code: str,
    name: str,
    territory: str | None,
    actor: audit.Actor,
    rules: FollowUpRules | None = None,
) -> Psad:
    code = code.strip().upper()
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 20:
        raise DomainError(
            f"Code de PSAD « {code} » invalide : lettres, chiffres, - et _ (20 au plus)."
        )
    if session.scalar(select(Psad).where(Psad.code == code)):
        raise DuplicateError(f"La PSAD {code} existe déjà.")
    psad = Psad(code=code, name=name.strip(), territory=(territory or "").strip() or None)
    (rules or FollowUpRules()).apply_to(psad)
    session.add(psad)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.PSAD_CREATED,
        object_type="psad",
        object_id=psad.id,
        psad_id=psad.id,
        detail=f"code={code}",
    )
    return psad


def update_psad(
    session: Session,
    *,
    psad: Psad,
    name: str,
    territory: str | None,
    active: bool,
    actor: audit.Actor,
    rules: FollowUpRules | None = None,
) -> None:
    psad.name = name.strip()
    psad.territory = (territory or "").strip() or None
    psad.active = active
    if rules is not None:
        rules.apply_to(psad)
    audit.record(
        session,
        actor,
        AuditAction.PSAD_UPDATED,
        object_type="psad",
        object_id=psad.id,
        psad_id=psad.id,
    )


def create_structure(
    session: Session,
    *,
    psad: Psad,
    name: str,
    kind: StructureKind,
    uai: str | None,
    commune: str | None,
    email: str | None,
    actor: audit.Actor,
) -> Structure:
    name = name.strip()
    if session.scalar(
        select(Structure).where(Structure.psad_id == psad.id, Structure.name == name)
    ):
        raise DuplicateError(f"La structure « {name} » existe déjà dans la PSAD {psad.code}.")
    structure = Structure(
        psad=psad,
        name=name,
        kind=kind,
        uai=uai or None,
        commune=(commune or "").strip() or None,
        email=email or None,
    )
    session.add(structure)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.STRUCTURE_CREATED,
        object_type="structure",
        object_id=structure.id,
        psad_id=psad.id,
    )
    return structure


def update_structure(
    session: Session,
    *,
    structure: Structure,
    name: str,
    kind: StructureKind,
    uai: str | None,
    commune: str | None,
    email: str | None,
    active: bool,
    actor: audit.Actor,
) -> None:
    structure.name = name.strip()
    structure.kind = kind
    structure.uai = uai or None
    structure.commune = (commune or "").strip() or None
    structure.email = email or None
    structure.active = active
    audit.record(
        session,
        actor,
        AuditAction.STRUCTURE_UPDATED,
        object_type="structure",
        object_id=structure.id,
        psad_id=structure.psad_id,
    )


def validate_user_email(email: str) -> str:
    try:
        # Intranet addresses are allowed for staff accounts (globally_deliverable=False).
        return validate_email(
            email.strip(), check_deliverability=False, globally_deliverable=False
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise DomainError(f"Adresse électronique « {email} » invalide : {exc}") from None


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str,
    policy: LoginPolicy,
    actor: audit.Actor,
    is_admin: bool = False,
) -> User:
    email = validate_user_email(email)
    if session.scalar(select(User).where(func.lower(User.email) == email)):
        raise DuplicateError(f"Un utilisateur {email} existe déjà.")
    check_password_strength(password, policy, email=email)
    user = User(
        email=email,
        full_name=full_name.strip() or email,
        is_admin=is_admin,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.USER_CREATED,
        object_type="user",
        object_id=user.id,
        detail=f"admin={is_admin}",
    )
    return user


def update_user(
    session: Session,
    *,
    user: User,
    full_name: str,
    is_admin: bool,
    active: bool,
    actor: audit.Actor,
    new_password: str | None,
    policy: LoginPolicy,
    now: datetime,
) -> None:
    """An administrator's change; a new password or a disabled account ends every session."""
    user.full_name = full_name.strip() or user.email
    user.is_admin = is_admin
    user.active = active
    if new_password:
        check_password_strength(new_password, policy, email=user.email)
        user.password_hash = hash_password(new_password)
        user.password_changed_at = now
        end_user_sessions(session, user_id=user.id, now=now, reason=SessionEnd.PASSWORD_CHANGED)
    if not active:
        end_user_sessions(session, user_id=user.id, now=now, reason=SessionEnd.ACCOUNT_CHANGED)
    audit.record(
        session,
        actor,
        AuditAction.USER_UPDATED,
        object_type="user",
        object_id=user.id,
        detail=f"admin={is_admin}; actif={active}; mot_de_passe={'oui' if new_password else 'non'}",
    )


def add_membership(
    session: Session,
    *,
    user: User,
    psad: Psad,
    role: Role,
    structure: Structure | None,
    actor: audit.Actor,
) -> Membership:
    if role is Role.PARTNER and structure is None:
        raise DomainError("Un partenaire doit être rattaché à une structure.")
    if structure is not None and structure.psad_id != psad.id:
        raise DomainError(
            f"La structure « {structure.name} » n'appartient pas à la PSAD {psad.code}."
        )
    membership = user.membership_in(psad.id)
    if membership is None:
        membership = Membership(user=user, psad=psad, role=role, structure=structure)
        session.add(membership)
    else:
        membership.role = role
        membership.structure = structure
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.MEMBERSHIP_ADDED,
        object_type="user",
        object_id=user.id,
        psad_id=psad.id,
        detail=f"rôle={role.value}",
    )
    return membership


def remove_membership(session: Session, *, membership: Membership, actor: audit.Actor) -> None:
    audit.record(
        session,
        actor,
        AuditAction.MEMBERSHIP_REMOVED,
        object_type="user",
        object_id=membership.user_id,
        psad_id=membership.psad_id,
        detail=f"rôle={membership.role.value}",
    )
    session.delete(membership)
    session.flush()


def psad_by_code(session: Session, code: str) -> Psad | None:
    return session.scalar(select(Psad).where(Psad.code == code.strip().upper()))

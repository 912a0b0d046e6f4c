"""Platforms (PSAD), partner structures, users and their memberships."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from psad import clock
from psad.db import Base, enum_column


class Role(enum.StrEnum):
    """A user's role in one PSAD (domain.md section 1)."""

    PILOT = "pilot"
    COPILOT = "copilot"
    PARTNER = "partner"
    READER = "reader"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def sees_all_youth(self) -> bool:
        return self in (Role.PILOT, Role.COPILOT)

    @property
    def sees_names(self) -> bool:
        return self is not Role.READER


ROLE_LABELS = {
    Role.PILOT: "Pilote",
    Role.COPILOT: "Co-pilote",
    Role.PARTNER: "Partenaire",
    Role.READER: "Lecteur",
}


class StructureKind(enum.StrEnum):
    CIO = "cio"
    LOCAL_MISSION = "local_mission"
    SCHOOL = "school"
    MLDS = "mlds"
    SECOND_CHANCE_SCHOOL = "second_chance_school"
    EPIDE = "epide"
    EMPLOYMENT_AGENCY = "employment_agency"
    ASSOCIATION = "association"
    OTHER = "other"

    @property
    def label(self) -> str:
        return STRUCTURE_KIND_LABELS[self]


STRUCTURE_KIND_LABELS = {
    StructureKind.CIO: "CIO",
    StructureKind.LOCAL_MISSION: "Mission locale",
    StructureKind.SCHOOL: "Établissement scolaire",
    StructureKind.MLDS: "MLDS",
    StructureKind.SECOND_CHANCE_SCHOOL: "École de la deuxième chance (E2C)",
    StructureKind.EPIDE: "EPIDE",
    StructureKind.EMPLOYMENT_AGENCY: "France Travail",
    StructureKind.ASSOCIATION: "Association",
    StructureKind.OTHER: "Autre",
}


class SessionEnd(enum.StrEnum):
    """Why a signed-in session ended."""

    LOGOUT = "logout"
    IDLE = "idle"
    EXPIRED = "expired"
    PASSWORD_CHANGED = "password_changed"
    ACCOUNT_CHANGED = "account_changed"
    PASSWORD_RESET = "password_reset"
    TWO_FACTOR_ENABLED = "two_factor_enabled"


class Psad(Base):
    __tablename__ = "psads"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    territory: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    # The platform's own details, printed on its letters (convocations)
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # Follow-up rules of the PSAD: failed attempts in a row before « injoignable » is
    # offered, and the call-back delay a failed attempt proposes.
    unreachable_after: Mapped[int] = mapped_column(default=3, server_default="3")
    call_back_days: Mapped[int] = mapped_column(default=7, server_default="7")
    # A started orientation without news for this many weeks makes a task for the referent
    orientation_stalled_weeks: Mapped[int] = mapped_column(default=6, server_default="6")
    # Retention (the missions locales' rule by default): a youth's personal data is kept while
    # a case is open, and until the later of the age ``retention_age`` and
    # ``retention_years_after_close`` years after the last case closed; then anonymised.
    retention_age: Mapped[int] = mapped_column(default=27, server_default="27")
    retention_years_after_close: Mapped[int] = mapped_column(default=2, server_default="2")
    # Members must sign in with a second factor (TOTP); one without it is sent to enrolment.
    two_factor_required: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    def __repr__(self) -> str:
        return f"<Psad {self.code}>"


class Structure(Base):
    """A partner organisation: CIO, mission locale, school (by UAI), MLDS, E2C..."""

    __tablename__ = "structures"

    id: Mapped[int] = mapped_column(primary_key=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[StructureKind] = mapped_column(enum_column(StructureKind))
    uai: Mapped[str | None] = mapped_column(String(8))
    commune: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    psad: Mapped[Psad] = relationship()

    __table_args__ = (UniqueConstraint("psad_id", "name"),)


class DigestFrequency(enum.StrEnum):
    """How often a user receives the reminders' digest by e-mail (« Mon compte »)."""

    DAILY = "daily"
    WEEKLY = "weekly"  # on Mondays
    NONE = "none"

    @property
    def label(self) -> str:
        return DIGEST_FREQUENCY_LABELS[self]


DIGEST_FREQUENCY_LABELS = {
    DigestFrequency.DAILY: "Chaque jour",
    DigestFrequency.WEEKLY: "Chaque semaine (le lundi)",
    DigestFrequency.NONE: "Jamais (rappels dans l'application seulement)",
}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    password_changed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    digest_frequency: Mapped[DigestFrequency] = mapped_column(
        enum_column(DigestFrequency), default=DigestFrequency.DAILY, server_default="daily"
    )
    # Two-factor log-in (TOTP, RFC 6238): the base32 secret, set at enrolment and confirmed
    # when ``totp_enabled_at`` is; the last time step accepted (a code is used once).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    @property
    def must_enrol_two_factor(self) -> bool:
        """One of the user's PSADs requires a second factor, and the user has none yet."""
        return not self.has_two_factor and any(m.psad.two_factor_required for m in self.memberships)

    # The interface Flask-Login expects (without importing Flask into the models).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    def membership_in(self, psad_id: int | None) -> Membership | None:
        return next((m for m in self.memberships if m.psad_id == psad_id), None)


class Membership(Base):
    """A user's role in one PSAD, optionally on behalf of a structure (partners)."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))

    user: Mapped[User] = relationship(back_populates="memberships")
    psad: Mapped[Psad] = relationship(lazy="joined")
    structure: Mapped[Structure | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("user_id", "psad_id"),)


class LoginThrottle(Base):
    """Failed log-ins under one key, in the database so that every process sees them.

    A key is a keyed hash of what it counts: an account and client address pair, an account
    alone, or a client address alone (``psad.auth.throttling``); never the text typed.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]


class UserSession(Base):
    """One signed-in browser. Its cookie carries a token; this row decides whether it holds.

    Log-out, a password change, an account disabled, the idle timeout and the absolute
    lifetime end the row, so that a copy of the cookie opens nothing afterwards, whatever the
    web process that receives it.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[SessionEnd | None] = mapped_column(enum_column(SessionEnd))

    user: Mapped[User] = relationship()

    @property
    def is_live(self) -> bool:
        return self.ended_at is None


class RecoveryCode(Base):
    """A two-factor recovery code: shown once at enrolment, kept as a SHA-256 (the codes are
    random, 50 bits each), good for one log-in."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PasswordReset(Base):
    """A password-reset link sent by e-mail: the token's SHA-256, single use, short-lived."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

"""Comités techniques: the meeting, its agenda, who attended, a decision per youth, and the
minutes once validated.

A ``Committee`` belongs to a PSAD. Its life: ``draft`` (the pilote prepares the agenda, which
the app proposes from the state of the cases) → ``published`` (members see the agenda) →
``validated`` (the pilote validated the minutes: the meeting is locked; a later correction is
an ``Amendment``, dated, with its author). ``AgendaItem`` is a youth on the agenda with the
reasons it is there; ``Decision`` is what the comité decided for that item, and the records it
created (an orientation names it by ``Orientation.decision_id``; tasks by their rule
``committee_decision`` and ``fact_id``). ``CommitteeRhythm`` proposes the next dates;
``CalendarToken`` is a user's secret, revocable address of the PSAD's calendar feed.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from psad import clock
from psad.auth.models import Psad, Structure, User
from psad.db import Base, enum_column
from psad.reference.models import ReferenceItem
from psad.youth.models import Case, Youth

TEXT_LENGTH = 2000


class CommitteeKind(enum.StrEnum):
    TECHNICAL = "technical"
    STEERING = "steering"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    CommitteeKind.TECHNICAL: "Comité technique",
    CommitteeKind.STEERING: "Comité de pilotage",
    CommitteeKind.OTHER: "Autre réunion",
}


class CommitteeStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    VALIDATED = "validated"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    CommitteeStatus.DRAFT: "Ordre du jour en préparation",
    CommitteeStatus.PUBLISHED: "Ordre du jour publié",
    CommitteeStatus.VALIDATED: "Relevé de décisions validé",
    CommitteeStatus.CANCELLED: "Annulé",
}

committee_invitations = Table(
    "committee_invitations",
    Base.metadata,
    Column("committee_id", ForeignKey("committees.id", ondelete="CASCADE"), primary_key=True),
    Column("structure_id", ForeignKey("structures.id"), primary_key=True),
)


class Committee(Base):
    """A meeting of a PSAD."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    kind: Mapped[CommitteeKind] = mapped_column(
        enum_column(CommitteeKind), default=CommitteeKind.TECHNICAL
    )
    starts_at: Mapped[datetime]  # UTC; shown in Paris time
    duration_minutes: Mapped[int] = mapped_column(default=120)
    place: Mapped[str | None] = mapped_column(String(300))
    video_link: Mapped[str | None] = mapped_column(String(500))
    agenda_note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[CommitteeStatus] = mapped_column(
        enum_column(CommitteeStatus), default=CommitteeStatus.DRAFT
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    validated_at: Mapped[datetime | None]
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Optimistic locking: two pilotes editing the agenda never overwrite each other.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    psad: Mapped[Psad] = relationship()
    invited: Mapped[list[Structure]] = relationship(secondary=committee_invitations)
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="committee",
        order_by="AgendaItem.position, AgendaItem.id",
        cascade="all, delete-orphan",
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="Attendance.id"
    )
    amendments: Mapped[list[Amendment]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="Amendment.id"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    validated_by: Mapped[User | None] = relationship(foreign_keys=[validated_by_id])

    __table_args__ = (Index("ix_committees_psad_starts", "psad_id", "starts_at"),)

    @property
    def is_locked(self) -> bool:
        return self.status is CommitteeStatus.VALIDATED

    @property
    def is_published(self) -> bool:
        return self.status in (CommitteeStatus.PUBLISHED, CommitteeStatus.VALIDATED)


class AgendaReason(enum.StrEnum):
    """Why a youth is on the agenda (a line may have several)."""

    NO_SOLUTION = "no_solution"  # without a solution N weeks after the case opened
    UNREACHABLE = "unreachable"
    OBLIGATION_DUE = "obligation_due"  # a minor's obligation de formation step is due
    ORIENTATION_REFUSED = "orientation_refused"
    ORIENTATION_ENDED = "orientation_ended"  # abandoned
    ORIENTATION_STALLED = "orientation_stalled"
    DARFI_WITHOUT_SOLUTION = "darfi_without_solution"
    ADJOURNED = "adjourned"  # adjourned at the previous comité
    ADDED = "added"  # a member added the youth

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    AgendaReason.NO_SOLUTION: "Sans solution depuis plusieurs semaines",
    AgendaReason.UNREACHABLE: "Devenu injoignable",
    AgendaReason.OBLIGATION_DUE: "Obligation de formation : étape à faire",
    AgendaReason.ORIENTATION_REFUSED: "Orientation refusée",
    AgendaReason.ORIENTATION_ENDED: "Orientation abandonnée",
    AgendaReason.ORIENTATION_STALLED: "Orientation sans nouvelles",
    AgendaReason.DARFI_WITHOUT_SOLUTION: "Demande DARFI sans solution",
    AgendaReason.ADJOURNED: "Ajourné au comité précédent",
    AgendaReason.ADDED: "Ajouté par un membre",
}


class AgendaItem(Base):
    """A youth on a comité's agenda, at a position, with why."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    reasons: Mapped[str] = mapped_column(String(300))  # AgendaReason values, comma-separated
    detail: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))  # the facts, in words
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the app
    added_at: Mapped[datetime] = mapped_column(default=clock.now)

    committee: Mapped[Committee] = relationship(back_populates="items")
    youth: Mapped[Youth] = relationship()
    added_by: Mapped[User | None] = relationship()
    decision: Mapped[Decision | None] = relationship(back_populates="item", uselist=False)

    __table_args__ = (UniqueConstraint("committee_id", "youth_id"),)

    @property
    def reason_list(self) -> list[AgendaReason]:
        return [AgendaReason(code) for code in self.reasons.split(",") if code]


class Attendance(Base):
    """Someone at the meeting: a member (user) or a guest (name), for a structure."""

    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    guest_name: Mapped[str | None] = mapped_column(String(200))
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))
    structure_label: Mapped[str | None] = mapped_column(String(200))  # a guest's organisation
    present: Mapped[bool] = mapped_column(Boolean, default=True)

    committee: Mapped[Committee] = relationship(back_populates="attendances")
    user: Mapped[User | None] = relationship()
    structure: Mapped[Structure | None] = relationship()

    __table_args__ = (UniqueConstraint("committee_id", "user_id"),)


class DecisionKind(enum.StrEnum):
    ORIENTATION = "orientation"  # orientation proposed to a dispositif (and site)
    REFERENT = "referent"  # referent assigned
    CONTACT = "contact"  # contact to make
    CLOSE = "close"
    WATCH = "watch"  # keep watching
    ADJOURNED = "adjourned"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS = {
    DecisionKind.ORIENTATION: "Orientation proposée",
    DecisionKind.REFERENT: "Référent désigné",
    DecisionKind.CONTACT: "Contact à prendre",
    DecisionKind.CLOSE: "Clôture du dossier",
    DecisionKind.WATCH: "Veille (à revoir)",
    DecisionKind.ADJOURNED: "Ajourné",
}


class Decision(Base):
    """What the comité decided for one youth of its agenda, and who acts by when."""

    __tablename__ = "committee_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), unique=True
    )
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("programme_sites.id"))
    closing_reason_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"))
    acting_structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))
    acting_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    item: Mapped[AgendaItem] = relationship(back_populates="decision")
    case: Mapped[Case | None] = relationship()
    closing_reason: Mapped[ReferenceItem | None] = relationship()
    acting_structure: Mapped[Structure | None] = relationship()
    acting_user: Mapped[User | None] = relationship(foreign_keys=[acting_user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class Amendment(Base):
    """A correction of validated minutes: dated, with its author, shown in the minutes."""

    __tablename__ = "committee_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("committee_decisions.id"))
    text: Mapped[str] = mapped_column(String(TEXT_LENGTH))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    committee: Mapped[Committee] = relationship(back_populates="amendments")
    author: Mapped[User | None] = relationship()


class CommitteeRhythm(Base):
    """A PSAD's usual rhythm (« le 2e mardi de chaque mois à 14 h »): proposes the next dates."""

    __tablename__ = "committee_rhythms"

    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(default=1)  # Monday 0 ... Sunday 6
    week_of_month: Mapped[int] = mapped_column(default=2)  # 1 to 4, or -1 for the last
    starts_at: Mapped[time] = mapped_column(Time, default=time(14, 0))
    duration_minutes: Mapped[int] = mapped_column(default=120)
    place: Mapped[str | None] = mapped_column(String(300))
    # Agenda rules: without a solution for this many weeks puts a youth on the agenda
    no_solution_weeks: Mapped[int] = mapped_column(default=8)
    # A decision's task overdue by this many days is shown to the pilote
    overdue_decision_days: Mapped[int] = mapped_column(default=7)
    # The agenda the app proposes holds at most this many lines, the most urgent first
    max_proposed: Mapped[int] = mapped_column(default=30, server_default="30")


class CalendarToken(Base):
    """A user's secret address of their PSAD's calendar feed (stored hashed), revocable."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    revoked_at: Mapped[datetime | None]

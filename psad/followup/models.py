"""What happens on a case, each fact in a table of its own: contacts, notes, case events,
DARFI requests, obligation de formation steps, tasks; and the priority rules of work lists.

The timeline and the work lists read these facts; deadlines are computed from them and
``today`` (``psad.followup.deadlines``), never stored, except a date a person chooses (a
task's due date). Free text here may hold no health, justice, nationality or family data:
forms say so next to each field.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from psad import clock
from psad.auth.models import Structure, User
from psad.db import Base, enum_column
from psad.reference.models import ReferenceItem
from psad.youth.models import Case


class Party(enum.StrEnum):
    """Whom a contact was with."""

    YOUTH = "youth"
    GUARDIAN = "guardian"

    @property
    def label(self) -> str:
        return "Le jeune" if self is Party.YOUTH else "Un représentant légal"


class Contact(Base):
    """An attempt or an interview. Never changed: a correction is a new contact that
    ``replaces`` it (« annule et remplace »); the replaced one stays, struck through."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime]
    channel_id: Mapped[int] = mapped_column(ForeignKey("reference_items.id"))
    reached: Mapped[bool] = mapped_column(Boolean)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"))
    party: Mapped[Party] = mapped_column(enum_column(Party), default=Party.YOUTH)
    comment: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), unique=True, index=True
    )

    case: Mapped[Case] = relationship()
    channel: Mapped[ReferenceItem] = relationship(foreign_keys=[channel_id])
    outcome: Mapped[ReferenceItem | None] = relationship(foreign_keys=[outcome_id])
    author: Mapped[User | None] = relationship()
    replaces: Mapped[Contact | None] = relationship(remote_side=[id])


class NoteKind(enum.StrEnum):
    NOTE = "note"
    DIAGNOSTIC = "diagnostic"

    @property
    def label(self) -> str:
        return "Note" if self is NoteKind.NOTE else "Diagnostic (besoins et attentes)"


class Note(Base):
    """A dated note or diagnostic with its author; corrected like a contact."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NoteKind] = mapped_column(enum_column(NoteKind), default=NoteKind.NOTE)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id"), unique=True)

    author: Mapped[User | None] = relationship()


class CaseEventKind(enum.StrEnum):
    """A change of the case itself, as its timeline tells it."""

    OPENED = "opened"
    REOPENED = "reopened"
    CLOSED = "closed"
    STAGE = "stage"
    SITUATION = "situation"
    REFERENT = "referent"
    NEEDS = "needs"
    IDENTITY = "identity"
    TRAINING_OBLIGATION_ENDED = "training_obligation_ended"

    @property
    def label(self) -> str:
        return CASE_EVENT_LABELS[self]


CASE_EVENT_LABELS = {
    CaseEventKind.OPENED: "Dossier ouvert",
    CaseEventKind.REOPENED: "Dossier rouvert",
    CaseEventKind.CLOSED: "Dossier clos",
    CaseEventKind.STAGE: "Étape",
    CaseEventKind.SITUATION: "Situation",
    CaseEventKind.REFERENT: "Référent",
    CaseEventKind.NEEDS: "Besoins et attentes",
    CaseEventKind.IDENTITY: "Fiche modifiée",
    CaseEventKind.TRAINING_OBLIGATION_ENDED: "Fin de l'obligation de formation (18 ans)",
}


class CaseEvent(Base):
    """A change of a case's status, stage, situation, referent or needs: what it was, what it
    became (as people read them then), who, when and why."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CaseEventKind] = mapped_column(enum_column(CaseEventKind))
    occurred_at: Mapped[datetime] = mapped_column(default=clock.now)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    before: Mapped[str | None] = mapped_column(String(300))
    after: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)

    author: Mapped[User | None] = relationship()


class DarfiSource(enum.StrEnum):
    """How a DARFI request came."""

    YOUTH = "youth"
    FAMILY = "family"
    PARTNER = "partner"
    LIST = "list"

    @property
    def label(self) -> str:
        return DARFI_SOURCE_LABELS[self]


DARFI_SOURCE_LABELS = {
    DarfiSource.YOUTH: "Le jeune",
    DarfiSource.FAMILY: "La famille",
    DarfiSource.PARTNER: "Un partenaire",
    DarfiSource.LIST: "Une liste SI",
}


class Diploma(enum.StrEnum):
    """The highest diploma, as far as the DARFI is concerned (D. 122-3-1)."""

    UNKNOWN = "unknown"
    NONE = "none"
    DNB = "dnb"
    CFG = "cfg"
    NO_PROFESSIONAL_CERTIFICATION = "no_professional_certification"
    QUALIFYING = "qualifying"

    @property
    def label(self) -> str:
        return DIPLOMA_LABELS[self]


DIPLOMA_LABELS = {
    Diploma.UNKNOWN: "Non renseigné",
    Diploma.NONE: "Aucun diplôme",
    Diploma.DNB: "Diplôme national du brevet (DNB) seulement",
    Diploma.CFG: "Certificat de formation générale (CFG) seulement",
    Diploma.NO_PROFESSIONAL_CERTIFICATION: "Diplôme sans certification professionnelle (RNCP)",
    Diploma.QUALIFYING: "Bac ou diplôme professionnel enregistré au RNCP",
}


class DarfiRequest(Base):
    """A request to return to initial training; the interview is due within 15 days."""

    __tablename__ = "darfi_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    requested_on: Mapped[date] = mapped_column(Date)
    source: Mapped[DarfiSource] = mapped_column(enum_column(DarfiSource))
    diploma: Mapped[Diploma] = mapped_column(enum_column(Diploma), default=Diploma.UNKNOWN)
    wish: Mapped[str | None] = mapped_column(Text)
    interview_on: Mapped[date | None] = mapped_column(Date)
    interview_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    interview_outcome: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    interview_by: Mapped[User | None] = relationship(foreign_keys=[interview_by_id])


class ObligationStep(enum.StrEnum):
    """The steps of the obligation de formation (L. 114-1, R. 114-7, L. 313-8)."""

    INTERVIEW = "interview"
    CONVOCATION = "convocation"
    TRANSMISSION = "transmission"

    @property
    def label(self) -> str:
        return OBLIGATION_STEP_LABELS[self]


OBLIGATION_STEP_LABELS = {
    ObligationStep.INTERVIEW: "Entretien avec le jeune et son représentant légal",
    ObligationStep.CONVOCATION: "Convocation du jeune et de son représentant légal",
    ObligationStep.TRANSMISSION: "Transmission au président du conseil départemental",
}


class ObligationStepRecord(Base):
    """A step of the obligation de formation, done on a date."""

    __tablename__ = "obligation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    step: Mapped[ObligationStep] = mapped_column(enum_column(ObligationStep))
    done_on: Mapped[date] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    author: Mapped[User | None] = relationship()


class TaskRule(enum.StrEnum):
    """Where a task comes from: a person, or a rule on a recorded fact."""

    MANUAL = "manual"
    CALL_BACK = "call_back"
    DARFI_INTERVIEW = "darfi_interview"
    OBLIGATION_INTERVIEW = "obligation_interview"
    OBLIGATION_TRANSMISSION = "obligation_transmission"
    ORIENTATION_STALLED = "orientation_stalled"
    COMMITTEE_DECISION = "committee_decision"

    @property
    def label(self) -> str:
        return TASK_RULE_LABELS[self]


TASK_RULE_LABELS = {
    TaskRule.MANUAL: "Tâche",
    TaskRule.CALL_BACK: "Rappel",
    TaskRule.DARFI_INTERVIEW: "Entretien DARFI (15 jours)",
    TaskRule.OBLIGATION_INTERVIEW: "Entretien obligation de formation (3 mois)",
    TaskRule.OBLIGATION_TRANSMISSION: "Transmission au conseil départemental (2 mois)",
    TaskRule.ORIENTATION_STALLED: "Orientation sans nouvelles",
    TaskRule.COMMITTEE_DECISION: "Décision du comité technique",
}


class Task(Base):
    """Something due, for a user and/or a structure. A rule-made task names its rule and
    the fact it comes from, and closes itself when what it asks for is recorded."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))
    rule: Mapped[TaskRule] = mapped_column(enum_column(TaskRule), default=TaskRule.MANUAL)
    fact_id: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_comment: Mapped[str | None] = mapped_column(String(500))

    case: Mapped[Case] = relationship()
    assignee_user: Mapped[User | None] = relationship(foreign_keys=[assignee_user_id])
    assignee_structure: Mapped[Structure | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])

    # Open tasks by due date (jobs), of a case (the file, the list's copy) and of a user
    # (« Mes tâches », the header's count): each question has its index, so that SQLite,
    # without statistics, never walks every open task of the installation for one case.
    __table_args__ = (
        Index("ix_tasks_open_due", "done_at", "due_on"),
        Index("ix_tasks_case_open", "case_id", "done_at", "due_on"),
        Index("ix_tasks_assignee_open", "assignee_user_id", "done_at", "due_on"),
    )

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def days_late(self, today: date) -> int:
        """Days past the due date (0 when not late or done)."""
        return 0 if self.is_done else max(0, (today - self.due_on).days)


class PriorityRule(Base):
    """A rule of the « Prioritaires » block, switched on or off by an administrator."""

    __tablename__ = "priority_rules"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

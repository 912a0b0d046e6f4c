"""What the reminders store: each PSAD's thresholds and each user's notifications.

What is due is never stored: the daily run asks the domains' questions as of ``today``
(psad.reminders.rules). It stores what it told whom: one notification per user, day and kind
(and per comité for « comité dans 7 jours », told once), and the digest e-mail in the outbox.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from psad import clock
from psad.db import Base, enum_column


class ReminderKind(enum.StrEnum):
    """One thing that can be due; the digest lists them in this order."""

    TASKS_OVERDUE = "tasks_overdue"
    TASKS_TODAY = "tasks_today"
    DARFI_OVERDUE = "darfi_overdue"
    DARFI_SOON = "darfi_soon"
    OBLIGATION_INTERVIEW = "obligation_interview"
    OBLIGATION_TRANSMISSION = "obligation_transmission"
    MAJORITY = "majority"
    LIST_NOT_CONTACTED = "list_not_contacted"
    NO_CONTACT = "no_contact"
    DECISIONS_OVERDUE = "decisions_overdue"
    ORIENTATION_STALLED = "orientation_stalled"
    COMMITTEE_SOON = "committee_soon"
    AGE_LIMIT = "age_limit"

    @property
    def label(self) -> str:
        return REMINDER_KIND_LABELS[self]


REMINDER_KIND_LABELS = {
    ReminderKind.TASKS_OVERDUE: "Tâches en retard",
    ReminderKind.TASKS_TODAY: "Tâches du jour",
    ReminderKind.DARFI_OVERDUE: "Entretiens DARFI en retard (plus de 15 jours)",
    ReminderKind.DARFI_SOON: "Entretiens DARFI à tenir bientôt",
    ReminderKind.OBLIGATION_INTERVIEW: "Obligation de formation : entretiens à tenir",
    ReminderKind.OBLIGATION_TRANSMISSION: "Obligation de formation : transmissions au département",
    ReminderKind.MAJORITY: "Mineurs bientôt majeurs (fin de l'obligation de formation)",
    ReminderKind.LIST_NOT_CONTACTED: "Jeunes d'une liste importée jamais contactés",
    ReminderKind.NO_CONTACT: "Dossiers ouverts sans contact",
    ReminderKind.DECISIONS_OVERDUE: "Décisions de comité en retard",
    ReminderKind.ORIENTATION_STALLED: "Orientations sans nouvelles",
    ReminderKind.COMMITTEE_SOON: "Comité technique à venir",
    ReminderKind.AGE_LIMIT: "Jeunes ayant atteint 26 ans : clôture à envisager",
}


class ReminderRules(Base):
    """A PSAD's thresholds; an empty value takes the ``[reminders]`` default."""

    __tablename__ = "reminder_rules"

    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), primary_key=True)
    list_not_contacted_days: Mapped[int | None]
    no_contact_days: Mapped[int | None]
    darfi_notice_days: Mapped[int | None]
    obligation_notice_days: Mapped[int | None]
    majority_notice_days: Mapped[int | None]
    committee_notice_days: Mapped[int | None]
    # The digest names no youth; with this, it may give their initials (« J. D. »).
    digest_initials: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Notification(Base):
    """What one user was told on one day about one kind: a count and the list it comes from.

    ``subject_id`` is the comité for « comité à venir » (each comité is told once) and 0
    otherwise, so that the unique constraint makes every run idempotent on both databases.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind))
    subject_id: Mapped[int] = mapped_column(default=0)
    count: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))  # the French sentence, names no youth
    link: Mapped[str] = mapped_column(String(1000))  # a path of the app with its filters
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    read_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("user_id", "psad_id", "day", "kind", "subject_id"),
        # The header's counter: a user's unread notifications.
        Index("ix_notifications_unread", "user_id", "read_at"),
    )

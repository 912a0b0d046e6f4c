"""A PSAD's reminder thresholds as the rules read them: its ``ReminderRules``, an empty value
taking the ``[reminders]`` default."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.config import ReminderSettings
from psad.reminders.models import ReminderRules


@dataclass(frozen=True)
class Thresholds:
    """A PSAD's thresholds: its ``ReminderRules``, else the ``[reminders]`` defaults."""

    list_not_contacted_days: int
    no_contact_days: int
    darfi_notice_days: int
    obligation_notice_days: int
    majority_notice_days: int
    committee_notice_days: int
    digest_initials: bool

    @classmethod
    def of(cls, rules: ReminderRules | None, defaults: ReminderSettings) -> Thresholds:
        def days(name: str) -> int:
            chosen = getattr(rules, name) if rules is not None else None
            return int(getattr(defaults, name) if chosen is None else chosen)

        return cls(
            list_not_contacted_days=days("list_not_contacted_days"),
            no_contact_days=days("no_contact_days"),
            darfi_notice_days=days("darfi_notice_days"),
            obligation_notice_days=days("obligation_notice_days"),
            majority_notice_days=days("majority_notice_days"),
            committee_notice_days=days("committee_notice_days"),
            digest_initials=bool(rules is not None and rules.digest_initials),
        )


def thresholds(session: Session, psad_id: int, defaults: ReminderSettings) -> Thresholds:
    """The PSAD's effective thresholds."""
    return Thresholds.of(session.get(ReminderRules, psad_id), defaults)


def thresholds_of(
    session: Session, psad_ids: Iterable[int], defaults: ReminderSettings
) -> dict[int, Thresholds]:
    ids = list(psad_ids)
    stored = {
        rules.psad_id: rules
        for rules in session.scalars(select(ReminderRules).where(ReminderRules.psad_id.in_(ids)))
    }
    return {psad_id: Thresholds.of(stored.get(psad_id), defaults) for psad_id in ids}

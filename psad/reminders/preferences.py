"""What people choose about reminders: a user's digest frequency (« Mon compte ») and a PSAD's
thresholds (empty: the ``[reminders]`` default) with whether digests give initials."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import DigestFrequency, User
from psad.config import ReminderSettings
from psad.reminders.models import ReminderRules


def set_digest_frequency(
    session: Session, *, user: User, frequency: DigestFrequency, actor: audit.Actor
) -> bool:
    """Change how often the user gets the digest; audited when it changes (False: unchanged)."""
    before = user.digest_frequency
    if frequency is before:
        return False
    user.digest_frequency = frequency
    audit.record(
        session,
        actor,
        AuditAction.DIGEST_PREFERENCE_CHANGED,
        object_type="user",
        object_id=user.id,
        detail=f"fréquence={before.value}→{frequency.value}",
    )
    return True


@dataclass(frozen=True)
class RuleValues:
    """A PSAD's chosen thresholds in days (None: the ``[reminders]`` default)."""

    list_not_contacted_days: int | None = None
    no_contact_days: int | None = None
    darfi_notice_days: int | None = None
    obligation_notice_days: int | None = None
    majority_notice_days: int | None = None
    committee_notice_days: int | None = None
    digest_initials: bool = False

    @classmethod
    def of(cls, rules: ReminderRules | None) -> RuleValues:
        if rules is None:
            return cls()
        return cls(**{name: getattr(rules, name) for name in RULE_FIELDS})


RULE_FIELDS = tuple(f.name for f in fields(RuleValues))
DAY_FIELDS = tuple(name for name in RULE_FIELDS if name.endswith("_days"))


def default_days(defaults: ReminderSettings) -> dict[str, int]:
    """The server's default of each threshold, by field name."""
    return {name: getattr(defaults, name) for name in DAY_FIELDS}


def rules_of(session: Session, psad_id: int) -> RuleValues:
    return RuleValues.of(session.get(ReminderRules, psad_id))


def save_rules(
    session: Session,
    *,
    psad_id: int,
    values: RuleValues,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> list[str]:
    """Store the PSAD's thresholds (the row made when missing); audited with each change, old
    → new. Returns the names of the fields changed (none: nothing written)."""
    rules = session.get(ReminderRules, psad_id)
    before = RuleValues.of(rules)
    changed = [name for name in RULE_FIELDS if getattr(before, name) != getattr(values, name)]
    if not changed:
        return []
    if rules is None:
        rules = ReminderRules(psad_id=psad_id)
        session.add(rules)
    for name in RULE_FIELDS:
        setattr(rules, name, getattr(values, name))
    rules.updated_at = now
    rules.updated_by_id = by.id
    detail = "; ".join(
        f"{name}={_shown(getattr(before, name))}→{_shown(getattr(values, name))}"
        for name in changed
    )
    audit.record(
        session,
        actor,
        AuditAction.REMINDER_RULES_CHANGED,
        object_type="psad",
        object_id=psad_id,
        psad_id=psad_id,
        detail=detail,
    )
    session.flush()
    return changed


def _shown(value: int | bool | None) -> str:
    if value is None:
        return "défaut"
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)

"""Imports every model so that metadata, migrations and relationships see all tables."""

from psad.audit.models import AuditEvent
from psad.auth.models import LoginThrottle, Membership, Psad, Structure, User, UserSession
from psad.followup.models import (
    CaseEvent,
    Contact,
    DarfiRequest,
    Note,
    ObligationStepRecord,
    PriorityRule,
    Task,
)
from psad.imports.models import ImportBatch, ImportJob, ImportLock, Listing
from psad.reference.models import Commune, ReferenceItem
from psad.scheduler import SchedulerLease
from psad.youth.models import Case, Guardian, Youth

# Whole modules: their tables register themselves.
import psad.committees.models  # isort: skip
import psad.duplicates.models  # isort: skip
import psad.followup.liststate  # isort: skip  (its flush hook keeps the lists' copy)
import psad.lists.models  # isort: skip
import psad.messages.models  # isort: skip
import psad.orientations.models  # isort: skip
import psad.outbox.models  # isort: skip
import psad.reminders.models  # isort: skip
import psad.reports.snapshots  # isort: skip
import psad.transfers.models  # noqa: F401  # isort: skip

__all__ = [
    "AuditEvent",
    "Case",
    "CaseEvent",
    "Commune",
    "Contact",
    "DarfiRequest",
    "Guardian",
    "ImportBatch",
    "ImportJob",
    "ImportLock",
    "Listing",
    "LoginThrottle",
    "Membership",
    "Note",
    "ObligationStepRecord",
    "PriorityRule",
    "Psad",
    "ReferenceItem",
    "SchedulerLease",
    "Structure",
    "Task",
    "User",
    "UserSession",
    "Youth",
]

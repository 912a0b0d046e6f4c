"""Imports every model so that metadata, migrations and relationships see all tables."""

from psad.audit.models import AuditEvent
from psad.auth.models import LoginThrottle, Membership, Psad, Structure, User, UserSession
from psad.imports.models import ImportBatch, ImportJob, ImportLock, Listing
from psad.reference.models import ReferenceItem
from psad.scheduler import SchedulerLease
from psad.youth.models import Case, Guardian, Youth

__all__ = [
    "AuditEvent",
    "Case",
    "Guardian",
    "ImportBatch",
    "ImportJob",
    "ImportLock",
    "Listing",
    "LoginThrottle",
    "Membership",
    "Psad",
    "ReferenceItem",
    "SchedulerLease",
    "Structure",
    "User",
    "UserSession",
    "Youth",
]

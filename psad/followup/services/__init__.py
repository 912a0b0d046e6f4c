"""What people do on a case. Plain functions: they flush, never commit; they receive the
acting user, the time and the audit actor; a refusal is a ``DomainError`` with its French
message. Rule-made tasks follow the facts (``tasks``)."""

from psad.followup.services.case import (
    CaseVersionError,
    assign_referent,
    change_situation,
    change_stage,
    check_version,
    close_case,
    edit_youth,
    reopen_case,
    update_needs,
)
from psad.followup.services.contacts import (
    ContactData,
    ContactResult,
    add_note,
    correct_contact,
    failed_attempts_in_a_row,
    record_contact,
)
from psad.followup.services.legal import (
    record_darfi_interview,
    record_darfi_request,
    record_obligation_step,
)
from psad.followup.services.tasks import (
    add_task,
    complete_task,
    obligation_of,
    sync_obligation_tasks,
)

__all__ = [
    "CaseVersionError",
    "ContactData",
    "ContactResult",
    "add_note",
    "add_task",
    "assign_referent",
    "change_situation",
    "change_stage",
    "check_version",
    "close_case",
    "complete_task",
    "correct_contact",
    "edit_youth",
    "failed_attempts_in_a_row",
    "obligation_of",
    "record_contact",
    "record_darfi_interview",
    "record_darfi_request",
    "record_obligation_step",
    "reopen_case",
    "sync_obligation_tasks",
    "update_needs",
]

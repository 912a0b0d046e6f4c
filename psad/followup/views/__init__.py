"""The follow-up pages: one blueprint, one module per area.

Endpoints are fixed here so that the file page links to them (``followup.<name>``):
contacts (new_contact, correct_contact, new_note), case (situation, stage, referent, needs,
close, reopen, edit_youth), tasks and legal steps (new_task, complete_task, my_tasks,
new_darfi, darfi_interview, obligation_step, convocation_letter), work lists
(priority_rules).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("followup", __name__)

from psad.followup.views import case, contacts, legal, tasks, worklists  # noqa: E402, F401

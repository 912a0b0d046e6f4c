"""« Mes tâches » as its URL says it: which rules, which due dates, whose tasks.

The reminders count tasks with the same arguments (``psad.reminders.rules``) and link to the
page with them, so that the page shows exactly the tasks a reminder counted:
``/taches?regle=manual,call_back&echeance_max=2026-12-06&assignation=relances``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, false, or_, true

from psad.followup.models import Task, TaskRule
from psad.followup.recipients import tasks_routed_to

EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
NONE = "aucun"  # the open tasks for nobody (pilotes and co-pilotes)
REMINDED = "relances"  # the tasks the reminders tell the viewer about


@dataclass(frozen=True)
class TaskArgs:
    """The page's filters, read leniently from its URL (an unreadable value is dropped)."""

    rules: tuple[TaskRule, ...] = ()
    due_min: date | None = None
    due_max: date | None = None
    assignment: str | None = None  # None (mine or my structure's), NONE or REMINDED

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> TaskArgs:
        rules = [_rule(code) for code in (args.get("regle") or "").split(",")]
        assignment = args.get("assignation")
        return cls(
            rules=tuple(dict.fromkeys(rule for rule in rules if rule is not None)),
            due_min=_day(args.get("echeance_min")),
            due_max=_day(args.get("echeance_max")),
            assignment=assignment if assignment in (NONE, REMINDED) else None,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.rules or self.due_min or self.due_max or self.assignment)

    def url_args(self) -> dict[str, str]:
        """The page's URL arguments, for ``url_for("followup.my_tasks", **args.url_args())``."""
        values = {
            "regle": ",".join(rule.value for rule in self.rules),
            "echeance_min": self.due_min.isoformat() if self.due_min else "",
            "echeance_max": self.due_max.isoformat() if self.due_max else "",
            "assignation": self.assignment or "",
        }
        return {key: value for key, value in values.items() if value}

    def due(self) -> ColumnElement[bool]:
        """The rules and due dates asked, as a condition on ``Task``."""
        conditions: list[ColumnElement[bool]] = []
        if self.rules:
            conditions.append(Task.rule.in_(self.rules))
        if self.due_min is not None:
            conditions.append(Task.due_on >= self.due_min)
        if self.due_max is not None:
            conditions.append(Task.due_on <= self.due_max)
        return and_(true(), *conditions)

    def whose(
        self, *, user_id: int, structure_id: int | None, manages: bool
    ) -> ColumnElement[bool]:
        """Whose tasks: the viewer's or their structure's (by default), those the reminders
        tell them about, or (pilotes and co-pilotes) those for nobody."""
        if self.assignment == REMINDED:
            return tasks_routed_to(user_id)
        if self.assignment == NONE:
            if not manages:
                return false()
            return and_(Task.assignee_user_id.is_(None), Task.assignee_structure_id.is_(None))
        mine = Task.assignee_user_id == user_id
        if structure_id is not None:
            return or_(mine, Task.assignee_structure_id == structure_id)
        return mine

    def descriptions(self) -> list[str]:
        """The filters in words, for the page: « Type : Tâche, Rappel »..."""
        said: list[str] = []
        if self.rules:
            said.append("Type : " + ", ".join(rule.label for rule in self.rules))
        if self.due_min and self.due_max and self.due_min == self.due_max:
            said.append(f"Échéance le {self.due_min:%d/%m/%Y}")
        else:
            if self.due_min:
                said.append(f"Échéance à partir du {self.due_min:%d/%m/%Y}")
            if self.due_max:
                said.append(f"Échéance jusqu'au {self.due_max:%d/%m/%Y}")
        if self.assignment == REMINDED:
            said.append("Celles dont vos rappels vous parlent")
        elif self.assignment == NONE:
            said.append("Confiées à personne")
        return said


def _rule(code: str) -> TaskRule | None:
    try:
        return TaskRule(code.strip())
    except ValueError:
        return None


def _day(value: str | None) -> date | None:
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None

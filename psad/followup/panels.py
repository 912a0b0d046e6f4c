"""What the file's tasks, DARFI and obligation de formation panels and « Mes tâches » show.

Every status, countdown and date sentence is computed here (from ``psad.followup.deadlines``
and ``today``), so that the templates only print them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload

from psad.auth.models import User
from psad.auth.queries import referent_candidates
from psad.errors import DomainError
from psad.followup import queries
from psad.followup.deadlines import (
    StepState,
    StepStatus,
    Verdict,
    darfi_eligibility,
    darfi_interview_due,
)
from psad.followup.models import DarfiRequest, ObligationStep, Task, TaskRule
from psad.followup.queries import TaskBucket, bucket_of
from psad.followup.services import obligation_of
from psad.followup.tasklist import TaskArgs
from psad.youth.forms import FREE_TEXT_WARNING
from psad.youth.models import Case, Sex, Youth

# The URL segment of each obligation step (French, as people read URLs). The convocation
# letter lives at /obligation/convocation, so its step records at another segment.
STEP_SLUGS = {
    ObligationStep.INTERVIEW: "entretien",
    ObligationStep.CONVOCATION: "convocation-envoyee",
    ObligationStep.TRANSMISSION: "transmission",
}
STEP_OF_SLUG = {slug: step for step, slug in STEP_SLUGS.items()}
NOT_YET_TEXT = {
    ObligationStep.CONVOCATION: "si l'entretien n'a pas eu lieu dans les 3 mois",
    ObligationStep.TRANSMISSION: "2 mois après la convocation, sans solution",
}


class CanFollow(Protocol):
    """The part of the viewer the panels need (``psad.access.viewer.Viewer``)."""

    @property
    def can_follow(self) -> bool: ...


def open_case_of(youth: Youth) -> Case:
    """The youth's open case, which the actions of the file need."""
    case = youth.open_case
    if case is None:
        raise DomainError("Ce jeune n'a pas de dossier ouvert : rouvrez son dossier d'abord.")
    return case


DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def long_date_fr(day: date) -> str:
    """« lundi 14 décembre 2026 », as a letter writes a date."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{DAYS[day.weekday()]} {first} {MONTHS[day.month - 1]} {day.year}"


def of_name(name: str) -> str:
    """« de Hugo », « d'Éloïse »: the French elision before a vowel or a mute h."""
    first = name[:1].lower()
    return f"d'{name}" if first and first in "aàâäeéèêëiîïoôöuùûüyh" else f"de {name}"


def born_fr(sex: Sex | None) -> str:
    if sex is Sex.FEMALE:
        return "née"
    return "né" if sex is Sex.MALE else "né(e)"


def days_fr(days: int) -> str:
    return f"{days} jour" if abs(days) == 1 else f"{days} jours"


def late_text(days: int) -> str:
    return f"en retard de {days_fr(days)}"


def assignee_of(task: Task) -> str:
    names = [who.full_name for who in (task.assignee_user,) if who is not None]
    names += [where.name for where in (task.assignee_structure,) if where is not None]
    return " · ".join(names) or "Personne"


@dataclass(frozen=True)
class TaskRow:
    task: Task
    assignee: str
    late: str | None  # « en retard de N jours », None when on time or done
    rule: str | None  # the rule that made it (None for a task made by hand)


def task_row(task: Task, today: date) -> TaskRow:
    days = task.days_late(today)
    rule = (
        None if task.rule is TaskRule.MANUAL or task.title == task.rule.label else task.rule.label
    )
    return TaskRow(task, assignee_of(task), late_text(days) if days else None, rule)


@dataclass(frozen=True)
class TasksPanel:
    open: list[TaskRow]
    done: list[TaskRow]
    can_act: bool


@dataclass(frozen=True)
class DarfiRow:
    request: DarfiRequest
    eligibility: Verdict
    countdown: str | None  # while the interview is waiting
    overdue: bool
    held: str | None  # once the interview is recorded


def darfi_row(request: DarfiRequest, birth_date: date | None, today: date) -> DarfiRow:
    verdict = darfi_eligibility(birth_date, request.diploma, request.requested_on)
    if request.interview_on is not None:
        by = f" par {request.interview_by.full_name}" if request.interview_by else ""
        return DarfiRow(
            request, verdict, None, False, f"Entretien tenu le {request.interview_on:%d/%m/%Y}{by}."
        )
    due = darfi_interview_due(request)
    left = (due - today).days
    if left < 0:
        text = f"Entretien {late_text(-left)} (à tenir avant le {due:%d/%m/%Y})."
    else:
        when = "aujourd'hui" if left == 0 else f"dans {days_fr(left)}"
        text = f"Entretien à tenir avant le {due:%d/%m/%Y} ({when})."
    return DarfiRow(request, verdict, text, left < 0, None)


@dataclass(frozen=True)
class StepRow:
    status: StepStatus
    slug: str
    text: str  # its state in a sentence: when done, until when, how late, or why not yet
    overdue: bool

    @property
    def recordable(self) -> bool:
        return self.status.state is not StepState.DONE

    @property
    def has_letter(self) -> bool:
        """The convocation comes with a letter to print."""
        return self.status.step is ObligationStep.CONVOCATION


def step_row(status: StepStatus, today: date) -> StepRow:
    step, state = status.step, status.state
    if state is StepState.DONE and status.done_on:
        text = f"Fait le {status.done_on:%d/%m/%Y}"
    elif state is StepState.OVERDUE and status.due_on:
        late = late_text(status.days_late(today))
        text = f"{late[0].upper()}{late[1:]} (échéance le {status.due_on:%d/%m/%Y})"
    elif state is StepState.DUE and status.due_on:
        text = f"À faire avant le {status.due_on:%d/%m/%Y}"
    elif state is StepState.ENDED:
        text = f"{state.label} : non faite avant ses 18 ans"
    else:
        text = f"{state.label} : {NOT_YET_TEXT.get(step, 'sans échéance')}"
    return StepRow(status, STEP_SLUGS[step], text, state is StepState.OVERDUE)


@dataclass(frozen=True)
class ObligationPanel:
    applies: bool
    summary: str
    steps: list[StepRow]


def obligation_panel(session: Session, case: Case, today: date) -> ObligationPanel | None:
    status = obligation_of(session, case, today)
    if not status.steps or status.ends_on is None:
        return None
    if status.applies:
        left = (status.ends_on - today).days
        summary = (
            f"Soumis à l'obligation de formation jusqu'au {status.ends_on:%d/%m/%Y} "
            f"(ses 18 ans, dans {days_fr(left)})."
        )
    else:
        summary = (
            f"Obligation de formation terminée le {status.ends_on:%d/%m/%Y} (ses 18 ans) : "
            "les étapes en attente sont closes."
        )
    return ObligationPanel(status.applies, summary, [step_row(s, today) for s in status.steps])


@dataclass(frozen=True)
class LegalPanel:
    darfi: list[DarfiRow]
    obligation: ObligationPanel | None
    can_act: bool


def darfi_requests(session: Session, case_id: int) -> list[DarfiRequest]:
    return list(
        session.scalars(
            select(DarfiRequest)
            .options(joinedload(DarfiRequest.interview_by))
            .where(DarfiRequest.case_id == case_id)
            .order_by(DarfiRequest.requested_on.desc(), DarfiRequest.id.desc())
        )
    )


def tasks_and_legal_context(
    session: Session, *, youth: Youth, viewer: CanFollow, today: date
) -> dict[str, object]:
    """Template values for followup/_tasks.html and followup/_legal.html (the latest case)."""
    case = youth.latest_case
    if case is None:
        return {}
    can_act = viewer.can_follow and case.is_open
    rows = [task_row(task, today) for task in queries.case_tasks(session, case.id)]
    return {
        "free_text_warning": FREE_TEXT_WARNING,
        "tasks_panel": TasksPanel(
            open=[row for row in rows if not row.task.is_done],
            done=[row for row in rows if row.task.is_done],
            can_act=can_act,
        ),
        "legal_panel": LegalPanel(
            darfi=[darfi_row(r, youth.birth_date, today) for r in darfi_requests(session, case.id)],
            obligation=obligation_panel(session, case, today),
            can_act=can_act,
        ),
    }


# --- « Mes tâches » --------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskGroup:
    bucket: TaskBucket
    rows: list[TaskRow]

    @property
    def overdue(self) -> bool:
        return self.bucket is TaskBucket.OVERDUE and bool(self.rows)


def my_task_groups(
    session: Session,
    scope: ColumnElement[bool],
    *,
    user_id: int,
    structure_id: int | None,
    today: date,
    args: TaskArgs | None = None,
    manages: bool = False,
) -> list[TaskGroup]:
    """The viewer's open tasks on youth they may see (those ``args`` ask for): overdue,
    today, this week, later."""
    args = args or TaskArgs()
    whose = args.whose(user_id=user_id, structure_id=structure_id, manages=manages)
    query = queries.open_tasks(scope, whose, args.due()).options(
        joinedload(Task.case).joinedload(Case.youth),
        joinedload(Task.assignee_user),
        joinedload(Task.assignee_structure),
    )
    groups: dict[TaskBucket, list[TaskRow]] = {bucket: [] for bucket in TaskBucket}
    for task in session.scalars(query).unique():
        groups[bucket_of(task.due_on, today)].append(task_row(task, today))
    return [TaskGroup(bucket, rows) for bucket, rows in groups.items()]


def assignable_users(session: Session, psad_id: int) -> Sequence[User]:
    """Whom a task may be for: the PSAD's active members who follow youth, by name."""
    return referent_candidates(session, psad_id)

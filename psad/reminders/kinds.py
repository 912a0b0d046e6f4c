"""What each kind of reminder asks, and how it says it: the youth list's tab and filters, or
« Mes tâches »' filters, for a PSAD's threshold; and the French sentence of a count, which
names no youth (« 3 tâches en retard », « 1 jeune a 26 ans ou plus : clôture à envisager »).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from psad.followup.models import TaskRule
from psad.followup.queries import Tab
from psad.followup.tasklist import TaskArgs
from psad.followup.worklist import ListArgs
from psad.reminders.models import ReminderKind
from psad.reminders.thresholds import Thresholds

# --- the sentences ---------------------------------------------------------------------------


NEVER_CONTACTED = {True: "n'a jamais été contacté", False: "n'ont jamais été contactés"}


def counted(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _by(day: date) -> str:
    return f"d'ici le {day:%d/%m/%Y}"


# --- the rules -------------------------------------------------------------------------------

Threshold = Callable[[Thresholds], int]  # a PSAD's value for a rule (days; the age limit)


@dataclass(frozen=True)
class YouthRule:
    """A count of youth: the youth list's tab and filters for the PSAD's ``threshold``."""

    kind: ReminderKind
    threshold: Threshold
    list_of: Callable[[int], ListArgs]
    text: Callable[[int, int, date], str]  # count, threshold, today


@dataclass(frozen=True)
class TaskCount:
    """A count of tasks: « Mes tâches »' filters for today and the PSAD's ``threshold``."""

    kind: ReminderKind
    threshold: Threshold
    tasks_of: Callable[[date, int], TaskArgs]
    text: Callable[[int, int, date], str]


def _none(limits: Thresholds) -> int:
    return 0


def youth_rules(max_age: int) -> list[YouthRule]:
    """The rules that count youth; ``max_age`` is ``[data] max_age``."""
    return [
        YouthRule(
            ReminderKind.LIST_NOT_CONTACTED,
            lambda t: t.list_not_contacted_days,
            lambda days: ListArgs(tab=Tab.TO_PROCESS, listed_days=days),
            lambda count, days, today: (
                f"{counted(count, 'jeune', 'jeunes')} d'une liste importée il y a {days} jours "
                f"ou plus {NEVER_CONTACTED[count == 1]}"
            ),
        ),
        YouthRule(
            ReminderKind.NO_CONTACT,
            lambda t: t.no_contact_days,
            lambda days: ListArgs(tab=Tab.ALL, no_contact_days=days),
            lambda count, days, today: (
                f"{counted(count, 'dossier ouvert', 'dossiers ouverts')} sans contact depuis "
                f"plus de {days} jours"
            ),
        ),
        YouthRule(
            ReminderKind.MAJORITY,
            lambda t: t.majority_notice_days,
            lambda days: ListArgs(tab=Tab.ALL, majority_days=days),
            lambda count, days, today: (
                f"{counted(count, 'mineur suivi aura', 'mineurs suivis auront')} 18 ans "
                f"{_by(today + timedelta(days=days))} (fin de l'obligation de formation)"
            ),
        ),
        YouthRule(
            ReminderKind.AGE_LIMIT,
            lambda t: max_age + 1,
            lambda age: ListArgs(tab=Tab.ALL, min_age=age),
            lambda count, age, today: (
                f"{counted(count, 'jeune a', 'jeunes ont')} {age} ans ou plus : clôture à envisager"
            ),
        ),
    ]


ROUTINE = (TaskRule.MANUAL, TaskRule.CALL_BACK)  # the other rules have their own kinds


def _yesterday(today: date) -> date:
    return today - timedelta(days=1)


TASK_COUNTS = [
    TaskCount(
        ReminderKind.TASKS_OVERDUE,
        _none,
        lambda today, days: TaskArgs(rules=ROUTINE, due_max=_yesterday(today)),
        lambda count, days, today: counted(count, "tâche en retard", "tâches en retard"),
    ),
    TaskCount(
        ReminderKind.TASKS_TODAY,
        _none,
        lambda today, days: TaskArgs(rules=ROUTINE, due_min=today, due_max=today),
        lambda count, days, today: f"{counted(count, 'tâche', 'tâches')} à faire aujourd'hui",
    ),
    TaskCount(
        ReminderKind.DARFI_OVERDUE,
        _none,
        lambda today, days: TaskArgs(rules=(TaskRule.DARFI_INTERVIEW,), due_max=_yesterday(today)),
        lambda count, days, today: (
            f"{counted(count, 'entretien DARFI', 'entretiens DARFI')} en retard (plus de 15 jours "
            "après la demande)"
        ),
    ),
    TaskCount(
        ReminderKind.DARFI_SOON,
        lambda t: t.darfi_notice_days,
        lambda today, days: TaskArgs(
            rules=(TaskRule.DARFI_INTERVIEW,), due_min=today, due_max=today + timedelta(days=days)
        ),
        lambda count, days, today: (
            f"{counted(count, 'entretien DARFI', 'entretiens DARFI')} à tenir "
            f"{_by(today + timedelta(days=days))}"
        ),
    ),
    TaskCount(
        ReminderKind.OBLIGATION_INTERVIEW,
        lambda t: t.obligation_notice_days,
        lambda today, days: TaskArgs(
            rules=(TaskRule.OBLIGATION_INTERVIEW,), due_max=today + timedelta(days=days)
        ),
        lambda count, days, today: (
            f"{counted(count, 'entretien', 'entretiens')} d'obligation de formation à tenir "
            f"{_by(today + timedelta(days=days))} (retards compris)"
        ),
    ),
    TaskCount(
        ReminderKind.OBLIGATION_TRANSMISSION,
        lambda t: t.obligation_notice_days,
        lambda today, days: TaskArgs(
            rules=(TaskRule.OBLIGATION_TRANSMISSION,), due_max=today + timedelta(days=days)
        ),
        lambda count, days, today: (
            f"{counted(count, 'transmission', 'transmissions')} au conseil départemental à faire "
            f"{_by(today + timedelta(days=days))} (retards compris)"
        ),
    ),
    TaskCount(
        ReminderKind.DECISIONS_OVERDUE,
        _none,
        lambda today, days: TaskArgs(
            rules=(TaskRule.COMMITTEE_DECISION,), due_max=_yesterday(today)
        ),
        lambda count, days, today: counted(
            count, "décision de comité en retard", "décisions de comité en retard"
        ),
    ),
    TaskCount(
        ReminderKind.ORIENTATION_STALLED,
        _none,
        lambda today, days: TaskArgs(rules=(TaskRule.ORIENTATION_STALLED,)),
        lambda count, days, today: counted(
            count, "orientation sans nouvelles", "orientations sans nouvelles"
        ),
    ),
]

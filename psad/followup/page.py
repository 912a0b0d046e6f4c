"""The file's summary (« at a glance ») and its timeline.

The summary is about the youth's current case (the open one, else the latest): status and
stage, situation, referent, age and the obligation de formation, DARFI eligibility of the
latest request, days since the last contact, the next due item; the other cases are listed
as previous ones. Every value is computed here, the template only shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.clock import local
from psad.followup import timeline
from psad.followup.deadlines import Verdict, darfi_eligibility, eighteenth_birthday
from psad.followup.models import DarfiRequest, Task
from psad.followup.services.case import current_stage
from psad.followup.services.contacts import failed_attempts_in_a_row, latest_contact
from psad.youth.identifiers import age_on
from psad.youth.models import Case, CaseStage, Youth

OBLIGATION_START_AGE = 16


class Viewer(Protocol):
    """What the page needs of ``psad.access.viewer.Viewer`` (the follow-up sits below the
    access package and does not import it)."""

    @property
    def user_id(self) -> int: ...

    @property
    def can_correct_any_contact(self) -> bool: ...


@dataclass(frozen=True)
class Darfi:
    requested_on: date
    verdict: Verdict


@dataclass(frozen=True)
class NextDue:
    title: str
    due_on: date
    days_late: int  # 0 when not late


@dataclass(frozen=True)
class Summary:
    case: Case | None  # the open case, else the latest one
    stage: CaseStage | None  # open cases only
    age: int | None
    obligation: str  # whether the obligation de formation applies, and until when
    obligation_applies: bool
    darfi: Darfi | None
    days_since_contact: int | None  # None: never contacted
    failed_in_a_row: int
    offer_unreachable: bool  # the PSAD's number of failed attempts in a row is reached
    next_due: NextDue | None
    previous_cases: list[Case]


def file_context(
    session: Session, *, youth: Youth, viewer: Viewer, today: date, now: datetime
) -> dict[str, object]:
    """Template values for followup/_summary.html and followup/_timeline.html."""
    return {
        "summary": summarize(session, youth=youth, today=today),
        "timeline": timeline.youth_timeline(
            session,
            youth=youth,
            user_id=viewer.user_id,
            may_correct_any=viewer.can_correct_any_contact,
            now=now,
        ),
    }


def summarize(session: Session, *, youth: Youth, today: date) -> Summary:
    case = youth.open_case or youth.latest_case
    applies, obligation_text = training_obligation(youth.birth_date, today)
    failed = failed_attempts_in_a_row(session, case) if case else 0
    last = latest_contact(session, case) if case else None
    return Summary(
        case=case,
        stage=current_stage(session, case) if case and case.is_open else None,
        age=youth.age_on(today),
        obligation=obligation_text,
        obligation_applies=applies,
        darfi=_darfi(session, case, youth.birth_date) if case else None,
        days_since_contact=(today - local(last.occurred_at).date()).days if last else None,
        failed_in_a_row=failed,
        offer_unreachable=bool(case and case.is_open and failed >= youth.psad.unreachable_after),
        next_due=_next_due(session, case, today) if case and case.is_open else None,
        previous_cases=[other for other in youth.cases if other is not case],
    )


def training_obligation(birth_date: date | None, today: date) -> tuple[bool, str]:
    """Whether the obligation de formation (16-17) applies on ``today``, said in French."""
    if birth_date is None:
        return False, "Inconnue : date de naissance manquante."
    ends_on = eighteenth_birthday(birth_date)
    if today >= ends_on:
        return False, f"Ne s'applique plus : 18 ans le {ends_on:%d/%m/%Y}."
    if age_on(birth_date, today) < OBLIGATION_START_AGE:
        return False, "Ne s'applique pas encore : moins de 16 ans."
    return True, f"S'applique jusqu'au {ends_on:%d/%m/%Y} (18 ans)."


def _darfi(session: Session, case: Case, birth_date: date | None) -> Darfi | None:
    request = session.scalar(
        select(DarfiRequest)
        .where(DarfiRequest.case_id == case.id)
        .order_by(DarfiRequest.requested_on.desc(), DarfiRequest.id.desc())
        .limit(1)
    )
    if request is None:
        return None
    verdict = darfi_eligibility(birth_date, request.diploma, request.requested_on)
    return Darfi(request.requested_on, verdict)


def _next_due(session: Session, case: Case, today: date) -> NextDue | None:
    task = session.scalar(
        select(Task)
        .where(Task.case_id == case.id, Task.done_at.is_(None))
        .order_by(Task.due_on, Task.id)
        .limit(1)
    )
    if task is None:
        return None
    return NextDue(task.title, task.due_on, task.days_late(today))

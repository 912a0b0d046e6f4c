"""The legal rules of a case as pure functions of the recorded facts and ``today``.

DARFI (code de l'éducation D. 122-3-1 to D. 122-3-8): 16 to 25 on the request date, without
a diploma or with only the DNB or CFG, or without a professional certification; interview
within 15 days. Obligation de formation (L. 114-1, R. 114-7, L. 313-8): until 18; the youth
and a legal guardian are received within three months of the signalement or listing; after a
convocation, two months without a solution lead to the transmission to the président du
conseil départemental. Nothing here reads the clock or the database.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from psad.followup.models import DarfiRequest, Diploma, ObligationStep
from psad.youth.identifiers import age_on

DARFI_INTERVIEW_DAYS = 15
DARFI_MIN_AGE, DARFI_MAX_AGE = 16, 25
OBLIGATION_END_AGE = 18
OBLIGATION_INTERVIEW_MONTHS = 3
OBLIGATION_TRANSMISSION_MONTHS = 2
QUALIFYING = {Diploma.QUALIFYING}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 January + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def eighteenth_birthday(birth_date: date) -> date:
    try:
        return birth_date.replace(year=birth_date.year + OBLIGATION_END_AGE)
    except ValueError:  # born on 29 February: of age on 1 March
        return date(birth_date.year + OBLIGATION_END_AGE, 3, 1)


class Eligibility(enum.StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verdict:
    """An eligibility and the one sentence that explains it."""

    eligibility: Eligibility
    sentence: str


def darfi_eligibility(birth_date: date | None, diploma: Diploma, on: date) -> Verdict:
    """Whether a youth may use the DARFI on ``on``, said in one French sentence."""
    if birth_date is None:
        return Verdict(Eligibility.UNKNOWN, "Éligibilité inconnue : date de naissance manquante.")
    age = age_on(birth_date, on)
    if not DARFI_MIN_AGE <= age <= DARFI_MAX_AGE:
        return Verdict(
            Eligibility.NOT_ELIGIBLE,
            f"Non éligible : {age} ans à la date de la demande (le DARFI concerne les 16-25 ans).",
        )
    if diploma in QUALIFYING:
        return Verdict(
            Eligibility.NOT_ELIGIBLE,
            "Non éligible : le jeune a un bac ou un diplôme professionnel enregistré au RNCP.",
        )
    if diploma is Diploma.UNKNOWN:
        return Verdict(
            Eligibility.UNKNOWN,
            f"À vérifier : {age} ans, mais le diplôme le plus élevé n'est pas renseigné.",
        )
    return Verdict(
        Eligibility.ELIGIBLE,
        f"Éligible : {age} ans et {diploma.label[0].lower()}{diploma.label[1:]}.",
    )


def darfi_interview_due(request: DarfiRequest) -> date:
    return request.requested_on + timedelta(days=DARFI_INTERVIEW_DAYS)


class StepState(enum.StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    NOT_YET = "not_yet"
    ENDED = "ended"  # the youth turned 18 before the step was done

    @property
    def label(self) -> str:
        return STEP_STATE_LABELS[self]


STEP_STATE_LABELS = {
    StepState.DONE: "Fait",
    StepState.DUE: "À faire",
    StepState.OVERDUE: "En retard",
    StepState.NOT_YET: "Pas encore dû",
    StepState.ENDED: "Sans objet (18 ans atteints)",
}


@dataclass(frozen=True)
class StepStatus:
    step: ObligationStep
    state: StepState
    due_on: date | None
    done_on: date | None

    def days_late(self, today: date) -> int:
        if self.state is not StepState.OVERDUE or self.due_on is None:
            return 0
        return (today - self.due_on).days


@dataclass(frozen=True)
class Obligation:
    """Whether the obligation de formation applies on ``today``, until when, its steps."""

    applies: bool
    ends_on: date | None
    steps: tuple[StepStatus, ...]


def obligation(
    *,
    birth_date: date | None,
    opened_on: date,
    done: dict[ObligationStep, date],
    has_solution: bool,
    today: date,
) -> Obligation:
    """The obligation de formation of a youth whose case opened on ``opened_on``.

    Interview: due three months after the opening. Convocation: to do once the interview's
    deadline has passed without it (no legal delay of its own, so never « en retard »).
    Transmission: due two months after the convocation, unless a solution is under way.
    From the 18th birthday, steps not done are ended.
    """
    if birth_date is None or age_on(birth_date, opened_on) >= OBLIGATION_END_AGE:
        return Obligation(False, None, ())
    ends_on = eighteenth_birthday(birth_date)
    applies = today < ends_on
    interview_due = add_months(opened_on, OBLIGATION_INTERVIEW_MONTHS)
    convened = done.get(ObligationStep.CONVOCATION)
    missed = ObligationStep.INTERVIEW not in done and today > interview_due
    due_dates = {
        ObligationStep.INTERVIEW: interview_due,
        ObligationStep.CONVOCATION: interview_due if missed else None,
        ObligationStep.TRANSMISSION: add_months(convened, OBLIGATION_TRANSMISSION_MONTHS)
        if convened and not has_solution
        else None,
    }
    steps = tuple(
        _step_status(step, due_dates[step], done.get(step), applies=applies, today=today)
        for step in ObligationStep
    )
    return Obligation(applies, ends_on, steps)


def _step_status(
    step: ObligationStep, due_on: date | None, done_on: date | None, *, applies: bool, today: date
) -> StepStatus:
    if done_on is not None:
        state = StepState.DONE
    elif not applies:
        state = StepState.ENDED
    elif due_on is None:
        state = StepState.NOT_YET
    elif today > due_on and step is not ObligationStep.CONVOCATION:
        state = StepState.OVERDUE
    else:
        state = StepState.DUE
    return StepStatus(step, state, due_on, done_on)

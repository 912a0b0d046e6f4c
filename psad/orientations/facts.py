"""What the eligibility rules look at, as a youth's file knows it (``Facts``).

What the app cannot read from the file:
- whether a youth without an exit date is still at school, unless the youth came from an SI
  list (the lists hold leavers only): unknown, to complete with the exit date;
- whether the holder of a « bac ou diplôme professionnel enregistré au RNCP » has the bac (a
  CAP holder may prepare one): the diploma is recorded, so this is no fact to complete but a
  condition for the prescriber to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from psad.followup.models import Diploma
from psad.orientations import schooling
from psad.youth.models import Case, CaseSource, Youth


@dataclass(frozen=True)
class Facts:
    """What the rules look at, as the file knows it (None: not known)."""

    birth_date: date | None = None
    left_on: date | None = None  # the day the youth left their last training
    listed: bool = False  # came from an SI list: left school without the qualification level
    school_kind: str | None = None  # college, lycee, lp, cfa
    last_class: str | None = None  # a code of ``schooling.CLASS_LABELS``
    level_text: str | None = None  # the class as the file writes it
    terms_in_last_class: int | None = None
    without_qualification: bool | None = None
    without_bac: bool | None = None
    situation_code: str | None = None
    situation_label: str | None = None
    diploma: str | None = None  # the highest diploma recorded (a ``Diploma`` value)

    def enrolled_on(self, day: date) -> bool | None:
        """Still at school on ``day``; None when the file cannot tell."""
        if self.left_on is not None:
            return self.left_on > day
        return False if self.listed else None

    @property
    def diploma_recorded(self) -> bool:
        return self.diploma not in (None, Diploma.UNKNOWN.value)


def facts_of(youth: Youth, case: Case | None, *, diploma: str | None = None) -> Facts:
    """The facts of the youth's file. ``diploma`` is the highest diploma recorded with a DARFI
    request (``Diploma`` value), when there is one."""
    last_class = schooling.last_class_of(youth.level, youth.track)
    listed = case is not None and case.source is CaseSource.LISTING
    terms = None
    if youth.school_entry_date and youth.school_exit_date:
        terms = schooling.terms_in_last_class(youth.school_entry_date, youth.school_exit_date)
    without_qualification, without_bac = _diploma_answers(diploma, listed)
    situation = case.situation if case is not None else None
    return Facts(
        birth_date=youth.birth_date,
        left_on=youth.school_exit_date,
        listed=listed,
        school_kind=schooling.school_kind_of(youth.track, last_class),
        last_class=last_class,
        level_text=youth.level,
        terms_in_last_class=terms,
        without_qualification=without_qualification,
        without_bac=without_bac,
        situation_code=situation.code if situation else None,
        situation_label=situation.label if situation else None,
        diploma=diploma,
    )


def _diploma_answers(diploma: str | None, listed: bool) -> tuple[bool | None, bool | None]:
    """(without a qualifying diploma, without the bac). The SI lists only youth who left
    without the qualification level; a DARFI request records the diploma itself, and wins."""
    if diploma in (Diploma.NONE, Diploma.DNB, Diploma.CFG):
        return True, True
    if diploma == Diploma.NO_PROFESSIONAL_CERTIFICATION:  # may hold a bac général
        return True, None
    if diploma == Diploma.QUALIFYING:  # a bac, or a CAP registered in the RNCP
        return False, None
    return (True, True) if listed else (None, None)

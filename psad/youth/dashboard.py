"""Counts for the home page; figures only, safe for every role of the PSAD."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.youth.models import Case, CaseStatus, Youth


@dataclass(frozen=True)
class PsadFigures:
    youth: int
    open_cases: int
    closed_cases: int


def psad_figures(session: Session, psad_id: int) -> PsadFigures:
    youth = (
        session.scalar(select(func.count()).select_from(Youth).where(Youth.psad_id == psad_id)) or 0
    )
    by_status = dict(
        session.execute(
            select(Case.status, func.count()).where(Case.psad_id == psad_id).group_by(Case.status)
        ).all()
    )
    return PsadFigures(
        youth=youth,
        open_cases=by_status.get(CaseStatus.OPEN, 0),
        closed_cases=by_status.get(CaseStatus.CLOSED, 0),
    )

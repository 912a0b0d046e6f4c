"""The bilan of one or more PSADs for a period: every indicator, now and the period before."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Psad
from psad.reports.figures import Bilan, Period, Result, Scope
from psad.reports.indicators import REGISTRY, SHARED, populations


def compute_bilan(
    session: Session, psad_ids: list[int], period: Period, *, produced_at: datetime
) -> Bilan:
    scope = Scope(tuple(sorted(psad_ids)), period)
    previous = Scope(scope.psad_ids, period.previous())
    names = list(
        session.scalars(select(Psad.name).where(Psad.id.in_(scope.psad_ids)).order_by(Psad.name))
    )
    bilan = Bilan(scope=scope, previous=previous, psad_names=names, produced_at=produced_at)
    # The youth listed, the contacts, the interviews: read by many indicators, computed once
    with populations.shared(session, [scope, previous], SHARED):
        for code, indicator in REGISTRY.items():
            bilan.results[code] = Result(
                indicator, indicator.compute(session, scope), indicator.compute(session, previous)
            )
    return bilan

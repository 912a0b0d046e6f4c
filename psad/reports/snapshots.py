"""Stored bilans: the dashboard and the regional view read figures computed beforehand.

Computing a bilan asks every indicator for two periods over every youth of the PSADs: seconds
on a large PSAD, too long for a page that pilotes open every day. So a bilan, once computed,
is stored (``BilanSnapshot``: the PSADs, the period, when, and every indicator's figures for
the period and the one before), and the pages show the stored figures with their date
(« chiffres du 07/12/2026 à 02:40 »):

- the scheduler's nightly job (``refresh_stored``) computes each active PSAD's current school
  year again, and every stored bilan whose period may still change (ending on or after the
  previous school year's first day); it forgets the other periods (two dates chosen by a
  pilote) a week after they were computed;
- a page asking for a bilan nobody stored computes and stores it (the first view is slow);
- « Recalculer » on the dashboard computes the page's bilan again at once.

The lists of youth behind a figure, the workbook and ``psad bilan`` always compute live.
No Flask.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Date, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from psad.auth.models import Psad
from psad.db import Base
from psad.reports.bilan import compute_bilan
from psad.reports.figures import Bilan, Computed, Period, Result, Row, Scope, Value
from psad.reports.indicators import REGISTRY

FORMAT = 1  # of ``results``; a stored bilan of another format is computed again
CUSTOM_PERIOD_DAYS = 7  # a bilan of two dates is forgotten this many days after computed


class BilanSnapshot(Base):
    __tablename__ = "bilan_snapshots"
    __table_args__ = (UniqueConstraint("psads", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    psads: Mapped[str] = mapped_column(String(500))  # the PSADs' ids, sorted: « 3 », « 1,4 »
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime]
    # {"format": 1, "results": {code: {"current": figure, "previous": figure}}}; a figure is
    # {"n": number, "b": base} or a breakdown's list of {"k": key, "l": label, "n", "b"}.
    results: Mapped[dict[str, Any]] = mapped_column(JSON)


def psads_key(psad_ids: tuple[int, ...] | list[int]) -> str:
    return ",".join(str(i) for i in sorted(set(psad_ids)))


def stored_bilan(session: Session, psad_ids: list[int], period: Period, *, now: datetime) -> Bilan:
    """The stored bilan of these PSADs and period (``produced_at``: when it was computed);
    computed and stored first when there is none, or one missing an indicator."""
    snapshot = _snapshot(session, psad_ids, period)
    if snapshot is not None:
        bilan = _read(session, snapshot)
        if bilan is not None:
            return bilan
    return store(session, psad_ids, period, now=now)


def store(session: Session, psad_ids: list[int], period: Period, *, now: datetime) -> Bilan:
    """Compute the bilan now and store it in place of the one stored before. Two processes
    storing the same bilan at once: the first one's stays, both get figures of this
    instant."""
    bilan = compute_bilan(session, psad_ids, period, produced_at=now)
    key = psads_key(psad_ids)
    try:
        with session.begin_nested():
            session.execute(
                delete(BilanSnapshot).where(
                    BilanSnapshot.psads == key,
                    BilanSnapshot.starts_on == period.start,
                    BilanSnapshot.ends_on == period.end,
                )
            )
            session.add(
                BilanSnapshot(
                    psads=key,
                    starts_on=period.start,
                    ends_on=period.end,
                    computed_at=now,
                    results=_written(bilan),
                )
            )
    except IntegrityError:
        pass
    return bilan


def refresh_stored(session: Session, *, today: date, now: datetime) -> int:
    """The nightly work: forget the bilans of two dates computed over a week ago, compute
    again each active PSAD's current school year and every other stored bilan ending on or
    after the previous school year's first day. Returns how many were computed; commits
    after each, so a long night holds no lock for long."""
    old = session.execute(
        select(BilanSnapshot.id, BilanSnapshot.starts_on, BilanSnapshot.ends_on).where(
            BilanSnapshot.computed_at < now - timedelta(days=CUSTOM_PERIOD_DAYS)
        )
    )
    forgotten = [id_ for id_, start, end in old if not Period(start, end).is_school_year]
    session.execute(delete(BilanSnapshot).where(BilanSnapshot.id.in_(forgotten)))
    session.commit()
    current = Period.school_year_of(today)
    active = session.scalars(select(Psad.id).where(Psad.active))
    wanted = {(str(psad_id), current) for psad_id in active}
    since = current.previous().start
    for psads, start, end in session.execute(
        select(BilanSnapshot.psads, BilanSnapshot.starts_on, BilanSnapshot.ends_on).where(
            BilanSnapshot.ends_on >= since
        )
    ):
        wanted.add((psads, Period(start, end)))
    for psads, period in sorted(wanted, key=lambda item: (item[0], item[1].start, item[1].end)):
        store(session, [int(i) for i in psads.split(",")], period, now=now)
        session.commit()
    return len(wanted)


def _snapshot(session: Session, psad_ids: list[int], period: Period) -> BilanSnapshot | None:
    return session.scalar(
        select(BilanSnapshot).where(
            BilanSnapshot.psads == psads_key(psad_ids),
            BilanSnapshot.starts_on == period.start,
            BilanSnapshot.ends_on == period.end,
        )
    )


def _written(bilan: Bilan) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "results": {
            code: {"current": _figure(r.current), "previous": _figure(r.previous)}
            for code, r in bilan.results.items()
        },
    }


def _figure(computed: Computed) -> Any:
    if isinstance(computed, Value):
        return {"n": computed.number, "b": computed.base}
    return [{"k": r.key, "l": r.label, "n": r.value.number, "b": r.value.base} for r in computed]


def _read(session: Session, snapshot: BilanSnapshot) -> Bilan | None:
    """The stored bilan; None when it lacks an indicator of this version of the app."""
    stored = snapshot.results
    results = stored.get("results", {}) if stored.get("format") == FORMAT else {}
    if set(results) != set(REGISTRY):
        return None
    ids = tuple(int(i) for i in snapshot.psads.split(","))
    scope = Scope(ids, Period(snapshot.starts_on, snapshot.ends_on))
    bilan = Bilan(
        scope=scope,
        previous=Scope(ids, scope.period.previous()),
        psad_names=list(
            session.scalars(select(Psad.name).where(Psad.id.in_(ids)).order_by(Psad.name))
        ),
        produced_at=snapshot.computed_at,
    )
    for code, indicator in REGISTRY.items():
        figures = results[code]
        bilan.results[code] = Result(
            indicator, _computed(figures["current"]), _computed(figures["previous"])
        )
    return bilan


def _computed(figure: Any) -> Computed:
    if isinstance(figure, dict):
        return Value(figure["n"], figure["b"])
    return [Row(r["k"], r["l"], Value(r["n"], r["b"])) for r in figure]

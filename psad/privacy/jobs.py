"""The retention run: each PSAD's open cases closed at the age limit, then its youth due
anonymised; daily at 01:30 (Paris) from the scheduler, or by hand (``psad retention run``).

Transactions: a chunk of youth (or of cases) at a time, all or nothing. A chunk that fails is
rolled back and done again one youth at a time, so that one youth in error (logged by id)
leaves the others done and nothing half-done for anyone. Each PSAD's run is audited
(``RETENTION_RUN``) with its counts; a dry run counts and writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.auth.services import psad_by_code
from psad.errors import DomainError
from psad.extensions import db
from psad.privacy import retention
from psad.privacy.anonymise import anonymise
from psad.privacy.retention import RetentionRule
from psad.youth.models import Youth

log = logging.getLogger(__name__)
CHUNK = 100


@dataclass
class PsadRun:
    code: str
    name: str
    rule: RetentionRule
    cases_closed: int = 0
    anonymised: int = 0
    failed: int = 0


@dataclass
class RetentionReport:
    today: date
    dry_run: bool
    psads: list[PsadRun] = field(default_factory=list)

    @property
    def cases_closed(self) -> int:
        return sum(run.cases_closed for run in self.psads)

    @property
    def anonymised(self) -> int:
        return sum(run.anonymised for run in self.psads)

    @property
    def failed(self) -> int:
        return sum(run.failed for run in self.psads)


def _in_chunks(
    session: Session, ids: Sequence[int], work: Callable[[list[int]], int], what: str
) -> tuple[int, int]:
    """``work`` a chunk at a time, committed; a chunk in error again one id at a time.
    Returns (done, failed). An error is logged by id and kind only: a database error's text
    would quote the values of the statement."""
    done = failed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        try:
            done += work(chunk)
            session.commit()
            continue
        except Exception:
            session.rollback()
        for one in chunk:
            try:
                done += work([one])
                session.commit()
            except Exception as error:
                session.rollback()
                log.error("retention: %s %s failed (%s)", what, one, type(error).__name__)
                failed += 1
    return done, failed


def run_psad(
    session: Session, psad: Psad, *, today: date, now: datetime, dry_run: bool, ip: str | None
) -> PsadRun:
    """One PSAD's run: its cases at the age limit closed, its youth due anonymised."""
    rule = RetentionRule.of(psad)
    run = PsadRun(psad.code, psad.name, rule)
    case_ids = list(session.scalars(retention.cases_to_close(psad.id, rule, today)))
    youth_ids = list(session.scalars(retention.youth_due(psad.id, rule, today)))
    if dry_run:
        run.cases_closed, run.anonymised = len(case_ids), len(youth_ids)
        return run
    actor = audit.Actor(user_id=None, psad_id=psad.id, ip_address=ip)
    if case_ids:
        retention.age_limit_reason(session)  # missing: the whole run says so, nothing done

    def close(ids: list[int]) -> int:
        return retention.close_at_age_limit(
            session, case_ids=ids, today=today, now=now, actor=actor
        )

    def forget(ids: list[int]) -> int:
        # still due now: a case opened since the list was read (an import, a pilote) keeps
        # its youth, as anonymising cannot be undone
        due = retention.youth_due(psad.id, rule, today).where(Youth.id.in_(ids))
        return anonymise(session, youth_ids=list(session.scalars(due)), now=now, actor=actor)

    run.cases_closed, closing_failed = _in_chunks(session, case_ids, close, "case")
    run.anonymised, anonymising_failed = _in_chunks(session, youth_ids, forget, "youth")
    run.failed = closing_failed + anonymising_failed
    audit.record(
        session,
        actor,
        AuditAction.RETENTION_RUN,
        object_type="psad",
        object_id=psad.id,
        detail=(
            f"jour={today.isoformat()}; règle={rule.age} ans+{rule.years_after_close} ans; "
            f"dossiers_clos={run.cases_closed}; jeunes_anonymisés={run.anonymised}; "
            f"échecs={run.failed}"
        ),
    )
    session.commit()
    log.info(
        "retention %s: %d cases closed, %d youth anonymised, %d failed",
        psad.code, run.cases_closed, run.anonymised, run.failed,
    )  # fmt: skip
    return run


def run_retention(
    app: Flask,
    today: date,
    *,
    dry_run: bool = False,
    psad_code: str | None = None,
    ip: str | None = None,
) -> RetentionReport:
    """The run of ``today`` for every PSAD (or the one of ``psad_code``)."""
    report = RetentionReport(today=today, dry_run=dry_run)
    with app.app_context():
        session = db.session()
        if psad_code is None:
            psads = list(session.scalars(select(Psad).order_by(Psad.code)))
        else:
            one = psad_by_code(session, psad_code)
            if one is None:
                raise DomainError(f"PSAD « {psad_code} » inconnue.")
            psads = [one]
        for psad in psads:
            report.psads.append(
                run_psad(session, psad, today=today, now=clock.now(), dry_run=dry_run, ip=ip)
            )
    return report


def apply_retention(app: Flask) -> RetentionReport:
    """The daily job."""
    return run_retention(app, clock.today())

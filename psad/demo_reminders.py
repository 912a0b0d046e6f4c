"""The demo's reminders: the PSAD's own thresholds, a weekly digest for the partner, a SIEI
list imported five weeks ago whose youth were never contacted, and two daily runs
(yesterday's, read, and today's, unread), so that the header's counter, the notifications
page and the lists they open have something to show.

E-mail is off in a local run (no ``[mail] host``): the runs store the notifications only.
README « Reminders » says how to watch the digests with a local SMTP server.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from psad.auth.models import DigestFrequency, Psad, User
from psad.clock import PARIS
from psad.config import Settings
from psad.imports.models import ImportBatch, ImportOrigin, Listing, ListingOutcome, ListSource
from psad.reminders.models import Notification, ReminderRules
from psad.reminders.run import LinkFor, RunReport, run_reminders
from psad.youth.models import Case, CaseStatus, ListState, Youth

LISTED_WEEKS_AGO = 5
LISTED = 20


def populate(
    session: Session,
    *,
    psad: Psad,
    partner: User,
    settings: Settings,
    today: date,
    link_for: LinkFor,
) -> RunReport:
    """Commits (the run commits once per user); returns today's run."""
    session.add(ReminderRules(psad_id=psad.id, no_contact_days=40, list_not_contacted_days=21))
    partner.digest_frequency = DigestFrequency.WEEKLY
    _list_never_contacted(session, psad, today)
    session.commit()
    yesterday = today - timedelta(days=1)
    run_reminders(session, settings, yesterday, now=_morning(yesterday), link_for=link_for)
    session.execute(
        update(Notification)
        .where(Notification.day == yesterday)
        .values(read_at=_morning(yesterday) + timedelta(hours=2))
    )
    session.commit()
    return run_reminders(session, settings, today, now=_morning(today), link_for=link_for)


def _morning(day: date) -> datetime:
    return datetime.combine(day, time(7, 0), tzinfo=PARIS)


def _list_never_contacted(session: Session, psad: Psad, today: date) -> None:
    """A SIEI list of five weeks ago naming youth never contacted since (« Jeunes d'une
    liste importée jamais contactés »); their cases date from it."""
    listed_on = today - timedelta(weeks=LISTED_WEEKS_AGO)
    youth = session.scalars(
        select(Youth)
        .where(Youth.psad_id == psad.id, Youth.list_state == ListState.TO_PROCESS)
        .order_by(Youth.id)
        .limit(LISTED)
    ).all()
    batch = ImportBatch(
        psad_id=psad.id,
        label=f"Liste SIEI du {listed_on:%d/%m/%Y} (démonstration)",
        source=ListSource.SIEI,
        origin=ImportOrigin.WEB,
        file_name="liste-siei-demo.xlsx",
        file_hash=f"{psad.id:064d}",
        file_size=0,
        imported_at=_morning(listed_on),
        rows_read=len(youth),
        unchanged=len(youth),
    )
    session.add(batch)
    session.flush()
    for line, young in enumerate(youth, start=2):
        session.add(
            Listing(
                batch_id=batch.id,
                youth_id=young.id,
                line=line,
                outcome=ListingOutcome.UNCHANGED,
                row_hash="0" * 40,
            )
        )
    session.execute(
        update(Case)
        .where(
            Case.youth_id.in_([young.id for young in youth]),
            Case.status == CaseStatus.OPEN,
            Case.opened_on > listed_on,
        )
        .values(opened_on=listed_on)
    )

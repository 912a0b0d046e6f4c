"""The retention run: the age limit's closings then the anonymisations, per PSAD, audited with
their counts; a dry run that changes nothing; the daily job at 01:30 in Paris."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad import clock
from psad.audit.actions import AuditAction
from psad.db import Base
from psad.privacy.jobs import run_psad
from psad.reference.services import ensure_seeded
from psad.scheduler import REMINDERS_GRACE, configure
from psad.youth.models import Case, CaseStatus, Youth
from tests.factories import make_psad
from tests.helpers import events
from tests.privacy.conftest import NOW, TODAY, build_rich_youth
from tests.privacy.test_retention import former


def everything(session: Session) -> dict[str, list[Any]]:
    """Every row of every table, as read."""
    session.expire_all()
    return {
        table.name: sorted(map(tuple, session.execute(select(table))), key=repr)
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture
def lille(session):  # type: ignore[no-untyped-def]
    """The rich youth (due), one aged 27 with an open case, one kept (closed a year ago)."""
    rich = build_rich_youth(session)
    aged = former(session, rich.psad, born=date(1999, 12, 7), open_case=True, name="Aged")
    kept = former(session, rich.psad, born=date(1990, 1, 1), closed=date(2026, 1, 1), name="Kept")
    session.commit()
    return rich, aged, kept


def test_a_dry_run_counts_and_changes_nothing(session, lille):
    rich, _, _ = lille
    before = everything(session)

    run = run_psad(session, rich.psad, today=TODAY, now=NOW, dry_run=True, ip="cli")

    assert (run.cases_closed, run.anonymised, run.failed) == (1, 1, 0)
    assert everything(session) == before


def test_the_run_closes_at_the_age_limit_anonymises_who_is_due_and_says_so(session, lille):
    rich, aged, kept = lille

    run = run_psad(session, rich.psad, today=TODAY, now=NOW, dry_run=False, ip="cli")

    assert (run.cases_closed, run.anonymised, run.failed) == (1, 1, 0)
    session.expire_all()
    assert session.get_one(Youth, rich.youth.id).anonymised_at == NOW
    aged_case = session.scalars(select(Case).where(Case.youth_id == aged.id)).one()
    assert (aged_case.status, aged_case.closing_reason.code) == (CaseStatus.CLOSED, "age_limit")
    assert session.get_one(Youth, aged.id).anonymised_at is None  # two years from today
    assert session.get_one(Youth, kept.id).last_name == "Kept"
    [audited] = events(session, AuditAction.RETENTION_RUN.value)
    assert (audited.psad_id, audited.object_id, audited.ip_address) == (
        rich.psad.id,
        rich.psad.id,
        "cli",
    )
    assert audited.detail == (
        "jour=2026-12-07; règle=27 ans+2 ans; dossiers_clos=1; jeunes_anonymisés=1; échecs=0"
    )


def test_a_youth_whose_case_reopened_during_the_run_is_not_anonymised(session, lille, monkeypatch):
    """The list is read first, then worked through: an import or a pilote that opens a case
    meanwhile keeps the youth, since anonymising cannot be undone."""
    from psad.privacy import retention
    from psad.youth.models import CaseSource

    rich, _, _ = lille
    close_then_reopen = retention.close_at_age_limit

    def closing_while_a_case_opens(session, **kwargs):  # type: ignore[no-untyped-def]
        closed = close_then_reopen(session, **kwargs)
        session.add(
            Case(
                youth_id=rich.youth.id,
                psad_id=rich.psad.id,
                source=CaseSource.REFERRAL,
                opened_on=TODAY,
                status=CaseStatus.OPEN,
            )
        )
        return closed

    monkeypatch.setattr(retention, "close_at_age_limit", closing_while_a_case_opens)

    run = run_psad(session, rich.psad, today=TODAY, now=NOW, dry_run=False, ip=None)

    assert run.anonymised == 0
    session.expire_all()
    kept = session.get_one(Youth, rich.youth.id)
    assert kept.anonymised_at is None and kept.last_name == rich.youth.last_name


def test_a_second_run_the_same_day_finds_nothing_to_do(session, lille):
    rich, _, _ = lille
    run_psad(session, rich.psad, today=TODAY, now=NOW, dry_run=False, ip=None)

    again = run_psad(session, rich.psad, today=TODAY, now=NOW, dry_run=False, ip=None)

    assert (again.cases_closed, again.anonymised) == (0, 0)
    assert len(events(session, AuditAction.YOUTH_ANONYMISED.value)) == 1


def test_the_retention_runs_daily_at_half_past_one_in_paris(app):
    scheduler = BackgroundScheduler(timezone=clock.PARIS)  # configured, never started
    configure(app, scheduler)

    job = scheduler.get_job("retention")
    assert isinstance(job.trigger, CronTrigger)
    fields = {field.name: str(field) for field in job.trigger.fields}
    assert (fields["hour"], fields["minute"], fields["day"]) == ("1", "30", "*")
    assert str(job.trigger.timezone) == "Europe/Paris"
    assert job.coalesce is True and job.misfire_grace_time == REMINDERS_GRACE


# -- The command -----------------------------------------------------------------------------


@pytest.fixture
def committed(session, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: NOW)
    ensure_seeded(session)
    psad = make_psad(session, code="LILLE", name="PSAD de Lille")
    make_psad(session, code="DOUAI", name="PSAD de Douai")
    former(session, psad, born=date(1990, 1, 1), closed=date(2022, 1, 1), name="Due")
    former(session, psad, born=None, closed=date(2024, 1, 1), name="Due too")
    former(session, psad, born=date(1999, 1, 1), open_case=True, name="Aged")
    session.commit()
    return psad


DRY_RUN = [
    "Simulation (--dry-run) : rien n'est modifié.",
    "Conservation des données au 07/12/2026 :",
    "PSAD de Douai (DOUAI) : conservation jusqu'à 27 ans, et 2 ans après la clôture du dernier "
    "dossier (la plus tardive des deux dates)",
    "  Dossiers à clore pour limite d'âge : 0",
    "  Jeunes à anonymiser : 0",
    "PSAD de Lille (LILLE) : conservation jusqu'à 27 ans, et 2 ans après la clôture du dernier "
    "dossier (la plus tardive des deux dates)",
    "  Dossiers à clore pour limite d'âge : 1",
    "  Jeunes à anonymiser : 2",
    "Total : dossiers à clore pour limite d'âge : 1 ; jeunes à anonymiser : 2.",
]


@pytest.mark.committed
def test_the_command_s_dry_run_prints_the_counts_per_psad(run, committed, session):
    result = run("retention", "run", "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == DRY_RUN
    assert events(session, AuditAction.RETENTION_RUN.value) == []


@pytest.mark.committed
def test_the_command_runs_one_psad_on_the_day_given(run, committed, session):
    result = run("retention", "run", "--psad", "lille", "--today", "2026-12-06")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Conservation des données au 06/12/2026 :",
        DRY_RUN[5],
        "  Dossiers clos pour limite d'âge : 1",
        "  Jeunes anonymisés : 2",
        "Total : dossiers clos pour limite d'âge : 1 ; jeunes anonymisés : 2.",
    ]
    session.expire_all()
    names = set(session.scalars(select(Youth.last_name)))
    assert names == {"Anonymisé", "Aged"}


@pytest.mark.committed
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--today", "2026-12-08"],
            "Erreur : le 08/12/2026 est à venir : l'anonymisation ne se "
            "défait pas, elle ne passe pas avant son jour. Ajoutez --dry-run pour voir ce qu'elle "
            "fera.",
        ),
        (
            ["--today", "07/12/2026"],
            "Erreur : date « 07/12/2026 » invalide pour --today : attendu "
            "AAAA-MM-JJ (par exemple 2026-12-07).",
        ),
        (["--psad", "NANTES"], "Erreur : PSAD « NANTES » inconnue."),
    ],
)
def test_the_command_refuses_in_french(run, committed, session, args, message):
    result = run("retention", "run", *args)

    assert result.exit_code != 0
    assert message in result.output
    session.expire_all()
    assert "Anonymisé" not in set(session.scalars(select(Youth.last_name)))


@pytest.mark.committed
def test_a_future_day_may_be_simulated(run, committed):
    result = run("retention", "run", "--dry-run", "--today", "2027-01-01", "--psad", "LILLE")

    assert result.exit_code == 0, result.output
    assert "Conservation des données au 01/01/2027 :" in result.output


def test_the_demo_has_youth_to_anonymise_and_cases_to_close(session):
    from psad.auth.services import psad_by_code
    from psad.demo import DEMO_CODE, load_demo

    load_demo(session, today=TODAY, youth_count=120, previous_year=True)
    demo = psad_by_code(session, DEMO_CODE)
    assert demo is not None

    run = run_psad(session, demo, today=TODAY, now=NOW, dry_run=True, ip=None)

    # Four former youth past their retention (one without a birth date), two still followed
    # past 27; the one whose case closed a year ago is kept.
    assert (run.cases_closed, run.anonymised) == (2, 4)

"""Stored bilans (psad.reports.snapshots): the dashboard and the regional view show figures
computed beforehand, with their date; « Recalculer » and the nightly job compute them again;
the youth behind a figure stay live."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Role, User
from psad.imports.models import ListSource
from psad.reports.bilan import compute_bilan
from psad.reports.figures import Period
from psad.reports.jobs import refresh_bilans
from psad.reports.snapshots import BilanSnapshot, psads_key, refresh_stored, stored_bilan
from psad.scheduler import configure
from psad.youth.models import CaseSource
from tests.factories import make_user
from tests.helpers import count, events, text
from tests.reports.conftest import BilanWorld, _Builder, paris
from tests.reports.test_dashboard import figure_cells, number

TODAY = date(2026, 3, 15)  # in the school year 2025-2026
NOW = datetime(2026, 3, 15, 9, tzinfo=UTC)  # 10:00 in Paris


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    at(monkeypatch, NOW)


def at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "today", lambda: clock.local(moment).date())
    monkeypatch.setattr(clock, "now", lambda: moment)


@pytest.fixture
def pilot_a(session: Session, bilan_world: BilanWorld) -> User:
    user = make_user(session, psad=bilan_world.a, role=Role.PILOT)
    session.commit()
    return user


def list_one_more(session: Session, world: BilanWorld, name: str = "zoe") -> None:
    """A youth listed in PSAD A in February 2026: one more « jeune repéré »."""
    builder = _Builder(session)
    batch = builder.batch(world.a, f"Liste {name}", ListSource.SIEI, paris(2026, 2, 20))
    youth = builder.youth(world.a, name)
    builder.case(youth, world.a, date(2026, 2, 20), CaseSource.LISTING, batch)
    builder.listing(batch, youth, 2)
    session.commit()


def listed_now(client) -> int:  # type: ignore[no-untyped-def]
    return number(figure_cells(text(client.get("/bilan")), "listed")[0])


def test_the_dashboard_shows_stored_figures_with_their_date_until_recomputed(
    client, session, bilan_world, pilot_a, monkeypatch
):
    client.sign_in(pilot_a)
    first = text(client.get("/bilan"))
    listed = number(figure_cells(first, "listed")[0])
    assert "Chiffres calculés le 15/03/2026 à 10:00" in first

    list_one_more(session, bilan_world)
    at(monkeypatch, NOW + timedelta(minutes=20))  # within the log-in session's idle time

    assert listed_now(client) == listed  # the stored figure, not yet the new youth
    response = client.submit("/bilan/recalculer?annee=2025")
    assert response.status_code == 302
    assert response.location == "/bilan?annee=2025"
    page = text(client.get(response.location))
    assert number(figure_cells(page, "listed")[0]) == listed + 1
    assert "Chiffres calculés le 15/03/2026 à 10:20" in page
    recomputed = events(session, "bilan.recomputed")
    assert [event.detail for event in recomputed] == ["du=2025-09-01 au=2026-08-31"]


def test_the_youth_behind_a_figure_are_always_live(client, session, bilan_world, pilot_a):
    client.sign_in(pilot_a)
    client.get("/bilan")

    list_one_more(session, bilan_world)

    page = text(client.get("/bilan/jeunes", query_string={"indicateur": "listed"}))
    assert "ZOE zoe" in page


def test_recomputing_another_period_keeps_it_in_the_address(client, session, bilan_world, pilot_a):
    client.sign_in(pilot_a)

    response = client.submit("/bilan/recalculer?du=2026-01-01&au=2026-01-31")

    assert response.location == "/bilan?du=2026-01-01&au=2026-01-31"
    stored = session.scalars(select(BilanSnapshot)).all()
    assert [(s.psads, s.starts_on, s.ends_on) for s in stored] == [
        (str(bilan_world.a.id), date(2026, 1, 1), date(2026, 1, 31))
    ]


def test_recomputing_a_bad_period_is_refused_and_stores_nothing(client, session, pilot_a):
    client.sign_in(pilot_a)

    response = client.submit("/bilan/recalculer?du=2026-03-01&au=2026-02-01")

    assert response.status_code == 422
    assert "postérieure ou égale" in text(response)
    assert count(session, BilanSnapshot) == 0


def test_recomputing_needs_the_form_token(client, session, pilot_a):
    client.sign_in(pilot_a)

    response = client.post("/bilan/recalculer?annee=2025")

    assert response.status_code == 400
    assert count(session, BilanSnapshot) == 0


@pytest.mark.parametrize("role", [Role.PARTNER, Role.READER])
def test_only_pilotes_and_copilotes_recompute(client, session, bilan_world, role):
    user = make_user(session, psad=bilan_world.a, role=role)
    session.commit()
    client.sign_in(user)

    response = client.submit("/bilan/recalculer?annee=2025")

    assert response.status_code == 403
    assert count(session, BilanSnapshot) == 0


def test_a_stored_bilan_gives_back_every_figure_computed(session, bilan_world):
    ids = [bilan_world.a.id]
    live = compute_bilan(session, ids, bilan_world.period, produced_at=NOW)

    stored_bilan(session, ids, bilan_world.period, now=NOW)
    session.commit()
    session.expire_all()
    read = stored_bilan(session, ids, bilan_world.period, now=NOW + timedelta(days=1))

    assert read.produced_at == NOW  # read back, not computed again
    assert read.psad_names == live.psad_names
    assert read.scope == live.scope and read.previous == live.previous
    for code, result in live.results.items():
        assert (read.results[code].current, read.results[code].previous) == (
            result.current,
            result.previous,
        ), code


def test_a_bilan_stored_by_an_older_version_is_computed_again(session, bilan_world):
    ids = [bilan_world.a.id]
    stored_bilan(session, ids, bilan_world.period, now=NOW)
    snapshot = session.scalars(select(BilanSnapshot)).one()
    results = dict(snapshot.results["results"])
    del results["listed"]  # an indicator this version has and the stored bilan lacks
    snapshot.results = {**snapshot.results, "results": results}
    session.commit()

    later = NOW + timedelta(hours=1)
    bilan = stored_bilan(session, ids, bilan_world.period, now=later)

    assert bilan.produced_at == later
    assert "listed" in session.scalars(select(BilanSnapshot)).one().results["results"]


def test_the_nightly_job_recomputes_what_may_change_and_forgets_old_custom_periods(
    session, bilan_world
):
    a, b = str(bilan_world.a.id), str(bilan_world.b.id)
    week_ago = NOW - timedelta(days=8)
    january, old_year = Period(date(2026, 1, 1), date(2026, 1, 31)), Period.school_year(2022)
    for ids, period, when in [
        ([bilan_world.a.id], january, week_ago),  # two dates, over a week old: forgotten
        ([bilan_world.b.id], Period(date(2026, 3, 1), date(2026, 3, 10)), NOW),  # recent: kept
        ([bilan_world.a.id], old_year, week_ago),  # a school year long past: kept as is
        ([bilan_world.a.id, bilan_world.b.id], bilan_world.period, week_ago),  # regional total
    ]:
        stored_bilan(session, ids, period, now=when)
    session.commit()
    list_one_more(session, bilan_world)
    tonight = NOW + timedelta(hours=16)

    computed = refresh_stored(session, today=TODAY, now=tonight)

    stored = {
        (s.psads, s.starts_on, s.ends_on): s.computed_at
        for s in session.scalars(select(BilanSnapshot))
    }
    assert stored == {
        (a, date(2025, 9, 1), date(2026, 8, 31)): tonight,  # each PSAD's school year
        (b, date(2025, 9, 1), date(2026, 8, 31)): tonight,
        (psads_key([int(a), int(b)]), date(2025, 9, 1), date(2026, 8, 31)): tonight,
        (b, date(2026, 3, 1), date(2026, 3, 10)): tonight,
        (a, old_year.start, old_year.end): week_ago,
    }
    assert computed == 4
    fresh = stored_bilan(session, [bilan_world.a.id], bilan_world.period, now=tonight)
    live = compute_bilan(session, [bilan_world.a.id], bilan_world.period, produced_at=tonight)
    assert fresh.results["listed"].current == live.results["listed"].current


def test_the_nightly_job_runs_at_four_in_paris(app, session, bilan_world):
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone=clock.PARIS)
    configure(app, scheduler)
    session.commit()

    job = scheduler.get_job("bilans")
    assert isinstance(job.trigger, CronTrigger)
    fields = {field.name: str(field) for field in job.trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("4", "0")
    assert refresh_bilans(app) == 2  # PSADs A and B, the current school year
    assert count(session, BilanSnapshot) == 2


def test_the_regional_view_reads_stored_figures(client, session, bilan_world):
    reader = make_user(session, psad=bilan_world.a, role=Role.READER)
    session.commit()
    client.sign_in(reader)
    before = text(client.get("/bilan/regional", query_string={"annee": "2025"}))

    list_one_more(session, bilan_world)
    again = text(client.get("/bilan/regional", query_string={"annee": "2025"}))

    assert without_tokens(again) == without_tokens(before)
    assert "recalculés chaque nuit" in again
    assert count(session, BilanSnapshot) == 1  # PSAD A, which is also the total of one PSAD


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)

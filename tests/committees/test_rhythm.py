"""The PSAD's rhythm of comités: the next dates it proposes (in Paris time, across the clock
changes), the words that say it, and its page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.committees.models import CommitteeRhythm
from psad.committees.rhythm import (
    LAST,
    default_rhythm,
    describe,
    duration_fr,
    next_dates,
    when_fr,
)
from tests.committees.conftest import Comite, comite
from tests.helpers import events, field_error, text

__all__ = ["comite"]


def rhythm(weekday: int, week: int, at: time = time(14, 0)) -> CommitteeRhythm:
    made = default_rhythm(1)
    made.weekday, made.week_of_month, made.starts_at = weekday, week, at
    return made


def test_the_second_tuesday_of_each_month_at_two():
    dates = next_dates(default_rhythm(1), date(2026, 12, 7))

    assert dates == [
        datetime(2026, 12, 8, 13, 0, tzinfo=UTC),  # winter: Paris is UTC+1
        datetime(2027, 1, 12, 13, 0, tzinfo=UTC),
        datetime(2027, 2, 9, 13, 0, tzinfo=UTC),
    ]
    assert [when_fr(d) for d in dates[:1]] == ["mardi 8 décembre 2026 à 14 h 00"]


def test_the_day_itself_is_proposed_then_the_next_month():
    assert next_dates(default_rhythm(1), date(2026, 12, 8), count=1)[0].date() == date(2026, 12, 8)
    assert next_dates(default_rhythm(1), date(2026, 12, 9), count=1)[0].date() == date(2027, 1, 12)


def test_the_last_friday_of_the_month():
    dates = next_dates(rhythm(4, LAST, time(9, 30)), date(2026, 1, 1), count=4)

    assert [d.date() for d in dates] == [
        date(2026, 1, 30),
        date(2026, 2, 27),
        date(2026, 3, 27),
        date(2026, 4, 24),
    ]


def test_the_time_stays_two_in_paris_when_the_clocks_go_back_in_october():
    # 2026: summer time ends on Sunday 25 October
    dates = next_dates(rhythm(4, LAST), date(2026, 9, 1), count=3)

    assert dates == [
        datetime(2026, 9, 25, 12, 0, tzinfo=UTC),  # summer: UTC+2
        datetime(2026, 10, 30, 13, 0, tzinfo=UTC),  # winter: UTC+1
        datetime(2026, 11, 27, 13, 0, tzinfo=UTC),
    ]
    assert when_fr(dates[0]) == "vendredi 25 septembre 2026 à 14 h 00"
    assert when_fr(dates[1]) == "vendredi 30 octobre 2026 à 14 h 00"


def test_a_first_monday_falling_on_the_first():
    dates = next_dates(rhythm(0, 1), date(2027, 2, 1), count=2)

    assert [d.date() for d in dates] == [date(2027, 2, 1), date(2027, 3, 1)]
    assert when_fr(dates[0]).startswith("lundi 1er février 2027")


@pytest.mark.parametrize(
    ("made", "words"),
    [
        (default_rhythm(1), "le 2e mardi de chaque mois à 14 h 00"),
        (rhythm(0, 1, time(9, 30)), "le 1er lundi de chaque mois à 9 h 30"),
        (rhythm(4, LAST, time(10, 0)), "le dernier vendredi de chaque mois à 10 h 00"),
    ],
)
def test_the_rhythm_in_words(made, words):
    assert describe(made) == words


def test_durations_in_words():
    assert [duration_fr(m) for m in (45, 60, 90, 120)] == ["45 min", "1 h", "1 h 30", "2 h"]


# --- the page -------------------------------------------------------------------------------


def test_the_page_shows_the_default_rhythm_before_any_is_saved(client, session, world):
    client.sign_in(world.pilot)

    response = client.get("/comites/rythme")

    assert response.status_code == 200
    assert "le 2e mardi de chaque mois à 14 h 00" in text(response)
    assert session.scalars(select(CommitteeRhythm)).all() == []  # a look changes nothing


def test_saving_the_rhythm_creates_it_and_the_next_dates_follow(
    client, session, world, frozen_clock
):
    client.sign_in(world.pilot)

    response = client.submit(
        "/comites/rythme",
        {
            "weekday": "3",
            "week_of_month": "-1",
            "at": "9h30",
            "duration_minutes": "90",
            "place": "Mission locale, salle A",
            "no_solution_weeks": "10",
            "overdue_decision_days": "5",
            "max_proposed": "25",
        },
    )

    assert response.status_code == 302
    saved = session.scalars(select(CommitteeRhythm)).one()
    assert (saved.weekday, saved.week_of_month, saved.starts_at) == (3, LAST, time(9, 30))
    assert (saved.no_solution_weeks, saved.overdue_decision_days, saved.max_proposed) == (
        10,
        5,
        25,
    )
    page = text(client.get("/comites"))
    assert "le dernier jeudi de chaque mois à 9 h 30" in page
    assert "jeudi 31 décembre 2026 à 9 h 30" in page
    [event] = events(session, AuditAction.COMMITTEE_UPDATED)
    assert event.object_type == "psad" and "sans_solution=10" in (event.detail or "")


def test_a_saved_rhythm_is_changed_in_place(client, session, comite: Comite):
    client.sign_in(comite.world.pilot)
    values = {"weekday": "1", "week_of_month": "2", "at": "14:00", "duration_minutes": "120"}
    values |= {"no_solution_weeks": "6", "overdue_decision_days": "7", "place": ""}
    values |= {"max_proposed": "30"}

    assert client.submit("/comites/rythme", values).status_code == 302

    session.expire_all()
    assert [r.no_solution_weeks for r in session.scalars(select(CommitteeRhythm))] == [6]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"at": "25h"}, "at", "Heure invalide : utilisez le format hh:mm, par exemple 14:30."),
        ({"no_solution_weeks": "0"}, "no_solution_weeks", "De 1 à 52 semaines."),
        ({"duration_minutes": "5"}, "duration_minutes", "De 15 à 720 minutes."),
        ({"week_of_month": "5"}, "week_of_month", "Choisissez la semaine du mois"),
    ],
)
def test_a_bad_rhythm_says_why_under_its_field(client, world, values, field, message):
    client.sign_in(world.pilot)
    good = {"weekday": "1", "week_of_month": "2", "at": "14:00", "duration_minutes": "120"}
    good |= {"no_solution_weeks": "8", "overdue_decision_days": "7", "max_proposed": "30"}

    response = client.submit("/comites/rythme", good | values)

    assert response.status_code == 422
    assert field_error(response, field).startswith(message)


@pytest.mark.parametrize("role", ["partner", "reader"])
def test_only_pilotes_and_co_pilotes_set_the_rhythm(client, world, role):
    client.sign_in(getattr(world, role))

    assert client.get("/comites/rythme").status_code == 403

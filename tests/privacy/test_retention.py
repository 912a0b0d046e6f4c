"""The retention rule: who is due, from which day; the open cases closed at the age limit; a
PSAD's rule changed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from psad import clock
from psad.audit.actions import AuditAction
from psad.audit.services import Actor
from psad.errors import DomainError
from psad.followup.models import CaseEvent, CaseEventKind, Task, TaskRule
from psad.privacy import retention
from psad.privacy.anonymise import anonymise
from psad.privacy.retention import RetentionRule, years_after, years_before
from psad.youth.models import Case, CaseSource, CaseStatus, KnownToPartner, ListState, Youth
from tests.factories import make_psad
from tests.helpers import events

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def former(session, psad, *, born=None, closed=None, open_case=False, cases=True, **values):  # type: ignore[no-untyped-def]
    """A youth of ``psad``: a case closed on ``closed``, or an open one, or none."""
    youth = Youth(
        psad=psad,
        last_name=values.pop("name", "Durand"),
        first_name="Léa",
        birth_date=born,
        **values,
    )
    youth.refresh_keys()
    session.add(youth)
    if cases:
        session.add(
            Case(
                youth=youth,
                psad_id=psad.id,
                source=CaseSource.REFERRAL,
                opened_on=date(2018, 1, 1),
                status=CaseStatus.OPEN if open_case else CaseStatus.CLOSED,
                closed_on=None if open_case else closed,
            )
        )
    session.flush()
    return youth


def due(session, psad, day: date) -> list[int]:  # type: ignore[no-untyped-def]
    return list(session.scalars(retention.youth_due(psad.id, RetentionRule.of(psad), day)))


def closing(session, psad, day: date) -> list[int]:  # type: ignore[no-untyped-def]
    return list(session.scalars(retention.cases_to_close(psad.id, RetentionRule.of(psad), day)))


@pytest.fixture
def psad(session):  # type: ignore[no-untyped-def]
    return make_psad(session, code="LILLE", name="PSAD de Lille")


# -- Who is due, from which day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "closed", "first_day"),
    [
        # 27 on 07/12/2026, last case closed long ago: the age decides
        (date(1999, 12, 7), date(2020, 1, 1), date(2026, 12, 7)),
        # 36, last case closed on 07/12/2024: two years later
        (date(1990, 1, 1), date(2024, 12, 7), date(2026, 12, 7)),
        # born on 29 February: 27 on 1 March in a common year
        (date(2000, 2, 29), date(2020, 1, 1), date(2027, 3, 1)),
        # closed on 29 February: its two years on 1 March
        (date(1980, 5, 5), date(2024, 2, 29), date(2026, 3, 1)),
        # no birth date: two years after the last case closed
        (None, date(2024, 12, 7), date(2026, 12, 7)),
    ],
)
def test_a_youth_is_due_on_the_later_of_the_age_limit_and_the_years_after_closing(
    session, psad, born, closed, first_day
):
    youth = former(session, psad, born=born, closed=closed)

    assert due(session, psad, first_day) == [youth.id]
    assert due(session, psad, date.fromordinal(first_day.toordinal() - 1)) == []


def test_a_youth_with_an_open_case_is_never_due(session, psad):
    former(session, psad, born=date(1980, 1, 1), open_case=True)

    assert due(session, psad, TODAY) == []


def test_the_latest_closing_counts_when_a_youth_had_several_cases(session, psad):
    youth = former(session, psad, born=date(1980, 1, 1), closed=date(2020, 1, 1))
    session.add(
        Case(
            youth=youth,
            psad_id=psad.id,
            source=CaseSource.LISTING,
            opened_on=date(2025, 1, 1),
            status=CaseStatus.CLOSED,
            closed_on=date(2025, 6, 1),
        )
    )
    session.flush()

    assert due(session, psad, date(2027, 5, 31)) == []
    assert due(session, psad, date(2027, 6, 1)) == [youth.id]


def test_a_youth_without_any_case_counts_from_the_file_created(session, psad):
    youth = former(
        session, psad, born=None, cases=False, created_at=datetime(2024, 12, 6, 23, 30, tzinfo=UTC)
    )  # 7/12 in Paris

    assert due(session, psad, date(2026, 12, 6)) == []
    assert due(session, psad, date(2026, 12, 7)) == [youth.id]


def test_an_anonymised_youth_is_never_due_again(session, psad):
    youth = former(session, psad, born=date(1980, 1, 1), closed=date(2020, 1, 1))
    anonymise(session, youth_ids=[youth.id], now=NOW, actor=Actor(None, psad.id))

    assert due(session, psad, TODAY) == []


def test_each_psad_has_its_own_rule(session, psad):
    strict = make_psad(session, code="DOUAI", name="PSAD de Douai")
    strict.retention_age, strict.retention_years_after_close = 30, 5
    here = former(session, psad, born=date(1997, 1, 1), closed=date(2022, 1, 1))
    there = former(session, strict, born=date(1997, 1, 1), closed=date(2022, 1, 1))

    assert due(session, psad, TODAY) == [here.id]
    assert due(session, strict, TODAY) == []
    assert due(session, strict, date(2027, 1, 1)) == [there.id]


def test_the_page_says_who_is_due_since_when(session, psad):
    former(session, psad, born=date(1990, 1, 1), closed=date(2024, 6, 1), name="Zola")
    former(session, psad, born=None, closed=date(2023, 2, 1), name="Aubert")

    page = retention.youth_due_page(session, psad, TODAY)

    assert page.total == 2 and page.pages == 1
    assert [(r.name, r.birth_year, r.last_closed_on, r.due_since) for r in page.rows] == [
        ("AUBERT Léa", None, date(2023, 2, 1), date(2025, 2, 1)),
        ("ZOLA Léa", 1990, date(2024, 6, 1), date(2026, 6, 1)),
    ]


def test_the_page_shows_fifty_youth_at_a_time(session, psad):
    for number in range(51):
        former(
            session, psad, born=date(1980, 1, 1), closed=date(2020, 1, 1), name=f"Nom{number:02d}"
        )

    first, second = (retention.youth_due_page(session, psad, TODAY, page) for page in (1, 2))

    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (51, 2, 50, 1)
    assert second.rows[0].name == "NOM50 Léa"


# -- The age limit ---------------------------------------------------------------------------


def test_an_open_case_is_to_close_from_the_day_the_youth_turns_the_age_limit(session, psad):
    youth = former(session, psad, born=date(1999, 12, 7), open_case=True)
    former(session, psad, born=date(1999, 12, 8), open_case=True)  # 26 until tomorrow

    assert closing(session, psad, TODAY) == [youth.cases[0].id]
    page = retention.cases_to_close_page(session, psad, TODAY)
    assert [(r.name, r.due_since) for r in page.rows] == [("DURAND Léa", TODAY)]


def test_the_age_limit_closes_the_case_with_its_reason_as_the_follow_up_does(session, psad):
    from psad.reference.services import ensure_seeded

    ensure_seeded(session)
    youth = former(session, psad, born=date(1990, 1, 1), open_case=True)
    case = youth.cases[0]
    session.add(
        Task(case_id=case.id, title="Entretien DARFI", due_on=TODAY, rule=TaskRule.DARFI_INTERVIEW)
    )
    session.flush()
    actor = Actor(user_id=None, psad_id=psad.id, ip_address="test")

    closed = retention.close_at_age_limit(
        session, case_ids=[case.id], today=TODAY, now=NOW, actor=actor
    )

    assert closed == 1
    session.expire_all()
    case = session.get_one(Case, case.id)
    assert (case.status, case.closed_on, case.closing_reason.label) == (
        CaseStatus.CLOSED,
        TODAY,
        "Limite d'âge",
    )
    assert case.known_to_partner is None  # the age limit says nothing of partners
    event = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert (event.kind, event.after, event.author_id) == (
        CaseEventKind.CLOSED,
        "Limite d'âge",
        None,
    )
    assert session.scalars(select(Task)).one().done_at == NOW
    assert session.get_one(Youth, youth.id).list_state is ListState.CLOSED
    [audited] = events(session, AuditAction.CASE_CLOSED.value)
    assert (audited.object_id, audited.detail, audited.user_id) == (
        youth.id,
        "motif=age_limit",
        None,
    )
    # Closed today: anonymised two years later, not now.
    assert due(session, psad, TODAY) == []
    assert due(session, psad, date(2028, 12, 7)) == [youth.id]


def test_the_known_to_partner_answer_stays_as_it_was(session, psad):
    from psad.reference.services import ensure_seeded

    ensure_seeded(session)
    youth = former(session, psad, born=date(1990, 1, 1), open_case=True)
    youth.cases[0].known_to_partner = KnownToPartner.FOLLOWED
    session.flush()

    retention.close_at_age_limit(
        session, case_ids=[youth.cases[0].id], today=TODAY, now=NOW, actor=Actor(None, psad.id)
    )

    assert youth.cases[0].known_to_partner is KnownToPartner.FOLLOWED


# -- The rule of a PSAD ----------------------------------------------------------------------


def test_a_pilote_changes_the_rule_and_the_journal_says_from_what_to_what(session, psad):
    actor = Actor(user_id=None, psad_id=psad.id, ip_address="192.0.2.1")

    assert retention.set_rule(session, psad=psad, age=30, years_after_close=3, actor=actor)
    assert not retention.set_rule(session, psad=psad, age=30, years_after_close=3, actor=actor)

    assert (psad.retention_age, psad.retention_years_after_close) == (30, 3)
    [event] = events(session, AuditAction.RETENTION_SETTINGS_CHANGED.value)
    assert (event.object_id, event.detail) == (psad.id, "âge=27→30; années_après_clôture=2→3")


@pytest.mark.parametrize(
    ("age", "years", "message"),
    [
        (24, 2, "L'âge de fin de conservation doit être compris entre 25 et 40 ans."),
        (27, 0, "La durée après la clôture doit être comprise entre 1 et 10 ans."),
    ],
)
def test_a_rule_below_the_minimum_is_refused(session, psad, age, years, message):
    with pytest.raises(DomainError) as refused:
        retention.set_rule(
            session, psad=psad, age=age, years_after_close=years, actor=Actor(None, psad.id)
        )

    assert refused.value.message == message
    assert (psad.retention_age, psad.retention_years_after_close) == (27, 2)


# -- Dates -----------------------------------------------------------------------------------


def test_years_are_counted_as_ages_are():
    assert years_before(date(2028, 2, 29), 27) == date(2001, 2, 28)
    assert years_after(date(2000, 2, 29), 27) == date(2027, 3, 1)
    assert years_after(date(2000, 2, 29), 28) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 12, 7, 0, 29, tzinfo=UTC), date(2026, 12, 7)),  # 01:29 in Paris
        (datetime(2026, 12, 7, 0, 30, tzinfo=UTC), date(2026, 12, 8)),  # 01:30: done today
    ],
)
def test_the_next_run_is_tonight_at_half_past_one_paris_time(moment, day):
    assert retention.next_run_day(moment) == day
    assert clock.local(moment).tzinfo is not None

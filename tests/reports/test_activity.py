"""The activity indicators (delays, DARFI and obligation de formation, comités, orientations,
transfers and contacts) on the known-answer world (tests/reports/conftest.py), on the period
2025-2026 and the one before, and their edge cases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from psad.followup.models import (
    Contact,
    DarfiRequest,
    DarfiSource,
    ObligationStep,
    ObligationStepRecord,
)
from psad.orientations.models import ProgrammeSite
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reports.figures import Computed, Period, Row, Scope, Value
from psad.reports.indicators import REGISTRY
from psad.reports.indicators.activity import INDICATORS
from psad.reports.indicators.activity_delays import BASE
from psad.youth.models import Case, CaseSource, Youth
from tests.factories import make_psad
from tests.reports.conftest import BilanWorld, paris


def compute(session: Session, code: str, scope: Scope) -> Computed:
    return REGISTRY[code].compute(session, scope)


def youth(session: Session, code: str, scope: Scope, key: str | None = None) -> set[int]:
    query = REGISTRY[code].youth
    assert query is not None
    return set(session.scalars(query(scope, key)))


def rows(computed: Computed) -> dict[str, tuple[str, int | float | None, int | None]]:
    assert isinstance(computed, list)
    return {row.key: (row.label, row.value.number, row.value.base) for row in computed}


def numbers(computed: Computed) -> dict[str, int | float | None]:
    assert isinstance(computed, list)
    return {row.key: row.value.number for row in computed}


def case_of(session: Session, youth_id: int, psad_id: int) -> Case:
    found = session.scalar(
        select(Case).where(Case.youth_id == youth_id, Case.psad_id == psad_id).limit(1)
    )
    assert found is not None
    return found


def item(session: Session, kind: ReferenceKind, code: str) -> ReferenceItem:
    found = session.scalar(
        select(ReferenceItem).where(ReferenceItem.kind == kind, ReferenceItem.code == code)
    )
    assert found is not None
    return found


# -- Every indicator is defined ------------------------------------------------------------


def test_every_activity_indicator_has_a_french_label_and_a_written_definition() -> None:
    codes = [indicator.code for indicator in INDICATORS]
    assert codes == [
        "delay_first_contact",
        "delay_interview",
        "delay_solution",
        "darfi_within_15_days",
        "minors_met_within_3_months",
        "obligation_transmissions",
        "committees_held",
        "youth_reviewed",
        "decisions_by_kind",
        "orientations_by_programme",
        "orientations_by_outcome",
        "places_used",
        "transfers_in",
        "transfers_out",
        "contacts_unanswered",
        "contacts_refused",
    ]
    for indicator in INDICATORS:
        assert indicator.label and len(indicator.definition) > 80, indicator.code
        assert REGISTRY[indicator.code] is indicator


# -- Delays -----------------------------------------------------------------------------------


def test_delay_to_first_contact_is_the_median_from_the_first_listing_day(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    # alice 10 (listed twice: from the first list), bruno 5, chloe 294 (her contact at 23:30
    # on the period's last day), david 1, emma 50 (A's case); hugo and ines never contacted.
    assert compute(session, "delay_first_contact", w.scope()) == Value(10, 5)
    assert youth(session, "delay_first_contact", w.scope()) == w.ids(
        "alice", "bruno", "chloe", "david", "emma"
    )
    # 2024-2025: gaelle, listed 15/03/2025, contacted 01/04/2025
    assert compute(session, "delay_first_contact", w.scope(previous=True)) == Value(17, 1)
    # B: farid, whose contact of 01/12/2025 was corrected (the correction counts); emma's B
    # case came by transfer: not a repérage
    assert compute(session, "delay_first_contact", w.scope(w.b)) == Value(19, 1)


def test_delay_to_interview_counts_on_site_contacts_darfi_and_obligation_interviews(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    # alice 25 (on site), david 9 (DARFI), hugo 19 (obligation de formation)
    assert compute(session, "delay_interview", w.scope()) == Value(19, 3)
    assert youth(session, "delay_interview", w.scope()) == w.ids("alice", "david", "hugo")
    assert compute(session, "delay_interview", w.scope(previous=True)) == Value(None, 0)


def test_delay_to_solution_is_the_mean_of_the_two_middle_values_for_an_even_count(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    # david 31 (solution on closing), alice 83 (orientation started): (31 + 83) / 2
    assert compute(session, "delay_solution", w.scope()) == Value(57, 2)
    assert compute(session, "delay_solution", w.scope(previous=True)) == Value(107, 1)


def test_a_median_may_be_a_half_day(session: Session, bilan_world: BilanWorld) -> None:
    psad = make_psad(session, code="BILC")
    for days in (3, 4):
        person = Youth(psad_id=psad.id, last_name=f"X{days}", first_name="Y")
        person.refresh_keys()
        session.add(person)
        session.flush()
        session.add(
            Case(
                youth_id=person.id,
                psad_id=psad.id,
                source=CaseSource.REFERRAL,
                opened_on=date(2025, 10, 1),
                solution_id=item(session, ReferenceKind.SOLUTION, "job").id,
                solution_since=date(2025, 10, 1 + days),
            )
        )
    session.flush()
    scope = Scope((psad.id,), bilan_world.period)
    assert compute(session, "delay_solution", scope) == Value(3.5, 2)


# -- DARFI and obligation de formation ------------------------------------------------------


def test_darfi_interview_on_day_15_counts_and_on_day_16_does_not(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    assert compute(session, "darfi_within_15_days", w.scope()) == Value(100.0, 1)
    hugo = case_of(session, w.youth["hugo"], w.a.id)
    for interview_on in (date(2026, 5, 17), date(2026, 5, 18)):  # days 15 and 16
        session.add(
            DarfiRequest(
                case_id=hugo.id,
                requested_on=date(2026, 5, 2),
                source=DarfiSource.YOUTH,
                interview_on=interview_on,
            )
        )
    session.flush()
    assert compute(session, "darfi_within_15_days", w.scope()) == Value(66.7, 3)
    assert youth(session, "darfi_within_15_days", w.scope()) == w.ids("david", "hugo")
    assert compute(session, "darfi_within_15_days", w.scope(previous=True)) == Value(None, 0)


def test_a_darfi_request_without_interview_counts_as_late(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    bruno = case_of(session, w.youth["bruno"], w.a.id)
    session.add(
        DarfiRequest(case_id=bruno.id, requested_on=date(2026, 8, 31), source=DarfiSource.YOUTH)
    )
    session.flush()
    assert compute(session, "darfi_within_15_days", w.scope()) == Value(50.0, 2)
    assert youth(session, "darfi_within_15_days", w.scope(), BASE) == w.ids("david", "bruno")


def test_minors_met_within_three_months_of_their_listing(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    # Minors on their listing day: alice (met 05/12), bruno, chloe (18 on 01/12/2025: still
    # counted), emma (met on B's case only), hugo (met 20/05); david is 20, ines has no birth
    # date.
    assert compute(session, "minors_met_within_3_months", w.scope()) == Value(40.0, 5)
    assert youth(session, "minors_met_within_3_months", w.scope()) == w.ids("alice", "hugo")
    assert youth(session, "minors_met_within_3_months", w.scope(), BASE) == w.ids(
        "alice", "bruno", "chloe", "emma", "hugo"
    )
    # gaelle, 16 when listed in March 2025, never met on site
    assert compute(session, "minors_met_within_3_months", w.scope(previous=True)) == Value(0.0, 1)


def test_an_interview_on_the_last_day_of_the_three_months_counts(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    bruno = case_of(session, w.youth["bruno"], w.a.id)  # listed 10/11/2025
    chloe = case_of(session, w.youth["chloe"], w.a.id)  # listed 10/11/2025
    for case, done_on in ((bruno, date(2026, 2, 10)), (chloe, date(2026, 2, 11))):
        session.add(
            ObligationStepRecord(case_id=case.id, step=ObligationStep.INTERVIEW, done_on=done_on)
        )
    session.flush()
    assert youth(session, "minors_met_within_3_months", w.scope()) == w.ids(
        "alice", "bruno", "hugo"
    )


def test_transmissions_to_the_departement_done_in_the_period(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    assert compute(session, "obligation_transmissions", w.scope()) == Value(0)
    hugo = case_of(session, w.youth["hugo"], w.a.id)
    for done_on in (date(2026, 8, 31), date(2026, 9, 1)):
        session.add(
            ObligationStepRecord(case_id=hugo.id, step=ObligationStep.TRANSMISSION, done_on=done_on)
        )
    session.flush()
    assert compute(session, "obligation_transmissions", w.scope()) == Value(1)
    assert youth(session, "obligation_transmissions", w.scope()) == w.ids("hugo")
    assert compute(session, "obligation_transmissions", w.scope(w.b)) == Value(0)


# -- Comités ----------------------------------------------------------------------------------


def test_comites_held_youth_reviewed_and_decisions_by_kind(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    assert rows(compute(session, "committees_held", w.scope())) == {
        "technical": ("Comité technique", 1, None),
        "steering": ("Comité de pilotage", 0, None),
        "other": ("Autre réunion", 0, None),
    }
    assert compute(session, "youth_reviewed", w.scope()) == Value(2)
    assert youth(session, "youth_reviewed", w.scope()) == w.ids("alice", "bruno")
    # alice's decision, amended after the comité, counts once, as an orientation
    assert numbers(compute(session, "decisions_by_kind", w.scope())) == {
        "orientation": 1,
        "referent": 0,
        "contact": 0,
        "close": 0,
        "watch": 1,
        "adjourned": 0,
    }
    assert youth(session, "decisions_by_kind", w.scope(), "watch") == w.ids("bruno")
    assert compute(session, "youth_reviewed", w.scope(previous=True)) == Value(0)
    assert compute(session, "youth_reviewed", w.scope(w.b)) == Value(0)


# -- Orientations -------------------------------------------------------------------------------


def test_orientations_by_programme_and_by_outcome(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    assert rows(compute(session, "orientations_by_programme", w.scope())) == {
        "BIL-E2C": ("E2C Lille", 1, None),
        "BIL-REMOB": ("Remobilisation Lille", 1, None),
    }
    assert youth(session, "orientations_by_programme", w.scope(), "BIL-E2C") == w.ids("alice")
    outcomes = numbers(compute(session, "orientations_by_outcome", w.scope()))
    assert {key: n for key, n in outcomes.items() if n} == {"started": 1, "proposed": 1}
    assert list(outcomes)[:3] == ["proposed", "accepted", "refused"]
    assert numbers(compute(session, "orientations_by_outcome", w.scope(w.b)))["cancelled"] == 1
    assert compute(session, "orientations_by_programme", w.scope(previous=True)) == []


def test_places_used_per_site_against_the_places_offered(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    sites = {
        site.programme.name: site.id
        for site in session.scalars(select(ProgrammeSite).where(ProgrammeSite.psad_id == w.a.id))
    }
    e2c, remob = str(sites["E2C Lille"]), str(sites["Remobilisation Lille"])
    assert rows(compute(session, "places_used", w.scope())) == {
        e2c: ("E2C Lille — Lille", 1, 10),  # alice, started
        remob: ("Remobilisation Lille — Lille", 0, 5),  # hugo's is only proposed
    }
    assert youth(session, "places_used", w.scope(), e2c) == w.ids("alice")
    assert compute(session, "places_used", w.scope(previous=True)) == []
    assert compute(session, "places_used", w.scope(w.b)) == []


# -- Transfers and contacts ---------------------------------------------------------------------


def test_transfers_in_and_out_and_none_inside_a_consolidated_scope(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    assert compute(session, "transfers_out", w.scope()) == Value(1)
    assert compute(session, "transfers_in", w.scope()) == Value(0)
    assert compute(session, "transfers_in", w.scope(w.b)) == Value(1)
    assert youth(session, "transfers_in", w.scope(w.b)) == w.ids("emma")
    both = w.scope(w.a, w.b)
    assert compute(session, "transfers_in", both) == compute(session, "transfers_out", both)
    assert compute(session, "transfers_in", both) == Value(0)
    assert compute(session, "transfers_out", w.scope(previous=True)) == Value(0)


def test_contacts_unanswered_counts_youth_whose_every_effective_contact_failed(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    # bruno failed once, then was reached: not counted
    assert compute(session, "contacts_unanswered", w.scope()) == Value(0)
    # farid's reached contact was corrected to « not reached »
    assert compute(session, "contacts_unanswered", w.scope(w.b)) == Value(1)
    assert youth(session, "contacts_unanswered", w.scope(w.b)) == w.ids("farid")


def test_a_failed_contact_at_23_30_on_the_last_day_counts_in_the_period(
    session: Session, bilan_world: BilanWorld
) -> None:
    w = bilan_world
    ines = case_of(session, w.youth["ines"], w.a.id)
    hugo = case_of(session, w.youth["hugo"], w.a.id)
    phone = item(session, ReferenceKind.CONTACT_CHANNEL, "phone").id
    for case, at in ((ines, paris(2026, 8, 31, 23, 30)), (hugo, paris(2026, 9, 1, 0, 30))):
        session.add(Contact(case_id=case.id, occurred_at=at, channel_id=phone, reached=False))
    session.flush()
    assert youth(session, "contacts_unanswered", w.scope()) == w.ids("ines")
    following = Scope((w.a.id,), Period.school_year(2026))
    # chloe's contact at 00:30 on 01/09/2026 reached her
    assert youth(session, "contacts_unanswered", following) == w.ids("hugo")


def test_contacts_refused_counts_each_youth_once(session: Session, bilan_world: BilanWorld) -> None:
    w = bilan_world
    assert compute(session, "contacts_refused", w.scope()) == Value(0)
    bruno = case_of(session, w.youth["bruno"], w.a.id)
    phone = item(session, ReferenceKind.CONTACT_CHANNEL, "phone").id
    refused = item(session, ReferenceKind.CONTACT_OUTCOME, "refused").id
    for day in (3, 4):
        session.add(
            Contact(
                case_id=bruno.id,
                occurred_at=paris(2026, 3, day),
                channel_id=phone,
                reached=True,
                outcome_id=refused,
            )
        )
    session.flush()
    assert compute(session, "contacts_refused", w.scope()) == Value(1)
    assert youth(session, "contacts_refused", w.scope()) == w.ids("bruno")
    assert compute(session, "contacts_refused", w.scope(previous=True)) == Value(0)


# -- Nothing to count ---------------------------------------------------------------------------


def test_a_psad_without_data_gives_no_median_no_share_and_zero_counts(
    session: Session, bilan_world: BilanWorld
) -> None:
    psad = make_psad(session, code="BILD")
    scope = Scope((psad.id,), bilan_world.period)
    for indicator in INDICATORS:
        computed = indicator.compute(session, scope)
        if indicator.breakdown:
            assert all(row.value.number == 0 for row in computed), indicator.code  # type: ignore[union-attr]
        elif indicator.unit.value in ("days", "percent"):
            assert computed == Value(None, 0), indicator.code
        else:
            assert computed == Value(0), indicator.code


# -- Queries ------------------------------------------------------------------------------------


@contextmanager
def counted(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("code", [indicator.code for indicator in INDICATORS])
def test_each_indicator_is_one_statement_whatever_the_number_of_youth(
    session: Session, bilan_world: BilanWorld, code: str
) -> None:
    scope = bilan_world.scope(bilan_world.a, bilan_world.b)
    session.flush()
    with counted(session) as statements:
        result = REGISTRY[code].compute(session, scope)
    assert len(statements) == 1, statements
    assert isinstance(result, Value | list)
    assert all(isinstance(row, Row) for row in result) if isinstance(result, list) else True

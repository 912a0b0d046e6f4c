"""A comité decision's task overdue by the PSAD's number of days (7 by default) is shown to
the pilote and the co-pilote on « Décisions en retard »."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete

from psad.committees.followups import overdue_days, overdue_decision_tasks
from psad.committees.models import Committee, CommitteeRhythm, CommitteeStatus, DecisionKind
from tests.committees.conftest import Comite, comite, frozen_clock
from tests.committees.test_decisions import decide, publish
from tests.followup.conftest import NOW, TODAY
from tests.helpers import text

__all__ = ["comite", "frozen_clock"]

NOVEMBER = datetime(2026, 11, 10, 13, 0, tzinfo=UTC)
EIGHT_DAYS_LATE = TODAY - timedelta(days=8)  # 29/11/2026
THREE_DAYS_LATE = TODAY - timedelta(days=3)  # 04/12/2026


def november_decisions(session, comite: Comite) -> None:  # type: ignore[no-untyped-def]
    """At the comité of 10 November: the mission locale was to call the adult by 29 November,
    the Lycée Baggio to call the minor by 4 December; neither is done."""
    world = comite.world
    november = Committee(psad=world.psad, starts_at=NOVEMBER)
    session.add(november)
    adult, minor = publish(session, comite, world.adult, world.minor, committee=november)
    when = {"today": date(2026, 11, 10), "now": NOVEMBER + timedelta(hours=1)}
    decide(
        session, comite, adult, DecisionKind.CONTACT, acting_structure=world.mission,
        due_on=EIGHT_DAYS_LATE, comment="Appeler après les vacances", **when,
    )  # fmt: skip
    decide(
        session, comite, minor, DecisionKind.WATCH, acting_user=world.partner,
        due_on=THREE_DAYS_LATE, **when,
    )  # fmt: skip
    november.status = CommitteeStatus.VALIDATED
    session.commit()


def test_a_task_eight_days_late_is_listed_and_not_one_three_days_late(session, comite):
    november_decisions(session, comite)

    found = overdue_decision_tasks(session, comite.world.psad.id, TODAY, 7)

    assert [(row.youth.id, row.days_late, row.who_acts) for row in found] == [
        (comite.world.adult.id, 8, "Mission locale de Lille")
    ]
    assert found[0].committee_title == "Comité technique du 10/11/2026"
    assert found[0].what == "Contact à prendre"


def test_a_done_task_is_not_listed(session, comite):
    november_decisions(session, comite)
    [row] = overdue_decision_tasks(session, comite.world.psad.id, TODAY, 7)
    row.task.done_at = NOW
    session.commit()

    assert overdue_decision_tasks(session, comite.world.psad.id, TODAY, 7) == []


def test_the_number_of_days_is_the_psads_else_seven(session, comite):
    psad_id = comite.world.psad.id
    session.get(CommitteeRhythm, psad_id).overdue_decision_days = 3
    session.commit()
    assert overdue_days(session, psad_id) == 3

    session.execute(delete(CommitteeRhythm))
    session.commit()
    assert overdue_days(session, psad_id) == 7


def test_the_page_lists_the_overdue_decisions(client, session, comite, frozen_clock):
    november_decisions(session, comite)
    client.sign_in(comite.world.copilot)

    page = text(client.get("/comites/decisions-en-retard"))

    assert "MARTIN Hugo" in page and f'href="/jeunes/{comite.world.adult.id}"' in page
    assert "Comité technique du 10/11/2026" in page
    assert "Mission locale de Lille" in page and "29/11/2026" in page and "8 jours" in page
    assert "Appeler après les vacances" in page
    assert "LEFÈVRE Éloïse" not in page  # three days late only


@pytest.mark.parametrize("role", ["partner", "reader"])
def test_partners_and_readers_do_not_see_the_page(client, comite, frozen_clock, role):
    client.sign_in(getattr(comite.world, role))

    assert client.get("/comites/decisions-en-retard").status_code == 403


@pytest.mark.parametrize("role", ["pilot", "copilot"])
def test_the_comites_page_links_to_the_overdue_decisions_with_their_count(
    client, session, comite, frozen_clock, role
):
    november_decisions(session, comite)
    client.sign_in(getattr(comite.world, role))

    page = text(client.get("/comites"))

    assert '<a href="/comites/decisions-en-retard">1 décision de comité en retard</a>' in page


def test_without_overdue_decisions_the_comites_page_says_so(client, comite, frozen_clock):
    client.sign_in(comite.world.pilot)

    page = text(client.get("/comites"))

    assert "Aucune décision de comité en retard" in page


@pytest.mark.parametrize("role", ["partner", "reader"])
def test_partners_and_readers_see_no_count_of_overdue_decisions(
    client, session, comite, frozen_clock, role
):
    november_decisions(session, comite)
    client.sign_in(getattr(comite.world, role))

    page = text(client.get("/comites"))

    assert "/comites/decisions-en-retard" not in page
    assert "décision de comité en retard" not in page

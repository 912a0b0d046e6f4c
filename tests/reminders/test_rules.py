"""What is due (issue 14): each rule with ``today`` passed in, on both sides of its threshold;
who hears of it (the referent, else the referent structure's members, else the pilotes and
co-pilotes; never a reader, an inactive user or an administrator); a PSAD's own thresholds;
initials only where the PSAD allows them; the link of each count opens, for that user,
exactly what was counted; and a number of statements that does not grow with the youth."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Membership, Role
from psad.committees.models import AgendaItem, CommitteeKind, CommitteeStatus
from psad.config import ReminderSettings
from psad.followup import services
from psad.followup.models import TaskRule
from psad.followup.queries import years_before
from psad.reminders.models import ReminderKind, ReminderRules
from psad.reminders.rules import Due, Thresholds, thresholds
from tests.factories import make_psad, make_structure, make_user, make_youth
from tests.followup.conftest import NOW, TODAY, World
from tests.followup.test_worklists import attempt, close_as_refused
from tests.reminders.conftest import (
    EXPECTED,
    comite,
    due,
    due_of,
    imported_list,
    opened,
    task,
    youth,
)
from tests.test_query_counts import most_repeated, statements

K = ReminderKind


@pytest.fixture
def quiet(session: Session, world: World) -> World:
    """The world with nothing due: its two youth's cases opened yesterday."""
    opened(world.minor, TODAY - timedelta(days=1))
    opened(world.adult, TODAY - timedelta(days=1))
    session.commit()
    return world


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour``:``minute`` in Paris on ``day``, as the database stores it (UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=clock.PARIS).astimezone(UTC)


def counts_of(found: list[Due], kind: ReminderKind) -> dict[int, int]:
    """For one kind, each user's count."""
    return {d.user_id: d.count for d in found if d.kind is kind}


def born_for(age: int, on: date) -> date:
    """The birth date of someone who turns ``age`` on ``on``."""
    return years_before(on, age)


# --- thresholds ------------------------------------------------------------------------------


def test_thresholds_are_the_defaults_without_rules(session, world):
    defaults = ReminderSettings(no_contact_days=50)

    found = thresholds(session, world.psad.id, defaults)

    assert found == Thresholds(
        list_not_contacted_days=30,
        no_contact_days=50,
        darfi_notice_days=3,
        obligation_notice_days=7,
        majority_notice_days=30,
        committee_notice_days=7,
        digest_initials=False,
    )


def test_a_psads_rules_override_the_defaults_and_its_empty_ones_keep_them(session, world):
    session.add(
        ReminderRules(
            psad_id=world.psad.id, no_contact_days=60, darfi_notice_days=5, digest_initials=True
        )
    )
    session.commit()

    found = thresholds(session, world.psad.id, ReminderSettings())

    assert (found.no_contact_days, found.darfi_notice_days) == (60, 5)
    assert (found.list_not_contacted_days, found.committee_notice_days) == (30, 7)
    assert found.digest_initials is True


def test_each_psad_counts_with_its_own_threshold(session, quiet):
    """Both PSADs have a case opened 50 days ago: counted where the default (45) holds, not in
    Lille, whose own threshold is 60."""
    session.add(ReminderRules(psad_id=quiet.psad.id, no_contact_days=60))
    other = make_psad(session, code="ROUBAIX", name="PSAD de Roubaix")
    other_pilot = make_user(session, psad=other, role=Role.PILOT)
    for psad in (quiet.psad, other):
        young = make_youth(session, psad, last_name="Ancien")
        opened(young, TODAY - timedelta(days=50))
    session.commit()

    found = due(session)

    assert due_of(found, quiet.pilot, K.NO_CONTACT) is None
    other_due = due_of(found, other_pilot, K.NO_CONTACT)
    assert other_due is not None
    assert other_due.args["sans_contact"] == "45"


def test_a_psads_threshold_is_in_the_text_and_the_link(session, quiet):
    session.add(ReminderRules(psad_id=quiet.psad.id, no_contact_days=20))
    opened(youth(session, quiet, "Ancien"), TODAY - timedelta(days=21))
    session.commit()

    found = due_of(due(session), quiet.pilot, K.NO_CONTACT)

    assert found is not None
    assert found.text == "1 dossier ouvert sans contact depuis plus de 20 jours"
    assert found.args == {
        "onglet": "tous",
        "sans_contact": "20",
        "destinataire": str(quiet.pilot.id),
    }


# --- youth never contacted from a list -------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "counted"), [(29, False), (30, True), (90, True)])
def test_a_listed_youth_never_contacted_counts_from_day_n_after_the_import(
    session, quiet, days_ago, counted
):
    young = youth(session, quiet, "Liste")
    opened(young, TODAY - timedelta(days=days_ago))
    imported_list(session, quiet, [young], paris(TODAY - timedelta(days=days_ago), 9))
    session.commit()

    found = due_of(due(session), quiet.pilot, K.LIST_NOT_CONTACTED)

    assert (found is not None) is counted


@pytest.mark.parametrize(
    ("imported_at", "counted"),
    [
        (paris(TODAY - timedelta(days=30), 23, 30), True),  # the 30th day, late in the evening
        (paris(TODAY - timedelta(days=29), 0, 30), False),  # the 29th, just after midnight
    ],
)
def test_the_import_day_is_the_paris_day(session, quiet, imported_at, counted):
    young = youth(session, quiet, "Liste")
    opened(young, TODAY - timedelta(days=30))
    imported_list(session, quiet, [young], imported_at)
    session.commit()

    assert (due_of(due(session), quiet.pilot, K.LIST_NOT_CONTACTED) is not None) is counted


def test_a_listed_youth_once_contacted_no_longer_counts(session, quiet):
    reached, waiting = youth(session, quiet, "Joint"), youth(session, quiet, "Attente")
    for young in (reached, waiting):
        opened(young, TODAY - timedelta(days=40))
    imported_list(session, quiet, [reached, waiting], paris(TODAY - timedelta(days=40), 9))
    attempt(session, quiet, reached, reached=False)
    session.commit()

    found = due_of(due(session), quiet.pilot, K.LIST_NOT_CONTACTED)

    assert found is not None
    assert found.count == 1
    assert found.text == (
        "1 jeune d'une liste importée il y a 30 jours ou plus n'a jamais été contacté"
    )


def test_a_case_opened_since_the_old_list_starts_its_days_again(session, quiet):
    """Listed 40 days ago, but the open case was opened 5 days ago (a signalement): not yet."""
    young = youth(session, quiet, "Revenu")
    opened(young, TODAY - timedelta(days=5))
    imported_list(session, quiet, [young], paris(TODAY - timedelta(days=40), 9))
    session.commit()

    assert due_of(due(session), quiet.pilot, K.LIST_NOT_CONTACTED) is None


def test_the_plural_of_the_list_sentence(session, quiet):
    listed = [youth(session, quiet, name) for name in ("Un", "Deux")]
    for young in listed:
        opened(young, TODAY - timedelta(days=31))
    imported_list(session, quiet, listed, paris(TODAY - timedelta(days=31), 9))
    session.commit()

    found = due_of(due(session), quiet.pilot, K.LIST_NOT_CONTACTED)

    assert found is not None
    assert found.text == (
        "2 jeunes d'une liste importée il y a 30 jours ou plus n'ont jamais été contactés"
    )
    assert found.args == {
        "onglet": "a-traiter",
        "liste_depuis": "30",
        "destinataire": str(quiet.pilot.id),
    }


# --- open cases without contact ---------------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "counted"), [(45, False), (46, True)])
def test_an_open_case_without_contact_counts_after_n_days(session, quiet, days_ago, counted):
    opened(youth(session, quiet, "Silence"), TODAY - timedelta(days=days_ago))
    session.commit()

    assert (due_of(due(session), quiet.pilot, K.NO_CONTACT) is not None) is counted


@pytest.mark.parametrize(("days_ago", "counted"), [(45, False), (46, True)])
def test_the_days_without_contact_start_at_the_latest_contact(session, quiet, days_ago, counted):
    young = youth(session, quiet, "Contact")
    opened(young, TODAY - timedelta(days=100))
    attempt(session, quiet, young, reached=True, hours_ago=days_ago * 24)
    session.commit()

    assert (due_of(due(session), quiet.pilot, K.NO_CONTACT) is not None) is counted


def test_a_closed_case_never_counts(session, quiet):
    young = youth(session, quiet, "Clos", birth_date=born_for(26, TODAY))
    opened(young, TODAY - timedelta(days=100))
    task(session, quiet, young, due_on=TODAY - timedelta(days=3), user=quiet.pilot)
    close_as_refused(session, quiet, young)
    session.commit()

    assert [d for d in due(session) if d.user_id == quiet.pilot.id] == []


# --- tasks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "kind"),
    [(-1, K.TASKS_OVERDUE), (0, K.TASKS_TODAY), (1, None)],
)
@pytest.mark.parametrize("rule", [TaskRule.MANUAL, TaskRule.CALL_BACK])
def test_tasks_overdue_and_of_the_day(session, quiet, offset, kind, rule):
    task(session, quiet, quiet.adult, rule=rule, due_on=TODAY + timedelta(days=offset))
    session.commit()

    found = {d.kind for d in due(session) if d.user_id == quiet.pilot.id}

    assert found == ({kind} if kind else set())


def test_the_task_sentences(session, quiet):
    for days in (1, 2):
        task(session, quiet, quiet.adult, due_on=TODAY - timedelta(days=days))
    task(session, quiet, quiet.adult, due_on=TODAY)
    session.commit()

    found = due(session)

    overdue, today = (
        due_of(found, quiet.pilot, K.TASKS_OVERDUE),
        due_of(found, quiet.pilot, K.TASKS_TODAY),
    )
    assert overdue is not None and today is not None
    assert (overdue.text, today.text) == ("2 tâches en retard", "1 tâche à faire aujourd'hui")
    assert overdue.args == {
        "regle": "manual,call_back",
        "echeance_max": "2026-12-06",
        "assignation": "relances",
    }


@pytest.mark.parametrize(
    ("offset", "kind"),
    [
        (-1, K.DARFI_OVERDUE),
        (0, K.DARFI_SOON),
        (3, K.DARFI_SOON),
        (4, None),
    ],
)
def test_darfi_interviews_overdue_and_due_within_n_days(session, quiet, offset, kind):
    task(
        session,
        quiet,
        quiet.adult,
        rule=TaskRule.DARFI_INTERVIEW,
        due_on=TODAY + timedelta(days=offset),
    )
    session.commit()

    found = {d.kind for d in due(session) if d.user_id == quiet.pilot.id}

    assert found == ({kind} if kind else set())


def test_the_darfi_sentences(session, quiet):
    task(
        session, quiet, quiet.adult, rule=TaskRule.DARFI_INTERVIEW, due_on=TODAY - timedelta(days=1)
    )
    task(
        session, quiet, quiet.minor, rule=TaskRule.DARFI_INTERVIEW, due_on=TODAY + timedelta(days=1)
    )
    task(
        session, quiet, quiet.minor, rule=TaskRule.DARFI_INTERVIEW, due_on=TODAY + timedelta(days=2)
    )
    session.commit()

    found = due(session)

    overdue, soon = (
        due_of(found, quiet.pilot, K.DARFI_OVERDUE),
        due_of(found, quiet.pilot, K.DARFI_SOON),
    )
    assert overdue is not None and soon is not None
    assert overdue.text == "1 entretien DARFI en retard (plus de 15 jours après la demande)"
    assert soon.text == "2 entretiens DARFI à tenir d'ici le 10/12/2026"


@pytest.mark.parametrize(
    ("rule", "kind"),
    [
        (TaskRule.OBLIGATION_INTERVIEW, K.OBLIGATION_INTERVIEW),
        (TaskRule.OBLIGATION_TRANSMISSION, K.OBLIGATION_TRANSMISSION),
    ],
)
@pytest.mark.parametrize(("offset", "counted"), [(-20, True), (7, True), (8, False)])
def test_obligation_steps_due_within_n_days_overdue_included(
    session, quiet, rule, kind, offset, counted
):
    task(session, quiet, quiet.minor, rule=rule, due_on=TODAY + timedelta(days=offset))
    session.commit()

    found = {d.kind for d in due(session) if d.user_id == quiet.pilot.id}

    assert found == ({kind} if counted else set())


def test_the_obligation_sentences(session, quiet):
    task(session, quiet, quiet.minor, rule=TaskRule.OBLIGATION_INTERVIEW, due_on=TODAY)
    task(session, quiet, quiet.minor, rule=TaskRule.OBLIGATION_TRANSMISSION, due_on=TODAY)
    session.commit()

    found = due(session)

    interview = due_of(found, quiet.pilot, K.OBLIGATION_INTERVIEW)
    transmission = due_of(found, quiet.pilot, K.OBLIGATION_TRANSMISSION)
    assert interview is not None and transmission is not None
    assert interview.text == (
        "1 entretien d'obligation de formation à tenir d'ici le 14/12/2026 (retards compris)"
    )
    assert transmission.text == (
        "1 transmission au conseil départemental à faire d'ici le 14/12/2026 (retards compris)"
    )


@pytest.mark.parametrize(("offset", "counted"), [(-1, True), (0, False)])
def test_comite_decisions_whose_due_date_passed(session, quiet, offset, counted):
    task(
        session,
        quiet,
        quiet.adult,
        rule=TaskRule.COMMITTEE_DECISION,
        due_on=TODAY + timedelta(days=offset),
    )
    session.commit()

    found = due_of(due(session), quiet.pilot, K.DECISIONS_OVERDUE)

    assert (found is not None) is counted
    if found:
        assert found.text == "1 décision de comité en retard"


def test_orientations_without_news_until_their_task_is_done(session, quiet):
    stalled = task(
        session,
        quiet,
        quiet.adult,
        rule=TaskRule.ORIENTATION_STALLED,
        due_on=TODAY - timedelta(days=30),
    )
    task(
        session,
        quiet,
        quiet.minor,
        rule=TaskRule.ORIENTATION_STALLED,
        due_on=TODAY + timedelta(days=30),
    )
    session.commit()
    before = due_of(due(session), quiet.pilot, K.ORIENTATION_STALLED)

    services.complete_task(
        session, task=stalled, by=quiet.pilot, now=NOW, comment=None, actor=quiet.actor(quiet.pilot)
    )
    session.commit()
    after = due_of(due(session), quiet.pilot, K.ORIENTATION_STALLED)

    assert before is not None and before.text == "2 orientations sans nouvelles"
    assert after is not None and after.count == 1


# --- ages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eighteen_on", "counted"),
    [
        (TODAY, False),  # already an adult
        (TODAY + timedelta(days=1), True),
        (TODAY + timedelta(days=30), True),
        (TODAY + timedelta(days=31), False),
    ],
)
def test_minors_turning_18_within_n_days(session, quiet, eighteen_on, counted):
    youth(session, quiet, "Bientot", birth_date=born_for(18, eighteen_on))
    session.commit()

    found = due_of(due(session), quiet.pilot, K.MAJORITY)

    assert (found is not None) is counted
    if found:
        assert found.text == (
            "1 mineur suivi aura 18 ans d'ici le 06/01/2027 (fin de l'obligation de formation)"
        )


@pytest.mark.parametrize(
    ("twenty_six_on", "counted"),
    [(TODAY - timedelta(days=400), True), (TODAY, True), (TODAY + timedelta(days=1), False)],
)
def test_youth_aged_26_or_more_with_an_open_case(session, quiet, twenty_six_on, counted):
    youth(session, quiet, "Age", birth_date=born_for(26, twenty_six_on))
    session.commit()

    found = due_of(due(session), quiet.pilot, K.AGE_LIMIT)

    assert (found is not None) is counted
    if found:
        assert found.text == "1 jeune a 26 ans ou plus : clôture à envisager"
        assert found.args["age_min"] == "26"


def test_the_age_limit_follows_max_age(session, quiet):
    youth(session, quiet, "Age", birth_date=born_for(25, TODAY))
    session.commit()

    assert due_of(due(session, max_age=25), quiet.pilot, K.AGE_LIMIT) is None
    found = due_of(due(session, max_age=24), quiet.pilot, K.AGE_LIMIT)
    assert found is not None
    assert found.text == "1 jeune a 25 ans ou plus : clôture à envisager"


# --- comités ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_at", "counted"),
    [
        (paris(TODAY, 18), False),  # later today: the day's business
        (paris(TODAY + timedelta(days=1), 0, 30), True),  # tomorrow
        (paris(TODAY + timedelta(days=7), 23, 30), True),  # the 7th day, late
        (paris(TODAY + timedelta(days=8), 0, 30), False),  # the 8th day
    ],
)
def test_a_comite_within_n_days_from_tomorrow(session, quiet, starts_at, counted):
    comite(session, quiet, starts_at, [quiet.cio], [])
    session.commit()

    assert (due_of(due(session), quiet.pilot, K.COMMITTEE_SOON) is not None) is counted


def test_a_comite_says_its_kind_day_hour_and_agenda_to_the_invited_structures(session, quiet):
    other = youth(session, quiet, "Autre")
    committee = comite(
        session,
        quiet,
        paris(date(2026, 12, 10), 14),
        [quiet.mission, quiet.school],
        [quiet.minor, other],
    )
    session.commit()

    found = due(session)

    assert sorted(counts_of(found, K.COMMITTEE_SOON)) == sorted(
        [quiet.copilot.id, quiet.partner.id]
    )
    told = due_of(found, quiet.partner, K.COMMITTEE_SOON)
    assert told is not None
    assert told.text == "Comité technique du 10/12/2026 à 14 h 00 : 2 jeunes à l'ordre du jour"
    assert (told.count, told.subject_id) == (2, committee.id)
    assert (told.endpoint, told.args) == ("committees.show", {"committee_id": str(committee.id)})


def test_each_comite_is_its_own_count(session, quiet):
    first = comite(session, quiet, paris(TODAY + timedelta(days=2), 14), [quiet.cio], [quiet.minor])
    steering = comite(session, quiet, paris(TODAY + timedelta(days=3), 10), [quiet.cio], [])
    steering.kind = CommitteeKind.STEERING
    session.commit()

    found = [d for d in due(session) if d.kind is K.COMMITTEE_SOON]

    assert [(d.subject_id, d.text) for d in found] == [
        (first.id, "Comité technique du 09/12/2026 à 14 h 00 : 1 jeune à l'ordre du jour"),
        (steering.id, "Comité de pilotage du 10/12/2026 à 10 h 00 : aucun jeune à l'ordre du jour"),
    ]


def test_a_comite_without_invited_structures_goes_to_the_pilotes(session, quiet):
    comite(session, quiet, paris(TODAY + timedelta(days=2), 14), [], [])
    session.commit()

    assert sorted(counts_of(due(session), K.COMMITTEE_SOON)) == sorted(
        [quiet.pilot.id, quiet.copilot.id]
    )


def test_a_cancelled_comite_is_not_told(session, quiet):
    committee = comite(session, quiet, paris(TODAY + timedelta(days=2), 14), [quiet.cio], [])
    committee.status = CommitteeStatus.CANCELLED
    session.commit()

    assert counts_of(due(session), K.COMMITTEE_SOON) == {}


def test_a_comite_within_the_psads_own_days(session, quiet):
    session.add(ReminderRules(psad_id=quiet.psad.id, committee_notice_days=14))
    comite(session, quiet, paris(TODAY + timedelta(days=12), 14), [quiet.cio], [])
    session.commit()

    assert counts_of(due(session), K.COMMITTEE_SOON) == {quiet.pilot.id: 0}


# --- who hears of it --------------------------------------------------------------------------


def no_contact_for(session: Session, world: World, **case: Any) -> None:
    """A youth opened 60 days ago, never contacted, with the case's referent ``case`` says."""
    young = youth(session, world, "Silence", referent_structure=case.pop("structure", None))
    opened(young, TODAY - timedelta(days=60))
    open_case = young.open_case
    assert open_case is not None
    open_case.referent_user = case.pop("user", None)
    session.commit()


def test_the_referent_user_alone_hears_of_their_youth(session, quiet):
    no_contact_for(session, quiet, user=quiet.copilot, structure=quiet.cio)

    assert counts_of(due(session), K.NO_CONTACT) == {quiet.copilot.id: 1}


def test_the_referent_structures_members_hear_when_no_user_is_referent(session, quiet):
    no_contact_for(session, quiet, structure=quiet.school)

    assert counts_of(due(session), K.NO_CONTACT) == {quiet.partner.id: 1}


def test_the_pilotes_hear_of_the_youth_without_a_referent(session, quiet):
    no_contact_for(session, quiet)

    assert counts_of(due(session), K.NO_CONTACT) == {quiet.pilot.id: 1, quiet.copilot.id: 1}


def test_an_inactive_referent_leaves_it_to_the_structure(session, quiet):
    quiet.copilot.active = False
    no_contact_for(session, quiet, user=quiet.copilot, structure=quiet.school)

    assert counts_of(due(session), K.NO_CONTACT) == {quiet.partner.id: 1}


def test_a_structure_without_active_members_leaves_it_to_the_pilotes(session, quiet):
    empty = make_structure(session, quiet.psad, name="Association sans compte")
    no_contact_for(session, quiet, structure=empty)

    assert counts_of(due(session), K.NO_CONTACT) == {quiet.pilot.id: 1, quiet.copilot.id: 1}


def test_a_partner_referent_of_a_youth_they_cannot_see_is_not_told(session, quiet):
    """The Lycée Baggio's partner named referent of a youth the mission locale follows: she
    does not see the youth, the mission locale's members hear of it."""
    no_contact_for(session, quiet, user=quiet.partner, structure=quiet.mission)

    assert counts_of(due(session), K.NO_CONTACT) == {quiet.copilot.id: 1}


def test_readers_inactive_users_and_administrators_hear_nothing(session, busy):
    world = busy.world
    admin = make_user(session, is_admin=True)
    inactive = make_user(session, psad=world.psad, role=Role.PILOT, active=False)
    reader_of_school = make_user(session, psad=world.psad, role=Role.READER, structure=world.school)
    session.commit()

    told = {d.user_id for d in due(session)}

    assert told == {world.pilot.id, world.copilot.id, world.partner.id}
    assert not told & {world.reader.id, admin.id, inactive.id, reader_of_school.id}


def test_an_inactive_psad_hears_nothing(session, busy):
    busy.world.psad.active = False
    session.commit()

    assert due(session) == []


def test_a_task_goes_to_its_user_else_its_structure_else_the_pilotes(session, quiet):
    task(session, quiet, quiet.adult, due_on=TODAY - timedelta(days=1), user=quiet.copilot)
    task(session, quiet, quiet.minor, due_on=TODAY - timedelta(days=1), structure=quiet.school)
    task(session, quiet, quiet.adult, due_on=TODAY - timedelta(days=1))
    session.commit()

    assert counts_of(due(session), K.TASKS_OVERDUE) == {
        quiet.copilot.id: 2,
        quiet.partner.id: 1,
        quiet.pilot.id: 1,
    }


def test_a_task_for_a_structure_that_does_not_follow_the_youth_goes_to_the_pilotes(session, quiet):
    """For the Lycée Baggio, on Martin Hugo whom it does not follow: its partner does not see
    him."""
    task(session, quiet, quiet.adult, due_on=TODAY - timedelta(days=1), structure=quiet.school)
    session.commit()

    assert counts_of(due(session), K.TASKS_OVERDUE) == {quiet.pilot.id: 1, quiet.copilot.id: 1}


def test_a_pilote_hears_of_their_structures_youth_and_of_the_psads_in_one_count(session, quiet):
    no_contact_for(session, quiet, structure=quiet.cio)  # the pilote is the CIO's
    no_contact_for(session, quiet)

    assert counts_of(due(session), K.NO_CONTACT) == {quiet.pilot.id: 2, quiet.copilot.id: 1}


def test_a_member_of_two_psads_hears_of_each_in_its_own_count(session, quiet):
    other = make_psad(session, code="ROUBAIX", name="PSAD de Roubaix")
    quiet.copilot.memberships.append(Membership(psad=other, role=Role.PILOT))
    no_contact_for(session, quiet)
    opened(make_youth(session, other, last_name="Ailleurs"), TODAY - timedelta(days=60))
    session.commit()

    found = [d for d in due(session) if d.user_id == quiet.copilot.id]

    assert sorted((d.psad_id, d.count) for d in found) == sorted(
        [(quiet.psad.id, 1), (other.id, 1)]
    )


# --- initials ---------------------------------------------------------------------------------


def test_no_initials_unless_the_psad_gives_them(session, world):
    found = due_of(due(session), world.pilot, K.NO_CONTACT)

    assert found is not None
    assert found.initials == ()


def test_initials_when_the_psad_gives_them_sorted_ten_at_most(session, world):
    session.add(ReminderRules(psad_id=world.psad.id, digest_initials=True))
    for letter in "ABCDEFGHIJKL":
        opened(youth(session, world, f"{letter}nom", first_name="Zoé"), TODAY - timedelta(days=60))
    session.commit()

    found = due(session)

    partner = due_of(found, world.partner, K.NO_CONTACT)
    pilot = due_of(found, world.pilot, K.NO_CONTACT)
    assert partner is not None and pilot is not None
    assert partner.initials == ("É. L.",)  # Lefèvre Éloïse
    assert pilot.count == 13
    assert pilot.initials == ("H. M.", *(f"Z. {letter}." for letter in "ABCDEFGHI"))


def test_the_sentences_name_no_youth(session, busy):
    names = ["Lefèvre", "Éloïse", "Martin", "Hugo", "Liste", "Darfi", "Presque", "Ancien"]

    for found in due(session):
        assert not any(name in found.text for name in names), found.text


# --- the link of each count -------------------------------------------------------------------


def link_of(app: Flask, found: Due) -> str:
    with app.test_request_context():
        return url_for(found.endpoint, **found.args)


def rows_shown(client: Any, app: Flask, found: Due) -> int:
    """What the count's link shows to its user: the youth listed, the tasks, or the comité's
    agenda size."""
    response = client.get(link_of(app, found))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    if found.endpoint == "youth.index":
        total = re.search(r'<p role="status">(\d+) jeunes?', page)
        assert total, "no count on the list"
        rows = re.findall(r'<th scope="row"><a href="/jeunes/\d+\?depuis=', page)
        assert len(rows) == int(total.group(1))
        return len(rows)
    if found.endpoint == "followup.my_tasks":
        return len(re.findall(r'<th scope="row"><a href="/jeunes/\d+">', page))
    agenda = re.search(r"(\d+) jeunes? à l&#39;ordre du jour", page) or re.search(
        r"(\d+) jeunes? à l'ordre du jour", page
    )
    assert agenda, "no agenda size"
    return int(agenda.group(1))


def test_who_hears_of_what_in_the_busy_world(session, busy):
    found = due(session)
    world = busy.world

    for name, user in [
        ("pilot", world.pilot),
        ("copilot", world.copilot),
        ("partner", world.partner),
        ("reader", world.reader),
    ]:
        assert {d.kind for d in found if d.user_id == user.id} == EXPECTED[name], name
    assert {d.kind for d in found} == set(ReminderKind)


@pytest.mark.parametrize("kind", list(ReminderKind))
def test_each_count_opens_exactly_what_it_counted_for_its_user(
    app, client, session, busy, frozen_clock, kind
):
    found = [d for d in due(session) if d.kind is kind]
    users = {user.id: user for user in (busy.world.pilot, busy.world.copilot, busy.world.partner)}

    assert found, f"nothing of {kind} in the busy world"
    for each in found:
        client.sign_in(users[each.user_id])
        assert rows_shown(client, app, each) == each.count, (each.user_id, each.args)


def test_a_list_link_shows_that_users_youth_and_not_the_others(
    app, client, session, world, frozen_clock
):
    found = due(session)
    pilot, partner = (
        due_of(found, world.pilot, K.NO_CONTACT),
        due_of(found, world.partner, K.NO_CONTACT),
    )
    assert pilot is not None and partner is not None

    client.sign_in(world.pilot)
    pilots_page = client.get(link_of(app, pilot)).get_data(as_text=True)
    client.sign_in(world.partner)
    partners_page = client.get(link_of(app, partner)).get_data(as_text=True)

    assert "MARTIN Hugo" in pilots_page and "LEFÈVRE Éloïse" not in pilots_page
    assert "LEFÈVRE Éloïse" in partners_page and "MARTIN Hugo" not in partners_page


def test_a_task_link_shows_that_users_tasks_and_not_the_others(
    app, client, session, quiet, frozen_clock
):
    task(
        session,
        quiet,
        quiet.adult,
        due_on=TODAY - timedelta(days=1),
        user=quiet.pilot,
    )
    task(session, quiet, quiet.adult, due_on=TODAY - timedelta(days=2))  # nobody's: the pilotes'
    task(session, quiet, quiet.minor, due_on=TODAY - timedelta(days=1), user=quiet.copilot)
    task(session, quiet, quiet.adult, due_on=TODAY)  # of the day
    session.commit()
    found = due_of(due(session), quiet.pilot, K.TASKS_OVERDUE)
    assert found is not None and found.count == 2

    client.sign_in(quiet.pilot)

    assert rows_shown(client, app, found) == 2


# --- statements -------------------------------------------------------------------------------


def crowd(session: Session, world: World, start: int, number: int) -> None:
    """``number`` more youth, each due something (in turn: never contacted from a list, no
    contact, 18 soon, 26, on a comité's agenda), each with a task of every rule (for a user, a
    structure or nobody in turn)."""
    assignees: list[dict[str, Any]] = [{"user": world.pilot}, {"structure": world.school}, {}]
    committee = comite(session, world, paris(TODAY + timedelta(days=2), 14), [world.cio], [])
    for n in range(start, start + number):
        kind = n % 4
        born = [
            date(2004, 1, 1),
            date(2004, 1, 1),
            born_for(18, TODAY + timedelta(days=5)),
            born_for(27, TODAY),
        ][kind]
        young = youth(
            session,
            world,
            f"Foule{n:03d}",
            birth_date=born,
            referent_structure=[world.school, None][n % 2],
        )
        opened(young, TODAY - timedelta(days=60))
        if kind == 0:
            imported_list(session, world, [young], paris(TODAY - timedelta(days=40), 9 + n % 10))
        for rule in TaskRule:
            task(
                session,
                world,
                young,
                rule=rule,
                due_on=TODAY - timedelta(days=n % 3),
                **assignees[n % 3],
            )
        session.add(
            AgendaItem(committee_id=committee.id, youth_id=young.id, position=n, reasons="added")
        )
    session.commit()


@pytest.mark.parametrize("initials", [False, True])
def test_due_items_sends_as_many_statements_for_ten_times_the_youth(app, session, world, initials):
    session.add(ReminderRules(psad_id=world.psad.id, digest_initials=initials))
    crowd(session, world, 0, 4)
    with statements(app) as few:
        few_found = due(session)

    crowd(session, world, 4, 36)
    with statements(app) as many:
        many_found = due(session)

    assert sum(d.count for d in many_found) > 5 * sum(d.count for d in few_found) / 2
    assert len(many) <= len(few), (
        f"due_items sends {len(few)} statements, then {len(many)} for ten times the youth; "
        f"most repeated: {most_repeated(many)}"
    )
    assert len(few) <= 2 * len(ReminderKind) + 5

"""Tasks as services and queries: by hand for a user or a structure, done once, grouped for
« Mes tâches » within what the viewer may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from psad.access.viewer import Viewer
from psad.access.youth import youth_scope
from psad.errors import DomainError
from psad.followup import panels, queries, services
from psad.followup.models import Task
from psad.followup.queries import TaskBucket
from tests.followup.conftest import NOW, TODAY
from tests.followup.helpers import add_task


def viewer_of(world, user, structure=None) -> Viewer:
    role = user.memberships[0].role
    return Viewer(user_id=user.id, psad_id=world.psad.id, role=role, structure_id=structure)


def test_a_task_for_nobody_in_particular_is_for_its_author(session, world):
    task = add_task(session, world, by=world.copilot)

    assert task.assignee_user == world.copilot and task.assignee_structure is None


def test_a_task_may_be_for_a_structure(session, world):
    task = add_task(session, world, structure=world.school)

    assert task.assignee_structure == world.school and task.assignee_user is None


def test_a_task_needs_to_say_what_to_do(session, world):
    with pytest.raises(DomainError, match="Dites ce qu'il faut faire"):
        add_task(session, world, title="   ")


def test_completing_a_task_records_who_when_and_the_comment(session, world):
    task = add_task(session, world)

    services.complete_task(
        session,
        task=task,
        by=world.partner,
        now=NOW,
        comment=" Appel passé ",
        actor=world.actor(world.partner),
    )

    assert (task.done_at, task.done_by, task.done_comment) == (NOW, world.partner, "Appel passé")


def test_a_task_is_done_only_once(session, world):
    task = add_task(session, world)
    services.complete_task(
        session, task=task, by=world.pilot, now=NOW, comment=None, actor=world.actor(world.pilot)
    )

    with pytest.raises(DomainError, match="déjà faite"):
        services.complete_task(
            session,
            task=task,
            by=world.pilot,
            now=NOW,
            comment=None,
            actor=world.actor(world.pilot),
        )


def test_an_overdue_task_says_by_how_many_days(session, world):
    task = add_task(session, world, due_on=TODAY - timedelta(days=3))

    row = panels.task_row(task, TODAY)

    assert row.late == "en retard de 3 jours"


def test_a_task_due_today_is_not_late(session, world):
    row = panels.task_row(add_task(session, world, due_on=TODAY), TODAY)

    assert row.late is None


@pytest.mark.parametrize(
    ("due_on", "bucket"),
    [
        (date(2026, 12, 6), TaskBucket.OVERDUE),
        (date(2026, 12, 7), TaskBucket.TODAY),
        (date(2026, 12, 13), TaskBucket.THIS_WEEK),  # Sunday of the same week
        (date(2026, 12, 14), TaskBucket.LATER),
    ],
)
def test_my_tasks_are_grouped_by_when_they_are_due(session, world, due_on, bucket):
    add_task(session, world, due_on=due_on, user=world.copilot)
    viewer = viewer_of(world, world.copilot, world.mission.id)

    groups = panels.my_task_groups(
        session,
        youth_scope(viewer),
        user_id=viewer.user_id,
        structure_id=viewer.structure_id,
        today=TODAY,
    )

    assert {g.bucket: len(g.rows) for g in groups if g.rows} == {bucket: 1}


def test_a_partner_has_the_tasks_of_its_structure_on_its_youth_only(session, world):
    add_task(session, world, structure=world.school, title="Sur son jeune")
    add_task(
        session, world, case=world.adult_case, structure=world.school, title="Sur un autre jeune"
    )
    viewer = viewer_of(world, world.partner, world.school.id)

    groups = panels.my_task_groups(
        session,
        youth_scope(viewer),
        user_id=viewer.user_id,
        structure_id=viewer.structure_id,
        today=TODAY,
    )

    assert [row.task.title for group in groups for row in group.rows] == ["Sur son jeune"]


def test_done_tasks_and_tasks_of_others_are_not_mine(session, world):
    done = add_task(session, world, user=world.copilot)
    services.complete_task(
        session,
        task=done,
        by=world.copilot,
        now=NOW,
        comment=None,
        actor=world.actor(world.copilot),
    )
    add_task(session, world, user=world.pilot)
    viewer = viewer_of(world, world.copilot, world.mission.id)

    groups = panels.my_task_groups(
        session,
        youth_scope(viewer),
        user_id=viewer.user_id,
        structure_id=viewer.structure_id,
        today=TODAY,
    )

    assert not any(group.rows for group in groups)


def test_the_overdue_counter_counts_only_overdue_tasks(session, world):
    add_task(session, world, user=world.pilot, due_on=TODAY - timedelta(days=1))
    add_task(session, world, user=world.pilot, due_on=TODAY)
    viewer = viewer_of(world, world.pilot, world.cio.id)

    late = queries.count_overdue(
        session,
        youth_scope(viewer),
        user_id=viewer.user_id,
        structure_id=viewer.structure_id,
        today=TODAY,
    )

    assert late == 1


def test_the_file_panel_lists_open_tasks_then_done_ones(session, world):
    done = add_task(session, world, title="Faite")
    services.complete_task(
        session, task=done, by=world.pilot, now=NOW, comment=None, actor=world.actor(world.pilot)
    )
    add_task(session, world, title="Ouverte")
    viewer = viewer_of(world, world.pilot)

    context = panels.tasks_and_legal_context(session, youth=world.minor, viewer=viewer, today=TODAY)

    panel = context["tasks_panel"]
    assert [r.task.title for r in panel.open] == ["Ouverte"]
    assert [r.task.title for r in panel.done] == ["Faite"]
    assert session.scalar(select(Task).where(Task.title == "Faite")).is_done

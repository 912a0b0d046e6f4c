"""Follow-up pages: tasks on a file, « Mes tâches », and its overdue counter in the header."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from psad import clock
from psad.access.youth import NOT_FOUND, get_visible_youth_or_404, youth_scope
from psad.auth.queries import active_structures
from psad.errors import DomainError, NotFoundError
from psad.extensions import db
from psad.followup import panels, queries, services
from psad.followup.legal_forms import date_of
from psad.followup.models import Task
from psad.followup.task_forms import BACK_TO_MY_TASKS, CompleteTaskForm, TaskForm
from psad.followup.tasklist import TaskArgs
from psad.followup.views import bp
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer, viewer_or_none
from psad.web.urls import RECORD_ID
from psad.youth.forms import FREE_TEXT_WARNING

CANNOT_FOLLOW = "Votre rôle ne permet pas d'agir sur les dossiers des jeunes."
follows = requires(lambda viewer: viewer.can_follow, CANNOT_FOLLOW)


@bp.route(f"/jeunes/<{RECORD_ID}:youth_id>/taches/nouvelle", methods=["GET", "POST"])
@follows
def new_task(youth_id: int) -> Response | tuple[str, int]:
    session, viewer = db.session(), current_viewer()
    youth = get_visible_youth_or_404(session, youth_id, viewer)
    case = panels.open_case_of(youth)
    form = TaskForm(
        today=clock.today(),
        me=current_user,
        users=panels.assignable_users(session, youth.psad_id),
        structures=active_structures(session, youth.psad_id),
    )
    if not form.validate_on_submit():
        page = render_template("followup/task_form.html", form=form, youth=youth)
        return page, 422 if form.is_submitted() else 200
    user, structure = form.chosen()
    services.add_task(
        session,
        case=case,
        title=form.title.data,
        due_on=date_of(form.due_on),
        user=user,
        structure=structure,
        by=current_user,
        actor=current_actor(),
    )
    session.commit()
    flash("Tâche ajoutée.", "success")
    return redirect(url_for("youth.detail", youth_id=youth.id))


@bp.post(f"/taches/<{RECORD_ID}:task_id>/faite")
@follows
def complete_task(task_id: int) -> Response:
    """« Fait », in one click (with an optional comment), on a task of a youth one may see."""
    session = db.session()
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError(NOT_FOUND)
    youth = get_visible_youth_or_404(session, task.case.youth_id, current_viewer())
    form = CompleteTaskForm()
    if not form.validate_on_submit():
        abort(422, description=" ".join(form.comment.errors) or "Saisie invalide.")
    try:
        services.complete_task(
            session,
            task=task,
            by=current_user,
            now=clock.now(),
            comment=form.comment.data,
            actor=current_actor(),
        )
    except DomainError as error:
        session.rollback()
        flash(error.message, "warning")
    else:
        session.commit()
        flash(f"Tâche « {task.title} » faite.", "success")
    if form.back.data == BACK_TO_MY_TASKS:
        return redirect(url_for("followup.my_tasks"))
    return redirect(url_for("youth.detail", youth_id=youth.id))


@bp.get("/taches")
@follows
def my_tasks() -> str:
    """The viewer's open tasks, grouped by due date; filtered as its URL says (the links of
    the reminders: a rule, due dates, the tasks the reminders tell of)."""
    viewer, args = current_viewer(), TaskArgs.from_args(request.args)
    groups = panels.my_task_groups(
        db.session(),
        youth_scope(viewer),
        user_id=viewer.user_id,
        structure_id=viewer.structure_id,
        today=clock.today(),
        args=args,
        manages=viewer.can_manage_cases,
    )
    return render_template(
        "followup/my_tasks.html",
        groups=groups,
        args=args,
        total=sum(len(group.rows) for group in groups),
        free_text_warning=FREE_TEXT_WARNING,
    )


def overdue_task_count() -> int:
    """The header's counter: the viewer's overdue tasks on youth they may see."""
    viewer = viewer_or_none()
    if viewer is None or not viewer.can_follow:
        return 0
    return queries.count_overdue(
        db.session(),
        youth_scope(viewer),
        user_id=viewer.user_id,
        structure_id=viewer.structure_id,
        today=clock.today(),
    )


@bp.app_context_processor
def _overdue_counter() -> dict[str, object]:
    return {"overdue_task_count": overdue_task_count}

"""Pages of the list's tools: the ``.xlsx`` export of the filtered list, bulk actions
(selection → parameters → confirmation → applied), saved views.

The list itself is ``youth.index``; its page includes ``lists/_toolbar.html``, which reads
the user's saved views through the context processor below. A list's filter travels as its
query string (``liste``), read back by ``ListArgs`` as the list reads its URL.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from typing import IO
from urllib.parse import parse_qsl

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import Field

from psad import clock
from psad.access.youth import youth_scope
from psad.auth.queries import active_structures, referent_candidates
from psad.errors import DomainError
from psad.extensions import db
from psad.followup.legal_forms import date_of
from psad.followup.worklist import ListArgs, ordered
from psad.lists import forms, queries, services
from psad.lists.export import export_list
from psad.lists.models import QUERY_MAX_LENGTH
from psad.lists.services import BulkAction
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import active_items, items_by_codes
from psad.web.access import requires, sees_youth
from psad.web.session import current_actor, current_membership, current_viewer, viewer_or_none
from psad.web.urls import RECORD_ID
from psad.youth.models import KnownToPartner, Youth

bp = Blueprint("lists", __name__)

STREAM_BLOCK = 64 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANAGERS_ONLY = "Seuls le pilote et le co-pilote de la PSAD appliquent des actions groupées."
Page = Response | tuple[str, int]

manages = requires(lambda viewer: viewer.can_manage_cases, MANAGERS_ONLY)


def list_args(query: str | None) -> ListArgs:
    """The list a form came from, read from its query string as the list reads its URL."""
    return ListArgs.from_args(MultiDict(parse_qsl((query or "")[:QUERY_MAX_LENGTH])))


def back_to_list(args: ListArgs) -> Response:
    query = args.query_string()
    return redirect(f"{url_for('youth.index')}?{query}" if query else url_for("youth.index"))


# --- the toolbar's saved views --------------------------------------------------------------


@bp.app_context_processor
def _toolbar() -> dict[str, object]:
    return {
        "saved_list_views": saved_list_views,
        "bulk_actions": list(BulkAction),
        "bulk_max": services.MAX_FILES,
        "bulk_max_text": f"{services.MAX_FILES:,}".replace(",", "\u202f"),
        "message_max": current_app.extensions["psad_settings"].messages.max_recipients,
    }


def saved_list_views(args: ListArgs | None = None) -> list[dict[str, object]]:
    """The viewer's saved views in their PSAD, each with its link, and whether it is the list
    shown (``args``)."""
    viewer = viewer_or_none()
    if viewer is None or not viewer.sees_youth or viewer.psad_id is None:
        return []
    shown = args.query_string() if args is not None else None
    index = url_for("youth.index")
    return [
        {
            "id": view.id,
            "name": view.name,
            "url": f"{index}?{view.query}" if view.query else index,
            "current": view.query == shown,
        }
        for view in queries.saved_views(
            db.session(), user_id=viewer.user_id, psad_id=viewer.psad_id
        )
    ]


@bp.post("/jeunes/vues")
@sees_youth
def save_view() -> Page:
    form = forms.SaveViewForm()
    args = list_args(form.liste.data)
    if not form.validate():
        return _save_view_page(form, args)
    viewer, session = current_viewer(), db.session()
    assert viewer.psad_id is not None  # sees_youth guarantees a PSAD
    try:
        view, created = services.save_view(
            session,
            user_id=viewer.user_id,
            psad_id=viewer.psad_id,
            name=form.name.data,
            query=args.query_string(),
            actor=current_actor(),
        )
        session.commit()
    except (DomainError, IntegrityError) as error:  # a twin saved at the same instant
        session.rollback()
        form.name.errors = [
            error.message
            if isinstance(error, DomainError)
            else "Une vue de ce nom vient d'être enregistrée : réessayez."
        ]
        return _save_view_page(form, args)
    flash(f"Vue « {view.name} » {'enregistrée' if created else 'remplacée'}.", "success")
    return back_to_list(args)


def _save_view_page(form: forms.SaveViewForm, args: ListArgs) -> tuple[str, int]:
    return render_template("lists/save_view.html", form=form, args=args), 422


@bp.post(f"/jeunes/vues/<{RECORD_ID}:view_id>/suppression")
@sees_youth
def delete_view(view_id: int) -> Response:
    args = list_args(forms.ListForm().liste.data)
    viewer = current_viewer()
    assert viewer.psad_id is not None
    view = services.delete_view(
        db.session(),
        view_id=view_id,
        user_id=viewer.user_id,
        psad_id=viewer.psad_id,
        actor=current_actor(),
    )
    db.session.commit()
    flash(f"Vue « {view.name} » supprimée.", "success")
    return back_to_list(args)


# --- export ---------------------------------------------------------------------------------


@bp.get("/jeunes/export.xlsx")
@sees_youth
def export() -> Response:
    """The filtered list as a workbook, written to a temporary file (memory stays flat) that
    the response streams; contact details for pilotes and co-pilotes only."""
    viewer, today = current_viewer(), clock.today()
    membership = current_membership()
    assert membership is not None  # sees_youth guarantees a membership
    target = tempfile.TemporaryFile()  # noqa: SIM115  (closed by _streamed once sent)
    export_list(
        db.session(),
        scope=youth_scope(viewer),
        args=ListArgs.from_args(request.args),
        with_contacts=viewer.can_manage_cases,
        today=today,
        target=target,
        actor=current_actor(),
    )
    db.session.commit()
    size = target.tell()
    target.seek(0)
    code = "".join(c for c in membership.psad.code if c.isalnum() or c in "-_") or "psad"
    name = f"jeunes-{code}-{today}.xlsx"
    return Response(
        _streamed(target),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Length": str(size),
        },
    )


def _streamed(target: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes by blocks; the file is closed at the end, or when the client goes."""
    with target:
        while block := target.read(STREAM_BLOCK):
            yield block


# --- bulk actions ---------------------------------------------------------------------------


@bp.post("/jeunes/actions-groupees")
@manages
def bulk() -> Page:
    """From the list's toolbar: the rows checked, or every row of the filter, and the action;
    answers the page of the action's parameters."""
    form = forms.SelectionForm()
    args = list_args(form.liste.data)
    if not form.validate():
        for errors in form.errors.values():
            flash(" ".join(errors), "warning")
        return back_to_list(args)
    try:
        ids = _selection(form, args)
    except DomainError as error:
        flash(error.message, "warning")
        return back_to_list(args)
    action = BulkAction(form.action.data)
    data = {"selection": " ".join(map(str, ids)), "liste": args.query_string()}
    params = _bulk_form(action, formdata=None, data=data)
    return _params_page(action, params, 200)


def _selection(form: forms.SelectionForm, args: ListArgs) -> list[int]:
    return selected_ids(form, args, most=services.MAX_FILES)


BULK_TOO_MANY = (
    "Une action groupée porte sur {most} dossiers au plus ; cette sélection en compte "
    "{total}. Affinez le filtre."
)


def selected_ids(
    form: forms.SelectionForm, args: ListArgs, *, most: int, too_many: str = BULK_TOO_MANY
) -> list[int]:
    """The ids of the youth selected that the viewer sees: every youth of the list's filter
    (« tous »), or the rows checked (re-checked against the viewer's scope only, so that a
    youth who changed tab since the list was shown stays selected). More than ``most``:
    ``DomainError`` with ``too_many`` (« {most} », « {total} » filled in)."""
    session, scope = db.session(), youth_scope(current_viewer())
    if form.tous.data:
        listed = ordered(scope, args, clock.today())
        ids = queries.listed_ids(session, listed, limit=most + 1)
        total = len(ids) if len(ids) <= most else queries.listed_count(session, listed)
    else:
        checked = form.checked_ids()
        total = len(checked)
        ids = [] if total > most else [y.id for y in _youth(checked)]
    if total > most:
        raise DomainError(too_many.format(most=_number(most), total=_number(total)))
    if not ids:
        raise DomainError(
            "Cochez au moins un jeune de la liste, ou « Tous les résultats du filtre »."
        )
    return ids


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _youth(ids: Sequence[int]) -> list[Youth]:
    return queries.selected_youth(db.session(), youth_scope(current_viewer()), ids)


@bp.post("/jeunes/actions-groupees/<action>")
@manages
def bulk_action(action: str) -> Page:
    """The parameters sent (« Vérifier »): the confirmation page, which says how many files
    change; confirmed (« confirmer »): applied in one transaction, back to the list."""
    try:
        chosen = BulkAction(action)
    except ValueError:
        abort(404)
    form = _bulk_form(chosen)
    if "modifier" in request.form:
        return _params_page(chosen, form, 200)
    if not form.validate_on_submit():
        return _params_page(chosen, form, 422)
    youths = _youth(form.selected_ids())
    if "confirmer" not in request.form:
        return _confirm_page(chosen, form, youths, 200)
    return _apply(chosen, form, youths)


def _apply(action: BulkAction, form: forms.BulkForm, youths: list[Youth]) -> Page:
    """Apply the action confirmed, in one transaction; a file changed since the confirmation
    (or any refusal) rolls everything back and shows the confirmation counted afresh."""
    args, session = list_args(form.liste.data), db.session()
    try:
        plan = services.apply_bulk(
            session,
            youths=youths,
            change=_change(action, form),
            confirmed=form.confirmed_versions(),
            list_query=args.query_string(),
            who=_who(),
        )
        session.commit()
    except (DomainError, StaleDataError) as error:
        session.rollback()
        problem = error.message if isinstance(error, DomainError) else services.STALE_SELECTION
        status = error.status_code if isinstance(error, DomainError) else 409
        return _confirm_page(action, form, _youth(form.selected_ids()), status, problem=problem)
    flash(_done(plan), "success")
    return back_to_list(args)


def _who() -> services.Who:
    return services.Who(
        by=current_user._get_current_object(), now=clock.now(), actor=current_actor()
    )


def _done(plan: services.Plan) -> str:
    """« 2 dossiers modifiés. », and how many were left as they were."""
    many, left = plan.count > 1, plan.left_count
    done = f"{plan.count} dossier{'s' if many else ''} modifié{'s' if many else ''}."
    if left:
        s = "s" if left > 1 else ""
        done += f" {left} laissé{s} tel{s} quel{s}."
    return done


def _bulk_form(action: BulkAction, **kwargs: object) -> forms.BulkForm:
    """The action's form, its choices those of the single file's form."""
    session, psad_id = db.session(), current_viewer().psad_id
    assert psad_id is not None
    structures = list(active_structures(session, psad_id))
    if action is BulkAction.REFERENT:
        users = list(referent_candidates(session, psad_id))
        return forms.ReferentBulkForm(users=users, structures=structures, **kwargs)
    if action is BulkAction.TASK:
        task_form = forms.TaskBulkForm(
            today=clock.today(),
            me=current_user._get_current_object(),
            users=referent_candidates(session, psad_id),
            structures=structures,
            **kwargs,
        )
        if kwargs.get("formdata", True) is None:  # first shown: for me, today
            due_on: Field = task_form.due_on
            task_form.assignee.data, due_on.data = f"user:{current_user.id}", clock.today()
        return task_form
    close_form = forms.CloseBulkForm(**kwargs)
    close_form.offer(
        active_items(session, ReferenceKind.CLOSING_REASON),
        active_items(session, ReferenceKind.SOLUTION),
    )
    return close_form


def _one(kind: ReferenceKind, code: str | None) -> ReferenceItem | None:
    return next(iter(items_by_codes(db.session(), kind, [code] if code else [])), None)


def _change(action: BulkAction, form: forms.BulkForm) -> services.Change:
    """The action with the parameters of its validated form."""
    if isinstance(form, forms.ReferentBulkForm):
        return services.ReferentChange(
            user=form.chosen_user(),
            structure=form.chosen_structure(),
            keep_user=form.keeps_user(),
            keep_structure=form.keeps_structure(),
        )
    if isinstance(form, forms.TaskBulkForm):
        user, structure = form.chosen()
        return services.TaskChange(
            title=form.title.data, due_on=date_of(form.due_on), user=user, structure=structure
        )
    assert isinstance(form, forms.CloseBulkForm)
    reason = _one(ReferenceKind.CLOSING_REASON, form.reason.data)
    assert reason is not None  # one of the choices
    return services.CloseChange(
        reason=reason,
        known_to_partner=KnownToPartner(form.known_to_partner.data),
        solution=_one(ReferenceKind.SOLUTION, form.solution.data),
        solution_since=form.solution_since.data,
        on=clock.today(),
    )


def _params_page(action: BulkAction, form: forms.BulkForm, status: int) -> tuple[str, int]:
    return render_template(
        "lists/bulk_params.html",
        action=action,
        form=form,
        selected=len(form.selected_ids()) if not form.selection.errors else 0,
        args=list_args(form.liste.data),
    ), status


def _confirm_page(
    action: BulkAction,
    form: forms.BulkForm,
    youths: list[Youth],
    status: int,
    problem: str | None = None,
) -> tuple[str, int]:
    plan = services.plan_bulk(youths, _change(action, form))
    form.versions.data = " ".join(f"{case_id}:{v}" for case_id, v in plan.versions.items())
    return render_template(
        "lists/bulk_confirm.html",
        action=action,
        form=form,
        plan=plan,
        summary=form.described(),
        args=list_args(form.liste.data),
        problem=problem,
    ), status

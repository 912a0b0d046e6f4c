"""A youth's dispositifs and orientations: the detailed eligibility on a date, the orient form
(a dispositif and a site, or a vacant place for the return to school), and one page per step
of an orientation (accept, refuse, start, complete, abandon, cancel, news).

The youth must be in the viewer's scope (404 otherwise), and so must the orientation; a step
is for those ``may_update`` allows (403 otherwise). A full site asks for a confirmation (409).
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from psad import clock
from psad.access.orientations import may_update, orientation_scope
from psad.access.youth import get_visible_youth_or_404
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.errors import DomainError, NotFoundError
from psad.extensions import db
from psad.followup.legal_forms import date_of
from psad.orientations import file, forms, services
from psad.orientations.eligibility_page import eligibility_page
from psad.orientations.models import (
    Orientation,
    Programme,
    ProgrammeSite,
    RefusedBy,
    VacantPlace,
)
from psad.orientations.views import bp
from psad.web.access import NO_NAMES, requires
from psad.web.forms import FrenchForm
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID
from psad.youth.models import Youth

RETURN_TO_SCHOOL = "RETOUR_FI"
NOT_FOUND = "Cette orientation n'existe pas ou ne concerne pas un jeune de vos dossiers."
NO_PLACE = "Cette place vacante n'existe pas ou n'a pas été déclarée dans la PSAD du jeune."
NOT_YOURS = (
    "Seuls le pilote, le co-pilote, la structure qui suit le jeune et la structure qui "
    "l'accueille peuvent faire avancer cette orientation."
)
Page = Response | str | tuple[str, int]

orienters = requires(lambda viewer: viewer.can_orient, NO_NAMES)


# --- « Éligibilité détaillée » -----------------------------------------------------------------


@bp.get(f"/jeunes/<{RECORD_ID}:youth_id>/dispositifs")
@orienters
def eligibility(youth_id: int) -> Page:
    session, today = db.session(), clock.today()
    youth = get_visible_youth_or_404(session, youth_id, current_viewer())
    form = forms.EligibilityDateForm(request.args)
    if not form.validate():
        return render_template("orientations/eligibility.html", youth=youth, form=form), 422
    on: date = form.date.data or today
    forms.set_date(form.date, on)
    audit.record(
        session, current_actor(), AuditAction.ELIGIBILITY_VIEWED,
        object_type="youth", object_id=youth.id, detail=f"date={on.isoformat()}",
    )  # fmt: skip
    session.commit()  # before the page is read: a commit expires what it loaded
    page = eligibility_page(session, youth=youth, on=on)
    return render_template("orientations/eligibility.html", youth=youth, form=form, page=page)


# --- orienting a youth -------------------------------------------------------------------------


@bp.route(f"/jeunes/<{RECORD_ID}:youth_id>/orientations/nouvelle", methods=["GET", "POST"])
@orienters
def orient(youth_id: int) -> Page:
    session, today = db.session(), clock.today()
    youth = get_visible_youth_or_404(session, youth_id, current_viewer())
    if youth.open_case is None:
        raise services.ClosedCaseError(services.CASE_CLOSED)
    vacancy = _vacancy(youth, request.args.get("place", type=int))
    form, options = _orient_form(youth, vacancy, today)
    if not form.validate_on_submit():
        return _orient_page(youth, form, vacancy, 422 if form.is_submitted() else 200)
    programme, site = _chosen(form, options, vacancy)
    try:
        services.propose_orientation(
            session, case=youth.open_case, programme=programme, site=site, vacancy=vacancy,
            on=date_of(form.on), by=current_user._get_current_object(), actor=current_actor(),
            comment=form.comment.data, confirm_full=bool(form.confirm_full.data),
        )  # fmt: skip
        session.commit()
    except DomainError as error:
        session.rollback()
        return _orient_page(youth, form, vacancy, error.status_code, error=error)
    flash(f"Orientation proposée : {programme.name}.", "success")
    return redirect(url_for("youth.detail", youth_id=youth.id))


def _vacancy(youth: Youth, vacancy_id: int | None) -> VacantPlace | None:
    if vacancy_id is None:
        return None
    vacancy = db.session.get(VacantPlace, vacancy_id)
    if vacancy is None or vacancy.psad_id != youth.psad_id:
        raise NotFoundError(NO_PLACE)
    return vacancy


def _orient_form(
    youth: Youth, vacancy: VacantPlace | None, today: date
) -> tuple[forms.OrientForm, dict[str, file.Option]]:
    """The form, its « dispositif · site » choices (none for a vacant place: the return to
    school), the date set to today and the choice asked by ``?choix=``."""
    form = forms.OrientForm()
    if vacancy is not None:
        del form.choice
        return _prefilled(form, today), {}
    groups = file.orient_options(db.session(), youth, today)
    form.choice.choices = [
        SelectChoice("", "(choisir un dispositif)"),
        *(
            SelectChoice(option.value, option.label, optgroup=family)
            for family, options in groups
            for option in options
        ),
    ]
    if not form.is_submitted():
        form.choice.data = request.args.get("choix")
    return _prefilled(form, today), {o.value: o for _, options in groups for o in options}


def _prefilled(form: forms.OrientForm, today: date) -> forms.OrientForm:
    if not form.is_submitted():
        forms.set_date(form.on, today)
    return form


def _chosen(
    form: forms.OrientForm, options: dict[str, file.Option], vacancy: VacantPlace | None
) -> tuple[Programme, ProgrammeSite | None]:
    if vacancy is None:
        option = options[form.choice.data]
        return option.programme, option.site
    programme = db.session.scalar(select(Programme).where(Programme.code == RETURN_TO_SCHOOL))
    if programme is None:
        raise NotFoundError("Le dispositif « Retour en formation initiale » manque au catalogue.")
    return programme, None


def _orient_page(
    youth: Youth,
    form: forms.OrientForm,
    vacancy: VacantPlace | None,
    status: int,
    error: DomainError | None = None,
) -> tuple[str, int]:
    problem = _problem(form, error)
    full = isinstance(error, services.SiteFullError) or bool(form.confirm_full.data)
    return render_template(
        "orientations/orient.html",
        youth=youth, form=form, vacancy=vacancy, problem=problem, full=full,
    ), status  # fmt: skip


def _problem(form: FrenchForm, error: Exception | None) -> str | None:
    """The message of a refused save: under its field when it names one, else on top."""
    if error is None:
        return None
    message = error.message if isinstance(error, DomainError) else services.STALE
    field = getattr(error, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, message]
        return None
    return message


# --- the steps of an orientation ----------------------------------------------------------------


@bp.route(f"/orientations/<{RECORD_ID}:orientation_id>/<etape>", methods=["GET", "POST"])
@orienters
def step(orientation_id: int, etape: str) -> Page:
    action = file.ACTION_BY_SLUG.get(etape) or abort(404)
    orientation = _orientation(orientation_id)
    services.check_step(orientation, action.to)
    form = _step_form(etape, orientation)
    if not form.validate_on_submit():
        return _step_page(orientation, action, form, 422 if form.is_submitted() else 200)
    try:
        _record(orientation, action, form)
        db.session.commit()
    except (DomainError, StaleDataError) as error:
        db.session.rollback()
        status = error.status_code if isinstance(error, DomainError) else 409
        form.version.data = str(orientation.version)  # a new try stands on what is there now
        return _step_page(orientation, action, form, status, error=error)
    flash(action.done, "success")
    return redirect(url_for("youth.detail", youth_id=orientation.youth_id))


def _orientation(orientation_id: int) -> Orientation:
    """The orientation, if its youth is in the viewer's scope (404) and the viewer may move
    it on (403)."""
    viewer = current_viewer()
    orientation = db.session.scalar(
        select(Orientation).where(Orientation.id == orientation_id, orientation_scope(viewer))
    )
    if orientation is None:
        raise NotFoundError(NOT_FOUND)
    if not may_update(viewer, orientation):
        abort(403, description=NOT_YOURS)
    return orientation


def _step_form(etape: str, orientation: Orientation) -> forms.StepForm:
    form = forms.STEP_FORMS[etape]()
    if not form.is_submitted():
        form.version.data = str(orientation.version)
        forms.set_date(form.on, clock.today())
    return form


def _record(orientation: Orientation, action: file.Action, form: forms.StepForm) -> None:
    session, by, actor = db.session(), current_user._get_current_object(), current_actor()
    comment = form["comment"].data if "comment" in form else None
    if action.to is None:
        services.record_news(
            session, orientation=orientation, on=date_of(form.on), by=by, actor=actor,
            comment=comment, expected_version=form.expected_version(),
        )  # fmt: skip
        return
    refused_by = form["refused_by"].data if "refused_by" in form else None
    services.change_status(
        session, orientation=orientation, to=action.to, on=date_of(form.on), by=by, actor=actor,
        reason=form["reason"].data if "reason" in form else None, comment=comment,
        refused_by=RefusedBy(refused_by) if refused_by else None,
        expected_version=form.expected_version(),
        confirm_full=bool("confirm_full" in form and form["confirm_full"].data),
    )  # fmt: skip


def _step_page(
    orientation: Orientation,
    action: file.Action,
    form: forms.StepForm,
    status: int,
    error: Exception | None = None,
) -> tuple[str, int]:
    problem = _problem(form, error)
    full = isinstance(error, services.SiteFullError) or bool(
        "confirm_full" in form and form["confirm_full"].data
    )
    [row] = file.rows_of(db.session(), [orientation], may_update=lambda _: False)
    return render_template(
        "orientations/step.html",
        youth=orientation.youth, row=row, action=action, form=form, problem=problem, full=full,
    ), status  # fmt: skip

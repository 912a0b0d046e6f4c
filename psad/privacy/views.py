"""« Conservation des données »: a PSAD's retention rule, and what the next run will do (the
cases it closes at the age limit, the youth it anonymises). The pilote of the PSAD and the
administrators; an administrator sees no name (file numbers only)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from psad import clock
from psad.auth.models import Psad
from psad.committees.rhythm import long_date_fr
from psad.errors import DomainError
from psad.extensions import db
from psad.privacy import retention
from psad.privacy.forms import RetentionRuleForm
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import MAX_PAGE, RECORD_ID, requested_page

bp = Blueprint("privacy", __name__)

RETENTION_ONLY = (
    "La conservation des données d'une PSAD est réservée à son pilote et aux administrateurs."
)
manages_retention = requires(lambda viewer: viewer.can_manage_retention, RETENTION_ONLY)


def _psad_or_404(psad_id: int) -> Psad:
    """The PSAD; a pilote's other PSAD answers as one that does not exist."""
    viewer = current_viewer()
    psad = db.session.get(Psad, psad_id)
    if psad is None or not (viewer.is_admin or viewer.psad_id == psad.id):
        abort(404)
    return psad


def _cases_page() -> int:
    page = request.args.get("page_dossiers", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


@bp.route(f"/psad/<{RECORD_ID}:psad_id>/conservation", methods=["GET", "POST"])
@manages_retention
def retention_page(psad_id: int) -> Response | tuple[str, int] | str:
    psad, session = _psad_or_404(psad_id), db.session()
    form = RetentionRuleForm(obj=psad)
    if form.validate_on_submit():
        try:
            changed = retention.set_rule(
                session,
                psad=psad,
                age=form.retention_age.data or 0,
                years_after_close=form.retention_years_after_close.data or 0,
                actor=current_actor(),
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            session.commit()
            if changed:
                flash("Règle de conservation enregistrée.", "success")
            else:
                flash("Aucun changement : la règle était déjà celle-là.", "info")
            return redirect(url_for("privacy.retention_page", psad_id=psad.id))
    page = _render(psad, form)
    return (page, 422) if form.is_submitted() else page


def _render(psad: Psad, form: RetentionRuleForm) -> str:
    """The rule's form, and what the next run (tonight at 01:30) will do."""
    session, day, at = db.session(), retention.next_run_day(clock.now()), retention.RUN_AT
    return render_template(
        "privacy/retention.html",
        psad=psad,
        form=form,
        rule=retention.RetentionRule.of(psad),
        day_label=f"{long_date_fr(day)} à {at.hour} h {at:%M}",
        run_at=at,
        closing=retention.cases_to_close_page(session, psad, day, _cases_page()),
        due=retention.youth_due_page(session, psad, day, requested_page()),
        names=_names_shown(psad),
    )


def _names_shown(psad: Psad) -> bool:
    """Names only to who sees this PSAD's youth: an administrator opening another PSAD's
    page (even one who is a member of some PSAD) sees file numbers."""
    viewer = current_viewer()
    return viewer.sees_youth and viewer.psad_id == psad.id

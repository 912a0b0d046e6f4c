"""A PSAD's reminder thresholds and whether its digests give initials: administrators for any
PSAD, the pilote for the PSAD they work in."""

from __future__ import annotations

from dataclasses import asdict

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from psad import clock
from psad.auth.models import Psad
from psad.extensions import db
from psad.reminders import preferences
from psad.reminders.forms import ReminderRulesForm
from psad.reminders.views import bp
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID

RULES_ONLY = "Les seuils de rappel d'une PSAD sont réservés à son pilote et aux administrateurs."
sets_rules = requires(lambda viewer: viewer.can_set_reminder_rules, RULES_ONLY)


@bp.route(f"/psad/<{RECORD_ID}:psad_id>/rappels", methods=["GET", "POST"])
@sets_rules
def rules(psad_id: int) -> Response | tuple[str, int] | str:
    viewer, session = current_viewer(), db.session()
    psad = session.get(Psad, psad_id)
    # A pilote sets their current PSAD's; another PSAD answers as one that does not exist.
    if psad is None or not (viewer.is_admin or viewer.psad_id == psad.id):
        abort(404)
    defaults = preferences.default_days(current_app.extensions["psad_settings"].reminders)
    current = preferences.rules_of(session, psad.id)
    form = ReminderRulesForm(data=asdict(current))
    form.describe_defaults(defaults)
    if not form.validate_on_submit():
        page = render_template("reminders/rules.html", form=form, psad=psad)
        return page, 422 if form.is_submitted() else 200
    changed = preferences.save_rules(
        session,
        psad_id=psad.id,
        values=form.values(),
        by=current_user,
        now=clock.now(),
        actor=current_actor(),
    )
    session.commit()
    if changed:
        flash("Seuils enregistrés.", "success")
    else:
        flash("Aucun changement : les seuils étaient déjà ceux-là.", "info")
    return redirect(url_for("reminders.rules", psad_id=psad.id))

"""« Mon compte »: who the user is, their PSADs and roles, and how often they get the digest."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from psad.auth.models import User
from psad.extensions import db
from psad.reminders.forms import DigestPreferenceForm
from psad.reminders.preferences import set_digest_frequency
from psad.reminders.views import bp
from psad.web.session import current_actor

MAIL_OFF = (
    "L'envoi de courriels est désactivé sur ce serveur : vos rappels restent visibles dans "
    "l'application."
)


@bp.route("/compte/rappels", methods=["GET", "POST"])
@login_required
def account() -> Response | tuple[str, int] | str:
    user: User = current_user
    form = DigestPreferenceForm(data={"frequency": user.digest_frequency.value})
    if not form.validate_on_submit():
        page = render_template(
            "reminders/account.html",
            form=form,
            user=user,
            mail_enabled=current_app.extensions["psad_settings"].mail.enabled,
            mail_off=MAIL_OFF,
        )
        return page, 422 if form.is_submitted() else 200
    set_digest_frequency(db.session(), user=user, frequency=form.chosen(), actor=current_actor())
    db.session.commit()
    flash("Préférence enregistrée.", "success")
    return redirect(url_for("reminders.account"))

"""« Mot de passe oublié » : asking for a reset link by e-mail, and choosing a new password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from psad import clock
from psad.auth import reset
from psad.auth.login import policy_of
from psad.auth.reset_forms import NewPasswordForm, ResetRequestForm
from psad.auth.services import InvalidPasswordError
from psad.config import Settings
from psad.extensions import db

bp = Blueprint("reset", __name__)

UNAVAILABLE = (
    "Le mot de passe oublié ne peut pas être réinitialisé par courriel sur cette installation "
    "(l'envoi de courriels ou l'adresse publique de l'application n'est pas configuré) : "
    "demandez à un administrateur de l'application de vous donner un nouveau mot de passe."
)
DONE = "Votre mot de passe a été changé : connectez-vous avec le nouveau mot de passe."
Page = Response | tuple[str, int] | str


def _settings() -> Settings:
    settings: Settings = current_app.extensions["psad_settings"]
    return settings


def _policy(settings: Settings) -> reset.ResetPolicy:
    login = policy_of(settings.auth, secret=settings.web.secret_key)
    return reset.reset_policy_of(settings.auth, login=login)


@bp.route("/connexion/oubli", methods=["GET", "POST"])
def forgot() -> Page:
    """The same answer for every address: nothing tells whether an account exists."""
    settings = _settings()
    base_url = settings.web.base_url
    if not settings.mail.enabled or not base_url:
        status = 503 if request.method == "POST" else 200
        return render_template("auth/reset_unavailable.html", message=UNAVAILABLE), status
    form = ResetRequestForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("auth/reset_request.html", form=form), status
    reset.request_reset(
        db.session(),
        email=form.email.data or "",
        ip_address=request.remote_addr,
        now=clock.now(),
        policy=_policy(settings),
        base_url=base_url,
    )
    db.session.commit()
    return redirect(url_for("reset.sent"))


@bp.get("/connexion/oubli/envoye")
def sent() -> str:
    life = reset.link_life_label(_policy(_settings()).link_life)
    return render_template("auth/reset_sent.html", life=life)


@bp.route("/connexion/nouveau/<token>", methods=["GET", "POST"])
def choose_password(token: str) -> Page:
    """The link of the e-mail: a new password, once; the link is never written to a log."""
    if reset.valid_link(db.session(), token=token, now=clock.now()) is None:
        return _link_gone()
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return _new_password_page(form, 422 if form.is_submitted() else 200)
    try:
        reset.reset_password(
            db.session(),
            token=token,
            new=form.new.data or "",
            now=clock.now(),
            policy=_policy(_settings()),
            ip_address=request.remote_addr,
        )
    except reset.ResetLinkInvalidError:
        db.session.rollback()
        return _link_gone()
    except InvalidPasswordError as error:
        db.session.rollback()
        form.new.errors = [error.message]
        return _new_password_page(form, 422)
    db.session.commit()
    if current_user.is_authenticated:  # this browser's session ended with the others
        logout_user()
        session.clear()
    flash(DONE, "success")
    return redirect(url_for("auth.login"))


def _new_password_page(form: NewPasswordForm, status: int) -> Response:
    return _without_referrer(render_template("auth/reset_password.html", form=form), status)


def _link_gone() -> Response:
    return _without_referrer(
        render_template("auth/reset_invalid.html", message=reset.LINK_GONE), 404
    )


def _without_referrer(page: str, status: int) -> Response:
    """The page's address holds the token: no link followed from it may carry it away."""
    response = current_app.make_response((page, status))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response

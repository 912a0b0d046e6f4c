"""Log-in, log-out, password change and switching PSAD."""

from __future__ import annotations

from urllib.parse import urlsplit

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
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth import services, twofactor
from psad.auth.forms import ConfirmForm, LoginForm, PasswordChangeForm, SwitchPsadForm
from psad.auth.login import LoginError, LoginPolicy, authenticate, policy_of
from psad.auth.models import SessionEnd, User
from psad.errors import DomainError
from psad.extensions import db
from psad.web.session import (
    await_second_factor,
    current_actor,
    current_session,
    end_current_session,
    start_session,
)

bp = Blueprint("auth", __name__)


def login_policy() -> LoginPolicy:
    settings = current_app.extensions["psad_settings"]
    return policy_of(settings.auth, secret=settings.web.secret_key)


def safe_next(target: str | None) -> str:
    """A path of this site to go to after log-in; anything else goes home."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
        and "\\" not in target
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("home.index")


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("auth/login.html", form=form), status
    email, now, policy, address = (
        form.email.data or "",
        clock.now(),
        login_policy(),
        request.remote_addr,
    )
    try:
        # an account locked by wrong codes answers as one locked by wrong passwords
        twofactor.ensure_codes_not_locked(
            db.session(), email=email, now=now, policy=policy, ip_address=address
        )
        user = authenticate(
            db.session(),
            email=email,
            password=form.password.data or "",
            now=now,
            policy=policy,
            ip_address=address,
        )
    except LoginError as error:
        db.session.commit()  # keep the failure count and the audit event
        form.password.errors = [error.message]
        return render_template("auth/login.html", form=form, error=error.message), error.status_code
    if user.has_two_factor:
        db.session.commit()
        await_second_factor(user)
        return redirect(url_for("twofactor.code", next=request.args.get("next")))
    return signed_in(user, request.args.get("next"))


def signed_in(user: User, target: str | None) -> Response:
    """Open the session (committing the log-in's audit event with it) and go on."""
    start_session(user)
    if user.memberships:
        session["psad_id"] = user.memberships[0].psad_id
    flash(f"Bienvenue, {user.full_name}.", "success")
    return redirect(safe_next(target))


@bp.post("/deconnexion")
@login_required
def logout() -> Response:
    form = ConfirmForm()
    if form.validate_on_submit():
        audit.record(
            db.session(),
            current_actor(),
            AuditAction.LOGOUT,
            object_type="user",
            object_id=current_user.id,
        )
        end_current_session(SessionEnd.LOGOUT)
        db.session.commit()
        flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password() -> Response | tuple[str, int] | str:
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("auth/password.html", form=form), status
    try:
        services.change_password(
            db.session(),
            user=current_user,
            current=form.current.data or "",
            new=form.new.data or "",
            now=clock.now(),
            policy=login_policy(),
            actor=current_actor(),
            keep=current_session(),
        )
    except DomainError as error:
        db.session.rollback()
        field = form.current if isinstance(error, services.WrongCurrentPasswordError) else form.new
        field.errors = [error.message]
        return render_template("auth/password.html", form=form), 422
    db.session.commit()
    flash("Votre mot de passe a été changé.", "success")
    return redirect(url_for("home.index"))


@bp.post("/psad/changer")
@login_required
def switch_psad() -> Response:
    form = SwitchPsadForm()
    form.psad_id.choices = [(m.psad_id, m.psad.name) for m in current_user.memberships]
    if form.validate_on_submit():
        session["psad_id"] = form.psad_id.data
        audit.record(
            db.session(),
            current_actor(),
            AuditAction.PSAD_SWITCHED,
            object_type="psad",
            object_id=form.psad_id.data,
            psad_id=form.psad_id.data,
        )
        db.session.commit()
        flash("PSAD changée.", "info")
    else:
        flash("Cette PSAD ne fait pas partie des vôtres.", "danger")
    return redirect(url_for("home.index"))

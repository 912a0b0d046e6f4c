"""Two-factor log-in: the code after the password, enrolment, recovery codes, a PSAD's rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Protocol

import segno
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as browser
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from psad import clock
from psad.audit.services import Actor
from psad.auth import twofactor
from psad.auth.login import LoginPolicy
from psad.auth.models import Psad, Role, SessionEnd, User
from psad.auth.sessions import end_user_sessions
from psad.auth.twofactor_forms import (
    CodeForm,
    DisableForm,
    EnrolForm,
    RecoveryCodeForm,
    RenewCodesForm,
    RequirementForm,
)
from psad.auth.views import login_policy, safe_next, signed_in
from psad.errors import DomainError
from psad.extensions import db
from psad.web.access import requires
from psad.web.session import current_actor, current_session, current_viewer, second_factor_user
from psad.web.urls import RECORD_ID

bp = Blueprint("twofactor", __name__)

ACCOUNT = "/compte/double-authentification"
# The fingerprint of the enrolment secret this browser was shown (see begin_enrolment).
SHOWN_KEY = "totp_shown"
TOO_LATE = "Votre connexion a expiré : saisissez de nouveau votre adresse et votre mot de passe."
PILOT_OR_ADMIN = (
    "Le réglage de la double authentification d'une PSAD est réservé à son pilote et aux "
    "administrateurs."
)
Page = Response | tuple[str, int] | str


class CodeCheck(Protocol):
    """A service that takes a code typed by ``user`` (and raises a DomainError if refused)."""

    def __call__(
        self,
        session: Session,
        *,
        user: User,
        code: str,
        now: datetime,
        policy: LoginPolicy,
        actor: Actor,
    ) -> object: ...


# --- log-in: the second step -----------------------------------------------------------------


@bp.route("/connexion/code", methods=["GET", "POST"])
def code() -> Page:
    return _second_step(CodeForm(), "auth/two_factor_code.html", twofactor.check_code)


@bp.route("/connexion/code-de-secours", methods=["GET", "POST"])
def recovery() -> Page:
    return _second_step(
        RecoveryCodeForm(), "auth/two_factor_recovery.html", twofactor.use_recovery_code
    )


def _second_step(form: CodeForm | RecoveryCodeForm, template: str, check: CodeCheck) -> Page:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    target = request.args.get("next")
    user = second_factor_user()
    if user is None:
        flash(TOO_LATE, "warning")
        return redirect(url_for("auth.login", next=target))
    if not form.validate_on_submit():
        return render_template(template, form=form, target=target), _status(form)
    try:
        codes_left = check(
            db.session(),
            user=user,
            code=form.code.data or "",
            now=clock.now(),
            policy=login_policy(),
            actor=Actor(user_id=user.id, psad_id=None, ip_address=request.remote_addr),
        )
    except DomainError as error:
        db.session.commit()  # keep the failure count and the audit event
        form.code.errors = [error.message]
        return render_template(template, form=form, target=target), error.status_code
    response = signed_in(user, target)
    if isinstance(codes_left, int):  # a recovery code: how many remain
        advice = " Renouvelez-les dans « Double authentification »." if codes_left <= 3 else ""
        flash(f"Code de secours accepté : il vous en reste {codes_left}.{advice}", "warning")
    return response


# --- « Mon compte » → « Double authentification » ---------------------------------------------


@bp.get(ACCOUNT)
@login_required
def account() -> Page:
    user: User = current_user._get_current_object()
    if not user.has_two_factor:
        secret = twofactor.begin_enrolment(user, shown=browser.get(SHOWN_KEY))
        db.session.commit()  # the secret stays the same if this browser opens the page again
        browser[SHOWN_KEY] = twofactor.fingerprint(secret)
    return _account_page(user)


@bp.post(f"{ACCOUNT}/activer")
@login_required
def enrol() -> Page:
    user: User = current_user._get_current_object()
    form = EnrolForm()
    if user.has_two_factor:
        return redirect(url_for("twofactor.account"))
    if form.validate_on_submit() and browser.get(SHOWN_KEY) != twofactor.fingerprint(
        user.totp_secret
    ):
        flash(twofactor.KEY_CHANGED, "warning")  # the page shows a new key
        return redirect(url_for("twofactor.account", next=request.args.get("next")))
    confirm = partial(twofactor.confirm_enrolment, shown=browser.get(SHOWN_KEY))
    return _act(user, form, confirm, "Double authentification activée.", then=_end_other_sessions)


def _end_other_sessions(user: User) -> None:
    """Sessions opened with the password alone, before the second factor: they end."""
    browser.pop(SHOWN_KEY, None)
    end_user_sessions(
        db.session(),
        user_id=user.id,
        now=clock.now(),
        reason=SessionEnd.TWO_FACTOR_ENABLED,
        keep=current_session(),
    )


@bp.post(f"{ACCOUNT}/codes-de-secours")
@login_required
def renew_codes() -> Page:
    user: User = current_user._get_current_object()
    return _act(
        user,
        RenewCodesForm(),
        twofactor.renew_recovery_codes,
        "Codes de secours renouvelés : les anciens ne fonctionnent plus.",
    )


@bp.post(f"{ACCOUNT}/desactiver")
@login_required
def disable() -> Page:
    user: User = current_user._get_current_object()
    form = DisableForm()
    if not form.validate_on_submit():
        return _account_page(user, disable_form=form)
    try:
        _run(twofactor.disable, user, form)
    except twofactor.TwoFactorRequiredError as error:
        flash(error.message, "danger")
        return _account_page(user, status=error.status_code)
    except DomainError as error:
        db.session.commit()  # a wrong code is counted and audited
        form.code.errors = [error.message]
        return _account_page(user, disable_form=form, status=error.status_code)
    db.session.commit()
    flash("Double authentification désactivée.", "success")
    return redirect(url_for("twofactor.account"))


def _act(
    user: User,
    form: CodeForm,
    action: CodeCheck,
    done: str,
    *,
    then: Callable[[User], None] | None = None,
) -> Page:
    """Enrol or renew the codes (and ``then``, in the same transaction), then show the ten
    recovery codes, once."""
    forms = {"enrol_form" if isinstance(form, EnrolForm) else "renew_form": form}
    if not form.validate_on_submit():
        return _account_page(user, **forms)
    try:
        codes = _run(action, user, form)
    except DomainError as error:
        db.session.commit()  # a wrong code is counted and audited
        form.code.errors = [error.message]
        return _account_page(user, status=error.status_code, **forms)
    if then is not None:
        then(user)
    db.session.commit()
    flash(done, "success")
    page = render_template(
        "auth/two_factor_codes.html", codes=codes, target=safe_next(request.args.get("next"))
    )
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "no-store"  # shown once: kept by no cache
    return response


def _run(action: CodeCheck, user: User, form: CodeForm) -> object:
    """``action`` for the signed-in user with the code of ``form``."""
    return action(
        db.session(),
        user=user,
        code=form.code.data or "",
        now=clock.now(),
        policy=login_policy(),
        actor=current_actor(),
    )


def _account_page(
    user: User,
    *,
    enrol_form: EnrolForm | None = None,
    renew_form: RenewCodesForm | None = None,
    disable_form: DisableForm | None = None,
    status: int | None = None,
) -> tuple[str, int]:
    settings = current_app.extensions["psad_settings"]
    context: dict[str, object] = {
        "user": user,
        "required": twofactor.requiring_psads(user),
        "target": request.args.get("next"),
    }
    if user.has_two_factor:
        context.update(
            codes_left=twofactor.recovery_codes_left(db.session(), user),
            renew_form=renew_form or RenewCodesForm(formdata=None),
            disable_form=disable_form or DisableForm(formdata=None),
        )
    elif user.totp_secret:
        uri = twofactor.provisioning_uri(
            user.totp_secret, email=user.email, issuer=settings.auth.totp_issuer
        )
        context.update(
            qr_code=_qr_svg(uri),
            secret=twofactor.grouped(user.totp_secret, 4),
            enrol_form=enrol_form or EnrolForm(formdata=None),
        )
    page = render_template("auth/two_factor_account.html", **context)
    return page, status or (422 if request.method == "POST" else 200)


def _qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG, drawn here (no external service), with an accessible name."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", svgclass="psad-qr", lineclass=None
    )
    label = "Code QR à scanner avec votre application d'authentification"
    # segno's markup holds only shapes (the URI is drawn as modules, never written as text)
    # and the label is the app's own: nothing typed by anyone is marked safe
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # nosec B704


# --- a PSAD's rule: the pilote of the PSAD or an administrator --------------------------------


@bp.route(f"/psad/<{RECORD_ID}:psad_id>/double-authentification", methods=["GET", "POST"])
@requires(lambda viewer: viewer.is_admin or viewer.role is Role.PILOT, PILOT_OR_ADMIN)
def requirement(psad_id: int) -> Page:
    viewer, psad = current_viewer(), db.session.get(Psad, psad_id)
    if psad is None or not (viewer.is_admin or viewer.psad_id == psad.id):
        abort(404)  # a pilote sets their current PSAD's; another answers as one that is not
    form = RequirementForm(data={"two_factor_required": psad.two_factor_required})
    if not form.validate_on_submit():
        page = render_template(
            "auth/two_factor_requirement.html",
            psad=psad,
            form=form,
            without=twofactor.members_without_two_factor(db.session(), psad),
        )
        return page, 422 if form.is_submitted() else 200
    required = bool(form.two_factor_required.data)
    twofactor.set_requirement(db.session(), psad=psad, required=required, actor=current_actor())
    db.session.commit()
    flash(
        "Double authentification "
        f"{'obligatoire' if required else 'facultative'} pour les membres de {psad.name}.",
        "success",
    )
    return redirect(url_for("twofactor.requirement", psad_id=psad.id))


def _status(form: CodeForm | RecoveryCodeForm) -> int:
    return 422 if form.is_submitted() else 200

"""Who is acting: the signed-in session (checked in the database), the user, PSAD and role."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from psad import clock
from psad.access.viewer import Viewer
from psad.audit.services import Actor
from psad.auth import sessions, twofactor
from psad.auth.models import Membership, SessionEnd, User, UserSession
from psad.extensions import db, login_manager

TOKEN_KEY = "sid"
SESSION_ENDED = "Votre session a pris fin : reconnectez-vous."
ENDED_MESSAGES = {
    SessionEnd.IDLE: "Votre session a expiré après une période d'inactivité : reconnectez-vous.",
    SessionEnd.EXPIRED: "Votre session a atteint sa durée maximale : reconnectez-vous.",
    SessionEnd.PASSWORD_CHANGED: "Le mot de passe de ce compte a changé : reconnectez-vous.",
    SessionEnd.ACCOUNT_CHANGED: "Ce compte a été modifié par un administrateur : reconnectez-vous.",
    SessionEnd.TWO_FACTOR_ENABLED: (
        "La double authentification vient d'être activée sur ce compte : reconnectez-vous."
    ),
    SessionEnd.PASSWORD_RESET: (
        "Le mot de passe de ce compte a été réinitialisé : reconnectez-vous."
    ),
}
# Between the password and the code: who, until when (a signed cookie, no session yet).
SECOND_FACTOR_KEY = "second_factor"
SECOND_FACTOR_TIME = timedelta(minutes=5)
# What a user whose PSAD requires a second factor may open before enrolling.
OPEN_BEFORE_ENROLMENT = {
    "static",
    "bootstrap.static",
    "auth.logout",
    "twofactor.account",
    "twofactor.enrol",
    "twofactor.code",
    "twofactor.recovery",
}
PUBLIC_BLUEPRINTS = {"reply"}  # the youth's reply pages and the SMS gateway's webhook


def init(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        # Only a session checked live by _check_session (this request) opens an account.
        live: UserSession | None = g.get("user_session")
        if live is None or str(live.user_id) != user_id:
            return None
        user = db.session.get(User, live.user_id)
        # A deactivated account loses its open sessions at once, not at their next log-in.
        return user if user is not None and user.active else None

    @app.before_request
    def _check_session() -> Response | None:
        """The cookie's session must be live in the database: else the visitor is anonymous."""
        user_id = session.get("_user_id")
        if request.endpoint in ("static", "bootstrap.static") or user_id is None:
            return None
        settings = app.extensions["psad_settings"]
        check = sessions.check_session(
            db.session(),
            token=session.get(TOKEN_KEY),
            user_id=int(user_id) if str(user_id).isdigit() else 0,
            now=clock.now(),
            policy=sessions.SessionPolicy(
                idle=timedelta(minutes=settings.web.session_idle_minutes),
                lifetime=timedelta(hours=settings.web.session_max_hours),
            ),
        )
        if db.session.dirty:
            db.session.commit()  # the last-seen time, or the end of a session out of time
        if check.live is not None:
            g.user_session = check.live
            session.permanent = True
            return None
        logout_user()
        session.clear()
        flash(ENDED_MESSAGES.get(check.ended or SessionEnd.LOGOUT, SESSION_ENDED), "warning")
        return redirect(
            url_for("auth.login", next=request.full_path if request.method == "GET" else None)
        )

    @app.before_request
    def _require_enrolment() -> Response | None:
        """A member of a PSAD that requires a second factor, without one, enrols first."""
        if (
            request.endpoint in OPEN_BEFORE_ENROLMENT
            or request.blueprint in PUBLIC_BLUEPRINTS
            or not current_user.is_authenticated
        ):
            return None
        user: User = current_user._get_current_object()
        required = twofactor.requiring_psads(user)
        if user.has_two_factor or not required:
            return None
        names = ", ".join(psad.name for psad in required)
        flash(
            f"{'Vos PSAD exigent' if len(required) > 1 else 'Votre PSAD exige'} la double "
            f"authentification ({names}) : activez-la ci-dessous pour continuer.",
            "warning",
        )
        return redirect(
            url_for(
                "twofactor.account",
                next=request.full_path.removesuffix("?") if request.method == "GET" else None,
            )
        )


def current_session() -> UserSession | None:
    """The signed-in session of this request (None for a visitor)."""
    live: UserSession | None = g.get("user_session")
    return live


def current_membership() -> Membership | None:
    """The membership of the PSAD the user works in now (chosen at log-in, switchable)."""
    if "membership" in g:
        membership: Membership | None = g.membership
        return membership
    membership = None
    if current_user.is_authenticated:
        user: User = current_user._get_current_object()
        membership = user.membership_in(session.get("psad_id"))
        if membership is None and user.memberships:
            membership = user.memberships[0]
            session["psad_id"] = membership.psad_id
    g.membership = membership
    return membership


def current_viewer() -> Viewer:
    user: User = current_user._get_current_object()
    return Viewer.of(user, current_membership())


def viewer_or_none() -> Viewer | None:
    """The viewer for a template: None for a visitor who is not signed in."""
    return current_viewer() if current_user.is_authenticated else None


def current_actor() -> Actor:
    membership = current_membership() if current_user.is_authenticated else None
    return Actor(
        user_id=current_user.id if current_user.is_authenticated else None,
        psad_id=membership.psad_id if membership else None,
        ip_address=request.remote_addr,
    )


def start_session(user: User) -> None:
    """Open a database session for ``user`` and put its token in a fresh cookie."""
    token = sessions.open_session(db.session(), user=user, now=clock.now())
    db.session.commit()
    session.clear()
    login_user(user)
    session[TOKEN_KEY] = token
    session.permanent = True


def await_second_factor(user: User) -> None:
    """The password was right and the account has a second factor: no session yet, only a
    signed note of who is half-way, for ``SECOND_FACTOR_TIME``."""
    session.clear()
    session[SECOND_FACTOR_KEY] = {
        "user_id": user.id,
        "until": (clock.now() + SECOND_FACTOR_TIME).timestamp(),
    }


def second_factor_user() -> User | None:
    """The user half-way through log-in (password right, code not yet), if still in time."""
    pending = session.get(SECOND_FACTOR_KEY)
    if not isinstance(pending, dict):
        return None
    user_id, until = pending.get("user_id"), pending.get("until")
    if not isinstance(user_id, int) or not isinstance(until, int | float):
        return None
    if clock.now().timestamp() >= until:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active and user.has_two_factor else None


def forget_second_factor() -> None:
    session.pop(SECOND_FACTOR_KEY, None)


def end_current_session(reason: SessionEnd) -> None:
    """End this request's session in the database (every copy of the cookie dies with it)."""
    live = current_session()
    if live is not None:
        sessions.end_session(live, now=clock.now(), reason=reason)
    logout_user()
    session.clear()

"""Who is acting: the logged-in user, their current PSAD and role, the idle timeout."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from psad import clock
from psad.audit.services import Actor
from psad.auth.models import Membership, User
from psad.auth.permissions import Viewer
from psad.db import db
from psad.extensions import login_manager

IDLE_KEY = "last_seen"


def init(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A deactivated account loses its open sessions at once, not at their next log-in.
        return user if user is not None and user.active else None

    @app.before_request
    def _idle_timeout() -> Response | None:
        if request.endpoint in ("static", "bootstrap.static") or not current_user.is_authenticated:
            return None
        settings = app.extensions["psad_settings"]
        now = clock.now()
        last_seen = session.get(IDLE_KEY)
        idle_limit = settings.web.session_idle_minutes * 60
        if last_seen is not None and now.timestamp() - float(last_seen) > idle_limit:
            logout_user()
            session.clear()
            flash(
                "Votre session a expiré après une période d'inactivité : reconnectez-vous.",
                "warning",
            )
            return redirect(
                url_for("auth.login", next=request.full_path if request.method == "GET" else None)
            )
        session[IDLE_KEY] = now.timestamp()
        session.permanent = True
        return None


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


def current_actor() -> Actor:
    membership = current_membership() if current_user.is_authenticated else None
    return Actor(
        user_id=current_user.id if current_user.is_authenticated else None,
        psad_id=membership.psad_id if membership else None,
        ip_address=request.remote_addr,
    )


def mark_logged_in(now: datetime) -> None:
    session[IDLE_KEY] = now.timestamp()
    session.permanent = True

"""The application factory: settings, extensions, blueprints."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from psad.config import Settings, load_settings, shipped
from psad.extensions import bootstrap, csrf, db, login_manager, migrate

log = logging.getLogger(__name__)
NO_BASE_URL = (
    "L'envoi de courriels est activé ([mail] host) mais l'adresse publique de l'application "
    "n'est pas configurée : les liens des courriels ne peuvent pas être construits. "
    "Indiquez [web] base_url ou PSAD_WEB_BASE_URL (par exemple https://psad.example.org)."
)


def build_app(settings: Settings | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(
        __name__,
        template_folder=str(shipped("templates")),
        instance_path=str(settings.instance_path),
    )
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    app.extensions["psad_settings"] = settings
    if settings.mail.enabled and settings.web.base_url is None:
        log.warning(NO_BASE_URL)
    app.config.update(
        SECRET_KEY=settings.web.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ECHO=settings.database.echo,
        # hide_parameters: an error logged never shows SQL values (youth names).
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "hide_parameters": True},
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.web.session_idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        SESSION_COOKIE_NAME="psad_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.web.secure_cookies,
        REMEMBER_COOKIE_SECURE=settings.web.secure_cookies,
        MAX_CONTENT_LENGTH=settings.web.max_upload_mb * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the session's idle timeout already bounds a token's life
        BOOTSTRAP_SERVE_LOCAL=True,
        BOOTSTRAP_BTN_STYLE="primary",
    )
    if settings.web.trusted_proxies:
        proxies = settings.web.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(shipped("migrations")), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)

    from psad.web import register

    register(app)
    return app

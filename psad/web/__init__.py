"""The web edge shared by every domain: blueprints, session rules, headers, errors, filters."""

from __future__ import annotations

from flask import Flask

from psad.web import errors, filters, requestlog, security, session


def register(app: Flask) -> None:
    import psad.models  # noqa: F401  (every table known before the first query)
    from psad.audit.views import bp as audit_bp
    from psad.auth.admin_views import bp as admin_bp
    from psad.auth.reset_views import bp as reset_bp
    from psad.auth.twofactor_views import bp as twofactor_bp
    from psad.auth.views import bp as auth_bp
    from psad.committees.views import bp as committees_bp
    from psad.duplicates.views import bp as duplicates_bp
    from psad.followup.views import bp as followup_bp
    from psad.imports.views import bp as imports_bp
    from psad.lists.views import bp as lists_bp
    from psad.messages.public_views import bp as reply_bp
    from psad.messages.views import bp as messages_bp
    from psad.orientations.views import bp as orientations_bp
    from psad.outbox.views import bp as outbox_bp
    from psad.privacy.access_views import bp as privacy_access_bp
    from psad.privacy.views import bp as privacy_bp
    from psad.reference.views import bp as reference_bp
    from psad.reminders.views import bp as reminders_bp
    from psad.reports.views import bp as reports_bp
    from psad.transfers.views import bp as transfers_bp
    from psad.web.home import bp as home_bp
    from psad.youth.views import bp as youth_bp

    for blueprint in (
        home_bp,
        auth_bp,
        twofactor_bp,
        reset_bp,
        admin_bp,
        youth_bp,
        followup_bp,
        audit_bp,
        imports_bp,
        reference_bp,
        lists_bp,
        duplicates_bp,
        transfers_bp,
        orientations_bp,
        committees_bp,
        reminders_bp,
        messages_bp,
        reply_bp,
        outbox_bp,
        reports_bp,
        privacy_bp,
        privacy_access_bp,
    ):
        app.register_blueprint(blueprint)
    requestlog.init(app)
    session.init(app)
    security.init(app)
    errors.init(app)
    filters.init(app)

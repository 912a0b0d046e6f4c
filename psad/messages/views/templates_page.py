"""A PSAD's message templates and its messaging settings (SMS on, automatic reminder):
administrators for any PSAD, the pilote for the PSAD they work in."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from psad import clock
from psad.auth.models import Psad
from psad.config import Settings
from psad.errors import DomainError
from psad.extensions import db
from psad.messages.defaults import ensure_default_templates
from psad.messages.forms import MessagingSettingsForm, TemplateForm
from psad.messages.models import MessageTemplate
from psad.messages.rendering import VARIABLES, stop_warning
from psad.messages.services import (
    TemplateError,
    save_settings,
    save_template,
    settings_of,
    template_by_code,
    templates_of,
)
from psad.messages.views import bp
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID

TEMPLATES_ONLY = (
    "Les modèles de messages d'une PSAD et ses réglages d'envoi sont réservés à son pilote et "
    "aux administrateurs."
)
NEW = "nouveau"  # the URL segment of a new template
PSAD = f"/psad/<{RECORD_ID}:psad_id>"
manages_templates = requires(lambda viewer: viewer.can_manage_message_templates, TEMPLATES_ONLY)
Page = Response | tuple[str, int]


def _psad_or_404(psad_id: int) -> Psad:
    """The PSAD: any for an administrator, the pilote's own; another answers 404."""
    viewer, psad = current_viewer(), db.session.get(Psad, psad_id)
    if psad is None or not (viewer.is_admin or viewer.psad_id == psad.id):
        abort(404)
    return psad


@bp.get(f"{PSAD}/modeles-messages")
@manages_templates
def templates(psad_id: int) -> str:
    session, psad = db.session(), _psad_or_404(psad_id)
    ensure_default_templates(session, psad.id)
    session.commit()
    return render_template(
        "messages/templates.html",
        psad=psad,
        templates=templates_of(session, psad.id),
        settings=settings_of(session, psad.id),
        sms_configured=_settings().sms.enabled,
        stop_warning=stop_warning(_settings().sms),
    )


@bp.route(f"{PSAD}/modeles-messages/<code>", methods=["GET", "POST"])
@manages_templates
def template(psad_id: int, code: str) -> Page:
    session, psad = db.session(), _psad_or_404(psad_id)
    found = None if code == NEW else template_by_code(session, psad.id, code)
    if code != NEW and found is None:
        abort(404)
    form = TemplateForm() if request.method == "POST" else TemplateForm.of(found)
    if not form.validate_on_submit():
        return _template_page(psad, found, form, 422 if form.is_submitted() else 200)
    try:
        saved = save_template(
            session,
            psad_id=psad.id,
            code=found.code if found else None,
            data=form.template_data(),
            by=current_user._get_current_object(),
            actor=current_actor(),
            now=clock.now(),
        )
        session.commit()
    except TemplateError as error:
        session.rollback()
        form.show_errors(error.errors)
        return _template_page(psad, found, form, error.status_code)
    except DomainError as error:
        session.rollback()
        return _template_page(psad, found, form, error.status_code, problem=error.message)
    flash(f"Modèle « {saved.name} » enregistré.", "success")
    return redirect(url_for("messages.templates", psad_id=psad.id))


def _template_page(
    psad: Psad,
    template: MessageTemplate | None,
    form: TemplateForm,
    status: int,
    problem: str | None = None,
) -> tuple[str, int]:
    return render_template(
        "messages/template_form.html",
        psad=psad,
        template=template,
        form=form,
        variables=VARIABLES,
        problem=problem,
    ), status


@bp.route(f"{PSAD}/messages", methods=["GET", "POST"])
@manages_templates
def settings(psad_id: int) -> Page:
    session, psad = db.session(), _psad_or_404(psad_id)
    current = settings_of(session, psad.id)
    sms_configured = _settings().sms.enabled
    form = MessagingSettingsForm(
        data={"sms_enabled": current.sms_enabled, "auto_reminder_days": current.auto_reminder_days}
    )
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _settings_page(psad, form, sms_configured, status)
    try:
        save_settings(
            session,
            psad_id=psad.id,
            # without a gateway the switch is not shown: what was chosen stays
            sms_enabled=bool(form.sms_enabled.data) if sms_configured else current.sms_enabled,
            auto_reminder_days=form.auto_reminder_days.data,
            by=current_user._get_current_object(),
            actor=current_actor(),
            now=clock.now(),
        )
        session.commit()
    except DomainError as error:
        session.rollback()
        form.auto_reminder_days.errors = [error.message]
        return _settings_page(psad, form, sms_configured, error.status_code)
    flash("Réglages des messages enregistrés.", "success")
    return redirect(url_for("messages.templates", psad_id=psad.id))


def _settings_page(
    psad: Psad, form: MessagingSettingsForm, sms_configured: bool, status: int
) -> tuple[str, int]:
    page = render_template(
        "messages/settings.html",
        psad=psad,
        form=form,
        sms_configured=sms_configured,
        stop_warning=stop_warning(_settings().sms),
    )
    return page, status


def _settings() -> Settings:
    settings: Settings = current_app.extensions["psad_settings"]
    return settings

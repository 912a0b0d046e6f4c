"""The administrators' page of e-mail: on or off, what waits, what failed, « Réessayer »."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from psad import clock
from psad.config import MailSettings, Settings
from psad.extensions import db
from psad.outbox import services
from psad.outbox.models import OutboxMessage, OutboxState
from psad.web.access import ADMIN_ONLY, requires
from psad.web.session import current_actor
from psad.web.urls import RECORD_ID, requested_page

bp = Blueprint("outbox", __name__, url_prefix="/admin/courriels")
sees_outbox = requires(lambda v: v.sees_outbox, ADMIN_ONLY)
PER_PAGE = 50

SECURITY_LABELS = {
    "none": "sans chiffrement",
    "starttls": "STARTTLS",
    "tls": "TLS implicite",
}


@dataclass(frozen=True)
class TroubleRow:
    """One line of the failures table, its words chosen here rather than in the template."""

    message: OutboxMessage
    status: str
    next_attempt_at: datetime | None


def _row(message: OutboxMessage) -> TroubleRow:
    if message.state is OutboxState.FAILED:
        return TroubleRow(message, "Abandonné", None)
    return TroubleRow(message, "Nouvel essai prévu", message.next_attempt_at)


def _server(mail: MailSettings) -> str:
    return f"{mail.host}:{mail.port} ({SECURITY_LABELS.get(mail.security, mail.security)})"


@bp.get("")
@sees_outbox
def index() -> str:
    settings: Settings = current_app.extensions["psad_settings"]
    session = db.session()
    page = db.paginate(
        services.troubles_query(), page=requested_page(), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "outbox/index.html",
        mail=settings.mail,
        server=_server(settings.mail) if settings.mail.enabled else None,
        base_url=settings.web.base_url,
        counts=services.state_counts(session),
        retrying=services.retrying_count(session),
        page=page,
        rows=[_row(message) for message in page.items],
        states=OutboxState,
    )


@bp.post(f"/<{RECORD_ID}:message_id>/reessayer")
@sees_outbox
def retry(message_id: int) -> Response:
    try:
        services.retry(db.session(), message_id=message_id, actor=current_actor(), now=clock.now())
    except services.MessageNotRetryableError as error:
        flash(error.message, "warning")
        return redirect(url_for("outbox.index"))
    db.session.commit()
    flash(
        "Le courriel est remis dans la file d'envoi : il partira au prochain passage "
        "(toutes les minutes).",
        "success",
    )
    return redirect(url_for("outbox.index"))

"""The administrators' page of e-mail and SMS: on or off, what waits, what failed, « Réessayer ».

Administrators see no youth's data: the address or number of a message to a youth is shown
masked (« j•••@e•••.fr », « 06 •• •• •• 78 »); a digest's recipient (a user) is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from psad import clock
from psad.config import MailSettings, Settings
from psad.extensions import db
from psad.masks import MASK, mask_email, mask_phone
from psad.outbox import services
from psad.outbox.models import OutboxChannel, OutboxMessage, OutboxState
from psad.outbox.sms import gateway_of
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
    recipient: str  # masked when it is a youth's
    reason: str  # the last error, a youth's address in it masked
    status: str
    next_attempt_at: datetime | None


def _row(message: OutboxMessage) -> TroubleRow:
    recipient = shown_recipient(message)
    reason = message.last_error or ""
    if message.purpose.to_youth:  # a server's refusal may quote the address
        reason = _ADDRESS.sub(lambda found: mask_email(found[0]), reason)
    if message.state is OutboxState.FAILED:
        return TroubleRow(message, recipient, reason, "Abandonné", None)
    return TroubleRow(message, recipient, reason, "Nouvel essai prévu", message.next_attempt_at)


def shown_recipient(message: OutboxMessage) -> str:
    """The recipient as an administrator may see it: a youth's address or number masked."""
    if not message.purpose.to_youth:
        return message.recipient
    if message.channel is OutboxChannel.SMS:
        return mask_phone(message.recipient) or MASK
    return mask_email(message.recipient)


_ADDRESS = re.compile(r"[^\s<>\"'():;,]+@[^\s<>\"'():;,]+")


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
    gateway = gateway_of(settings.sms)
    return render_template(
        "outbox/index.html",
        mail=settings.mail,
        server=_server(settings.mail) if settings.mail.enabled else None,
        sms=settings.sms,
        gateway=None if gateway is None else gateway.where,
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
        message = services.retry(
            db.session(), message_id=message_id, actor=current_actor(), now=clock.now()
        )
    except services.MessageNotRetryableError as error:
        flash(error.message, "warning")
        return redirect(url_for("outbox.index"))
    db.session.commit()
    what = "Le SMS" if message.channel is OutboxChannel.SMS else "Le courriel"
    flash(
        f"{what} est remis dans la file d'envoi : il partira au prochain passage "
        "(toutes les minutes).",
        "success",
    )
    return redirect(url_for("outbox.index"))

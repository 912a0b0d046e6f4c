"""The signed-in user's notifications, opening one (read, then its list), marking them read,
and the header's counter of unread ones."""

from __future__ import annotations

from datetime import date

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import User
from psad.extensions import db
from psad.followup.panels import long_date_fr
from psad.reminders import notifications as inbox
from psad.reminders.models import Notification
from psad.reminders.views import bp
from psad.web.session import current_actor, current_membership, viewer_or_none
from psad.web.urls import MAX_PAGE, RECORD_ID, requested_page

NO_LONGER_MEMBER = (
    "Ce rappel concerne une PSAD dont vous n'êtes plus membre : sa liste ne s'ouvre pas."
)


@bp.get("/notifications", endpoint="notifications")
@login_required
def list_notifications() -> str:
    user: User = current_user
    page = inbox.notification_page(db.session(), user_id=user.id, page=requested_page())
    g.unread_notifications = page.unread  # the header's counter says the same, uncounted
    today = clock.today()
    psad_names = {m.psad_id: m.psad.name for m in user.memberships}
    return render_template(
        "reminders/notifications.html",
        page=page,
        days=[(day_heading(day.day, today), day) for day in page.days],
        # the PSAD of each line, for those who belong to several
        psad_names=psad_names if len(psad_names) > 1 else {},
    )


@bp.get(f"/notifications/<{RECORD_ID}:notification_id>/ouvrir")
@login_required
def open_notification(notification_id: int) -> Response:
    """Read, then the list it comes from, in the notification's PSAD."""
    notification = _own(notification_id)
    link = inbox.open_notification(notification, now=clock.now())
    membership = current_membership()
    if membership is None or membership.psad_id != notification.psad_id:
        if current_user.membership_in(notification.psad_id) is None:
            db.session.commit()
            flash(NO_LONGER_MEMBER, "warning")
            return redirect(url_for("reminders.notifications"))
        _switch_to(notification.psad_id)
    db.session.commit()
    return redirect(link)


@bp.post(f"/notifications/<{RECORD_ID}:notification_id>/lu")
@login_required
def mark_read(notification_id: int) -> Response:
    inbox.mark_read(_own(notification_id), now=clock.now())
    db.session.commit()
    flash("Rappel marqué comme lu.", "success")
    return _back_to_list()


@bp.post("/notifications/tout-lu")
@login_required
def mark_all_read() -> Response:
    marked = inbox.mark_all_read(db.session(), user_id=current_user.id, now=clock.now())
    db.session.commit()
    if marked:
        plural = "s" if marked > 1 else ""
        flash(f"{marked} rappel{plural} marqué{plural} comme lu{plural}.", "success")
    else:
        flash("Aucun rappel non lu.", "info")
    return _back_to_list()


def unread_notification_count() -> int:
    """The header's counter: the signed-in member's unread notifications (one indexed count,
    none when the page counted them already)."""
    viewer = viewer_or_none()
    if viewer is None or viewer.psad_id is None:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = inbox.unread_count(db.session(), user_id=viewer.user_id)
    return int(g.unread_notifications)


@bp.app_context_processor
def _unread_counter() -> dict[str, object]:
    return {"unread_notification_count": unread_notification_count}


def day_heading(day: date, today: date) -> str:
    """« Aujourd'hui, lundi 7 décembre 2026 », « Dimanche 6 décembre 2026 »."""
    said = long_date_fr(day)
    return f"Aujourd'hui, {said}" if day == today else said[:1].upper() + said[1:]


def _own(notification_id: int) -> Notification:
    return inbox.get_own(db.session(), notification_id=notification_id, user_id=current_user.id)


def _switch_to(psad_id: int) -> None:
    """Work in the notification's PSAD, as the PSAD switch in the header does."""
    session["psad_id"] = psad_id
    audit.record(
        db.session(),
        current_actor(),
        AuditAction.PSAD_SWITCHED,
        object_type="psad",
        object_id=psad_id,
        psad_id=psad_id,
    )


def _back_to_list() -> Response:
    page = request.form.get("page", 1, type=int) or 1
    page = min(max(page, 1), MAX_PAGE)
    return redirect(url_for("reminders.notifications", page=page if page > 1 else None))

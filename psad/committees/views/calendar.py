"""The comités in a calendar application: a meeting's ``.ics`` to download, and each member's
secret, revocable address of the PSAD's feed (the page that creates and revokes it, and the
feed itself, which a calendar fetches without logging in: the token is its only key)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from psad import clock
from psad.auth.models import Psad, User
from psad.committees.ics import MeetingEntry, calendar_of, summary_of
from psad.committees.models import Committee
from psad.committees.services import calendar as services
from psad.committees.views import bp
from psad.committees.views.shared import ROUTE, meeting_in_psad, members, viewer_psad_id
from psad.extensions import db
from psad.web.session import current_actor

NOT_FOUND = "Calendrier introuvable.\n"
ICS = "text/calendar; charset=utf-8"


def _host() -> str:
    """The host name the UIDs carry (without a port), as the request names the app."""
    return urlsplit(request.host_url).hostname or "psad"


def _meeting_url(committee: Committee) -> str:
    return url_for("committees.show", committee_id=committee.id, _external=True)


def _ics(committees: list[Committee], *, name: str, download: str | None = None) -> Response:
    counts = services.youth_counts(db.session(), committees)
    entries = [MeetingEntry(c, _meeting_url(c), counts.get(c.id)) for c in committees]
    body = calendar_of(entries, name=name, host=_host(), now=clock.now())
    response = Response(body, content_type=ICS)
    response.headers["Cache-Control"] = "private"
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


def _psad() -> Psad:
    psad = db.session.get(Psad, viewer_psad_id())
    assert psad is not None
    return psad


@bp.get(f"{ROUTE}.ics")
@members
def meeting_ics(committee_id: int) -> Response:
    committee = meeting_in_psad(committee_id)
    day = clock.local(committee.starts_at).date()
    return _ics([committee], name=summary_of(committee), download=f"comite-{day}.ics")


def _calendar_page(feed_url: str | None = None) -> str:
    psad, user_id = _psad(), current_user.id
    session = db.session()
    return render_template(
        "committees/calendar.html",
        psad=psad,
        feed_url=feed_url,
        token=services.active_token(session, user_id=user_id, psad_id=psad.id),
        meetings=services.upcoming_meetings(session, psad_id=psad.id, now=clock.now()),
    )


@bp.get("/comites/calendrier")
@members
def calendar() -> str:
    return _calendar_page()


@bp.post("/comites/calendrier/adresse")
@members
def calendar_token() -> str:
    """A new address, shown once in this answer (never in a flashed message, which travels in
    the session cookie)."""
    user: User = current_user._get_current_object()
    token = services.create_calendar_token(
        db.session(), user=user, psad_id=_psad().id, now=clock.now(), actor=current_actor()
    )
    db.session.commit()
    return _calendar_page(feed_url=url_for("committees.feed", token=token, _external=True))


@bp.post("/comites/calendrier/revoquer")
@members
def calendar_revoke() -> Response:
    user: User = current_user._get_current_object()
    revoked = services.revoke_calendar_token(
        db.session(), user=user, psad_id=_psad().id, now=clock.now(), actor=current_actor()
    )
    db.session.commit()
    if revoked:
        flash(
            "Adresse d'abonnement révoquée : votre agenda ne recevra plus les comités.", "success"
        )
    else:
        flash("Vous n'aviez pas d'adresse d'abonnement active.", "info")
    return redirect(url_for("committees.calendar"))


@bp.get("/calendrier/<token>.ics")
def feed(token: str) -> Response:
    """The PSAD's meetings for a calendar application: no log-in (the secret address is the
    key); an unknown, revoked or orphaned address answers the same neutral 404."""
    owner = services.feed_owner(db.session(), token)
    if owner is None:
        return Response(NOT_FOUND, status=404, content_type="text/plain; charset=utf-8")
    meetings = services.feed_meetings(db.session(), psad_id=owner.psad.id, now=clock.now())
    return _ics(meetings, name=f"Comités — {owner.psad.name}")

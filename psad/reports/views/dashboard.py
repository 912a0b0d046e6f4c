"""The PSAD's dashboard (« Bilan »): every figure of the period beside the period before, its
definition, the charts with their tables; and the youth behind a figure."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from psad import clock
from psad.access.youth import youth_scope
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.extensions import db
from psad.reports.display import breakdown_lines
from psad.reports.figures import Indicator, Period, Scope
from psad.reports.forms import PeriodForm
from psad.reports.indicators import REGISTRY
from psad.reports.sections import PeriodNames, sections
from psad.reports.snapshots import store, stored_bilan
from psad.reports.views import bp
from psad.schoolyear import school_year_of
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import requested_page
from psad.youth.models import Youth

NOT_ALLOWED = "Le bilan de la PSAD est réservé aux pilotes et co-pilotes."
PAGE_SIZE = 50
MAX_KEY = 200  # characters of a breakdown's key read from the URL

sees_dashboard = requires(lambda v: v.sees_dashboard, NOT_ALLOWED)


def period_form(
    today: date, kind: type[PeriodForm] = PeriodForm
) -> tuple[PeriodForm, Period, bool]:
    """The period asked for in the URL; the current school year (and the form's errors
    under their fields) when it cannot be read."""
    form = kind(request.args)
    form.offer_years(today)
    valid = form.validate()
    period = form.period(today)
    form.annee.data = str(school_year_of(period.start)) if period.is_school_year else None
    return form, period, valid


@bp.get("/bilan")
@sees_dashboard
def dashboard() -> str | tuple[str, int]:
    viewer, today = current_viewer(), clock.today()
    form, period, valid = period_form(today)
    bilan = stored_bilan(db.session(), [viewer.psad_id or 0], period, now=clock.now())
    db.session.commit()
    names = PeriodNames(period.label, bilan.previous.period.label)
    body = render_template(
        "reports/dashboard.html",
        form=form,
        bilan=bilan,
        names=names,
        sections=sections(bilan, names),
        query=form.query(period),
    )
    return body if valid else (body, 422)


@bp.post("/bilan/recalculer")
@sees_dashboard
def recompute() -> Response:
    """« Recalculer »: the figures of the period in the form computed again now."""
    session, viewer, today = db.session(), current_viewer(), clock.today()
    form, period, valid = period_form(today)
    if not valid:
        abort(422, description=" ".join(e for errors in form.errors.values() for e in errors))
    store(session, [viewer.psad_id or 0], period, now=clock.now())
    audit.record(
        session,
        current_actor(),
        AuditAction.BILAN_RECOMPUTED,
        detail=f"du={period.start} au={period.end}",
    )
    session.commit()
    back: dict[str, Any] = dict(form.query(period))
    return redirect(url_for("reports.dashboard", **back))


@bp.get("/bilan/jeunes")
@sees_dashboard
def youth() -> str | tuple[str, int]:
    """The youth behind one figure of the dashboard, as the viewer may see them."""
    session, viewer, today = db.session(), current_viewer(), clock.today()
    indicator, key = _asked_figure()
    form, period, valid = period_form(today)
    scope = Scope((viewer.psad_id or 0,), period)
    assert indicator.youth is not None
    page = db.paginate(
        select(Youth)
        .where(Youth.id.in_(indicator.youth(scope, key)), youth_scope(viewer))
        .order_by(Youth.last_name, Youth.first_name, Youth.id),
        page=requested_page(),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    line = _line(indicator, scope, key)
    audit.record(
        session,
        current_actor(),
        AuditAction.BILAN_YOUTH_LISTED,
        detail=f"indicateur={indicator.code} cle={key or ''} du={period.start} au={period.end} "
        f"jeunes={page.total}",
    )
    session.commit()
    body = render_template(
        "reports/youth.html",
        indicator=indicator,
        key=key,
        line=line,
        period=period,
        page=page,
        form=form,
        query=form.query(period),
    )
    return body if valid else (body, 422)


def _asked_figure() -> tuple[Indicator, str | None]:
    """The indicator and breakdown key of the URL: 404 for an unknown or non youth-based
    figure, or a breakdown without its key."""
    indicator = REGISTRY.get(request.args.get("indicateur", ""))
    key = request.args.get("cle") or None
    if indicator is None or indicator.youth is None:
        abort(404)
    if indicator.breakdown != (key is not None) or len(key or "") > MAX_KEY:
        abort(404)
    return indicator, key


def _line(indicator: Indicator, scope: Scope, key: str | None) -> str:
    """The figure's name as the dashboard shows it (« Jeunes repérés : Filles »)."""
    if key is None:
        return indicator.label
    rows = breakdown_lines(indicator, indicator.compute(db.session(), scope), [])
    label = next((line.label for line in rows if line.key == key), key)
    return f"{indicator.label} : {label}"

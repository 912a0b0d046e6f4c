"""The regional view: the PSADs a reader may see side by side, counts only, small ones
masked."""

from __future__ import annotations

from flask import render_template

from psad import clock
from psad.extensions import db
from psad.reports.forms import SchoolYearForm
from psad.reports.regional import regional_table, stored, visible_psads
from psad.reports.views import bp
from psad.reports.views.dashboard import period_form
from psad.web.access import requires
from psad.web.session import current_viewer

NOT_ALLOWED = "La vue régionale est réservée aux lecteurs et aux administrateurs."


@bp.get("/bilan/regional")
@requires(lambda v: v.sees_regional_view, NOT_ALLOWED)
def regional() -> str | tuple[str, int]:
    session, viewer = db.session(), current_viewer()
    form, period, valid = period_form(clock.today(), SchoolYearForm)
    psads = visible_psads(session, user_id=viewer.user_id, is_admin=viewer.is_admin)
    now = clock.now()
    themes = regional_table(session, [p.id for p in psads], period, stored(now)) if psads else []
    session.commit()  # the bilans computed for the page, stored
    body = render_template(
        "reports/regional.html", form=form, period=period, psads=psads, themes=themes
    )
    return body if valid else (body, 422)

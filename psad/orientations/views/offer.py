"""The territory's offer: one printable page per PSAD, for every member of it."""

from __future__ import annotations

from flask import abort, render_template

from psad import clock
from psad.auth.models import Psad
from psad.extensions import db
from psad.orientations.offer import offer_page
from psad.orientations.views import bp
from psad.schoolyear import school_year_label, school_year_of
from psad.web.access import requires
from psad.web.session import current_viewer

MEMBERS_ONLY = "L'offre du territoire est celle d'une PSAD : elle est réservée à ses membres."

psad_members = requires(
    lambda viewer: viewer.sees_offer and viewer.psad_id is not None, MEMBERS_ONLY
)


@bp.get("/offre")
@psad_members
def offer() -> str:
    psad = db.session.get(Psad, current_viewer().psad_id)
    if psad is None:
        abort(404)
    year = school_year_of(clock.today())
    page = offer_page(db.session(), psad=psad, school_year=year)
    return render_template(
        "orientations/offer.html", page=page, school_year=school_year_label(year)
    )

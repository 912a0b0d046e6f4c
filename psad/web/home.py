"""The home page: what the current PSAD holds, in figures."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from psad.extensions import db
from psad.web.session import current_membership, current_viewer
from psad.youth import dashboard

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index() -> str:
    membership = current_membership()
    figures = dashboard.psad_figures(db.session(), membership.psad_id) if membership else None
    return render_template(
        "home/index.html", figures=figures, viewer=current_viewer(), membership=membership
    )

"""The right of access (« Droit d'accès », a printable page and a JSON file of everything held
on one youth: pilotes and co-pilotes) and the « Registre des traitements » (administrators,
pilotes and co-pilotes)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from psad import clock
from psad.access.youth import get_visible_youth_or_404
from psad.audit import services as audit
from psad.auth.models import Psad
from psad.db import MAX_RECORD_ID
from psad.errors import NotFoundError
from psad.extensions import db
from psad.privacy import register
from psad.privacy.access_export import AccessExport, build_export, record_export
from psad.web.access import requires
from psad.web.security import CONTENT_SECURITY_POLICY
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID

bp = Blueprint("privacy_access", __name__)

ACCESS_ONLY = (
    "L'export des données d'un jeune (droit d'accès) est réservé aux pilotes et co-pilotes "
    "de sa PSAD."
)
REGISTER_ONLY = (
    "Le registre des traitements est réservé aux pilotes, aux co-pilotes et aux administrateurs."
)
answers_access_requests = requires(lambda v: v.can_answer_access_requests, ACCESS_ONLY)
sees_register = requires(lambda v: v.sees_processing_register, REGISTER_ONLY)


def _export(youth_id: int, output: str) -> AccessExport:
    """Build the export of a youth of the viewer's scope and record it as a read; a youth
    outside the scope answers 404 and is recorded as a refused read."""
    session = db.session()
    try:
        youth = get_visible_youth_or_404(session, youth_id, current_viewer())
    except NotFoundError:
        audit.record_refused_youth_read(session, current_actor(), youth_id=youth_id)
        session.commit()
        raise
    export = build_export(session, youth=youth, by=current_user, now=clock.now())
    record_export(session, youth=youth, actor=current_actor(), output=output)
    session.commit()
    return export


@bp.get(f"/jeunes/<{RECORD_ID}:youth_id>/droit-acces")
@answers_access_requests
def export_page(youth_id: int) -> str:
    return render_template("privacy/access.html", export=_export(youth_id, "page"))


@bp.get(f"/jeunes/<{RECORD_ID}:youth_id>/droit-acces.json")
@answers_access_requests
def export_json(youth_id: int) -> Response:
    export = _export(youth_id, "json")
    name = f"droit-acces-jeune-{export.youth_id}-{export.made_at:%Y%m%d}.json"
    return Response(
        export.json_text(),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/protection/registre")
@sees_register
def processing_register() -> str:
    """The register of the viewer's PSAD; an administrator chooses the PSAD (``?psad=``)."""
    viewer, session = current_viewer(), db.session()
    psad_id = request.args.get("psad", type=int) if viewer.is_admin else viewer.psad_id
    if psad_id is None:  # an administrator: the choice of a PSAD
        psads = session.scalars(select(Psad).order_by(Psad.name)).all()
        return render_template("privacy/register_choice.html", psads=psads)
    psad = session.get(Psad, psad_id) if 0 < psad_id <= MAX_RECORD_ID else None
    if psad is None:
        abort(404)
    built = register.build_register(
        session,
        psad=psad,
        settings=current_app.extensions["psad_settings"],
        content_policy=CONTENT_SECURITY_POLICY,
    )
    return render_template("privacy/register.html", register=built, viewer=viewer)

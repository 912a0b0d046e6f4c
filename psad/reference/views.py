"""Administration of the reference lists (situations, closing reasons, channels...)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from psad.errors import DomainError
from psad.extensions import db
from psad.reference import services
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.web.access import admin_only
from psad.web.forms import FrenchForm
from psad.web.session import current_actor
from psad.web.urls import RECORD_ID

bp = Blueprint("reference", __name__, url_prefix="/admin/listes")


class TokenForm(FrenchForm):
    """Only the CSRF token: the fields of these small forms are read from the request."""


@bp.get("/")
@admin_only
def index() -> str:
    items = services.all_items(db.session())
    groups = {kind: [i for i in items if i.kind is kind] for kind in ReferenceKind}
    return render_template("reference/index.html", groups=groups, form=TokenForm())


@bp.post(f"/<{RECORD_ID}:item_id>")
@admin_only
def update(item_id: int) -> Response:
    item = db.session.get(ReferenceItem, item_id)
    if item is None:
        abort(404)
    if not TokenForm().validate_on_submit():
        abort(400)
    try:
        services.update_item(
            db.session(),
            item=item,
            label=request.form.get("label", ""),
            active=request.form.get("active") == "on",
            actor=current_actor(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("reference.index"))
    db.session.commit()
    flash(f"« {item.label} » enregistré.", "success")
    return redirect(url_for("reference.index", _anchor=item.kind.value))


@bp.post("/ajouter")
@admin_only
def add() -> Response:
    if not TokenForm().validate_on_submit():
        abort(400)
    try:
        kind = ReferenceKind(request.form.get("kind", ""))
    except ValueError:
        abort(400)
    try:
        item = services.add_item(
            db.session(),
            kind=kind,
            code=request.form.get("code", ""),
            label=request.form.get("label", ""),
            actor=current_actor(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("reference.index", _anchor=kind.value))
    db.session.commit()
    flash(f"« {item.label} » ajouté à la liste {kind.label}.", "success")
    return redirect(url_for("reference.index", _anchor=kind.value))

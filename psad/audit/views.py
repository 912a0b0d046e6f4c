"""The audit log page: read-only, filtered; pilotes see their PSAD, administrators all."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import NumberRange, Optional

from psad.audit.actions import AuditAction
from psad.audit.services import AuditFilter, events_query
from psad.auth.queries import emails_by_id, member_ids
from psad.extensions import db
from psad.web.access import requires
from psad.web.forms import FrenchForm
from psad.web.session import current_viewer
from psad.web.urls import MAX_RECORD_ID, requested_page
from psad.youth.forms import FrenchDateField

bp = Blueprint("audit", __name__)

can_read_audit = requires(
    lambda v: v.can_read_audit, "Le journal d'audit est réservé aux pilotes et aux administrateurs."
)


ID_RANGE = "Numéro d'objet invalide : un nombre entier positif."


class RecordIdField(IntegerField):
    """An object number, with a French message when the text is not a number."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(ID_RANGE) from None


class AuditFilterForm(FrenchForm):
    class Meta:
        csrf = False

    action = SelectField(
        "Action",
        choices=[SelectChoice("", "Toutes")]
        + [SelectChoice(a.value, a.label) for a in AuditAction],
        validators=[Optional()],
    )
    object_type = StringField("Type d'objet (youth, user, psad...)", validators=[Optional()])
    object_id = RecordIdField(
        "Numéro de l'objet",
        validators=[Optional(), NumberRange(min=1, max=MAX_RECORD_ID, message=ID_RANGE)],
    )
    since = FrenchDateField("Depuis le (jj/mm/aaaa)", validators=[Optional()])
    until = FrenchDateField("Jusqu'au (jj/mm/aaaa)", validators=[Optional()])


@bp.get("/journal")
@can_read_audit
def index() -> tuple[str, int] | str:
    viewer = current_viewer()
    form = AuditFilterForm(request.args)
    valid = form.validate()
    filters = (
        AuditFilter(
            action=form.action.data or None,
            object_type=form.object_type.data or None,
            object_id=form.object_id.data if valid else None,
            since=form.since.data if valid else None,
            until=form.until.data if valid else None,
        )
        if valid
        else AuditFilter()
    )
    psad_ids = None if viewer.is_admin else [viewer.psad_id or 0]
    members = None if viewer.is_admin else member_ids(viewer.psad_id or 0)
    page = db.paginate(
        events_query(psad_ids=psad_ids, filters=filters, members=members),
        page=requested_page(),
        per_page=50,
        error_out=False,
    )
    names = emails_by_id(db.session(), (e.user_id for e in page.items if e.user_id))
    body = render_template("audit/index.html", form=form, page=page, names=names)
    return (body, 422) if not valid else body

"""After the meeting: the minutes (relevé de décisions) for every member once the agenda is
published, their validation and amendments by the pilote, the workbook and the printable page
in a full and a minimised version (audited)."""

from __future__ import annotations

from io import BytesIO

from flask import flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from psad import clock
from psad.access.committees import visible_items
from psad.committees.export import export_minutes, record_export
from psad.committees.minutes import Minutes, Version, minutes_of
from psad.committees.minutes_forms import WHOLE, AmendForm, ValidateForm
from psad.committees.models import AgendaItem, Committee, CommitteeStatus, Decision
from psad.committees.services import minutes as services
from psad.committees.services.state import CommitteeStateError
from psad.committees.views import bp
from psad.committees.views.shared import (
    ROUTE,
    Page,
    meeting_in_psad,
    members,
    pilot,
    who,
    with_names,
)
from psad.errors import DomainError
from psad.extensions import db
from psad.web.session import current_actor, current_viewer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_PUBLISHED = "Le relevé de décisions existe une fois l'ordre du jour du comité publié."


def _held(committee_id: int) -> Committee:
    """A meeting of the viewer's PSAD whose agenda is published (404, or 409 before)."""
    committee = meeting_in_psad(committee_id)
    if not committee.is_published:
        raise CommitteeStateError(NOT_PUBLISHED)
    return committee


def _minutes(committee: Committee) -> Minutes:
    viewer = current_viewer()
    return minutes_of(
        db.session(),
        committee,
        items_scope=visible_items(viewer),
        shows_youth=viewer.sees_youth,
        version=Version.of(request.args.get("version")),
    )


def _decision_choices(committee: Committee) -> list[tuple[int, str]]:
    """The meeting's decisions an amendment may refer to (the pilote sees every youth)."""
    decisions = db.session.scalars(
        select(Decision)
        .where(Decision.committee_id == committee.id)
        .options(joinedload(Decision.item).joinedload(AgendaItem.youth))
        .order_by(Decision.id)
    )
    chosen = [
        (d.item.position, d.id, f"{d.item.youth.display_name} — {d.kind.label}") for d in decisions
    ]
    return [(WHOLE, "Le relevé dans son ensemble")] + [(i, label) for _, i, label in sorted(chosen)]


def _page(
    committee: Committee,
    status: int = 200,
    *,
    amend_form: AmendForm | None = None,
    problem: str | None = None,
) -> tuple[str, int]:
    viewer = current_viewer()
    may_amend = viewer.can_validate_minutes and committee.is_locked
    amend_form = amend_form or AmendForm(formdata=None)
    if may_amend:
        amend_form.decision_id.choices = _decision_choices(committee)
    return render_template(
        "committees/minutes.html",
        minutes=_minutes(committee),
        validate_form=ValidateForm(formdata=None, version=str(committee.version)),
        amend_form=amend_form,
        may_validate=viewer.can_validate_minutes and committee.status is CommitteeStatus.PUBLISHED,
        may_amend=may_amend,
        may_export=viewer.sees_youth,
        problem=problem,
    ), status


def _failed(committee_id: int, error: Exception, amend_form: AmendForm | None = None) -> Page:
    """After a refused change, rolled back: the minutes as they stand now, with why."""
    db.session.rollback()
    problem = error.message if isinstance(error, DomainError) else services.CHANGED_MEANWHILE
    status = error.status_code if isinstance(error, DomainError) else 409
    return _page(_held(committee_id), status, amend_form=amend_form, problem=problem)


@bp.get(f"{ROUTE}/releve")
@members
def minutes(committee_id: int) -> tuple[str, int]:
    return _page(_held(committee_id))


@bp.post(f"{ROUTE}/valider")
@pilot
def validate(committee_id: int) -> Page:
    committee = _held(committee_id)
    form = ValidateForm()
    try:
        services.validate_minutes(
            db.session(), committee=committee, version=form.read_version(), now=clock.now(), **who()
        )
        db.session.commit()
    except (DomainError, StaleDataError) as error:
        return _failed(committee_id, error)
    flash(
        "Relevé de décisions validé : le comité est verrouillé. Une correction se fait "
        "désormais par un amendement, daté et signé.",
        "success",
    )
    return redirect(url_for("committees.minutes", committee_id=committee_id))


@bp.post(f"{ROUTE}/amendements")
@pilot
def amend(committee_id: int) -> Page:
    committee = _held(committee_id)
    if not committee.is_locked:
        raise CommitteeStateError(services.NOT_VALIDATED)
    form = AmendForm()
    form.decision_id.choices = _decision_choices(committee)
    if not form.validate_on_submit():
        return _page(committee, 422, amend_form=form)
    decision = db.session.get(Decision, form.decision_id.data) if form.decision_id.data else None
    try:
        services.amend_minutes(
            db.session(),
            committee=committee,
            text=form.text.data or "",
            decision=decision,
            now=clock.now(),
            **who(),
        )
        db.session.commit()
    except DomainError as error:
        return _failed(committee_id, error, amend_form=form)
    flash("Amendement ajouté au relevé de décisions.", "success")
    return redirect(url_for("committees.minutes", committee_id=committee_id, _anchor="amendements"))


@bp.get(f"{ROUTE}/releve.xlsx")
@with_names
def minutes_xlsx(committee_id: int) -> Response:
    minutes = _minutes(_held(committee_id))
    target = BytesIO()
    export_minutes(db.session(), minutes=minutes, target=target, actor=current_actor())
    db.session.commit()
    target.seek(0)
    day = clock.local(minutes.committee.starts_at).date()
    return send_file(
        target,
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"releve-comite-{day}-{minutes.version.value}.xlsx",
    )


@bp.get(f"{ROUTE}/releve/imprimer")
@with_names
def minutes_print(committee_id: int) -> str:
    minutes = _minutes(_held(committee_id))
    record_export(
        db.session(),
        minutes=minutes,
        fmt="impression",
        rows=len(minutes.rows),
        actor=current_actor(),
    )
    db.session.commit()
    return render_template("committees/minutes_print.html", minutes=minutes)

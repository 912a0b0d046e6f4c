"""Follow-up pages: DARFI requests and interviews, obligation de formation steps and the
printable convocation letter."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from psad import clock
from psad.access.youth import NOT_FOUND, get_visible_youth_or_404
from psad.errors import DomainError, NotFoundError
from psad.extensions import db
from psad.followup import panels, services
from psad.followup.legal_forms import (
    ConvocationForm,
    DarfiInterviewForm,
    DarfiRequestForm,
    ObligationStepForm,
    date_of,
)
from psad.followup.models import DarfiRequest, DarfiSource, Diploma
from psad.followup.views import bp
from psad.followup.views.tasks import follows
from psad.web.forms import FrenchForm
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID
from psad.youth import services as youth_services
from psad.youth.models import Case, Youth

FILE = f"/jeunes/<{RECORD_ID}:youth_id>"


def _visible(youth_id: int) -> Youth:
    return get_visible_youth_or_404(db.session(), youth_id, current_viewer())


def _form_page(template: str, form: FrenchForm, **context: object) -> tuple[str, int]:
    page = render_template(template, form=form, **context)
    return page, 422 if form.is_submitted() else 200


def _to_file(youth: Youth, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("youth.detail", youth_id=youth.id))


@bp.route(f"{FILE}/darfi/nouvelle", methods=["GET", "POST"])
@follows
def new_darfi(youth_id: int) -> Response | tuple[str, int]:
    youth = _visible(youth_id)
    case = panels.open_case_of(youth)
    form = DarfiRequestForm(today=clock.today())
    if not form.validate_on_submit():
        return _form_page("followup/darfi_request.html", form, youth=youth)
    services.record_darfi_request(
        db.session(),
        case=case,
        requested_on=date_of(form.requested_on),
        source=DarfiSource(form.source.data),
        diploma=Diploma(form.diploma.data),
        wish=form.wish.data,
        by=current_user,
        today=clock.today(),
        actor=current_actor(),
    )
    return _to_file(youth, "Demande DARFI enregistrée : l'entretien est dû sous 15 jours.")


@bp.route(f"{FILE}/darfi/<{RECORD_ID}:request_id>/entretien", methods=["GET", "POST"])
@follows
def darfi_interview(youth_id: int, request_id: int) -> Response | tuple[str, int]:
    youth = _visible(youth_id)
    darfi = db.session.get(DarfiRequest, request_id)
    case = next((c for c in youth.cases if darfi and c.id == darfi.case_id), None)
    if darfi is None or case is None:
        raise NotFoundError(NOT_FOUND)
    row = panels.darfi_row(darfi, youth.birth_date, clock.today())
    form = DarfiInterviewForm(today=clock.today())
    if not form.validate_on_submit():
        return _form_page("followup/darfi_interview.html", form, youth=youth, row=row)
    services.record_darfi_interview(
        db.session(),
        case=case,
        request=darfi,
        held_on=date_of(form.held_on),
        outcome=form.outcome.data,
        by=current_user,
        today=clock.today(),
        now=clock.now(),
        actor=current_actor(),
    )
    return _to_file(youth, "Entretien DARFI enregistré.")


@bp.route(f"{FILE}/obligation/<step>", methods=["GET", "POST"])
@follows
def obligation_step(youth_id: int, step: str) -> Response | tuple[str, int]:
    youth = _visible(youth_id)
    chosen = panels.STEP_OF_SLUG.get(step)
    if chosen is None:
        raise NotFoundError("Cette étape de l'obligation de formation n'existe pas.")
    case = panels.open_case_of(youth)
    panel = _obligation_or_error(case)
    form = ObligationStepForm(today=clock.today())
    if not form.validate_on_submit():
        status = next(row for row in panel.steps if row.status.step is chosen)
        return _form_page("followup/obligation_step.html", form, youth=youth, step=status)
    services.record_obligation_step(
        db.session(),
        case=case,
        step=chosen,
        done_on=date_of(form.done_on),
        comment=form.comment.data,
        by=current_user,
        today=clock.today(),
        now=clock.now(),
        actor=current_actor(),
    )
    return _to_file(youth, f"Étape enregistrée : {chosen.label.lower()}.")


def _obligation_or_error(case: Case) -> panels.ObligationPanel:
    panel = panels.obligation_panel(db.session(), case, clock.today())
    if panel is None:
        raise DomainError(
            "L'obligation de formation ne s'applique pas à ce jeune : il avait 18 ans ou plus "
            "à l'ouverture du dossier, ou sa date de naissance manque."
        )
    return panel


@bp.get(f"{FILE}/obligation/convocation")
@follows
def convocation_letter(youth_id: int) -> str | tuple[str, int]:
    """A letter to print (A4) convening the youth and the legal guardian; a read of the file."""
    youth = _visible(youth_id)
    case = youth.latest_case
    if case is None:
        raise NotFoundError(NOT_FOUND)
    _obligation_or_error(case)
    form = ConvocationForm(request.args)
    valid = form.validate()
    youth_services.record_file_read(db.session(), youth=youth, actor=current_actor())
    db.session.commit()
    page = render_template(
        "followup/convocation.html",
        form=form,
        youth=youth,
        psad=youth.psad,
        letter_date=panels.long_date_fr(clock.today()),
        of_youth=panels.of_name(youth.first_name),
        born=panels.born_fr(youth.sex),
        appointment=Appointment(
            on=panels.long_date_fr(form.on.data) if valid and form.on.data else None,
            at=(form.at.data or "").strip() if valid else None,
            place=(form.place.data or "").strip() if valid else None,
        ),
        author=current_user,
    )
    return page if valid else (page, 422)


@dataclass(frozen=True)
class Appointment:
    """What the letter prints of the appointment (None: a blank to fill by hand)."""

    on: str | None
    at: str | None
    place: str | None

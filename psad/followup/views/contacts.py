"""Follow-up pages: contacts (record one, correct one) and notes.

Pilotes, co-pilotes and partners (on the youth they see) record contacts and notes; readers
and administrators get 403, a youth out of scope 404. « Enregistrer et suivant » opens the
next youth of the list the file was opened from (its ``depuis`` parameter).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from psad import clock
from psad.access.youth import get_visible_youth_or_404, youth_scope
from psad.errors import DomainError
from psad.extensions import db
from psad.followup import contact_forms as forms
from psad.followup import services
from psad.followup.models import Contact, NoteKind
from psad.followup.services import contacts as contact_services
from psad.followup.views import bp
from psad.followup.worklist import FROM_LIST, ListArgs, neighbours_in
from psad.reference.models import ReferenceKind
from psad.reference.services import active_items
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID
from psad.youth.models import Case, Youth

FOLLOWS = "Votre rôle ne permet pas d'agir sur le suivi des jeunes."
CLOSED = "Ce dossier est clos : rouvrez-le pour enregistrer un contact."
follows = requires(lambda viewer: viewer.can_follow, FOLLOWS)
YOUTH = f"/jeunes/<{RECORD_ID}:youth_id>"
F = TypeVar("F", bound=forms.ContactFields)
NOTE_SAVED = {
    NoteKind.NOTE: "Note enregistrée.",
    NoteKind.DIAGNOSTIC: "Diagnostic des besoins et attentes enregistré.",
}


@bp.route(f"{YOUTH}/contacts/nouveau", methods=["GET", "POST"])
@follows
def new_contact(youth_id: int) -> ResponseReturnValue:
    youth, case = _youth_with_open_case(youth_id)
    depuis = request.args.get(FROM_LIST) or None
    call_back_on = clock.today() + timedelta(days=youth.psad.call_back_days)
    form = _form(forms.ContactForm, data=forms.defaults(clock.now(), call_back_on))
    if not form.validate_on_submit():
        return _contact_page(form, youth, depuis=depuis)
    after = _next_file(youth.id, depuis) if form.save_next.data and depuis else None
    try:
        result = services.record_contact(
            db.session(),
            case=case,
            data=form.contact_data(),
            by=current_user,
            actor=current_actor(),
            now=clock.now(),
            call_back_on=form.call_back,
        )
    except DomainError as error:
        _refuse(form, error)
        return _contact_page(form, youth, depuis=depuis)
    db.session.commit()
    _flash_recorded(youth, result, form.call_back)
    return redirect(after or url_for("youth.detail", youth_id=youth.id, depuis=depuis))


@bp.route(f"{YOUTH}/contacts/<{RECORD_ID}:contact_id>/corriger", methods=["GET", "POST"])
@follows
def correct_contact(youth_id: int, contact_id: int) -> ResponseReturnValue:
    viewer = current_viewer()
    youth = get_visible_youth_or_404(db.session(), youth_id, viewer)
    original = contact_services.youth_contact(
        db.session(), youth_id=youth.id, contact_id=contact_id
    )
    _check_may_correct(original)
    form = _form(forms.CorrectionForm, data=forms.ContactFields.values_of(original), of=original)
    if not form.validate_on_submit():
        return _contact_page(form, youth, correction=original)
    try:
        replacement = services.correct_contact(
            db.session(),
            original=original,
            data=form.contact_data(),
            by=current_user,
            may_correct_any=viewer.can_correct_any_contact,
            actor=current_actor(),
            now=clock.now(),
        )
    except DomainError as error:
        _refuse(form, error)
        return _contact_page(form, youth, correction=original)
    db.session.commit()
    flash("Correction enregistrée : elle annule et remplace la prise de contact.", "success")
    return redirect(url_for("youth.detail", youth_id=youth.id, _anchor=f"contact-{replacement.id}"))


@bp.route(f"{YOUTH}/notes/nouvelle", methods=["GET", "POST"])
@follows
def new_note(youth_id: int) -> ResponseReturnValue:
    youth = get_visible_youth_or_404(db.session(), youth_id, current_viewer())
    case = youth.open_case or youth.latest_case
    if case is None:
        abort(409, description="Ce jeune n'a pas de dossier de suivi.")
    form = forms.NoteForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("followup/note_form.html", form=form, youth=youth), status
    services.add_note(
        db.session(),
        case=case,
        kind=NoteKind(form.kind.data),
        body=form.body.data or "",
        by=current_user,
        actor=current_actor(),
        now=clock.now(),
    )
    db.session.commit()
    flash(NOTE_SAVED[NoteKind(form.kind.data)], "success")
    return redirect(url_for("youth.detail", youth_id=youth.id))


# --- helpers -------------------------------------------------------------------------------


def _youth_with_open_case(youth_id: int) -> tuple[Youth, Case]:
    youth = get_visible_youth_or_404(db.session(), youth_id, current_viewer())
    case = youth.open_case
    if case is None:
        abort(409, description=CLOSED)
    return youth, case


def _form(form_class: type[F], *, data: dict[str, object], of: Contact | None = None) -> F:
    """The form with the reference lists (and the values of the contact corrected, if it
    uses an item retired since); the defaults only when the page is first shown."""
    session = db.session()
    channels = active_items(session, ReferenceKind.CONTACT_CHANNEL)
    outcomes = active_items(session, ReferenceKind.CONTACT_OUTCOME)
    if of is not None:
        channels += [] if of.channel in channels else [of.channel]
        outcomes += [] if of.outcome is None or of.outcome in outcomes else [of.outcome]
    return form_class(
        data=data if request.method == "GET" else None,
        now=clock.now(),
        channels=channels,
        outcomes=outcomes,
    )


def _contact_page(
    form: forms.ContactFields,
    youth: Youth,
    *,
    depuis: str | None = None,
    correction: Contact | None = None,
) -> ResponseReturnValue:
    page = render_template(
        "followup/contact_form.html", form=form, youth=youth, depuis=depuis, correction=correction
    )
    return page, 422 if form.is_submitted() else 200


def _refuse(form: forms.ContactFields, error: DomainError) -> None:
    """A refusal of the service: an error page when it is about who or what, else a message
    at the top of the form."""
    db.session.rollback()
    if error.status_code in (403, 404, 409):
        raise error
    form.form_errors.append(error.message)


def _check_may_correct(original: Contact) -> None:
    viewer = current_viewer()
    if contact_services.is_replaced(db.session(), original):
        abort(409, description=contact_services.ALREADY_CORRECTED)
    if not contact_services.may_correct(
        original,
        user_id=viewer.user_id,
        may_correct_any=viewer.can_correct_any_contact,
        now=clock.now(),
    ):
        abort(403, description=contact_services.CORRECTION_REFUSED)


def _next_file(youth_id: int, depuis: str) -> str | None:
    """The next youth of the list the file was opened from (computed before recording, as
    the contact may take the youth out of it); at the end of the list, the list itself."""
    args = ListArgs.from_file_url(depuis)
    if args is None:
        return None
    found = neighbours_in(
        db.session(),
        scope=youth_scope(current_viewer()),
        args=args,
        youth_id=youth_id,
        today=clock.today(),
    )
    if found is not None and found.next_id is not None:
        return url_for("youth.detail", youth_id=found.next_id, depuis=depuis)
    return f"{url_for('youth.index')}?{args.query_string()}"


def _flash_recorded(youth: Youth, result: services.ContactResult, call_back: date | None) -> None:
    """The confirmation; after N failed attempts in a row, it offers to close the case as
    « injoignable » (a link to the closing form for those who may close)."""
    message = f"Prise de contact enregistrée pour {youth.display_name}."
    if not result.contact.reached and call_back is not None:
        message += f" Rappel prévu le {call_back:%d/%m/%Y}."
    if not result.offer_unreachable:
        flash(message, "success")
        return
    offer = Markup("{} {} tentatives d'affilée sans joindre personne : ").format(
        message, result.failed_in_a_row
    )
    if current_viewer().can_manage_cases and "followup.close" in current_app.view_functions:
        link = url_for("followup.close", youth_id=youth.id, motif="unreachable")
        offer += Markup('<a href="{}">clore le dossier comme « injoignable »</a> ?').format(link)
    else:
        offer += "le pilote ou le co-pilote peut clore le dossier comme « injoignable »."
    flash(offer, "warning")

"""The buttons of the file's « Messages » panel: record or lift an opposition to being
contacted, suspend or resume the automatic reminders (pilotes and co-pilotes); confirm or
set aside what a youth answered (whoever follows the youth; a refusal, which proposes closing
the case, only pilotes and co-pilotes). Each answers with the file."""

from __future__ import annotations

from typing import cast

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from psad import clock
from psad.access.youth import get_visible_youth_or_404
from psad.errors import DomainError
from psad.extensions import db
from psad.messages import blocks, reply
from psad.messages.forms import AutoRemindersForm, DismissForm, LiftBlockForm, SituationForm
from psad.messages.models import BlockSource, ReplyAnswer
from psad.messages.queries import answer_of
from psad.messages.views import bp
from psad.messages.views.compose import writes
from psad.reference.models import ReferenceKind
from psad.reference.services import active_items
from psad.web.access import requires
from psad.web.forms import FrenchForm
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID
from psad.youth.models import Youth

FOLLOWS = "Votre rôle ne permet pas d'agir sur le suivi des jeunes."
REFUSAL_MANAGERS = (
    "Seuls le pilote et les co-pilotes de la PSAD peuvent écarter le refus d'un jeune : "
    "ce refus propose de clore son dossier."
)
YOUTH = f"/jeunes/<{RECORD_ID}:youth_id>"
ANSWER = f"{YOUTH}/reponses/<{RECORD_ID}:answer_id>"
follows = requires(lambda viewer: viewer.can_follow, FOLLOWS)


def _youth(youth_id: int) -> Youth:
    return get_visible_youth_or_404(db.session(), youth_id, current_viewer())


def _answer(youth_id: int, answer_id: int) -> ReplyAnswer:
    _youth(youth_id)
    answer = answer_of(db.session(), youth_id, answer_id)
    if answer is None:
        abort(404)
    return answer


def _to_file(youth_id: int, message: str, category: str = "success") -> Response:
    flash(message, category)
    return redirect(url_for("youth.detail", youth_id=youth_id, _anchor="messages"))


def _refused(form: FrenchForm) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


# --- opposition and automatic reminders -------------------------------------------------


@bp.post(f"{YOUTH}/opposition")
@writes
def block(youth_id: int) -> Response:
    youth = _youth(youth_id)
    done = blocks.block(
        db.session(),
        youth=youth,
        source=BlockSource.PERSON,
        by_id=current_user.id,
        actor=current_actor(),
        now=clock.now(),
    )
    db.session.commit()
    if done is None:
        return _to_file(youth.id, "Une opposition au contact était déjà enregistrée.", "info")
    return _to_file(youth.id, "Opposition enregistrée : plus aucun message n'ira à ce jeune.")


@bp.post(f"{YOUTH}/opposition/levee")
@writes
def lift(youth_id: int) -> Response:
    youth, form = _youth(youth_id), LiftBlockForm()
    if not form.validate():
        return _to_file(youth.id, _refused(form), "warning")
    try:
        blocks.lift(
            db.session(),
            youth=youth,
            reason=form.reason.data or "",
            by_id=current_user.id,
            actor=current_actor(),
            now=clock.now(),
        )
    except DomainError as error:
        db.session.rollback()
        return _to_file(youth.id, error.message, "warning")
    db.session.commit()
    return _to_file(youth.id, "Opposition levée : le jeune peut de nouveau recevoir des messages.")


@bp.post(f"{YOUTH}/relances-auto")
@writes
def auto_reminders(youth_id: int) -> Response:
    youth, form = _youth(youth_id), AutoRemindersForm()
    if not form.validate():
        return _to_file(youth.id, _refused(form), "warning")
    session, actor = db.session(), current_actor()
    if form.suspendre.data == "oui":
        blocks.suspend_auto_reminders(
            session, youth=youth, by_id=current_user.id, actor=actor, now=clock.now()
        )
        done = "Relances automatiques suspendues pour ce jeune."
    else:
        blocks.resume_auto_reminders(session, youth=youth, actor=actor)
        done = "Relances automatiques reprises pour ce jeune."
    session.commit()
    return _to_file(youth.id, done)


# --- a youth's answers ------------------------------------------------------------------


@bp.post(f"{ANSWER}/telephone")
@follows
def confirm_phone(youth_id: int, answer_id: int) -> Response:
    answer = _answer(youth_id, answer_id)
    try:
        reply.confirm_phone(
            db.session(),
            answer=answer,
            by=current_user._get_current_object(),
            actor=current_actor(),
            now=clock.now(),
        )
    except DomainError as error:
        db.session.rollback()
        return _to_file(youth_id, error.message, "warning")
    db.session.commit()
    return _to_file(youth_id, "Numéro de téléphone confirmé : la fiche est à jour.")


@bp.post(f"{ANSWER}/situation")
@follows
def confirm_situation(youth_id: int, answer_id: int) -> Response:
    answer, form = _answer(youth_id, answer_id), SituationForm()
    items = {item.code: item for item in active_items(db.session(), ReferenceKind.SITUATION)}
    form.offer(list(items.values()))
    if not form.validate():
        return _to_file(youth_id, _refused(form), "warning")
    item = items[form.situation.data]
    try:
        reply.confirm_situation(
            db.session(),
            answer=answer,
            situation_item=item,
            by=current_user._get_current_object(),
            actor=current_actor(),
            now=clock.now(),
        )
    except DomainError as error:
        db.session.rollback()
        return _to_file(youth_id, error.message, "warning")
    db.session.commit()
    return _to_file(youth_id, f"Situation confirmée : {item.label}.")


@bp.post(f"{ANSWER}/ecarter")
@follows
def dismiss(youth_id: int, answer_id: int) -> Response:
    answer, form = _answer(youth_id, answer_id), DismissForm()
    if not form.validate():
        return _to_file(youth_id, _refused(form), "warning")
    if form.part.data == "refusal" and not current_viewer().can_manage_cases:
        abort(403, description=REFUSAL_MANAGERS)
    try:
        reply.dismiss(
            db.session(),
            answer=answer,
            part=cast("reply.Part", form.part.data),
            by=current_user._get_current_object(),
            actor=current_actor(),
            now=clock.now(),
        )
    except DomainError as error:
        db.session.rollback()
        return _to_file(youth_id, error.message, "warning")
    db.session.commit()
    return _to_file(youth_id, "Réponse écartée : le dossier reste tel quel.")

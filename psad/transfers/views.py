"""Transfers between PSADs: propose from the file, request from an import's conflict, the
« Transferts à accepter » page, a transfer's decision page, and what the file shows.

Only pilotes and co-pilotes take part. The deciding side sees the youth's name, birth date
and commune (what it needs to decide), never the file; the asking side sees what it knew
when it asked (``Transfer.subject_*``). A transfer of other PSADs answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from psad import clock
from psad.access.youth import get_visible_youth_or_404
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.errors import DomainError, NotFoundError
from psad.extensions import db
from psad.followup.views.case import _who  # who acts, when, from where: as the follow-up
from psad.imports.models import ImportBatch
from psad.imports.results import Conflict
from psad.orientations import services as orientations
from psad.transfers import forms, queries, services
from psad.transfers.models import Transfer, TransferDirection, psad_label
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer, viewer_or_none
from psad.web.urls import RECORD_ID, requested_page
from psad.youth.models import Youth

bp = Blueprint("transfers", __name__)
MANAGERS_ONLY = (
    "Seuls le pilote et le co-pilote d'une PSAD peuvent proposer, demander, accepter ou "
    "refuser un transfert."
)
NO_CONFLICT = "Cette ligne de la liste n'est pas un conflit avec une autre PSAD."
NO_OTHER_PSAD = "Aucune autre PSAD active dans l'installation : aucun transfert possible."
PER_PAGE = 25
Page = Response | tuple[str, int]

managers = requires(lambda viewer: viewer.can_manage_cases, MANAGERS_ONLY)


def _psad_id() -> int:
    psad_id = current_viewer().psad_id
    assert psad_id is not None  # pilotes and co-pilotes work in a PSAD
    return psad_id


# --- what the youth's file shows ------------------------------------------------------------


@dataclass(frozen=True)
class FileTransfer:
    """The transfer part of a youth's file: the pending transfer in a sentence, and what the
    viewer may do (propose one, cancel theirs, examine a request made to them)."""

    pending: Transfer | None
    summary: str
    may_propose: bool
    may_cancel: bool
    may_decide: bool


def file_transfer(youth: Youth) -> FileTransfer:
    viewer = viewer_or_none()
    manages = viewer is not None and viewer.can_manage_cases and viewer.psad_id == youth.psad_id
    session = db.session()
    pending = queries.pending_for_youth(session, youth.id)
    if pending is None:
        may_propose = manages and bool(queries.other_psads(session, youth.psad_id))
        return FileTransfer(None, "", may_propose, False, False)
    return FileTransfer(
        pending,
        _pending_sentence(pending),
        may_propose=False,
        may_cancel=manages and pending.direction is TransferDirection.OFFER,
        may_decide=manages and pending.direction is TransferDirection.REQUEST,
    )


def _pending_sentence(transfer: Transfer) -> str:
    on = f"le {clock.local(transfer.proposed_at):%d/%m/%Y}"
    by = f" par {transfer.proposed_by.full_name}" if transfer.proposed_by else ""
    if transfer.direction is TransferDirection.OFFER:
        return (
            f"Transfert proposé à la PSAD {psad_label(transfer.to_psad)} {on}{by} : "
            "en attente de sa décision."
        )
    return (
        f"La PSAD {psad_label(transfer.to_psad)} demande le transfert de ce jeune ({on}{by}) : "
        "à accepter ou refuser."
    )


def transfers_to_decide() -> int:
    """The header's counter: the transfers waiting for the viewer's PSAD to decide."""
    viewer = viewer_or_none()
    if viewer is None or not viewer.can_manage_cases or viewer.psad_id is None:
        return 0
    return queries.count_to_decide(db.session(), viewer.psad_id)


@bp.app_context_processor
def _helpers() -> dict[str, object]:
    return {"file_transfer": file_transfer, "transfers_to_decide": transfers_to_decide}


# --- proposing from the file, requesting from an import's conflict -----------------------------


@bp.route(f"/jeunes/<{RECORD_ID}:youth_id>/transfert", methods=["GET", "POST"])
@managers
def propose(youth_id: int) -> Page:
    session = db.session()
    youth = get_visible_youth_or_404(session, youth_id, current_viewer())
    if queries.pending_for_youth(session, youth.id) is not None:
        raise services.TransferConflictError(services.ALREADY_PENDING)
    targets = queries.other_psads(session, youth.psad_id)
    if not targets:
        raise services.TransferConflictError(NO_OTHER_PSAD)
    form = forms.ProposeForm()
    form.to_psad_id.choices = [(0, "(choisir)"), *((p.id, psad_label(p)) for p in targets)]
    if not form.validate_on_submit():
        return _page("propose", form, 422 if form.is_submitted() else 200, youth=youth)
    to_psad = next(p for p in targets if p.id == form.to_psad_id.data)
    try:
        services.propose_transfer(
            session, youth=youth, to_psad=to_psad, comment=form.comment.data or "", **_who()
        )
        session.commit()
    except DomainError as error:
        session.rollback()
        return _page("propose", form, error.status_code, youth=youth, problem=error.message)
    flash(f"Transfert proposé à la PSAD {psad_label(to_psad)} : il attend sa décision.", "success")
    return redirect(url_for("youth.detail", youth_id=youth.id))


@bp.route(
    f"/listes/<{RECORD_ID}:batch_id>/lignes/<{RECORD_ID}:line>/transfert", methods=["GET", "POST"]
)
@managers
def request_from_import(batch_id: int, line: int) -> Page:
    session = db.session()
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.psad_id != _psad_id():
        raise NotFoundError("Cette liste n'existe pas ou n'est pas une liste de votre PSAD.")
    conflict = Conflict.all_in(batch.report).get(line)
    if conflict is None:
        raise NotFoundError(NO_CONFLICT)
    form = forms.RequestForm()
    context = {
        "batch": batch,
        "conflict": conflict,
        "holder": session.get(Psad, conflict.psad_id),
        "earlier": queries.requested_from_line(session, batch.id, line),
    }
    if not form.validate_on_submit():
        return _page("request", form, 422 if form.is_submitted() else 200, **context)
    try:
        transfer = services.request_transfer(
            session, batch=batch, conflict=conflict, comment=form.comment.data or "", **_who()
        )
        session.commit()
    except DomainError as error:
        session.rollback()
        return _page("request", form, error.status_code, problem=error.message, **context)
    flash(
        f"Transfert demandé à la PSAD {psad_label(transfer.from_psad)} : elle l'acceptera ou le "
        "refusera dans sa page « Transferts à accepter ».",
        "success",
    )
    return redirect(url_for("transfers.index"))


def _page(name: str, form: object, status: int, **context: object) -> tuple[str, int]:
    return render_template(f"transfers/{name}.html", form=form, **context), status


# --- « Transferts à accepter » -----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One transfer as a line of the page, from the viewer's side."""

    transfer: Transfer
    name: str
    birth_date: date | None
    commune: str
    what: str
    outcome: str


def _to_decide_row(transfer: Transfer) -> Row:
    youth = transfer.youth
    if transfer.direction is TransferDirection.OFFER:
        what = f"Proposé par la PSAD {psad_label(transfer.from_psad)} : le jeune vous serait confié"
    else:
        what = f"Demandé par la PSAD {psad_label(transfer.to_psad)} : le jeune lui serait confié"
        if transfer.batch is not None:
            what += f" (liste « {transfer.batch.label} », ligne {transfer.line})"
    commune = " ".join(p for p in (youth.postal_code, youth.commune) if p)
    return Row(transfer, youth.display_name, youth.birth_date, commune, what, "")


def _asked_row(transfer: Transfer) -> Row:
    if transfer.direction is TransferDirection.OFFER:
        what = f"Proposé à la PSAD {psad_label(transfer.to_psad)}"
    else:
        what = f"Demandé à la PSAD {psad_label(transfer.from_psad)}"
    outcome = transfer.state.label
    if transfer.decided_at is not None:
        who = f" par {transfer.decided_by.full_name}" if transfer.decided_by else ""
        outcome += f" le {clock.local(transfer.decided_at):%d/%m/%Y}{who}"
    if transfer.refusal_reason:
        outcome += f" : {transfer.refusal_reason}"
    name, born = transfer.subject_name, transfer.subject_birth_date
    return Row(transfer, name, born, "", what, outcome)


@bp.get("/transferts")
@managers
def index() -> str:
    session, psad_id = db.session(), _psad_id()
    asked = db.paginate(
        queries.asked(psad_id), page=requested_page(), per_page=PER_PAGE, error_out=False
    )
    return render_template(
        "transfers/index.html",
        deciding_rows=[_to_decide_row(t) for t in queries.to_decide(session, psad_id)],
        asked=asked,
        asked_rows=[_asked_row(t) for t in asked.items],
    )


# --- deciding ---------------------------------------------------------------------------------


def _deciding_or_404(transfer_id: int, *, for_update: bool = False) -> Transfer:
    """A transfer the viewer's PSAD decides (404 for the other side and everyone else)."""
    psad_id = _psad_id()
    transfer = queries.of_psad(db.session(), transfer_id, psad_id, for_update=for_update)
    if transfer.deciding_psad.id != psad_id:
        raise NotFoundError(queries.NOT_FOUND)
    return transfer


def _decision_page(
    transfer: Transfer,
    status: int = 200,
    refuse_form: forms.RefuseForm | None = None,
    **more: object,
) -> tuple[str, int]:
    return render_template(
        "transfers/decision.html",
        transfer=transfer,
        row=_to_decide_row(transfer),
        refuse_form=refuse_form or forms.RefuseForm(formdata=None),
        **more,
    ), status


@bp.get(f"/transferts/<{RECORD_ID}:transfer_id>")
@managers
def decision(transfer_id: int) -> tuple[str, int]:
    transfer = _deciding_or_404(transfer_id)
    # The deciding side reads a youth's identity that is not (yet) theirs: traced.
    audit.record(
        db.session(),
        current_actor(),
        AuditAction.YOUTH_VIEWED,
        object_type="youth",
        object_id=transfer.youth_id,
        detail=f"transfert={transfer.id}",
    )
    db.session.commit()
    return _decision_page(transfer)


def _failed(transfer_id: int, error: Exception) -> tuple[str, int]:
    """After a refused decision, rolled back: the page as the transfer stands now."""
    db.session.rollback()
    problem = error.message if isinstance(error, DomainError) else services.RACED
    status = error.status_code if isinstance(error, DomainError) else 409
    return _decision_page(_deciding_or_404(transfer_id), status, problem=problem)


@bp.post(f"/transferts/<{RECORD_ID}:transfer_id>/accepter")
@managers
def accept(transfer_id: int) -> Page:
    session = db.session()
    transfer = _deciding_or_404(transfer_id, for_update=True)
    offered = transfer.direction is TransferDirection.OFFER
    youth_id, name = transfer.youth_id, transfer.youth.display_name
    try:
        who = _who()
        orientations.cancel_left_behind(  # before the youth leaves the sending PSAD
            session,
            youth_id=youth_id,
            psad_id=transfer.from_psad_id,
            on=clock.today(),
            by=who["by"],
            actor=who["actor"],
        )
        services.accept_transfer(session, transfer=transfer, today=clock.today(), **who)
        session.commit()
    except (DomainError, StaleDataError) as error:
        return _failed(transfer_id, error)
    if offered:  # the youth is ours now
        flash(f"Transfert accepté : {name} est suivi par votre PSAD.", "success")
        return redirect(url_for("youth.detail", youth_id=youth_id))
    flash(f"Transfert accepté : {name} est confié à l'autre PSAD.", "success")
    return redirect(url_for("transfers.index"))


@bp.post(f"/transferts/<{RECORD_ID}:transfer_id>/refuser")
@managers
def refuse(transfer_id: int) -> Page:
    session = db.session()
    transfer = _deciding_or_404(transfer_id, for_update=True)
    form = forms.RefuseForm()
    if not form.validate_on_submit():
        return _decision_page(transfer, 422, refuse_form=form)
    try:
        services.refuse_transfer(
            session, transfer=transfer, reason=form.reason.data or "", **_who()
        )
        session.commit()
    except (DomainError, StaleDataError) as error:
        return _failed(transfer_id, error)
    flash("Transfert refusé : la PSAD qui l'a demandé voit votre motif.", "success")
    return redirect(url_for("transfers.index"))


@bp.post(f"/transferts/<{RECORD_ID}:transfer_id>/annuler")
@managers
def cancel(transfer_id: int) -> Response:
    session = db.session()
    transfer = queries.of_psad(session, transfer_id, _psad_id(), for_update=True)
    youth_id = transfer.youth_id
    try:
        services.cancel_transfer(session, transfer=transfer, **_who())
        session.commit()
        flash("Transfert annulé.", "success")
    except (DomainError, StaleDataError) as error:
        session.rollback()
        flash(error.message if isinstance(error, DomainError) else services.RACED, "danger")
    if request.form.get("back_to") == "dossier":
        return redirect(url_for("youth.detail", youth_id=youth_id))
    return redirect(url_for("transfers.index"))

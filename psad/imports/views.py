"""Upload → preview → confirm → result, and the history of imported lists."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response as BaseResponse
from wtforms import BooleanField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from psad.access.youth import youth_scope
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.errors import DomainError
from psad.extensions import db
from psad.imports import jobs, queries
from psad.imports.checking import Problem, ProblemLevel
from psad.imports.fields import FIELDS
from psad.imports.models import LABEL_LENGTH, ImportBatch, ImportJob, JobStatus, ListSource
from psad.imports.profiles import save_profile
from psad.imports.rejects import rejected_rows_workbook
from psad.imports.results import Conflict
from psad.web.access import requires
from psad.web.forms import FrenchForm
from psad.web.session import current_actor, current_membership, current_viewer
from psad.web.urls import RECORD_ID, requested_page

bp = Blueprint("imports", __name__, url_prefix="/listes")
can_import = requires(
    lambda v: v.can_import, "L'import des listes est réservé aux pilotes et co-pilotes."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Texts of the file longer than this are cut in the preview, so that long headers or cells
# cannot swell the page (one header per column, a column label in every problem).
SHOWN_CHARS = 100
SHOWN_MESSAGE_CHARS = 300  # a problem's message quotes the value it refuses
PROBLEMS_SHOWN = 2000  # in the report of an imported list


class UploadForm(FrenchForm):
    file = FileField(
        "Fichier de la liste (.xlsx, .xls, .ods ou .csv)",
        validators=[FileRequired("Choisissez un fichier.")],
    )
    label = StringField(
        "Libellé de la liste",
        validators=[DataRequired("Donnez un libellé à la liste."), Length(max=LABEL_LENGTH)],
        description="Par exemple « SIEI mars 2026 ».",
    )
    source = SelectField("Origine", choices=[SelectChoice(s.value, s.label) for s in ListSource])
    submit = SubmitField("Lire le fichier")


class MappingForm(FrenchForm):
    save_as = StringField(
        "Enregistrer cette correspondance comme profil (nom court, facultatif)",
        validators=[
            Optional(),
            Regexp(r"^[a-z0-9][a-z0-9_-]{1,40}$", message="Lettres minuscules, chiffres, - et _."),
        ],
    )
    submit = SubmitField("Relire avec cette correspondance")


class ConfirmForm(FrenchForm):
    confirm_duplicate = BooleanField("Je sais que ce fichier a déjà été importé")
    submit = SubmitField("Confirmer l'import")


def _psad_id() -> int:
    membership = current_membership()
    assert membership is not None  # can_import requires a role in a PSAD
    return membership.psad_id


def _job_or_404(token: str) -> ImportJob:
    job = queries.psad_job(db.session(), token, _psad_id())
    if job is None:
        abort(404)
    return job


def _batch_or_404(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.psad_id != _psad_id():
        abort(404)
    return batch


def _history() -> Any:
    """The PSAD's lists, newest first, one page."""
    return db.paginate(
        queries.psad_batches(_psad_id()),
        page=requested_page(),
        per_page=25,
        error_out=False,
    )


@bp.get("/")
@can_import
def index() -> str:
    return render_template("imports/index.html", batches=_history(), form=UploadForm())


@bp.post("/deposer")
@can_import
def upload() -> BaseResponse | tuple[str, int]:
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("imports/index.html", batches=_history(), form=form), 422
    upload = form.file.data
    job = jobs.new_job(
        db.session(),
        current_app.extensions["psad_settings"],
        psad_id=_psad_id(),
        user_id=current_user.id,
        label=form.label.data or "",
        source=ListSource(form.source.data),
        file_name=upload.filename or "liste",
        save=upload.save,
    )
    audit.record(
        db.session(),
        current_actor(),
        AuditAction.IMPORT_PREVIEWED,
        object_type="import_job",
        object_id=job.id,
        detail=f"fichier={job.file_name}",
    )
    token = job.token
    db.session.commit()
    jobs.start(current_app._get_current_object(), token, apply=False)  # type: ignore[attr-defined]
    return redirect(url_for("imports.job", token=token))


@bp.get("/travaux/<token>")
@can_import
def job(token: str) -> BaseResponse | str:
    job = _job_or_404(token)
    if token in jobs.FINISHED:  # ended, but the database was too busy to record it
        db.session.expunge(job)
        job.status, job.error = jobs.FINISHED[token]
    if job.status is JobStatus.DONE and job.batch_id:
        return redirect(url_for("imports.batch", batch_id=job.batch_id))
    phase, done, total = jobs.LIVE.get(token, (job.phase, job.done, job.total))
    earlier = queries.previous_batch(db.session(), job.psad_id, job.file_hash)
    mapping = job.mapping or {}
    return render_template(
        "imports/job.html",
        job=job,
        phase=phase,
        done=done,
        total=total,
        preview=_shown(job.preview),
        earlier=earlier,
        fields=FIELDS,
        mapping=mapping,
        column_of={index: name for name, index in mapping.items()},
        mapping_form=MappingForm(),
        confirm_form=ConfirmForm(),
        JobStatus=JobStatus,
    )


def _shown(preview: dict[str, Any]) -> dict[str, Any]:
    """The preview with the file's texts cut to a readable length (``cut`` says if any was);
    the file is read in full all the same."""
    cut = False

    def short(value: Any, limit: int = SHOWN_CHARS) -> Any:
        nonlocal cut
        if not isinstance(value, str) or len(value) <= limit:
            return value
        cut = True
        return value[: limit - 1] + "…"

    shown = dict(preview)
    shown["headers"] = [short(header) for header in preview.get("headers", [])]
    shown["first_rows"] = [
        {**row, "values": {name: short(value) for name, value in row["values"].items()}}
        for row in preview.get("first_rows", [])
    ]
    shown["problems"] = [
        {
            **problem,
            "level": ProblemLevel(problem["level"]),
            "column": short(problem.get("column")),
            "message": short(problem.get("message"), SHOWN_MESSAGE_CHARS),
        }
        for problem in preview.get("problems", [])
    ]
    shown["cut"] = cut
    return shown


@bp.post("/travaux/<token>/correspondance")
@can_import
def remap(token: str) -> BaseResponse | tuple[str, int]:
    job = _job_or_404(token)
    form = MappingForm()
    back = redirect(url_for("imports.job", token=token))
    if job.status is not JobStatus.READY or not form.validate_on_submit():
        flash(
            "Correspondance non prise en compte : "
            + " ".join(e for errors in form.errors.values() for e in errors),
            "danger",
        )
        return back
    headers = job.preview.get("headers", [])
    try:
        mapping = _chosen_mapping(len(headers))
        if form.save_as.data:
            _save_profile(form.save_as.data, headers, mapping, psad_id=job.psad_id)
    except DomainError as error:
        flash(error.message, "danger")
        return back
    job.mapping_json = json.dumps(mapping)
    job.status = JobStatus.ANALYSING
    db.session.commit()
    jobs.start(current_app._get_current_object(), token, apply=False)  # type: ignore[attr-defined]
    return back


def _chosen_mapping(columns: int) -> dict[str, int]:
    """The field chosen for each column of the preview (``col_<index>``), each field once."""
    mapping: dict[str, int] = {}
    for index in range(columns):
        name = request.form.get(f"col_{index}", "")
        if name in FIELDS:
            if name in mapping:
                raise DomainError(f"« {FIELDS[name]} » est choisi pour deux colonnes : corrigez.")
            mapping[name] = index
    return mapping


def _save_profile(name: str, headers: list[str], mapping: dict[str, int], *, psad_id: int) -> None:
    """Save the corrected mapping as a profile of the PSAD's own (audited), or raise
    DomainError."""
    settings = current_app.extensions["psad_settings"]
    save_profile(
        settings.profiles_dir,
        name,
        f"Profil {name}",
        {field: [str(headers[index])] for field, index in mapping.items()},
        psad=db.session.get_one(Psad, psad_id).code,
    )
    audit.record(
        db.session(),
        current_actor(),
        AuditAction.PROFILE_SAVED,
        psad_id=psad_id,
        detail=f"profil={name}",
    )
    flash(f"Profil « {name} » enregistré.", "success")


@bp.post("/travaux/<token>/confirmer")
@can_import
def confirm(token: str) -> BaseResponse:
    job = _job_or_404(token)
    form = ConfirmForm()
    if job.status is not JobStatus.READY or not form.validate_on_submit():
        flash("Cet import ne peut pas être confirmé dans son état actuel.", "danger")
        return redirect(url_for("imports.job", token=token))
    if queries.previous_batch(db.session(), job.psad_id, job.file_hash) is not None:
        flash(
            "Ce fichier a déjà été importé dans votre PSAD : rien n'a été créé ni modifié.",
            "warning",
        )
        return redirect(url_for("imports.index"))
    started = queries.start_applying(db.session(), job.id)
    db.session.commit()
    if started:  # a double click starts one import
        jobs.start(current_app._get_current_object(), token, apply=True)  # type: ignore[attr-defined]
    return redirect(url_for("imports.job", token=token))


@bp.get(f"/<{RECORD_ID}:batch_id>")
@can_import
def batch(batch_id: int) -> str:
    batch = _batch_or_404(batch_id)
    listed = db.paginate(
        queries.batch_listings(batch.id, youth_scope(current_viewer())),
        page=requested_page(),
        per_page=50,
        error_out=False,
    )
    audit.record(
        db.session(),
        current_actor(),
        AuditAction.IMPORT_BATCH_VIEWED,
        object_type="import_batch",
        object_id=batch.id,
    )
    db.session.commit()
    report = batch.report
    problems = report.get("problems", [])
    return render_template(
        "imports/batch.html",
        batch=batch,
        listed=listed,
        rejected_rows_kept="rejected_rows" in report,
        problems=[Problem.from_dict(problem) for problem in problems[:PROBLEMS_SHOWN]],
        problems_total=len(problems),
        # the conflicts whose youth the pilote may ask the other PSAD for (a transfer)
        conflict_lines=set(Conflict.all_in(report)),
    )


@bp.get(f"/<{RECORD_ID}:batch_id>/lignes-rejetees.xlsx")
@can_import
def rejects(batch_id: int) -> Response:
    batch = _batch_or_404(batch_id)
    audit.record(
        db.session(),
        current_actor(),
        AuditAction.IMPORT_REJECTS_DOWNLOADED,
        object_type="import_batch",
        object_id=batch.id,
    )
    db.session.commit()
    name = f"lignes-rejetees-liste-{batch.id}.xlsx"
    return Response(
        rejected_rows_workbook(batch),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

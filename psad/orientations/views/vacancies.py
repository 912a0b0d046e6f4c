"""The vacant places' pages: the PSAD's list, declare one, withdraw one, import a file.

Pilotes, co-pilotes and partners declare places (a partner for their own structure) and see
the PSAD's list; the pilotes, co-pilotes and the structure that declared a place withdraw it;
pilotes and co-pilotes import a spreadsheet. A place of another PSAD answers 404.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from psad import clock
from psad.access.orientations import may_manage_vacancy
from psad.auth.models import Psad, Role, Structure
from psad.errors import DomainError, NotFoundError
from psad.extensions import db
from psad.imports.jobs import upload_dir
from psad.imports.reader import MEBIBYTE, ReadLimits
from psad.orientations import vacancies as services
from psad.orientations.models import VacantPlace
from psad.orientations.places import Places, vacancy_places
from psad.orientations.vacancy_forms import NO_STRUCTURE, VacancyForm, VacancyImportForm
from psad.orientations.vacancy_import import VACANCY_LIMITS, ImportReport, read_vacancy_file
from psad.orientations.vacancy_import import import_vacancies as import_rows
from psad.orientations.views import bp
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID

Page = Response | tuple[str, int]
NOT_FOUND = "Cette place vacante n'existe pas ou n'est pas une place de votre PSAD."
NOT_YOURS = (
    "Seuls les pilotes, les co-pilotes et la structure qui l'a déclarée peuvent retirer "
    "cette place vacante."
)
declarers = requires(
    lambda viewer: viewer.can_declare_vacancies,
    "Les places vacantes sont déclarées par les pilotes, co-pilotes et partenaires de la PSAD.",
)
importers = requires(
    lambda viewer: viewer.can_import_vacancies,
    "L'import des places vacantes est réservé aux pilotes et co-pilotes.",
)


@dataclass(frozen=True)
class VacancyRow:
    vacancy: VacantPlace
    places: Places
    state: str
    may_withdraw: bool


def _psad() -> Psad:
    psad = db.session.get(Psad, current_viewer().psad_id)
    assert psad is not None  # declaring and importing need a role in a PSAD
    return psad


@bp.get("/places-vacantes")
@declarers
def vacancies() -> str:
    viewer, session, today = current_viewer(), db.session(), clock.today()
    include_past = request.args.get("toutes") == "1"
    found = services.psad_vacancies(session, _psad().id, today=today, include_past=include_past)
    places = vacancy_places(session, found)
    rows = [
        VacancyRow(
            vacancy=vacancy,
            places=places[vacancy.id],
            state=services.state_of(vacancy, today),
            may_withdraw=vacancy.withdrawn_at is None and may_manage_vacancy(viewer, vacancy),
        )
        for vacancy in found
    ]
    return render_template(
        "orientations/vacancies/index.html", rows=rows, include_past=include_past
    )


# --- declaring ------------------------------------------------------------------------------


def _for_own_structure() -> bool:
    """A partner declares for their own structure; pilotes and co-pilotes name one."""
    return current_viewer().role is Role.PARTNER


def _name_structures(form: VacancyForm, psad: Psad) -> None:
    """Pilotes and co-pilotes choose among the PSAD's structures; a partner has no choice."""
    if _for_own_structure():
        del form.structure_id
        return
    structures = db.session.scalars(
        select(Structure)
        .where(Structure.psad_id == psad.id, Structure.active.is_(True))
        .order_by(Structure.name)
    )
    form.structure_id.choices = [(NO_STRUCTURE, "(aucune)"), *((s.id, s.name) for s in structures)]


def _receiving(form: VacancyForm) -> Structure | None:
    if _for_own_structure():
        chosen = current_viewer().structure_id
    else:
        chosen = form.structure_id.data if form.structure_id.data != NO_STRUCTURE else None
    return db.session.get(Structure, chosen) if chosen else None


def _prefill(form: VacancyForm) -> None:
    """A partner's school: its UAI, name and commune are most often those of the place."""
    structure = _receiving(form) if _for_own_structure() else None
    if structure is not None:
        form.uai.data = form.uai.data or structure.uai
        form.establishment.data = form.establishment.data or structure.name
        form.commune.data = form.commune.data or structure.commune


def _declare_page(form: VacancyForm, status: int) -> tuple[str, int]:
    return render_template("orientations/vacancies/declare.html", form=form), status


@bp.route("/places-vacantes/nouvelle", methods=["GET", "POST"])
@declarers
def declare_vacancy() -> Page:
    session, psad = db.session(), _psad()
    form = VacancyForm()
    _name_structures(form, psad)
    if not form.is_submitted():
        _prefill(form)
    if not form.validate_on_submit():
        return _declare_page(form, 422 if form.is_submitted() else 200)
    try:
        vacancy = services.declare_vacancy(
            session,
            psad=psad,
            **form.declared(),
            by=current_user._get_current_object(),
            structure=_receiving(form),
            actor=current_actor(),
            today=clock.today(),
        )
        session.commit()
    except services.VacancyError as error:
        session.rollback()
        for name, message in error.problems.items():
            getattr(form, name).errors = [message]
        return _declare_page(form, error.status_code)
    flash(f"Place vacante déclarée : {vacancy.label}.", "success")
    return redirect(url_for("orientations.vacancies"))


# --- withdrawing ----------------------------------------------------------------------------


@bp.post(f"/places-vacantes/<{RECORD_ID}:vacancy_id>/retirer")
@declarers
def withdraw_vacancy(vacancy_id: int) -> Response:
    viewer, session = current_viewer(), db.session()
    vacancy = session.get(VacantPlace, vacancy_id)
    if vacancy is None or vacancy.psad_id != viewer.psad_id:
        raise NotFoundError(NOT_FOUND)
    if not may_manage_vacancy(viewer, vacancy):
        abort(403, description=NOT_YOURS)
    try:
        services.withdraw_vacancy(session, vacancy=vacancy, actor=current_actor(), now=clock.now())
        session.commit()
    except services.VacancyError as error:
        session.rollback()
        flash(error.message, "warning")
        return redirect(url_for("orientations.vacancies"))
    flash(f"Place vacante retirée : {vacancy.label}.", "success")
    return redirect(url_for("orientations.vacancies"))


# --- importing ------------------------------------------------------------------------------


def _import_file(upload: FileStorage, file_name: str) -> ImportReport:
    """Read the upload in a temporary folder (outside the web root), then write its places."""
    settings = current_app.extensions["psad_settings"]
    limits = ReadLimits(
        max_bytes=settings.imports.max_file_mb * MEBIBYTE, max_rows=VACANCY_LIMITS.max_rows
    )
    with tempfile.TemporaryDirectory(dir=upload_dir(settings)) as folder:
        path = Path(folder) / f"places{Path(file_name).suffix.lower()[:10]}"
        upload.save(path)
        rows = read_vacancy_file(path, file_name=file_name, today=clock.today(), limits=limits)
    return import_rows(
        db.session(),
        psad=_psad(),
        rows=rows,
        file_name=file_name,
        by=current_user._get_current_object(),
        actor=current_actor(),
    )


@bp.route("/places-vacantes/importer", methods=["GET", "POST"])
@importers
def import_vacancies() -> Page:
    form = VacancyImportForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("orientations/vacancies/import.html", form=form), status
    file_name = Path(form.file.data.filename or "places-vacantes").name[:200]
    try:
        report = _import_file(form.file.data, file_name)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        problems = getattr(error, "problems", None) or [error.message]
        return render_template(
            "orientations/vacancies/import.html", form=form, problems=problems, file_name=file_name
        ), 422
    flash(f"« {file_name} » importé : {report.text}", "success")
    return redirect(url_for("orientations.vacancies"))

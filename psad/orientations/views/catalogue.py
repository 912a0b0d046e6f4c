"""The catalogue's pages: the dispositifs by family and each one's entry (every member); adding,
editing, retiring and restoring them and editing their rules (administrators); their sites in
the PSAD with their places (administrators and pilotes)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from psad import clock
from psad.access.viewer import Viewer
from psad.extensions import db
from psad.orientations import catalogue, sites
from psad.orientations.catalogue import CatalogueError
from psad.orientations.catalogue_forms import NONE, ProgrammeForm, RuleForm, SiteForm
from psad.orientations.models import Programme, ProgrammeRule, ProgrammeSite, RuleKind
from psad.orientations.views import bp
from psad.reference.models import ReferenceKind
from psad.reference.services import active_items
from psad.schoolyear import school_year_label, school_year_of
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID

Page = Response | str | tuple[str, int]
NOT_A_MEMBER = "Le catalogue est réservé aux membres d'une PSAD et aux administrateurs."
ADMIN_ONLY = "Seuls les administrateurs modifient le catalogue des dispositifs."
SITES_ONLY = "Seuls les administrateurs et le pilote de la PSAD enregistrent les implantations."
NOT_LOCATED = (
    "Commune introuvable dans la liste des communes : l'implantation n'est pas placée sur la "
    "carte de l'offre."
)

members = requires(lambda viewer: viewer.sees_offer, NOT_A_MEMBER)
catalogue_admin = requires(lambda viewer: viewer.can_manage_catalogue, ADMIN_ONLY)
site_managers = requires(lambda viewer: viewer.can_manage_sites, SITES_ONLY)


def _programme_or_404(programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        abort(404)
    return programme


def _school_year() -> int:
    return school_year_of(clock.today())


def _show_error(form: object, error: CatalogueError) -> str | None:
    """Put the error under its field; the message to show above the form otherwise."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return error.message
    field.errors = [*field.errors, error.message]
    return None


# --- reading ------------------------------------------------------------------------------


@bp.get("/dispositifs", endpoint="catalogue")
@members
def catalogue_index() -> str:
    page = catalogue.catalogue_page(db.session())
    return render_template("orientations/catalogue/index.html", page=page)


@bp.get(f"/dispositifs/<{RECORD_ID}:programme_id>")
@members
def programme(programme_id: int) -> str:
    viewer = current_viewer()
    page = sites.programme_page(
        db.session(),
        _programme_or_404(programme_id),
        psad_id=viewer.psad_id,
        school_year=_school_year(),
    )
    return render_template(
        "orientations/catalogue/programme.html",
        page=page,
        school_year=school_year_label(_school_year()),
        may_edit_site=lambda site: _manages_site(viewer, site),
    )


# --- the entry -----------------------------------------------------------------------------


def _programme_form(programme: Programme | None) -> ProgrammeForm:
    form = ProgrammeForm(obj=programme)
    items = active_items(db.session(), ReferenceKind.SOLUTION)
    if programme is not None and programme.solution and programme.solution not in items:
        items.append(programme.solution)
    form.solution_id.choices = [(NONE, "(aucune)"), *((item.id, item.label) for item in items)]
    if programme is not None:
        form.code.render_kw = {"readonly": True}
    return form


def _entry_page(
    form: ProgrammeForm, programme: Programme | None, status: int, **more: object
) -> tuple[str, int]:
    template = "orientations/catalogue/form.html"
    return render_template(template, form=form, programme=programme, **more), status


@bp.route("/dispositifs/nouveau", methods=["GET", "POST"])
@catalogue_admin
def new_programme() -> Page:
    form = _programme_form(None)
    if not form.validate_on_submit():
        return _entry_page(form, None, 422 if form.is_submitted() else 200)
    try:
        created = catalogue.create_programme(
            db.session(), data=form.to_data(), actor=current_actor()
        )
    except CatalogueError as error:
        return _entry_page(form, None, 422, problem=_show_error(form, error))
    db.session.commit()
    flash(f"Dispositif {created.code} ajouté : ajoutez ses règles d'éligibilité.", "success")
    return redirect(url_for("orientations.programme_rules", programme_id=created.id))


@bp.route(f"/dispositifs/<{RECORD_ID}:programme_id>/modifier", methods=["GET", "POST"])
@catalogue_admin
def edit_programme(programme_id: int) -> Page:
    entry = _programme_or_404(programme_id)
    form = _programme_form(entry)
    if not form.validate_on_submit():
        return _entry_page(form, entry, 422 if form.is_submitted() else 200)
    try:
        data = form.to_data()
        catalogue.update_programme(db.session(), programme=entry, data=data, actor=current_actor())
    except CatalogueError as error:
        return _entry_page(form, entry, 422, problem=_show_error(form, error))
    db.session.commit()
    flash(f"Dispositif {entry.code} enregistré.", "success")
    return redirect(url_for("orientations.programme", programme_id=entry.id))


@bp.post(f"/dispositifs/<{RECORD_ID}:programme_id>/retirer")
@catalogue_admin
def retire_programme(programme_id: int) -> Response:
    entry = _programme_or_404(programme_id)
    catalogue.retire_programme(
        db.session(), programme=entry, on=clock.today(), actor=current_actor()
    )
    db.session.commit()
    flash(
        f"Dispositif {entry.code} retiré : il reste sur les orientations qui le nomment.", "success"
    )
    return redirect(url_for("orientations.programme", programme_id=entry.id))


@bp.post(f"/dispositifs/<{RECORD_ID}:programme_id>/retablir")
@catalogue_admin
def restore_programme(programme_id: int) -> Response:
    entry = _programme_or_404(programme_id)
    catalogue.restore_programme(db.session(), programme=entry, actor=current_actor())
    db.session.commit()
    flash(f"Dispositif {entry.code} rétabli dans le catalogue.", "success")
    return redirect(url_for("orientations.programme", programme_id=entry.id))


# --- the rules -----------------------------------------------------------------------------


def _rules_page(entry: Programme, form: RuleForm, status: int, **more: object) -> tuple[str, int]:
    session = db.session()
    situations = catalogue.situation_labels(session)
    rules = [(rule, catalogue.rule_text(rule, situations)) for rule in entry.rules]
    codes = {kind: catalogue.allowed_values(session, kind) for kind in RuleKind}
    return render_template(
        "orientations/catalogue/rules.html",
        programme=entry,
        rules=rules,
        codes={kind: values for kind, values in codes.items() if values},
        form=form,
        **more,
    ), status


@bp.route(f"/dispositifs/<{RECORD_ID}:programme_id>/regles", methods=["GET", "POST"])
@catalogue_admin
def programme_rules(programme_id: int) -> Page:
    entry = _programme_or_404(programme_id)
    form = RuleForm()
    if not form.validate_on_submit():
        return _rules_page(entry, form, 422 if form.is_submitted() else 200)
    try:
        catalogue.add_rule(
            db.session(), programme=entry, data=form.to_data(), actor=current_actor()
        )
    except CatalogueError as error:
        return _rules_page(entry, form, 422, problem=_show_error(form, error))
    db.session.commit()
    flash("Règle ajoutée.", "success")
    return redirect(url_for("orientations.programme_rules", programme_id=entry.id))


@bp.post(f"/dispositifs/<{RECORD_ID}:programme_id>/regles/<{RECORD_ID}:rule_id>/supprimer")
@catalogue_admin
def delete_rule(programme_id: int, rule_id: int) -> Response:
    rule = db.session.get(ProgrammeRule, rule_id)
    if rule is None or rule.programme_id != programme_id:
        abort(404)
    catalogue.delete_rule(db.session(), rule=rule, actor=current_actor())
    db.session.commit()
    flash("Règle supprimée.", "success")
    return redirect(url_for("orientations.programme_rules", programme_id=programme_id))


# --- the sites -----------------------------------------------------------------------------


def _manages_site(viewer: Viewer, site: ProgrammeSite) -> bool:
    """Administrators manage every site; a pilote those of their PSAD."""
    return viewer.can_manage_sites and (viewer.is_admin or site.psad_id == viewer.psad_id)


def _site_form(viewer: Viewer, site: ProgrammeSite | None, year: int) -> SiteForm:
    session = db.session()
    form = SiteForm(obj=site)
    psad_id = site.psad_id if site is not None else viewer.psad_id
    if psad_id is None:
        form.psad_id.choices = [(NONE, "(choisir)"), *sites.psad_choices(session)]
    else:
        del form.psad_id
    current = site.structure if site is not None else None
    structures = sites.structure_choices(session, psad_id, current)
    form.structure_id.choices = [(NONE, "(aucune)"), *structures]
    form.places_current.label.text = f"Places {school_year_label(year)}"
    form.places_next.label.text = f"Places {school_year_label(year + 1)}"
    if site is not None and not form.is_submitted():
        declared = {row.school_year: row.places for row in site.places}
        form.places_current.data = declared.get(year)
        form.places_next.data = declared.get(year + 1)
    return form


@bp.route(
    f"/dispositifs/<{RECORD_ID}:programme_id>/implantations/nouvelle",
    methods=["GET", "POST"],
    endpoint="new_site",
)
@bp.route(f"/implantations/<{RECORD_ID}:site_id>/modifier", methods=["GET", "POST"])
@site_managers
def edit_site(programme_id: int | None = None, site_id: int | None = None) -> Page:
    viewer, session, year = current_viewer(), db.session(), _school_year()
    site = session.get(ProgrammeSite, site_id) if site_id else None
    if site_id and (site is None or not _manages_site(viewer, site)):
        abort(404)
    entry = site.programme if site else _programme_or_404(programme_id or 0)
    form = _site_form(viewer, site, year)
    context = {"form": form, "programme": entry, "site": site}
    template = "orientations/catalogue/site_form.html"
    if not form.validate_on_submit():
        return render_template(template, **context), 422 if form.is_submitted() else 200
    psad_id = site.psad_id if site else (viewer.psad_id or form.psad_id.data)
    try:
        saved = sites.save_site(
            session,
            programme=entry,
            psad_id=psad_id,
            site=site,
            data=form.to_data(year),
            actor=current_actor(),
        )
    except CatalogueError as error:
        return render_template(template, problem=_show_error(form, error), **context), 422
    session.commit()
    flash(f"Implantation « {saved.label} » enregistrée.", "success")
    if saved.commune_code is None:
        flash(NOT_LOCATED, "warning")
    return redirect(url_for("orientations.programme", programme_id=entry.id))

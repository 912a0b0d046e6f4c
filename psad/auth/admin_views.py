"""Administration: PSADs, partner structures, users and their memberships."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from psad import clock
from psad.auth import queries, services, twofactor
from psad.auth.forms import ConfirmForm, MembershipForm, StructureForm, UserForm
from psad.auth.models import Membership, Psad, Role, Structure, StructureKind, User
from psad.auth.twofactor_forms import PsadSettingsForm
from psad.auth.views import login_policy
from psad.errors import DomainError
from psad.extensions import db
from psad.web.access import admin_only
from psad.web.session import current_actor
from psad.web.urls import RECORD_ID
from psad.youth.identifiers import normalize_uai

T = TypeVar("T")

bp = Blueprint("admin", __name__, url_prefix="/admin")
UAI_SIZE = 8  # Structure.uai


def _get_or_404(model: type[T], object_id: int) -> T:
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


@bp.get("/psad")
@admin_only
def psads() -> str:
    rows = queries.all_psads(db.session())
    return render_template("admin/psads.html", psads=rows)


@bp.route("/psad/nouvelle", methods=["GET", "POST"])
@bp.route(f"/psad/<{RECORD_ID}:psad_id>", methods=["GET", "POST"])
@admin_only
def psad_form(psad_id: int | None = None) -> Response | tuple[str, int] | str:
    psad = _get_or_404(Psad, psad_id) if psad_id else None
    form = PsadSettingsForm(obj=psad)
    if psad:
        form.code.render_kw = {"readonly": True}
    if not form.validate_on_submit():
        return _form_page("admin/psad_form.html", form, psad=psad)
    try:
        if psad:
            services.update_psad(
                db.session(),
                psad=psad,
                name=form.name.data or "",
                territory=form.territory.data,
                active=form.active.data,
                actor=current_actor(),
                rules=form.follow_up_rules(psad),
            )
        else:
            from psad.orientations.communes import ensure_communes
            from psad.orientations.seeds import ensure_catalogue
            from psad.reference.services import ensure_seeded

            psad = services.create_psad(
                db.session(),
                code=form.code.data or "",
                name=form.name.data or "",
                territory=form.territory.data,
                actor=current_actor(),
                rules=form.follow_up_rules(None),
            )
            ensure_seeded(db.session())
            ensure_catalogue(db.session())
            ensure_communes(db.session())
    except DomainError as error:
        db.session.rollback()
        form.code.errors = [error.message]
        return _form_page("admin/psad_form.html", form, psad=None)
    twofactor.set_requirement(
        db.session(), psad=psad, required=form.two_factor_required.data, actor=current_actor()
    )
    db.session.commit()
    flash(f"PSAD {psad.code} enregistrée.", "success")
    return redirect(url_for("admin.psads"))


@bp.get(f"/psad/<{RECORD_ID}:psad_id>/structures")
@admin_only
def structures(psad_id: int) -> str:
    psad = _get_or_404(Psad, psad_id)
    rows = queries.structures(db.session(), psad_id=psad.id)
    return render_template("admin/structures.html", psad=psad, structures=rows)


@bp.route(f"/psad/<{RECORD_ID}:psad_id>/structures/nouvelle", methods=["GET", "POST"])
@bp.route(f"/structures/<{RECORD_ID}:structure_id>", methods=["GET", "POST"])
@admin_only
def structure_form(
    psad_id: int | None = None, structure_id: int | None = None
) -> Response | tuple[str, int] | str:
    structure = _get_or_404(Structure, structure_id) if structure_id else None
    psad = structure.psad if structure else _get_or_404(Psad, psad_id or 0)
    form = StructureForm(obj=structure)
    if request.method == "GET" and structure:
        form.kind.data = structure.kind.value
    if not form.validate_on_submit():
        return _form_page("admin/structure_form.html", form, psad=psad, structure=structure)
    uai = normalize_uai(form.uai.data)
    if form.uai.data and (uai.value is None or len(uai.value) > UAI_SIZE):
        form.uai.errors = [f"UAI « {form.uai.data} » : format non reconnu."]
        return _form_page("admin/structure_form.html", form, psad=psad, structure=structure)
    values = dict(
        name=form.name.data or "",
        kind=StructureKind(form.kind.data),
        uai=uai.value,
        commune=form.commune.data,
        email=form.email.data,
        actor=current_actor(),
    )
    try:
        if structure:
            services.update_structure(
                db.session(), structure=structure, active=form.active.data, **values
            )
        else:
            structure = services.create_structure(db.session(), psad=psad, **values)
    except DomainError as error:
        db.session.rollback()
        form.name.errors = [error.message]
        return _form_page("admin/structure_form.html", form, psad=psad, structure=None)
    db.session.commit()
    if uai.warning:
        flash(uai.warning, "warning")
    flash(f"Structure « {structure.name} » enregistrée.", "success")
    return redirect(url_for("admin.structures", psad_id=psad.id))


@bp.get("/utilisateurs")
@admin_only
def users() -> str:
    rows = queries.users_with_roles(db.session())
    return render_template("admin/users.html", users=rows)


@bp.route("/utilisateurs/nouveau", methods=["GET", "POST"])
@bp.route(f"/utilisateurs/<{RECORD_ID}:user_id>", methods=["GET", "POST"])
@admin_only
def user_form(user_id: int | None = None) -> Response | tuple[str, int] | str:
    user = _get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    if user:
        form.email.render_kw = {"readonly": True}
    membership_form = _membership_form(user)
    if not form.validate_on_submit():
        return _form_page(
            "admin/user_form.html",
            form,
            user=user,
            membership_form=membership_form,
            confirm=ConfirmForm(),
        )
    try:
        if user:
            services.update_user(
                db.session(),
                user=user,
                full_name=form.full_name.data or "",
                is_admin=form.is_admin.data,
                active=form.active.data,
                new_password=form.password.data or None,
                policy=login_policy(),
                actor=current_actor(),
                now=clock.now(),
            )
        else:
            if not form.password.data:
                raise services.InvalidPasswordError(
                    "Donnez un mot de passe initial (12 caractères au moins)."
                )
            user = services.create_user(
                db.session(),
                email=form.email.data or "",
                full_name=form.full_name.data or "",
                password=form.password.data,
                policy=login_policy(),
                is_admin=form.is_admin.data,
                actor=current_actor(),
            )
    except DomainError as error:
        db.session.rollback()
        field = form.password if isinstance(error, services.InvalidPasswordError) else form.email
        field.errors = [error.message]
        return _form_page(
            "admin/user_form.html", form, user=None, membership_form=None, confirm=ConfirmForm()
        )
    db.session.commit()
    flash(f"Utilisateur {user.email} enregistré.", "success")
    return redirect(url_for("admin.user_form", user_id=user.id))


@bp.post(f"/utilisateurs/<{RECORD_ID}:user_id>/double-authentification")
@admin_only
def reset_two_factor(user_id: int) -> Response:
    """A lost phone: the user's second factor and recovery codes removed; audited."""
    user = _get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        twofactor.reset_by_administrator(db.session(), user=user, actor=current_actor())
        db.session.commit()
        then = (
            "sa PSAD l'exigeant, la personne l'activera de nouveau à sa prochaine connexion"
            if twofactor.requiring_psads(user)
            else "son mot de passe suffit désormais pour se connecter"
        )
        flash(f"Double authentification de {user.email} réinitialisée : {then}.", "success")
    return redirect(url_for("admin.user_form", user_id=user.id))


@bp.post(f"/utilisateurs/<{RECORD_ID}:user_id>/roles")
@admin_only
def add_membership(user_id: int) -> Response | tuple[str, int] | str:
    user = _get_or_404(User, user_id)
    form = _membership_form(user)
    if form is None or not form.validate_on_submit():
        flash("Rôle non ajouté : vérifiez la PSAD, le rôle et la structure.", "danger")
        return redirect(url_for("admin.user_form", user_id=user.id))
    psad = _get_or_404(Psad, form.psad_id.data or 0)
    structure = (
        db.session.get(Structure, form.structure_id.data) if form.structure_id.data else None
    )
    try:
        services.add_membership(
            db.session(),
            user=user,
            psad=psad,
            role=Role(form.role.data),
            structure=structure,
            actor=current_actor(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("admin.user_form", user_id=user.id))
    db.session.commit()
    flash(f"Rôle {Role(form.role.data).label} dans {psad.code} enregistré.", "success")
    return redirect(url_for("admin.user_form", user_id=user.id))


@bp.post(f"/roles/<{RECORD_ID}:membership_id>/retirer")
@admin_only
def remove_membership(membership_id: int) -> Response:
    membership = _get_or_404(Membership, membership_id)
    user_id = membership.user_id
    if ConfirmForm().validate_on_submit():
        services.remove_membership(db.session(), membership=membership, actor=current_actor())
        db.session.commit()
        flash("Rôle retiré.", "success")
    return redirect(url_for("admin.user_form", user_id=user_id))


def _membership_form(user: User | None) -> MembershipForm | None:
    if user is None:
        return None
    form = MembershipForm(prefix="m")
    psads = queries.all_psads(db.session(), active_only=True)
    form.psad_id.choices = [(p.id, f"{p.code} · {p.name}") for p in psads]
    structures = queries.active_structures(db.session())
    form.structure_id.choices = [(0, "(aucune)")] + [
        (s.id, f"{s.name} ({s.psad.code})") for s in structures
    ]
    return form


def _form_page(template: str, form: object, **context: object) -> tuple[str, int]:
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status

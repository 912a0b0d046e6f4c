"""Follow-up pages: the changes of a case (situation, stage, referent, needs, closing,
reopening) and the file's edit form, each a short form on its own page.

Pilotes, co-pilotes and partners (on the youth they see) change the situation, the stage and
the needs, and edit the file; closing, reopening and the referent are the pilotes' and
co-pilotes'. Every form carries the version of what it edits: a save made from an older
version is refused (409) with what changed meanwhile, and nothing is overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from psad import clock
from psad.access.youth import get_visible_youth_or_404
from psad.audit.services import Actor
from psad.auth.models import Structure, User
from psad.auth.queries import active_structures, referent_candidates
from psad.errors import DomainError, NotFoundError
from psad.extensions import db
from psad.followup import case_forms as forms
from psad.followup import services
from psad.followup.services.case import STALE_CASE, current_stage
from psad.followup.views import bp
from psad.orientations.file import solution_offered
from psad.orientations.services import started_orientation
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import active_items, items_by_codes
from psad.web.access import NO_NAMES, requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID
from psad.youth.models import Case, CaseStage, KnownToPartner, Youth
from psad.youth.services import STALE_FILE, DuplicateYouthError, YouthVersionError

MANAGERS_ONLY = (
    "Seuls le pilote et le co-pilote de la PSAD peuvent clore ou rouvrir un dossier et "
    "désigner son référent."
)
NO_CASE = "Ce jeune n'a pas de dossier de suivi."
CASE_CLOSED = "Ce dossier est clos : rouvrez-le d'abord."
CASE_OPEN = "Ce dossier est déjà ouvert."
ROUTE = f"/jeunes/<{RECORD_ID}:youth_id>"
Page = Response | tuple[str, int]

follows = requires(lambda viewer: viewer.can_follow, NO_NAMES)


class CaseStateError(DomainError):
    status_code = 409


@dataclass(frozen=True)
class Target:
    youth: Youth
    case: Case


def _target(youth_id: int, *, managers_only: bool = False, closed: bool = False) -> Target:
    """The youth (404 outside the viewer's scope) and its open case, or its closed one."""
    viewer = current_viewer()
    youth = get_visible_youth_or_404(db.session(), youth_id, viewer)
    if managers_only and not viewer.can_manage_cases:
        abort(403, description=MANAGERS_ONLY)
    case = youth.latest_case
    if case is None:
        raise NotFoundError(NO_CASE)
    if case.is_open is closed:
        raise CaseStateError(CASE_OPEN if closed else CASE_CLOSED)
    return Target(youth, case)


def _prefill(form: forms.VersionedForm, target: Target, **values: object) -> None:
    """A form opened (not sent): the case's version and current values."""
    if not form.is_submitted():
        form.version.data = str(target.case.version)
        for name, value in values.items():
            form[name].data = value


def _page(
    template: str, target: Target, form: forms.VersionedForm, status: int, **context: object
) -> tuple[str, int]:
    case = target.case
    stage = current_stage(db.session(), case) if case.is_open else None
    return render_template(
        f"followup/{template}.html",
        youth=target.youth,
        case=case,
        stage=stage,
        form=form,
        **context,
    ), status


def _save(
    target: Target,
    form: forms.VersionedForm,
    template: str,
    change: Callable[[], object],
    done: str,
    **context: object,
) -> Page:
    """Validate, refuse a form made on an older version of the case, change, commit once."""
    if not form.validate_on_submit():
        return _page(template, target, form, 422 if form.is_submitted() else 200, **context)
    try:
        services.check_version(target.case, form.expected_version())
        change()
        db.session.flush()
    except (DomainError, StaleDataError) as error:
        db.session.rollback()
        problem = error.message if isinstance(error, DomainError) else STALE_CASE
        status = error.status_code if isinstance(error, DomainError) else 409
        form.version.data = str(target.case.version)  # a new try is made on what is there now
        return _page(template, target, form, status, problem=problem, **context)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("youth.detail", youth_id=target.youth.id))


def _items(kind: ReferenceKind) -> list[ReferenceItem]:
    return active_items(db.session(), kind)


def _chosen(kind: ReferenceKind, codes: Iterable[str]) -> list[ReferenceItem]:
    return items_by_codes(db.session(), kind, [code for code in codes if code])


def _one(kind: ReferenceKind, code: str | None) -> ReferenceItem | None:
    return next(iter(_chosen(kind, [code or ""])), None)


class Who(TypedDict):
    by: User
    now: datetime
    actor: Actor


def _who() -> Who:
    return {"by": current_user._get_current_object(), "now": clock.now(), "actor": current_actor()}


@bp.route(f"{ROUTE}/situation", methods=["GET", "POST"])
@follows
def situation(youth_id: int) -> Page:
    target = _target(youth_id)
    case, form = target.case, forms.SituationForm()
    items = _items(ReferenceKind.SITUATION)
    form.situation.choices = [forms.CHOOSE, *forms.reference_choices(items, case.situation)]
    _prefill(form, target, situation=case.situation.code if case.situation else None)

    def change() -> None:
        item = _one(ReferenceKind.SITUATION, form.situation.data)
        assert item is not None  # one of the choices
        services.change_situation(db.session(), case=case, situation=item, **_who())

    return _save(target, form, "case_situation", change, "Situation enregistrée.")


@bp.route(f"{ROUTE}/etape", methods=["GET", "POST"])
@follows
def stage(youth_id: int) -> Page:
    target = _target(youth_id)
    form = forms.StageForm()
    _prefill(form, target)

    def change() -> None:
        wanted = CaseStage(form.stage.data)
        services.change_stage(db.session(), case=target.case, wanted=wanted, **_who())

    return _save(target, form, "case_stage", change, "Étape enregistrée.")


def _referent_choices(case: Case) -> tuple[list[User], list[Structure]]:
    """The PSAD's people who see names (and the current referent), its active structures."""
    users = list(referent_candidates(db.session(), case.psad_id))
    structures = list(active_structures(db.session(), case.psad_id))
    if case.referent_user is not None and case.referent_user not in users:
        users.append(case.referent_user)
    if case.referent_structure is not None and case.referent_structure not in structures:
        structures.append(case.referent_structure)
    return users, structures


@bp.route(f"{ROUTE}/referent", methods=["GET", "POST"])
@follows
def referent(youth_id: int) -> Page:
    target = _target(youth_id, managers_only=True)
    case, form = target.case, forms.ReferentForm()
    users, structures = _referent_choices(case)
    form.user_id.choices = [
        SelectChoice(str(forms.NONE), "(aucun)"),
        *(SelectChoice(str(u.id), _person(u, case)) for u in users),
    ]
    form.structure_id.choices = [
        SelectChoice(str(forms.NONE), "(aucune)"),
        *(SelectChoice(str(s.id), s.name) for s in structures),
    ]
    _prefill(
        form,
        target,
        user_id=case.referent_user_id or forms.NONE,
        structure_id=case.referent_structure_id or forms.NONE,
    )

    def change() -> None:
        user = next((u for u in users if u.id == form.user_id.data), None)
        structure = next((s for s in structures if s.id == form.structure_id.data), None)
        services.assign_referent(db.session(), case=case, user=user, structure=structure, **_who())

    return _save(target, form, "case_referent", change, "Référent enregistré.")


def _person(user: User, case: Case) -> str:
    membership = user.membership_in(case.psad_id)
    if membership is None:
        return user.full_name
    where = f", {membership.structure.name}" if membership.structure else ""
    return f"{user.full_name} ({membership.role.label}{where})"


@bp.route(f"{ROUTE}/besoins", methods=["GET", "POST"])
@follows
def needs(youth_id: int) -> Page:
    target = _target(youth_id)
    case, form = target.case, forms.NeedsForm()
    held = {kind: [n for n in case.needs if n.kind is kind] for kind in ReferenceKind}
    form.wishes.choices = forms.reference_choices(
        _items(ReferenceKind.WISH), *held[ReferenceKind.WISH]
    )
    form.obstacles.choices = forms.reference_choices(
        _items(ReferenceKind.OBSTACLE), *held[ReferenceKind.OBSTACLE]
    )
    _prefill(
        form,
        target,
        project=case.project,
        wishes=[n.code for n in held[ReferenceKind.WISH]],
        obstacles=[n.code for n in held[ReferenceKind.OBSTACLE]],
    )
    others = [n for n in case.needs if n.kind not in (ReferenceKind.WISH, ReferenceKind.OBSTACLE)]

    def change() -> None:
        chosen = _chosen(ReferenceKind.WISH, form.wishes.data or []) + _chosen(
            ReferenceKind.OBSTACLE, form.obstacles.data or []
        )
        services.update_needs(
            db.session(), case=case, project=form.project.data, needs=chosen + others, **_who()
        )

    return _save(target, form, "case_needs", change, "Besoins et attentes enregistrés.")


@bp.route(f"{ROUTE}/cloture", methods=["GET", "POST"])
@follows
def close(youth_id: int) -> Page:
    target = _target(youth_id, managers_only=True)
    form = forms.CloseForm()
    reasons = forms.reference_choices(_items(ReferenceKind.CLOSING_REASON))
    form.reason.choices = [forms.CHOOSE, *reasons]
    solutions = forms.reference_choices(_items(ReferenceKind.SOLUTION))
    form.solution.choices = [SelectChoice("", "(à choisir pour « Solution trouvée »)"), *solutions]
    _prefill(form, target)
    started = started_orientation(db.session(), target.case)
    if not form.is_submitted():
        form.preselect(request.args.get("motif"))
        if started is not None:
            solution = started.programme.solution
            form.preselect_solution(solution.code if solution else None, started.started_on)

    def change() -> None:
        reason = _one(ReferenceKind.CLOSING_REASON, form.reason.data)
        assert reason is not None  # one of the choices
        services.close_case(
            db.session(),
            case=target.case,
            reason=reason,
            known_to_partner=KnownToPartner(form.known_to_partner.data),
            solution=_one(ReferenceKind.SOLUTION, form.solution.data),
            solution_since=form.solution_since.data,
            on=clock.today(),
            **_who(),
        )

    offered = solution_offered(started) if started else None
    return _save(target, form, "case_close", change, "Dossier clos.", proposed_solution=offered)


@bp.route(f"{ROUTE}/reouverture", methods=["GET", "POST"])
@follows
def reopen(youth_id: int) -> Page:
    target = _target(youth_id, managers_only=True, closed=True)
    form = forms.ReopenForm()
    _prefill(form, target)

    def change() -> None:
        services.reopen_case(db.session(), case=target.case, reason=form.reason.data, **_who())

    return _save(target, form, "case_reopen", change, "Dossier rouvert.")


# --- the file's identity, contact details, legal guardian and schooling ---------------------


@bp.route(f"{ROUTE}/modifier", methods=["GET", "POST"])
@follows
def edit_youth(youth_id: int) -> Page:
    youth = get_visible_youth_or_404(db.session(), youth_id, current_viewer())
    form = forms.EditYouthForm.of(youth, today=clock.today())
    if not form.validate_on_submit():
        return _edit_page(youth, form, 422 if form.is_submitted() else 200)
    changes, warnings = form.changes()
    try:
        changed = services.edit_youth(
            db.session(),
            youth=youth,
            changes=changes,
            guardian=form.guardian_data(),
            expected_version=form.expected_version(),
            **_who(),
        )
        db.session.commit()
    except (YouthVersionError, StaleDataError):
        db.session.rollback()
        stored = forms.EditYouthForm.of(youth, today=clock.today(), formdata=None)
        others = form.merge(stored, youth.version)
        return _edit_page(youth, form, 409, problem=STALE_FILE, others=others)
    except DuplicateYouthError as error:
        db.session.rollback()
        return _edit_page(youth, form, 409, problem=error.message)
    for warning in warnings:
        flash(warning, "warning")
    if changed:
        flash("Fiche enregistrée.", "success")
    else:
        flash("Aucune modification : la fiche est inchangée.", "info")
    return redirect(url_for("youth.detail", youth_id=youth.id))


def _edit_page(
    youth: Youth, form: forms.EditYouthForm, status: int, **context: object
) -> tuple[str, int]:
    return render_template("followup/edit_youth.html", youth=youth, form=form, **context), status

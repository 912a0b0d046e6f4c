"""Youth list, a youth's file, and the « Signaler un jeune » form."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from psad import clock
from psad.access.orientations import may_update
from psad.access.youth import get_visible_youth_or_404, youth_scope
from psad.audit import services as audit
from psad.auth.models import Membership, Role, Structure
from psad.auth.queries import active_structures, referent_candidates
from psad.committees import timeline as committee_timeline
from psad.duplicates.queries import merged_into, pairs_of
from psad.errors import NotFoundError
from psad.extensions import db
from psad.followup import page, panels, worklist
from psad.followup.timeline import Entry
from psad.imports.models import ImportBatch
from psad.imports.queries import psad_batches, youth_listings
from psad.messages import panel as messages_panel
from psad.messages import timeline as message_timeline
from psad.messages.queries import list_marks
from psad.messages.services import settings_of as messaging_settings
from psad.orientations import file as orientation_file
from psad.orientations import timeline as orientation_timeline
from psad.orientations import vacancies
from psad.reference.models import ReferenceKind
from psad.reference.services import active_items
from psad.web.access import sees_youth
from psad.web.session import current_actor, current_membership, current_viewer
from psad.web.urls import RECORD_ID, requested_page
from psad.youth import services
from psad.youth.forms import ListFilterForm, ReferralForm
from psad.youth.models import Case, CaseSource, CaseStage, Youth

bp = Blueprint("youth", __name__)
RECENT_LISTS = 50  # the lists the filter offers (an older one stays readable from a URL)
PARTNER_DUPLICATE = (
    "Ce jeune semble déjà connu de la plateforme : contactez le pilote de la PSAD, qui peut "
    "vous confier son suivi. S'il s'agit d'une autre personne, cochez « Il s'agit d'un "
    "homonyme »."
)


@bp.get("/jeunes")
@sees_youth
def index() -> str | tuple[str, int]:
    """The work lists: a tab (computed from each case's state), a search, filters, a sort and
    a page, all in the URL; the « Prioritaires » block heads the first two tabs."""
    session, viewer, today = db.session(), current_viewer(), clock.today()
    form = ListFilterForm(request.args)
    _fill_filter_choices(form, viewer.psad_id)
    args = worklist.ListArgs.from_args(request.args)
    context = {"form": form, "args": args, "viewer": viewer, "sorts": worklist.Sort}
    if not form.validate():
        return render_template("youth/index.html", page=None, **context), 422
    scope = youth_scope(viewer)
    totals = worklist.counts(session, scope, args, today)
    listed = worklist.page_of(
        session, scope=scope, args=args, total=totals[args.tab], page=requested_page(), today=today
    )
    work = worklist.list_extras(
        session,
        scope=scope,
        args=args,
        tab_totals=totals,
        rows=listed.items,
        first_page=listed.page == 1,
        today=today,
    )
    message_marks = list_marks(session, [y.id for y in [*work.priorities, *listed.items]])
    return render_template(
        "youth/index.html",
        page=listed,
        work=work,
        message_marks=message_marks,
        today=today,
        **context,
    )


def _fill_filter_choices(form: ListFilterForm, psad_id: int | None) -> None:
    """The PSAD's own values in the filters' selects (« Tous » first)."""
    session, everyone = db.session(), [("", "Tous")]
    form.etape.choices = everyone + [(s.value, s.label) for s in CaseStage]
    form.situation.choices = everyone + [
        (str(item.id), item.label) for item in active_items(session, ReferenceKind.SITUATION)
    ]
    users = referent_candidates(session, psad_id) if psad_id else []
    structures = active_structures(session, psad_id) if psad_id else []
    form.referent.choices = [*everyone, (worklist.NONE, "Aucun")] + [
        (str(user.id), user.full_name) for user in users
    ]
    form.structure.choices = [*everyone, (worklist.NONE, "Aucune")] + [
        (str(structure.id), structure.name) for structure in structures
    ]
    form.destinataire.choices = everyone + [(str(user.id), user.full_name) for user in users]
    form.age.choices = [*everyone, (worklist.MINOR, "Mineurs"), (worklist.ADULT, "Majeurs")]
    batches = list(session.scalars(psad_batches(psad_id).limit(RECENT_LISTS))) if psad_id else []
    asked = worklist.ListArgs.from_args(request.args).batch
    if psad_id and asked and asked not in {batch.id for batch in batches}:  # an older list
        batches += session.scalars(psad_batches(psad_id).where(ImportBatch.id == asked))
    form.liste.choices = everyone + [
        (str(batch.id), f"{batch.label} ({batch.imported_at:%d/%m/%Y})") for batch in batches
    ]
    form.source.choices = everyone + [(source.value, source.label) for source in CaseSource]


@bp.get(f"/jeunes/<{RECORD_ID}:youth_id>")
@sees_youth
def detail(youth_id: int) -> str | Response:
    try:
        youth = get_visible_youth_or_404(db.session(), youth_id, current_viewer())
    except NotFoundError:
        kept = merged_into(db.session(), youth_id)
        if kept is not None:  # a merged-away file: its URL leads to the kept one (scoped)
            return redirect(
                url_for("youth.detail", youth_id=kept, depuis=request.args.get("depuis"))
            )
        audit.record_refused_youth_read(db.session(), current_actor(), youth_id=youth_id)
        db.session.commit()
        raise
    services.record_file_read(db.session(), youth=youth, actor=current_actor())
    db.session.commit()
    return render_template("youth/detail.html", **_file_page(youth))


def _file_page(youth: Youth) -> dict[str, object]:
    """What the file shows: its parts come from the follow-up's pages (summary and timeline,
    tasks and legal steps, the walk through the list it was opened from) and the
    orientations' (dispositifs, orientations and their steps in the timeline, vacant places)
    and the comités' (their decisions in the timeline)."""
    session, viewer, today, now = db.session(), current_viewer(), clock.today(), clock.now()
    scope = youth_scope(viewer)
    followed = page.file_context(session, youth=youth, viewer=viewer, today=today, now=now)
    return {
        "youth": youth,
        "today": today,
        "listings": youth_listings(session, youth.id),
        "duplicate_pairs": pairs_of(session, scope, youth.id) if viewer.can_manage_cases else [],
        **followed,
        "timeline": _merged_timeline(session, youth, followed["timeline"]),
        "orientation_panel": orientation_file.file_panel(
            session,
            youth=youth,
            today=today,
            may_update=lambda orientation: may_update(viewer, orientation),
            may_orient=viewer.can_orient,
        ),
        "vacancy_matches": vacancies.matches_for(session, youth=youth, today=today),
        "messages_panel": messages_panel.file_panel(
            session,
            youth=youth,
            viewer=viewer,
            settings=messaging_settings(session, youth.psad_id),
        ),
        "darfi_requested": cast("page.Summary", followed["summary"]).darfi is not None,
        **panels.tasks_and_legal_context(session, youth=youth, viewer=viewer, today=today),
        **worklist.walk_context(
            session,
            scope=youth_scope(viewer),
            youth_id=youth.id,
            depuis=request.args.get(worklist.FROM_LIST),
            today=today,
        ),
    }


def _merged_timeline(session: Session, youth: Youth, entries: object) -> list[Entry]:
    """The follow-up's timeline with the orientations' steps, the comités' decisions and the
    messages (a message's or an answer's entry stands in for the contact it made), newest
    first."""
    followed = message_timeline.replacing(
        cast("list[Entry]", entries), message_timeline.entries(session, youth)
    )
    merged = [
        *followed,
        *orientation_timeline.entries(session, youth),
        *committee_timeline.entries(session, youth),
    ]
    return sorted(merged, key=lambda entry: entry.when.sort_at, reverse=True)


@bp.route("/jeunes/signaler", methods=["GET", "POST"])
@sees_youth
def refer() -> Response | tuple[str, int]:
    membership = current_membership()
    assert membership is not None  # sees_youth guarantees a membership
    form, structures = _referral_form(membership)
    if not form.validate_on_submit():
        return _referral_page(form, 422 if form.is_submitted() else 200)
    youth_data, warnings = form.youth_data()
    try:
        case = _refer(membership, _referral(form, youth_data, membership, structures))
    except (services.DuplicateYouthError, services.YouthOutOfScopeError) as error:
        db.session.rollback()
        if membership.role is Role.PARTNER:  # need-to-know: no name, no PSAD, no link
            return _referral_page(form, 409, duplicate=PARTNER_DUPLICATE, existing=None)
        existing = getattr(error, "youth", None)
        return _referral_page(form, 409, duplicate=error.message, existing=existing)
    db.session.commit()
    for warning in warnings:
        flash(warning, "warning")
    flash("Jeune signalé : son dossier de suivi est ouvert.", "success")
    return redirect(url_for("youth.detail", youth_id=case.youth_id))


def _refer(membership: Membership, data: services.Referral) -> Case:
    """Refer the youth; when another transaction saved them meanwhile, roll this one back
    (the view owns it) and say who has them now."""
    try:
        return services.refer_youth(
            db.session(),
            psad=membership.psad,
            data=data,
            by=current_user,
            on=clock.today(),
            actor=current_actor(),
        )
    except services.ReferralRaceError:
        db.session.rollback()
        services.explain_race(db.session(), psad=membership.psad, data=data)
        raise


def _referral_form(membership: Membership) -> tuple[ReferralForm, list[Structure]]:
    """The form, with the PSAD's active structures as sources (the user's own by default)."""
    form = ReferralForm(today=clock.today())
    structures = list(active_structures(db.session(), membership.psad_id))
    form.source_structure_id.choices = [(0, "(aucune)")] + [(s.id, s.name) for s in structures]
    if request.method == "GET" and membership.structure_id:
        form.source_structure_id.data = membership.structure_id
    return form, structures


def _referral(
    form: ReferralForm,
    youth_data: services.YouthData,
    membership: Membership,
    structures: list[Structure],
) -> services.Referral:
    source = next((s for s in structures if s.id == form.source_structure_id.data), None)
    # A partner's signalement stays visible to the partner: the case is assigned to them.
    referent = membership.structure if membership.role is Role.PARTNER else None
    return services.Referral(
        youth=youth_data,
        guardian=form.guardian_data(),
        reason=form.reason.data or None,
        source_structure=source,
        referent_structure=referent,
        allow_homonym=bool(form.allow_homonym.data),
    )


def _referral_page(form: ReferralForm, status: int, **context: object) -> tuple[str, int]:
    return render_template("youth/referral.html", form=form, **context), status

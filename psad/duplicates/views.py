"""« Doublons probables »: the pairs of the PSAD, a pair side by side, « pas un doublon », and
the merge of two files. Pilotes and co-pilotes only (others: 403); a youth outside the
viewer's scope answers 404, as on the file.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from psad import clock
from psad.access.youth import NOT_FOUND, get_visible_youth_or_404, youth_scope
from psad.audit import services as audit
from psad.duplicates import forms, queries, services
from psad.errors import DomainError, NotFoundError
from psad.extensions import db
from psad.web.access import requires
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID, requested_page
from psad.youth.models import Youth
from psad.youth.services import record_file_read

bp = Blueprint("duplicates", __name__)

MANAGERS_ONLY = "Seuls le pilote et le co-pilote de la PSAD traitent les doublons probables."
PAIR = f"/doublons/<{RECORD_ID}:first_id>/<{RECORD_ID}:second_id>"
# Files compared again per visit of the list (the scheduled job does the rest): a first
# visit after a large import stays short.
REFRESH_PER_VISIT = 2000
Page = Response | str | tuple[str, int]

manages = requires(lambda viewer: viewer.can_manage_cases, MANAGERS_ONLY)


@bp.get("/doublons")
@manages
def index() -> str:
    viewer = current_viewer()
    assert viewer.psad_id is not None  # a pilote or co-pilote works in a PSAD
    waiting = _refresh(viewer.psad_id)
    page = db.paginate(
        queries.probable_pairs(viewer.psad_id, youth_scope(viewer)),
        page=requested_page(),
        per_page=queries.PAGE_SIZE,
        error_out=False,
        count=True,
    )
    return render_template("duplicates/index.html", page=page, waiting=waiting)


def _refresh(psad_id: int) -> int:
    """Compare again the files changed since (a bounded number); how many still wait."""
    session = db.session()
    try:
        done = services.refresh_pairs(session, psad_id=psad_id, limit=REFRESH_PER_VISIT)
        session.commit()
    except DBAPIError:  # another visit or the job compares the same files right now
        session.rollback()
        return 0
    return services.count_stale(session, psad_id) if done == REFRESH_PER_VISIT else 0


def _pair(first_id: int, second_id: int) -> tuple[Youth, Youth]:
    """The two youth, the smaller id first; 404 (and the refused read audited) when either
    is outside the viewer's scope, or when they are one."""
    session, viewer = db.session(), current_viewer()
    if first_id == second_id:
        raise NotFoundError(NOT_FOUND)
    found = []
    for youth_id in sorted((first_id, second_id)):
        try:
            found.append(get_visible_youth_or_404(session, youth_id, viewer))
        except NotFoundError:
            audit.record_refused_youth_read(session, current_actor(), youth_id=youth_id)
            session.commit()
            raise
    return found[0], found[1]


def _canonical(first_id: int, second_id: int, endpoint: str) -> Response | None:
    if first_id > second_id:
        return redirect(url_for(endpoint, first_id=second_id, second_id=first_id))
    return None


@bp.get(PAIR)
@manages
def compare(first_id: int, second_id: int) -> Page:
    first, second = _pair(first_id, second_id)
    if moved := _canonical(first_id, second_id, "duplicates.compare"):
        return moved
    session = db.session()
    for youth in (first, second):
        record_file_read(session, youth=youth, actor=current_actor())
    session.commit()
    return render_template(
        "duplicates/compare.html",
        first=first,
        second=second,
        reasons=queries.pair_reasons(first, second),
        dismissed=queries.is_dismissed(session, first.id, second.id),
        sections=queries.side_by_side(first, second),
        holdings=[queries.holdings(session, first), queries.holdings(session, second)],
        form=forms.DismissForm(),
    )


@bp.post(f"{PAIR}/pas-un-doublon")
@manages
def dismiss(first_id: int, second_id: int) -> Response:
    first, second = _pair(first_id, second_id)
    if not forms.DismissForm().validate_on_submit():
        flash("Le formulaire a expiré : recommencez.", "warning")
        return redirect(url_for("duplicates.compare", first_id=first.id, second_id=second.id))
    services.dismiss_pair(
        db.session(),
        first=first,
        second=second,
        by=current_user._get_current_object(),
        now=clock.now(),
        actor=current_actor(),
    )
    db.session.commit()
    flash("C'est noté : ces deux dossiers ne seront plus proposés comme doublons.", "success")
    return redirect(url_for("duplicates.index"))


@bp.route(f"{PAIR}/fusion", methods=["GET", "POST"])
@manages
def merge(first_id: int, second_id: int) -> Page:
    first, second = _pair(first_id, second_id)
    if request.method == "GET" and (moved := _canonical(first_id, second_id, "duplicates.merge")):
        return moved
    form = forms.MergeForm.of(first, second, queries.differing_fields(first, second))
    if not form.is_submitted():
        return _merge_page(form)
    if form.is_stale():
        form.seen(first, second)
        return _merge_page(form, 409, problem=services.STALE_MERGE)
    if not form.validate() or form.change.data:
        return _merge_page(form, 422 if form.errors else 200)
    if not form.confirm.data:
        return _merge_page(form, template="merge_confirm")
    return _merged(form)


def _merge_page(
    form: forms.MergeForm, status: int = 200, template: str = "merge", **context: object
) -> tuple[str, int]:
    first, second = form.first, form.second
    return render_template(
        f"duplicates/{template}.html",
        form=form,
        first=first,
        second=second,
        reasons=queries.pair_reasons(first, second),
        preview=queries.merge_preview(db.session(), first, second),
        **context,
    ), status


def _merged(form: forms.MergeForm) -> Page:
    """Merge as confirmed and commit once; a file changed meanwhile: nothing is merged."""
    kept, merged = form.kept_and_merged()
    kept_id, merged_id = kept.id, merged.id
    kept_version, merged_version = form.versions()
    session = db.session()
    try:
        services.merge_youth(
            session,
            request=services.MergeRequest(
                kept=kept,
                merged=merged,
                from_merged=form.from_merged(),
                kept_version=kept_version,
                merged_version=merged_version,
            ),
            by=current_user._get_current_object(),
            today=clock.today(),
            now=clock.now(),
            actor=current_actor(),
        )
        session.commit()
    except (DomainError, StaleDataError) as error:
        session.rollback()
        first, second = _pair(form.first.id, form.second.id)
        fresh = forms.MergeForm.of(first, second, queries.differing_fields(first, second))
        fresh.seen(first, second)
        problem = error.message if isinstance(error, DomainError) else services.STALE_MERGE
        status = error.status_code if isinstance(error, DomainError) else 409
        return _merge_page(fresh, status, problem=problem)
    flash(
        f"Les deux dossiers sont fusionnés : voici le dossier conservé. L'adresse du dossier "
        f"n° {merged_id} mène désormais ici.",
        "success",
    )
    return redirect(url_for("youth.detail", youth_id=kept_id))

"""A meeting's page with its agenda (proposed, trimmed, ordered and published by the pilote
and the co-pilote), cancelling a meeting, and the agenda's printable page.

On an agenda, a member sees only the youth the one scoping function lets them see, a reader
the number of youth only, and a draft agenda is for those who prepare it. The agenda's
buttons are forms (they work by keyboard and without JavaScript) carrying the meeting's
version: a change made from an older page is refused and the page shown as it stands now.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from psad import clock
from psad.access.committees import sees_agenda, visible_items
from psad.access.youth import get_visible_youth_or_404, youth_scope
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.committees import forms, queries, rhythm
from psad.committees.models import AgendaItem, Committee, CommitteeStatus
from psad.committees.services import agenda, attendance, meetings
from psad.committees.views import bp
from psad.committees.views.shared import ROUTE, Page, meeting_in_psad, members, runners, who
from psad.errors import DomainError, NotFoundError
from psad.extensions import db
from psad.web.session import current_actor, current_viewer
from psad.web.urls import RECORD_ID

NO_NAMES = "Votre rôle ne donne pas accès aux noms des jeunes : l'ordre du jour ne s'imprime pas."
DRAFT = "L'ordre du jour de ce comité est en préparation : il s'imprime une fois publié."
PRINT_VERSIONS = {"complete": "complète", "reduite": "réduite"}
LINE = f"{ROUTE}/ordre-du-jour/<{RECORD_ID}:item_id>"
OPEN = (CommitteeStatus.DRAFT, CommitteeStatus.PUBLISHED)
# The other pages of a meeting: (endpoint, label, for pilotes and co-pilotes only, the states
# of the meeting where the page serves)
OTHER_PAGES = [
    ("committees.attendance", "Présences", True, OPEN),
    ("committees.meeting", "Mode séance", True, (CommitteeStatus.PUBLISHED,)),
    (
        "committees.minutes",
        "Relevé de décisions",
        False,
        (CommitteeStatus.PUBLISHED, CommitteeStatus.VALIDATED),
    ),
    ("committees.meeting_ics", "Ajouter à mon agenda (.ics)", False, tuple(CommitteeStatus)),
]

# --- a meeting and its agenda -----------------------------------------------------------------


@bp.post(f"{ROUTE}/annuler")
@runners
def cancel(committee_id: int) -> Page:
    committee, form = meeting_in_psad(committee_id), forms.CancelForm()

    def cancelling() -> str:
        version = form.expected_version()
        meetings.cancel_committee(
            db.session(), committee=committee, **who(), expected_version=version
        )
        return "Comité annulé : il reste dans la liste, marqué « Annulé »."

    return _change(committee, form, cancelling)


def _links(committee: Committee) -> list[tuple[str, str]]:
    """The meeting's other pages that the viewer may use."""
    runs = current_viewer().can_run_committees
    return [
        (label, url_for(endpoint, committee_id=committee.id))
        for endpoint, label, runners_only, states in OTHER_PAGES
        if (runs or not runners_only) and committee.status in states
    ]


def _show_page(committee: Committee, status: int = 200, problem: str | None = None) -> Page:
    session, viewer = db.session(), current_viewer()
    shown = sees_agenda(viewer, committee)
    names = shown and viewer.sees_youth
    may_change = viewer.can_run_committees and committee.status in OPEN
    q = request.args.get("ajouter", "").strip() if may_change else ""
    search = queries.addable_youth(youth_scope(viewer), committee, q)
    return render_template(
        "committees/show.html",
        committee=committee,
        invited=sorted(structure.name for structure in committee.invited),
        duration=rhythm.duration_fr(committee.duration_minutes),
        links=_links(committee),
        shows_agenda=shown,
        names=names,
        lines=queries.agenda_lines(session, committee.id, visible_items(viewer)) if names else [],
        present=attendance.attendance_of(committee),
        total=queries.agenda_size(session, committee.id),
        may_change=may_change,
        q=q,
        found=None if search is None else list(session.scalars(search)),
        problem=problem,
    ), status


@bp.get(ROUTE)
@members
def show(committee_id: int) -> Page:
    return _show_page(meeting_in_psad(committee_id))


def _change(committee: Committee, form: Any, action: Any, anchor: str = "ordre-du-jour") -> Page:
    """Run one change of the meeting from a button: committed and said, or refused and the
    page shown as the meeting stands now, with why."""
    if not form.validate_on_submit():
        return _show_page(committee, 422, forms.INCOMPLETE)
    try:
        message = action()
        db.session.commit()
    except NotFoundError:
        raise
    except (DomainError, StaleDataError) as error:
        db.session.rollback()
        problem = error.message if isinstance(error, DomainError) else meetings.STALE
        status = error.status_code if isinstance(error, DomainError) else 409
        return _show_page(meeting_in_psad(committee.id), status, problem)
    flash(message, "success")
    return redirect(url_for("committees.show", committee_id=committee.id, _anchor=anchor))


def _item(committee: Committee, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.committee_id != committee.id:
        raise NotFoundError(agenda.NOT_ON)
    return item


def _added(proposal: agenda.Proposal) -> str:
    count, more = proposal.added, ""
    if proposal.left_out:
        others = (
            "1 autre jeune remplit"
            if proposal.left_out == 1
            else f"{proposal.left_out} autres jeunes remplissent"
        )
        more = (
            f" {others} aussi un critère : l'ordre du jour proposé s'arrête au nombre de "
            "lignes choisi dans le rythme."
        )
    if count == 0:
        return (
            "Aucun jeune de plus à proposer : l'ordre du jour tient compte de l'état des dossiers."
            + more
        )
    if count == 1:
        return "1 jeune ajouté à l'ordre du jour, avec ses motifs." + more
    return f"{count} jeunes ajoutés à l'ordre du jour, chacun avec ses motifs." + more


@bp.post(f"{ROUTE}/ordre-du-jour/proposer")
@runners
def propose_agenda(committee_id: int) -> Page:
    committee, form = meeting_in_psad(committee_id), forms.AgendaForm()

    def proposing() -> str:
        added = agenda.propose_agenda(
            db.session(), committee=committee, today=clock.today(), **who(),
            expected_version=form.expected_version(),
        )  # fmt: skip
        return _added(added)

    return _change(committee, form, proposing)


@bp.post(f"{ROUTE}/ordre-du-jour/ajouter")
@runners
def add_item(committee_id: int) -> Page:
    committee, form = meeting_in_psad(committee_id), forms.AddForm()

    def adding() -> str:
        session = db.session()
        youth = get_visible_youth_or_404(session, form.youth(), current_viewer())
        item = agenda.add_item(
            session, committee=committee, youth=youth, **who(),
            expected_version=form.expected_version(),
        )  # fmt: skip
        return f"{youth.display_name} est à l'ordre du jour (position {item.position})."

    return _change(committee, form, adding)


@bp.post(f"{LINE}/retirer")
@runners
def remove_item(committee_id: int, item_id: int) -> Page:
    committee, form = meeting_in_psad(committee_id), forms.AgendaForm()
    item = _item(committee, item_id)

    def removing() -> str:
        name = item.youth.display_name
        agenda.remove_item(
            db.session(), committee=committee, item=item, **who(),
            expected_version=form.expected_version(),
        )  # fmt: skip
        return f"{name} n'est plus à l'ordre du jour."

    return _change(committee, form, removing)


@bp.post(f"{LINE}/deplacer")
@runners
def move_item(committee_id: int, item_id: int) -> Page:
    committee, form = meeting_in_psad(committee_id), forms.MoveForm()
    item = _item(committee, item_id)

    def moving() -> str:
        name = item.youth.display_name
        position = agenda.move_item(
            db.session(), committee=committee, item=item, **who(),
            direction="up" if form.direction.data == forms.UP else "down",
            expected_version=form.expected_version(),
        )  # fmt: skip
        return f"{name} est en position {position}."

    return _change(committee, form, moving, anchor=f"ligne-{item.id}")


@bp.post(f"{ROUTE}/ordre-du-jour/publier")
@runners
def publish_agenda(committee_id: int) -> Page:
    committee, form = meeting_in_psad(committee_id), forms.AgendaForm()

    def publishing() -> str:
        agenda.publish(
            db.session(), committee=committee, now=clock.now(), **who(),
            expected_version=form.expected_version(),
        )  # fmt: skip
        return "Ordre du jour publié : les membres de la PSAD le voient."

    return _change(committee, form, publishing)


@bp.get(f"{ROUTE}/ordre-du-jour/imprimer")
@members
def agenda_print(committee_id: int) -> str:
    session, viewer = db.session(), current_viewer()
    if not viewer.sees_youth:
        abort(403, description=NO_NAMES)
    committee = meeting_in_psad(committee_id)
    if not sees_agenda(viewer, committee):
        abort(403, description=DRAFT)
    version = request.args.get("version", "complete")
    if version not in PRINT_VERSIONS:
        abort(404)
    audit.record(
        session,
        current_actor(),
        AuditAction.MINUTES_EXPORTED,
        object_type="committee",
        object_id=committee.id,
        detail=f"ordre du jour, version={version}",
    )
    session.commit()
    lines = queries.agenda_lines(session, committee.id, visible_items(viewer))  # after commit
    return render_template(
        "committees/agenda_print.html",
        committee=committee,
        lines=lines,
        full=version == "complete",
        version_label=PRINT_VERSIONS[version],
        total=queries.agenda_size(session, committee.id),
    )

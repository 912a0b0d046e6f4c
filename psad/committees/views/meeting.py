"""In the meeting: the attendance, the meeting mode (one youth at a time, what matters to
decide beside the decision form) and the decisions' tasks overdue.

Pilotes and co-pilotes run the meeting (403 otherwise); a comité of another PSAD answers 404.
The attendance is taken until the minutes are validated; the meeting mode needs a published
agenda and a meeting not yet locked (409 otherwise). A line already decided shows its decision:
a second one is refused (409) with the first shown, never overwritten.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from psad import clock
from psad.access.committees import visible_items
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Structure, User
from psad.committees import decision_forms as forms
from psad.committees import followups, meeting
from psad.committees.models import AgendaItem, Committee
from psad.committees.services import attendance as attendances
from psad.committees.services import decisions
from psad.committees.services.state import ensure_open, ensure_published
from psad.committees.views import bp
from psad.committees.views.shared import ROUTE, Page, meeting_in_psad, runners, viewer_psad_id
from psad.errors import DomainError
from psad.extensions import db
from psad.followup.services.case import STALE_CASE
from psad.orientations.services import SiteFullError
from psad.reference.models import ReferenceKind
from psad.reference.services import item_by_code
from psad.web.session import current_actor, current_viewer

# --- attendance ---------------------------------------------------------------------------------


@bp.route(f"{ROUTE}/presences", methods=["GET", "POST"])
@runners
def attendance(committee_id: int) -> Page:
    session, committee = db.session(), meeting_in_psad(committee_id)
    ensure_open(committee)
    groups = attendances.member_groups(session, committee)
    saved = [(g.name, g.organisation) for g in attendances.guests_of(committee)]
    form = forms.attendance_form(groups, attendances.present_user_ids(committee), saved)
    if not form.validate_on_submit():
        return _attendance_page(committee, groups, form, 422 if form.is_submitted() else 200)
    guests = [
        attendances.Guest(entry.form.name.data, entry.form.organisation.data)
        for entry in form.guests
        if entry.form.kept
    ]
    try:
        attendances.record_attendance(
            session, committee=committee, present=form.present.data or [], guests=guests,
            actor=current_actor(),
        )  # fmt: skip
        session.commit()
    except DomainError as error:
        session.rollback()
        return _attendance_page(committee, groups, form, error.status_code, error.message)
    flash(f"Présences enregistrées : {len(form.present.data or [])} membre(s), "
          f"{len(guests)} invité(s).", "success")  # fmt: skip
    return redirect(url_for("committees.attendance", committee_id=committee.id))


def _attendance_page(
    committee: Committee,
    groups: list[attendances.MemberGroup],
    form: forms.AttendanceForm,
    status: int,
    problem: str | None = None,
) -> tuple[str, int]:
    return render_template(
        "committees/attendance.html",
        committee=committee, title=decisions.committee_title(committee), groups=groups,
        form=form, checked=set(form.present.data or []), problem=problem,
    ), status  # fmt: skip


# --- the meeting mode ---------------------------------------------------------------------------


@bp.get(f"{ROUTE}/seance", endpoint="meeting")
@runners
def meeting_start(committee_id: int) -> Response:
    committee = meeting_in_psad(committee_id)
    ensure_published(committee)
    agenda = meeting.agenda_of(db.session(), committee, visible_items(current_viewer()))
    if not agenda.total:
        flash("L'ordre du jour de ce comité ne compte aucun jeune.", "info")
        return redirect(url_for("committees.show", committee_id=committee.id))
    return redirect(
        url_for("committees.meeting_item", committee_id=committee.id, n=agenda.first_undecided)
    )


@bp.route(f"{ROUTE}/seance/<int(min=1, max=100000):n>", methods=["GET", "POST"])
@runners
def meeting_item(committee_id: int, n: int) -> Page:
    session, committee = db.session(), meeting_in_psad(committee_id)
    ensure_published(committee)
    agenda = meeting.agenda_of(session, committee, visible_items(current_viewer()))
    item = agenda.at(n) or abort(404)
    if item.decision is not None:  # decided: shown; a second decision is refused
        if request.method == "POST":
            conflict = decisions.decision_conflict(session, item.decision, clock.today())
            return _item_page(agenda, n, None, None, 409, problem=conflict.message)
        return _item_page(agenda, n, None, None, 200, audited=True)
    form, choices = _decision_form(committee, item)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _item_page(agenda, n, form, choices, status, audited=status == 200)
    try:
        _record(item, form, choices)
        session.commit()
    except (DomainError, StaleDataError) as error:
        session.rollback()
        return _refused(agenda, n, form, choices, error)
    flash(f"Décision enregistrée (jeune {n} / {agenda.total}).", "success")  # no name in a cookie
    return redirect(_after(agenda, n))


def _after(agenda: meeting.Agenda, n: int) -> str:
    if n < agenda.total:
        return url_for("committees.meeting_item", committee_id=agenda.committee.id, n=n + 1)
    return url_for("committees.show", committee_id=agenda.committee.id)


def _decision_form(
    committee: Committee, item: AgendaItem
) -> tuple[forms.DecisionForm, meeting.FormChoices]:
    choices = meeting.form_choices(
        db.session(), youth=item.youth, psad_id=committee.psad_id, today=clock.today()
    )
    form = forms.decision_form(
        options=choices.options,
        structures=[(s.id, s.name) for s in choices.structures],
        people=[(m.user.id, _person(m)) for m in choices.members],
        reasons=[(r.code, r.label) for r in choices.reasons],
        committee_day=decisions.committee_day(committee),
    )
    return form, choices


def _person(member: attendances.Member) -> str:
    """« Karim Benali (Mission locale de Lille) »."""
    where = f" ({member.structure.name})" if member.structure else ""
    return f"{member.user.full_name}{where}"


def _record(item: AgendaItem, form: forms.DecisionForm, choices: meeting.FormChoices) -> None:
    session, kind = db.session(), form.decision_kind
    option = choices.option(form.choice.data)
    reason = (
        item_by_code(session, ReferenceKind.CLOSING_REASON, form.closing_reason.data)
        if form.closing_reason.data
        else None
    )
    structure_id, user_id = form.acting_structure.data, form.acting_user.data
    decisions.record_decision(
        session,
        item=item,
        kind=kind,
        programme=option.programme if option else None,
        site=option.site if option else None,
        closing_reason=reason,
        acting_structure=session.get(Structure, int(structure_id)) if structure_id else None,
        acting_user=session.get(User, int(user_id)) if user_id else None,
        due_on=form.due_on.data,
        comment=form.comment.data,
        by=current_user._get_current_object(),
        actor=current_actor(),
        today=clock.today(),
        confirm_full=bool(form.confirm_full.data),
        now=clock.now(),
    )


def _refused(
    agenda: meeting.Agenda,
    n: int,
    form: forms.DecisionForm,
    choices: meeting.FormChoices,
    error: DomainError | StaleDataError,
) -> tuple[str, int]:
    """The page again after a refused save (the transaction rolled back): the decision
    another member recorded meanwhile, or the message under its field, or on top."""
    session, item = db.session(), agenda.at(n)
    assert item is not None
    if isinstance(error, decisions.DecisionRaceError):
        existing = decisions.existing_decision(session, item.id)
        if existing is not None:
            error = decisions.decision_conflict(session, existing, clock.today())
    if isinstance(error, decisions.DecisionExistsError):
        session.refresh(item)
        return _item_page(agenda, n, None, None, 409, problem=error.message)
    if isinstance(error, StaleDataError):
        return _item_page(agenda, n, form, choices, 409, problem=STALE_CASE)
    field = getattr(error, "field", None)
    full = isinstance(error, SiteFullError)
    if field and field in form:
        form[field].errors = [*form[field].errors, error.message]
        return _item_page(agenda, n, form, choices, error.status_code, full=full)
    return _item_page(agenda, n, form, choices, error.status_code, problem=error.message, full=full)


def _item_page(
    agenda: meeting.Agenda,
    n: int,
    form: forms.DecisionForm | None,
    choices: meeting.FormChoices | None,
    status: int,
    *,
    problem: str | None = None,
    full: bool = False,
    audited: bool = False,
) -> tuple[str, int]:
    session, today, item = db.session(), clock.today(), agenda.at(n)
    assert item is not None
    decided = item.decision
    page = render_template(
        "committees/meeting.html",
        agenda=agenda, committee=agenda.committee, n=n, item=item, form=form,
        facts=meeting.youth_facts(session, item=item, today=today),
        problem=problem, full=full or bool(form and form.confirm_full.data),
        decided=meeting.view_of(session, decided, agenda.committee) if decided else None,
        title=decisions.committee_title(agenda.committee),
        present=len(attendances.attendance_of(agenda.committee)),
        after_last=url_for("committees.show", committee_id=agenda.committee.id),
    )  # fmt: skip
    if audited:  # what the page shows of the youth is a read of their file
        audit.record(
            session, current_actor(), AuditAction.YOUTH_VIEWED, object_type="youth",
            object_id=item.youth_id, detail=f"comité={agenda.committee.id}",
        )  # fmt: skip
        session.commit()  # after the page is made: a commit expires what it read
    return page, status


# --- the decisions' tasks overdue ----------------------------------------------------------------


@bp.get("/comites/decisions-en-retard")
@runners
def overdue() -> str:
    session, today = db.session(), clock.today()
    psad_id = viewer_psad_id()
    days = followups.overdue_days(session, psad_id)
    rows = followups.overdue_decision_tasks(session, psad_id, today, days)
    return render_template("committees/overdue.html", rows=rows, days=days, today=today)

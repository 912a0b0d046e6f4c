"""The PSAD's meetings: the list of meetings to come and past with the dates its rhythm
proposes, plan or change a meeting, and the rhythm itself.

Every member of the PSAD sees its meetings (a reader too: dates and counts, no names);
pilotes and co-pilotes plan them and set the rhythm.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from psad import clock
from psad.access.committees import committee_scope
from psad.auth.models import Psad
from psad.committees import followups, forms, queries, rhythm
from psad.committees.models import Committee, CommitteeKind, CommitteeRhythm, CommitteeStatus
from psad.committees.services import meetings
from psad.committees.services.state import ensure_open
from psad.committees.views import bp
from psad.committees.views.shared import (
    ROUTE,
    Page,
    meeting_in_psad,
    members,
    runners,
    viewer_psad_id,
    who,
)
from psad.errors import DomainError
from psad.extensions import db
from psad.web.session import current_actor, current_viewer
from psad.web.urls import requested_page

PAST_PER_PAGE = 20


@bp.app_template_filter("committee_when")
def _committee_when(moment: Any) -> str:
    return rhythm.when_fr(moment) if moment else ""


# --- the meetings -----------------------------------------------------------------------------


@bp.get("/comites")
@members
def index() -> str:
    session, viewer, today = db.session(), current_viewer(), clock.today()
    scope, start = committee_scope(viewer), rhythm.at_paris_time(today, time(0))
    upcoming = session.execute(queries.meetings(scope, upcoming=True, now=start)).all()
    page = requested_page()
    past = session.execute(
        queries.meetings(scope, upcoming=False, now=start)
        .offset((page - 1) * PAST_PER_PAGE)
        .limit(PAST_PER_PAGE + 1)
    ).all()
    the_rhythm = meetings.rhythm_of(session, viewer_psad_id())
    return render_template(
        "committees/index.html",
        upcoming=upcoming,
        past=past[:PAST_PER_PAGE],
        page=page,
        has_more=len(past) > PAST_PER_PAGE,
        rhythm_text=rhythm.describe(the_rhythm),
        proposed=_proposed(the_rhythm, today, [row[0] for row in upcoming]),
        overdue=(
            followups.overdue_count(session, viewer_psad_id(), today)
            if viewer.can_run_committees
            else None
        ),
    )


def _proposed(
    the_rhythm: CommitteeRhythm, today: date, upcoming: list[Committee]
) -> list[tuple[datetime, date, Committee | None]]:
    """The rhythm's next dates: each with its day (the form's ``?date=``) and the meeting
    already planned that day, if any."""
    planned = {
        clock.local(c.starts_at).date(): c
        for c in upcoming
        if c.status is not CommitteeStatus.CANCELLED
    }
    days = [(at, clock.local(at).date()) for at in rhythm.next_dates(the_rhythm, today)]
    return [(at, day, planned.get(day)) for at, day in days]


def _meeting_page(form: forms.MeetingForm, status: int, **context: Any) -> tuple[str, int]:
    return render_template("committees/form.html", form=form, **context), status


def _invitations(form: forms.MeetingForm, psad_id: int, invited: list[int]) -> list[Any]:
    structures = list(db.session.scalars(queries.invitable(psad_id, invited)))
    form.invited.choices = [(s.id, s.name) for s in structures]
    return structures


def _meeting_values(form: forms.MeetingForm, structures: list[Any]) -> dict[str, Any]:
    chosen = set(form.invited.data or [])
    return {
        "kind": CommitteeKind(form.kind.data),
        "starts_at": form.starts_at(),
        "duration_minutes": form.duration_minutes.data,
        "place": form.place.data,
        "video_link": form.video_link.data,
        "agenda_note": form.agenda_note.data,
        "invited": [s for s in structures if s.id in chosen],
    }


def _refused(form: forms.MeetingForm, error: Exception, **context: Any) -> tuple[str, int]:
    """A refused save, rolled back: the message under its field, else above the form."""
    db.session.rollback()
    message = error.message if isinstance(error, DomainError) else meetings.STALE
    status = error.status_code if isinstance(error, DomainError) else 409
    field = getattr(error, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, message]
        return _meeting_page(form, status, **context)
    return _meeting_page(form, status, problem=message, **context)


def _prefilled_day() -> date | None:
    try:
        return date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return None


@bp.route("/comites/nouveau", methods=["GET", "POST"])
@runners
def new() -> Page:
    session, psad_id = db.session(), viewer_psad_id()
    form = forms.MeetingForm()
    structures = _invitations(form, psad_id, [])
    if not form.is_submitted():
        the_rhythm = meetings.rhythm_of(session, psad_id)
        forms.fill(form.day, _prefilled_day())
        forms.fill(form.at, the_rhythm.starts_at)
        form.duration_minutes.data, form.place.data = the_rhythm.duration_minutes, the_rhythm.place
    if not form.validate_on_submit():
        return _meeting_page(form, 422 if form.is_submitted() else 200)
    try:
        psad = session.get(Psad, psad_id)
        assert psad is not None
        values = _meeting_values(form, structures)
        committee = meetings.plan_committee(session, psad=psad, **values, **who())
        session.commit()
    except DomainError as error:
        return _refused(form, error)
    flash(f"Comité planifié le {rhythm.when_fr(committee.starts_at)}.", "success")
    return redirect(url_for("committees.show", committee_id=committee.id))


@bp.route(f"{ROUTE}/modifier", methods=["GET", "POST"])
@runners
def edit(committee_id: int) -> Page:
    committee = meeting_in_psad(committee_id)
    ensure_open(committee)
    form = forms.EditMeetingForm()
    structures = _invitations(form, committee.psad_id, [s.id for s in committee.invited])
    if not form.is_submitted():
        _fill(form, committee)
    cancel_form = forms.CancelForm(formdata=None)
    cancel_form.version.data = str(committee.version)
    context = {"committee": committee, "cancel_form": cancel_form}
    if not form.validate_on_submit():
        return _meeting_page(form, 422 if form.is_submitted() else 200, **context)
    try:
        meetings.update_committee(
            db.session(),
            committee=committee,
            **_meeting_values(form, structures),
            **who(),
            expected_version=form.expected_version(),
        )
        db.session.commit()
    except (DomainError, StaleDataError) as error:
        db.session.rollback()
        form.version.data = str(meeting_in_psad(committee_id).version)  # a new try: as it is
        return _refused(form, error, **context)
    flash("Comité modifié.", "success")
    return redirect(url_for("committees.show", committee_id=committee.id))


def _fill(form: forms.EditMeetingForm, committee: Committee) -> None:
    there = clock.local(committee.starts_at)
    form.kind.data = committee.kind.value
    forms.fill(form.day, there.date())
    forms.fill(form.at, there.time())
    form.duration_minutes.data, form.place.data = committee.duration_minutes, committee.place
    form.video_link.data, form.agenda_note.data = committee.video_link, committee.agenda_note
    form.invited.data = [s.id for s in committee.invited]
    form.version.data = str(committee.version)


@bp.route("/comites/rythme", methods=["GET", "POST"], endpoint="rhythm")
@runners
def rhythm_page() -> Page:
    session, psad_id = db.session(), viewer_psad_id()
    current = meetings.rhythm_of(session, psad_id)
    form = forms.RhythmForm(obj=None if request.method == "POST" else current)
    if not form.is_submitted():
        forms.fill(form.at, current.starts_at)
    context = {"rhythm_text": rhythm.describe(current)}
    if not form.validate_on_submit():
        return render_template("committees/rhythm.html", form=form, **context), (
            422 if form.is_submitted() else 200
        )
    try:
        meetings.save_rhythm(
            session, psad_id=psad_id, weekday=form.weekday.data,
            week_of_month=form.week_of_month.data, starts_at=forms.time_of(form.at),
            duration_minutes=form.duration_minutes.data, place=form.place.data,
            no_solution_weeks=form.no_solution_weeks.data,
            overdue_decision_days=form.overdue_decision_days.data, actor=current_actor(),
            max_proposed=form.max_proposed.data or 30,
        )  # fmt: skip
        session.commit()
    except DomainError as error:
        session.rollback()
        form[getattr(error, "field", None) or "place"].errors.append(error.message)
        return render_template("committees/rhythm.html", form=form, **context), error.status_code
    flash("Rythme enregistré : les prochaines dates le suivent.", "success")
    return redirect(url_for("committees.index"))

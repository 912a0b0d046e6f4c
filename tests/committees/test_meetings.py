"""Meetings: plan one (a past one too), change it, cancel it; what each value must be, a
locked meeting that no longer changes, two people editing at once; the list of meetings with
the dates the rhythm proposes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.committees.models import (
    AgendaItem,
    AgendaReason,
    Committee,
    CommitteeKind,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.committees.services import meetings
from psad.committees.services.state import CommitteeStateError
from tests.committees.conftest import MEETING_AT, Comite, comite
from tests.factories import make_psad, make_structure
from tests.helpers import events, field_error, text

__all__ = ["comite"]

VALUES = {
    "kind": "technical",
    "day": "12/01/2027",
    "at": "14:00",
    "duration_minutes": "120",
    "place": "CIO de Lille, salle 2",
    "video_link": "",
    "agenda_note": "Point sur les places E2C.",
}


def plan(session: Session, comite: Comite, **overrides: object) -> Committee:
    world = comite.world
    values: dict[str, object] = {
        "psad": world.psad,
        "kind": CommitteeKind.TECHNICAL,
        "starts_at": datetime(2027, 1, 12, 13, 0, tzinfo=UTC),
        "duration_minutes": 120,
        "place": "CIO de Lille",
        "video_link": None,
        "agenda_note": None,
        "invited": [world.cio],
        "by": world.pilot,
        "actor": world.actor(world.pilot),
    }
    return meetings.plan_committee(session, **{**values, **overrides})  # type: ignore[arg-type]


def change(session: Session, comite: Comite, **overrides: object) -> None:
    world, committee = comite.world, comite.committee
    values: dict[str, object] = {
        "committee": committee,
        "kind": committee.kind,
        "starts_at": committee.starts_at,
        "duration_minutes": 90,
        "place": "Mission locale",
        "video_link": None,
        "agenda_note": None,
        "invited": list(committee.invited),
        "by": world.pilot,
        "actor": world.actor(world.pilot),
    }
    meetings.update_committee(session, **{**values, **overrides})  # type: ignore[arg-type]


# --- the services ---------------------------------------------------------------------------


def test_planning_a_meeting_is_audited_with_ids(session, comite: Comite):
    committee = plan(session, comite, video_link="https://visio.example.fr/comite")

    assert committee.status is CommitteeStatus.DRAFT
    assert committee.video_link == "https://visio.example.fr/comite"
    [event] = events(session, AuditAction.COMMITTEE_CREATED)
    assert (event.object_type, event.object_id) == ("committee", committee.id)
    assert f"invitées={comite.world.cio.id}" in (event.detail or "")


def test_a_past_meeting_may_be_recorded_afterwards(session, comite: Comite):
    committee = plan(session, comite, starts_at=datetime(2026, 6, 9, 12, 0, tzinfo=UTC))

    assert committee.starts_at.year == 2026


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"video_link": "ftp://visio.example.fr"}, "video_link", meetings.BAD_LINK),
        ({"video_link": "javascript:alert(1)"}, "video_link", meetings.BAD_LINK),
        ({"place": "  ", "video_link": None}, "place", meetings.NO_PLACE),
        ({"duration_minutes": 0}, "duration_minutes", meetings.BAD_DURATION),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(session, comite, overrides, field, message):
    with pytest.raises(meetings.CommitteeInputError) as refused:
        plan(session, comite, **overrides)

    assert (refused.value.field, refused.value.message) == (field, message)


def test_only_the_psads_own_structures_are_invited(session, comite: Comite):
    elsewhere = make_structure(session, make_psad(session), name="CIO d'Arras")

    with pytest.raises(meetings.CommitteeInputError) as refused:
        plan(session, comite, invited=[comite.world.cio, elsewhere])

    assert refused.value.message == meetings.NOT_INVITABLE


def test_changing_a_meeting_is_audited(session, comite: Comite):
    change(session, comite, invited=[comite.world.school])

    assert comite.committee.place == "Mission locale"
    assert [s.name for s in comite.committee.invited] == ["Lycée Baggio"]
    assert len(events(session, AuditAction.COMMITTEE_UPDATED)) == 1


def test_a_locked_meeting_no_longer_changes(session, comite: Comite):
    comite.committee.status = CommitteeStatus.VALIDATED
    session.commit()

    with pytest.raises(CommitteeStateError):
        change(session, comite)
    with pytest.raises(CommitteeStateError):
        meetings.cancel_committee(
            session,
            committee=comite.committee,
            by=comite.world.pilot,
            actor=comite.world.actor(comite.world.pilot),
        )


def test_a_change_made_on_an_older_version_is_refused(session, comite: Comite):
    loaded = comite.committee.version
    change(session, comite)  # someone else saved first
    session.commit()

    with pytest.raises(meetings.CommitteeVersionError):
        change(session, comite, place="Ailleurs", expected_version=loaded)


def test_cancelling_keeps_the_meeting_marked(session, comite: Comite):
    world = comite.world
    meetings.cancel_committee(
        session, committee=comite.committee, by=world.pilot, actor=world.actor(world.pilot)
    )

    assert comite.committee.status is CommitteeStatus.CANCELLED
    with pytest.raises(CommitteeStateError):
        change(session, comite)


# --- the list of meetings -------------------------------------------------------------------


def add_past(session: Session, comite: Comite) -> Committee:
    """A validated comité on 10 November 2026, with two youth and one decision."""
    world = comite.world
    past = Committee(
        psad=world.psad,
        kind=CommitteeKind.TECHNICAL,
        starts_at=datetime(2026, 11, 10, 13, 0, tzinfo=UTC),
        place="Visio",
        status=CommitteeStatus.VALIDATED,
    )
    session.add(past)
    for position, youth in enumerate([world.minor, world.adult], start=1):
        item = AgendaItem(youth=youth, position=position, reasons=AgendaReason.ADDED.value)
        past.items.append(item)
    session.flush()
    session.add(
        Decision(
            committee_id=past.id,
            item_id=past.items[0].id,
            youth_id=world.minor.id,
            kind=DecisionKind.WATCH,
        )
    )
    session.commit()
    return past


def test_the_list_shows_meetings_to_come_and_past_with_their_counts(
    client, session, comite: Comite, frozen_clock
):
    add_past(session, comite)
    client.sign_in(comite.world.pilot)

    page = text(client.get("/comites"))

    coming, past = page.split("Prochaines dates")[0], page.split('id="passes"')[1]
    assert "mardi 8 décembre 2026 à 14 h 00" in coming
    assert "Comité technique" in coming and "Ordre du jour en préparation" in coming
    assert "mardi 10 novembre 2026 à 14 h 00" in past
    assert "Relevé de décisions validé" in past
    assert '<td class="text-end">2</td>' in past and '<td class="text-end">1</td>' in past


def test_the_rhythm_proposes_the_next_dates_with_a_button_to_plan(
    client, comite: Comite, frozen_clock
):
    client.sign_in(comite.world.pilot)

    page = text(client.get("/comites"))

    assert "le 2e mardi de chaque mois à 14 h 00" in page
    assert "comité déjà planifié ce jour-là" in page  # 8 December
    assert 'href="/comites/nouveau?date=2027-01-12"' in page
    assert 'Planifier<span class="visually-hidden"> le comité du mardi 12 janvier 2027' in page


def test_a_reader_sees_the_meetings_without_planning_them(client, comite: Comite, frozen_clock):
    client.sign_in(comite.world.reader)

    response = client.get("/comites")

    assert response.status_code == 200
    assert "mardi 8 décembre 2026 à 14 h 00" in text(response)
    assert "/comites/nouveau" not in text(response)


def test_someone_outside_any_psad_may_not_see_meetings(client, session, comite: Comite, admin):
    client.sign_in(admin)

    assert client.get("/comites").status_code == 403


def test_meetings_of_another_psad_answer_404(client, session, comite: Comite):
    other = make_psad(session, code="ARRAS")
    elsewhere = Committee(psad=other, starts_at=MEETING_AT, place="Arras")
    session.add(elsewhere)
    session.commit()
    client.sign_in(comite.world.pilot)

    assert client.get(f"/comites/{elsewhere.id}").status_code == 404
    assert client.get(f"/comites/{elsewhere.id}/modifier").status_code == 404
    assert "Arras" not in text(client.get("/comites"))


# --- planning and changing from the pages ---------------------------------------------------


def test_the_form_is_prefilled_from_the_rhythm_and_the_date_chosen(client, comite, frozen_clock):
    client.sign_in(comite.world.pilot)

    page = text(client.get("/comites/nouveau?date=2027-01-12"))

    assert 'value="2027-01-12"' in page
    assert 'value="14:00"' in page
    assert 'value="CIO de Lille, salle 2"' in page


def test_planning_from_the_page_stores_two_in_paris_as_utc(client, session, comite: Comite):
    world = comite.world
    client.sign_in(world.copilot)

    response = client.submit("/comites/nouveau", VALUES | {"invited": [str(world.mission.id)]})

    assert response.status_code == 302
    committee = session.scalars(select(Committee).order_by(Committee.id.desc())).first()
    assert committee is not None
    assert response.headers["Location"] == f"/comites/{committee.id}"
    assert committee.starts_at == datetime(2027, 1, 12, 13, 0, tzinfo=UTC)
    assert [s.name for s in committee.invited] == ["Mission locale de Lille"]
    page = text(client.get(response.headers["Location"]))
    assert "Comité planifié le mardi 12 janvier 2027 à 14 h 00." in page
    assert "Point sur les places E2C." in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"day": ""}, "day", "Ce champ est obligatoire."),
        ({"day": "31/02/2027"}, "day", "Date invalide"),
        ({"video_link": "visio.example.fr"}, "video_link", meetings.BAD_LINK),
        ({"place": "", "video_link": ""}, "place", meetings.NO_PLACE),
        ({"duration_minutes": "3"}, "duration_minutes", "De 15 à 720 minutes."),
        ({"invited": ["999999"]}, "invited", "n'est pas un choix valide"),
    ],
)
def test_a_bad_meeting_says_why_under_its_field(client, comite, values, field, message):
    client.sign_in(comite.world.pilot)

    response = client.submit("/comites/nouveau", VALUES | values)

    assert response.status_code == 422
    assert message in field_error(response, field)


@pytest.mark.parametrize("role", ["partner", "reader"])
def test_only_pilotes_and_co_pilotes_plan(client, comite: Comite, role):
    client.sign_in(getattr(comite.world, role))

    assert client.get("/comites/nouveau").status_code == 403
    assert client.submit("/comites/nouveau", VALUES).status_code == 403
    assert client.get(f"/comites/{comite.committee.id}/modifier").status_code == 403


def edit_values(comite: Comite, **values: object) -> dict[str, object]:
    world = comite.world
    base = VALUES | {"day": "08/12/2026", "at": "15:30", "version": str(comite.committee.version)}
    return base | {"invited": [str(world.cio.id), str(world.school.id)]} | values


def test_the_edit_form_shows_the_meeting_and_saves_changes(client, session, comite: Comite):
    client.sign_in(comite.world.pilot)
    url = f"/comites/{comite.committee.id}/modifier"
    form = text(client.get(url))
    assert 'value="2026-12-08"' in form and 'value="14:00"' in form

    response = client.submit(url, edit_values(comite))

    assert response.status_code == 302
    session.expire_all()
    assert comite.committee.starts_at == datetime(2026, 12, 8, 14, 30, tzinfo=UTC)
    assert {s.name for s in comite.committee.invited} == {"CIO de Lille", "Lycée Baggio"}


def test_an_edit_made_on_an_older_version_is_refused_and_shows_it(client, session, comite):
    client.sign_in(comite.world.pilot)
    url = f"/comites/{comite.committee.id}/modifier"
    stale = edit_values(comite)
    assert client.submit(url, edit_values(comite, place="Ailleurs")).status_code == 302

    response = client.submit(url, stale | {"place": "Encore ailleurs"})

    assert response.status_code == 409
    assert meetings.STALE in text(response)
    session.expire_all()
    assert comite.committee.place == "Ailleurs"


def test_a_locked_meeting_cannot_be_edited_from_the_page(client, session, comite: Comite):
    comite.committee.status = CommitteeStatus.VALIDATED
    session.commit()
    client.sign_in(comite.world.pilot)
    url = f"/comites/{comite.committee.id}/modifier"

    assert client.get(url).status_code == 409
    response = client.submit(url, edit_values(comite))
    assert response.status_code == 409
    assert "Le relevé de décisions de ce comité est validé" in text(response)


def test_cancelling_from_the_page(client, session, comite: Comite):
    client.sign_in(comite.world.pilot)
    url = f"/comites/{comite.committee.id}/annuler"

    response = client.submit(url, {"version": str(comite.committee.version)})

    assert response.status_code == 302
    session.expire_all()
    assert comite.committee.status is CommitteeStatus.CANCELLED
    assert "Annulé" in text(client.get("/comites"))

"""The contact and note pages as a counsellor uses them: recording, « Enregistrer et
suivant », correcting (« annule et remplace ») and notes; what the file then shows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from psad.followup.models import Contact, Note, NoteKind, TaskRule
from psad.reference.models import ReferenceKind
from psad.youth.models import CaseStatus
from tests.followup.conftest import NOW, TODAY, reference
from tests.followup.test_contacts import LATER, correct, open_tasks_of_case, record
from tests.helpers import count, field_error, text

# --- the contact page ---------------------------------------------------------------------


def form(session, **values):
    phone = reference(session, ReferenceKind.CONTACT_CHANNEL, "phone")
    return {
        "on": "07/12/2026",
        "at": "09:30",
        "channel_id": phone.id,
        "reached": "non",
        "outcome_id": 0,
        "party": "youth",
        "comment": "",
        "call_back_on": "14/12/2026",
        "submit": "Enregistrer",
        **values,
    }


def contacts_of(session, case):
    session.expire_all()
    return list(session.scalars(select(Contact).where(Contact.case_id == case.id)))


def test_the_form_proposes_now_and_a_call_back_in_the_psads_days(pilot_client, world):
    page = text(pilot_client.get(f"/jeunes/{world.adult.id}/contacts/nouveau"))

    assert "<h1>Enregistrer une prise de contact</h1>" in page
    assert re.search(r'id="on"[^>]*value="2026-12-07"', page)
    assert re.search(r'id="at"[^>]*value="10:00"', page)  # Paris time
    assert re.search(r'id="call_back_on"[^>]*value="2026-12-14"', page)


def test_the_comment_warns_against_sensitive_data(pilot_client, world):
    page = text(pilot_client.get(f"/jeunes/{world.adult.id}/contacts/nouveau"))

    assert re.search(r'id="comment-aide"[^>]*>Ne saisissez aucune donnée de santé', page)


def test_recording_a_contact_returns_to_the_file_with_a_message(pilot_client, session, world):
    outcome = reference(session, ReferenceKind.CONTACT_OUTCOME, "no_answer")
    response = pilot_client.submit(
        f"/jeunes/{world.adult.id}/contacts/nouveau",
        form(session, outcome_id=outcome.id, comment="Messagerie pleine."),
    )

    assert response.status_code == 302
    assert response.location == f"/jeunes/{world.adult.id}"
    [contact] = contacts_of(session, world.adult_case)
    assert contact.occurred_at == datetime(2026, 12, 7, 8, 30, tzinfo=UTC)  # 09:30 in Paris
    assert (contact.reached, contact.outcome_id, contact.comment) == (
        False,
        outcome.id,
        "Messagerie pleine.",
    )
    page = text(pilot_client.get(response.location))
    assert "Prise de contact enregistrée pour MARTIN Hugo. Rappel prévu le 14/12/2026." in page


def test_a_time_is_typed_the_french_way(pilot_client, session, world):
    pilot_client.submit(f"/jeunes/{world.adult.id}/contacts/nouveau", form(session, at="8h15"))

    [contact] = contacts_of(session, world.adult_case)
    assert contact.occurred_at == datetime(2026, 12, 7, 7, 15, tzinfo=UTC)


def test_a_failed_attempt_schedules_the_call_back_chosen(pilot_client, session, world):
    pilot_client.submit(
        f"/jeunes/{world.adult.id}/contacts/nouveau", form(session, call_back_on="10/12/2026")
    )

    [task] = open_tasks_of_case(session, world.adult_case, TaskRule.CALL_BACK)
    assert task.due_on == date(2026, 12, 10)


def test_a_reached_contact_schedules_no_call_back(pilot_client, session, world):
    pilot_client.submit(f"/jeunes/{world.adult.id}/contacts/nouveau", form(session, reached="oui"))

    assert open_tasks_of_case(session, world.adult_case, TaskRule.CALL_BACK) == []


def test_whether_someone_was_reached_must_be_said(pilot_client, session, world):
    data = form(session)
    del data["reached"]

    response = pilot_client.submit(f"/jeunes/{world.adult.id}/contacts/nouveau", data)

    assert response.status_code == 422
    assert field_error(response, "reached") == "Dites si quelqu'un a été joint."
    assert contacts_of(session, world.adult_case) == []


def test_a_contact_in_the_future_is_refused_on_its_field(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.adult.id}/contacts/nouveau", form(session, at="18:00")
    )

    assert response.status_code == 422
    assert field_error(response, "at") == "Cette heure est dans le futur."


def test_a_malformed_time_is_refused_in_french(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.adult.id}/contacts/nouveau", form(session, at="midi")
    )

    assert response.status_code == 422
    assert "Heure invalide" in field_error(response, "at")


def test_a_call_back_in_the_past_is_refused(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.adult.id}/contacts/nouveau", form(session, call_back_on="01/12/2026")
    )

    assert response.status_code == 422
    assert field_error(response, "call_back_on") == "La date de rappel est passée."


def test_no_contact_form_on_a_closed_case(pilot_client, session, world):
    world.adult_case.status = CaseStatus.CLOSED
    world.adult_case.closed_on = TODAY
    session.commit()

    response = pilot_client.get(f"/jeunes/{world.adult.id}/contacts/nouveau")

    assert response.status_code == 409
    assert "Ce dossier est clos" in text(response)


def test_the_third_failure_offers_to_close_the_case_as_unreachable(pilot_client, session, world):
    for day in ("05/12/2026", "06/12/2026", "07/12/2026"):
        response = pilot_client.submit(
            f"/jeunes/{world.adult.id}/contacts/nouveau", form(session, on=day)
        )

    page = text(pilot_client.get(response.location))
    assert (
        "Rappel prévu le 14/12/2026. 3 tentatives d'affilée sans joindre personne : "
        f'<a href="/jeunes/{world.adult.id}/cloture?motif=unreachable">'
        "clore le dossier comme « injoignable »</a> ?"
    ) in page


def test_a_partner_is_told_who_may_close_the_case(client, session, world, frozen_clock):
    world.psad.unreachable_after = 1
    session.commit()
    client.sign_in(world.partner)

    response = client.submit(f"/jeunes/{world.minor.id}/contacts/nouveau", form(session))

    page = text(client.get(response.location))
    assert "le pilote ou le co-pilote peut clore le dossier comme « injoignable »" in page


# --- « Enregistrer et suivant » -------------------------------------------------------------

TO_PROCESS = "onglet=a-traiter"


def test_save_and_next_is_offered_only_from_a_list(pilot_client, world):
    alone = text(pilot_client.get(f"/jeunes/{world.adult.id}/contacts/nouveau"))
    from_list = text(
        pilot_client.get(
            f"/jeunes/{world.adult.id}/contacts/nouveau", query_string={"depuis": TO_PROCESS}
        )
    )

    assert "Enregistrer et suivant" not in alone
    assert "Enregistrer et suivant" in from_list


def test_save_and_next_opens_the_next_youth_of_the_list(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/contacts/nouveau?depuis=onglet%3Da-traiter",
        form(session, save_next="Enregistrer et suivant", submit=None),
    )

    assert response.status_code == 302
    assert response.location == f"/jeunes/{world.adult.id}?depuis=onglet%3Da-traiter"
    assert len(contacts_of(session, world.minor_case)) == 1


def test_save_and_next_on_the_last_youth_returns_to_the_list(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.adult.id}/contacts/nouveau?depuis=onglet%3Da-traiter",
        form(session, save_next="Enregistrer et suivant", submit=None),
    )

    assert response.location == "/jeunes?onglet=a-traiter"


def test_save_alone_keeps_the_list_of_the_file(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.minor.id}/contacts/nouveau?depuis=onglet%3Da-traiter", form(session)
    )

    assert response.location == f"/jeunes/{world.minor.id}?depuis=onglet%3Da-traiter"


# --- correction ---------------------------------------------------------------------------


def recorded(session, world, user, *, at=NOW):
    contact = record(session, world, user=user, at=at).contact
    session.commit()
    return contact


def test_the_correction_form_starts_from_the_contact(pilot_client, session, world):
    contact = recorded(session, world, world.pilot, at=NOW - timedelta(hours=2))

    page = text(pilot_client.get(f"/jeunes/{world.adult.id}/contacts/{contact.id}/corriger"))

    assert "<h1>Corriger une prise de contact</h1>" in page
    assert "annule et remplace" in page
    assert re.search(r'id="at"[^>]*value="08:00"', page)
    assert re.search(r'id="reached-1"[^>]*checked|checked[^>]*id="reached-1"', page)


def test_a_correction_replaces_the_contact_and_both_show(pilot_client, session, world):
    contact = recorded(session, world, world.pilot)

    response = pilot_client.submit(
        f"/jeunes/{world.adult.id}/contacts/{contact.id}/corriger",
        form(session, reached="oui", at="09:45", submit="Enregistrer la correction"),
    )

    assert response.status_code == 302
    replacement = session.scalar(select(Contact).where(Contact.replaces_id == contact.id))
    assert replacement is not None and replacement.reached
    page = text(pilot_client.get(f"/jeunes/{world.adult.id}"))
    assert "Correction enregistrée : elle annule et remplace la prise de contact." in page
    assert "<del>Prise de contact · Téléphone · non joint</del>" in page
    assert "Remplacé par" in page and "Annule et remplace" in page


def test_the_author_may_not_correct_after_24_hours(client, session, world, monkeypatch):
    contact = recorded(session, world, world.copilot)
    monkeypatch.setattr("psad.clock.now", lambda: LATER)
    monkeypatch.setattr("psad.clock.today", lambda: LATER.date())
    client.sign_in(world.copilot)

    response = client.get(f"/jeunes/{world.adult.id}/contacts/{contact.id}/corriger")

    assert response.status_code == 403
    assert "dans les 24 heures" in text(response)


def test_the_pilote_corrects_after_24_hours(client, session, world, monkeypatch):
    contact = recorded(session, world, world.copilot)
    monkeypatch.setattr("psad.clock.now", lambda: LATER)
    monkeypatch.setattr("psad.clock.today", lambda: LATER.date())
    client.sign_in(world.pilot)

    response = client.submit(
        f"/jeunes/{world.adult.id}/contacts/{contact.id}/corriger",
        form(session, reached="oui", submit="Enregistrer la correction"),
    )

    assert response.status_code == 302
    assert count(session, Contact, Contact.replaces_id == contact.id) == 1


def test_a_corrected_contact_cannot_be_corrected_again(pilot_client, session, world):
    contact = recorded(session, world, world.pilot)
    correct(session, world, contact, user=world.pilot, now=NOW)
    session.commit()

    response = pilot_client.get(f"/jeunes/{world.adult.id}/contacts/{contact.id}/corriger")

    assert response.status_code == 409


def test_a_contact_of_another_youth_answers_404(pilot_client, session, world):
    contact = recorded(session, world, world.pilot)

    response = pilot_client.get(f"/jeunes/{world.minor.id}/contacts/{contact.id}/corriger")

    assert response.status_code == 404


def test_the_timeline_offers_to_correct_only_what_the_viewer_may(
    client, session, world, frozen_clock
):
    mine = recorded(session, world, world.copilot, at=NOW - timedelta(hours=1))
    theirs = recorded(session, world, world.pilot)
    client.sign_in(world.copilot)

    page = text(client.get(f"/jeunes/{world.adult.id}"))

    assert f"/contacts/{mine.id}/corriger" in page
    assert f"/contacts/{theirs.id}/corriger" not in page


# --- notes --------------------------------------------------------------------------------


def test_a_note_is_added_and_shows_in_the_timeline(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.adult.id}/notes/nouvelle",
        {"kind": "diagnostic", "body": "Souhaite un CAP cuisine ; pas de permis."},
    )

    assert response.status_code == 302
    [note] = session.scalars(select(Note).where(Note.case_id == world.adult_case.id))
    assert (note.kind, note.author_id) == (NoteKind.DIAGNOSTIC, world.pilot.id)
    page = text(pilot_client.get(response.location))
    assert "Diagnostic des besoins et attentes enregistré." in page
    timeline = page[page.index('id="chronologie"') :]
    assert "Souhaite un CAP cuisine ; pas de permis." in timeline
    assert "Claire Martin" in timeline and "07/12/2026 10:00" in timeline


def test_a_note_warns_against_sensitive_data(pilot_client, world):
    page = text(pilot_client.get(f"/jeunes/{world.adult.id}/notes/nouvelle"))

    assert "<h1>Ajouter une note</h1>" in page
    assert re.search(r'id="body-aide"[^>]*>Ne saisissez aucune donnée de santé', page)


def test_an_empty_note_is_refused_on_its_field(pilot_client, session, world):
    response = pilot_client.submit(
        f"/jeunes/{world.adult.id}/notes/nouvelle", {"kind": "note", "body": "  "}
    )

    assert response.status_code == 422
    assert field_error(response, "body") == "Ce champ est obligatoire."
    assert count(session, Note) == 0

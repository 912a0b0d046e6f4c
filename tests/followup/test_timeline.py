"""The timeline of a youth: newest first, read from the domain records themselves (never
from the audit log), each entry with its date, what happened and who."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.followup import services
from psad.followup.models import (
    DarfiSource,
    Diploma,
    NoteKind,
    ObligationStep,
    Party,
)
from psad.followup.timeline import youth_timeline
from psad.imports.models import ImportBatch, Listing, ListingOutcome
from psad.reference.models import ReferenceKind
from psad.youth.models import CaseStatus
from tests.followup.conftest import NOW, TODAY, reference
from tests.helpers import text


def timeline(session, world, youth=None, *, user=None, may_correct_any=False, now=NOW):
    session.flush()
    session.expire_all()
    return youth_timeline(
        session,
        youth=youth or world.adult,
        user_id=(user or world.pilot).id,
        may_correct_any=may_correct_any,
        now=now,
    )


def whats(entries):
    return [entry.what for entry in entries]


def guardian_call(session, world, *, at, reached=False, user=None, comment=None):
    """A phone call to the adult's guardian at ``at``, unanswered, by ``user`` (the pilote
    by default)."""
    user = user or world.pilot
    return services.record_contact(
        session,
        case=world.adult_case,
        data=services.ContactData(
            occurred_at=at,
            channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "phone"),
            reached=reached,
            outcome=reference(session, ReferenceKind.CONTACT_OUTCOME, "no_answer"),
            party=Party.GUARDIAN,
            comment=comment,
        ),
        by=user,
        actor=world.actor(user),
        now=at,
    ).contact


def listed_in_import(session, world, *, label, at):
    """An import batch ``label`` made at ``at`` that listed (updated) the adult."""
    batch = ImportBatch(
        psad_id=world.psad.id,
        label=label,
        source="siei",
        origin="web",
        file_name="liste.xlsx",
        file_hash="0" * 64,
        file_size=1,
        imported_at=at,
    )
    session.add(batch)
    session.flush()
    session.add(
        Listing(
            batch_id=batch.id,
            youth_id=world.adult.id,
            line=12,
            outcome=ListingOutcome.UPDATED,
            row_hash="0" * 40,
        )
    )
    session.flush()
    return batch


def test_the_case_opening_shows_its_source_and_who(session, world):
    world.adult_case.opened_by = world.copilot
    world.adult_case.reason = "Absences répétées."

    [opened] = timeline(session, world)

    assert (opened.when.on, opened.when.at, opened.what, opened.who) == (
        date(2026, 10, 1),
        None,
        "Dossier ouvert",
        "Karim Benali",
    )
    assert opened.details == ("Origine : Signalement", "Motif du signalement : Absences répétées.")


def test_the_lists_the_youth_appeared_in_are_entries(session, world):
    listed_in_import(
        session, world, label="SIEI novembre 2026", at=datetime(2026, 11, 3, 8, tzinfo=UTC)
    )

    entries = timeline(session, world)

    assert whats(entries) == ["Liste SI : SIEI novembre 2026", "Dossier ouvert"]
    assert entries[0].details == ("Ligne 12 : mis à jour",)


def test_entries_come_newest_first_across_records(session, world):
    guardian_call(session, world, at=NOW - timedelta(days=2))
    listed_in_import(session, world, label="SIEI décembre", at=NOW - timedelta(days=1))
    services.add_note(
        session,
        case=world.adult_case,
        kind=NoteKind.NOTE,
        body="Rappeler après 17 h.",
        by=world.pilot,
        actor=world.actor(world.pilot),
        now=NOW,
    )

    assert whats(timeline(session, world)) == [
        "Note",
        "Liste SI : SIEI décembre",
        "Prise de contact · Téléphone · non joint",
        "Dossier ouvert",
    ]


def test_a_contact_shows_channel_outcome_party_comment_and_author(session, world):
    guardian_call(session, world, at=NOW, comment="Numéro du père.", user=world.copilot)

    entry = timeline(session, world)[0]

    assert entry.when.at == NOW
    assert entry.details == (
        "Résultat : Contacté mais sans réponse",
        "Avec : un représentant légal",
        "Numéro du père.",
    )
    assert entry.who == "Karim Benali"


def test_a_corrected_contact_is_struck_and_points_to_its_correction(session, world):
    original = guardian_call(session, world, at=NOW - timedelta(hours=2))
    correction = services.correct_contact(
        session,
        original=original,
        data=services.ContactData(
            occurred_at=NOW - timedelta(hours=2),
            channel=original.channel,
            reached=True,
        ),
        by=world.pilot,
        may_correct_any=False,
        actor=world.actor(world.pilot),
        now=NOW,
    )

    entries = {entry.anchor: entry for entry in timeline(session, world)}

    replaced, new = entries[f"contact-{original.id}"], entries[f"contact-{correction.id}"]
    assert replaced.struck and not new.struck
    assert replaced.replaced_by is not None
    assert replaced.replaced_by.anchor == f"contact-{correction.id}"
    assert new.replaces is not None
    assert new.replaces.text == "la prise de contact du 07/12/2026 à 08:00"


def test_only_contacts_the_viewer_may_correct_are_offered(session, world):
    mine = guardian_call(session, world, at=NOW, user=world.copilot)
    theirs = guardian_call(session, world, at=NOW - timedelta(hours=1), user=world.pilot)

    copilot = timeline(session, world, user=world.copilot)
    later = timeline(session, world, user=world.copilot, now=NOW + timedelta(hours=25))
    pilot = timeline(session, world, may_correct_any=True, now=NOW + timedelta(hours=25))

    def offered(entries):
        return {e.correctable_contact_id for e in entries if e.correctable_contact_id}

    assert offered(copilot) == {mine.id}
    assert offered(later) == set()
    assert offered(pilot) == {mine.id, theirs.id}


def test_case_changes_show_before_after_and_who(session, world):
    services.change_situation(
        session,
        case=world.adult_case,
        situation=reference(session, ReferenceKind.SITUATION, "employed"),
        by=world.copilot,
        now=NOW,
        actor=world.actor(world.copilot),
    )

    entry = timeline(session, world)[0]

    assert (entry.what, entry.details, entry.who) == ("Situation", ("En emploi",), "Karim Benali")


def test_closing_and_reopening_come_from_the_case_events(session, world):
    services.close_case(
        session,
        case=world.adult_case,
        reason=reference(session, ReferenceKind.CLOSING_REASON, "refused"),
        known_to_partner=None,
        solution=None,
        solution_since=None,
        on=TODAY,
        by=world.pilot,
        now=NOW - timedelta(hours=1),
        actor=world.actor(world.pilot),
    )
    services.reopen_case(
        session,
        case=world.adult_case,
        reason="Le jeune rappelle.",
        by=world.pilot,
        now=NOW,
        actor=world.actor(world.pilot),
    )

    entries = timeline(session, world)

    assert whats(entries) == ["Dossier rouvert", "Dossier clos", "Dossier ouvert"]
    assert entries[0].details == (
        "Motif de clôture précédent : Refus du jeune",
        "Motif : Le jeune rappelle.",
    )


def test_a_case_closed_without_an_event_shows_its_closing(session, world):
    case = world.adult_case
    case.status, case.closed_on = CaseStatus.CLOSED, date(2026, 11, 1)
    case.closing_reason = reference(session, ReferenceKind.CLOSING_REASON, "unreachable")

    closed = timeline(session, world)[0]

    assert (closed.what, closed.when.on, closed.details) == (
        "Dossier clos",
        date(2026, 11, 1),
        ("Motif : Injoignable",),
    )


def test_darfi_request_and_interview(session, world):
    request = services.record_darfi_request(
        session,
        case=world.adult_case,
        requested_on=date(2026, 12, 1),
        source=DarfiSource.FAMILY,
        diploma=Diploma.NONE,
        wish="CAP cuisine",
        by=world.copilot,
        today=TODAY,
        actor=world.actor(world.copilot),
    )
    services.record_darfi_interview(
        session,
        case=world.adult_case,
        request=request,
        held_on=date(2026, 12, 4),
        outcome="Inscription en lycée professionnel.",
        by=world.pilot,
        today=TODAY,
        now=NOW,
        actor=world.actor(world.pilot),
    )

    entries = [e for e in timeline(session, world) if e.kind == "darfi"]

    assert [(e.what, e.when.on, e.who) for e in entries] == [
        ("Entretien DARFI", date(2026, 12, 4), "Claire Martin"),
        ("Demande DARFI", date(2026, 12, 1), "Karim Benali"),
    ]
    assert "Demande venue de : La famille" in entries[1].details
    assert "Souhait : CAP cuisine" in entries[1].details
    assert entries[0].details == ("Inscription en lycée professionnel.",)


def test_obligation_steps_and_tasks(session, world):
    services.record_obligation_step(
        session,
        case=world.minor_case,
        step=ObligationStep.INTERVIEW,
        done_on=date(2026, 12, 2),
        comment=None,
        by=world.copilot,
        today=TODAY,
        now=NOW,
        actor=world.actor(world.copilot),
    )
    task = services.add_task(
        session,
        case=world.minor_case,
        title="Appeler la mère",
        due_on=date(2026, 12, 9),
        user=world.partner,
        structure=None,
        by=world.pilot,
        actor=world.actor(world.pilot),
    )
    services.complete_task(
        session,
        task=task,
        by=world.partner,
        now=NOW + timedelta(minutes=5),
        comment="Fait.",
        actor=world.actor(world.partner),
    )

    entries = timeline(session, world, world.minor)

    done = next(e for e in entries if e.what == "Tâche faite : Appeler la mère")
    made = next(e for e in entries if e.what == "Tâche créée : Appeler la mère")
    step = next(e for e in entries if e.kind == "obligation")
    assert (done.who, done.details) == ("Sophie Durand", ("Fait.",))
    assert made.details == ("Échéance : 09/12/2026", "Pour : Sophie Durand")
    assert made.who == "Claire Martin"
    assert (step.what, step.who) == (
        "Obligation de formation : Entretien avec le jeune et son représentant légal",
        "Karim Benali",
    )


def test_the_timeline_does_not_read_the_audit_log(session, world):
    guardian_call(session, world, at=NOW)
    before = timeline(session, world)

    audit.record(  # the audit log answers « who did what », it tells no business fact
        session,
        world.actor(world.pilot),
        AuditAction.CASE_REOPENED,
        object_type="youth",
        object_id=world.adult.id,
        detail="motif=saisi",
    )

    assert timeline(session, world) == before


# --- on the file --------------------------------------------------------------------------


@pytest.fixture
def minor_with_contact(session, world):
    services.record_contact(
        session,
        case=world.minor_case,
        data=services.ContactData(
            occurred_at=NOW - timedelta(hours=1),
            channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "sms"),
            reached=False,
            comment="Pas de réponse au SMS.",
        ),
        by=world.copilot,
        actor=world.actor(world.copilot),
        now=NOW - timedelta(hours=1),
    )
    session.commit()


def test_the_file_shows_the_timeline_with_date_what_and_who(
    client, world, frozen_clock, minor_with_contact
):
    client.sign_in(world.pilot)

    page = text(client.get(f"/jeunes/{world.minor.id}"))

    history = page[page.index('id="chronologie"') :]
    assert "07/12/2026 09:00" in history
    assert "Prise de contact · SMS · non joint" in history
    assert "Pas de réponse au SMS." in history
    assert "Karim Benali" in history


def test_a_partner_sees_the_timeline_of_their_youth(
    client, world, frozen_clock, minor_with_contact
):
    client.sign_in(world.partner)

    page = text(client.get(f"/jeunes/{world.minor.id}"))

    assert "Pas de réponse au SMS." in page[page.index('id="chronologie"') :]

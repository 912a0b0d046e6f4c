"""The rules of a transfer, through the services: propose, one pending per youth, accept
(the youth and their history move, the cases close and open), refuse, cancel, audit."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from psad.audit.actions import AuditAction
from psad.errors import DomainError, PermissionDeniedError
from psad.followup.models import CaseEvent, CaseEventKind, Task
from psad.transfers import services
from psad.transfers.models import Transfer, TransferDirection, TransferState
from psad.youth.models import Case, CaseSource, CaseStatus, KnownToPartner, Youth
from tests.followup.conftest import NOW, TODAY
from tests.followup.helpers import add_task, stored_case
from tests.helpers import count, events
from tests.transfers.conftest import offer


def accept(session, lens, transfer, by=None):  # type: ignore[no-untyped-def]
    """LENS accepts ``transfer`` (its pilote unless ``by``) on TODAY; flushed."""
    by = by or lens.pilot
    return services.accept_transfer(
        session, transfer=transfer, by=by, today=TODAY, now=NOW, actor=lens.actor(by)
    )


def refuse(session, lens, transfer, reason: str = "Adresse hors de Lens") -> None:  # type: ignore[no-untyped-def]
    """LENS's pilote refuses ``transfer`` for ``reason`` at NOW; flushed."""
    services.refuse_transfer(
        session,
        transfer=transfer,
        reason=reason,
        by=lens.pilot,
        now=NOW,
        actor=lens.actor(lens.pilot),
    )


def cancel(session, world, transfer) -> None:  # type: ignore[no-untyped-def]
    """LILLE's pilote cancels ``transfer`` at NOW; flushed."""
    services.cancel_transfer(
        session, transfer=transfer, by=world.pilot, now=NOW, actor=world.actor(world.pilot)
    )


# --- proposing ------------------------------------------------------------------------------


def test_a_proposal_waits_with_what_the_sender_knew(session, world, lens):
    transfer = offer(session, world, lens)

    stored = session.get(Transfer, transfer.id)
    assert (stored.state, stored.direction) == (TransferState.PROPOSED, TransferDirection.OFFER)
    assert (stored.from_psad_id, stored.to_psad_id) == (world.psad.id, lens.psad.id)
    assert (stored.subject_last_name, stored.subject_birth_date) == ("Lefèvre", date(2009, 3, 14))
    assert stored.comment == "Déménagement à Lens chez sa mère."
    assert session.get(Youth, world.minor.id).psad_id == world.psad.id  # nothing moves yet


@pytest.mark.parametrize(
    ("where", "comment", "message"),
    [
        ("same", "Déménagement", "Choisissez une autre PSAD"),
        ("lens", "   ", "Dites pourquoi ce jeune doit changer de PSAD."),
        ("lens", "x" * 1001, "dépasse 1000 caractères"),
        ("inactive", "Déménagement", "n'est plus active"),
    ],
)
def test_a_proposal_needs_another_active_psad_and_a_comment(
    session, world, lens, where, comment, message
):
    lens.psad.active = where != "inactive"
    to_psad = world.psad if where == "same" else lens.psad

    with pytest.raises(DomainError, match=message):
        services.propose_transfer(
            session,
            youth=world.minor,
            to_psad=to_psad,
            comment=comment,
            by=world.pilot,
            now=NOW,
            actor=world.actor(world.pilot),
        )
    assert count(session, Transfer) == 0


def test_one_pending_transfer_per_youth(session, world, lens):
    offer(session, world, lens)

    with pytest.raises(services.TransferConflictError, match="déjà en attente"):
        offer(session, world, lens)


def test_the_database_itself_keeps_one_pending_transfer_per_youth(session, world, lens):
    first = offer(session, world, lens)
    session.add(
        Transfer(
            youth_id=world.minor.id,
            from_psad_id=world.psad.id,
            to_psad_id=lens.psad.id,
            direction=TransferDirection.OFFER,
            comment="Une seconde fois",
            proposed_at=NOW,
            subject_last_name="Lefèvre",
            subject_first_name="Éloïse",
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()

    cancel(session, world, first)
    offer(session, world, lens)  # once decided, a new one may wait
    assert count(session, Transfer) == 2


# --- accepting ------------------------------------------------------------------------------


def test_accepting_closes_the_sending_case_and_opens_one_in_the_receiving_psad(
    session, world, lens
):
    old_case_id = world.minor_case.id
    transfer = offer(session, world, lens)

    new_case = accept(session, lens, transfer)
    session.commit()

    youth = session.get(Youth, world.minor.id)
    assert youth.psad_id == lens.psad.id
    old = stored_case(session, old_case_id)
    assert (old.status, old.closed_on, old.psad_id) == (CaseStatus.CLOSED, TODAY, world.psad.id)
    assert old.closing_reason.code == "transferred"
    assert old.closing_reason.label == "Transfert vers une autre PSAD"
    assert old.known_to_partner is None  # a transfer says nothing of the partners
    new = stored_case(session, new_case.id)
    assert (new.status, new.psad_id, new.opened_on) == (CaseStatus.OPEN, lens.psad.id, TODAY)
    assert new.source is CaseSource.REFERRAL  # as the youth first came
    assert new.source_detail == "Transfert de la PSAD LILLE"
    assert new.opened_by_id == lens.pilot.id
    assert new.reason == "Déménagement à Lens chez sa mère."
    assert youth.open_case is not None and youth.open_case.id == new.id
    stored = session.get(Transfer, transfer.id)
    assert (stored.state, stored.decided_by_id) == (TransferState.ACCEPTED, lens.pilot.id)


def test_the_history_goes_with_the_youth_and_the_sender_names_the_closing(session, world, lens):
    old_case_id = world.minor_case.id
    transfer = offer(session, world, lens)

    accept(session, lens, transfer)
    session.commit()

    closing = session.scalars(
        select(CaseEvent).where(
            CaseEvent.case_id == old_case_id, CaseEvent.kind == CaseEventKind.CLOSED
        )
    ).one()
    assert (closing.after, closing.author_id) == ("Transfert vers une autre PSAD", world.pilot.id)
    youth = session.get(Youth, world.minor.id)
    assert [case.psad_id for case in youth.cases] == [lens.psad.id, world.psad.id]


def test_the_sending_case_tasks_end_with_it(session, world, lens):
    task = add_task(session, world, user=world.copilot)
    transfer = offer(session, world, lens)

    accept(session, lens, transfer)
    session.commit()

    stored = session.get(Task, task.id)
    assert stored.done_at == NOW
    assert stored.done_comment == "Jeune transféré vers la PSAD LENS."


def test_the_closing_keeps_what_was_known_of_the_partners(session, world, lens):
    old = world.minor_case
    old.known_to_partner = KnownToPartner.FOLLOWED
    session.commit()
    transfer = offer(session, world, lens)

    accept(session, lens, transfer)
    session.commit()

    assert stored_case(session, old.id).known_to_partner is KnownToPartner.FOLLOWED


def test_a_youth_without_an_open_case_moves_and_gets_one(session, world, lens):
    case = world.minor_case
    case.status, case.closed_on = CaseStatus.CLOSED, date(2026, 11, 1)
    session.commit()
    transfer = offer(session, world, lens)

    new_case = accept(session, lens, transfer)
    session.commit()

    assert stored_case(session, case.id).closed_on == date(2026, 11, 1)  # left as it was
    assert stored_case(session, new_case.id).psad_id == lens.psad.id
    assert count(session, Case, Case.youth_id == world.minor.id, Case.status == "open") == 1


def test_a_transfer_is_decided_once(session, world, lens):
    transfer = offer(session, world, lens)
    accept(session, lens, transfer)
    session.commit()

    with pytest.raises(services.TransferConflictError, match="déjà été accepté le 07/12/2026"):
        accept(session, lens, transfer)
    with pytest.raises(services.TransferConflictError, match="déjà été accepté"):
        refuse(session, lens, transfer, reason="Trop tard")


def test_only_the_deciding_side_decides(session, world, lens):
    transfer = offer(session, world, lens)

    with pytest.raises(PermissionDeniedError, match="PSAD LENS"):
        services.accept_transfer(
            session,
            transfer=transfer,
            by=world.pilot,
            today=TODAY,
            now=NOW,
            actor=world.actor(world.pilot),
        )


def test_a_youth_gone_elsewhere_meanwhile_is_not_transferred(session, world, lens):
    transfer = offer(session, world, lens)
    world.minor.psad_id = lens.psad.id  # e.g. a merge, or an older transfer
    session.commit()

    with pytest.raises(services.TransferConflictError, match="n'est plus suivi par la PSAD LILLE"):
        accept(session, lens, transfer)


# --- refusing and cancelling ----------------------------------------------------------------


def test_a_refusal_needs_a_reason_and_changes_nothing_else(session, world, lens):
    transfer = offer(session, world, lens)

    with pytest.raises(DomainError, match="Dites pourquoi vous refusez"):
        refuse(session, lens, transfer, reason=" ")
    refuse(session, lens, transfer)
    session.commit()

    stored = session.get(Transfer, transfer.id)
    assert (stored.state, stored.refusal_reason) == (TransferState.REFUSED, "Adresse hors de Lens")
    assert session.get(Youth, world.minor.id).psad_id == world.psad.id
    assert stored_case(session, world.minor_case.id).is_open


def test_only_the_side_that_asked_cancels(session, world, lens):
    transfer = offer(session, world, lens)

    with pytest.raises(PermissionDeniedError, match="Seule la PSAD LILLE"):
        services.cancel_transfer(
            session, transfer=transfer, by=lens.pilot, now=NOW, actor=lens.actor(lens.pilot)
        )
    cancel(session, world, transfer)
    session.commit()

    assert session.get(Transfer, transfer.id).state is TransferState.CANCELLED


# --- audit on both sides --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "action"),
    [
        ("accept", AuditAction.TRANSFER_ACCEPTED),
        ("refuse", AuditAction.TRANSFER_REFUSED),
        ("cancel", AuditAction.TRANSFER_CANCELLED),
    ],
)
def test_each_step_is_in_both_journals_without_a_name(session, world, lens, decision, action):
    transfer = offer(session, world, lens)
    if decision == "accept":
        accept(session, lens, transfer)
    elif decision == "refuse":
        refuse(session, lens, transfer)
    else:
        cancel(session, world, transfer)
    session.commit()

    for step in (AuditAction.TRANSFER_PROPOSED, action):
        recorded = events(session, step.value)
        assert {e.psad_id for e in recorded} == {world.psad.id, lens.psad.id}
        assert {e.object_id for e in recorded} == {world.minor.id}
        assert all(f"transfert={transfer.id}; de=LILLE; vers=LENS" in e.detail for e in recorded)
        assert not any("Lefèvre" in e.detail for e in recorded)


def test_the_case_closing_and_opening_are_in_their_own_psad_journals(session, world, lens):
    transfer = offer(session, world, lens)

    accept(session, lens, transfer)
    session.commit()

    closed = events(session, AuditAction.CASE_CLOSED.value)
    opened = events(session, AuditAction.CASE_OPENED.value)
    assert [(e.psad_id, e.user_id) for e in closed] == [(world.psad.id, lens.pilot.id)]
    assert [(e.psad_id, e.user_id) for e in opened] == [(lens.psad.id, lens.pilot.id)]

"""The merge of two files: everything of both is kept, the chosen values taken, one open
case left, the merge remembered (the old address leads to the kept file) and audited; a
file changed meanwhile, or a rule missing for a table, and nothing is written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, UniqueConstraint, func, select

from psad.audit.actions import AuditAction
from psad.db import Base
from psad.duplicates import queries, services
from psad.duplicates.models import DuplicateDismissal, YouthMerge
from psad.errors import DomainError
from psad.followup import liststate
from psad.followup import services as followup
from psad.followup.models import (
    CaseEvent,
    CaseEventKind,
    Contact,
    DarfiRequest,
    Note,
    NoteKind,
    ObligationStep,
    ObligationStepRecord,
    Task,
)
from psad.imports.models import Listing
from psad.youth.models import Case, CaseStatus, Guardian, Youth
from tests.duplicates.conftest import born_with, dismiss, edit, merge, pairs, refreshed
from tests.followup.helpers import add_task, close, reach
from tests.followup.test_darfi import request_darfi
from tests.followup.test_editing import stored_youth
from tests.followup.test_obligation import record_step
from tests.followup.test_worklists_priorities import siei_list
from tests.helpers import count, events
from tests.transfers.conftest import offer

MARCH = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
JUNE = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def of_youth(session, model, youth_id: int) -> int:  # type: ignore[no-untyped-def]
    """How many rows of ``model`` (a fact of a case) hang on the youth's cases."""
    session.expire_all()
    query = select(func.count()).select_from(model).join(Case, Case.id == model.case_id)
    return session.scalar(query.where(Case.youth_id == youth_id)) or 0


@pytest.fixture
def histories(session, world, double):  # type: ignore[no-untyped-def]
    """Both files with a history: contacts, notes, tasks, a DARFI request, an obligation
    step, lists (one listing both), legal guardians (one the same in both)."""
    other = double.cases[0]
    for case in (world.minor_case, other):
        reach(session, world, case, reached=False)
        followup.add_note(
            session,
            case=case,
            kind=NoteKind.NOTE,
            body="Appel sans réponse.",
            by=world.pilot,
            actor=world.actor(world.pilot),
        )
        add_task(session, world, case=case, title=f"Relancer ({case.id})")
    request_darfi(session, world, case=other)
    record_step(session, world, ObligationStep.INTERVIEW, done_on=date(2026, 11, 20))
    siei_list(session, world, [world.minor, double], MARCH)
    siei_list(session, world, [double], JUNE)
    mother = {"last_name": "Lefèvre", "first_name": "Sophie", "phone": "+33353010101"}
    world.minor.guardians.append(Guardian(**mother))
    double.guardians += [Guardian(**mother), Guardian(last_name="Lefebvre", first_name="Marc")]
    session.commit()
    return world


def test_the_kept_file_holds_everything_of_both(session, histories, world, double):
    facts = {
        model: of_youth(session, model, world.minor.id) + of_youth(session, model, double.id)
        for model in (Contact, Note, Task, DarfiRequest, ObligationStepRecord, CaseEvent)
    }
    case_ids = {world.minor_case.id, double.cases[0].id}

    merge(session, world, kept=world.minor, merged=double)

    kept = stored_youth(session, world.minor.id)
    assert {case.id for case in kept.cases} == case_ids
    for model, number in facts.items():
        added = 2 if model is CaseEvent else 0  # the closing and the merge, told
        assert of_youth(session, model, kept.id) == number + added, model
    assert count(session, Listing, Listing.youth_id == kept.id) == 2  # March (once), June
    assert sorted(g.display_name for g in kept.guardians) == ["Marc LEFEBVRE", "Sophie LEFÈVRE"]
    assert session.get(Youth, double.id) is None
    assert kept.last_row_hash is not None


def test_the_kept_youth_takes_the_values_chosen(session, world, double):
    version = world.minor.version

    merge(session, world, world.minor, double, from_merged={"last_name", "ine", "phone"})

    kept = stored_youth(session, world.minor.id)
    assert (kept.last_name, kept.first_name, kept.ine, kept.phone, kept.commune) == (
        "LEFEBVRE",
        "Éloïse",
        "0494004062M",
        "+33353010042",
        None,
    )
    assert kept.identity_key == "lefebvre|eloise|2009-03-14"
    assert kept.search_key == "lefebvre eloise"
    assert kept.version > version


def test_the_second_file_can_be_the_one_kept(session, world, double):
    merge(session, world, kept=double, merged=world.minor, from_merged={"first_name"})

    kept = stored_youth(session, double.id)
    assert (kept.last_name, kept.first_name, kept.ine) == ("LEFEBVRE", "Éloïse", "0494004062M")
    assert session.get(Youth, world.minor.id) is None


def test_with_two_open_cases_the_older_stays_open_and_the_newer_closes(session, world, double):
    older, newer = world.minor_case, double.cases[0]
    task = add_task(session, world, case=newer, title="Appeler le lycée")
    session.commit()

    merge(session, world, kept=double, merged=world.minor)

    kept = stored_youth(session, double.id)
    states = {case.id: (case.status, case.closing_reason) for case in kept.cases}
    assert states[older.id] == (CaseStatus.OPEN, None)
    assert states[newer.id][0] is CaseStatus.CLOSED
    assert states[newer.id][1] is not None and states[newer.id][1].code == "merged"
    assert session.get(Task, task.id).case_id == older.id  # still to do, on the open one
    [closing] = session.scalars(
        select(CaseEvent).where(
            CaseEvent.case_id == newer.id, CaseEvent.kind == CaseEventKind.CLOSED
        )
    )
    assert closing.after == "Doublon fusionné"
    assert str(older.id) in (closing.reason or "")
    assert [e.detail for e in events(session, AuditAction.CASE_CLOSED.value)] == [
        f"motif=merged; dossier={newer.id}"
    ]


def test_with_one_open_case_no_case_is_closed(session, world, double):
    close(session, world, double.cases[0], "refused")
    session.commit()

    merge(session, world, kept=world.minor, merged=double)

    kept = stored_youth(session, world.minor.id)
    assert sorted(case.status for case in kept.cases) == [CaseStatus.CLOSED, CaseStatus.OPEN]
    assert events(session, AuditAction.CASE_CLOSED.value)[-1].detail == "motif=refused"


def test_the_list_copy_of_the_kept_youth_follows(session, histories, world, double):
    merge(session, world, kept=world.minor, merged=double)

    assert liststate.stale(session) == []


def test_a_list_that_listed_both_keeps_one_row_and_the_row_as_read(session, world, double):
    batch = siei_list(session, world, [world.minor, double], MARCH)
    again = siei_list(session, world, [double], JUNE)
    read = session.scalar(
        select(Listing).where(Listing.batch_id == batch.id, Listing.youth_id == double.id)
    )
    read.row_json = '["LEFEBVRE", "Eloise"]'
    session.scalar(
        select(Listing).where(Listing.batch_id == again.id)
    ).row_json = None  # the same row as before: stored once
    session.commit()

    done = merge(session, world, kept=world.minor, merged=double)

    rows = session.scalars(select(Listing).where(Listing.youth_id == world.minor.id)).all()
    assert sorted((r.batch_id, r.line) for r in rows) == [(batch.id, 2), (again.id, 2)]
    assert {r.batch_id: r.row_json for r in rows}[again.id] == '["LEFEBVRE", "Eloise"]'
    assert done.detail["folded_listings"] == [{"batch_id": batch.id, "line": 3}]


def test_not_a_duplicate_said_of_the_merged_away_youth_holds_for_the_kept_one(
    session, world, double
):
    hugo = world.adult
    for other in (hugo, world.minor):
        dismiss(session, world, double, other)

    merge(session, world, kept=world.minor, merged=double)

    said = session.scalars(select(DuplicateDismissal)).all()
    assert [(d.low_youth_id, d.high_youth_id) for d in said] == [(world.minor.id, hugo.id)]


def test_the_old_address_leads_to_the_kept_file_through_merges_of_merges(session, world, double):
    third = born_with(session, world, "Lefèvre", "Eloise")
    session.commit()
    a, b, c = double.id, world.minor.id, third.id

    merge(session, world, kept=world.minor, merged=double)  # a → b
    merge(session, world, kept=third, merged=stored_youth(session, b))  # b → c

    assert queries.merged_into(session, a) == c
    assert queries.merged_into(session, b) == c
    assert queries.merged_into(session, c) is None
    assert queries.merged_into(session, 999_999) is None


def test_merged_into_ignores_an_id_given_again_to_a_new_youth(session, world, double):
    merge(session, world, kept=world.minor, merged=double)
    session.add(YouthMerge(merged_id=world.adult.id, kept_id=world.minor.id, psad_id=world.psad.id))
    session.commit()

    assert queries.merged_into(session, world.adult.id) is None


def test_a_file_changed_meanwhile_is_not_merged(session, world, double):
    seen = (world.minor.version, double.version)
    edit(session, world, double, commune="Lille")

    with pytest.raises(services.MergeVersionError) as refused:
        merge(session, world, world.minor, double, versions=seen)

    session.rollback()
    assert "rien n'a été fusionné" in refused.value.message
    assert stored_youth(session, double.id).commune == "Lille"
    assert count(session, YouthMerge) == 0


def test_the_merge_is_audited_on_both_ids_without_personal_values(session, world, double):
    merge(session, world, world.minor, double, from_merged={"last_name", "phone"})

    merged = events(session, AuditAction.YOUTH_MERGED.value)
    assert sorted(e.object_id for e in merged) == sorted([world.minor.id, double.id])
    detail = merged[0].detail or ""
    assert detail == (
        f"conservé={world.minor.id}; fusionné={double.id}; champs repris=nom, téléphone"
    )
    assert "LEFEBVRE" not in detail and "+333" not in detail


def test_the_pairs_of_the_merged_files_are_found_again(session, world, double):
    refreshed(session, world)
    third = born_with(session, world, "Lefebvre", "Eloise")
    session.commit()
    refreshed(session, world)

    merge(session, world, world.minor, double)
    refreshed(session, world)

    assert set(pairs(session)) == {(world.minor.id, third.id)}


# --- tables that refer to a youth ---------------------------------------------------------


def with_table(*columns: Column, constraint=None) -> tuple[MetaData, Table]:  # type: ignore[no-untyped-def]
    """The models' metadata and a table of tomorrow (« orientations ») that refers to youth."""
    metadata = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    extra = [constraint] if constraint is not None else []
    table = Table(
        "orientation_trials", metadata, Column("id", Integer, primary_key=True), *columns, *extra
    )
    return metadata, table


def test_every_table_that_refers_to_a_youth_has_a_rule_for_the_merge():
    """A new table whose reference to a youth a plain UPDATE may break (a unique constraint
    with other columns) must get its rule in psad/duplicates/services/references.py
    (PREPARED, OWN_RULE, DERIVED) before the merge can run."""
    assert services.unhandled_references(Base.metadata) == []


def test_a_table_of_tomorrow_is_moved_by_the_merge(session, world, double):
    metadata, table = with_table(Column("youth_id", ForeignKey("youths.id")))
    table.create(session.connection())
    session.execute(table.insert().values(id=1, youth_id=double.id))
    session.commit()

    merge(session, world, world.minor, double, metadata=metadata)

    assert session.execute(select(table.c.youth_id)).scalars().all() == [world.minor.id]


def test_a_table_of_tomorrow_without_a_rule_stops_the_merge(session, world, double):
    metadata, _ = with_table(
        Column("youth_id", ForeignKey("youths.id")),
        Column("batch_id", Integer),
        constraint=UniqueConstraint("batch_id", "youth_id"),
    )

    assert services.unhandled_references(metadata) == ["orientation_trials.youth_id"]
    with pytest.raises(services.UnhandledReferenceError):
        merge(session, world, world.minor, double, metadata=metadata)
    session.rollback()
    assert stored_youth(session, double.id).last_name == "LEFEBVRE"  # still there


def test_two_pending_transfers_stop_the_merge(session, world, lens, double):
    offer(session, world, lens, youth=world.minor)
    offer(session, world, lens, youth=double)

    with pytest.raises(DomainError, match="chacun un transfert en attente"):
        merge(session, world, world.minor, double)
    session.rollback()
    assert stored_youth(session, double.id).last_name == "LEFEBVRE"  # still there


def test_a_pending_transfer_follows_the_kept_youth(session, world, lens, double):
    transfer = offer(session, world, lens, youth=double)
    session.commit()

    merge(session, world, world.minor, double)

    session.expire_all()
    assert transfer.youth_id == world.minor.id


def _on_agenda(session, world, *youth):  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from psad.committees.models import AgendaItem, Committee

    committee = Committee(psad=world.psad, starts_at=datetime(2026, 12, 8, 13, tzinfo=UTC))
    committee.items = [
        AgendaItem(youth_id=one.id, position=n, reasons="added") for n, one in enumerate(youth, 1)
    ]
    session.add(committee)
    session.flush()
    return committee


def test_both_youth_on_one_comite_agenda_stop_the_merge(session, world, double):
    _on_agenda(session, world, world.minor, double)

    with pytest.raises(DomainError, match="à l'ordre du jour du même comité"):
        merge(session, world, world.minor, double)
    session.rollback()
    assert stored_youth(session, double.id).last_name == "LEFEBVRE"  # still there


def test_an_agenda_line_follows_the_kept_youth(session, world, double):
    committee = _on_agenda(session, world, double)
    session.commit()

    merge(session, world, world.minor, double)

    session.expire_all()
    assert [item.youth_id for item in committee.items] == [world.minor.id]

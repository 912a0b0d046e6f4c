"""An import that meets a youth followed by another PSAD reports a conflict with a link: the
importing pilote asks that PSAD for the youth (a request), which accepts or refuses it in its
« Transferts à accepter ». The importing side only ever sees its own list's row."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.imports.checking import Problem, ProblemLevel
from psad.imports.models import ImportBatch, ImportOrigin, ListSource
from psad.imports.results import Conflict
from psad.transfers.models import Transfer, TransferDirection, TransferState
from psad.youth.models import CaseSource, Youth
from tests.factories import make_youth
from tests.followup.conftest import World
from tests.helpers import events, field_error, text
from tests.imports.test_services import do_import, listing, row
from tests.transfers.conftest import Lens
from tests.transfers.test_views import file_part

MESSAGE = "Jeune déjà suivi par la PSAD LENS (PSAD de Lens) : non importé"


@pytest.fixture
def durand(session, lens: Lens) -> Youth:
    """« Durand Léo », followed by LENS; committed."""
    youth = make_youth(
        session,
        lens.psad,
        last_name="Durand",
        first_name="Léo",
        birth_date=date(2008, 5, 1),
        postal_code="62300",
        commune="Lens",
    )
    session.commit()
    return youth


@pytest.fixture
def batch(session, world: World, lens: Lens, durand: Youth) -> ImportBatch:
    """LILLE's list « SIEI mars 2026 », whose line 4 met Durand Léo: its report as the import
    stores it (the problem, and the conflict with its row's identity); committed."""
    problem = Problem(4, ProblemLevel.CONFLICT, MESSAGE)
    conflict = Conflict(
        line=4,
        youth_id=durand.id,
        psad_id=lens.psad.id,
        last_name="DURAND",
        first_name="Léo",
        birth_date=date(2008, 5, 1),
    )
    report = {"problems": [problem.as_dict()], "conflicts": [conflict.as_dict()]}
    batch = ImportBatch(
        psad_id=world.psad.id,
        label="SIEI mars 2026",
        source=ListSource.SIEI,
        origin=ImportOrigin.WEB,
        file_name="liste.xlsx",
        file_hash="0" * 64,
        file_size=1000,
        imported_by_id=world.pilot.id,
        conflicts=1,
        report_json=json.dumps(report),
    )
    session.add(batch)
    session.commit()
    return batch


def request_url(batch: ImportBatch, line: int = 4) -> str:
    return f"/listes/{batch.id}/lignes/{line}/transfert"


def ask(client, batch: ImportBatch, comment: str = "Le jeune habite Lille depuis janvier."):  # type: ignore[no-untyped-def]
    return client.submit(request_url(batch), {"comment": comment})


def the_transfer(session) -> Transfer:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalars(select(Transfer)).one()


# --- the link and the request ---------------------------------------------------------------


def test_the_conflict_of_the_report_links_to_a_request(pilot_client, batch):
    page = text(pilot_client.get(f"/listes/{batch.id}"))

    assert MESSAGE in page
    assert f'href="{request_url(batch)}"' in page
    assert "Demander le transfert" in page


def test_the_request_page_shows_the_row_not_the_file(pilot_client, batch):
    page = text(pilot_client.get(request_url(batch)))

    assert "Ligne 4 de la liste « SIEI mars 2026 » : DURAND Léo, né(e) le 01/05/2008." in page
    assert "suivi par la PSAD LENS (PSAD de Lens)" in page
    assert "62300" not in page


def test_a_request_is_made_with_a_comment(pilot_client, session, world, lens, batch, durand):
    empty = ask(pilot_client, batch, comment=" ")
    assert empty.status_code == 422
    assert field_error(empty, "comment") == "Dites pourquoi ce jeune doit changer de PSAD."

    response = ask(pilot_client, batch)

    assert response.headers["Location"] == "/transferts"
    transfer = the_transfer(session)
    assert (transfer.direction, transfer.state) == (
        TransferDirection.REQUEST,
        TransferState.PROPOSED,
    )
    assert (transfer.from_psad_id, transfer.to_psad_id) == (lens.psad.id, world.psad.id)
    assert (transfer.youth_id, transfer.batch_id, transfer.line) == (durand.id, batch.id, 4)
    assert transfer.subject_name == "DURAND Léo"
    recorded = events(session, AuditAction.TRANSFER_PROPOSED.value)
    assert {e.psad_id for e in recorded} == {world.psad.id, lens.psad.id}


def test_the_requesting_side_follows_its_request_with_its_row_only(pilot_client, batch):
    ask(pilot_client, batch)

    page = text(pilot_client.get("/transferts"))

    assert "Demandé à la PSAD LENS (PSAD de Lens)" in page
    assert "DURAND Léo" in page and "01/05/2008" in page
    assert "62300" not in page
    assert "Aucun transfert en attente de votre décision." in page


def test_the_holding_side_decides_and_sees_where_it_comes_from(
    pilot_client, session, lens, batch, durand
):
    ask(pilot_client, batch)
    client = pilot_client
    client.sign_in(lens.pilot)

    listed = text(client.get("/transferts"))
    assert "1 transfert en attente de votre décision." in listed
    assert "Demandé par la PSAD LILLE (PSAD de Lille) : le jeune lui serait confié" in listed
    assert "(liste « SIEI mars 2026 », ligne 4)" in listed
    assert "62300 Lens" in listed
    decision = text(client.get(f"/transferts/{the_transfer(session).id}"))
    assert "Identité dans leur liste" in decision
    assert "vous n'aurez plus accès à sa fiche" in decision


def test_the_holding_file_says_a_request_waits(app, pilot_client, session, lens, batch, durand):
    ask(pilot_client, batch)

    part = file_part(app, lens.pilot, durand)

    assert "La PSAD LILLE (PSAD de Lille) demande le transfert de ce jeune" in part
    assert "Examiner la demande" in part
    assert "Annuler le transfert" not in part


def test_an_accepted_request_gives_the_youth_to_the_importing_psad(
    pilot_client, session, world, lens, batch, durand
):
    ask(pilot_client, batch)
    client = pilot_client
    client.sign_in(lens.pilot)

    response = client.submit(f"/transferts/{the_transfer(session).id}/accepter")

    assert response.headers["Location"] == "/transferts"
    assert "Transfert accepté : DURAND Léo est confié à l'autre PSAD." in text(
        client.get("/transferts")
    )
    youth = session.get(Youth, durand.id)
    assert youth.psad_id == world.psad.id
    case = youth.open_case
    assert case is not None
    assert (case.psad_id, case.source, case.source_batch_id) == (
        world.psad.id,
        CaseSource.LISTING,
        batch.id,
    )
    assert case.opened_by_id == world.pilot.id  # who asked, in the PSAD that receives
    assert client.get(f"/jeunes/{durand.id}").status_code == 404
    client.sign_in(world.pilot)
    assert client.get(f"/jeunes/{durand.id}").status_code == 200


def test_the_requesting_side_may_withdraw(pilot_client, session, batch):
    ask(pilot_client, batch)
    transfer = the_transfer(session)

    response = pilot_client.submit(f"/transferts/{transfer.id}/annuler")

    assert response.headers["Location"] == "/transferts"
    assert the_transfer(session).state is TransferState.CANCELLED


def test_a_second_request_while_one_waits_says_so_without_details(pilot_client, session, batch):
    ask(pilot_client, batch)

    response = ask(pilot_client, batch)

    assert response.status_code == 409
    page = text(response)
    assert "Un transfert de ce jeune est déjà en attente auprès de la PSAD qui le suit" in page
    assert "Une demande a déjà été faite depuis cette ligne" in page


def test_a_youth_now_in_the_importing_psad_needs_no_request(
    pilot_client, session, world, batch, durand
):
    durand.psad_id = world.psad.id
    session.commit()

    response = ask(pilot_client, batch)

    assert response.status_code == 409
    assert "Ce jeune est déjà suivi par votre PSAD." in text(response)


@pytest.mark.parametrize("where", ["other line", "other psad"])
def test_only_a_conflict_of_ones_own_list_may_be_requested(
    client, session, world, lens, batch, where
):
    if where == "other psad":
        client.sign_in(lens.pilot)
        url = request_url(batch)
    else:
        client.sign_in(world.pilot)
        url = request_url(batch, line=5)

    assert client.get(url).status_code == 404


def test_partners_cannot_request(client, world, batch):
    client.sign_in(world.partner)

    assert client.get(request_url(batch)).status_code == 403


# --- from a real import ---------------------------------------------------------------------


def test_a_real_import_keeps_the_conflict_and_its_link(
    pilot_client, session, tmp_path, world, lens
):
    theirs = make_youth(
        session, lens.psad, ine="0494004062M", last_name="Lefèvre", postal_code="62300"
    )
    session.commit()

    outcome = do_import(session, world.psad, listing(tmp_path, row()))
    session.commit()

    assert outcome.result.conflicts == 1
    batch = outcome.result.batch
    assert batch is not None
    stored = Conflict.all_in(batch.report)
    assert [(c.line, c.youth_id, c.psad_id) for c in stored.values()] == [
        (4, theirs.id, lens.psad.id)
    ]
    assert (stored[4].last_name, stored[4].birth_date) == ("Lefèvre", date(2008, 3, 14))
    page = text(pilot_client.get(f"/listes/{batch.id}"))
    assert "Jeune déjà suivi par la PSAD LENS (PSAD de Lens)" in page
    assert f'href="{request_url(batch)}"' in page
    assert "62300" not in page

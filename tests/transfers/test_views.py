"""The transfer pages: proposing from the file, « Transferts à accepter », deciding, what
each side sees and may do, and the sender losing the youth."""

from __future__ import annotations

import pytest
from flask import render_template, render_template_string
from flask_login import login_user
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.auth.models import Role, User
from psad.extensions import db
from psad.orientations.models import Orientation, OrientationStatus, Programme
from psad.orientations.seeds import ensure_catalogue
from psad.transfers.models import Transfer, TransferState
from psad.youth.models import Youth
from tests.factories import make_psad, make_user
from tests.followup.conftest import World
from tests.helpers import count, events, field_error, text
from tests.orientations.conftest import make_orientation
from tests.transfers.conftest import offer


def propose_url(world: World) -> str:
    return f"/jeunes/{world.minor.id}/transfert"


def propose(client, world, lens, **values):  # type: ignore[no-untyped-def]
    form = {"to_psad_id": str(lens.psad.id), "comment": "Déménagement à Lens.", **values}
    return client.submit(propose_url(world), form)


def stored(session, transfer: Transfer) -> Transfer:  # type: ignore[no-untyped-def]
    session.expire_all()
    found = session.get(Transfer, transfer.id)
    assert found is not None
    return found


# --- proposing ------------------------------------------------------------------------------


def test_the_form_offers_every_other_active_psad(pilot_client, session, world, lens):
    make_psad(session, code="ARRAS", name="PSAD d'Arras", active=False)
    session.commit()

    page = text(pilot_client.get(propose_url(world)))

    assert "LENS (PSAD de Lens)" in page
    assert "ARRAS" not in page
    assert "LILLE (PSAD de Lille)" not in page
    assert "vous n'aurez plus accès à sa fiche" in page


def test_proposing_waits_for_the_receiving_psad(pilot_client, session, world, lens):
    response = propose(pilot_client, world, lens)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/jeunes/{world.minor.id}"
    page = text(pilot_client.get(response.headers["Location"]))
    assert "Transfert proposé à la PSAD LENS (PSAD de Lens) : il attend sa décision." in page
    transfer = session.scalars(select(Transfer)).one()
    assert (transfer.state, transfer.to_psad_id) == (TransferState.PROPOSED, lens.psad.id)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"comment": "  "}, "comment", "Dites pourquoi ce jeune doit changer de PSAD."),
        ({"comment": "x" * 1001}, "comment", "1000 caractères au plus."),
        ({"to_psad_id": "0"}, "to_psad_id", "Choisissez la PSAD qui suivra ce jeune."),
    ],
)
def test_a_bad_proposal_says_why_under_its_field(
    pilot_client, session, world, lens, values, field, message
):
    response = propose(pilot_client, world, lens, **values)

    assert response.status_code == 422
    assert field_error(response, field) == message
    assert count(session, Transfer) == 0


def test_a_second_proposal_while_one_waits_is_refused(pilot_client, session, world, lens):
    offer(session, world, lens)

    response = pilot_client.get(propose_url(world))

    assert response.status_code == 409
    assert "Un transfert de ce jeune est déjà en attente" in text(response)


@pytest.mark.parametrize(
    ("who", "status"),
    [("copilot", 200), ("partner", 403), ("reader", 403), ("lens_pilot", 404), ("admin", 403)],
)
def test_who_may_propose(client, session, world, lens, frozen_clock, who, status):
    users = {
        "copilot": world.copilot,
        "partner": world.partner,
        "reader": world.reader,
        "lens_pilot": lens.pilot,
        "admin": make_user(session, is_admin=True, email="admin@psad.example"),
    }
    session.commit()
    client.sign_in(users[who])

    assert client.get(propose_url(world)).status_code == status


# --- what the file shows (templates/transfers/_file_actions.html) -----------------------------


def file_part(app, user: User, youth: Youth) -> str:
    """The transfer part of ``youth``'s file as ``user`` sees it."""
    with app.test_request_context():
        login_user(db.session.get(User, user.id))
        return render_template(
            "transfers/_file_actions.html", youth=db.session.get(Youth, youth.id)
        )


def test_the_file_offers_a_transfer_to_its_managers_only(app, session, world, lens):
    assert "Proposer un transfert" in file_part(app, world.pilot, world.minor)
    assert "Proposer un transfert" in file_part(app, world.copilot, world.minor)
    assert "Proposer un transfert" not in file_part(app, world.partner, world.minor)


def test_the_file_tells_the_pending_transfer_and_lets_the_sender_cancel(app, session, world, lens):
    offer(session, world, lens)

    for_pilot = file_part(app, world.pilot, world.minor)
    for_partner = file_part(app, world.partner, world.minor)

    assert "Transfert proposé à la PSAD LENS (PSAD de Lens) le 07/12/2026 par Claire Martin" in (
        for_pilot
    )
    assert "Annuler le transfert" in for_pilot
    assert "Proposer un transfert" not in for_pilot
    assert "en attente de sa décision" in for_partner
    assert "Annuler le transfert" not in for_partner


def test_without_another_psad_there_is_no_transfer_to_propose(app, session, world):
    assert "Proposer un transfert" not in file_part(app, world.pilot, world.minor)


# --- « Transferts à accepter » ----------------------------------------------------------------


def test_the_receiving_pilote_sees_what_they_need_to_decide(client, session, world, lens):
    world.minor.postal_code, world.minor.commune = "59000", "Lille"
    session.commit()
    offer(session, world, lens)
    client.sign_in(lens.pilot)

    page = text(client.get("/transferts"))

    assert "1 transfert en attente de votre décision." in page
    assert "LEFÈVRE Éloïse" in page
    assert "14/03/2009" in page
    assert "59000 Lille" in page
    assert "Proposé par la PSAD LILLE (PSAD de Lille)" in page
    assert "Déménagement à Lens chez sa mère." in page
    assert "Claire Martin" in page
    assert "0494" not in page and "Lycée Baggio" not in page  # not the file


def test_the_sender_sees_its_transfer_waiting_and_may_cancel_it(pilot_client, session, world, lens):
    transfer = offer(session, world, lens)

    page = text(pilot_client.get("/transferts"))

    assert "Aucun transfert en attente de votre décision." in page
    assert "Proposé à la PSAD LENS (PSAD de Lens)" in page
    assert "En attente" in page
    response = pilot_client.submit(f"/transferts/{transfer.id}/annuler", {"back_to": "dossier"})
    assert response.headers["Location"] == f"/jeunes/{world.minor.id}"
    assert stored(session, transfer).state is TransferState.CANCELLED


def test_a_third_psad_sees_nothing_of_it(client, session, world, lens):
    transfer = offer(session, world, lens)
    arras = make_psad(session, code="ARRAS")
    outsider = make_user(session, psad=arras, role=Role.PILOT)
    session.commit()
    client.sign_in(outsider)

    assert "LEFÈVRE" not in text(client.get("/transferts"))
    assert client.get(f"/transferts/{transfer.id}").status_code == 404
    assert client.submit(f"/transferts/{transfer.id}/accepter").status_code == 404
    assert client.submit(f"/transferts/{transfer.id}/annuler").status_code == 404


@pytest.mark.parametrize("who", ["partner", "reader"])
def test_the_transfers_page_is_for_pilotes_and_copilotes(client, session, world, who):
    client.sign_in(getattr(world, who))

    response = client.get("/transferts")

    assert response.status_code == 403
    assert "Seuls le pilote et le co-pilote" in text(response)


def test_the_receiver_cannot_cancel_and_the_sender_cannot_decide(client, session, world, lens):
    transfer = offer(session, world, lens)
    client.sign_in(lens.pilot)

    response = client.submit(f"/transferts/{transfer.id}/annuler", follow_redirects=True)

    assert "Seule la PSAD LILLE (PSAD de Lille), qui l'a demandé, peut annuler" in text(response)
    client.sign_in(world.pilot)
    assert client.get(f"/transferts/{transfer.id}").status_code == 404
    assert client.submit(f"/transferts/{transfer.id}/accepter").status_code == 404
    assert stored(session, transfer).state is TransferState.PROPOSED


# --- deciding -------------------------------------------------------------------------------


def test_the_decision_page_is_traced_as_a_read(client, session, world, lens):
    transfer = offer(session, world, lens)
    client.sign_in(lens.pilot)

    page = text(client.get(f"/transferts/{transfer.id}"))

    assert "Transfert de LEFÈVRE Éloïse" in page
    assert "un dossier est ouvert dans votre PSAD" in page
    read = events(session, AuditAction.YOUTH_VIEWED.value)
    assert [(e.object_id, e.psad_id, e.detail) for e in read] == [
        (world.minor.id, lens.psad.id, f"transfert={transfer.id}")
    ]


def test_accepting_gives_the_file_to_the_receiver_and_takes_it_from_the_sender(
    client, session, world, lens, frozen_clock
):
    transfer = offer(session, world, lens)
    client.sign_in(lens.pilot)

    response = client.submit(f"/transferts/{transfer.id}/accepter")

    assert response.headers["Location"] == f"/jeunes/{world.minor.id}"
    page = text(client.get(response.headers["Location"]))
    assert "Transfert accepté : LEFÈVRE Éloïse est suivi par votre PSAD." in page
    assert "Transfert de la PSAD LILLE" in page  # the new case's origin, in the timeline
    assert "LEFÈVRE Éloïse" in text(client.get("/jeunes?onglet=tous&q=Lefevre"))
    for sender in (world.pilot, world.partner):
        client.sign_in(sender)
        refused = client.get(f"/jeunes/{world.minor.id}")
        assert refused.status_code == 404
        assert "n'existe pas" in text(refused)
        assert "LEFÈVRE" not in text(client.get("/jeunes?onglet=tous&q=Lefevre"))


def test_a_transfer_accepted_twice_says_so(client, session, world, lens, frozen_clock):
    transfer = offer(session, world, lens)
    client.sign_in(lens.pilot)
    client.submit(f"/transferts/{transfer.id}/accepter")
    client.sign_in(lens.copilot)

    response = client.submit(f"/transferts/{transfer.id}/accepter")

    assert response.status_code == 409
    assert "Ce transfert a déjà été accepté le 07/12/2026 : rien n'a été changé." in text(response)
    assert "Julie Roux" in text(response)  # who decided, in the page's state


def test_a_refusal_needs_its_reason_and_the_sender_reads_it(client, session, world, lens):
    transfer = offer(session, world, lens)
    client.sign_in(lens.pilot)

    empty = client.submit(f"/transferts/{transfer.id}/refuser", {"reason": " "})
    assert empty.status_code == 422
    assert field_error(empty, "reason") == "Dites pourquoi vous refusez ce transfert."
    done = client.submit(f"/transferts/{transfer.id}/refuser", {"reason": "Adresse hors Lens."})
    assert done.headers["Location"] == "/transferts"

    client.sign_in(world.pilot)
    page = text(client.get("/transferts"))
    assert "Refusé le" in page and "par Julie Roux : Adresse hors Lens." in page
    assert client.get(f"/jeunes/{world.minor.id}").status_code == 200  # still theirs


def test_the_header_counts_the_transfers_to_decide(app, session, world, lens):
    offer(session, world, lens)

    def counted(user: User) -> str:
        with app.test_request_context():
            login_user(db.session.get(User, user.id))
            return render_template_string("{{ transfers_to_decide() }}")

    assert (counted(lens.pilot), counted(world.pilot), counted(world.partner)) == ("1", "0", "0")


def test_accepting_cancels_the_orientations_left_waiting_in_the_sender(
    client, session, world, lens, frozen_clock
):
    ensure_catalogue(session)
    e2c = session.scalar(select(Programme).where(Programme.code == "E2C"))
    waiting = make_orientation(session, world.minor_case, e2c, status=OrientationStatus.ACCEPTED)
    started = make_orientation(session, world.minor_case, e2c, status=OrientationStatus.STARTED)
    session.commit()
    transfer = offer(session, world, lens)
    client.sign_in(lens.pilot)

    client.submit(f"/transferts/{transfer.id}/accepter")

    session.expire_all()
    cancelled = session.get(Orientation, waiting.id)
    assert cancelled.status is OrientationStatus.CANCELLED
    assert cancelled.reason == "Le jeune est transféré vers une autre PSAD."
    assert session.get(Orientation, started.id).status is OrientationStatus.STARTED

"""Saved views of the youth list: a name for the list's filter, per user and PSAD; saved,
replaced, refused under its field, deleted by their owner only, audited; and the toolbar's
links to them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.lists import services
from psad.lists.models import SavedListView
from tests.helpers import count, events, field_error, text


def save(client, name: str, liste: str = "onglet=clos&q=lef"):  # type: ignore[no-untyped-def]
    return client.submit("/jeunes/vues", {"name": name, "liste": liste})


def stored(session) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    session.expire_all()
    views = session.scalars(select(SavedListView).order_by(SavedListView.id))
    return [(view.user_id, view.name, view.query) for view in views]


def test_a_view_is_saved_and_the_list_shown_again(pilot_client, session, world):
    response = save(pilot_client, "  Clos   de Lefèvre ")

    assert response.status_code == 302
    assert response.headers["Location"] == "/jeunes?onglet=clos&q=lef"
    assert stored(session) == [(world.pilot.id, "Clos de Lefèvre", "onglet=clos&q=lef")]
    assert "Vue « Clos de Lefèvre » enregistrée." in text(
        pilot_client.get(response.headers["Location"])
    )


def test_saving_is_audited_without_the_search_text(pilot_client, session, world):
    save(pilot_client, "Clos")

    [event] = events(session, AuditAction.LIST_VIEW_SAVED)
    assert (event.user_id, event.psad_id, event.object_type) == (
        world.pilot.id,
        world.psad.id,
        "saved_list_view",
    )
    assert event.detail == "créée; filtre=onglet=clos&q=(recherche masquée)"


def test_the_filter_is_kept_as_the_list_reads_it(pilot_client, session, world):
    save(pilot_client, "Bizarre", liste="onglet=inconnu&q=+martin+&autre=1")

    [(_, _, query)] = stored(session)
    assert query == "onglet=a-traiter&q=martin"


def test_the_same_name_replaces_the_view(pilot_client, session, world):
    save(pilot_client, "Ma vue", liste="onglet=clos")

    response = save(pilot_client, "Ma vue", liste="onglet=en-cours")

    assert stored(session) == [(world.pilot.id, "Ma vue", "onglet=en-cours")]
    assert "Vue « Ma vue » remplacée." in text(pilot_client.get(response.headers["Location"]))


def test_two_users_may_use_the_same_name(client, session, world, frozen_clock):
    for user in (world.pilot, world.copilot):
        client.sign_in(user)
        save(client, "Ma vue")

    assert [row[:2] for row in stored(session)] == [
        (world.pilot.id, "Ma vue"),
        (world.copilot.id, "Ma vue"),
    ]


@pytest.mark.parametrize(
    ("name", "error"),
    [("   ", "Ce champ est obligatoire."), ("x" * 81, "plus de 80 caractères")],
)
def test_a_missing_or_too_long_name_is_refused_under_its_field(
    pilot_client, session, world, name, error
):
    response = save(pilot_client, name)

    assert response.status_code == 422
    assert error in field_error(response, "name")
    assert stored(session) == []


def test_past_the_maximum_number_of_views_a_new_one_is_refused(
    pilot_client, session, world, monkeypatch
):
    monkeypatch.setattr(services, "MAX_VIEWS", 1)
    save(pilot_client, "Première")

    response = save(pilot_client, "Seconde")

    assert response.status_code == 422
    assert "Vous avez déjà 1 vues enregistrées" in field_error(response, "name")
    assert save(pilot_client, "Première").status_code == 302  # replacing one still works


def test_without_its_csrf_token_nothing_is_saved(pilot_client, session, world):
    response = pilot_client.post("/jeunes/vues", data={"name": "Vue", "liste": "onglet=clos"})

    assert response.status_code == 400
    assert stored(session) == []


def test_a_reader_saves_no_view(client, session, world):
    client.sign_in(world.reader)

    assert save(client, "Vue").status_code == 403
    assert stored(session) == []


def test_the_owner_deletes_a_view_and_it_is_audited(pilot_client, session, world):
    save(pilot_client, "Ma vue")
    [view_id] = session.scalars(select(SavedListView.id)).all()

    response = pilot_client.submit(f"/jeunes/vues/{view_id}/suppression", {"liste": "onglet=clos"})

    assert response.headers["Location"] == "/jeunes?onglet=clos"
    assert "Vue « Ma vue » supprimée." in text(pilot_client.get(response.headers["Location"]))
    assert count(session, SavedListView) == 0
    deleted = [e for e in events(session, AuditAction.LIST_VIEW_SAVED) if e.detail == "supprimée"]
    assert [e.object_id for e in deleted] == [view_id]


def test_another_users_view_is_not_found_and_stays(client, session, world, frozen_clock):
    client.sign_in(world.copilot)
    save(client, "Sa vue")
    [view_id] = session.scalars(select(SavedListView.id)).all()
    client.sign_in(world.pilot)

    response = client.submit(f"/jeunes/vues/{view_id}/suppression", {"liste": ""})

    assert response.status_code == 404
    assert count(session, SavedListView) == 1


def test_the_list_offers_the_users_own_views(client, session, world, frozen_clock):
    client.sign_in(world.copilot)
    save(client, "Vue du co-pilote", liste="onglet=clos")
    client.sign_in(world.pilot)
    save(client, "Mes clos", liste="onglet=clos")

    page = text(client.get("/jeunes?onglet=clos"))

    assert '<a href="/jeunes?onglet=clos" aria-current="page" class="fw-bold">Mes clos</a>' in page
    assert "Vue du co-pilote" not in page
    assert 'Supprimer<span class="visually-hidden"> la vue « Mes clos »</span>' in page

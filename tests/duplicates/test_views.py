"""The pages: « Doublons probables », a pair side by side, « pas un doublon », the merge in
two steps; who may open them; a youth outside the viewer's scope answers 404."""

from __future__ import annotations

import html
import re

import pytest
from flask import render_template_string

from psad.access.viewer import Viewer
from psad.access.youth import youth_scope
from psad.audit.actions import AuditAction
from psad.duplicates import queries
from psad.duplicates.models import DuplicateDismissal, YouthMerge
from psad.duplicates.queries import merged_into
from psad.duplicates.services import STALE_MERGE
from psad.youth.models import Youth
from psad.youth.services import YOUTH_FIELDS
from tests.duplicates.conftest import born_with, edit, merge, refreshed
from tests.factories import make_youth
from tests.followup.helpers import sign_in_as
from tests.followup.test_editing import form_of, stored_youth
from tests.helpers import count, events, field_error, text


def pair_url(world, double, route: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/doublons/{world.minor.id}/{double.id}{route}"


PAGES = ["", "/fusion"]


@pytest.mark.parametrize("route", PAGES)
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("pilote", 200),
        ("co-pilote", 200),
        ("partenaire", 403),
        ("lecteur", 403),
        ("administrateur", 403),
    ],
)
def test_pilotes_and_co_pilotes_only(
    client, world, admin, double, frozen_clock, role, status, route
):
    sign_in_as(client, world, admin, role)

    for url in ("/doublons", pair_url(world, double, route)):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 403:
            assert "Seuls le pilote et le co-pilote" in text(response)


def test_anonymous_visitors_are_sent_to_log_in(client, world, double):
    response = client.get("/doublons")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_the_list_shows_each_pair_and_why(pilot_client, world, double):
    page = text(pilot_client.get("/doublons"))

    assert "1 paire à examiner." in page
    assert "LEFÈVRE Éloïse" in page and "LEFEBVRE Eloise" in page
    assert "Même prénom, noms à une lettre près, même date de naissance" in page
    assert f'href="{pair_url(world, double)}"' in page


def test_the_list_is_paginated(pilot_client, session, world, double, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 1)
    twin = born_with(session, world, "Hugo", "Martin", birth_date=world.adult.birth_date)
    session.commit()

    first, second = (text(pilot_client.get(f"/doublons?page={n}")) for n in (1, 2))

    assert "2 paires à examiner." in first and "Page 1 sur 2" in first
    assert twin.display_name in first and "LEFEBVRE Eloise" not in first
    assert "LEFEBVRE Eloise" in second and "Page 2 sur 2" in second


def test_the_pair_side_by_side_marks_the_fields_that_differ(pilot_client, session, world, double):
    response = pilot_client.get(pair_url(world, double))

    page = text(response)
    differs = r'(?: <span class="badge text-bg-warning">(Diffère)</span>)?'
    rows = dict(re.findall(rf'<th scope="row">([^<]+?){differs}</th>', page))
    assert rows["Nom"] == "Diffère"
    assert rows["INE"] == "Diffère"
    assert rows["Date de naissance"] == ""
    assert "Dossier de suivi n° " in page and "Prises de contact" in page
    assert sorted(e.object_id for e in events(session, AuditAction.YOUTH_VIEWED.value)) == sorted(
        [world.minor.id, double.id]
    )


def test_a_pair_given_the_other_way_round_is_shown_the_right_way(pilot_client, world, double):
    response = pilot_client.get(f"/doublons/{double.id}/{world.minor.id}")

    assert response.status_code == 302
    assert response.headers["Location"] == pair_url(world, double)


@pytest.mark.parametrize("route", PAGES)
def test_a_youth_of_another_psad_answers_404(pilot_client, session, world, lens, route):
    elsewhere = make_youth(session, lens.psad, last_name="Lefèvre", first_name="Éloïse")
    session.commit()

    response = pilot_client.get(f"/doublons/{world.minor.id}/{elsewhere.id}{route}")

    assert response.status_code == 404
    refused = events(session, AuditAction.YOUTH_ACCESS_REFUSED.value)
    assert [e.object_id for e in refused] == [elsewhere.id]


def test_a_youth_of_another_psad_cannot_be_merged_nor_dismissed(pilot_client, session, world, lens):
    elsewhere = make_youth(session, lens.psad, last_name="Lefèvre", first_name="Éloïse")
    session.commit()
    url = f"/doublons/{world.minor.id}/{elsewhere.id}"

    assert pilot_client.submit(f"{url}/pas-un-doublon").status_code == 404
    assert pilot_client.submit(f"{url}/fusion", {"kept": str(elsewhere.id)}).status_code == 404
    assert count(session, DuplicateDismissal) == 0
    assert stored_youth(session, elsewhere.id).psad_id == lens.psad.id


def test_a_youth_is_not_its_own_duplicate(pilot_client, world):
    assert pilot_client.get(f"/doublons/{world.minor.id}/{world.minor.id}").status_code == 404


def test_not_a_duplicate_removes_the_pair_for_good(pilot_client, session, world, double):
    response = pilot_client.submit(pair_url(world, double, "/pas-un-doublon"))

    assert response.status_code == 302
    page = text(pilot_client.get(response.headers["Location"]))
    assert "ne seront plus proposés comme doublons" in page
    assert "0 paire à examiner." in page
    assert count(session, DuplicateDismissal) == 1
    dismissed = events(session, AuditAction.DUPLICATE_DISMISSED.value)
    assert sorted(e.object_id for e in dismissed) == sorted([world.minor.id, double.id])
    assert "Pas un doublon" in text(pilot_client.get(pair_url(world, double)))


def test_the_merge_is_chosen_then_confirmed(pilot_client, session, world, double):
    double_id = double.id
    chosen = form_of(pilot_client.get(pair_url(world, double, "/fusion")))
    assert chosen["kept"] == str(world.minor.id)
    assert chosen["valeur_ine"] == str(double.id)  # Éloïse's file has no INE: the other's
    chosen["valeur_last_name"] = str(double.id)

    check = pilot_client.post(pair_url(world, double, "/fusion"), data={**chosen, "check": "1"})

    page = text(check)
    assert check.status_code == 200
    assert "Confirmer la fusion" in page
    assert "Les deux jeunes ont un dossier de suivi ouvert." in page
    assert f"le plus ancien (n° {world.minor_case.id}" in page
    assert "Doublon fusionné" in page
    assert count(session, YouthMerge) == 0  # nothing done before the confirmation

    done = pilot_client.post(
        pair_url(world, double, "/fusion"), data={**form_of(check), "confirm": "1"}
    )

    assert done.status_code == 302
    assert done.headers["Location"] == f"/jeunes/{world.minor.id}"
    kept = stored_youth(session, world.minor.id)
    assert (kept.last_name, kept.ine) == ("LEFEBVRE", "0494004062M")
    assert session.get(Youth, double_id) is None
    assert merged_into(session, double_id) == world.minor.id
    page = text(pilot_client.get(done.headers["Location"]))
    assert "Les deux dossiers sont fusionnés" in page


def test_the_choices_can_be_changed_before_confirming(pilot_client, world, double):
    chosen = form_of(pilot_client.get(pair_url(world, double, "/fusion")))
    check = pilot_client.post(pair_url(world, double, "/fusion"), data={**chosen, "check": "1"})

    back = pilot_client.post(
        pair_url(world, double, "/fusion"), data={**form_of(check), "change": "1"}
    )

    assert back.status_code == 200
    assert "Vérifier la fusion" in text(back)


def test_the_kept_file_must_be_chosen(pilot_client, world, double):
    chosen = form_of(pilot_client.get(pair_url(world, double, "/fusion")))
    del chosen["kept"]

    response = pilot_client.post(pair_url(world, double, "/fusion"), data={**chosen, "check": "1"})

    assert response.status_code == 422
    assert field_error(response, "kept") == "Choisissez le dossier à conserver."


def test_a_merge_prepared_on_an_older_version_is_refused(pilot_client, session, world, double):
    chosen = form_of(pilot_client.get(pair_url(world, double, "/fusion")))
    edit(session, world, double, commune="Lille")

    response = pilot_client.post(
        pair_url(world, double, "/fusion"), data={**chosen, "confirm": "1"}
    )

    assert response.status_code == 409
    assert STALE_MERGE in text(response)
    assert count(session, YouthMerge) == 0
    assert stored_youth(session, double.id).commune == "Lille"
    assert form_of(response)["second_version"] == str(stored_youth(session, double.id).version)


def test_the_file_hint_links_to_the_pair(app, session, world, double):
    refreshed(session, world)
    scope = youth_scope(Viewer.of(world.pilot, world.pilot.membership_in(world.psad.id)))

    with app.test_request_context():
        hint = render_template_string(
            '{% include "duplicates/_file_hint.html" %}',
            youth=double,
            duplicate_pairs=queries.pairs_of(session, scope, double.id),
        )
        nothing = render_template_string(
            '{% include "duplicates/_file_hint.html" %}', youth=double, duplicate_pairs=[]
        )

    assert "Doublon probable" in hint
    assert f'href="{pair_url(world, double)}"' in hint
    assert "LEFÈVRE Éloïse (dossier n° " in hint
    assert "même prénom, noms à une lettre près" in html.unescape(hint)
    assert nothing.strip() == ""


def test_after_a_merge_the_file_works_on_the_case_left_open(pilot_client, session, world, double):
    kept_id, older = world.minor.id, world.minor_case.id
    merge(session, world, world.minor, double)

    page = text(pilot_client.get(f"/jeunes/{kept_id}"))

    assert "Dossier ouvert depuis" in page
    assert pilot_client.get(f"/jeunes/{kept_id}/situation").status_code == 200
    assert stored_youth(session, kept_id).latest_case.id == older


def test_the_comparison_shows_every_field_of_the_file():
    shown = [name for _, names in queries.SECTIONS for name in names]

    assert sorted(shown) == sorted(YOUTH_FIELDS)

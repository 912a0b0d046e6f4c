"""The page « Conservation des données »: the PSAD's rule and what the next run will do; for
the pilote of the PSAD and the administrators only."""

from __future__ import annotations

from datetime import date

import pytest

from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.privacy.anonymise import anonymise
from tests.factories import make_psad, make_user
from tests.followup.conftest import NOW, World, frozen_clock, world
from tests.helpers import events, field_error, text
from tests.privacy.test_retention import former

__all__ = ["frozen_clock", "world"]


def url(psad: Psad) -> str:
    return f"/psad/{psad.id}/conservation"


@pytest.fixture
def due(session, world: World, frozen_clock):  # type: ignore[no-untyped-def]
    """On 07/12/2026 (the next run on 08/12): Zoé Lemaire, 36, case closed in 2022, to
    anonymise; Noa Carpentier, 27 since 01/12/2026, case open, to close."""
    zoe = former(
        session, world.psad, born=date(1990, 5, 1), closed=date(2022, 3, 1), name="Lemaire"
    )
    zoe.first_name = "Zoé"
    noa = former(session, world.psad, born=date(1999, 12, 1), open_case=True, name="Carpentier")
    noa.first_name = "Noa"
    session.commit()
    return world


@pytest.mark.parametrize(
    ("who", "status"), [("pilot", 200), ("copilot", 403), ("partner", 403), ("reader", 403)]
)
def test_only_the_pilote_of_the_psad_opens_the_page(client, due, who, status):
    client.sign_in(getattr(due, who))

    response = client.get(url(due.psad))

    assert response.status_code == status
    if status == 403:
        assert "réservée à son pilote et aux administrateurs" in text(response)


def test_an_administrator_opens_it_without_seeing_names(client, admin, due):
    client.sign_in(admin)

    page = text(client.get(url(due.psad)))

    assert "Conservation des données : PSAD de Lille" in page
    assert "Lemaire" not in page and "Carpentier" not in page
    assert "Dossier n°" in page


def test_an_administrator_who_is_pilote_elsewhere_sees_no_names_of_this_psad(client, session, due):
    from psad.auth.models import Role

    other = make_psad(session, code="DOUAI", name="PSAD de Douai")
    user = make_user(session, psad=other, role=Role.PILOT, is_admin=True)
    session.commit()
    client.sign_in(user, other)

    page = text(client.get(url(due.psad)))

    assert "Conservation des données : PSAD de Lille" in page
    assert "Lemaire" not in page and "Carpentier" not in page


def test_the_pilote_of_another_psad_finds_nothing(client, session, due):
    other = make_psad(session, code="DOUAI", name="PSAD de Douai")
    session.commit()
    client.sign_in(due.pilot)

    assert client.get(url(other)).status_code == 404


def test_the_page_lists_what_the_next_run_will_do(client, due):
    client.sign_in(due.pilot)

    page = text(client.get(url(due.psad)))

    assert "Prochain passage : mardi 8 décembre 2026 à 1 h 30" in page
    assert "1 dossier à clore pour limite d'âge, 1 jeune à anonymiser." in page
    assert "CARPENTIER Noa</a></td><td>1999</td><td>01/12/2026</td>" in page
    assert "LEMAIRE Zoé</a></td><td>1990</td><td>01/03/2022</td><td>01/03/2024</td>" in page
    assert "jusqu'à la plus tardive de deux dates : le jour de ses 27 ans, et 2 ans après" in page


def test_the_pilote_changes_the_rule(client, session, due):
    client.sign_in(due.pilot)

    response = client.submit(
        url(due.psad), {"retention_age": "30", "retention_years_after_close": "3"}
    )

    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Règle de conservation enregistrée." in page
    assert "le jour de ses 30 ans, et 3 ans après" in page
    [event] = events(session, AuditAction.RETENTION_SETTINGS_CHANGED.value)
    assert (event.user_id, event.detail) == (due.pilot.id, "âge=27→30; années_après_clôture=2→3")


@pytest.mark.parametrize(
    ("age", "years", "field", "message"),
    [
        ("24", "2", "retention_age", "Indiquez un âge entier entre 25 et 40 ans."),
        ("vingt", "2", "retention_age", "Indiquez un âge entier entre 25 et 40 ans."),
        (
            "27",
            "0",
            "retention_years_after_close",
            "Indiquez un nombre entier d'années entre 1 et 10.",
        ),
        (
            "27",
            "",
            "retention_years_after_close",
            "Indiquez un nombre entier d'années entre 1 et 10.",
        ),
    ],
)
def test_a_wrong_rule_is_refused_in_french_next_to_its_field(
    client, session, due, age, years, field, message
):
    client.sign_in(due.pilot)

    response = client.submit(
        url(due.psad), {"retention_age": age, "retention_years_after_close": years}
    )

    assert response.status_code == 422
    assert field_error(response, field) == message
    assert events(session, AuditAction.RETENTION_SETTINGS_CHANGED.value) == []


def test_an_administrator_changes_any_psad_s_rule(client, session, admin, due):
    client.sign_in(admin)

    response = client.submit(
        url(due.psad), {"retention_age": "27", "retention_years_after_close": "2"}
    )

    assert response.status_code == 302
    assert "Aucun changement : la règle était déjà celle-là." in text(client.get(url(due.psad)))


def test_an_anonymised_youth_s_file_still_opens(client, session, due):
    youth = former(session, due.psad, born=date(1980, 1, 1), closed=date(2020, 1, 1), name="Vidal")
    anonymise(session, youth_ids=[youth.id], now=NOW, actor=due.actor(due.pilot))
    session.commit()
    client.sign_in(due.pilot)

    response = client.get(f"/jeunes/{youth.id}")

    assert response.status_code == 200
    assert "ANONYMISÉ" in text(response) and "Vidal" not in text(response)


def test_a_pilote_of_two_psads_works_in_the_current_one(client, session, due):
    from psad.auth.models import Membership, Role

    other = make_psad(session, code="DOUAI", name="PSAD de Douai")
    user = make_user(session, psad=due.psad, role=Role.PILOT)
    user.memberships.append(Membership(psad=other, role=Role.COPILOT))
    session.commit()
    client.sign_in(user, other)

    assert client.get(url(due.psad)).status_code == 403  # co-pilote where they work now

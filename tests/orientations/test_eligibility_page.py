"""The page « Éligibilité détaillée » of a youth: why not, what is missing, the sites of the
eligible dispositifs with their places, the date asked (a wrong one under its field, one before
the youth's birth said in words), and its reading audited."""

from __future__ import annotations

from datetime import date

from psad.audit.actions import AuditAction
from psad.youth.models import CaseSource
from tests.helpers import events, field_error, text


def test_the_eligibility_page_explains_why_not(pilot_client, session, offer):
    response = pilot_client.get(f"/jeunes/{offer.world.minor.id}/dispositifs")

    assert response.status_code == 200
    page = text(response)
    sas = page[page.index('id="dispositif-sas_lnc"') :]
    sas = sas[: sas.index("</article>")]
    assert "Non éligible" in sas
    assert "Pourquoi" in sas and "17 ans au 07/12/2026" in sas
    assert "Âge au 07/12/2026" in page and "17 ans" in page


def test_the_eligibility_page_says_what_is_missing(pilot_client, session, offer):
    page = text(pilot_client.get(f"/jeunes/{offer.world.minor.id}/dispositifs"))

    micro = page[page.index('id="dispositif-micro_lycee"') :]
    micro = micro[: micro.index("</article>")]
    assert "Ce qui manque pour décider" in micro


def test_the_eligibility_page_shows_the_sites_of_eligible_dispositifs(pilot_client, session, offer):
    offer.world.adult.school_exit_date = date(2025, 6, 30)
    offer.world.adult_case.source = CaseSource.LISTING  # left without the qualification level
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{offer.world.adult.id}/dispositifs"))

    e2c = page[page.index('id="dispositif-e2c"') :]
    e2c = e2c[: e2c.index("</article>")]
    assert "E2C Lille Métropole (Roubaix)" in e2c and "2 places libres sur 2" in e2c
    site = offer.e2c_site
    assert (
        f"/jeunes/{offer.world.adult.id}/orientations/nouvelle?choix={offer.e2c.id}:{site.id}"
        in e2c
    )


def test_the_eligibility_page_is_asked_at_a_date(pilot_client, session, offer):
    page = text(pilot_client.get(f"/jeunes/{offer.world.minor.id}/dispositifs?date=15/03/2027"))

    assert "Âge au 15/03/2027" in page and "18 ans" in page


def test_a_bad_date_is_refused_under_its_field(pilot_client, session, offer):
    response = pilot_client.get(f"/jeunes/{offer.world.minor.id}/dispositifs?date=32/13/2026")

    assert response.status_code == 422
    assert field_error(response, "date") == "Date invalide : utilisez le format jj/mm/aaaa."


def test_reading_the_eligibility_is_audited(pilot_client, session, offer):
    pilot_client.get(f"/jeunes/{offer.world.minor.id}/dispositifs")

    [event] = events(session, AuditAction.ELIGIBILITY_VIEWED.value)
    assert (event.object_type, event.object_id) == ("youth", offer.world.minor.id)


def test_a_date_before_the_birth_is_said_in_words(pilot_client, session, offer):
    page = text(pilot_client.get(f"/jeunes/{offer.world.minor.id}/dispositifs?date=01/01/2000"))

    facts = page[page.index('id="faits-utilises"') :]
    assert "pas encore né(e) à cette date (naissance le 14/03/2009)" in facts


def test_an_empty_date_is_today(pilot_client, session, offer):
    response = pilot_client.get(f"/jeunes/{offer.world.minor.id}/dispositifs?date=")

    assert response.status_code == 200
    assert "Âge au 07/12/2026" in text(response)

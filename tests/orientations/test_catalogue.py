"""The catalogue: the dispositifs by family with their rules in words, each one's entry with its
sites and places; adding, editing, retiring and restoring entries and their rules
(administrators); who may do what. The sites are ``test_sites``."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.orientations import eligibility
from psad.orientations.catalogue import rule_text
from psad.orientations.facts import Facts
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeFamily,
    ProgrammeRule,
    RuleKind,
)
from tests.factories import make_user
from tests.helpers import count, events, field_error, text
from tests.orientations.conftest import TODAY, make_orientation

GOOD_UAI = "0593456L"  # its key checked (mod 23)
NEW_ENTRY = {
    "code": "tremplin 59",
    "name": "Tremplin métiers",
    "family": "remobilisation",
    "entry_mode": "rolling",
    "public": "Jeunes de 18 à 20 ans",
    "duration": "3 mois",
    "solution_id": "0",
}


def stored(session, model, record_id):  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.get(model, record_id)


# --- reading -------------------------------------------------------------------------------


def test_the_catalogue_lists_the_dispositifs_by_family_with_their_rules_in_words(
    client, world, offer, frozen_clock
):
    client.sign_in(world.reader)

    page = text(client.get("/dispositifs"))

    headings = re.findall(r'<h2 id="famille-[a-z]+" class="h4">([^<]+)</h2>', page)
    assert headings == [
        "Accompagnement",
        "Remobilisation",
        "Qualification",
        "Insertion",
        "Prévention",
    ]
    assert "Micro-lycée (structure de retour à l'école)" in page
    assert (
        "Hors de l'école depuis au moins 6 mois (dérogation sur avis favorable de l'IEN-IO)" in page
    )
    assert "À partir de 16 ans (15 ans avec l'accord de l'IA-DASEN)" in page
    assert (
        "1re générale ou technologique après au moins 1 trimestre ; "
        "1re professionnelle après au moins 2 trimestres" in page
    )
    assert "Ajouter un dispositif" not in page


def test_a_user_outside_any_psad_may_not_read_the_catalogue(client, session, offer):
    client.sign_in(make_user(session))

    assert client.get("/dispositifs").status_code == 403


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (
            ProgrammeRule(
                kind=RuleKind.AGE,
                min_value=16,
                max_value=25,
                waiver_value=15,
                waiver_label="l'accord de l'IA-DASEN",
            ),
            "De 16 à 25 ans (15 ans avec l'accord de l'IA-DASEN)",
        ),
        (ProgrammeRule(kind=RuleKind.AGE, max_value=29), "Jusqu'à 29 ans"),
        (ProgrammeRule(kind=RuleKind.SCHOOLING, values="left"), "Sorti de formation"),
        (
            ProgrammeRule(kind=RuleKind.SCHOOL_KIND, values="lycee,lp"),
            "Venant de : lycée général et technologique, lycée professionnel",
        ),
        (
            ProgrammeRule(
                kind=RuleKind.OUT_OF_SCHOOL,
                min_value=6,
                waiver_label="dérogation sur avis favorable de l'IEN-IO",
            ),
            "Hors de l'école depuis au moins 6 mois (dérogation sur avis favorable de l'IEN-IO)",
        ),
        (
            ProgrammeRule(kind=RuleKind.LAST_CLASS, values="1re_pro", min_value=2),
            "Dernière classe suivie : 1re professionnelle après au moins 2 trimestres",
        ),
        (ProgrammeRule(kind=RuleKind.DIPLOMA, values="without_bac"), "Sans le baccalauréat"),
        (ProgrammeRule(kind=RuleKind.SITUATION, values="no_solution"), "Situation : Sans solution"),
        (
            ProgrammeRule(kind=RuleKind.CHECK, label="autonome", exceptional=True),
            "À vérifier par le prescripteur : autonome (à titre exceptionnel)",
        ),
    ],
)
def test_each_kind_of_rule_reads_in_words(rule, words):
    assert rule_text(rule, {"no_solution": "Sans solution"}) == words


def test_the_entry_shows_its_rules_and_the_sites_of_the_psad_with_their_places(
    client, session, world, offer, frozen_clock
):
    make_orientation(
        session,
        world.adult_case,
        offer.micro_lycee,
        site=offer.micro_site,
        status=OrientationStatus.STARTED,
    )
    session.commit()
    client.sign_in(world.copilot)

    page = text(client.get(f"/dispositifs/{offer.micro_lycee.id}"))

    assert "CIO ou psychologue de l'Éducation nationale (Psy-EN)" in page
    assert "De 16 à 25 ans" in page
    assert "Lycée Baggio" in page
    assert "Places 2026-2027" in page
    assert "complet</span> (1 / 1)" in page
    assert "Martin" not in page.split("<main", 1)[1]
    assert "Ajouter une implantation" not in page


# --- editing the catalogue -----------------------------------------------------------------


def test_an_administrator_adds_a_dispositif_with_an_upper_cased_code(client, session, admin, offer):
    client.sign_in(admin)

    response = client.submit("/dispositifs/nouveau", NEW_ENTRY)

    assert response.status_code == 302
    added = session.scalars(select(Programme).where(Programme.code == "TREMPLIN59")).one()
    assert added.family is ProgrammeFamily.REMOBILISATION
    assert added.duration == "3 mois"
    assert [e.detail for e in events(session, AuditAction.PROGRAMME_CREATED.value)] == [
        "code=TREMPLIN59"
    ]


def test_a_duplicate_code_is_refused_under_the_field(client, session, admin, offer):
    client.sign_in(admin)

    response = client.submit("/dispositifs/nouveau", {**NEW_ENTRY, "code": "e2c"})

    assert response.status_code == 422
    assert (
        field_error(response, "code") == "Le code E2C est déjà celui d'un dispositif du catalogue."
    )
    assert count(session, Programme, Programme.code == "E2C") == 1


def test_an_administrator_edits_an_entry_but_not_its_code(client, session, admin, offer):
    client.sign_in(admin)

    response = client.submit(
        f"/dispositifs/{offer.e2c.id}/modifier",
        {**NEW_ENTRY, "code": "AUTRE_CODE", "name": "E2C Hauts-de-France", "family": "insertion"},
    )

    assert response.status_code == 302
    edited = stored(session, Programme, offer.e2c.id)
    assert (edited.code, edited.name, edited.public) == (
        "E2C",
        "E2C Hauts-de-France",
        NEW_ENTRY["public"],
    )
    assert [e.detail for e in events(session, AuditAction.PROGRAMME_UPDATED.value)] == [
        "code=E2C; fiche"
    ]


def test_a_pilote_may_not_edit_the_catalogue(pilot_client, offer):
    assert pilot_client.get("/dispositifs/nouveau").status_code == 403
    assert (
        pilot_client.submit(f"/dispositifs/{offer.e2c.id}/modifier", NEW_ENTRY).status_code == 403
    )
    assert pilot_client.submit(f"/dispositifs/{offer.e2c.id}/retirer").status_code == 403
    assert (
        pilot_client.submit(f"/dispositifs/{offer.e2c.id}/regles", {"kind": "age"}).status_code
        == 403
    )


def test_a_new_dispositif_gets_its_rules_read_by_the_same_evaluator(client, session, admin, offer):
    client.sign_in(admin)
    client.submit("/dispositifs/nouveau", NEW_ENTRY)
    added = session.scalars(select(Programme).where(Programme.code == "TREMPLIN59")).one()

    response = client.submit(
        f"/dispositifs/{added.id}/regles", {"kind": "age", "min_value": "18", "max_value": "20"}
    )

    assert response.status_code == 302
    assert "De 18 à 20 ans" in text(client.get(f"/dispositifs/{added.id}/regles"))
    added = stored(session, Programme, added.id)
    on = date(2026, 12, 7)
    nineteen = eligibility.evaluate(added, Facts(birth_date=date(2007, 5, 1)), on)
    seventeen = eligibility.evaluate(added, Facts(birth_date=date(2009, 5, 1)), on)
    assert nineteen.state is eligibility.State.ELIGIBLE
    assert seventeen.state is eligibility.State.NOT_ELIGIBLE
    assert seventeen.reasons == ["17 ans au 07/12/2026 : il faut avoir de 18 à 20 ans"]


def test_a_rule_naming_an_unknown_code_is_refused_with_the_code(client, session, admin, offer):
    client.sign_in(admin)

    response = client.submit(
        f"/dispositifs/{offer.e2c.id}/regles", {"kind": "last_class", "values": "1re_pro, 5eme"}
    )

    assert response.status_code == 422
    assert field_error(response, "values").startswith(
        "Code « 5eme » inconnu pour « Dernière classe suivie (une au choix) » ; "
        "codes permis : 6e, 5e"
    )
    assert len(stored(session, Programme, offer.e2c.id).rules) == 3


def test_a_situation_rule_takes_the_codes_of_the_situation_list(client, session, admin, offer):
    client.sign_in(admin)

    refused = client.submit(
        f"/dispositifs/{offer.e2c.id}/regles", {"kind": "situation", "values": "chomage"}
    )
    accepted = client.submit(
        f"/dispositifs/{offer.e2c.id}/regles",
        {"kind": "situation", "values": "no_solution,employed"},
    )

    assert refused.status_code == 422
    assert "Code « chomage » inconnu" in field_error(refused, "values")
    assert accepted.status_code == 302
    assert stored(session, Programme, offer.e2c.id).rules[-1].values == "no_solution,employed"


def test_an_age_rule_with_its_minimum_above_its_maximum_is_refused(client, admin, offer):
    client.sign_in(admin)

    response = client.submit(
        f"/dispositifs/{offer.e2c.id}/regles", {"kind": "age", "min_value": "21", "max_value": "18"}
    )

    assert response.status_code == 422
    assert field_error(response, "max_value") == "Le minimum (21) dépasse le maximum (18)."


def test_an_administrator_deletes_a_rule(client, session, admin, offer):
    client.sign_in(admin)
    rule = offer.e2c.rules[0]

    response = client.submit(f"/dispositifs/{offer.e2c.id}/regles/{rule.id}/supprimer")

    assert response.status_code == 302
    assert count(session, ProgrammeRule, ProgrammeRule.id == rule.id) == 0
    assert (
        events(session, AuditAction.PROGRAMME_UPDATED.value)[0].detail
        == "code=E2C; règle retirée : age"
    )


def test_a_retired_dispositif_stays_on_its_past_orientations(
    client, session, admin, world, offer, frozen_clock
):
    orientation = make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    session.commit()
    client.sign_in(admin)

    response = client.submit(f"/dispositifs/{offer.e2c.id}/retirer")

    assert response.status_code == 302
    assert stored(session, Programme, offer.e2c.id).retired_on == TODAY
    assert (
        stored(session, Orientation, orientation.id).programme.name
        == "École de la deuxième chance (E2C)"
    )
    page = text(client.get(f"/dispositifs/{offer.e2c.id}"))
    assert "École de la deuxième chance (E2C)" in page
    assert (
        "Retiré du catalogue le 07/12/2026 : il n'est plus proposé, "
        "mais reste sur les 1 orientation qui le nomment" in page
    )
    retired = text(client.get("/dispositifs")).split('id="retires"', 1)[1]
    assert "École de la deuxième chance (E2C)" in retired and "07/12/2026" in retired
    assert [e.detail for e in events(session, AuditAction.PROGRAMME_RETIRED.value)] == ["code=E2C"]


def test_a_retired_dispositif_can_be_restored(client, session, admin, offer, frozen_clock):
    client.sign_in(admin)
    client.submit(f"/dispositifs/{offer.e2c.id}/retirer")

    client.submit(f"/dispositifs/{offer.e2c.id}/retablir")

    assert stored(session, Programme, offer.e2c.id).retired_on is None

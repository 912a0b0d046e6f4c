"""The file at a glance: status and stage, situation, referent, age and the obligation de
formation, DARFI eligibility, days since the last contact, the next due item, previous and
closed cases. The summary with ``today`` passed in, then the page as the user sees it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from psad.followup import services
from psad.followup.models import DarfiSource, Diploma, Party, TaskRule
from psad.followup.page import summarize, training_obligation
from psad.reference.models import ReferenceKind
from psad.youth.models import Case, CaseSource, CaseStage, CaseStatus, KnownToPartner
from tests.factories import make_youth
from tests.followup.conftest import NOW, TODAY, reference
from tests.helpers import text


def call_youth(session, world, case, *, at, reached=False, user=None):
    """A phone call to the youth on ``case`` at ``at``, by ``user`` (the pilote by default)."""
    user = user or world.pilot
    return services.record_contact(
        session,
        case=case,
        data=services.ContactData(
            occurred_at=at,
            channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "phone"),
            reached=reached,
            party=Party.YOUTH,
        ),
        by=user,
        actor=world.actor(user),
        now=at,
    ).contact


def task(session, world, case, *, title, due_on):
    return services.add_task(
        session,
        case=case,
        title=title,
        due_on=due_on,
        user=world.pilot,
        structure=None,
        by=world.pilot,
        actor=world.actor(world.pilot),
    )


def summary_row(page: str, header: str) -> str:
    """The value of a row of the summary."""
    match = re.search(rf'<th scope="row">{re.escape(header)}</th><td>(.*?)</td>', page, re.S)
    assert match, f"no row {header}"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


# --- the summary, today passed in -----------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "applies", "said"),
    [
        (date(2009, 3, 14), True, "S'applique jusqu'au 14/03/2027 (18 ans)."),
        (date(2008, 12, 7), False, "Ne s'applique plus : 18 ans le 07/12/2026."),
        (date(2011, 1, 1), False, "Ne s'applique pas encore : moins de 16 ans."),
        (None, False, "Inconnue : date de naissance manquante."),
    ],
)
def test_the_obligation_de_formation_applies_from_16_to_the_18th_birthday(
    birth_date, applies, said
):
    assert training_obligation(birth_date, TODAY) == (applies, said)


def test_a_case_never_contacted_is_to_contact(session, world):
    summary = summarize(session, youth=world.minor, today=TODAY)

    assert (summary.stage, summary.days_since_contact, summary.age) == (
        CaseStage.TO_CONTACT,
        None,
        17,
    )


def test_days_since_the_last_contact_count_the_effective_one(session, world):
    last = call_youth(session, world, world.adult_case, at=NOW - timedelta(days=3))
    services.correct_contact(  # the correction says it was five days ago
        session,
        original=last,
        data=services.ContactData(
            occurred_at=NOW - timedelta(days=5),
            channel=last.channel,
            reached=True,
        ),
        by=world.pilot,
        may_correct_any=True,
        actor=world.actor(world.pilot),
        now=NOW,
    )

    summary = summarize(session, youth=world.adult, today=TODAY)

    assert (summary.days_since_contact, summary.failed_in_a_row) == (5, 0)


def test_the_next_due_item_is_the_earliest_open_task(session, world):
    task(session, world, world.adult_case, title="Appeler le lycée", due_on=TODAY + timedelta(5))
    task(session, world, world.adult_case, title="Relancer", due_on=TODAY - timedelta(days=2))

    due = summarize(session, youth=world.adult, today=TODAY).next_due

    assert due is not None
    assert (due.title, due.due_on, due.days_late) == ("Relancer", date(2026, 12, 5), 2)


def test_darfi_eligibility_is_that_of_the_latest_request(session, world):
    services.record_darfi_request(
        session,
        case=world.adult_case,
        requested_on=date(2026, 12, 1),
        source=DarfiSource.YOUTH,
        diploma=Diploma.DNB,
        wish=None,
        by=world.pilot,
        today=TODAY,
        actor=world.actor(world.pilot),
    )

    darfi = summarize(session, youth=world.adult, today=TODAY).darfi

    assert darfi is not None and darfi.requested_on == date(2026, 12, 1)
    assert darfi.verdict.sentence.startswith("Éligible : 20 ans")


def test_the_psads_number_of_failures_offers_unreachable(session, world):
    for days in (3, 2, 1):
        call_youth(session, world, world.adult_case, at=NOW - timedelta(days=days))

    summary = summarize(session, youth=world.adult, today=TODAY)

    assert (summary.failed_in_a_row, summary.offer_unreachable) == (3, True)


# --- the page -----------------------------------------------------------------------------


def test_the_summary_shows_status_stage_situation_and_referent(pilot_client, session, world):
    world.minor_case.situation = reference(session, ReferenceKind.SITUATION, "no_solution")
    world.minor_case.referent_user = world.copilot
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{world.minor.id}"))

    assert summary_row(page, "Statut") == "Ouvert"
    assert summary_row(page, "Étape") == "À contacter"
    assert summary_row(page, "Situation").startswith("Sans solution")
    assert summary_row(page, "Référent") == "Karim Benali"
    assert summary_row(page, "Structure référente") == "Lycée Baggio"


def test_the_summary_shows_age_and_the_obligation_de_formation(pilot_client, world):
    page = text(pilot_client.get(f"/jeunes/{world.minor.id}"))

    assert summary_row(page, "Âge") == "17 ans"
    assert (
        summary_row(page, "Obligation de formation") == "S'applique jusqu'au 14/03/2027 (18 ans)."
    )


def test_the_summary_shows_the_days_since_the_last_contact(pilot_client, session, world):
    call_youth(session, world, world.adult_case, at=NOW - timedelta(days=3))
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{world.adult.id}"))

    assert (
        summary_row(page, "Dernier contact") == "Il y a 3 jours · 1 tentative sans joindre personne"
    )


def test_a_youth_never_contacted_says_so(pilot_client, world):
    page = text(pilot_client.get(f"/jeunes/{world.adult.id}"))

    assert summary_row(page, "Dernier contact") == "Jamais contacté"
    assert summary_row(page, "DARFI") == "Aucune demande"


def test_an_overdue_item_says_by_how_many_days_in_words(pilot_client, session, world):
    task(session, world, world.adult_case, title="Relancer", due_on=date(2026, 12, 4))
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{world.adult.id}"))

    assert summary_row(page, "Prochaine échéance") == "Relancer, le 04/12/2026 en retard de 3 jours"
    assert '<strong class="text-danger">en retard de 3 jours</strong>' in page


def test_an_item_not_yet_due_is_not_late(pilot_client, session, world):
    task(session, world, world.adult_case, title="Relancer", due_on=date(2026, 12, 9))
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{world.adult.id}"))

    assert summary_row(page, "Prochaine échéance") == "Relancer, le 09/12/2026"


def test_a_call_back_is_a_due_item(pilot_client, session, world):
    services.record_contact(
        session,
        case=world.adult_case,
        data=services.ContactData(
            occurred_at=NOW,
            channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "sms"),
            reached=False,
        ),
        by=world.pilot,
        actor=world.actor(world.pilot),
        now=NOW,
        call_back_on=date(2026, 12, 14),
    )
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{world.adult.id}"))

    assert summary_row(page, "Prochaine échéance") == f"{TaskRule.CALL_BACK.label}, le 14/12/2026"


def test_after_the_psads_failures_the_summary_offers_to_close(pilot_client, session, world):
    for days in (3, 2, 1):
        call_youth(session, world, world.adult_case, at=NOW - timedelta(days=days))
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{world.adult.id}"))

    offer = page[page.index('id="injoignable"') :]
    assert "3 tentatives d'affilée sans joindre personne." in offer
    assert f"/jeunes/{world.adult.id}/cloture?motif=unreachable" in offer


def test_a_closed_case_shows_its_date_reason_and_solution(pilot_client, session, world):
    case = world.adult_case
    case.status, case.closed_on = CaseStatus.CLOSED, date(2026, 11, 20)
    case.closing_reason = reference(session, ReferenceKind.CLOSING_REASON, "solution_found")
    case.solution = reference(session, ReferenceKind.SOLUTION, "apprenticeship")
    case.solution_since = date(2026, 11, 2)
    case.known_to_partner = KnownToPartner.UNKNOWN
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{world.adult.id}"))

    assert summary_row(page, "Statut") == "Clos"
    assert summary_row(page, "Clos le") == "20/11/2026"
    assert summary_row(page, "Motif de clôture") == "Solution trouvée"
    assert summary_row(page, "Solution") == "Apprentissage depuis le 02/11/2026"
    assert "Prochaine échéance" not in page


def test_previous_cases_are_listed(pilot_client, session, world):
    youth = make_youth(session, world.psad, case_status=CaseStatus.CLOSED)
    youth.cases[0].closing_reason = reference(session, ReferenceKind.CLOSING_REASON, "refused")
    session.add(
        Case(
            youth=youth,
            psad_id=world.psad.id,
            source=CaseSource.LISTING,
            opened_on=date(2026, 11, 15),
        )
    )
    session.commit()

    page = text(pilot_client.get(f"/jeunes/{youth.id}"))

    assert summary_row(page, "Statut") == "Ouvert"
    previous = page[page.index("Dossiers précédents") :]
    assert "Signalement : ouvert le 01/10/2026, clos le 01/11/2026 (Refus du jeune)" in previous


def test_a_partner_sees_the_summary_of_their_youth(client, world, frozen_clock):
    client.sign_in(world.partner)

    page = text(client.get(f"/jeunes/{world.minor.id}"))

    assert summary_row(page, "Structure référente") == "Lycée Baggio"

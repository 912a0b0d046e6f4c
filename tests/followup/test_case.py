"""The changes of a case and the edit of a file, as services: situation, stage, referent,
needs, closing, reopening, optimistic locking, and the file's identity and contact details."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from psad.access.viewer import Viewer
from psad.access.youth import visible_youth
from psad.errors import DomainError
from psad.followup import services
from psad.followup.models import CaseEvent, CaseEventKind
from psad.followup.services.case import current_stage
from psad.followup.stages import IllegalStageChange
from psad.reference.models import ReferenceKind
from psad.youth import services as youth_services
from psad.youth.models import Case, CaseStage, CaseStatus, KnownToPartner, Youth
from tests.factories import make_psad, make_structure, make_youth
from tests.followup.conftest import NOW, TODAY, reference
from tests.followup.helpers import close, reach
from tests.helpers import events


def who(world, user=None):  # type: ignore[no-untyped-def]
    user = user or world.pilot
    return {"by": user, "now": NOW, "actor": world.actor(user)}


def case_events(session, case: Case, kind: CaseEventKind) -> list[CaseEvent]:  # type: ignore[no-untyped-def]
    session.expire_all()
    query = select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == kind)
    return list(session.scalars(query.order_by(CaseEvent.id)))


# --- situation ------------------------------------------------------------------------------


def test_changing_the_situation_tells_the_timeline_what_it_was_and_became(session, world):
    case = world.adult_case
    employed = reference(session, ReferenceKind.SITUATION, "employed")
    services.change_situation(session, case=case, situation=employed, **who(world))
    no_solution = reference(session, ReferenceKind.SITUATION, "no_solution")

    services.change_situation(session, case=case, situation=no_solution, **who(world))

    event = case_events(session, case, CaseEventKind.SITUATION)[-1]
    assert (event.before, event.after) == ("En emploi", no_solution.label)
    assert case.situation == no_solution
    assert events(session, "case.changed")[-1].detail == "champs=situation"


def test_the_situation_of_a_closed_case_cannot_change(session, world):
    case = world.adult_case
    case.status = CaseStatus.CLOSED

    with pytest.raises(DomainError, match="Ce dossier est clos"):
        services.change_situation(
            session,
            case=case,
            situation=reference(session, ReferenceKind.SITUATION, "employed"),
            **who(world),
        )


# --- stage ----------------------------------------------------------------------------------


def test_a_youth_never_reached_cannot_be_supported(session, world):
    case = world.adult_case
    reach(session, world, case, reached=False)

    with pytest.raises(IllegalStageChange, match="qu'après avoir été joint"):
        services.change_stage(session, case=case, wanted=CaseStage.SUPPORTED, **who(world))

    assert case.decided_stage is None


def test_a_solution_comes_after_supported(session, world):
    case = world.adult_case
    reach(session, world, case)

    with pytest.raises(IllegalStageChange, match="passe par « Accompagné »"):
        services.change_stage(session, case=case, wanted=CaseStage.SOLUTION, **who(world))


def test_a_reached_youth_becomes_supported_then_in_solution(session, world):
    case = world.adult_case
    reach(session, world, case)

    services.change_stage(session, case=case, wanted=CaseStage.SUPPORTED, **who(world))
    services.change_stage(session, case=case, wanted=CaseStage.SOLUTION, **who(world))

    assert current_stage(session, case) is CaseStage.SOLUTION
    stages = [(e.before, e.after) for e in case_events(session, case, CaseEventKind.STAGE)]
    assert stages == [("Contact en cours", "Accompagné"), ("Accompagné", "Solution en cours")]


# --- referent -------------------------------------------------------------------------------


def test_assigning_a_structure_lets_its_partners_see_the_youth(session, world):
    partner = Viewer.of(world.partner, world.partner.membership_in(world.psad.id))
    seen_before = session.scalars(visible_youth(partner)).all()

    services.assign_referent(
        session, case=world.adult_case, user=None, structure=world.school, **who(world)
    )

    assert world.adult not in seen_before
    assert world.adult in session.scalars(visible_youth(partner)).all()
    event = case_events(session, world.adult_case, CaseEventKind.REFERENT)[-1]
    assert (event.before, event.after) == ("aucun", "Lycée Baggio")


def test_a_referent_user_and_structure_are_recorded_together(session, world):
    services.assign_referent(
        session, case=world.adult_case, user=world.copilot, structure=world.mission, **who(world)
    )

    assert (world.adult_case.referent_user, world.adult_case.referent_structure) == (
        world.copilot,
        world.mission,
    )
    event = case_events(session, world.adult_case, CaseEventKind.REFERENT)[-1]
    assert event.after == "Karim Benali · Mission locale de Lille"


def test_a_structure_of_another_psad_cannot_be_referent(session, world):
    elsewhere = make_structure(session, make_psad(session, code="AMIENS"), name="Lycée d'Amiens")

    with pytest.raises(DomainError, match="n'appartient pas à la PSAD"):
        services.assign_referent(
            session, case=world.adult_case, user=None, structure=elsewhere, **who(world)
        )


# --- needs ----------------------------------------------------------------------------------


def test_needs_hold_the_project_wishes_and_obstacles(session, world):
    case = world.adult_case
    chosen = [
        reference(session, ReferenceKind.WISH, "apprenticeship"),
        reference(session, ReferenceKind.OBSTACLE, "mobility"),
    ]

    services.update_needs(session, case=case, project="  Mécanicien  ", needs=chosen, **who(world))

    session.expire_all()
    assert (case.project, {n.code for n in case.needs}) == (
        "Mécanicien",
        {"apprenticeship", "mobility"},
    )
    event = case_events(session, case, CaseEventKind.NEEDS)[-1]
    assert event.after == "Apprentissage; Mobilité; Mécanicien"


def test_changing_only_the_needs_list_moves_the_case_version(session, world):
    case = world.adult_case
    session.flush()
    before = case.version

    services.update_needs(
        session,
        case=case,
        project=None,
        needs=[reference(session, ReferenceKind.OBSTACLE, "housing")],
        **who(world),
    )
    session.flush()

    assert case.version == before + 1


# --- optimistic locking of a case -----------------------------------------------------------


def test_a_change_prepared_on_an_older_version_of_the_case_is_refused(session, world):
    case = world.adult_case
    loaded = case.version
    services.change_situation(
        session,
        case=case,
        situation=reference(session, ReferenceKind.SITUATION, "employed"),
        **who(world),
    )
    session.flush()

    with pytest.raises(services.CaseVersionError, match="modifié par quelqu'un d'autre") as error:
        services.check_version(case, loaded)

    assert error.value.status_code == 409
    services.check_version(case, case.version)  # the current version passes


# --- closing and reopening ------------------------------------------------------------------


def test_closing_records_the_reason_and_whether_a_partner_knew_the_youth(session, world):
    case = world.adult_case

    close(session, world, case, "refused", known_to_partner=KnownToPartner.FOLLOWED)

    assert (case.status, case.closed_on, case.closing_reason.code) == (
        CaseStatus.CLOSED,
        TODAY,
        "refused",
    )
    assert case.known_to_partner is KnownToPartner.FOLLOWED
    assert events(session, "case.closed")[-1].detail == "motif=refused"


def test_solution_found_needs_the_solution_and_its_start(session, world):
    with pytest.raises(DomainError, match="indiquez la solution et sa date de début"):
        close(session, world, world.adult_case, "solution_found")

    assert world.adult_case.is_open


def test_solution_found_records_which_solution_since_when(session, world):
    case = world.adult_case
    e2c = reference(session, ReferenceKind.SOLUTION, "e2c")

    close(session, world, case, "solution_found", solution=e2c, solution_since=date(2026, 11, 2))

    assert (case.solution, case.solution_since) == (e2c, date(2026, 11, 2))
    event = case_events(session, case, CaseEventKind.CLOSED)[-1]
    assert event.after == "Solution trouvée : École de la deuxième chance (E2C)"


def test_reopening_needs_a_reason(session, world):
    case = world.adult_case
    close(session, world, case, "refused")

    with pytest.raises(DomainError, match="Dites pourquoi"):
        services.reopen_case(session, case=case, reason="  ", **who(world))


def test_reopening_clears_the_closing_and_tells_why(session, world):
    case = world.adult_case
    close(session, world, case, "refused")
    session.flush()

    services.reopen_case(session, case=case, reason="Le jeune a rappelé.", **who(world))

    assert (case.status, case.closing_reason, case.closed_on) == (CaseStatus.OPEN, None, None)
    event = case_events(session, case, CaseEventKind.REOPENED)[-1]
    assert (event.before, event.reason) == ("Refus du jeune", "Le jeune a rappelé.")


# --- editing a youth's file -----------------------------------------------------------------


def edit(session, world, youth: Youth, changes, **kwargs):  # type: ignore[no-untyped-def]
    return services.edit_youth(session, youth=youth, changes=changes, **kwargs, **who(world))


def test_editing_changes_only_the_fields_given_and_refreshes_the_keys(session, world):
    youth = world.adult
    youth.school_academy = "Lille"

    changed = edit(session, world, youth, {"last_name": "Dupont", "first_name": "Hugo"})

    assert changed == ["last_name"]
    assert (youth.search_key, youth.school_academy) == ("dupont hugo", "Lille")
    assert youth.identity_key == youth_services.identity_key("Dupont", "Hugo", youth.birth_date)


def test_the_audit_names_the_fields_changed_never_their_values(session, world):
    youth = world.adult

    edit(
        session,
        world,
        youth,
        {"phone": "+33699887766", "email": "hugo@example.org"},
        guardian=youth_services.GuardianData(last_name="Martin", phone="+33611223344"),
    )

    detail = events(session, "youth.updated")[-1].detail
    assert detail == (
        "champs=téléphone, courriel, nom du représentant légal, téléphone du représentant légal"
    )
    assert "99" not in detail and "hugo@" not in detail and "Martin" not in detail


def test_the_timeline_names_the_fields_changed(session, world):
    edit(session, world, world.adult, {"commune": "Roubaix", "postal_code": "59100"})

    event = case_events(session, world.adult_case, CaseEventKind.IDENTITY)[-1]
    assert (event.after, event.author) == ("commune, code postal", world.pilot)
    assert "Roubaix" not in (event.before or "") + (event.after or "")


def test_an_edit_that_changes_nothing_records_nothing(session, world):
    youth = world.adult

    changed = edit(session, world, youth, {"last_name": youth.last_name})

    assert changed == []
    assert events(session, "youth.updated") == []
    assert case_events(session, world.adult_case, CaseEventKind.IDENTITY) == []


def test_a_guardian_is_created_updated_and_removed_once_emptied(session, world):
    youth = world.adult
    guardian = youth_services.GuardianData

    edit(session, world, youth, {}, guardian=guardian(last_name="Martin", first_name="Anne"))
    assert [g.display_name for g in youth.guardians] == ["Anne MARTIN"]
    edit(session, world, youth, {}, guardian=guardian(last_name="Martin", first_name="Annie"))
    assert [g.display_name for g in youth.guardians] == ["Annie MARTIN"]
    edit(session, world, youth, {}, guardian=guardian())
    session.flush()

    assert youth.guardians == []


def test_a_guardian_only_change_moves_the_file_version(session, world):
    youth = world.adult
    session.flush()
    before = youth.version

    edit(session, world, youth, {}, guardian=youth_services.GuardianData(phone="+33611223344"))

    assert youth.version == before + 1


def test_an_edit_prepared_on_an_older_version_of_the_file_is_refused(session, world):
    youth = world.adult
    loaded = youth.version
    edit(session, world, youth, {"commune": "Roubaix"})

    with pytest.raises(youth_services.YouthVersionError, match="rien n'a été enregistré"):
        edit(session, world, youth, {"commune": "Tourcoing"}, expected_version=loaded)

    assert youth.commune == "Roubaix"


def test_an_ine_already_given_to_another_youth_is_refused_without_naming_them(session, world):
    make_youth(session, world.psad, last_name="Autre", ine="0494004062M")

    with pytest.raises(youth_services.DuplicateYouthError) as error:
        edit(session, world, world.adult, {"ine": "0494004062M"})

    assert error.value.message == (
        "L'INE 0494004062M est déjà celui d'un autre jeune : vérifiez la saisie."
    )
    assert world.adult.ine is None


def test_only_fields_of_the_file_can_be_edited(session, world):
    with pytest.raises(ValueError, match="psad_id"):
        edit(session, world, world.adult, {"psad_id": 3})

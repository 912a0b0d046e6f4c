"""Eligibility on the regional guide's own cases, as a counsellor reads it.

The seeded dispositifs are built in memory from ``SEEDS`` (``tests.orientations.guide``; the
same rows ``ensure_catalogue`` stores, which tests/orientations/test_seeds.py checks): the
evaluator is pure. What any dispositif gets from the evaluator is ``test_evaluator``.
"""

from __future__ import annotations

from datetime import date

import pytest

from psad.orientations.eligibility import State
from psad.orientations.schooling import terms_in_last_class
from tests.orientations.guide import ON, born, collegian, leaver, verdict

# SAS Lycée de la Nouvelle Chance: 18-24, left at terminale without the bac, or 1re GT after
# at least one term, 1re pro after two, terminale CAP exceptionally


@pytest.mark.parametrize(("last_class", "kind"), [("tle_gt", "lycee"), ("tle_pro", "lp")])
def test_sas_lnc_takes_a_youth_who_left_terminale_without_the_bac(
    last_class: str, kind: str
) -> None:
    found = verdict("SAS_LNC", leaver(last_class=last_class, school_kind=kind))
    assert found.state is State.ELIGIBLE
    assert "sans le baccalauréat" in found.met


def test_sas_lnc_takes_a_premiere_generale_after_one_term() -> None:
    terms = terms_in_last_class(date(2025, 9, 1), date(2025, 12, 5))
    found = verdict("SAS_LNC", leaver(last_class="1re_gt", terms_in_last_class=terms))
    assert found.state is State.ELIGIBLE
    assert "dernière classe : 1re générale ou technologique, après 1 trimestre" in found.met


def test_sas_lnc_refuses_a_premiere_generale_left_before_the_end_of_the_first_term() -> None:
    terms = terms_in_last_class(date(2025, 9, 1), date(2025, 10, 20))
    found = verdict("SAS_LNC", leaver(last_class="1re_gt", terms_in_last_class=terms))
    assert found.state is State.NOT_ELIGIBLE
    assert found.reasons == [
        "dernière classe : 1re générale ou technologique, quittée après 0 trimestre "
        "(il en faut au moins 1)"
    ]


@pytest.mark.parametrize(("terms", "state"), [(2, State.ELIGIBLE), (1, State.NOT_ELIGIBLE)])
def test_sas_lnc_takes_a_premiere_pro_after_two_terms(terms: int, state: State) -> None:
    facts = leaver(last_class="1re_pro", school_kind="lp", terms_in_last_class=terms)
    assert verdict("SAS_LNC", facts).state is state


def test_sas_lnc_takes_a_terminale_cap_only_exceptionally() -> None:
    found = verdict("SAS_LNC", leaver(last_class="cap_2", school_kind="lp"))
    assert found.state is State.ELIGIBLE_IF
    assert found.conditions == ["dernière classe : terminale CAP (à titre exceptionnel)"]


@pytest.mark.parametrize(
    ("age", "state"),
    [
        (17, State.NOT_ELIGIBLE),
        (18, State.ELIGIBLE),
        (24, State.ELIGIBLE),
        (25, State.NOT_ELIGIBLE),
    ],
)
def test_sas_lnc_is_for_18_to_24(age: int, state: State) -> None:
    assert verdict("SAS_LNC", leaver(birth_date=born(age))).state is state


def test_sas_lnc_tells_a_17_year_old_the_ages() -> None:
    found = verdict("SAS_LNC", leaver(birth_date=born(17)))
    assert found.reasons == ["17 ans au 01/10/2026 : il faut avoir de 18 à 24 ans"]


def test_sas_lnc_refuses_a_youth_in_employment_naming_the_situation() -> None:
    found = verdict("SAS_LNC", leaver(situation_code="employed", situation_label="En emploi"))
    assert found.state is State.NOT_ELIGIBLE
    assert found.reasons == [
        "situation : « En emploi » ; réservé aux jeunes sans emploi ni formation"
    ]


def test_sas_lnc_takes_a_youth_already_followed_by_the_mission_locale() -> None:
    facts = leaver(situation_code="followed_local_mission", situation_label="Déjà accompagné")
    assert verdict("SAS_LNC", facts).state is State.ELIGIBLE


def test_sas_lnc_cannot_decide_on_a_level_it_cannot_read() -> None:
    found = verdict("SAS_LNC", leaver(last_class=None, level_text="BTS", school_kind="lycee"))
    assert found.state is State.UNKNOWN
    assert found.missing == [
        "la dernière classe suivie (le niveau « BTS » n'a pas pu être lu ; il faut : terminale "
        "générale ou technologique ou terminale professionnelle ; 1re générale ou "
        "technologique après au moins 1 trimestre ; 1re professionnelle après au moins 2 "
        "trimestres ; terminale CAP (à titre exceptionnel))"
    ]


def test_sas_lnc_asks_for_the_dates_to_count_the_terms_of_a_premiere() -> None:
    found = verdict("SAS_LNC", leaver(last_class="1re_gt", terms_in_last_class=None))
    assert found.state is State.UNKNOWN
    assert found.missing == [
        "le nombre de trimestres suivis en 1re générale ou technologique (dates d'entrée et de "
        "sortie de formation à renseigner ; il en faut au moins 1)"
    ]


def test_sas_lnc_refuses_a_class_it_does_not_name() -> None:
    found = verdict("SAS_LNC", leaver(last_class="2nde_gt"))
    assert found.state is State.NOT_ELIGIBLE
    assert found.reasons[0].startswith("dernière classe : 2de générale et technologique (il faut")


def test_sas_lnc_refuses_a_bac_holder_listed_as_such() -> None:
    found = verdict("SAS_LNC", leaver(without_qualification=False, without_bac=False))
    assert found.reasons == ["réservé aux jeunes sans le baccalauréat : le jeune a ce diplôme"]


# Parcours Immersion and Compétences: from 16, at 15 with the IA-DASEN's agreement


def test_competences_takes_a_16_year_old_without_a_solution() -> None:
    found = verdict("COMPETENCES", leaver(birth_date=born(16)))
    assert found.state is State.ELIGIBLE
    assert found.met[0] == "16 ans au 01/10/2026 (au moins 16 ans)"


def test_immersion_takes_a_16_year_old_who_is_autonomous() -> None:
    found = verdict("IMMERSION", leaver(birth_date=born(16)))
    assert found.state is State.ELIGIBLE_IF
    assert found.conditions == ["à vérifier : autonome dans ses démarches"]


@pytest.mark.parametrize("code", ["IMMERSION", "COMPETENCES"])
def test_a_15_year_old_needs_the_ia_dasens_agreement(code: str) -> None:
    found = verdict(code, leaver(birth_date=born(15)))
    assert found.state is State.ELIGIBLE_IF
    assert (
        "15 ans au 01/10/2026 : possible avec l'accord de l'IA-DASEN "
        "(sinon il faut avoir au moins 16 ans)"
    ) in found.conditions


@pytest.mark.parametrize("code", ["IMMERSION", "COMPETENCES"])
def test_a_14_year_old_is_not_eligible(code: str) -> None:
    found = verdict(code, leaver(birth_date=born(14)))
    assert found.state is State.NOT_ELIGIBLE
    assert found.reasons == ["14 ans au 01/10/2026 : il faut avoir au moins 16 ans"]


def test_the_age_is_the_age_on_the_date_asked() -> None:
    facts = leaver(birth_date=date(2010, 10, 20))  # 15 on 1 October 2026, 16 on 20 October
    assert verdict("COMPETENCES", facts, ON).state is State.ELIGIBLE_IF
    assert verdict("COMPETENCES", facts, date(2026, 11, 1)).state is State.ELIGIBLE


@pytest.mark.parametrize("code", ["IMMERSION", "COMPETENCES"])
def test_a_youth_followed_by_the_mlds_without_training_is_without_a_solution(code: str) -> None:
    facts = leaver(situation_code="followed_mlds", situation_label="Déjà accompagné par la MLDS")
    assert verdict(code, facts).state in (State.ELIGIBLE, State.ELIGIBLE_IF)


def test_competences_refuses_a_youth_back_in_training() -> None:
    facts = leaver(situation_code="continuing_training", situation_label="En formation continue")
    assert verdict("COMPETENCES", facts).reasons == [
        "situation : « En formation continue » ; réservé aux jeunes sans solution de formation "
        "ou d'insertion"
    ]


# Micro-lycée: 16-25, out of school for six months, or fewer with the IEN-IO's waiver


def test_micro_lycee_takes_a_youth_out_of_school_for_seven_months() -> None:
    found = verdict("MICRO_LYCEE", leaver(left_on=date(2026, 3, 1)))
    assert found.state is State.ELIGIBLE
    assert "hors de l'école depuis 7 mois au 01/10/2026 (il en faut au moins 6)" in found.met


def test_micro_lycee_takes_a_youth_out_for_three_months_with_the_ien_ios_waiver() -> None:
    found = verdict("MICRO_LYCEE", leaver(left_on=date(2026, 7, 1)))
    assert found.state is State.ELIGIBLE_IF
    assert found.conditions == [
        "hors de l'école depuis 3 mois au 01/10/2026 : possible par dérogation sur avis "
        "favorable de l'IEN-IO (sinon il faut être hors de l'école depuis au moins 6 mois)"
    ]


def test_micro_lycee_waives_the_time_out_of_school_not_the_schooling() -> None:
    found = verdict("MICRO_LYCEE", leaver(left_on=date(2027, 7, 5)))
    assert found.state is State.NOT_ELIGIBLE
    assert found.reasons == [
        "réservé aux jeunes sortis de formation : le jeune est encore scolarisé au 01/10/2026",
        "encore en formation au 01/10/2026 : il faut être hors de l'école depuis au moins 6 mois",
    ]


def test_micro_lycee_asks_for_the_exit_date() -> None:
    found = verdict("MICRO_LYCEE", leaver(left_on=None))
    assert found.state is State.UNKNOWN
    assert found.missing == [
        "la date de sortie de formation (non renseignée ; il faut être hors de l'école depuis "
        "au moins 6 mois)"
    ]


def test_micro_lycee_refuses_a_26_year_old() -> None:
    found = verdict("MICRO_LYCEE", leaver(birth_date=born(26)))
    assert found.reasons == ["26 ans au 01/10/2026 : il faut avoir de 16 à 25 ans"]


def test_micro_lycee_asks_the_prescriber_whether_a_qualified_youth_has_the_bac() -> None:
    """« Bac ou diplôme professionnel enregistré au RNCP » does not say whether the youth holds
    the bac the micro-lycée prepares (a CAP holder may prepare one): the diploma is recorded,
    there is nothing to complete in the file, so the prescriber checks it."""
    facts = leaver(diploma="qualifying", without_qualification=False, without_bac=None)
    found = verdict("MICRO_LYCEE", facts)
    assert found.state is State.ELIGIBLE_IF
    assert found.conditions == [
        "à vérifier : le jeune est sans le baccalauréat (le diplôme renseigné, « Bac ou "
        "diplôme professionnel enregistré au RNCP », ne le dit pas)"
    ]


def test_micro_lycee_asks_for_the_diploma_when_none_is_recorded() -> None:
    found = verdict(
        "MICRO_LYCEE", leaver(listed=False, without_qualification=None, without_bac=None)
    )
    assert found.missing == [
        "le diplôme le plus élevé, à renseigner avec une demande DARFI (réservé aux jeunes "
        "sans le baccalauréat)"
    ]


def test_micro_lycee_is_for_leavers_of_a_lycee() -> None:
    found = verdict("MICRO_LYCEE", leaver(school_kind="college", last_class="3e"))
    assert found.reasons == [
        "établissement fréquenté : collège ; réservé aux élèves du lycée général et "
        "technologique ou du lycée professionnel"
    ]


# Prevention: pupils still enrolled, who stay in their class

PREVENTION = ["PPDS", "PAFI", "PAFI_TDO", "PAE", "TUTORAT", "RELAIS"]


@pytest.mark.parametrize("code", PREVENTION)
def test_prevention_is_reserved_to_pupils_still_enrolled(code: str) -> None:
    found = verdict(code, leaver(school_kind="lp"))
    assert found.state is State.NOT_ELIGIBLE
    assert (
        "réservé aux élèves encore scolarisés : le jeune est sorti de formation le 10/02/2026"
        in found.reasons
    )


def test_an_enrolled_collegian_may_join_a_dispositif_relais() -> None:
    found = verdict("RELAIS", collegian())
    assert found.state is State.ELIGIBLE
    assert found.met == ["encore scolarisé au 01/10/2026", "établissement fréquenté : collège"]


def test_the_parcours_ambition_emploi_is_for_the_lycee_professionnel_only() -> None:
    assert verdict("PAE", collegian()).reasons == [
        "établissement fréquenté : collège ; réservé aux élèves du lycée professionnel"
    ]
    assert verdict("PAE", collegian(school_kind="lp", last_class="2nde_pro")).state is (
        State.ELIGIBLE
    )


def test_a_referred_pupil_without_exit_date_may_still_be_at_school() -> None:
    """Not from an SI list and no exit date: the file cannot tell whether the youth left."""
    found = verdict("RELAIS", collegian(left_on=None))
    assert found.state is State.UNKNOWN
    assert found.missing == [
        "si le jeune est encore scolarisé (date de sortie de formation non renseignée)"
    ]


def test_a_pupil_still_enrolled_is_not_yet_a_leaver() -> None:
    found = verdict("DEP", collegian(school_kind="lp", last_class="tle_pro"))
    assert found.reasons == [
        "réservé aux jeunes sortis de formation : le jeune est encore scolarisé au 01/10/2026"
    ]


# FLS, retour en formation initiale


def test_fls_always_lists_the_casnavs_assessment() -> None:
    at_17 = verdict("FLS", leaver(birth_date=born(17)))
    at_19 = verdict("FLS", leaver(birth_date=born(19)))
    casnav = "à vérifier : jeune allophone nouvellement arrivé, évalué par le CASNAV"
    assert (at_17.state, at_17.conditions) == (State.ELIGIBLE_IF, [casnav])
    assert (at_19.state, at_19.conditions) == (State.NOT_ELIGIBLE, [casnav])
    assert at_19.reasons == ["19 ans au 01/10/2026 : il faut avoir de 16 à 18 ans"]


@pytest.mark.parametrize("diploma", ["none", "dnb", "cfg", "no_professional_certification"])
def test_retour_en_formation_initiale_takes_a_youth_without_qualifying_diploma(
    diploma: str,
) -> None:
    facts = leaver(listed=False, diploma=diploma, without_qualification=True, without_bac=None)
    assert verdict("RETOUR_FI", facts).state is State.ELIGIBLE


def test_retour_en_formation_initiale_refuses_a_qualifying_diploma() -> None:
    facts = leaver(diploma="qualifying", without_qualification=False, without_bac=None)
    found = verdict("RETOUR_FI", facts)
    assert found.state is State.NOT_ELIGIBLE
    assert found.reasons == [
        "réservé aux jeunes sans diplôme qualifiant : diplôme renseigné « Bac ou diplôme "
        "professionnel enregistré au RNCP »"
    ]


@pytest.mark.parametrize(
    ("age", "state"),
    [
        (15, State.NOT_ELIGIBLE),
        (16, State.ELIGIBLE),
        (25, State.ELIGIBLE),
        (26, State.NOT_ELIGIBLE),
    ],
)
def test_retour_en_formation_initiale_is_for_16_to_25(age: int, state: State) -> None:
    assert verdict("RETOUR_FI", leaver(birth_date=born(age))).state is state

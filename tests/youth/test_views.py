"""Youth pages: the list (pagination, search), a youth's file, the « Signaler un jeune » form,
and what bad input gets: a French message, a 4xx status, nothing half-saved."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from psad import clock
from psad.auth.models import Psad
from psad.demo import load_demo
from psad.youth.identifiers import format_phone
from psad.youth.models import Case, CaseSource, CaseStatus, Guardian, Sex, Track, Youth
from tests.factories import make_psad, make_structure, make_youth
from tests.helpers import count, field_error, text

VALID_INE = "0494004062M"
VALID_UAI = "0590117G"


def rows(page: str) -> list[str]:
    """Names in the youth list, in order."""
    return re.findall(r'<th scope="row"><a href="/jeunes/\d+(?:\?[^"]*)?">([^<]+)</a></th>', page)


@pytest.fixture
def signed_in(client, pilot) -> FlaskClient:
    client.sign_in(pilot)
    return client


# --- the youth list -----------------------------------------------------------------------


def test_list_shows_25_youth_per_page(signed_in, session, psad):
    for number in range(30):
        make_youth(session, psad, last_name=f"Nom{number:02d}")
    session.commit()

    page = text(signed_in.get("/jeunes"))

    assert len(rows(page)) == 25
    assert "30 jeunes." in page
    assert "Page 1 sur 2" in page


def test_second_page_shows_the_rest_in_name_order(signed_in, session, psad):
    for number in range(30):
        make_youth(session, psad, last_name=f"Nom{number:02d}")
    session.commit()

    page = text(signed_in.get("/jeunes?page=2"))

    assert [name.split()[0] for name in rows(page)] == [f"NOM{n}" for n in range(25, 30)]


def test_pagination_links_keep_the_search(signed_in, session, psad):
    for number in range(30):
        make_youth(session, psad, last_name=f"Martin{number:02d}")
    session.commit()

    page = text(signed_in.get("/jeunes?q=martin"))

    assert 'href="/jeunes?q=martin&page=2"' in page


@pytest.mark.parametrize("page_number", ["99999999999999999999", "-3", "abc", "1000"])
def test_impossible_page_numbers_do_not_break_the_list(signed_in, session, psad, page_number):
    make_youth(session, psad)
    session.commit()

    response = signed_in.get(f"/jeunes?page={page_number}")

    assert response.status_code == 200
    assert "1 jeune." in text(response)


@pytest.fixture
def eloise(session, psad) -> Youth:
    youth = make_youth(session, psad, last_name="LEFÈVRE", first_name="Éloïse", ine=VALID_INE)
    make_youth(session, psad, last_name="Lefebvre", first_name="Marc")
    make_youth(session, psad, last_name="Dupont", first_name="Eloi")
    session.commit()
    return youth


@pytest.mark.parametrize("query", ["eloise lefevre", "LEFEVRE ELOISE", "Lefèvre", "éloïse"])
def test_search_by_name_ignores_accents_and_case(signed_in, eloise, query):
    page = text(signed_in.get("/jeunes", query_string={"q": query}))

    assert rows(page) == ["LEFÈVRE Éloïse"]


@pytest.mark.parametrize("query", [VALID_INE, "0494004062m", "0494 004 062 M"])
def test_search_by_ine(signed_in, eloise, query):
    page = text(signed_in.get("/jeunes", query_string={"q": query}))

    assert rows(page) == ["LEFÈVRE Éloïse"]


def test_search_without_result_says_so(signed_in, eloise):
    page = text(signed_in.get("/jeunes", query_string={"q": "zorro"}))

    assert rows(page) == []
    assert "Aucun jeune ne correspond à cette recherche." in page


def test_the_closed_tab_shows_only_closed_cases(signed_in, session, psad):
    make_youth(session, psad, last_name="Ouvert")
    make_youth(session, psad, last_name="Ferme", case_status=CaseStatus.CLOSED)
    session.commit()

    page = text(signed_in.get("/jeunes?onglet=clos"))

    assert rows(page) == ["FERME Prénom"]


# --- a youth's file -----------------------------------------------------------------------


@pytest.fixture
def full_youth(session, psad) -> Youth:
    school = make_structure(session, psad, name="Lycée Baggio")
    youth = make_youth(
        session,
        psad,
        referent_structure=school,
        last_name="Lefèvre",
        first_name="Éloïse",
        sex=Sex.FEMALE,
        ine=VALID_INE,
        birth_date=date(2008, 3, 14),
        address="3 rue des Arts",
        postal_code="59000",
        commune="Lille",
        phone="+33612345678",
        email="eloise@example.fr",
        school_name="Lycée Baggio",
        school_uai=VALID_UAI,
        level="1re professionnelle",
        track=Track.VOCATIONAL,
    )
    youth.guardians.append(Guardian(last_name="Lefèvre", first_name="Anne", phone="+33320000000"))
    session.commit()
    return youth


def test_file_shows_identity(signed_in, full_youth):
    page = text(signed_in.get(f"/jeunes/{full_youth.id}"))

    assert "<h1>LEFÈVRE Éloïse</h1>" in page
    assert page.count("<h1") == 1
    for shown in ("Fille", "14/03/2008", VALID_INE):
        assert f"<td>{shown}</td>" in page


def test_file_shows_contact_details_and_guardian(signed_in, full_youth):
    page = text(signed_in.get(f"/jeunes/{full_youth.id}"))

    for shown in ("3 rue des Arts", "59000 Lille", "06 12 34 56 78", "eloise@example.fr"):
        assert f"<td>{shown}</td>" in page
    assert "<td>Anne LEFÈVRE</td>" in page
    assert "<td>03 20 00 00 00</td>" in page


def test_file_shows_last_schooling(signed_in, full_youth):
    page = text(signed_in.get(f"/jeunes/{full_youth.id}"))

    for shown in ("Lycée Baggio", VALID_UAI, "1re professionnelle", "Professionnelle"):
        assert f"<td>{shown}</td>" in page


def test_file_shows_the_case_status(signed_in, full_youth):
    page = text(signed_in.get(f"/jeunes/{full_youth.id}"))

    assert "Dossier ouvert depuis le 01/10/2026 (Signalement)" in page
    assert '<th scope="row">Statut</th><td>Ouvert</td>' in page
    assert '<th scope="row">Structure référente</th><td>Lycée Baggio</td>' in page


def test_file_of_a_closed_case_shows_its_closing_date(signed_in, session, psad):
    youth = make_youth(session, psad, case_status=CaseStatus.CLOSED)
    session.commit()

    page = text(signed_in.get(f"/jeunes/{youth.id}"))

    assert '<th scope="row">Clos le</th><td>01/11/2026</td>' in page


def test_file_shows_the_history_of_the_case(signed_in, session):
    response = signed_in.submit("/jeunes/signaler", {"last_name": "Dupont", "first_name": "Léa"})

    page = text(signed_in.get(response.location))

    history = page[page.index('id="historique"') :]
    assert "Dossier ouvert" in history
    assert "Origine : Signalement" in history
    assert "Claire Martin" in history


def test_file_lists_previous_cases(signed_in, session, psad):
    youth = make_youth(session, psad, case_status=CaseStatus.CLOSED)
    session.add(
        Case(
            youth=youth,
            psad_id=psad.id,
            source=CaseSource.LISTING,
            opened_on=date(2026, 11, 15),
            status=CaseStatus.OPEN,
        )
    )
    session.commit()

    page = text(signed_in.get(f"/jeunes/{youth.id}"))

    assert "Dossiers précédents" in page
    assert "Signalement : ouvert le 01/10/2026, clos le 01/11/2026" in page


@pytest.mark.parametrize(
    "url",
    [
        "/jeunes/abc",
        "/jeunes/99999999999999999999",
        "/jeunes/-1",
        "/jeunes/0",
        "/jeunes/2147483648",
        "/jeunes/1.5",
    ],
)
def test_malformed_or_out_of_range_ids_answer_a_french_404(signed_in, url):
    response = signed_in.get(url)

    assert response.status_code == 404
    assert "Page introuvable" in text(response)


def test_unknown_youth_answers_a_french_404(signed_in):
    response = signed_in.get("/jeunes/123456")

    assert response.status_code == 404
    assert "Ce dossier n'existe pas ou ne fait pas partie de vos dossiers." in text(response)


# --- « Signaler un jeune » ----------------------------------------------------------------


def submit_signal_form(client: FlaskClient, **fields: object):  # type: ignore[no-untyped-def]
    """Send the « Signaler un jeune » form: Éloïse Lefèvre, with ``fields`` added or changed."""
    data = {"last_name": "Lefèvre", "first_name": "Éloïse", **fields}
    return client.submit("/jeunes/signaler", data)


def test_signal_form_has_labelled_fields_and_one_title(signed_in):
    page = text(signed_in.get("/jeunes/signaler"))

    assert page.count("<h1") == 1
    for field_id, label in [
        ("last_name", "Nom"),
        ("birth_date", "Date de naissance (jj/mm/aaaa)"),
        ("ine", "INE (identifiant national élève)"),
        ("phone", "Téléphone"),
        ("school_uai", "UAI du dernier établissement"),
    ]:
        assert f'<label class="form-label" for="{field_id}">{label}</label>' in page


def test_referral_creates_the_youth_with_normalised_values(signed_in, session, psad):
    submit_signal_form(
        signed_in,
        sex="female",
        birth_date="14/03/2008",
        ine="0494 004 062 m",
        phone="06 12 34 56 78",
        email="Eloise@Example.FR",
        postal_code="59000",
        commune="Lille",
        school_uai="0590117g",
        track="vocational",
        school_exit_date="2026-06-30",
    )

    youth = session.scalars(select(Youth)).one()
    assert (youth.psad_id, youth.last_name, youth.first_name) == (psad.id, "Lefèvre", "Éloïse")
    assert (youth.ine, youth.school_uai) == (VALID_INE, VALID_UAI)
    assert (youth.phone, youth.email) == ("+33612345678", "Eloise@example.fr")
    assert (youth.birth_date, youth.school_exit_date) == (date(2008, 3, 14), date(2026, 6, 30))
    assert (youth.sex, youth.track) == (Sex.FEMALE, Track.VOCATIONAL)


def test_referral_opens_a_case(signed_in, session, pilot):
    submit_signal_form(signed_in, reason="Absent depuis la rentrée")

    case = session.scalars(select(Case)).one()
    assert case.status is CaseStatus.OPEN
    assert case.source is CaseSource.REFERRAL
    assert (case.opened_by_id, case.opened_on) == (pilot.id, clock.today())
    assert case.reason == "Absent depuis la rentrée"


def test_referral_records_the_legal_guardian(signed_in, session):
    submit_signal_form(signed_in, guardian_last_name="Lefèvre", guardian_phone="03 20 00 00 00")

    guardian = session.scalars(select(Guardian)).one()
    assert (guardian.last_name, guardian.phone) == ("Lefèvre", "+33320000000")


def test_referral_records_the_structure_that_signals(signed_in, session, psad):
    school = make_structure(session, psad, name="Lycée Baggio")
    session.commit()

    submit_signal_form(signed_in, source_structure_id=school.id)

    assert session.scalars(select(Case.source_structure_id)).one() == school.id


def test_referral_leads_to_the_new_file_with_a_confirmation(signed_in, session):
    response = submit_signal_form(signed_in)

    youth = session.scalars(select(Youth)).one()
    assert response.status_code == 302
    assert response.location == f"/jeunes/{youth.id}"
    assert "Jeune signalé : son dossier de suivi est ouvert." in text(
        signed_in.get(response.location)
    )


def test_wrong_ine_key_is_saved_with_a_warning(signed_in, session):
    response = submit_signal_form(signed_in, ine="0494004062A")

    assert response.status_code == 302
    assert "INE 0494004062A : clé de contrôle incorrecte (attendue M)" in text(
        signed_in.get(response.location)
    )
    assert session.scalars(select(Youth.ine)).one() == "0494004062A"


def test_wrong_uai_key_is_saved_with_a_warning(signed_in, session):
    response = submit_signal_form(signed_in, school_uai="0590117A")

    assert response.status_code == 302
    assert "UAI 0590117A : clé de contrôle incorrecte (attendue G)" in text(
        signed_in.get(response.location)
    )
    assert session.scalars(select(Youth.school_uai)).one() == "0590117A"


INVALID_FIELDS = [
    ("phone", "12", "Numéro de téléphone « 12 » invalide"),
    ("other_phone", "06 12 34", "Numéro de téléphone « 06 12 34 » invalide"),
    ("guardian_phone", "téléphone", "Numéro de téléphone « téléphone » invalide"),
    ("email", "eloise@", "Adresse électronique « eloise@ » invalide : rien après l’arobase"),
    ("guardian_email", "parent.example.fr", "Adresse électronique « parent.example.fr » invalide"),
    ("birth_date", "31/02/2008", "Date invalide : utilisez le format jj/mm/aaaa."),
    ("birth_date", "demain", "Date invalide : utilisez le format jj/mm/aaaa."),
    ("birth_date", "1950-01-01", "Date de naissance invraisemblable."),
    ("school_exit_date", "2026-13-01", "Date invalide : utilisez le format jj/mm/aaaa."),
    ("postal_code", "ABCDE", "Code postal invalide : 5 chiffres."),
    ("ine", "12345678901234", "INE « 12345678901234 » : format non reconnu."),
    ("school_uai", "ABCDEFGHIJ", "UAI « ABCDEFGHIJ » : format non reconnu."),
    ("last_name", "", "Ce champ est obligatoire."),
    ("last_name", "x" * 121, "Le champ ne peut pas contenir plus de 120 caractères."),
    ("sex", "inconnu", "N'est pas un choix valide."),
    ("track", "spatiale", "N'est pas un choix valide."),
]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [case for case in INVALID_FIELDS if case[2] is not None],
    ids=[f"{f}={v[:12]}" for f, v, m in INVALID_FIELDS if m is not None],
)
def test_invalid_value_gets_a_french_message_under_its_field(signed_in, field, value, message):
    response = submit_signal_form(signed_in, **{field: value})

    assert response.status_code == 422
    assert message in field_error(response, field)


@pytest.mark.parametrize(
    ("field", "value"),
    [(f, v) for f, v, m in INVALID_FIELDS if m is not None],
    ids=[f"{f}={v[:12]}" for f, v, m in INVALID_FIELDS if m is not None],
)
def test_invalid_value_saves_nothing(signed_in, session, field, value):
    valid_elsewhere = {"ine": VALID_INE, "phone": "0612345678", "guardian_last_name": "Parent"}

    submit_signal_form(signed_in, **{**valid_elsewhere, field: value})

    assert (count(session, Youth), count(session, Case), count(session, Guardian)) == (0, 0, 0)


@pytest.mark.parametrize("field", ["birth_date", "school_exit_date"])
def test_future_date_is_refused(signed_in, session, field):
    tomorrow = clock.today() + timedelta(days=1)

    response = submit_signal_form(signed_in, **{field: tomorrow.strftime("%d/%m/%Y")})

    assert response.status_code == 422
    assert field_error(response, field) == "Cette date est dans le futur."
    assert count(session, Youth) == 0


def test_form_with_errors_lists_them_at_the_top(signed_in):
    response = submit_signal_form(signed_in, phone="12", email="x@")

    page = text(response)
    summary = page[page.index('id="erreurs"') :]
    assert "Le formulaire contient 2 erreurs" in summary
    assert '<a href="#phone">Téléphone</a>' in summary


def test_form_with_errors_keeps_what_was_typed(signed_in):
    response = submit_signal_form(signed_in, phone="12", commune="Roubaix")

    assert 'value="Roubaix"' in text(response)


# --- duplicates ---------------------------------------------------------------------------


def test_same_ine_is_refused_with_a_link_to_the_existing_file(signed_in, session, psad):
    existing = make_youth(session, psad, ine=VALID_INE, last_name="Autre")
    session.commit()

    response = submit_signal_form(signed_in, ine=VALID_INE)

    assert response.status_code == 409
    page = text(response)
    assert f"Un jeune avec l'INE {VALID_INE} existe déjà dans votre PSAD." in page
    assert f'<a href="/jeunes/{existing.id}">Voir la fiche existante</a>' in page
    assert (count(session, Youth), count(session, Case)) == (1, 1)


def test_same_name_and_birth_date_is_refused_unless_homonym(signed_in, session, psad):
    make_youth(
        session, psad, last_name="LEFEVRE", first_name="Eloise", birth_date=date(2008, 3, 14)
    )
    session.commit()

    response = submit_signal_form(signed_in, birth_date="14/03/2008")

    assert response.status_code == 409
    assert "Un jeune de même nom, prénom et date de naissance existe déjà" in text(response)
    assert "Il s'agit d'un homonyme" in text(response)
    assert count(session, Youth) == 1


def test_homonym_ticked_creates_a_second_youth(signed_in, session, psad):
    make_youth(
        session, psad, last_name="LEFEVRE", first_name="Eloise", birth_date=date(2008, 3, 14)
    )
    session.commit()

    response = submit_signal_form(signed_in, birth_date="14/03/2008", allow_homonym="y")

    assert response.status_code == 302
    assert count(session, Youth) == 2


def test_homonym_ticked_does_not_bypass_the_ine_check(signed_in, session, psad):
    make_youth(session, psad, ine=VALID_INE)
    session.commit()

    response = submit_signal_form(signed_in, ine=VALID_INE, allow_homonym="y")

    assert response.status_code == 409
    assert count(session, Youth) == 1


@pytest.fixture
def amiens(session) -> Psad:
    return make_psad(session, code="AMIENS", name="PSAD d'Amiens")


def test_youth_followed_by_another_psad_is_refused_naming_that_psad(signed_in, session, amiens):
    make_youth(session, amiens, ine=VALID_INE)
    session.commit()

    response = submit_signal_form(signed_in, ine=VALID_INE)

    assert response.status_code == 409
    page = text(response)
    assert "Ce jeune est déjà suivi par la PSAD AMIENS (PSAD d'Amiens)" in page
    assert "Voir la fiche existante" not in page
    assert count(session, Youth) == 1


def test_same_name_in_another_psad_is_refused_naming_that_psad(signed_in, session, amiens):
    make_youth(
        session, amiens, last_name="Lefèvre", first_name="Éloïse", birth_date=date(2008, 3, 14)
    )
    session.commit()

    response = submit_signal_form(signed_in, birth_date="14/03/2008")

    assert response.status_code == 409
    assert "déjà suivi par la PSAD AMIENS" in text(response)


def test_homonym_in_another_psad_can_be_signalled_once_ticked(signed_in, session, amiens):
    make_youth(
        session, amiens, last_name="Lefèvre", first_name="Éloïse", birth_date=date(2008, 3, 14)
    )
    session.commit()

    response = submit_signal_form(signed_in, birth_date="14/03/2008", allow_homonym="y")

    assert response.status_code == 302
    assert count(session, Youth) == 2


# --- odd input (issue 8) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a" * 50_000, "La recherche est trop longue : 100 caractères au plus."),
        (" ".join(["mot"] * 1_000), "La recherche est trop longue : 100 caractères au plus."),
        ("a b c d e f g h i j k", "La recherche compte trop de mots : 10 au plus."),
    ],
    ids=["50000-characters", "1000-words", "11-words"],
)
def test_huge_search_gets_a_french_message(signed_in, eloise, query, message):
    response = signed_in.get("/jeunes", query_string={"q": query})

    assert response.status_code == 422
    assert field_error(response, "q") == message


def test_search_of_ten_words_is_accepted(signed_in, eloise):
    response = signed_in.get("/jeunes", query_string={"q": "Éloïse " * 9 + "Lefèvre"})

    assert response.status_code == 200
    assert rows(text(response)) == ["LEFÈVRE Éloïse"]


@pytest.mark.parametrize("value", ["01/01/0001", "0001-01-01", "31/12/9999", "9999-12-31"])
@pytest.mark.parametrize(
    ("field", "name"),
    [("birth_date", "Date de naissance"), ("school_exit_date", "Date de sortie de formation")],
)
def test_date_out_of_range_is_refused_naming_the_field_and_range(
    signed_in, session, field, name, value
):
    response = submit_signal_form(signed_in, **{field: value})

    assert response.status_code == 422
    assert field_error(response, field) == (
        f"« {name} » : la date doit être comprise entre le 01/01/1900 et le 31/12/2100."
    )
    assert count(session, Youth) == 0


def test_signal_form_accepts_the_phone_numbers_of_the_demo(signed_in, session):
    load_demo(session, today=clock.today(), youth_count=8)
    session.commit()
    before = set(session.scalars(select(Youth.id)))
    youth = session.scalars(
        select(Youth).join(Youth.guardians).where(Youth.phone.is_not(None)).limit(1)
    ).one()
    shown = format_phone(youth.phone), format_phone(youth.guardians[0].phone)

    response = submit_signal_form(
        signed_in, phone=shown[0], guardian_last_name="Parent", guardian_phone=shown[1]
    )

    assert response.status_code == 302
    signalled = session.scalars(select(Youth).where(Youth.id.not_in(before))).one()
    assert (signalled.phone, signalled.guardians[0].phone) == (
        youth.phone,
        youth.guardians[0].phone,
    )


CYRILLIC_A = "\u0430"  # « а », drawn like the Latin « a »
CYRILLIC_E = "\u0435"  # « е »


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "last_name",
            f"Lef{CYRILLIC_E}vre",
            f"Mélange d'alphabets dans « Lef{CYRILLIC_E}vre » : la lettre « {CYRILLIC_E} » "
            "est cyrillique. Retapez ce mot dans un seul alphabet.",
        ),
        (
            "first_name",
            f"Éloïse-M{CYRILLIC_A}rie",
            f"Mélange d'alphabets dans « M{CYRILLIC_A}rie » : la lettre « {CYRILLIC_A} » "
            "est cyrillique. Retapez ce mot dans un seul alphabet.",
        ),
        (
            "guardian_last_name",
            "Pαrent",
            "Mélange d'alphabets dans « Pαrent » : la lettre « α » est grecque. "
            "Retapez ce mot dans un seul alphabet.",
        ),
    ],
    ids=["last_name", "first_name", "guardian_last_name"],
)
def test_name_mixing_scripts_is_refused_under_its_field(signed_in, session, field, value, message):
    response = submit_signal_form(signed_in, **{field: value})

    assert response.status_code == 422
    assert field_error(response, field) == message
    assert count(session, Youth) == 0


def test_name_in_one_other_script_is_accepted(signed_in, session):
    response = submit_signal_form(signed_in, last_name="Иванова", first_name="Анна")

    assert response.status_code == 302
    assert session.scalars(select(Youth.last_name)).one() == "Иванова"


def test_name_with_a_cyrillic_letter_does_not_create_a_second_youth(signed_in, session, psad):
    make_youth(
        session, psad, last_name="Lefèvre", first_name="Éloïse", birth_date=date(2008, 3, 14)
    )
    session.commit()

    submit_signal_form(signed_in, last_name=f"Lef{CYRILLIC_E}vre", birth_date="14/03/2008")

    assert count(session, Youth) == 1


def test_fields_without_errors_carry_no_empty_aria_attributes(signed_in):
    page = text(signed_in.get("/jeunes/signaler"))

    assert 'aria-describedby="None"' not in page
    assert 'aria-invalid="None"' not in page
    assert 'aria-describedby="reason-aide"' in page  # a field with help keeps its link


def test_a_french_date_typed_before_another_error_is_shown_back_in_the_date_control(signed_in):
    response = submit_signal_form(signed_in, birth_date="14/03/2008", phone="12")

    assert response.status_code == 422
    assert 'value="2008-03-14"' in text(response)

"""The youth list's filters and sort (issue 11), through the real page: each filter keeps the
youth it names and drops the others, with a count that is the number of rows (every tab's
badge and the « N jeunes » line); filters combine; everything stays in the URL (the tabs', the
columns' and the pages' links, and a file's « précédent / suivant »); a value the list cannot
read is refused under its field, in French, and lists nobody."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy.orm import Session

from psad.auth.models import User
from psad.followup import services
from psad.followup.models import ObligationStep
from psad.followup.queries import Tab
from psad.followup.worklist import ListArgs, counts, ordered
from psad.reference.models import ReferenceKind
from psad.youth.models import CaseSource, CaseStage, Youth
from tests.factories import make_psad
from tests.followup.conftest import NOW, TODAY, World, reference
from tests.followup.helpers import add_task
from tests.followup.test_case import who
from tests.followup.test_contact_views import form
from tests.followup.test_obligation import record_step
from tests.followup.test_walk import link, walk_nav
from tests.followup.test_worklists import (
    adult,
    attempt,
    block,
    close_as_refused,
    darfi_request,
    scope_of,
    shown_counts,
    shown_rows,
    without_solution,
)
from tests.followup.test_worklists_priorities import siei_list
from tests.helpers import field_error, text

WORLD = ["LEFÈVRE Éloïse", "MARTIN Hugo"]  # the world's two youth, never contacted


def status_total(page: str) -> int:
    """The number of youth the « N jeunes » line under the tabs says the list holds."""
    found = re.search(r'<p role="status">(\d+) jeunes?\b', page)
    assert found, "the list shows no count"
    return int(found.group(1))


def listed(client: Any, session: Session, user: User, **params: str) -> list[str]:
    """The rows the list shows for ``params`` (on « Tous » unless ``onglet`` says otherwise),
    for ``client`` signed in as ``user``. On the way: the current tab's badge and the « N
    jeunes » line count those rows, and every tab's badge is the number of its rows."""
    query = {"onglet": Tab.ALL.value, **params}
    response = client.get("/jeunes", query_string=query)
    page = text(response)
    assert response.status_code == 200, re.findall(r'-erreur"[^>]*>([^<]*)<', page)
    rows = shown_rows(page)
    args = ListArgs.from_args(query)
    assert status_total(page) == len(rows)
    assert shown_counts(page)[args.tab.label] == len(rows)
    scope = scope_of(user)
    each_tab = {
        tab: len(list(session.scalars(ordered(scope, args.with_tab(tab), TODAY)))) for tab in Tab
    }
    assert counts(session, scope, args, TODAY) == each_tab
    assert shown_counts(page) == {tab.label: number for tab, number in each_tab.items()}
    return rows


def opened_on(youth: Youth, day: date) -> None:
    """Move the opening of the youth's open case (the factory opens every case on 01/10)."""
    case = youth.open_case
    assert case is not None
    case.opened_on = day


# --- each filter: a youth kept, a youth dropped --------------------------------------------


@pytest.fixture
def stages(session: Session, world: World) -> World:
    """Besides the world's two youth never contacted: « Essai », one failed attempt
    (contact en cours); « Suivi », reached and decided « Accompagné »."""
    attempt(session, world, adult(session, world, "Essai"), reached=False)
    followed = adult(session, world, "Suivi")
    attempt(session, world, followed, reached=True)
    case = followed.open_case
    assert case is not None
    services.change_stage(session, case=case, wanted=CaseStage.SUPPORTED, **who(world))
    session.commit()
    return world


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (CaseStage.TO_CONTACT, WORLD),
        (CaseStage.CONTACTING, ["ESSAI Test"]),
        (CaseStage.SUPPORTED, ["SUIVI Test"]),
        (CaseStage.SOLUTION, []),
    ],
)
def test_etape_keeps_the_open_files_at_that_stage(pilot_client, session, stages, stage, expected):
    assert listed(pilot_client, session, stages.pilot, etape=stage.value) == expected


def test_etape_drops_the_closed_files(pilot_client, session, world):
    close_as_refused(session, world, world.adult)
    session.commit()

    assert listed(pilot_client, session, world.pilot, etape="to_contact") == ["LEFÈVRE Éloïse"]


def test_situation_keeps_the_files_in_that_situation(pilot_client, session, world):
    lost = adult(session, world, "Perdu")
    attempt(session, world, lost, reached=True)
    without_solution(session, world, lost)
    attempt(session, world, adult(session, world, "Joint"), reached=True)
    session.commit()
    situation = reference(session, ReferenceKind.SITUATION, "no_solution")

    assert listed(pilot_client, session, world.pilot, situation=str(situation.id)) == ["PERDU Test"]


@pytest.fixture
def referents(session: Session, world: World) -> World:
    """« Confie » is the co-pilote's (no structure); Lefèvre the Lycée Baggio's; Martin
    nobody's."""
    confided = adult(session, world, "Confie")
    case = confided.open_case
    assert case is not None
    services.assign_referent(session, case=case, user=world.copilot, structure=None, **who(world))
    session.commit()
    return world


def test_referent_keeps_the_files_of_that_user(pilot_client, session, referents):
    rows = listed(pilot_client, session, referents.pilot, referent=str(referents.copilot.id))

    assert rows == ["CONFIE Test"]


def test_referent_aucun_keeps_the_files_without_a_referent_user(pilot_client, session, referents):
    assert listed(pilot_client, session, referents.pilot, referent="aucun") == WORLD


def test_structure_keeps_the_files_of_that_structure(pilot_client, session, referents):
    rows = listed(pilot_client, session, referents.pilot, structure=str(referents.school.id))

    assert rows == ["LEFÈVRE Éloïse"]


def test_structure_aucun_keeps_the_files_without_a_referent_structure(
    pilot_client, session, referents
):
    assert listed(pilot_client, session, referents.pilot, structure="aucun") == [
        "CONFIE Test",
        "MARTIN Hugo",
    ]


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        ("mineur", ["AVANTVEILLE Test", "LEFÈVRE Éloïse"]),
        ("majeur", ["ANNIVERSAIRE Test", "MARTIN Hugo"]),
    ],
)
def test_age_splits_at_the_eighteenth_birthday(pilot_client, session, world, age, expected):
    adult(session, world, "Anniversaire", birth_date=date(2008, 12, 7))  # 18 on TODAY
    adult(session, world, "Avantveille", birth_date=date(2008, 12, 8))  # 18 tomorrow
    adult(session, world, "Sansdate", birth_date=None)  # neither
    session.commit()

    assert listed(pilot_client, session, world.pilot, age=age) == expected


def test_of_keeps_the_minors_with_an_obligation_step_to_do(pilot_client, session, world):
    received = adult(session, world, "Recu", birth_date=date(2009, 6, 1))
    for youth in (world.minor, received):
        case = youth.open_case
        assert case is not None
        services.sync_obligation_tasks(session, case=case, today=TODAY, now=NOW)
    held = date(2026, 11, 2)  # the interview held closes the task of « Recu »
    record_step(session, world, ObligationStep.INTERVIEW, done_on=held, case=received.cases[0])
    session.commit()

    assert listed(pilot_client, session, world.pilot, of="1") == ["LEFÈVRE Éloïse"]


def test_darfi_keeps_the_requests_waiting_for_their_interview(pilot_client, session, world):
    darfi_request(session, world, adult(session, world, "Darfi"))
    session.commit()

    assert listed(pilot_client, session, world.pilot, darfi="1") == ["DARFI Test"]


def test_liste_keeps_the_youth_of_that_import(pilot_client, session, world):
    march = siei_list(session, world, [world.adult], datetime(2026, 3, 1, 9, tzinfo=UTC))
    siei_list(session, world, [world.minor], datetime(2026, 10, 1, 9, tzinfo=UTC))
    session.commit()

    assert listed(pilot_client, session, world.pilot, liste=str(march.id)) == ["MARTIN Hugo"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (CaseSource.LISTING, ["MARTIN Hugo"]),
        (CaseSource.REFERRAL, ["LEFÈVRE Éloïse"]),
        (CaseSource.SPONTANEOUS, []),
    ],
)
def test_source_keeps_the_files_opened_that_way(pilot_client, session, world, source, expected):
    world.adult_case.source = CaseSource.LISTING
    session.commit()

    assert listed(pilot_client, session, world.pilot, source=source.value) == expected


def test_etablissement_keeps_the_youth_of_that_school_whatever_the_case(
    pilot_client, session, world
):
    adult(session, world, "Baggio", school_uai="0590001A")
    adult(session, world, "Faidherbe", school_uai="0590002B")
    session.commit()

    assert listed(pilot_client, session, world.pilot, etablissement="0590001a") == ["BAGGIO Test"]


def test_etablissement_pasted_with_spaces_around_is_read(pilot_client, session, world):
    adult(session, world, "Baggio", school_uai="0590001A")
    session.commit()

    rows = listed(pilot_client, session, world.pilot, etablissement=" 0590001A ")

    assert rows == ["BAGGIO Test"]


def test_commune_keeps_the_youth_of_that_commune_whatever_the_case(pilot_client, session, world):
    adult(session, world, "Minuscule", commune="lille")
    adult(session, world, "Majuscule", commune="LILLE")
    adult(session, world, "Voisin", commune="Lille-Hellemmes")
    adult(session, world, "Roubaisien", commune="Roubaix")
    session.commit()

    assert listed(pilot_client, session, world.pilot, commune=" Lille ") == [
        "MAJUSCULE Test",
        "MINUSCULE Test",
    ]


def test_commune_with_an_accented_capital_is_found_whatever_the_case(pilot_client, session, world):
    adult(session, world, "Essonne", commune="Évry")
    adult(session, world, "Capitale", commune="ÉVRY")
    session.commit()

    assert listed(pilot_client, session, world.pilot, commune="Évry") == [
        "CAPITALE Test",
        "ESSONNE Test",
    ]


def test_sans_contact_counts_days_from_the_latest_contact_or_the_opening(
    pilot_client, session, world
):
    """« Sans contact depuis plus de 30 jours » on 07/12: contacted or opened before 07/11."""
    attempt(session, world, adult(session, world, "Ancien"), reached=True, hours_ago=31 * 24)
    attempt(session, world, adult(session, world, "Recent"), reached=True, hours_ago=29 * 24)
    opened_on(adult(session, world, "Ouvertlongtemps"), TODAY - timedelta(days=31))
    opened_on(adult(session, world, "Ouverttrente"), TODAY - timedelta(days=30))
    close_as_refused(session, world, adult(session, world, "Clos"))
    session.commit()

    assert listed(pilot_client, session, world.pilot, sans_contact="30") == [
        "ANCIEN Test",
        *WORLD,  # opened on 01/10, never contacted
        "OUVERTLONGTEMPS Test",
    ]


def test_sans_contact_counts_a_contact_on_its_day_in_paris(pilot_client, session, world):
    """Contacted on 07/11 at 00:00 in Paris (06/11 23:00 UTC): like a case opened on 07/11,
    not « sans contact depuis plus de 30 jours » on 07/12."""
    late_night = adult(session, world, "Minuit")
    attempt(session, world, late_night, reached=True, hours_ago=30 * 24 + 10)
    session.commit()

    assert "MINUIT Test" not in listed(pilot_client, session, world.pilot, sans_contact="30")


def test_sans_contact_reads_the_latest_contact_not_the_first(pilot_client, session, world):
    youth = adult(session, world, "Relance")
    attempt(session, world, youth, reached=False, hours_ago=40 * 24)
    attempt(session, world, youth, reached=False, hours_ago=2)
    session.commit()

    assert "RELANCE Test" not in listed(pilot_client, session, world.pilot, sans_contact="30")


def test_taches_en_retard_keeps_the_files_with_a_task_past_due(pilot_client, session, world):
    late, due_today = adult(session, world, "Retard"), adult(session, world, "Jourj")
    add_task(session, world, case=late.open_case, due_on=TODAY - timedelta(days=1))
    add_task(session, world, case=due_today.open_case, due_on=TODAY)
    session.commit()

    assert listed(pilot_client, session, world.pilot, taches_en_retard="1") == ["RETARD Test"]


def test_taches_en_retard_drops_a_file_whose_late_task_is_done(pilot_client, session, world):
    task = add_task(session, world, case=world.adult_case, due_on=TODAY - timedelta(days=1))
    services.complete_task(
        session, task=task, by=world.pilot, now=NOW, comment=None, actor=world.actor(world.pilot)
    )
    session.commit()

    assert listed(pilot_client, session, world.pilot, taches_en_retard="1") == []


def test_absent_keeps_the_youth_missing_from_the_latest_siei_list(pilot_client, session, world):
    adult(session, world, "Signale")  # never listed: never missing
    siei_list(session, world, [world.minor, world.adult], datetime(2026, 3, 1, 9, tzinfo=UTC))
    siei_list(session, world, [world.minor], datetime(2026, 10, 1, 9, tzinfo=UTC))
    session.commit()

    assert listed(pilot_client, session, world.pilot, absent="1") == ["MARTIN Hugo"]


def ticked(page: str, name: str) -> str:
    """The value a browser sends for the filter form's checkbox ``name`` once ticked."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*type="checkbox"[^>]*>', page)
    assert tag, f"no checkbox {name!r}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else "on"


def filter_form(page: str, **typed: str) -> dict[str, str]:
    """What a browser sends when « Filtrer » is clicked on ``page``: every field of the
    search form (empty or as shown, checkboxes left unticked) with the values ``typed``."""
    found = re.search(r'<form method="get" role="search".*?</form>', page, re.S)
    assert found, "no filter form"
    sent: dict[str, str] = {}
    for tag in re.findall(r"<(?:input|select)\b[^>]*>", found.group(0)):
        name = re.search(r'\bname="([^"]+)"', tag)
        if name is None or 'type="checkbox"' in tag or 'type="submit"' in tag:
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag) if tag.startswith("<input") else None
        sent[name.group(1)] = value.group(1) if value else ""
    return {**sent, **typed}


def test_the_filter_form_sent_with_its_empty_fields_filters_the_list(pilot_client, session, world):
    adult(session, world, "Roubaisien", commune="Roubaix")
    session.commit()
    form_page = text(pilot_client.get("/jeunes?onglet=tous"))

    rows = listed(pilot_client, session, world.pilot, **filter_form(form_page, commune="Roubaix"))

    assert rows == ["ROUBAISIEN Test"]


@pytest.mark.parametrize("name", ["of", "darfi", "taches_en_retard", "absent"])
def test_a_checkbox_ticked_in_the_filter_form_filters_the_list(pilot_client, world, name):
    form_page = text(pilot_client.get("/jeunes?onglet=tous"))

    page = text(
        pilot_client.get("/jeunes", query_string={"onglet": "tous", name: ticked(form_page, name)})
    )

    assert "avec les filtres choisis" in page


def test_ticking_darfi_in_the_form_lists_the_requests_waiting(pilot_client, session, world):
    darfi_request(session, world, adult(session, world, "Darfi"))
    session.commit()
    form_page = text(pilot_client.get("/jeunes?onglet=tous"))

    rows = listed(pilot_client, session, world.pilot, darfi=ticked(form_page, "darfi"))

    assert rows == ["DARFI Test"]


# --- combinations, tabs, scope -------------------------------------------------------------


@pytest.fixture
def roubaix(session: Session, world: World) -> World:
    """In Roubaix: « Ado » (16, never contacted), « Grand » (22, never contacted), « Parti »
    (22, closed) and « Appele » (22, a failed attempt); Martin stays in Lille."""
    adult(session, world, "Ado", commune="Roubaix", birth_date=date(2010, 1, 1))
    adult(session, world, "Grand", commune="Roubaix")
    close_as_refused(session, world, adult(session, world, "Parti", commune="Roubaix"))
    attempt(session, world, adult(session, world, "Appele", commune="Roubaix"), reached=False)
    world.adult.commune = "Lille"
    session.commit()
    return world


def test_filters_combine_each_one_narrowing_the_list(pilot_client, session, roubaix):
    both = listed(pilot_client, session, roubaix.pilot, commune="Roubaix", age="majeur")

    assert listed(pilot_client, session, roubaix.pilot, commune="Roubaix") == [
        "ADO Test",
        "APPELE Test",
        "GRAND Test",
        "PARTI Test",
    ]
    assert listed(pilot_client, session, roubaix.pilot, age="majeur") == [
        "APPELE Test",
        "GRAND Test",
        "MARTIN Hugo",
        "PARTI Test",
    ]
    assert both == ["APPELE Test", "GRAND Test", "PARTI Test"]


def test_three_filters_and_a_search_hold_together(pilot_client, session, roubaix):
    rows = listed(
        pilot_client,
        session,
        roubaix.pilot,
        commune="Roubaix",
        age="majeur",
        etape="to_contact",
        q="gr",
    )

    assert rows == ["GRAND Test"]


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        (Tab.ALL, ["ADO Test", "APPELE Test", "GRAND Test", "PARTI Test"]),
        (Tab.TO_PROCESS, ["ADO Test", "GRAND Test"]),
        (Tab.TO_RECONTACT, ["APPELE Test"]),
        (Tab.CLOSED, ["PARTI Test"]),
        (Tab.IN_PROGRESS, []),
    ],
)
def test_each_tab_holds_its_share_of_the_filtered_youth(
    pilot_client, session, roubaix, tab, expected
):
    rows = listed(pilot_client, session, roubaix.pilot, onglet=tab.value, commune="Roubaix")

    assert rows == expected


def test_the_status_line_says_the_filters_are_on(pilot_client, roubaix):
    page = text(pilot_client.get("/jeunes?onglet=tous&commune=Roubaix"))

    assert '<p role="status">4 jeunes avec les filtres choisis.</p>' in page
    assert "Filtres (actifs)" in page


def test_a_filter_that_keeps_nobody_says_so(pilot_client, session, roubaix):
    page = text(pilot_client.get("/jeunes?onglet=tous&commune=Tourcoing"))

    assert "Aucun jeune ne correspond à ces filtres." in page
    assert status_total(page) == 0


def test_the_priority_block_holds_only_the_filtered_youth(pilot_client, roubaix):
    page = text(pilot_client.get("/jeunes?onglet=a-traiter&commune=Roubaix"))

    assert "ADO Test" in block(page)  # 16: a minor under the obligation de formation
    assert "LEFÈVRE Éloïse" not in block(page)  # a minor too, but not in Roubaix
    assert "LEFÈVRE Éloïse" in block(text(pilot_client.get("/jeunes?onglet=a-traiter")))


def test_a_page_past_the_last_shows_the_last_of_the_filtered_list(pilot_client, roubaix):
    page = text(pilot_client.get("/jeunes?onglet=tous&commune=Roubaix&page=9"))

    assert shown_rows(page) == ["ADO Test", "APPELE Test", "GRAND Test", "PARTI Test"]


def test_a_partner_filtered_list_holds_only_their_youth(client, session, world, frozen_clock):
    adult(session, world, "Lycee", commune="Roubaix", referent_structure=world.school)
    adult(session, world, "Mission", commune="Roubaix", referent_structure=world.mission)
    adult(session, world, "Personne", commune="Roubaix")
    session.commit()
    client.sign_in(world.partner)

    assert listed(client, session, world.partner, commune="Roubaix") == ["LYCEE Test"]
    assert listed(client, session, world.partner, structure="aucun") == []


# --- everything stays in the URL -----------------------------------------------------------


def href(page: str, label: str) -> str:
    """The target of the link whose text starts with ``label`` (tabs, sortable columns,
    pages)."""
    found = re.search(rf'<a class="[^"]*" (?:aria-current="page" )?href="([^"]+)">{label}', page)
    found = found or re.search(rf'<a href="([^"]+)">{label}', page)
    assert found, f"no link {label!r}"
    return found.group(1)


def params_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_tab_links_keep_the_filters_and_the_sort(pilot_client, session, roubaix):
    page = text(pilot_client.get("/jeunes?onglet=tous&commune=Roubaix&age=majeur&tri=-naissance"))

    closed = href(page, "Clos")

    assert params_of(closed) == {
        "onglet": "clos",
        "commune": "Roubaix",
        "age": "majeur",
        "tri": "-naissance",
    }
    assert shown_rows(text(pilot_client.get(closed))) == ["PARTI Test"]


def test_sort_links_keep_the_tab_and_the_filters(pilot_client, session, roubaix):
    page = text(pilot_client.get("/jeunes?onglet=tous&commune=Roubaix&age=majeur"))

    by_commune = href(page, "Commune")

    assert params_of(by_commune) == {
        "onglet": "tous",
        "commune": "Roubaix",
        "age": "majeur",
        "tri": "commune",
    }


def test_the_search_form_keeps_the_tab_and_the_sort(pilot_client, roubaix):
    page = text(pilot_client.get("/jeunes?onglet=clos&tri=-commune"))

    assert 'name="onglet" value="clos"' in page
    assert 'name="tri" value="-commune"' in page


def test_pagination_links_keep_the_filters(pilot_client, session, world):
    for number in range(30):
        adult(session, world, f"Rbx{number:02d}", commune="Roubaix")
    adult(session, world, "Rbxlille", commune="Lille")  # among them by name, not by commune
    session.commit()

    first = text(pilot_client.get("/jeunes?onglet=tous&commune=Roubaix"))
    following = href(first, "Suivante")
    second = text(pilot_client.get(following))

    assert params_of(following) == {"onglet": "tous", "commune": "Roubaix", "page": "2"}
    assert shown_rows(first) == [f"RBX{number:02d} Test" for number in range(25)]
    assert shown_rows(second) == [f"RBX{number:02d} Test" for number in range(25, 30)]
    assert status_total(first) == status_total(second) == 30
    assert shown_counts(second)["Tous"] == 30


@pytest.fixture
def walkers(session: Session, world: World) -> dict[str, Youth]:
    """By name: Alpha (Roubaix, born 2003), Bravo (Lille), Charlie (Roubaix, 2001), Delta
    (Roubaix, 2002)."""
    youth = {
        "alpha": adult(session, world, "Alpha", commune="Roubaix", birth_date=date(2003, 1, 1)),
        "bravo": adult(session, world, "Bravo", commune="Lille", birth_date=date(2002, 6, 1)),
        "charlie": adult(session, world, "Charlie", commune="Roubaix", birth_date=date(2001, 1, 1)),
        "delta": adult(session, world, "Delta", commune="Roubaix", birth_date=date(2002, 1, 1)),
    }
    session.commit()
    return youth


def file_link(page: str, name: str) -> str:
    """The link of a row of the list to the youth's file."""
    found = re.search(rf'<th scope="row"><a href="([^"]+)">{name}</a></th>', page)
    assert found, f"no row {name!r}"
    return found.group(1)


def test_a_file_opened_from_a_filtered_list_walks_that_list(pilot_client, walkers):
    page = text(pilot_client.get("/jeunes?onglet=tous&commune=Roubaix"))

    nav = walk_nav(text(pilot_client.get(file_link(page, "ALPHA Test"))))

    assert "1 / 3" in nav
    following = link(nav, "Suivant →")
    assert following is not None
    assert urlsplit(following).path == f"/jeunes/{walkers['charlie'].id}"  # not Bravo (Lille)
    assert dict(parse_qsl(params_of(following)["depuis"])) == {
        "onglet": "tous",
        "commune": "Roubaix",
    }
    back = link(nav, "Liste « Tous »")
    assert back is not None
    assert params_of(back) == {"onglet": "tous", "commune": "Roubaix", "page": "1"}


def test_suivant_follows_the_filtered_list_in_its_order(pilot_client, walkers):
    """Sorted by birth date: Charlie (2001), Delta (2002), Alpha (2003); Bravo is in Lille."""
    page = text(pilot_client.get("/jeunes?onglet=tous&commune=Roubaix&tri=naissance"))
    assert shown_rows(page) == ["CHARLIE Test", "DELTA Test", "ALPHA Test"]

    nav = walk_nav(text(pilot_client.get(file_link(page, "DELTA Test"))))
    following = link(nav, "Suivant →")
    previous = link(nav, "← Précédent")

    assert "2 / 3" in nav
    assert following is not None and previous is not None
    assert urlsplit(following).path == f"/jeunes/{walkers['alpha'].id}"
    assert urlsplit(previous).path == f"/jeunes/{walkers['charlie'].id}"
    last = walk_nav(text(pilot_client.get(following)))
    assert "3 / 3" in last
    assert link(last, "Suivant →") is None


def test_walking_down_the_names_of_a_filtered_list(pilot_client, walkers):
    page = text(pilot_client.get("/jeunes?onglet=tous&commune=Roubaix&tri=-nom"))
    assert shown_rows(page) == ["DELTA Test", "CHARLIE Test", "ALPHA Test"]

    nav = walk_nav(text(pilot_client.get(file_link(page, "CHARLIE Test"))))
    following, previous = link(nav, "Suivant →"), link(nav, "← Précédent")

    assert "2 / 3" in nav
    assert following is not None and previous is not None
    assert urlsplit(following).path == f"/jeunes/{walkers['alpha'].id}"
    assert urlsplit(previous).path == f"/jeunes/{walkers['delta'].id}"


# --- sortable columns ----------------------------------------------------------------------


def test_walking_a_list_filtered_on_the_case(pilot_client, session, world):
    school = adult(session, world, "Ecole", referent_structure=world.school)
    session.commit()
    page = text(pilot_client.get(f"/jeunes?onglet=tous&structure={world.school.id}"))
    assert shown_rows(page) == ["ECOLE Test", "LEFÈVRE Éloïse"]

    nav = walk_nav(text(pilot_client.get(file_link(page, "LEFÈVRE Éloïse"))))
    previous = link(nav, "← Précédent")

    assert "2 / 2" in nav
    assert previous is not None
    assert urlsplit(previous).path == f"/jeunes/{school.id}"  # not Martin (no structure)
    assert link(nav, "Suivant →") is None


def test_save_and_next_opens_the_next_youth_of_the_filtered_list(pilot_client, session, walkers):
    page = text(pilot_client.get("/jeunes?onglet=a-traiter&commune=Roubaix"))
    depuis = params_of(file_link(page, "ALPHA Test"))["depuis"]

    response = pilot_client.submit(
        f"/jeunes/{walkers['alpha'].id}/contacts/nouveau",
        form(session, save_next="Enregistrer et suivant", submit=None),
        query_string={"depuis": depuis},
    )

    assert response.status_code == 302
    assert urlsplit(response.location).path == f"/jeunes/{walkers['charlie'].id}"  # not Bravo
    assert params_of(response.location)["depuis"] == depuis


@pytest.fixture
def sortable(session: Session, world: World) -> World:
    """Four youth (the search « test » finds them only), each column with an empty value:

    ========  ==========  ============  ==========  ================
    name      born        commune       opened      latest contact
    ========  ==========  ============  ==========  ================
    Alpha     2001-01-01  Lille         2026-11-01  48 hours ago
    Bravo     (none)      Roubaix       2026-09-01  2 hours ago
    Charlie   2003-06-06  (none)        2026-10-15  (never)
    Delta     2002-02-02  Armentières   2026-12-01  100 hours ago
    ========  ==========  ============  ==========  ================
    """
    rows = [
        ("Alpha", date(2001, 1, 1), "Lille", date(2026, 11, 1), 48),
        ("Bravo", None, "Roubaix", date(2026, 9, 1), 2),
        ("Charlie", date(2003, 6, 6), None, date(2026, 10, 15), None),
        ("Delta", date(2002, 2, 2), "Armentières", date(2026, 12, 1), 100),
    ]
    for name, born, commune, opened, hours_ago in rows:
        youth = adult(session, world, name, birth_date=born, commune=commune)
        opened_on(youth, opened)
        if hours_ago is not None:
            attempt(session, world, youth, reached=True, hours_ago=hours_ago)
    session.commit()
    return world


@pytest.mark.parametrize(
    ("tri", "expected"),
    [
        ("nom", "ABCD"),
        ("-nom", "DCBA"),
        ("naissance", "ADCB"),
        ("-naissance", "CDAB"),
        ("commune", "DABC"),
        ("-commune", "BADC"),
        ("ouverture", "BCAD"),
        ("-ouverture", "DACB"),
        ("contact", "DABC"),
        ("-contact", "BADC"),
    ],
)
def test_each_column_sorts_up_and_down_with_empty_values_last(
    pilot_client, session, sortable, tri, expected
):
    rows = listed(pilot_client, session, sortable.pilot, q="test", tri=tri)

    assert [row[0] for row in rows] == list(expected)


def test_the_sorted_column_says_so_and_its_link_reverses_it(pilot_client, sortable):
    page = text(pilot_client.get("/jeunes?onglet=tous&q=test&tri=naissance"))

    assert re.search(
        r'<th scope="col" aria-sort="ascending"><a href="[^"]*">Date de naissance', page
    )
    assert params_of(href(page, "Date de naissance"))["tri"] == "-naissance"
    assert "tri" not in params_of(href(page, "Nom"))  # the name, upwards: the default


def test_an_unknown_sort_lists_by_name(pilot_client, session, sortable):
    rows = listed(pilot_client, session, sortable.pilot, q="test", tri="taille")

    assert [row[0] for row in rows] == list("ABCD")


@pytest.mark.xfail(
    reason="BUG: the commune sorts on its stored text (capitals and accents by code point), "
    "not on a folded key as names do",
    strict=True,
)
def test_communes_sort_in_alphabetical_order_whatever_their_accents_and_case(
    pilot_client, session, world
):
    for name, commune in [
        ("Un", "Lille"),
        ("Deux", "Étaples"),
        ("Trois", "armentières"),
        ("Quatre", "Marcq-en-Barœul"),
    ]:
        adult(session, world, name, commune=commune)
    session.commit()

    rows = listed(pilot_client, session, world.pilot, q="test", tri="commune")

    assert rows == ["TROIS Test", "DEUX Test", "UN Test", "QUATRE Test"]


# --- values the list cannot read -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("sans_contact", "abc", "N'est pas un entier valide."),
        ("sans_contact", "0", "Indiquez un nombre de jours entre 1 et 3650."),
        ("sans_contact", "3651", "Indiquez un nombre de jours entre 1 et 3650."),
        ("etablissement", "XYZ", "Un UAI s'écrit avec 7 chiffres et une lettre (ex. 0590001A)."),
        ("situation", "999999", "N'est pas un choix valide."),
        ("referent", "personne", "N'est pas un choix valide."),
        ("age", "vieux", "N'est pas un choix valide."),
        ("etape", "fini", "N'est pas un choix valide."),
    ],
)
def test_a_value_the_list_cannot_read_is_refused_under_its_field(
    pilot_client, world, name, value, message
):
    response = pilot_client.get("/jeunes", query_string={"onglet": "tous", name: value})

    assert response.status_code == 422
    assert message in field_error(response, name)
    assert shown_rows(text(response)) == []
    assert "Corrigez la recherche ou les filtres pour afficher la liste." in text(response)


def test_a_refused_filter_keeps_the_tab_and_the_other_filters_in_the_form(pilot_client, world):
    response = pilot_client.get(
        "/jeunes", query_string={"onglet": "clos", "commune": "Roubaix", "sans_contact": "abc"}
    )

    page = text(response)
    assert response.status_code == 422
    assert 'name="onglet" value="clos"' in page
    assert re.search(r'id="commune"[^>]*value="Roubaix"', page)


def test_a_list_of_another_psad_is_refused(pilot_client, session, world):
    elsewhere = siei_list(session, world, [world.adult], datetime(2026, 3, 1, 9, tzinfo=UTC))
    elsewhere.psad_id = make_psad(session, code="AMIENS", name="PSAD d'Amiens").id
    session.commit()

    response = pilot_client.get("/jeunes", query_string={"liste": str(elsewhere.id)})

    assert response.status_code == 422
    assert field_error(response, "liste") == "N'est pas un choix valide."

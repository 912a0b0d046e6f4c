"""The list filters the reminders' links open (issue 14), through the real pages.

On the youth list: « sur une liste importée il y a au moins N jours » (``liste_depuis``),
« majeurs dans les N jours » (``majorite``), « âgés d'au moins N ans » (``age_min``) and
« rappels adressés à » (``destinataire``): each keeps the youth it names and drops the others,
stays in the tabs' links and in a file's « précédent / suivant », and a value the list cannot
read is refused under its field. On « Mes tâches »: a rule (``regle``), due dates
(``echeance_min``, ``echeance_max``) and whose tasks (``assignation=aucun``: for nobody,
pilotes and co-pilotes only; ``assignation=relances``: those the reminders tell of), shown as
active filters with « Tout afficher », and an honest empty state.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy.orm import Session

from psad import clock
from psad.followup import services
from psad.followup.models import TaskRule
from psad.followup.queries import years_before
from psad.youth.models import Youth
from tests.followup.conftest import TODAY, World
from tests.followup.helpers import add_task
from tests.followup.test_list_filters import file_link, href, listed, params_of
from tests.followup.test_walk import link, walk_nav
from tests.followup.test_worklists import adult, attempt, close_as_refused
from tests.followup.test_worklists_priorities import siei_list
from tests.helpers import field_error, text


def opened(youth: Youth, day: date) -> None:
    case = youth.open_case
    assert case is not None
    case.opened_on = day


def paris(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.PARIS).astimezone(UTC)


# --- « sur une liste importée il y a au moins N jours » ---------------------------------------


@pytest.fixture
def lists(session: Session, world: World) -> World:
    """« Ancien », on a list imported 30 days ago and opened then; « Recent », on a list of 29
    days ago; « Revenu », on the old list but whose case was opened 5 days ago; « Joint », on
    the old list, contacted."""
    old, recent, back, reached = (
        adult(session, world, name) for name in ("Ancien", "Recent", "Revenu", "Joint")
    )
    for youth in (old, back, reached):
        opened(youth, TODAY - timedelta(days=30))
    opened(recent, TODAY - timedelta(days=29))
    opened(back, TODAY - timedelta(days=5))
    siei_list(session, world, [old, back, reached], paris(TODAY - timedelta(days=30), 9))
    siei_list(session, world, [recent], paris(TODAY - timedelta(days=29), 9))
    attempt(session, world, reached, reached=True)
    session.commit()
    return world


def test_liste_depuis_keeps_the_youth_of_a_list_imported_n_days_ago_or_more(
    pilot_client, session, lists
):
    assert listed(pilot_client, session, lists.pilot, liste_depuis="30") == [
        "ANCIEN Test",
        "JOINT Test",
    ]


def test_liste_depuis_on_a_traiter_keeps_those_never_contacted(pilot_client, session, lists):
    rows = listed(pilot_client, session, lists.pilot, onglet="a-traiter", liste_depuis="30")

    assert rows == ["ANCIEN Test"]


def test_liste_depuis_counts_the_days_of_the_latest_list_too(pilot_client, session, lists):
    assert listed(pilot_client, session, lists.pilot, liste_depuis="29") == [
        "ANCIEN Test",
        "JOINT Test",
        "RECENT Test",
    ]


# --- « majeurs dans les N jours », « âgés d'au moins N ans » ----------------------------------


def test_majorite_keeps_the_minors_turning_18_within_n_days(pilot_client, session, world):
    adult(session, world, "Demain", birth_date=years_before(TODAY + timedelta(days=1), 18))
    adult(session, world, "Trente", birth_date=years_before(TODAY + timedelta(days=30), 18))
    adult(session, world, "Trenteetun", birth_date=years_before(TODAY + timedelta(days=31), 18))
    adult(session, world, "Majeur", birth_date=years_before(TODAY, 18))
    close_as_refused(
        session,
        world,
        adult(session, world, "Clos", birth_date=years_before(TODAY + timedelta(days=2), 18)),
    )
    session.commit()

    assert listed(pilot_client, session, world.pilot, majorite="30") == [
        "DEMAIN Test",
        "TRENTE Test",
    ]


def test_age_min_keeps_the_open_cases_of_that_age_or_more(pilot_client, session, world):
    adult(session, world, "Vingtsix", birth_date=years_before(TODAY, 26))
    adult(session, world, "Presque", birth_date=years_before(TODAY + timedelta(days=1), 26))
    adult(session, world, "Trente", birth_date=date(1996, 1, 1))
    close_as_refused(session, world, adult(session, world, "Clos", birth_date=date(1990, 1, 1)))
    session.commit()

    assert listed(pilot_client, session, world.pilot, age_min="26") == [
        "TRENTE Test",
        "VINGTSIX Test",
    ]


# --- « rappels adressés à » --------------------------------------------------------------------


@pytest.fixture
def referents(session: Session, world: World) -> World:
    """« Confie », the co-pilote's; « Cio », the CIO's (the pilote's structure); Lefèvre, the
    Lycée Baggio's; Martin, nobody's."""
    confided = adult(session, world, "Confie", referent_structure=world.school)
    case = confided.open_case
    assert case is not None
    case.referent_user = world.copilot
    adult(session, world, "Cio", referent_structure=world.cio)
    session.commit()
    return world


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("pilot", ["CIO Test", "MARTIN Hugo"]),  # the CIO's, and the PSAD's without referent
        ("copilot", ["CONFIE Test", "MARTIN Hugo"]),
        ("partner", ["LEFÈVRE Éloïse"]),  # not « Confie »: the co-pilote is her referent
    ],
)
def test_destinataire_keeps_the_youth_whose_reminders_go_to_that_user(
    pilot_client, session, referents, who, expected
):
    user = getattr(referents, who)

    assert listed(pilot_client, session, referents.pilot, destinataire=str(user.id)) == expected


def test_destinataire_offers_the_members_who_follow_youth(pilot_client, referents):
    page = text(pilot_client.get("/jeunes?onglet=tous"))

    select = re.search(r'<select[^>]*name="destinataire".*?</select>', page, re.S)
    assert select is not None
    assert "Karim Benali" in select.group(0) and "Luc Petit" not in select.group(0)


# --- in the URL, the tabs and the walk ---------------------------------------------------------


def test_the_new_filters_stay_in_the_tabs_links(pilot_client, session, lists):
    url = f"/jeunes?onglet=tous&liste_depuis=30&age_min=20&majorite=5&destinataire={lists.pilot.id}"
    page = text(pilot_client.get(url))

    assert params_of(href(page, "Clos")) == {
        "onglet": "clos",
        "liste_depuis": "30",
        "majorite": "5",
        "age_min": "20",
        "destinataire": str(lists.pilot.id),
    }
    assert "Filtres (actifs)" in page


def test_a_file_opened_from_the_filtered_list_walks_it(pilot_client, session, lists):
    page = text(
        pilot_client.get(f"/jeunes?onglet=tous&liste_depuis=30&destinataire={lists.pilot.id}")
    )

    nav = walk_nav(text(pilot_client.get(file_link(page, "ANCIEN Test"))))

    assert "1 / 2" in nav
    following = link(nav, "Suivant →")
    assert following is not None
    assert dict(parse_qsl(params_of(following)["depuis"])) == {
        "onglet": "tous",
        "liste_depuis": "30",
        "destinataire": str(lists.pilot.id),
    }
    last = walk_nav(text(pilot_client.get(following)))
    assert "2 / 2" in last and link(last, "Suivant →") is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("liste_depuis", "0", "Indiquez un nombre de jours entre 1 et 3650."),
        ("majorite", "abc", "N'est pas un entier valide."),
        ("age_min", "120", "Indiquez un âge entre 1 et 99 ans."),
    ],
)
def test_an_unreadable_value_is_refused_under_its_field(pilot_client, name, value, message):
    response = pilot_client.get("/jeunes", query_string={"onglet": "tous", name: value})

    assert response.status_code == 422
    assert message in field_error(response, name)


def test_an_unknown_destinataire_is_refused_under_its_field(pilot_client):
    response = pilot_client.get("/jeunes?onglet=tous&destinataire=999999")

    assert response.status_code == 422
    assert field_error(response, "destinataire")


# --- « Mes tâches » ---------------------------------------------------------------------------


def tasks_shown(page: str) -> list[str]:
    """The titles of the tasks the page lists, in order."""
    found = re.findall(r'<th scope="row"><a href="/jeunes/\d+">[^<]+</a></th>\s*<td>([^<]+)', page)
    return [title.strip() for title in found]


@pytest.fixture
def chores(session: Session, world: World) -> World:
    """For the pilote: « Hier » (overdue), « Aujourd'hui », « Semaine prochaine »; for nobody:
    « Personne » (yesterday), a DARFI interview « Darfi » (in 2 days); for the co-pilote:
    « Karim »; for the Lycée Baggio, on its youth: « Lycée »."""
    for title, due_on in [("Hier", -1), ("Aujourd'hui", 0), ("Semaine prochaine", 8)]:
        add_task(
            session, world, title=title, due_on=TODAY + timedelta(days=due_on), user=world.pilot
        )
    for title, due_on, rule in [
        ("Personne", TODAY - timedelta(days=1), TaskRule.MANUAL),
        ("Darfi", TODAY + timedelta(days=2), TaskRule.DARFI_INTERVIEW),
    ]:
        services.add_task(
            session,
            case=world.adult_case,
            title=title,
            due_on=due_on,
            user=None,
            structure=None,
            by=None,
            actor=world.actor(world.pilot),
            rule=rule,
        )
    add_task(session, world, title="Karim", user=world.copilot)
    add_task(session, world, title="Lycée", structure=world.school)
    session.commit()
    return world


def my_tasks(client: Any, **params: str) -> str:
    response = client.get("/taches", query_string=params)
    assert response.status_code == 200
    return text(response)


def test_my_tasks_without_filters_is_unchanged(pilot_client, chores):
    page = my_tasks(pilot_client)

    assert tasks_shown(page) == ["Hier", "Aujourd'hui", "Semaine prochaine"]
    assert "Filtres actifs" not in page


def test_regle_keeps_the_tasks_of_those_rules(pilot_client, chores):
    page = my_tasks(pilot_client, regle="darfi_interview", assignation="aucun")

    assert tasks_shown(page) == ["Darfi"]
    assert "Type : Entretien DARFI (15 jours)" in page


def test_regle_takes_several_rules(pilot_client, chores):
    page = my_tasks(pilot_client, regle="manual,darfi_interview", assignation="relances")

    assert tasks_shown(page) == ["Hier", "Personne", "Aujourd'hui", "Darfi", "Semaine prochaine"]


def test_echeance_bounds_the_due_dates(pilot_client, chores):
    page = my_tasks(pilot_client, echeance_min=TODAY.isoformat(), echeance_max=TODAY.isoformat())

    assert tasks_shown(page) == ["Aujourd'hui"]
    assert "Échéance le 07/12/2026" in page


def test_echeance_max_alone_keeps_the_overdue(pilot_client, chores):
    page = my_tasks(pilot_client, echeance_max=(TODAY - timedelta(days=1)).isoformat())

    assert tasks_shown(page) == ["Hier"]
    assert "Échéance jusqu'au 06/12/2026" in page


def test_assignation_aucun_lists_the_tasks_for_nobody_to_the_pilote(pilot_client, chores):
    page = my_tasks(pilot_client, assignation="aucun")

    assert tasks_shown(page) == ["Personne", "Darfi"]
    assert "Confiées à personne" in page


def test_assignation_aucun_lists_nothing_to_a_partner(client, chores, frozen_clock):
    client.sign_in(chores.partner)

    page = my_tasks(client, assignation="aucun")

    assert tasks_shown(page) == []
    assert "Aucune tâche ouverte ne correspond à ces filtres" in page


def test_assignation_relances_lists_what_the_reminders_tell_the_pilote(pilot_client, chores):
    page = my_tasks(pilot_client, assignation="relances")

    assert tasks_shown(page) == ["Hier", "Personne", "Aujourd'hui", "Darfi", "Semaine prochaine"]
    assert "Karim" not in tasks_shown(page) and "Lycée" not in tasks_shown(page)


def test_assignation_relances_lists_her_structures_tasks_to_the_partner(
    client, chores, frozen_clock
):
    client.sign_in(chores.partner)

    assert tasks_shown(my_tasks(client, assignation="relances")) == ["Lycée"]


def test_filters_are_shown_with_a_link_to_show_everything(pilot_client, chores):
    page = my_tasks(pilot_client, regle="manual", echeance_max="2026-12-06")

    assert "Filtres actifs" in page
    assert "Type : Tâche" in page
    assert '<p role="status" class="mb-2">1 tâche ouverte avec ces filtres.</p>' in page
    everything = re.search(r'<a href="([^"]+)">Tout afficher</a>', page)
    assert everything is not None and urlsplit(everything.group(1)).query == ""
    assert tasks_shown(my_tasks(pilot_client)) == ["Hier", "Aujourd'hui", "Semaine prochaine"]


def test_a_filter_that_keeps_nothing_says_so(pilot_client, chores):
    page = my_tasks(pilot_client, regle="committee_decision")

    assert tasks_shown(page) == []
    assert "Aucune tâche ouverte ne correspond à ces filtres" in page
    assert "Aucune tâche.</p>" not in page  # no empty group under the message


@pytest.mark.parametrize(
    "params",
    [{"regle": "inconnue"}, {"echeance_max": "07/12/2026"}, {"assignation": "tous"}],
)
def test_an_unreadable_task_filter_is_dropped(pilot_client, chores, params):
    page = my_tasks(pilot_client, **params)

    assert tasks_shown(page) == ["Hier", "Aujourd'hui", "Semaine prochaine"]
    assert "Filtres actifs" not in page

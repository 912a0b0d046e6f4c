"""The digest's words, from counts alone: subject, French date, one line per count with its
link, initials only when given, the preference link, and HTML that escapes everything and
loads nothing (the e-mails received are read in test_run.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask

from psad.reminders.digest import Digest, compose_digest, digest_subject
from psad.reminders.jobs import links_of, path_for
from psad.reminders.models import ReminderKind
from psad.reminders.rules import Due

MONDAY = date(2026, 12, 7)
LILLE, ROUBAIX = 1, 2
NAMES = {LILLE: "PSAD de Lille", ROUBAIX: "PSAD de Roubaix"}
BASE_URL = "https://psad.example.org"


def due(kind: ReminderKind, count: int, text: str, psad_id: int = LILLE, **more: object) -> Due:
    values: dict[str, object] = {
        "endpoint": "youth.index",
        "args": {"onglet": "tous", "sans_contact": "45", "destinataire": "7"},
        **more,
    }
    return Due(kind=kind, psad_id=psad_id, user_id=7, count=count, text=text, **values)  # type: ignore[arg-type]


LATE = due(ReminderKind.TASKS_OVERDUE, 2, "2 tâches en retard", endpoint="followup.my_tasks",
           args={"echeance_max": "2026-12-06", "assignation": "relances"})  # fmt: skip
SILENT = due(ReminderKind.NO_CONTACT, 3, "3 dossiers ouverts sans contact depuis plus de 45 jours")


def compose(app: Flask, items: list[Due], base_url: str | None = BASE_URL,
            today: date = MONDAY) -> Digest:  # fmt: skip
    with links_of(app):
        return compose_digest(
            items, psad_names=NAMES, today=today, link_for=path_for, base_url=base_url
        )


def test_the_subject_names_the_psad_and_the_day_in_french():
    assert digest_subject(["PSAD de Lille"], MONDAY) == (
        "PSAD de Lille — vos rappels du lundi 7 décembre 2026"
    )
    assert digest_subject(["PSAD de Lille"], date(2027, 3, 1)) == (
        "PSAD de Lille — vos rappels du lundi 1er mars 2027"
    )
    assert digest_subject(["PSAD de Lille", "PSAD de Roubaix"], MONDAY) == (
        "Vos rappels PSAD du lundi 7 décembre 2026"
    )


def test_each_count_has_its_line_and_its_absolute_link(app):
    digest = compose(app, [SILENT, LATE])

    text = digest.body_text
    assert "Voici vos rappels du lundi 7 décembre 2026." in text
    late = f"{BASE_URL}/taches?echeance_max=2026-12-06&assignation=relances"
    silent = f"{BASE_URL}/jeunes?onglet=tous&sans_contact=45&destinataire=7"
    assert f"- 2 tâches en retard\n  Voir la liste : {late}" in text
    assert (
        f"- 3 dossiers ouverts sans contact depuis plus de 45 jours\n  Voir la liste : {silent}"
        in text
    )
    assert text.index("2 tâches en retard") < text.index("3 dossiers")  # the kinds' order
    assert (
        f'<a href="{late.replace("&", "&amp;")}" style="color:#000091;">2 tâches en retard</a>'
        in (digest.body_html)
    )


def test_the_footer_links_to_the_preference_and_says_no_youth_is_named(app):
    digest = compose(app, [LATE])

    assert "« Mon compte », https://psad.example.org/compte/rappels" in digest.body_text
    assert '<a href="https://psad.example.org/compte/rappels"' in digest.body_html
    for body in (digest.body_text, digest.body_html):
        assert "Ce courriel ne nomme volontairement aucun jeune" in body
        assert "chaque jour, chaque semaine ou jamais" in body


def test_without_base_url_it_says_links_are_unavailable_and_gives_paths(app):
    digest = compose(app, [LATE], base_url=None)

    assert "Les liens vers l'application ne sont pas disponibles" in digest.body_text
    assert "([web] base_url)" in digest.body_text
    path = "/taches?echeance_max=2026-12-06&assignation=relances"
    assert f"Chemin dans l'application : {path}" in digest.body_text
    assert f"Chemin dans l'application : {path.replace('&', '&amp;')}" in digest.body_html
    assert "href=" not in digest.body_html


def test_a_section_per_psad_in_the_order_of_their_names(app):
    roubaix_late = due(ReminderKind.TASKS_OVERDUE, 1, "1 tâche en retard", psad_id=ROUBAIX)
    digest = compose(app, [roubaix_late, LATE])

    assert digest.subject == "Vos rappels PSAD du lundi 7 décembre 2026"
    text = digest.body_text
    assert text.index("PSAD de Lille\n---") < text.index("2 tâches")
    assert text.index("2 tâches") < text.index("PSAD de Roubaix\n---") < text.index("1 tâche ")
    assert digest.body_html.count("<h2") == 2


def test_initials_appear_only_when_the_count_has_them(app):
    with_initials = due(ReminderKind.NO_CONTACT, 2, "2 dossiers ouverts sans contact",
                        initials=("H. M.", "É. L."))  # fmt: skip

    shown = compose(app, [with_initials, LATE])

    assert shown.body_text.count("Initiales") == 1
    assert "Initiales : H. M., É. L." in shown.body_text
    assert "Initiales : H. M., É. L." in shown.body_html
    assert "Initiales" not in compose(app, [LATE, SILENT]).body_text


@pytest.mark.parametrize("hostile", ['<script>alert("x")</script>', "Nord & Pas-de-Calais"])
def test_the_html_escapes_everything_and_loads_nothing(app, hostile: str):
    names = {LILLE: f"PSAD {hostile}"}
    item = due(ReminderKind.NO_CONTACT, 1, f"1 dossier {hostile}", initials=(hostile,))

    with links_of(app):
        digest = compose_digest(
            [item], psad_names=names, today=MONDAY, link_for=path_for, base_url=BASE_URL
        )

    assert hostile not in digest.body_html
    assert "<script" not in digest.body_html
    assert hostile in digest.body_text  # plain text is not HTML: nothing to escape
    assert not re.search(r"<(img|link|script|iframe|style)\b|\bsrc=|url\(", digest.body_html)
    assert all(
        href.startswith(BASE_URL) for href in re.findall(r'href="([^"]*)"', digest.body_html)
    )

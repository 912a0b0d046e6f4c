"""Editing safely: a youth's file validated as the signalement is, keys refreshed, every
change audited by field name; and a second person's save of the file or of the case refused,
never silently overwriting the first (two sessions, two browsers)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select, update

from psad.extensions import db
from psad.followup import case_forms as forms
from psad.followup import services
from psad.followup.models import CaseEvent, CaseEventKind
from psad.reference.models import ReferenceKind
from psad.youth.models import Case, Youth
from tests.followup.conftest import NOW, reference
from tests.followup.helpers import stored_case
from tests.helpers import events, field_error, text


class FormReader(HTMLParser):
    """What a browser would send for the page's (last) form: inputs, selects, text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, object] = {}
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "form":
            self.values = {}
        elif tag == "input" and name and a.get("type") != "submit":
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"), a.get("type") == "checkbox")
            else:
                self.values[name] = a.get("value", "")
        elif tag == "select":
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def _add(self, name: str, value: str, multiple: bool) -> None:
        if multiple:
            current = self.values.setdefault(name, [])
            assert isinstance(current, list)
            current.append(value)
        else:
            self.values[name] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            self.values.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] = str(self.values[self._textarea]) + data.lstrip("\n")


def form_of(response) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The values of the page's form, as a browser would send them unchanged."""
    reader = FormReader()
    reader.feed(response.get_data(as_text=True))
    return reader.values


def stored_youth(session, youth_id: int) -> Youth:  # type: ignore[no-untyped-def]
    """The youth ``youth_id`` read afresh from the database."""
    session.expire_all()
    youth = session.get(Youth, youth_id)
    assert youth is not None
    return youth


@pytest.fixture
def second_client(app, client, world):  # type: ignore[no-untyped-def]
    """Another browser, signed in as the co-pilote."""
    other = app.test_client()
    other.sign_in(world.copilot)
    return other


def url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/jeunes/{world.adult.id}/modifier"


@pytest.fixture
def adult_with_details(session, world):  # type: ignore[no-untyped-def]
    world.adult.phone = "+33612345678"
    world.adult.email = "hugo.martin@example.org"
    session.commit()
    return world.adult


# --- the form -------------------------------------------------------------------------------


def test_the_form_shows_the_file_as_stored(pilot_client, world, adult_with_details):
    response = pilot_client.get(url(world))

    values = form_of(response)
    assert response.status_code == 200
    assert "<h1>Modifier la fiche" in text(response)
    assert (values["last_name"], values["phone"], values["birth_date"]) == (
        "Martin",
        "06 12 34 56 78",
        "2006-05-02",
    )
    assert values["version"] == str(world.adult.version)


def test_saving_changes_the_file_and_refreshes_its_keys(pilot_client, session, world):
    values = form_of(pilot_client.get(url(world)))

    response = pilot_client.post(url(world), data={**values, "last_name": "Dupont"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/jeunes/{world.adult.id}"
    youth = stored_youth(session, world.adult.id)
    assert (youth.last_name, youth.search_key) == ("Dupont", "dupont hugo")
    found = text(pilot_client.get("/jeunes", query_string={"q": "dupont"}))
    assert "DUPONT Hugo" in found


def test_values_are_normalised_as_the_signalement_does(pilot_client, session, world):
    values = form_of(pilot_client.get(url(world)))

    pilot_client.post(
        url(world),
        data={**values, "phone": "06.99.88.77.66", "guardian_last_name": "Martin"},
    )

    youth = stored_youth(session, world.adult.id)
    assert youth.phone == "+33699887766"
    assert [g.last_name for g in youth.guardians] == ["Martin"]


def test_an_invalid_value_is_refused_next_to_its_field(pilot_client, session, world):
    values = form_of(pilot_client.get(url(world)))

    response = pilot_client.post(url(world), data={**values, "phone": "12", "last_name": ""})

    assert response.status_code == 422
    assert field_error(response, "last_name") == "Ce champ est obligatoire."
    assert field_error(response, "phone")
    assert stored_youth(session, world.adult.id).last_name == "Martin"


def test_a_wrong_ine_key_is_saved_with_a_warning(pilot_client, session, world):
    values = form_of(pilot_client.get(url(world)))

    response = pilot_client.post(
        url(world), data={**values, "ine": "0494004062A"}, follow_redirects=True
    )

    assert stored_youth(session, world.adult.id).ine == "0494004062A"
    assert "clé" in text(response).lower()


def test_saving_is_audited_by_field_name_and_shown_on_the_timeline(pilot_client, session, world):
    values = form_of(pilot_client.get(url(world)))

    pilot_client.post(url(world), data={**values, "commune": "Roubaix", "postal_code": "59100"})

    assert events(session, "youth.updated")[-1].detail == "champs=code postal, commune"
    event = session.scalar(select(CaseEvent).where(CaseEvent.kind == CaseEventKind.IDENTITY))
    assert event is not None
    assert (event.after, event.author_id, event.occurred_at) == (
        "code postal, commune",
        world.pilot.id,
        NOW.replace(tzinfo=event.occurred_at.tzinfo),
    )


def test_saving_unchanged_says_so_and_records_nothing(pilot_client, session, world):
    values = form_of(pilot_client.get(url(world)))

    response = pilot_client.post(url(world), data=values, follow_redirects=True)

    assert "Aucune modification : la fiche est inchangée." in text(response)
    assert events(session, "youth.updated") == []


def test_a_form_without_its_version_is_refused(pilot_client, session, world):
    values = form_of(pilot_client.get(url(world)))
    del values["version"]

    response = pilot_client.post(url(world), data={**values, "commune": "Roubaix"})

    assert response.status_code == 422
    assert "Le formulaire est incomplet : rechargez la page et recommencez." in text(response)
    assert stored_youth(session, world.adult.id).commune is None


def test_a_partner_edits_the_file_of_a_youth_they_see(client, session, world, frozen_clock):
    client.sign_in(world.partner)
    address = f"/jeunes/{world.minor.id}/modifier"
    values = form_of(client.get(address))

    response = client.post(address, data={**values, "commune": "Lille"})

    assert response.status_code == 302
    assert stored_youth(session, world.minor.id).commune == "Lille"


# --- two people, one file -------------------------------------------------------------------


def test_the_second_save_is_refused_and_shows_the_first_persons_change(
    pilot_client, second_client, session, world, adult_with_details
):
    mine = form_of(pilot_client.get(url(world)))
    theirs = form_of(second_client.get(url(world)))
    first = second_client.post(url(world), data={**theirs, "phone": "06 99 88 77 66"})

    response = pilot_client.post(url(world), data={**mine, "commune": "Roubaix"})

    assert first.status_code == 302
    assert response.status_code == 409
    page = text(response)
    assert "Cette fiche a été modifiée par quelqu'un d'autre" in page
    assert "rien n'a été enregistré" in page
    assert "<strong>Téléphone</strong> : 06 99 88 77 66 (au lieu de 06 12 34 56 78)" in page
    youth = stored_youth(session, world.adult.id)
    assert (youth.phone, youth.commune) == ("+33699887766", None)  # nothing overwritten
    assert len(events(session, "youth.updated")) == 1


def test_after_a_refused_save_the_form_keeps_both_changes(
    pilot_client, second_client, session, world, adult_with_details
):
    mine = form_of(pilot_client.get(url(world)))
    theirs = form_of(second_client.get(url(world)))
    second_client.post(url(world), data={**theirs, "phone": "06 99 88 77 66"})
    refused = pilot_client.post(url(world), data={**mine, "commune": "Roubaix"})

    merged = form_of(refused)
    response = pilot_client.post(url(world), data=merged)

    assert (merged["phone"], merged["commune"]) == ("06 99 88 77 66", "Roubaix")
    assert response.status_code == 302
    youth = stored_youth(session, world.adult.id)
    assert (youth.phone, youth.commune) == ("+33699887766", "Roubaix")


def test_when_both_changed_the_same_field_the_page_shows_both_values(
    pilot_client, second_client, session, world, adult_with_details
):
    mine = form_of(pilot_client.get(url(world)))
    theirs = form_of(second_client.get(url(world)))
    second_client.post(url(world), data={**theirs, "email": "hugo@example.org"})

    response = pilot_client.post(url(world), data={**mine, "email": "h.martin@example.org"})

    page = text(response)
    assert (
        "<strong>Adresse électronique</strong> : hugo@example.org "
        "(au lieu de hugo.martin@example.org) ; vous aviez saisi h.martin@example.org"
    ) in page
    assert form_of(response)["email"] == "h.martin@example.org"
    assert stored_youth(session, world.adult.id).email == "hugo@example.org"


def test_a_guardian_added_meanwhile_is_shown_too(pilot_client, second_client, session, world):
    mine = form_of(pilot_client.get(url(world)))
    theirs = form_of(second_client.get(url(world)))
    second_client.post(url(world), data={**theirs, "guardian_last_name": "Martin"})

    response = pilot_client.post(url(world), data={**mine, "commune": "Roubaix"})

    assert response.status_code == 409
    assert "<strong>Nom du représentant légal</strong> : Martin (au lieu de (vide))" in text(
        response
    )


def test_a_save_racing_another_one_is_refused_too(
    pilot_client, session, world, monkeypatch: pytest.MonkeyPatch
):
    """The other save lands between the version check and the write: the database refuses.
    (Played in the request's own transaction, which the refusal rolls back with it.)"""
    values = form_of(pilot_client.get(url(world)))
    changes = forms.EditYouthForm.changes

    def youth_edited_meanwhile(form):  # type: ignore[no-untyped-def]
        db.session.execute(  # the request's own transaction: as if committed meanwhile
            update(Youth)
            .where(Youth.id == world.adult.id)
            .values(commune="Tourcoing", version=Youth.version + 1)
            .execution_options(synchronize_session=False)
        )
        return changes(form)

    monkeypatch.setattr(forms.EditYouthForm, "changes", youth_edited_meanwhile)

    response = pilot_client.post(url(world), data={**values, "email": "hugo@example.org"})

    assert response.status_code == 409
    assert "Cette fiche a été modifiée par quelqu'un d'autre" in text(response)
    assert stored_youth(session, world.adult.id).email is None


# --- two people, one case: the case's forms carry its version too ---------------------------


def situation_url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/jeunes/{world.adult.id}/situation"


def test_a_form_made_on_an_older_version_is_refused_and_shows_the_case_now(
    pilot_client, second_client, session, world
):
    other = second_client
    mine = form_of(pilot_client.get(situation_url(world)))
    theirs = form_of(other.get(situation_url(world)))
    other.post(situation_url(world), data={**theirs, "situation": "employed"})

    response = pilot_client.post(situation_url(world), data={**mine, "situation": "unknown"})

    assert response.status_code == 409
    body = text(response)
    assert "Ce dossier a été modifié par quelqu'un d'autre" in body
    assert '<dt class="col-sm-4">Situation</dt>\n      <dd class="col-sm-8">En emploi</dd>' in body
    assert stored_case(session, world.adult_case.id).situation.code == "employed"
    again = pilot_client.post(situation_url(world), data=form_of(response))
    assert again.status_code == 302  # a new try, made knowingly on the current version
    assert stored_case(session, world.adult_case.id).situation.code == "unknown"


def test_a_change_racing_another_one_is_refused_too(
    pilot_client, session, world, monkeypatch: pytest.MonkeyPatch
):
    """The other save lands between the version check and the write: the database refuses.
    (Played in the request's own transaction, which the refusal rolls back with it.)"""
    values = form_of(pilot_client.get(situation_url(world)))
    check = services.check_version
    employed = reference(session, ReferenceKind.SITUATION, "employed")

    def case_changed_meanwhile(case, expected):  # type: ignore[no-untyped-def]
        check(case, expected)
        db.session.execute(  # the request's own transaction: as if committed meanwhile
            update(Case)
            .where(Case.id == world.adult_case.id)
            .values(situation_id=employed.id, version=Case.version + 1)
            .execution_options(synchronize_session=False)
        )

    monkeypatch.setattr(services, "check_version", case_changed_meanwhile)

    response = pilot_client.post(situation_url(world), data={**values, "situation": "unknown"})

    assert response.status_code == 409
    assert "Ce dossier a été modifié par quelqu'un d'autre" in text(response)
    assert stored_case(session, world.adult_case.id).situation is None  # « unknown » not saved

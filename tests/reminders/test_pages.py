"""« Mon compte » (who I am, my PSADs, how often I get the digest) and a PSAD's reminder
thresholds (the pilote's or an administrator's): what each shows, saves, refuses and audits."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.auth.models import DigestFrequency, Membership, Psad, Role, User
from psad.reminders.models import ReminderRules
from tests.factories import make_psad, make_structure, make_user
from tests.helpers import count, events, field_error, text, with_settings

MAIL_OFF = (
    "L'envoi de courriels est désactivé sur ce serveur : vos rappels restent visibles dans "
    "l'application."
)


def reloaded(session: Session, user: User) -> User:
    session.expire_all()
    found = session.get(User, user.id)
    assert found is not None
    return found


def rules_of(session: Session, psad: Psad) -> ReminderRules | None:
    session.expire_all()
    return session.get(ReminderRules, psad.id)


# --- « Mon compte » -------------------------------------------------------------------------


def test_my_account_says_who_i_am_and_where(client, session, psad):
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    school = make_structure(session, amiens, name="Lycée Madeleine-Michelis")
    user = make_user(
        session, psad=psad, role=Role.PILOT, email="claire@psad.example", full_name="Claire Martin"
    )
    user.memberships.append(Membership(psad=amiens, role=Role.PARTNER, structure=school))
    session.commit()
    client.sign_in(user)

    page = text(client.get("/compte/rappels"))

    assert "<h1>Mon compte</h1>" in page
    assert "Claire Martin" in page and "claire@psad.example" in page
    assert '<th scope="row">PSAD de Lille (LILLE)</th><td>Pilote</td>' in page
    assert "PSAD d'Amiens (AMIENS)</th><td>Partenaire</td><td>Lycée Madeleine-Michelis</td>" in page
    assert 'href="/compte/mot-de-passe">Changer mon mot de passe</a>' in page


def test_my_account_shows_the_preference_chosen(client, session, pilot):
    client.sign_in(pilot)

    page = text(client.get("/compte/rappels"))

    assert "<legend" in page and "Recevoir mes rappels par courriel</legend>" in page
    assert re.search(r'<input checked [^>]*value="daily"', page)
    for label in ("Chaque jour", "Chaque semaine (le lundi)", "Jamais"):
        assert re.search(
            rf'<label class="form-check-label" for="frequency-\d">{re.escape(label)}', page
        )


def test_saving_the_preference_is_audited(client, session, pilot):
    client.sign_in(pilot)

    response = client.submit("/compte/rappels", {"frequency": "weekly"}, follow_redirects=True)

    assert "Préférence enregistrée." in text(response)
    assert reloaded(session, pilot).digest_frequency is DigestFrequency.WEEKLY
    assert re.search(r'<input checked [^>]*value="weekly"', text(response))
    [event] = events(session, AuditAction.DIGEST_PREFERENCE_CHANGED)
    assert (event.user_id, event.object_id) == (pilot.id, pilot.id)
    assert event.detail == "fréquence=daily→weekly"


def test_saving_the_same_preference_records_nothing(client, session, pilot):
    client.sign_in(pilot)

    response = client.submit("/compte/rappels", {"frequency": "daily"}, follow_redirects=True)

    assert "Préférence enregistrée." in text(response)
    assert events(session, AuditAction.DIGEST_PREFERENCE_CHANGED) == []


@pytest.mark.parametrize("chosen", ["hourly", ""])
def test_an_unknown_preference_is_refused(client, session, pilot, chosen):
    client.sign_in(pilot)

    response = client.submit("/compte/rappels", {"frequency": chosen})

    assert response.status_code == 422
    assert 'aria-describedby="frequency-erreur"' in text(response)
    assert (
        '<div id="frequency-erreur" class="invalid-feedback d-block">'
        "Choisissez chaque jour, chaque semaine ou jamais.</div>"
    ) in text(response)
    assert reloaded(session, pilot).digest_frequency is DigestFrequency.DAILY
    assert events(session, AuditAction.DIGEST_PREFERENCE_CHANGED) == []


def test_my_account_says_when_email_is_off(client, pilot):
    client.sign_in(pilot)

    assert MAIL_OFF in text(client.get("/compte/rappels"))


@with_settings(mail={"host": "smtp.psad.example"})
def test_my_account_says_nothing_of_email_when_it_is_on(client, pilot):
    client.sign_in(pilot)

    assert MAIL_OFF not in text(client.get("/compte/rappels"))


def test_an_administrator_without_psad_has_an_account_page(client, admin):
    client.sign_in(admin)

    page = text(client.get("/compte/rappels"))

    assert "Administrateur technique" in page
    assert "n'est rattaché à aucune PSAD" in page


def test_the_password_page_leads_back_to_my_account(client, pilot):
    client.sign_in(pilot)

    assert 'href="/compte/rappels">← Mon compte</a>' in text(client.get("/compte/mot-de-passe"))


# --- the PSAD's thresholds ------------------------------------------------------------------

FIELDS = [
    "list_not_contacted_days",
    "no_contact_days",
    "darfi_notice_days",
    "obligation_notice_days",
    "majority_notice_days",
    "committee_notice_days",
]
EMPTY = dict.fromkeys(FIELDS, "")


def test_the_thresholds_page_shows_the_servers_defaults(client, psad, pilot):
    client.sign_in(pilot)

    page = text(client.get(f"/psad/{psad.id}/rappels"))

    assert "Seuils de rappel : PSAD de Lille" in page
    assert "<legend" in page and "Seuils (en jours)</legend>" in page
    assert re.search(r'<label class="form-label" for="no_contact_days">Dossier ouvert', page)
    assert (
        '<div id="no_contact_days-aide" class="form-text">'
        "Vide : la valeur par défaut du serveur, 45 jours.</div>"
    ) in page
    assert "Vide : la valeur par défaut du serveur, 30 jours." in page  # list_not_contacted
    assert 'id="digest_initials"' in page and "checked" not in page
    assert "Le courriel n'est pas un canal sûr" in page


@with_settings(reminders={"no_contact_days": 60})
def test_the_defaults_come_from_the_configuration(client, psad, pilot):
    client.sign_in(pilot)

    page = text(client.get(f"/psad/{psad.id}/rappels"))

    assert "Vide : la valeur par défaut du serveur, 60 jours." in page


def test_saving_thresholds_creates_the_psads_rules_and_audits_them(client, session, psad, pilot):
    client.sign_in(pilot)

    response = client.submit(
        f"/psad/{psad.id}/rappels",
        {**EMPTY, "no_contact_days": "60", "darfi_notice_days": "5", "digest_initials": "y"},
        follow_redirects=True,
    )

    assert "Seuils enregistrés." in text(response)
    rules = rules_of(session, psad)
    assert rules is not None
    assert (rules.no_contact_days, rules.darfi_notice_days, rules.digest_initials) == (60, 5, True)
    assert rules.list_not_contacted_days is None and rules.committee_notice_days is None
    assert rules.updated_by_id == pilot.id and rules.updated_at is not None
    [event] = events(session, AuditAction.REMINDER_RULES_CHANGED)
    assert (event.psad_id, event.object_id, event.user_id) == (psad.id, psad.id, pilot.id)
    assert event.detail == (
        "no_contact_days=défaut→60; darfi_notice_days=défaut→5; digest_initials=non→oui"
    )
    assert 'value="60"' in text(response)  # the page shows what is saved


def test_changing_thresholds_audits_old_and_new_values(client, session, psad, pilot):
    session.add(ReminderRules(psad_id=psad.id, no_contact_days=60, digest_initials=True))
    session.commit()
    client.sign_in(pilot)

    client.submit(f"/psad/{psad.id}/rappels", {**EMPTY, "no_contact_days": "90"})

    rules = rules_of(session, psad)
    assert rules is not None and (rules.no_contact_days, rules.digest_initials) == (90, False)
    [event] = events(session, AuditAction.REMINDER_RULES_CHANGED)
    assert event.detail == "no_contact_days=60→90; digest_initials=oui→non"


def test_emptying_a_threshold_goes_back_to_the_default(client, session, psad, pilot):
    session.add(ReminderRules(psad_id=psad.id, majority_notice_days=60))
    session.commit()
    client.sign_in(pilot)

    client.submit(f"/psad/{psad.id}/rappels", EMPTY)

    rules = rules_of(session, psad)
    assert rules is not None and rules.majority_notice_days is None


def test_saving_unchanged_thresholds_writes_nothing(client, session, psad, pilot):
    client.sign_in(pilot)

    response = client.submit(f"/psad/{psad.id}/rappels", EMPTY, follow_redirects=True)

    assert "Aucun changement" in text(response)
    assert count(session, ReminderRules) == 0
    assert events(session, AuditAction.REMINDER_RULES_CHANGED) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Entre 1 et 365 jours."),
        ("-3", "Entre 1 et 365 jours."),
        ("366", "Entre 1 et 365 jours."),
        ("99999999999999999999999", "Entre 1 et 365 jours."),
        ("3,5", "Indiquez un nombre entier de jours, entre 1 et 365 (ou laissez vide)."),
        ("trente", "Indiquez un nombre entier de jours, entre 1 et 365 (ou laissez vide)."),
    ],
)
def test_a_bad_threshold_is_refused_under_its_field(client, session, psad, pilot, typed, message):
    client.sign_in(pilot)

    response = client.submit(
        f"/psad/{psad.id}/rappels", {**EMPTY, "no_contact_days": "60", "darfi_notice_days": typed}
    )

    assert response.status_code == 422
    assert field_error(response, "darfi_notice_days") == message
    assert "Le formulaire contient 1 erreur" in text(response)
    assert count(session, ReminderRules) == 0
    assert events(session, AuditAction.REMINDER_RULES_CHANGED) == []


def test_an_administrator_sets_any_psads_thresholds(client, session, psad, admin):
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    session.commit()
    client.sign_in(admin)

    client.submit(f"/psad/{amiens.id}/rappels", {**EMPTY, "committee_notice_days": "10"})

    rules = rules_of(session, amiens)
    assert rules is not None and rules.committee_notice_days == 10


def test_the_pilote_of_another_psad_is_refused(client, session, psad, pilot):
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    session.commit()
    client.sign_in(pilot)

    page = client.get(f"/psad/{amiens.id}/rappels")
    sent = client.submit(f"/psad/{amiens.id}/rappels", {**EMPTY, "no_contact_days": "10"})

    assert page.status_code == sent.status_code == 404
    assert count(session, ReminderRules) == 0


def test_a_pilote_sets_only_the_psad_they_work_in(client, session, psad, pilot):
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    pilot.memberships.append(Membership(psad=amiens, role=Role.PILOT))
    session.commit()
    client.sign_in(pilot, psad)

    assert client.get(f"/psad/{amiens.id}/rappels").status_code == 404
    assert client.get(f"/psad/{psad.id}/rappels").status_code == 200


def test_a_copilote_is_refused_in_french(client, session, psad):
    copilot = make_user(session, psad=psad, role=Role.COPILOT)
    session.commit()
    client.sign_in(copilot)

    response = client.submit(f"/psad/{psad.id}/rappels", {**EMPTY, "no_contact_days": "10"})

    assert response.status_code == 403
    assert "réservés à son pilote et aux administrateurs" in text(response)
    assert count(session, ReminderRules) == 0


def test_the_thresholds_are_linked_from_the_psad_administration(client, psad, admin):
    client.sign_in(admin)

    listing = text(client.get("/admin/psad"))
    form = text(client.get(f"/admin/psad/{psad.id}"))

    assert f'href="/psad/{psad.id}/rappels">Seuils de rappel de LILLE</a>' in listing
    assert f'href="/psad/{psad.id}/rappels">Seuils de rappel et courriels</a>' in form


def test_the_notifications_page_links_the_thresholds_for_the_pilote_only(client, session, psad):
    pilot = make_user(session, psad=psad, role=Role.PILOT)
    copilot = make_user(session, psad=psad, role=Role.COPILOT)
    session.commit()
    link = f'href="/psad/{psad.id}/rappels"'

    client.sign_in(pilot)
    assert link in text(client.get("/notifications"))
    client.sign_in(copilot)
    assert link not in text(client.get("/notifications"))

"""A template made into a message (register, variables, footer, STOP notice, SMS length),
the shipped templates, and the PSAD's own templates and settings."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.config import SmsSettings
from psad.errors import DomainError
from psad.messages.defaults import DEFAULT_TEMPLATES, ensure_default_templates
from psad.messages.models import MessageChannel, MessageTemplate, MessagingSettings, Register
from psad.messages.rendering import (
    DEFAULT_STOP_NOTICE,
    EMAIL_FOOTER,
    STOP_UNANSWERABLE,
    gsm_plain,
    register_for,
    render,
    sms_parts,
    stop_warning,
    validate_template,
)
from psad.messages.services import (
    TemplateData,
    TemplateError,
    save_settings,
    save_template,
    settings_of,
    templates_of,
)
from tests.factories import make_psad
from tests.helpers import count, events
from tests.messages.conftest import NOW, TODAY, Messaging, make_template

EMAIL, SMS = MessageChannel.EMAIL, MessageChannel.SMS
LINK = "https://psad.example.org/r/{jeton}"


def rendered(template: MessageTemplate, youth, channel=EMAIL, register=Register.TU, **over):  # type: ignore[no-untyped-def]
    values = {
        "youth": youth,
        "psad_name": "PSAD de Lille",
        "counsellor": "Claire Martin",
        "channel": channel,
        "register": register,
        "link": LINK,
        **over,
    }
    return render(template, **values)


# --- register ---------------------------------------------------------------------------


def test_a_sixteen_year_old_is_written_to_with_tu(session: Session, msg: Messaging):
    msg.minor.birth_date = date(2010, 6, 1)

    assert register_for(msg.minor, TODAY) is Register.TU


def test_an_adult_and_a_youth_of_unknown_age_get_vous(session: Session, msg: Messaging):
    assert register_for(msg.adult, TODAY) is Register.VOUS
    assert register_for(msg.unknown_age, TODAY) is Register.VOUS


def test_the_register_changes_on_the_eighteenth_birthday(session: Session, msg: Messaging):
    msg.minor.birth_date = date(2008, 12, 7)

    assert register_for(msg.minor, date(2026, 12, 6)) is Register.TU
    assert register_for(msg.minor, TODAY) is Register.VOUS


# --- variables --------------------------------------------------------------------------


def test_the_variables_are_replaced(session: Session, msg: Messaging):
    template = make_template(session, msg.psad)

    message = rendered(template, msg.minor)

    assert message.subject == "Un message de la PSAD de Lille"
    assert message.body == (
        "Bonjour Éloïse,\n\nC'est Claire Martin, de la PSAD de Lille. Réponds ici : " + LINK
    )


def test_the_vous_text_goes_to_vous(session: Session, msg: Messaging):
    template = make_template(session, msg.psad)

    message = rendered(template, msg.adult, register=Register.VOUS)

    assert message.body.startswith("Bonjour Hugo,\n\nClaire Martin, PSAD de Lille. Répondez ici")


def test_a_first_name_holding_a_variable_is_not_expanded(session: Session, msg: Messaging):
    template = make_template(session, msg.psad)
    msg.minor.first_name = "{lien}"

    message = rendered(template, msg.minor)

    assert message.body.startswith("Bonjour {lien},")
    assert message.body.count(LINK) == 1


def test_an_email_without_the_link_ends_with_the_reply_footer(session: Session, msg: Messaging):
    template = make_template(session, msg.psad, email_tu="Bonjour {prenom}.")

    message = rendered(template, msg.minor)

    assert message.body == f"Bonjour Éloïse.\n\nRépondre ou ne plus être contacté·e : {LINK}"
    assert EMAIL_FOOTER.endswith("{lien}")


def test_an_sms_ends_with_the_link_and_the_stop_notice(session: Session, msg: Messaging):
    template = make_template(session, msg.psad, sms_tu="Bonjour {prenom} !")

    message = rendered(template, msg.minor, channel=SMS, stop_notice="STOP au 36111")

    assert message.subject == ""
    assert message.body == f"Bonjour Éloise ! {LINK} STOP au 36111"


def test_an_sms_is_one_line(session: Session, msg: Messaging):
    template = make_template(session, msg.psad, sms_tu="Bonjour\n\n{prenom},   {lien}")

    message = rendered(template, msg.adult, channel=SMS, stop_notice="")

    assert message.body == f"Bonjour Hugo, {LINK}"


def test_the_stop_notice_points_to_the_link_by_default(session: Session, msg: Messaging):
    template = make_template(session, msg.psad, sms_tu="Bonjour {prenom}, réponds ici : {lien}")

    message = rendered(template, msg.minor, channel=SMS)

    assert message.body == (
        f"Bonjour Éloise, réponds ici : {LINK} Pour ne plus recevoir de message, ouvrez le lien."
    )


def test_the_stop_notices_link_counts_at_its_real_length(session: Session, msg: Messaging):
    template = make_template(
        session, msg.psad, sms_tu="Bonjour {prenom}, c'est {conseiller} : {lien}"
    )
    masked = "https://psad.example.org/r/••••"
    real_length = len("https://psad.example.org/r/") + 22

    with_link = rendered(
        template,
        msg.minor,
        channel=SMS,
        link=masked,
        link_length=real_length,
        stop_notice="Ne plus recevoir de message : {lien}",
    )
    without = rendered(
        template,
        msg.minor,
        channel=SMS,
        link=masked,
        link_length=real_length,
        stop_notice="Ne plus recevoir de message : repondez STOP",
    )

    assert with_link.body.endswith(f"Ne plus recevoir de message : {masked}")
    # 131 characters with one real link, 167 with the second one: two SMS
    assert (without.parts, with_link.parts) == (1, 2)


def test_a_subject_shows_the_masked_link_never_the_token(session: Session, msg: Messaging):
    template = make_template(session, msg.psad, subject="Ton lien : {lien}")  # saved before
    masked = "https://psad.example.org/r/••••"

    message = rendered(template, msg.minor, masked_link=masked)

    assert message.subject == f"Ton lien : {masked}"
    assert f"Réponds ici : {LINK}" in message.body  # the outbox fills the body's token in


@pytest.mark.parametrize(
    ("sms", "warned"),
    [
        ({"stop_notice": "STOP : répondez STOP"}, True),
        ({"stop_notice": "Pour arrêter, répondez stop"}, True),
        ({}, False),  # « Pour ne plus recevoir de message, ouvrez le lien. »
        ({"stop_notice": "Répondez STOP ou ouvrez {lien}"}, False),
        ({"stop_notice": "STOP : répondez STOP", "url": None}, False),  # no SMS at all
        ({"stop_notice": "STOP : répondez STOP", "sender": "0612345678"}, True),  # no webhook
        ({"stop_notice": "STOP : répondez STOP", "inbound_secret": "s"}, True),  # named sender
        (
            {"stop_notice": "STOP : répondez STOP", "sender": "36111", "inbound_secret": "s"},
            False,
        ),
    ],
)
def test_a_stop_notice_asking_for_an_answer_nobody_gets_is_warned(sms, warned):
    settings = SmsSettings(**{"url": "https://sms.example.org/envoi", **sms})

    warning = stop_warning(settings)

    assert (warning == STOP_UNANSWERABLE) is warned
    assert warned or warning is None


# --- placeholders -----------------------------------------------------------------------


def test_known_variables_are_accepted():
    assert validate_template("Bonjour {prenom}, {conseiller} de {psad} : {lien}") == []


def test_an_unknown_placeholder_is_refused_in_french():
    errors = validate_template("Bonjour {prénom} et {nom}, {prénom}")

    assert errors == [
        "Variable inconnue « {prénom} » : les variables sont {prenom}, {psad}, {conseiller}, "
        "{lien}.",
        "Variable inconnue « {nom} » : les variables sont {prenom}, {psad}, {conseiller}, {lien}.",
    ]


def test_the_link_token_mark_is_not_a_variable():
    assert len(validate_template("{jeton}")) == 1


def test_the_link_is_refused_in_a_subject_only():
    assert validate_template("Ton lien : {lien}", subject=True) == [
        "Le lien personnel {lien} ne peut pas aller dans l'objet : il n'y serait pas "
        "cliquable. Mettez-le dans le texte du courriel (sans lui, le courriel se termine par "
        "le lien)."
    ]
    assert validate_template("Ton lien : {lien}") == []
    assert validate_template("La {psad} t'écrit", subject=True) == []


# --- SMS length -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("é" * 160, 1),  # in the GSM alphabet
        ("€" * 80, 1),  # two septets each
        ("€" * 81, 2),
        ("ê" * 70, 1),  # not GSM: UCS-2
        ("ê" * 71, 2),
        ("ê" * 134, 2),
        ("ê" * 135, 3),
    ],
)
def test_sms_parts(text: str, parts: int):
    assert sms_parts(text) == parts


def test_sms_text_keeps_to_the_gsm_alphabet_where_it_can():
    assert gsm_plain("« Être contacté·e », ça’") == '" Etre contacté.e ", ca\''
    assert gsm_plain("Ünal Zoë Çelik 李") == "Ünal Zoe Çelik 李"


# --- the shipped templates --------------------------------------------------------------


@pytest.mark.parametrize("default", DEFAULT_TEMPLATES, ids=lambda d: d.code)
def test_a_shipped_template_uses_only_the_variables(default):
    assert validate_template(default.subject, subject=True) == []
    for text in (default.email_tu, default.email_vous, default.sms_tu):
        assert validate_template(text) == []
    assert validate_template(default.sms_vous) == []
    assert "{prenom}" in default.email_tu and "{lien}" in default.email_vous


@pytest.mark.parametrize("default", DEFAULT_TEMPLATES, ids=lambda d: d.code)
def test_a_shipped_sms_fits_in_two_sms(session: Session, msg: Messaging, default):
    template = msg.template(session, default.code)
    msg.adult.first_name = "Marie-Charlotte"
    for register in Register:
        message = rendered(
            template,
            msg.adult,
            channel=SMS,
            register=register,
            counsellor="Jean-Baptiste Delacroix",
            psad_name="PSAD de Roubaix-Tourcoing",
            link="https://psad.example.org/r/" + "x" * 22,
            stop_notice=DEFAULT_STOP_NOTICE,  # « … ouvrez le lien. »
        )
        assert message.body == gsm_plain(message.body)
        assert message.parts <= 2, (register, message.body)


@pytest.mark.parametrize("default", DEFAULT_TEMPLATES, ids=lambda d: d.code)
def test_a_shipped_template_says_tu_to_minors_and_vous_to_adults(default):
    assert " vous " not in default.email_tu and " votre " not in default.email_tu
    assert " tu " not in default.email_vous and " ton " not in default.email_vous
    assert " te " not in default.sms_vous and " vous" not in default.sms_tu
    assert not any(word in default.subject for word in (" ton ", " ta ", " votre ", " vous "))


def test_each_psad_gets_the_shipped_templates_once(session: Session):
    psad = make_psad(session)

    added = ensure_default_templates(session, psad.id)
    again = ensure_default_templates(session, psad.id)

    assert (added, again) == (5, 0)
    assert [t.name for t in templates_of(session, psad.id)] == [
        "Premier contact après une liste",
        "Rappel après un appel manqué",
        "Information DARFI (retour en formation)",
        "Suite du comité technique",
        "Relance automatique",
    ]


def test_a_changed_shipped_template_is_kept(session: Session):
    psad = make_psad(session)
    ensure_default_templates(session, psad.id)
    template = templates_of(session, psad.id)[0]
    template.subject = "Mon objet"

    ensure_default_templates(session, psad.id)

    assert templates_of(session, psad.id)[0].subject == "Mon objet"


def test_creating_a_psad_from_the_command_line_adds_the_templates(run, session: Session):
    result = run("psad", "create", "DOUAI", "--name", "PSAD du Douaisis")

    assert result.exit_code == 0, result.output
    psad = session.scalar(select(Psad).where(Psad.code == "DOUAI"))
    assert psad is not None
    assert len(templates_of(session, psad.id)) == len(DEFAULT_TEMPLATES)


# --- the PSAD's templates ---------------------------------------------------------------


def data(**over: object) -> TemplateData:
    values: dict[str, object] = {
        "name": "Invitation au forum",
        "subject": "Forum des métiers",
        "email_tu": "Bonjour {prenom}, viens au forum : {lien}",
        "email_vous": "Bonjour {prenom}, venez au forum : {lien}",
        "sms_tu": "Forum samedi, viens !",
        "sms_vous": "Forum samedi, venez !",
        **over,
    }
    return TemplateData(**values)  # type: ignore[arg-type]


def test_a_pilote_adds_a_template_of_their_own(session: Session, msg: Messaging):
    template = save_template(
        session,
        psad_id=msg.psad.id,
        code=None,
        data=data(),
        by=msg.pilot,
        actor=msg.actor(),
        now=NOW,
    )
    session.commit()

    assert template.code == "invitation_au_forum"
    assert (template.updated_by_id, template.sms_tu) == (msg.pilot.id, "Forum samedi, viens !")
    assert templates_of(session, msg.psad.id)[-1].name == "Invitation au forum"
    [event] = events(session, AuditAction.MESSAGE_TEMPLATE_SAVED.value)
    assert event.detail == "modele=invitation_au_forum; nouveau=oui"


def test_two_templates_of_the_same_name_get_two_codes(session: Session, msg: Messaging):
    first = save_template(
        session,
        psad_id=msg.psad.id,
        code=None,
        data=data(),
        by=msg.pilot,
        actor=msg.actor(),
        now=NOW,
    )
    second = save_template(
        session,
        psad_id=msg.psad.id,
        code=None,
        data=data(),
        by=msg.pilot,
        actor=msg.actor(),
        now=NOW,
    )

    assert (first.code, second.code) == ("invitation_au_forum", "invitation_au_forum_2")


def test_a_shipped_template_is_changed_in_place(session: Session, msg: Messaging):
    saved = save_template(
        session,
        psad_id=msg.psad.id,
        code="call_back",
        data=data(name="Appel manqué", sms_tu="", sms_vous=""),
        by=msg.pilot,
        actor=msg.actor(),
        now=NOW,
    )

    assert (saved.code, saved.name, saved.sms_tu, saved.sms_vous) == (
        "call_back",
        "Appel manqué",
        None,
        None,
    )
    assert count(session, MessageTemplate) == 5


def test_a_template_with_an_unknown_variable_is_not_saved(session: Session, msg: Messaging):
    with pytest.raises(TemplateError) as refused:
        save_template(
            session,
            psad_id=msg.psad.id,
            code="call_back",
            data=data(email_vous="Bonjour {nom}", subject=""),
            by=msg.pilot,
            actor=msg.actor(),
            now=NOW,
        )

    assert refused.value.errors == {
        "subject": ["L'objet du courriel est obligatoire."],
        "email_vous": [
            "Variable inconnue « {nom} » : les variables sont {prenom}, {psad}, {conseiller}, "
            "{lien}."
        ],
    }
    assert msg.template(session, "call_back").name == "Rappel après un appel manqué"


def test_one_sms_text_without_the_other_is_refused(session: Session, msg: Messaging):
    with pytest.raises(TemplateError) as refused:
        save_template(
            session,
            psad_id=msg.psad.id,
            code=None,
            data=data(sms_vous=" "),
            by=msg.pilot,
            actor=msg.actor(),
            now=NOW,
        )

    assert refused.value.errors == {
        "sms_vous": ["Donnez les deux textes SMS (tutoiement et vouvoiement), ou aucun."]
    }


def test_another_psads_template_is_not_found(session: Session, msg: Messaging):
    other = make_psad(session)

    with pytest.raises(DomainError, match="Ce modèle n'existe pas dans cette PSAD"):
        save_template(
            session,
            psad_id=other.id,
            code="first_contact",
            data=data(),
            by=msg.pilot,
            actor=msg.actor(),
            now=NOW,
        )


# --- the PSAD's settings ----------------------------------------------------------------


def test_a_psad_without_settings_has_sms_off_and_no_reminder(session: Session):
    psad = make_psad(session)

    found = settings_of(session, psad.id)

    assert (found.sms_enabled, found.auto_reminder_days) == (False, None)
    assert count(session, MessagingSettings, MessagingSettings.psad_id == psad.id) == 0


def test_the_pilote_switches_sms_off_and_sets_a_reminder(session: Session, msg: Messaging):
    save_settings(
        session,
        psad_id=msg.psad.id,
        sms_enabled=False,
        auto_reminder_days=7,
        by=msg.pilot,
        actor=msg.actor(),
        now=NOW,
    )
    session.commit()

    found = settings_of(session, msg.psad.id)
    assert (found.sms_enabled, found.auto_reminder_days, found.updated_by_id) == (
        False,
        7,
        msg.pilot.id,
    )
    [event] = events(session, AuditAction.MESSAGING_SETTINGS_CHANGED.value)
    assert event.detail == "sms=non; relance_jours=7"


def test_a_reminder_after_zero_days_is_refused(session: Session, msg: Messaging):
    with pytest.raises(DomainError, match="entre 1 et 90 jours après le message"):
        save_settings(
            session,
            psad_id=msg.psad.id,
            sms_enabled=True,
            auto_reminder_days=0,
            by=msg.pilot,
            actor=msg.actor(),
            now=NOW,
        )

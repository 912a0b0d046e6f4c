"""Delivering SMS to a real HTTP gateway on loopback: what arrives, once, with the personal
link; what happens when the gateway refuses, is down, slow, or refuses the credentials."""

from __future__ import annotations

import logging
from datetime import timedelta

from psad.config import SmsSettings
from psad.outbox.delivery import LINK_GONE, DeliveryReport, deliver_due, deliver_due_sms
from psad.outbox.models import OutboxState
from psad.outbox.sms import HttpSmsGateway, gateway_of
from tests.outbox.conftest import (
    NOW,
    SUBJECT,
    TOKEN,
    YOUTH_NUMBER,
    mail_settings,
    queue,
    queue_sms,
    reloaded,
    sms_settings,
)
from tests.smsserver import PASSWORD, USERNAME, LoopbackSms

MINUTE = timedelta(minutes=1)


# --- what arrives -----------------------------------------------------------------------


def test_an_sms_reaches_the_gateway_with_its_link_and_the_token_is_then_forgotten(
    session, sms_server
):
    message = queue_sms(session)

    report = deliver_due_sms(session, sms_settings(sms_server), _gateway(sms_server), NOW)

    assert report == DeliveryReport(sent=1)
    [sms] = sms_server.wait_for(1)
    assert (sms.to, sms.sender) == (YOUTH_NUMBER, "PSAD")
    assert sms.text == (
        "Bonjour Léa, le PSAD de Lille veut vous aider : "
        f"https://psad.example.org/r/{TOKEN} "
        "Pour ne plus recevoir de message, ouvrez le lien."
    )
    assert sms.reference == f"psad-{message.id}"
    stored = reloaded(session, message)
    assert (stored.state, stored.sent_at, stored.attempts) == (OutboxState.SENT, NOW, 1)
    assert stored.secret is None
    assert "{jeton}" in stored.body_text  # the stored body never held the token


def test_the_gateway_gets_http_basic_credentials(session, sms_server):
    queue_sms(session)

    deliver_due_sms(session, sms_settings(sms_server), _gateway(sms_server), NOW)

    [sms] = sms_server.wait_for(1)
    assert sms.authorization is not None and sms.authorization.startswith("Basic ")
    assert sms.authorization != f"Basic {USERNAME}:{PASSWORD}"  # encoded, as HTTP says


def test_an_api_key_is_sent_as_a_bearer_token(session):
    queue_sms(session)
    with LoopbackSms(api_key="k-123456") as server:
        deliver_due_sms(session, sms_settings(server), _gateway(server), NOW)

        [sms] = server.wait_for(1)

    assert sms.authorization == "Bearer k-123456"


def test_an_sms_is_sent_once_however_many_runs(session, sms_server):
    queue_sms(session)
    sms, gateway = sms_settings(sms_server), _gateway(sms_server)

    deliver_due_sms(session, sms, gateway, NOW)
    report = deliver_due_sms(session, sms, gateway, NOW + MINUTE)

    assert report == DeliveryReport()
    assert len(sms_server.messages) == 1


def test_nothing_is_touched_when_sms_is_off(session, sms_server):
    message = queue_sms(session)

    report = deliver_due_sms(session, SmsSettings(), _gateway(sms_server), NOW)

    assert report == DeliveryReport()
    assert sms_server.messages == []
    assert reloaded(session, message).state is OutboxState.QUEUED


# --- one channel at a time --------------------------------------------------------------


def test_email_delivery_leaves_the_sms_alone(session, smtp_server, sms_server):
    sms = queue_sms(session)
    email = queue(session)

    report = deliver_due(session, mail_settings(smtp_server), NOW)

    assert report == DeliveryReport(sent=1)
    [mail] = smtp_server.wait_for(1)
    assert mail.subject == SUBJECT
    assert reloaded(session, sms).state is OutboxState.QUEUED
    assert reloaded(session, sms).secret == TOKEN
    assert reloaded(session, email).state is OutboxState.SENT


def test_sms_delivery_leaves_the_email_alone(session, smtp_server, sms_server):
    sms = queue_sms(session)
    email = queue(session)

    report = deliver_due_sms(session, sms_settings(sms_server), _gateway(sms_server), NOW)

    assert report == DeliveryReport(sent=1)
    assert [m.to for m in sms_server.wait_for(1)] == [YOUTH_NUMBER]
    assert smtp_server.messages == []
    assert reloaded(session, email).state is OutboxState.QUEUED
    assert reloaded(session, sms).state is OutboxState.SENT


# --- the gateway refuses, is down, is slow ------------------------------------------------


def test_a_busy_gateway_gets_the_sms_again_after_the_back_off(session, sms_server):
    message = queue_sms(session)
    sms, gateway = sms_settings(sms_server), _gateway(sms_server)
    sms_server.refuse(503)

    first = deliver_due_sms(session, sms, gateway, NOW)

    assert first == DeliveryReport(retrying=1)
    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.QUEUED, 1)
    assert stored.next_attempt_at == NOW + MINUTE
    assert stored.last_error == (
        "La passerelle SMS ne peut pas le prendre pour l'instant (503 Service Unavailable) : "
        "nouvel essai plus tard."
    )
    assert stored.secret == TOKEN  # kept for the next attempt

    sms_server.accept()
    too_early = deliver_due_sms(session, sms, gateway, NOW + MINUTE / 2)
    later = deliver_due_sms(session, sms, gateway, NOW + MINUTE)

    assert too_early == DeliveryReport()
    assert later == DeliveryReport(sent=1)
    [received] = sms_server.wait_for(1)
    assert TOKEN in received.text
    stored = reloaded(session, message)
    assert (stored.state, stored.attempts, stored.secret) == (OutboxState.SENT, 2, None)


def test_an_sms_refused_for_good_fails_with_the_reason(session, sms_server):
    message = queue_sms(session)
    sms_server.refuse(400)

    report = deliver_due_sms(session, sms_settings(sms_server), _gateway(sms_server), NOW)

    assert report == DeliveryReport(failed=1)
    stored = reloaded(session, message)
    assert stored.state is OutboxState.FAILED
    assert stored.attempts == 1
    assert stored.last_error == (
        "Refusé par la passerelle SMS (400 Bad Request) : le numéro ou le texte n'est pas accepté."
    )


def test_a_refused_sms_does_not_stop_the_next_one(session, sms_server):
    first = queue_sms(session, key="message:n1:1:sms")
    second = queue_sms(session, key="message:n1:2:sms", recipient="+33698765432")
    sms_server.refuse(422, times=1)

    report = deliver_due_sms(session, sms_settings(sms_server), _gateway(sms_server), NOW)

    assert report == DeliveryReport(sent=1, failed=1)
    assert reloaded(session, first).state is OutboxState.FAILED
    assert reloaded(session, second).state is OutboxState.SENT
    assert [m.to for m in sms_server.wait_for(1)] == ["+33698765432"]


def test_wrong_credentials_fail_the_sms_and_stop_the_run(session, sms_server):
    first = queue_sms(session, key="message:n1:1:sms")
    second = queue_sms(session, key="message:n1:2:sms")
    wrong = sms_settings(sms_server, password="wrong")

    report = deliver_due_sms(session, wrong, HttpSmsGateway(wrong), NOW)

    assert report == DeliveryReport(failed=1)
    assert sms_server.messages == [] and sms_server.refused == [401]
    stored = reloaded(session, first)
    assert stored.state is OutboxState.FAILED
    assert stored.last_error == (
        "Authentification refusée par la passerelle SMS (401 Unauthorized) : vérifiez [sms] "
        "username et password, ou api_key."
    )
    assert reloaded(session, second).state is OutboxState.QUEUED


def test_a_redirection_is_not_followed(session, sms_server):
    message = queue_sms(session)
    sms_server.refuse(302)

    report = deliver_due_sms(session, sms_settings(sms_server), _gateway(sms_server), NOW)

    assert report == DeliveryReport(failed=1)
    assert reloaded(session, message).last_error == (
        f"La passerelle SMS (127.0.0.1:{sms_server.port}) renvoie vers une autre adresse "
        "(302 Found) : indiquez dans [sms] url l'adresse finale."
    )


def test_a_gateway_down_stops_the_run_and_the_sms_leave_when_it_is_back(session, sms_server):
    first = queue_sms(session, key="message:n1:1:sms")
    second = queue_sms(session, key="message:n1:2:sms", recipient="+33698765432")
    sms = sms_settings(sms_server)
    sms_server.stop()

    down = deliver_due_sms(session, sms, gateway_of(sms), NOW)  # type: ignore[arg-type]

    assert down == DeliveryReport(retrying=1)
    stored = reloaded(session, first)
    assert stored.last_error == (
        f"Passerelle SMS injoignable (127.0.0.1:{sms_server.port}) : connexion refusée."
    )
    assert reloaded(session, second).attempts == 0  # not tried: the gateway is down

    sms_server.start()
    back = deliver_due_sms(session, sms, gateway_of(sms), NOW + MINUTE)  # type: ignore[arg-type]

    assert back == DeliveryReport(sent=2)
    assert sorted(m.to for m in sms_server.wait_for(2)) == ["+33612345678", "+33698765432"]


def test_a_gateway_that_does_not_answer_in_time_is_tried_again(session, sms_server):
    message = queue_sms(session)
    sms_server.delay_seconds = 2
    sms = sms_settings(sms_server, timeout_seconds=1)

    report = deliver_due_sms(session, sms, _gateway(sms_server, timeout_seconds=1), NOW)

    assert report == DeliveryReport(retrying=1)
    stored = reloaded(session, message)
    assert stored.state is OutboxState.QUEUED
    assert stored.last_error == (
        f"Passerelle SMS injoignable (127.0.0.1:{sms_server.port}) : pas de réponse "
        "(délai dépassé)."
    )
    assert sms.timeout_seconds == 1


def test_an_sms_gives_up_after_max_attempts(session, sms_server):
    message = queue_sms(session)
    sms = sms_settings(sms_server, max_attempts=3)
    sms_server.refuse(500)
    when = NOW

    reports = []
    for _ in range(3):
        reports.append(deliver_due_sms(session, sms, _gateway(sms_server), when))
        when = reloaded(session, message).next_attempt_at

    assert reports == [DeliveryReport(retrying=1)] * 2 + [DeliveryReport(failed=1)]
    stored = reloaded(session, message)
    assert (stored.state, stored.attempts) == (OutboxState.FAILED, 3)
    assert "500 Internal Server Error" in (stored.last_error or "")


def test_an_sms_whose_link_expired_before_it_left_is_not_sent(session, sms_server):
    message = queue_sms(session, secret=None)  # the token purged: the link would be dead

    report = deliver_due_sms(session, sms_settings(sms_server), _gateway(sms_server), NOW)

    assert report == DeliveryReport(failed=1)
    assert sms_server.messages == []
    stored = reloaded(session, message)
    assert (stored.state, stored.last_error) == (OutboxState.FAILED, LINK_GONE)


def test_the_logs_name_neither_the_number_nor_the_text(session, sms_server, caplog):
    caplog.set_level(logging.INFO, logger="psad")
    queue_sms(session, key="message:n1:1:sms")
    queue_sms(session, key="message:n1:2:sms", recipient="+33698765432")
    sms_server.refuse(503, times=1)

    deliver_due_sms(session, sms_settings(sms_server), _gateway(sms_server), NOW)

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "sent" in logged and "not delivered" in logged
    assert "612345678" not in logged and "698765432" not in logged
    assert "Léa" not in logged and TOKEN not in logged


def _gateway(server: LoopbackSms, **over: object) -> HttpSmsGateway:
    return HttpSmsGateway(sms_settings(server, **over))

"""SMS received through the gateway's webhook: « STOP » blocks the youth we sent an SMS to
at that number; any other text is counted, never kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.audit.models import AuditEvent
from psad.messages.inbound import is_stop, sender_number
from psad.messages.models import BlockSource, ContactBlock, MessageChannel
from tests.helpers import count, events, with_settings
from tests.messages._reply_fixtures import link_for
from tests.messages.conftest import MOBILE, SECTIONS, send

SECRET = "secret-de-la-passerelle"
WITH_WEBHOOK = with_settings(sms={**SECTIONS["sms"], "inbound_secret": SECRET})
HEADERS = {"X-PSAD-Secret": SECRET}


@pytest.fixture
def texted(session, msg):  # type: ignore[no-untyped-def]
    """The minor was sent an SMS at MOBILE; the unknown-age youth only an e-mail; committed."""
    send(session, msg, [msg.minor], channels=[MessageChannel.SMS])
    send(session, msg, [msg.unknown_age], channels=[MessageChannel.EMAIL])
    session.commit()
    return msg


def blocked_ids(session) -> list[int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(
        session.scalars(select(ContactBlock.youth_id).where(ContactBlock.lifted_at.is_(None)))
    )


@pytest.mark.parametrize(
    "said", ["STOP", "stop", " Stop. ", "Stop !", "arrêt", "ARRET", "Arrêt.", "STOP SMS", "stopp"]
)
def test_stop_words_whatever_their_case_accents_and_punctuation(said):
    assert is_stop(said)


@pytest.mark.parametrize("said", ["", "Non merci", "stop à la pub de mon opérateur", "STOPPER"])
def test_other_texts_are_not_stop(said):
    assert not is_stop(said)


@pytest.mark.parametrize("sender", ["+33612345678", "33612345678", "0612345678", "06 12 34 56 78"])
def test_the_sender_is_read_as_the_messages_were_sent(sender):
    assert sender_number(sender) == MOBILE


def test_without_a_secret_configured_there_is_no_webhook(client, msg):
    response = client.post("/sms/entrant", data={"from": MOBILE, "text": "STOP"})

    assert response.status_code == 404


@WITH_WEBHOOK
@pytest.mark.parametrize("headers", [{}, {"X-PSAD-Secret": "mauvais"}])
def test_a_wrong_or_missing_secret_is_refused(client, session, texted, headers):
    response = client.post("/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers=headers)

    assert response.status_code == 403
    assert response.json == {"erreur": "En-tête X-PSAD-Secret absent ou incorrect."}
    assert blocked_ids(session) == []


@WITH_WEBHOOK
def test_stop_blocks_the_youth_sent_an_sms_at_that_number(client, session, texted):
    # the gateway sends no CSRF token: the webhook is exempt
    response = client.post("/sms/entrant", data={"from": MOBILE, "text": "Stop"}, headers=HEADERS)

    assert response.status_code == 200
    assert response.json == {"bloques": 1}
    block = session.scalars(select(ContactBlock)).one()
    assert (block.youth_id, block.source, block.blocked_by_id) == (
        texted.minor.id,
        BlockSource.SMS_STOP,
        None,
    )


@WITH_WEBHOOK
def test_stop_sent_as_json_with_the_gateways_number_format(client, session, texted):
    response = client.post(
        "/sms/entrant", json={"from": "33612345678", "text": "ARRÊT"}, headers=HEADERS
    )

    assert response.json == {"bloques": 1}
    assert blocked_ids(session) == [texted.minor.id]


@WITH_WEBHOOK
def test_stop_from_a_number_only_e_mailed_or_never_used_blocks_nobody(client, session, texted):
    texted.unknown_age.phone = "+33611223344"
    session.commit()

    responses = [
        client.post("/sms/entrant", data={"from": number, "text": "STOP"}, headers=HEADERS)
        for number in ("+33611223344", "+33700000000")
    ]

    assert [r.json for r in responses] == [{"bloques": 0}, {"bloques": 0}]
    assert blocked_ids(session) == []


@WITH_WEBHOOK
def test_a_second_stop_blocks_nobody_more(client, session, texted):
    client.post("/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers=HEADERS)

    response = client.post("/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers=HEADERS)

    assert response.json == {"bloques": 0}
    assert count(session, ContactBlock) == 1


@WITH_WEBHOOK
def test_another_text_is_counted_and_never_kept(client, session, texted):
    said = "Bonjour je rappelle demain au 0799887766"

    response = client.post("/sms/entrant", data={"from": MOBILE, "text": said}, headers=HEADERS)

    assert response.json == {"bloques": 0}
    assert blocked_ids(session) == []
    [received] = events(session, AuditAction.SMS_RECEIVED.value)
    assert received.detail == "stop=non; bloques=0"
    for event in session.scalars(select(AuditEvent)):
        assert "0799887766" not in (event.detail or "")
        assert MOBILE not in (event.detail or "")


@WITH_WEBHOOK
def test_the_stop_is_audited_with_counts_only(client, session, texted):
    client.post("/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers=HEADERS)

    [received] = events(session, AuditAction.SMS_RECEIVED.value)
    [blocked] = events(session, AuditAction.CONTACT_BLOCKED.value)
    assert received.detail == "stop=oui; bloques=1"
    assert (blocked.object_id, blocked.detail) == (texted.minor.id, "source=sms_stop")


@WITH_WEBHOOK
def test_a_message_without_its_sender_is_refused_in_french(client, session, texted):
    response = client.post("/sms/entrant", data={"text": "STOP"}, headers=HEADERS)

    assert response.status_code == 400
    assert "from" in response.json["erreur"]


@with_settings(
    sms={**SECTIONS["sms"], "inbound_secret": SECRET},
    messages={"reply_wrong_tokens_per_address": 2},
)
def test_guessing_the_secret_locks_the_address(client, session, texted):
    for _ in range(2):
        client.post(
            "/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers={"X-PSAD-Secret": "x"}
        )

    response = client.post("/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers=HEADERS)

    assert response.status_code == 429
    assert blocked_ids(session) == []


@WITH_WEBHOOK
def test_wrong_secrets_lock_the_webhook_but_not_the_reply_page(client, session, texted):
    raw = link_for(session, texted.minor)
    wrong = [
        client.post(
            "/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers={"X-PSAD-Secret": "x"}
        ).status_code
        for _ in range(10)  # [messages] reply_wrong_tokens_per_address
    ]

    locked = client.post("/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers=HEADERS)

    assert wrong == [403] * 10
    assert locked.status_code == 429
    assert locked.json == {
        "erreur": "Trop de tentatives avec un mauvais secret : réessayez plus tard."
    }
    assert client.get(f"/r/{raw}").status_code == 200  # the same address, a youth's link


@WITH_WEBHOOK
def test_wrong_links_lock_the_reply_page_but_not_the_webhook(client, session, texted):
    raw = link_for(session, texted.minor)
    wrong = [client.get(f"/r/faux{number}").status_code for number in range(10)]
    assert wrong == [404] * 10
    assert client.get(f"/r/{raw}").status_code == 429

    response = client.post("/sms/entrant", data={"from": MOBILE, "text": "STOP"}, headers=HEADERS)

    assert response.status_code == 200
    assert response.json == {"bloques": 1}

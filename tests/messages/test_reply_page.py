"""The public reply page of a personal link, as the youth sees it: who writes, a masked
phone, three choices and « ne plus être contacté·e »; the same neutral page for any link
that does not work; the page's guards (CSP, no script, CSRF, audit without the token)."""

from __future__ import annotations

import logging
import re

from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.messages.models import BlockSource, ContactBlock, MessageChannel, ReplyAnswer
from psad.messages.services import LEFT_BLOCKED
from psad.youth.models import CaseStatus
from tests.factories import make_youth
from tests.helpers import count, events, field_error, text
from tests.messages._reply_fixtures import (
    IP,
    answer,
    expired_link,
    link_for,
    public_page_is_clean,
)
from tests.messages.conftest import send

# --- what the page shows -------------------------------------------------------------------


def test_a_valid_link_shows_the_psad_and_the_masked_phone(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    response = client.get(f"/r/{raw}")

    page = text(response)
    assert response.status_code == 200
    assert "PSAD de Lille" in page
    assert "06 •• •• •• 78" in page
    assert "Je veux être recontacté·e" in page
    assert "J'ai déjà une solution" in page
    assert "Je ne veux pas être accompagné·e" in page
    assert "Ne plus être contacté·e" in page


def test_the_page_shows_nothing_else_of_the_youth(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    page = text(client.get(f"/r/{raw}"))

    for personal in ("Éloïse", "Lefèvre", "LEFÈVRE", "eloise.lefevre", "06 12 34 56 78", "2009"):
        assert personal not in page


def test_a_youth_without_a_phone_is_told_so_and_may_give_one(client, session, msg, frozen_clock):
    raw = link_for(session, msg.unknown_age)

    page = text(client.get(f"/r/{raw}"))

    assert "Nous n'avons pas de numéro de téléphone pour vous." in page
    assert re.search(r'<label class="form-label" for="phone">', page)


def test_each_choice_and_field_has_a_label_and_groups_have_a_legend(
    client, session, msg, frozen_clock
):
    page = text(client.get(f"/r/{link_for(session, msg.minor)}"))

    for input_id in re.findall(r'<input [^>]*id="([^"]+)"', page):
        assert f'for="{input_id}"' in page, input_id
    assert page.count("<fieldset") == page.count("<legend")
    assert "Quand préférez-vous être appelé·e ?" in page
    assert "Quelle solution avez-vous ?" in page


def test_the_public_pages_keep_the_csp_and_carry_no_script_nor_inline_style(
    client, session, msg, frozen_clock
):
    raw = link_for(session, msg.minor)

    pages = [
        client.get(f"/r/{raw}"),
        client.get("/r/inconnu"),
        answer(client, raw, kind="refusal"),
        client.get(f"/r/{raw}/merci?reponse=refusal"),
        answer(client, raw, kind="solution", solution_kind="nothing"),
    ]

    assert [page.status_code for page in pages] == [200, 404, 303, 200, 422]
    for page in pages:
        if page.status_code != 303:
            public_page_is_clean(page)


# --- links that do not work ----------------------------------------------------------------


def test_wrong_malformed_expired_and_closed_links_show_the_same_neutral_page(
    client, session, msg, frozen_clock
):
    closed = make_youth(session, msg.psad, case_status=CaseStatus.CLOSED, phone="+33611223344")
    links = {
        "wrong": "Xq3vR9mT2kLp8wYz4nB6cA",
        "malformed": "abc",
        "too long": "x" * 200,
        "odd characters": "%E2%80%A2%20..",
        "expired": expired_link(session, msg.minor),
        "closed case": link_for(session, closed),
    }

    responses = {name: client.get(f"/r/{raw}") for name, raw in links.items()}

    bodies = {response.get_data() for response in responses.values()}
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(links, 404)
    assert len(bodies) == 1
    page = text(next(iter(responses.values())))
    assert "Ce lien n'est pas ou plus valable" in page
    assert "PSAD" not in page
    public_page_is_clean(responses["wrong"])


def test_posting_to_a_wrong_link_shows_the_neutral_page(client, session, msg, frozen_clock):
    neutral = client.get("/r/inconnu").get_data()

    responses = [
        answer(client, "inconnu", kind="call_back", time_slot="any"),
        client.submit("/r/inconnu/stop", {"confirm": "y"}),
        client.get("/r/inconnu/merci"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert {r.get_data() for r in responses} == {neutral}
    assert count(session, ReplyAnswer) == 0


def test_a_link_stops_working_once_its_case_is_closed(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)
    case = msg.minor.open_case
    case.status = CaseStatus.CLOSED
    session.commit()

    response = client.get(f"/r/{raw}")

    assert response.status_code == 404
    assert response.get_data() == client.get("/r/inconnu").get_data()


# --- the audit, and what never leaves a trace ----------------------------------------------


def test_each_visit_is_audited_with_the_youth_and_the_address_only(
    client, session, msg, frozen_clock
):
    raw = link_for(session, msg.minor)

    client.get(f"/r/{raw}")
    client.get(f"/r/{raw}")

    viewed = events(session, AuditAction.REPLY_VIEWED.value)
    assert len(viewed) == 2
    assert {(e.object_type, e.object_id, e.user_id, e.psad_id, e.ip_address) for e in viewed} == {
        ("youth", msg.minor.id, None, msg.psad.id, IP)
    }
    assert all(raw not in (e.detail or "") for e in viewed)


def test_a_wrong_link_is_audited_without_object_nor_token(client, session, msg, frozen_clock):
    client.get("/r/Xq3vR9mT2kLp8wYz4nB6cA")

    [refused] = events(session, AuditAction.REPLY_REFUSED.value)
    assert (refused.object_type, refused.object_id, refused.psad_id) == (None, None, None)
    assert refused.ip_address == IP
    assert "Xq3v" not in (refused.detail or "")


def test_the_request_log_never_holds_the_token(client, session, msg, frozen_clock, caplog):
    raw = link_for(session, msg.minor)
    caplog.set_level(logging.INFO, logger="psad.requests")

    client.get(f"/r/{raw}")
    answer(client, raw, kind="call_back", time_slot="morning")

    assert "/r/<token>" in caplog.text
    assert raw not in caplog.text


# --- the form's guards ---------------------------------------------------------------------


def test_an_answer_without_the_csrf_token_is_refused(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    response = client.post(f"/r/{raw}", data={"kind": "refusal"})

    assert response.status_code == 400
    assert "Le formulaire a expiré" in text(response)
    public_page_is_clean(response)
    assert count(session, ReplyAnswer) == 0


def test_an_answer_needs_a_choice(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    response = answer(client, raw)

    assert response.status_code == 422
    assert "Choisissez une des trois réponses." in text(response)
    assert 'href="#kind"' in text(response)
    assert count(session, ReplyAnswer) == 0


def test_a_solution_needs_its_kind(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    response = answer(client, raw, kind="solution")

    assert response.status_code == 422
    assert "Dites quelle solution vous avez déjà." in text(response)
    assert count(session, ReplyAnswer) == 0


def test_an_invalid_phone_gets_a_french_message_on_its_field(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    response = answer(client, raw, kind="call_back", time_slot="morning", phone="06 12")

    assert response.status_code == 422
    assert "n'est pas un numéro de téléphone valable" in field_error(response, "phone")
    assert 'value="06 12"' in response.get_data(as_text=True)
    assert count(session, ReplyAnswer) == 0


def test_an_answer_leads_to_the_thanks_page(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    response = answer(client, raw, kind="call_back", time_slot="morning")
    thanks = client.get(response.headers["Location"])

    assert response.status_code == 303
    assert response.headers["Location"] == f"/r/{raw}/merci?reponse=call_back"
    assert "Votre réponse a bien été transmise à PSAD de Lille." in text(thanks)
    assert "Une personne de l'équipe vous appellera" in text(thanks)


def test_answering_more_often_than_the_link_allows_is_refused(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)
    for _ in range(msg.settings.messages.answers_per_link):
        assert answer(client, raw, kind="call_back", time_slot="any").status_code == 303

    response = answer(client, raw, kind="refusal")

    assert response.status_code == 429
    assert "Vous avez déjà répondu plusieurs fois avec ce lien" in text(response)
    assert count(session, ReplyAnswer) == msg.settings.messages.answers_per_link


# --- « Ne plus être contacté·e » -----------------------------------------------------------


def test_stopping_needs_the_box_ticked(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    response = client.submit(f"/r/{raw}/stop", {})

    assert response.status_code == 422
    assert "Cochez la case pour confirmer" in field_error(response, "confirm")
    assert count(session, ContactBlock) == 0


def test_stopping_blocks_the_youth_and_says_so(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    response = client.submit(f"/r/{raw}/stop", {"confirm": "y"})
    thanks = client.get(response.headers["Location"])
    again = client.get(f"/r/{raw}")

    assert response.status_code == 303
    assert "PSAD de Lille ne vous enverra plus de message" in text(thanks)
    assert "Vous avez demandé à ne plus être contacté·e" in text(again)
    block = session.scalars(select(ContactBlock)).one()
    assert (block.youth_id, block.source, block.lifted_at) == (
        msg.minor.id,
        BlockSource.REPLY_PAGE,
        None,
    )
    [audited] = events(session, AuditAction.CONTACT_BLOCKED.value)
    assert (audited.object_id, audited.user_id, audited.ip_address) == (msg.minor.id, None, IP)


def test_after_a_stop_later_sendings_leave_the_youth_out(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)
    client.submit(f"/r/{raw}/stop", {"confirm": "y"})
    session.expire_all()

    report = send(session, msg, [msg.minor, msg.adult], channels=[MessageChannel.EMAIL])

    assert report.left == {LEFT_BLOCKED: 1}
    assert report.youth_ids == [msg.adult.id]

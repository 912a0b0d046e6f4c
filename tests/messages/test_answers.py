"""What the youth's answers do to the case and the lists, and a counsellor's review of them
(confirm a phone, confirm a situation, set a part aside)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor
from psad.errors import DomainError
from psad.followup.models import CaseEvent, CaseEventKind, Contact, Task, TaskRule
from psad.followup.queries import Tab, tab_of
from psad.messages import reply
from psad.messages.models import (
    AnswerKind,
    ReplyAnswer,
    ReplyToken,
    ReviewState,
    SolutionKind,
    TimeSlot,
)
from psad.messages.tokens import valid_token
from psad.reference.models import ReferenceKind
from psad.youth.models import CaseStatus, Youth
from tests.followup.conftest import reference
from tests.followup.test_worklists import block
from tests.helpers import events, text
from tests.messages._reply_fixtures import IP, answer, link_for
from tests.messages.conftest import LANDLINE, NOW, OTHER_MOBILE, TODAY

YOUTH_ACTOR = Actor(user_id=None, psad_id=None, ip_address="192.0.2.7")


def record(session, msg, youth: Youth, kind: AnswerKind, **given) -> ReplyAnswer:  # type: ignore[no-untyped-def]
    """``record_answer`` on a fresh link of ``youth``, as the page calls it; flushed."""
    token = valid_token(session, link_for(session, youth), NOW)
    assert token is not None
    values = {"time_slot": None, "solution_kind": None, "phone": None, **given}
    return reply.record_answer(
        session, token=token, kind=kind, now=NOW, actor=YOUTH_ACTOR, settings=msg.settings, **values
    )


def latest_contact(session, youth: Youth) -> Contact:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalars(
        select(Contact)
        .where(Contact.case_id == youth.open_case.id)
        .order_by(Contact.occurred_at.desc(), Contact.id.desc())
    ).first()


def priority_rows(page: str) -> list[tuple[str, str]]:
    """Each row of the « Prioritaires » block: the name and what follows it (the badges)."""
    return re.findall(r'<li class="mb-1"><a href="[^"]*">([^<]+)</a>(.*?)</li>', block(page), re.S)


# --- a call-back request -------------------------------------------------------------------


def test_a_call_back_puts_the_youth_first_in_a_recontacter_with_the_badge(
    client, session, msg, frozen_clock
):
    raw = link_for(session, msg.adult)
    before = text(client.get(f"/r/{raw}"))  # the youth opens the link
    assert "Je veux être recontacté·e" in before

    answer(client, raw, kind="call_back", time_slot="late_afternoon")
    client.sign_in(msg.copilot)
    page = text(client.get("/jeunes?onglet=a-recontacter"))

    name, badges = priority_rows(page)[0]
    assert name == "MARTIN Hugo"
    assert "Rappel demandé par le jeune" in badges


def test_a_call_back_is_a_contact_reached_without_author_with_the_time_slot(session, msg):
    record(session, msg, msg.adult, AnswerKind.CALL_BACK, time_slot=TimeSlot.MORNING)

    contact = latest_contact(session, msg.adult)
    assert contact.channel.code == "online_reply"
    assert contact.outcome is not None and contact.outcome.code == "call_back_asked"
    assert (contact.reached, contact.author_id) == (True, None)
    assert "Créneau préféré : Le matin (9 h - 12 h)" in (contact.comment or "")
    youth = session.get(Youth, msg.adult.id)
    assert youth.call_back_asked is True
    assert tab_of(youth.list_state, False) is Tab.TO_RECONTACT


def test_a_call_back_makes_a_call_back_task_due_today(session, msg):
    record(session, msg, msg.adult, AnswerKind.CALL_BACK, time_slot=TimeSlot.ANY)

    [task] = session.scalars(
        select(Task).where(Task.case_id == msg.adult.open_case.id, Task.done_at.is_(None))
    ).all()
    assert (task.rule, task.due_on) == (TaskRule.CALL_BACK, TODAY)


def test_a_corrected_phone_waits_for_review_and_the_file_keeps_its_number(
    client, session, msg, frozen_clock
):
    raw = link_for(session, msg.adult)

    answer(client, raw, kind="call_back", time_slot="morning", phone="07 98 76 54 32")

    session.expire_all()
    saved = session.scalars(select(ReplyAnswer)).one()
    assert (saved.phone_proposed, saved.phone_review) == (OTHER_MOBILE, ReviewState.PENDING)
    assert session.get(Youth, msg.adult.id).phone == LANDLINE
    comment = latest_contact(session, msg.adult).comment or ""
    assert "Nouveau numéro proposé." in comment
    assert "98 76" not in comment


def test_the_same_phone_as_the_file_is_no_proposal(session, msg):
    saved = record(
        session, msg, msg.adult, AnswerKind.CALL_BACK, time_slot=TimeSlot.ANY, phone=LANDLINE
    )

    assert (saved.phone_proposed, saved.phone_review) == (None, None)


def test_an_answer_is_audited_with_ids_and_codes_only(client, session, msg, frozen_clock):
    raw = link_for(session, msg.adult)

    answer(client, raw, kind="call_back", time_slot="morning", phone="07 98 76 54 32")

    [answered] = events(session, AuditAction.REPLY_ANSWERED.value)
    assert (answered.object_type, answered.object_id) == ("youth", msg.adult.id)
    assert (answered.user_id, answered.psad_id, answered.ip_address) == (None, msg.psad.id, IP)
    assert re.fullmatch(r"reponse=\d+; type=call_back; numero_propose=oui", answered.detail)


# --- a solution, a refusal -----------------------------------------------------------------


def test_a_declared_solution_waits_for_review_and_leaves_the_situation(session, msg):
    situation = msg.adult.open_case.situation

    saved = record(
        session, msg, msg.adult, AnswerKind.SOLUTION, solution_kind=SolutionKind.EMPLOYMENT
    )

    assert (saved.solution_kind, saved.situation_review) == (
        SolutionKind.EMPLOYMENT,
        ReviewState.PENDING,
    )
    assert msg.adult.open_case.situation == situation
    contact = latest_contact(session, msg.adult)
    assert contact.outcome.code == "solution_declared"
    assert contact.reached is True
    assert "Solution déclarée : Un emploi" in (contact.comment or "")


def test_a_refusal_proposes_closing(session, msg):
    saved = record(session, msg, msg.adult, AnswerKind.REFUSAL)

    assert (saved.refusal_review, saved.situation_review, saved.phone_review) == (
        ReviewState.PENDING,
        None,
        None,
    )
    assert latest_contact(session, msg.adult).outcome.code == "refused"
    assert reply.pending_answers(session, msg.adult.id) == [saved]


def test_a_link_takes_a_limited_number_of_answers(session, msg):
    token = valid_token(session, link_for(session, msg.adult), NOW)
    for _ in range(msg.settings.messages.answers_per_link):
        reply.record_answer(
            session,
            token=token,
            kind=AnswerKind.REFUSAL,
            time_slot=None,
            solution_kind=None,
            phone=None,
            now=NOW,
            actor=YOUTH_ACTOR,
            settings=msg.settings,
        )

    with pytest.raises(reply.TooManyAnswersError, match="déjà répondu plusieurs fois"):
        reply.record_answer(
            session,
            token=token,
            kind=AnswerKind.REFUSAL,
            time_slot=None,
            solution_kind=None,
            phone=None,
            now=NOW,
            actor=YOUTH_ACTOR,
            settings=msg.settings,
        )


def test_the_answers_limit_holds_when_the_count_grew_after_the_link_was_read(app, session, msg):
    most = msg.settings.messages.answers_per_link
    token = valid_token(session, link_for(session, msg.adult), NOW)
    assert token is not None and token.answers == 0
    # Meanwhile another request answered with the same link: one place is left.
    other = Session(bind=app.extensions["psad_test_bind"])
    other.execute(update(ReplyToken).where(ReplyToken.id == token.id).values(answers=most - 1))
    other.commit()
    other.close()

    reply.record_answer(
        session,
        token=token,
        kind=AnswerKind.REFUSAL,
        time_slot=None,
        solution_kind=None,
        phone=None,
        now=NOW,
        actor=YOUTH_ACTOR,
        settings=msg.settings,
    )
    with pytest.raises(reply.TooManyAnswersError, match="déjà répondu plusieurs fois"):
        reply.record_answer(
            session,
            token=token,
            kind=AnswerKind.SOLUTION,
            time_slot=None,
            solution_kind=SolutionKind.TRAINING,
            phone=None,
            now=NOW,
            actor=YOUTH_ACTOR,
            settings=msg.settings,
        )

    session.expire_all()
    assert session.get_one(ReplyToken, token.id).answers == most
    assert session.scalars(select(ReplyAnswer.kind)).all() == [AnswerKind.REFUSAL]


# --- a counsellor's review -----------------------------------------------------------------


def test_confirming_the_phone_updates_the_file_and_is_audited(session, msg):
    saved = record(
        session, msg, msg.adult, AnswerKind.CALL_BACK, time_slot=TimeSlot.ANY, phone=OTHER_MOBILE
    )

    reply.confirm_phone(
        session, answer=saved, by=msg.copilot, actor=msg.actor(msg.copilot), now=NOW
    )

    assert session.get(Youth, msg.adult.id).phone == OTHER_MOBILE
    assert (saved.phone_review, saved.reviewed_by_id) == (ReviewState.CONFIRMED, msg.copilot.id)
    event = session.scalars(select(CaseEvent).where(CaseEvent.kind == CaseEventKind.IDENTITY)).one()
    assert event.after == "téléphone"
    session.flush()
    [reviewed] = events(session, AuditAction.REPLY_REVIEWED.value)
    assert reviewed.detail == f"reponse={saved.id}; partie=telephone; decision=confirme"
    assert reviewed.user_id == msg.copilot.id
    assert reply.pending_answers(session, msg.adult.id) == []


def test_confirming_the_situation_changes_it(session, msg):
    saved = record(
        session, msg, msg.adult, AnswerKind.SOLUTION, solution_kind=SolutionKind.EMPLOYMENT
    )
    employed = reference(session, ReferenceKind.SITUATION, SolutionKind.EMPLOYMENT.situation_code)

    reply.confirm_situation(
        session,
        answer=saved,
        situation_item=employed,
        by=msg.copilot,
        actor=msg.actor(msg.copilot),
        now=NOW,
    )

    assert msg.adult.open_case.situation == employed
    assert saved.situation_review is ReviewState.CONFIRMED
    event = session.scalars(
        select(CaseEvent).where(CaseEvent.kind == CaseEventKind.SITUATION)
    ).one()
    assert (event.after, event.author_id) == (employed.label, msg.copilot.id)


def test_a_situation_must_be_a_situation(session, msg):
    saved = record(session, msg, msg.adult, AnswerKind.SOLUTION, solution_kind=SolutionKind.SUPPORT)
    not_a_situation = reference(session, ReferenceKind.CLOSING_REASON, "refused")

    with pytest.raises(DomainError, match="liste des situations"):
        reply.confirm_situation(
            session,
            answer=saved,
            situation_item=not_a_situation,
            by=msg.copilot,
            actor=msg.actor(msg.copilot),
            now=NOW,
        )


@pytest.mark.parametrize(
    ("kind", "given", "part"),
    [
        (AnswerKind.CALL_BACK, {"time_slot": TimeSlot.ANY, "phone": OTHER_MOBILE}, "phone"),
        (AnswerKind.SOLUTION, {"solution_kind": SolutionKind.TRAINING}, "situation"),
        (AnswerKind.REFUSAL, {}, "refusal"),
    ],
)
def test_setting_a_part_aside_leaves_the_file_and_ends_its_review(session, msg, kind, given, part):
    saved = record(session, msg, msg.adult, kind, **given)
    situation = msg.adult.open_case.situation

    reply.dismiss(
        session,
        answer=saved,
        part=part,
        by=msg.pilot,
        actor=msg.actor(),
        now=NOW + timedelta(hours=1),
    )

    assert getattr(saved, f"{part}_review") is ReviewState.DISMISSED
    assert session.get(Youth, msg.adult.id).phone == LANDLINE
    assert msg.adult.open_case.situation == situation
    assert reply.pending_answers(session, msg.adult.id) == []
    with pytest.raises(DomainError, match="déjà"):
        reply.dismiss(session, answer=saved, part=part, by=msg.pilot, actor=msg.actor(), now=NOW)


def test_closing_the_case_settles_a_refusal_but_not_a_phone(session, msg):
    refusal = record(session, msg, msg.adult, AnswerKind.REFUSAL)
    phone = record(
        session, msg, msg.adult, AnswerKind.CALL_BACK, time_slot=TimeSlot.ANY, phone=OTHER_MOBILE
    )
    assert set(reply.pending_answers(session, msg.adult.id)) == {refusal, phone}

    msg.adult.open_case.status = CaseStatus.CLOSED
    session.flush()

    assert reply.pending_answers(session, msg.adult.id) == [phone]


def test_stopping_from_the_page_twice_is_one_block(session, msg):
    token = valid_token(session, link_for(session, msg.adult), NOW)

    first = reply.stop_from_page(session, token=token, now=NOW, actor=YOUTH_ACTOR)
    second = reply.stop_from_page(session, token=token, now=NOW, actor=YOUTH_ACTOR)

    assert first is not None and first.blocked_by_id is None
    assert second is None


# --- who may set a refusal aside ------------------------------------------------------------


def test_a_partner_who_follows_the_youth_cannot_set_a_refusal_aside(client, session, msg):
    saved = record(session, msg, msg.minor, AnswerKind.REFUSAL)  # the minor: the partner's
    session.commit()
    client.sign_in(msg.world.partner)

    response = client.submit(
        f"/jeunes/{msg.minor.id}/reponses/{saved.id}/ecarter", {"part": "refusal"}
    )

    assert response.status_code == 403
    assert "Seuls le pilote et les co-pilotes de la PSAD peuvent écarter le refus" in text(response)
    session.expire_all()
    assert session.get_one(ReplyAnswer, saved.id).refusal_review is ReviewState.PENDING


def test_a_partner_sees_the_refusal_without_the_button_to_set_it_aside(client, session, msg):
    record(session, msg, msg.minor, AnswerKind.REFUSAL)
    session.commit()
    client.sign_in(msg.world.partner)

    page = client.get(f"/jeunes/{msg.minor.id}")

    assert "Le jeune ne souhaite pas être accompagné." in text(page)
    assert 'name="part" value="refusal"' not in page.get_data(as_text=True)


def test_a_partner_who_follows_the_youth_still_sets_a_phone_aside(client, session, msg):
    saved = record(
        session, msg, msg.minor, AnswerKind.CALL_BACK, time_slot=TimeSlot.ANY, phone=OTHER_MOBILE
    )
    session.commit()
    client.sign_in(msg.world.partner)

    response = client.submit(
        f"/jeunes/{msg.minor.id}/reponses/{saved.id}/ecarter",
        {"part": "phone"},
        follow_redirects=True,
    )

    assert "Réponse écartée" in text(response)
    session.expire_all()
    assert session.get_one(ReplyAnswer, saved.id).phone_review is ReviewState.DISMISSED


def test_a_copilot_sets_a_refusal_aside(client, session, msg):
    saved = record(session, msg, msg.minor, AnswerKind.REFUSAL)
    session.commit()
    client.sign_in(msg.copilot)

    response = client.submit(
        f"/jeunes/{msg.minor.id}/reponses/{saved.id}/ecarter",
        {"part": "refusal"},
        follow_redirects=True,
    )

    assert "Réponse écartée" in text(response)
    session.expire_all()
    assert session.get_one(ReplyAnswer, saved.id).refusal_review is ReviewState.DISMISSED

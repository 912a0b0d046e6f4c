"""The access matrix of the messages' staff pages (issue 16), for each role: « Pilotes and
co-pilotes write to youth and record or lift an opposition; whoever follows a youth reviews
their answers; a PSAD's templates and settings are its pilote's and the administrators'. »

Same world as tests/access/test_youth_scope.py: LILLE (pilote, co-pilote, partenaire of the
Lycée Baggio, lecteur) and AMIENS, an administrator with no membership. The youth assigned to
the Lycée Baggio and the unassigned one each answered with a new phone number; another
PSAD's youth, and one that does not exist, answer 404 like each other.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from psad.messages.defaults import ensure_default_templates
from psad.messages.models import (
    AnswerKind,
    AutoReminderSuspension,
    ContactBlock,
    ReplyAnswer,
    ReviewState,
)
from psad.messages.tokens import new_token
from psad.youth.models import Youth
from tests.access.test_youth_scope import (
    ADMIN,
    AMIENS,
    ASSIGNED,
    CLOSED,
    COPILOT,
    PARTNER,
    PILOT,
    READER,
    ROLES,
    UNASSIGNED,
)
from tests.helpers import count, text

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
WRITES = {PILOT: 200, COPILOT: 200, PARTNER: 403, READER: 403, ADMIN: 403}
ELSEWHERE = {PILOT: 404, COPILOT: 404, PARTNER: 403, READER: 403, ADMIN: 403}
TEMPLATES = {PILOT: 200, COPILOT: 403, PARTNER: 403, READER: 403, ADMIN: 200}
OTHER_PSAD = {PILOT: 404, COPILOT: 403, PARTNER: 403, READER: 403, ADMIN: 200}
# A URL's {assigned}, {closed}, {amiens} are youth ids; {lille}, {other} the PSADs.
PAGES = {
    "/jeunes/{assigned}/message": WRITES,
    "/jeunes/{closed}/message": WRITES,
    "/jeunes/{amiens}/message": ELSEWHERE,
    "/jeunes/2147483647/message": ELSEWHERE,
    "/psad/{lille}/modeles-messages": TEMPLATES,
    "/psad/{lille}/modeles-messages/first_contact": TEMPLATES,
    "/psad/{lille}/modeles-messages/nouveau": TEMPLATES,
    "/psad/{lille}/messages": TEMPLATES,
    "/psad/{other}/modeles-messages": OTHER_PSAD,
    "/psad/{other}/modeles-messages/first_contact": OTHER_PSAD,
    "/psad/{other}/messages": OTHER_PSAD,
    "/psad/2147483647/modeles-messages": {**OTHER_PSAD, ADMIN: 404},
}
POSTED_BY_WRITERS = {PILOT: 302, COPILOT: 302, PARTNER: 403, READER: 403, ADMIN: 403}
REVIEWS = {PILOT: 302, COPILOT: 302, PARTNER: 302, READER: 403, ADMIN: 403}


@pytest.fixture
def ids(session: Session, access_world) -> dict[str, int]:
    ensure_default_templates(session, access_world.lille.id)
    ensure_default_templates(session, access_world.amiens.id)
    answers = {name: _answer(session, access_world.youth[name]) for name in (ASSIGNED, UNASSIGNED)}
    session.commit()
    return {
        "assigned": access_world.youth[ASSIGNED],
        "closed": access_world.youth[CLOSED],
        "unassigned": access_world.youth[UNASSIGNED],
        "amiens": access_world.youth[AMIENS],
        "lille": access_world.lille.id,
        "other": access_world.amiens.id,
        "assigned_answer": answers[ASSIGNED],
        "unassigned_answer": answers[UNASSIGNED],
    }


def _answer(session: Session, youth_id: int) -> int:
    youth = session.get_one(Youth, youth_id)
    case = youth.open_case
    assert case is not None
    _, token = new_token(
        session, psad_id=youth.psad_id, youth_id=youth.id, case_id=case.id, now=NOW, days=30
    )
    answer = ReplyAnswer(
        token_id=token.id,
        youth_id=youth.id,
        case_id=case.id,
        kind=AnswerKind.CALL_BACK,
        phone_proposed="+33712345678",
        phone_review=ReviewState.PENDING,
        answered_at=NOW,
    )
    session.add(answer)
    session.flush()
    return answer.id


@pytest.mark.parametrize("role", ROLES)
def test_each_page_by_role(client, access_world, ids, role, subtests):
    client.sign_in(access_world.users[role])

    for page, expected in PAGES.items():
        with subtests.test(msg=page):
            assert client.get(page.format(**ids)).status_code == expected[role]


@pytest.mark.parametrize("url", list(PAGES))
def test_a_visitor_is_sent_to_the_login_page(client, access_world, ids, url):
    response = client.get(url.format(**ids))

    assert response.status_code == 302
    assert response.location.startswith("/connexion")


@pytest.mark.parametrize("role", ROLES)
def test_recording_an_opposition_by_role(client, session, access_world, ids, role):
    client.sign_in(access_world.users[role])

    response = client.submit(f"/jeunes/{ids['assigned']}/opposition")

    assert response.status_code == POSTED_BY_WRITERS[role]
    assert count(session, ContactBlock) == (1 if role in (PILOT, COPILOT) else 0)


@pytest.mark.parametrize("role", ROLES)
def test_another_psads_youth_cannot_be_blocked(client, session, access_world, ids, role):
    client.sign_in(access_world.users[role])

    response = client.submit(f"/jeunes/{ids['amiens']}/opposition")

    assert response.status_code == ELSEWHERE[role]
    assert count(session, ContactBlock) == 0


@pytest.mark.parametrize("role", ROLES)
def test_lifting_an_opposition_by_role(client, access_world, ids, role):
    client.sign_in(access_world.users[role])

    response = client.submit(f"/jeunes/{ids['assigned']}/opposition/levee", {"reason": "Motif"})

    assert response.status_code == POSTED_BY_WRITERS[role]


@pytest.mark.parametrize("role", ROLES)
def test_suspending_automatic_reminders_by_role(client, session, access_world, ids, role):
    client.sign_in(access_world.users[role])

    response = client.submit(f"/jeunes/{ids['assigned']}/relances-auto", {"suspendre": "oui"})

    assert response.status_code == POSTED_BY_WRITERS[role]
    assert count(session, AutoReminderSuspension) == (1 if role in (PILOT, COPILOT) else 0)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["telephone", "ecarter"])
def test_reviewing_an_answer_by_role(client, session, access_world, ids, role, action):
    client.sign_in(access_world.users[role])

    response = client.submit(
        f"/jeunes/{ids['assigned']}/reponses/{ids['assigned_answer']}/{action}", {"part": "phone"}
    )

    assert response.status_code == REVIEWS[role]
    reviewed = count(session, ReplyAnswer, ReplyAnswer.phone_review != ReviewState.PENDING)
    assert reviewed == (1 if REVIEWS[role] == 302 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_an_answer_of_a_youth_out_of_scope_answers_404(client, session, access_world, ids, role):
    client.sign_in(access_world.users[role])

    response = client.submit(
        f"/jeunes/{ids['unassigned']}/reponses/{ids['unassigned_answer']}/telephone"
    )

    expected = {**REVIEWS, PARTNER: 404}[role]  # the partner does not follow that youth
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "writers"),
    # the template and channels are missing: the writers' form answers 422
    [("/jeunes/messages", 200), ("/jeunes/messages/apercu", 422), ("/jeunes/messages/envoi", 422)],
)
def test_writing_to_a_selection_by_role(client, access_world, ids, role, url, writers):
    client.sign_in(access_world.users[role])

    response = client.submit(url, {"ids": [ids["assigned"]], "selection": str(ids["assigned"])})

    assert response.status_code == {PILOT: writers, COPILOT: writers}.get(role, 403)


def test_the_selection_drops_youth_of_another_psad(client, access_world, ids):
    client.sign_in(access_world.users[PILOT])

    response = client.submit("/jeunes/messages", {"ids": [ids["assigned"], ids["amiens"]]})

    page = text(response)
    assert "Écrire à 1 jeune" in page
    assert AMIENS.upper() not in page


def test_a_partner_sees_the_panel_without_writing(client, access_world, ids):
    client.sign_in(access_world.users[PARTNER])

    page = text(client.get(f"/jeunes/{ids['assigned']}"))

    assert "Messages au jeune" in page
    assert "Nouveau numéro proposé" in page
    assert "Envoyer un message" not in page
    assert "Enregistrer une opposition" not in page

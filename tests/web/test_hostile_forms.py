"""Every form, tried with hostile values (issue 17, « Hostile input »): no 500, and a script
stored through a form never comes back unescaped.

The forms are found, not listed: each kind of user of a demo-like world signs in, visits every
page the url_map can build without an id (plus a few files and comités), follows the links,
and keeps each ``<form method="post">`` and ``formaction`` button, matched to its endpoint
through ``app.url_map``; the answer to a plain submission brings the next step of a form in
several pages (bulk actions, message preview). Each field is then posted oversized,
malformed, Unicode-confusable and script-bearing, the others as the page gave them (machinery
in ``tests/web/_hostile_forms.py``). A POST route that no page offers fails the test until it
is reachable or in ``SKIP`` with its reason: a new form is tried as soon as it exists.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import String, func, select, update
from sqlalchemy.orm import Session

from psad import clock, demo_messages, demo_reminders
from psad.audit.services import Actor
from psad.auth import services as auth
from psad.auth.models import PasswordReset, Psad, Role, User
from psad.auth.reset import hash_token
from psad.auth.twofactor import new_secret
from psad.committees.models import Committee, CommitteeKind, CommitteeStatus
from psad.committees.services import agenda, meetings
from psad.db import Base
from psad.demo import DEMO_CODE, DEMO_USERS, load_demo
from psad.demo_transfers import NEIGHBOUR_CODE
from psad.followup.models import DarfiRequest, DarfiSource, Diploma
from psad.followup.services import legal
from psad.imports.checking import Problem, ProblemLevel
from psad.imports.models import ImportBatch, ImportOrigin, ListSource
from psad.imports.results import Conflict
from psad.messages.models import ContactBlock, ReplyAnswer
from psad.messages.tokens import new_token
from psad.reminders.jobs import links_of, path_for
from psad.youth.models import Case, CaseStatus, Youth
from tests.conftest import Client
from tests.helpers import with_settings
from tests.web._hostile_forms import (
    CONFUSABLE,
    MARK,
    OVERSIZED,
    SCRIPTS,
    Findings,
    Visitor,
    crawl,
    encode,
    read_page,
    seed_pages,
    try_form,
)

# POST routes no page offers a generic form for, each with its reason.
SKIP = {
    "imports.upload": "a file upload: the list reader is fuzzed with hostile files",
    "orientations.import_vacancies": "a file upload: the list reader is fuzzed too",
    "imports.remap": "reached after a file upload only (tests/imports cover its mapping)",
    "imports.confirm": "reached after a file upload only (tests/imports cover it)",
    "reply.inbound_sms": "the SMS gateway's webhook: test_inbound_sms_survives_hostile_values",
    "twofactor.code": "reached in the middle of a log-in with two-factor (tests/auth)",
    "twofactor.recovery": "reached in the middle of a log-in with two-factor (tests/auth)",
}
# Tried last, as they end what other forms need: a file, a comité, a view, the session; and at
# the very end the PSAD's two-factor requirement (which would send the pilote to enrolment).
DESTRUCTIVE = ("logout", "merge", "cancel", "remove", "retire", "withdraw", "revoke", "delete",
               "close", "lift")  # fmt: skip
LAST = "twofactor.requirement"
SMS_SECRET = "secret-de-la-passerelle"
WORLD_SETTINGS = {
    "web": {"base_url": "https://psad.example"},
    "mail": {"host": "127.0.0.1", "port": 9, "security": "none"},  # nothing is delivered
    "sms": {"url": "https://sms.example/envoi", "api_key": "cle", "inbound_secret": SMS_SECRET},
    # The limits on failed log-ins, reset requests and reply-page hits would otherwise answer
    # « too many » before the values are even read.
    "auth": {
        "max_failed_logins": 100_000,
        "max_failed_logins_per_address": 100_000,
        "max_failed_logins_per_account": 100_000,
        "reset_requests_per_account": 100_000,
        "reset_requests_per_address": 100_000,
    },
    "messages": {"reply_hits_per_address": 100_000},
}


def _order(endpoint: str) -> int:
    if endpoint == LAST:
        return 2
    return int(any(word in endpoint for word in DESTRUCTIVE))


# --- the world ----------------------------------------------------------------------------


def _user(session: Session, email: str) -> User:
    return session.scalars(select(User).where(User.email == email)).one()


@pytest.fixture
def world(app: Flask, session: Session) -> list[Visitor]:
    """The demo (small), its reminders and messages, and what a few forms need besides: a
    second PSAD for the pilote, a user with two-factor, a reset link, a personal reply link, a
    DARFI interview to record, a comité in session and one in preparation, a list whose line
    met a youth of another PSAD. Returns the visitors, in the order their forms are tried."""
    today, now = clock.today(), clock.now()
    load_demo(session, today=today, youth_count=20, previous_year=True)
    session.commit()
    psad = session.scalars(select(Psad).where(Psad.code == DEMO_CODE)).one()
    neighbour = session.scalars(select(Psad).where(Psad.code == NEIGHBOUR_CODE)).one()
    pilot, copilot, partner, reader, admin = (_user(session, u[0]) for u in DEMO_USERS)
    settings = app.extensions["psad_settings"]
    with app.app_context(), links_of(app):
        demo_reminders.populate(
            session, psad=psad, partner=partner, settings=settings, today=today, link_for=path_for
        )
    demo_messages.populate(session, psad=psad, copilot=copilot, settings=settings, now=now)
    actor = Actor(user_id=pilot.id, psad_id=psad.id, ip_address="test")
    auth.add_membership(
        session, user=pilot, psad=neighbour, role=Role.READER, structure=None, actor=actor
    )
    reader.totp_secret, reader.totp_enabled_at = new_secret(), now
    raw_reset = "k-hostile-reset-token"  # the reader's: a reset ends his sessions only
    session.add(
        PasswordReset(
            user_id=reader.id,
            token_hash=hash_token(raw_reset),
            created_at=now,
            expires_at=now + timedelta(hours=1),
        )
    )
    youths = list(
        session.scalars(
            select(Youth)
            .join(Case)
            .where(Case.status == CaseStatus.OPEN, Youth.psad_id == psad.id)
            .order_by(Youth.id)
        )
    )
    case = youths[0].open_case
    assert case is not None
    raw_reply, _ = new_token(
        session, psad_id=psad.id, youth_id=youths[0].id, case_id=case.id, now=now, days=30
    )
    legal.record_darfi_request(
        session, case=case, requested_on=today, source=DarfiSource.YOUTH,
        diploma=Diploma.UNKNOWN, wish=None, by=pilot, today=today, actor=actor,
    )  # fmt: skip
    in_session, preparing = _committees(session, psad, pilot, actor, now)
    batch = _list_meeting_another_psad(session, psad, neighbour, pilot)
    session.commit()
    pages = [f"/jeunes/{youth_id}" for youth_id in _youth_with_something(session, psad)]
    pages += [f"/comites/{in_session.id}", f"/comites/{in_session.id}/releve"]
    pages += [f"/comites/{preparing.id}?ajouter={y.last_name}" for y in youths[:2]]
    pages += [f"/listes/{batch.id}", "/jeunes?onglet=tous"]

    def visitor(label: str, user: User | None, on: Psad | None, seeds: list[str]) -> Visitor:
        app.test_client_class = Client
        client: Client = app.test_client()  # type: ignore[assignment]
        return Visitor(label, client, user, on, seeds)

    public = [f"/connexion/nouveau/{raw_reset}", f"/r/{raw_reply}"]
    two_factor = visitor("lecteur", reader, psad, ["/compte/double-authentification"])
    return [
        visitor("anonyme", None, None, seed_pages(app, None) + public),
        visitor("pilote", pilot, psad, seed_pages(app, psad) + pages),
        replace(two_factor, follow=False),
        # The administrator last: he can take the others' rights away.
        visitor(
            "administrateur",
            admin,
            None,
            [*seed_pages(app, psad), f"/admin/utilisateurs/{reader.id}"],
        ),
    ]


def _youth_with_something(session: Session, psad: Psad) -> list[int]:
    """Files that offer a form few files have (answers to review, an opposition, a DARFI
    interview to record, a closed case), and the first few."""
    chosen = [
        *session.scalars(select(ReplyAnswer.youth_id)),
        *session.scalars(select(ContactBlock.youth_id)),
        *session.scalars(
            select(Case.youth_id)
            .join(DarfiRequest, DarfiRequest.case_id == Case.id)
            .where(DarfiRequest.interview_on.is_(None))
            .limit(2)
        ),
        *session.scalars(
            select(Case.youth_id)
            .where(Case.status == CaseStatus.CLOSED, Case.psad_id == psad.id)
            .limit(1)
        ),
        *session.scalars(
            select(Youth.id).where(Youth.psad_id == psad.id).order_by(Youth.id).limit(3)
        ),
    ]
    return list(dict.fromkeys(chosen))


def _committees(
    session: Session, psad: Psad, pilot: User, actor: Actor, now: datetime
) -> tuple[Committee, Committee]:
    """The demo's next comité, its agenda published (its meeting and minutes open), and a
    comité in preparation with an empty agenda (youth are added by name)."""
    upcoming = session.scalars(
        select(Committee)
        .where(Committee.psad_id == psad.id, Committee.status == CommitteeStatus.DRAFT)
        .order_by(Committee.starts_at)
    ).first()
    assert upcoming is not None
    agenda.publish(session, committee=upcoming, by=pilot, now=now, actor=actor)
    preparing = meetings.plan_committee(
        session, psad=psad, kind=CommitteeKind.TECHNICAL,
        starts_at=upcoming.starts_at + timedelta(days=28), duration_minutes=60,
        place="Salle 2", video_link=None, agenda_note=None, invited=[], by=pilot, actor=actor,
    )  # fmt: skip
    return upcoming, preparing


def _list_meeting_another_psad(
    session: Session, psad: Psad, neighbour: Psad, pilot: User
) -> ImportBatch:
    """A list of the demo PSAD whose line 4 met a youth the neighbouring PSAD follows."""
    other = session.scalars(select(Youth).where(Youth.psad_id == neighbour.id)).first()
    assert other is not None and other.birth_date is not None
    message = f"Jeune déjà suivi par la PSAD {neighbour.code} ({neighbour.name}) : non importé"
    conflict = Conflict(
        line=4,
        youth_id=other.id,
        psad_id=neighbour.id,
        last_name=other.last_name.upper(),
        first_name=other.first_name,
        birth_date=other.birth_date,
    )
    report = {
        "problems": [Problem(4, ProblemLevel.CONFLICT, message).as_dict()],
        "conflicts": [conflict.as_dict()],
    }
    batch = ImportBatch(
        psad_id=psad.id,
        label="SIEI avec un conflit",
        source=ListSource.SIEI,
        origin=ImportOrigin.WEB,
        file_name="liste.xlsx",
        file_hash="0" * 64,
        file_size=1000,
        imported_by_id=pilot.id,
        conflicts=1,
        report_json=json.dumps(report),
    )
    session.add(batch)
    session.flush()
    return batch


def stored_scripts(session: Session) -> dict[str, int]:
    """Where the database now holds a value of these tests: « table.column » → rows."""
    session.expire_all()
    found = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String):
                where = column.contains(MARK)
                rows = session.scalar(select(func.count()).select_from(table).where(where))
                if rows:
                    found[f"{table.name}.{column.name}"] = rows
    return found


# --- the tests ----------------------------------------------------------------------------


@with_settings(**WORLD_SETTINGS)
def test_every_post_route_survives_hostile_values(
    app: Flask, world: list[Visitor], session: Session
) -> None:
    findings = Findings(app)
    for visitor in world:
        crawl(findings, visitor)
    tried: set[str] = set()

    def explore(visitor: Visitor, endpoint: str) -> None:
        """Try a form, then at once the forms its plain submission brought (a later form
        could end the session their CSRF tokens belong to)."""
        tried.add(endpoint)
        form = findings.forms[endpoint][1]
        if form.multipart:
            return
        for step in findings.keep(visitor, try_form(findings, visitor, form)):
            if step in findings.forms and step not in tried and step not in SKIP:
                explore(visitor, step)

    for visitor in world:
        for owner, search in list(findings.searches.values()):  # the searches and filters
            if owner is visitor:
                try_form(findings, visitor, search)
        found = [e for e, (owner, _) in findings.forms.items() if owner is visitor]
        for endpoint in sorted(found, key=_order):
            if endpoint not in tried and endpoint not in SKIP:
                explore(visitor, endpoint)
    # Stored values show on more pages than their form's (lists, timelines, journal, exports):
    # every page seen again, as the pilote (his PSAD's two-factor requirement, which a hostile
    # check box set, lifted) and the administrator.
    session.execute(update(Psad).values(two_factor_required=False))
    session.commit()
    for visitor in (world[1], world[3]):
        seen = findings.visited[visitor.label]
        crawl(
            findings,
            replace(visitor, seeds=[*seen, "/jeunes/export.xlsx?onglet=tous"], follow=False),
        )

    assert not findings.failures, "\n".join(findings.failures)
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    unreached = sorted(posts - set(findings.forms) - set(SKIP))
    assert not unreached, f"POST routes no page offers (reach them, or SKIP them): {unreached}"
    stored = stored_scripts(session)  # the checks above looked at values really kept
    assert {"youths.last_name", "notes.body", "contacts.comment"} <= set(stored), stored


def test_skipped_routes_exist(app: Flask) -> None:
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    assert set(SKIP) <= posts


@pytest.mark.parametrize(
    "page",
    [
        f'<p><script>alert("{MARK}")</script></p>',
        f'<p>"><img src=x onerror=alert("{MARK}")></p>',
        '<a href="javascript:alert(1)">lien</a>',
        "<a href=' JavaScript:alert(1)'>lien</a>",
    ],
    ids=["script", "onerror", "javascript-url", "javascript-url-spaced"],
)
def test_a_script_shown_unescaped_is_a_failure(app: Flask, page: str) -> None:
    findings = Findings(app)
    app.add_url_rule("/essai-k", "essai_k", lambda: page)
    app.test_client_class = Client
    visitor = Visitor("anonyme", app.test_client())  # type: ignore[arg-type]

    findings.get(visitor, "/essai-k")

    assert findings.failures and "shown unescaped" in findings.failures[0]


def test_the_same_values_escaped_pass(app: Flask) -> None:
    from markupsafe import escape

    page = "".join(f"<p>{escape(value)}</p>" for value in SCRIPTS)
    page += f'<a href="/jeunes?q={escape(SCRIPTS[0])}">lien</a>'
    findings = Findings(app)
    app.add_url_rule("/essai-k", "essai_k", lambda: page)
    app.test_client_class = Client
    visitor = Visitor("anonyme", app.test_client())  # type: ignore[arg-type]

    findings.get(visitor, "/essai-k")

    assert findings.failures == []


def test_forms_are_read_with_their_fields_buttons_and_outside_fields() -> None:
    page = """
      <form method="post" action="/jeunes/actions-groupees" id="selection">
        <input type="hidden" name="csrf_token" value="t">
        <select name="action"><option value="">(choisir)</option><option value="referent">R
        </option></select>
        <textarea name="note" maxlength="10">
déjà</textarea>
        <button type="submit">Continuer</button>
        <button type="submit" formaction="/jeunes/messages" name="ecrire" value="1">Écrire</button>
      </form>
      <input type="checkbox" name="ids" value="4" form="selection">
      <input type="checkbox" name="ids" value="7" form="selection">
      <form method="get" action="/jeunes"><input name="q"></form>
    """

    _, forms = read_page(page, url="/jeunes")

    assert [(form.method, form.action) for form in forms] == [
        ("POST", "/jeunes/actions-groupees"),
        ("POST", "/jeunes/messages"),
        ("GET", "/jeunes"),
    ]
    bulk, message, search = forms
    assert [(f.kind, f.name) for f in bulk.fields] == [
        ("hidden", "csrf_token"), ("select", "action"), ("textarea", "note"),
        ("checkbox", "ids"), ("checkbox", "ids"),
    ]  # fmt: skip
    assert bulk.fields[2].value == "déjà" and bulk.fields[2].maxlength == 10
    assert message.submit == ("ecrire", "1")
    assert [(f.kind, f.name) for f in search.fields] == [("text", "q")]


@with_settings(sms={"url": "https://sms.example/envoi", "inbound_secret": SMS_SECRET})
@pytest.mark.parametrize(
    "sender",
    ["+33612345678", OVERSIZED, CONFUSABLE, SCRIPTS[0], "9" * 40, "1e309", "-0"],
    ids=["number", "oversized", "confusable", "script", "huge", "float", "minus-zero"],
)
def test_inbound_sms_survives_hostile_values(client: Client, sender: str) -> None:
    """The gateway's webhook is no form (a shared secret, no CSRF): its two fields, hostile."""
    for text in ("STOP", OVERSIZED, CONFUSABLE, SCRIPTS[0]):
        response = client.post(
            "/sms/entrant",
            data=encode([("from", sender), ("text", text)]),
            content_type="application/x-www-form-urlencoded",
            headers={"X-PSAD-Secret": SMS_SECRET},
        )

        assert response.status_code < 500
        assert response.is_json and MARK not in response.get_data(as_text=True)

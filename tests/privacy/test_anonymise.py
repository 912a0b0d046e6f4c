"""Anonymising a youth: nothing that identifies them stays in any column of any table (found by
walking the metadata, so that new tables are covered), the facts stay, and a past bilan gives
the same figures."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

import psad.models  # noqa: F401  (every table in the metadata)
from psad.audit.actions import AuditAction
from psad.db import Base
from psad.followup.models import Contact
from psad.imports.models import ImportBatch
from psad.privacy.anonymise import (
    ANONYMOUS_NAME,
    DELETE,
    OWNED_THROUGH,
    RULES,
    UNLINKED_TABLES,
    anonymise,
    text_columns,
    youth_tables,
)
from psad.reports.bilan import compute_bilan
from psad.transfers.models import Transfer
from psad.youth.models import Case, Guardian, Sex, Youth
from tests.helpers import count, events
from tests.privacy.conftest import (
    NEEDLES,
    NOW,
    OTHER_NEEDLES,
    build_rich_youth,
    traces,
)
from tests.reports.conftest import build_bilan_world

# -- The registry covers every table (the metadata walked) -----------------------------------


def test_every_table_tied_to_a_youth_has_a_rule():
    missing = set(youth_tables()) - set(RULES)

    assert not missing, (
        f"tables tied to a youth without a rule in psad.privacy.anonymise: {missing}"
    )


def test_every_text_column_of_a_youth_table_has_a_rule():
    tables = {*youth_tables(), "youths", *OWNED_THROUGH}
    missing = {
        f"{name}.{column}"
        for name in tables
        if RULES.get(name) != DELETE
        for column in text_columns(Base.metadata.tables[name])
        if column not in RULES.get(name, {})
    }

    assert not missing, f"text columns without a rule (KEEP, NULL, Replace...): {missing}"


def test_every_other_table_says_why_it_holds_nothing_of_a_youth():
    placed = set(RULES) | set(UNLINKED_TABLES)

    assert set(Base.metadata.tables) - placed == set(), (
        "place the new table in RULES or UNLINKED_TABLES"
    )
    assert set(RULES) & set(UNLINKED_TABLES) == set()
    assert placed - set(Base.metadata.tables) == set(), "a rule names a table that is gone"


def test_the_rules_name_real_columns_and_empty_only_nullable_ones():
    for name, rule in RULES.items():
        if rule == DELETE:
            continue
        assert not isinstance(rule, str)
        table = Base.metadata.tables[name]
        for column, what in rule.items():
            assert column in table.c, f"{name}.{column} does not exist"
            if what.kind == "null":
                assert table.c[column].nullable, f"{name}.{column} is not nullable: Replace(...)"
            length = getattr(table.c[column].type, "length", None)
            if what.kind == "replace" and length:
                assert len(what.text) <= length


# -- No trace left ---------------------------------------------------------------------------


def test_the_rich_youth_is_found_everywhere_before(session):
    rich = build_rich_youth(session)

    found = {table for table, _, _ in traces(session, NEEDLES)}

    # The search finds what it must find: the test below would be empty otherwise.
    assert {
        "youths",
        "guardians",
        "cases",
        "contacts",
        "notes",
        "listings",
        "import_batches",
        "outbox_messages",
        "youth_messages",
        "transfers",
        "audit_events",
        "committee_amendments",
        "orientation_steps",
        "reply_answers",
    } <= found
    assert rich.youth.anonymised_at is None


def test_after_anonymisation_no_column_of_any_table_holds_the_youth_s_identity(session):
    rich = build_rich_youth(session)

    assert anonymise(session, youth_ids=[rich.youth.id], now=NOW, actor=rich.actor) == 1

    assert traces(session, NEEDLES) == set()


def test_the_other_youth_keep_everything(session):
    rich = build_rich_youth(session)
    before = traces(session, OTHER_NEEDLES)

    anonymise(session, youth_ids=[rich.youth.id], now=NOW, actor=rich.actor)

    after = traces(session, OTHER_NEEDLES)
    # The duplicate pair and dismissal (ids only) go with the anonymised youth; every text
    # that named the bystander is still there.
    assert after == before
    assert session.get(Youth, rich.bystander.id).last_name == "Ortolan"


def test_the_facts_stay(session):
    rich = build_rich_youth(session)

    anonymise(session, youth_ids=[rich.youth.id], now=NOW, actor=rich.actor)

    youth = session.get_one(Youth, rich.youth.id)
    assert (youth.last_name, youth.first_name, youth.display_name) == (
        ANONYMOUS_NAME,
        "",
        "ANONYMISÉ ",
    )
    assert (youth.sex, youth.birth_date.year, youth.commune, youth.postal_code) == (
        Sex.FEMALE,
        1995,
        "Lille",
        "59000",
    )
    assert (youth.school_uai, youth.level, youth.formation) == ("0590001A", "CAP", "CAP Cuisine")
    assert youth.anonymised_at == NOW and youth.identity_key is None and youth.ine is None
    case = session.get_one(Case, rich.ids["case"])
    assert (case.closed_on.isoformat(), case.closing_reason.code) == ("2022-06-30", "refused")
    contact = session.get_one(Contact, rich.ids["contact"])
    assert contact.reached and contact.comment is None
    assert count(session, Guardian, Guardian.youth_id == youth.id) == 0
    transfer = session.scalars(select(Transfer)).one()
    assert transfer.subject_name == "ANONYMISÉ " and transfer.state.value == "refused"


def test_the_lists_reports_keep_their_lines_and_lose_the_values(session):
    rich = build_rich_youth(session)

    anonymise(session, youth_ids=[rich.youth.id], now=NOW, actor=rich.actor)

    reports = {b.label: b.report for b in session.scalars(select(ImportBatch))}
    problems = [p["message"] for p in reports["SIEI 2021"]["problems"]]
    assert problems == [
        "INE « (anonymisé) » : format non reconnu, non enregistré",
        "Même jeune qu'à la ligne 3 : lignes fusionnées",
        "Adresse électronique « (anonymisé) » invalide : (anonymisé)x",
        "Numéro de téléphone « +33699887766 » invalide",  # the bystander's line: kept
    ]
    conflicts = reports["SIEI Douai 2022"]["conflicts"]
    assert [(c["line"], c["last_name"], c["birth_date"]) for c in conflicts] == [
        (7, "", None),
        (8, "Ortolan", "2008-01-02"),
    ]


def test_the_audit_log_keeps_the_events_without_the_values_and_says_who_was_anonymised(session):
    rich = build_rich_youth(session)

    anonymise(session, youth_ids=[rich.youth.id], now=NOW, actor=rich.actor)

    [updated, other] = sorted(events(session, AuditAction.YOUTH_UPDATED.value), key=lambda e: e.id)
    assert updated.detail == "champs=nom; avant=(anonymisé); tél=(anonymisé); (anonymisé)"
    assert other.detail == "avant=Ortolan"
    [done] = events(session, AuditAction.YOUTH_ANONYMISED.value)
    assert (done.object_type, done.object_id, done.psad_id, done.detail) == (
        "youth",
        rich.youth.id,
        rich.psad.id,
        None,
    )


def test_a_youth_already_anonymised_is_left_as_it_is(session):
    rich = build_rich_youth(session)
    anonymise(session, youth_ids=[rich.youth.id], now=NOW, actor=rich.actor)

    assert anonymise(session, youth_ids=[rich.youth.id], now=NOW, actor=rich.actor) == 0
    assert len(events(session, AuditAction.YOUTH_ANONYMISED.value)) == 1


# -- The bilan -------------------------------------------------------------------------------


def _figures(session, psad_ids, period):  # type: ignore[no-untyped-def]
    bilan = compute_bilan(session, psad_ids, period, produced_at=NOW)
    return {code: (r.current, r.previous) for code, r in bilan.results.items()}


@pytest.mark.parametrize("which", ["a", "b", "both"])
def test_the_bilan_of_the_period_is_unchanged_when_every_youth_is_anonymised(session, which):
    world = build_bilan_world(session)
    psad_ids = {"a": [world.a.id], "b": [world.b.id], "both": [world.a.id, world.b.id]}[which]
    before = {p: _figures(session, psad_ids, p) for p in (world.period, world.previous)}

    anonymised = anonymise(
        session, youth_ids=list(world.youth.values()), now=NOW, actor=_actor(world.a.id)
    )

    assert anonymised == len(world.youth)
    after = {p: _figures(session, psad_ids, p) for p in (world.period, world.previous)}
    assert after == before
    assert json.dumps(str(after)).count("alice") == 0  # no youth's name in any label


def _actor(psad_id: int):  # type: ignore[no-untyped-def]
    from psad.audit.services import Actor

    return Actor(user_id=None, psad_id=psad_id, ip_address="test")

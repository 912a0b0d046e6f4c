"""The reply page's rate limits: too many requests from one client address, or to one link
from any address, wait for the end of a ten-minute window; too many wrong links lock the
address for fifteen minutes, good link or not. Counters are keyed hashes in the log-in's
table, forgotten by its purge job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from psad import clock
from psad.audit.actions import AuditAction
from psad.auth.jobs import purge_sign_ins
from psad.auth.models import LoginThrottle
from psad.messages.models import ReplyAnswer
from tests.helpers import count, events, text, with_settings
from tests.messages._reply_fixtures import IP, answer, link_for, public_page_is_clean
from tests.messages.conftest import NOW

OTHER_ADDRESS = {"REMOTE_ADDR": "192.0.2.9"}


def at(monkeypatch: pytest.MonkeyPatch, moment) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "now", lambda: moment)


@with_settings(messages={"reply_hits_per_address": 3})
def test_too_many_requests_from_one_address_get_the_429_page(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)
    for _ in range(3):
        assert client.get(f"/r/{raw}").status_code == 200

    response = client.get(f"/r/{raw}")

    assert response.status_code == 429
    assert "Réessayez dans quelques minutes." in text(response)
    assert "PSAD" not in text(response)
    assert int(response.headers["Retry-After"]) == 600
    public_page_is_clean(response)


@with_settings(messages={"reply_hits_per_address": 3})
def test_answers_count_too_and_are_not_recorded_once_limited(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)
    client.get(f"/r/{raw}")
    client.get(f"/r/{raw}")
    assert answer(client, raw, kind="refusal").status_code == 303

    response = answer(client, raw, kind="refusal")

    assert response.status_code == 429
    assert count(session, ReplyAnswer) == 1


@with_settings(messages={"reply_hits_per_address": 2})
def test_the_limit_is_audited_once_per_window(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)

    statuses = [client.get(f"/r/{raw}").status_code for _ in range(5)]

    assert statuses == [200, 200, 429, 429, 429]
    [throttled] = events(session, AuditAction.REPLY_THROTTLED.value)
    assert (throttled.ip_address, throttled.object_id, throttled.detail) == (
        IP,
        None,
        "motif=trop_de_demandes",
    )


@with_settings(messages={"reply_hits_per_address": 2})
def test_the_next_window_lets_the_address_in_again(client, session, msg, frozen_clock, monkeypatch):
    raw = link_for(session, msg.minor)
    for _ in range(3):
        client.get(f"/r/{raw}")

    at(monkeypatch, NOW + timedelta(minutes=10))

    assert client.get(f"/r/{raw}").status_code == 200


@with_settings(messages={"reply_hits_per_address": 2})
def test_another_address_is_not_limited(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)
    for _ in range(3):
        client.get(f"/r/{raw}")

    response = client.get(f"/r/{raw}", environ_base=OTHER_ADDRESS)

    assert response.status_code == 200


@with_settings(messages={"reply_wrong_tokens_per_address": 3})
def test_wrong_links_lock_the_address_even_for_a_good_link(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)
    wrong = [client.get(f"/r/faux{number}").status_code for number in range(3)]

    response = client.get(f"/r/{raw}")

    assert wrong == [404, 404, 404]
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == 15 * 60
    assert client.get(f"/r/{raw}", environ_base=OTHER_ADDRESS).status_code == 200
    locked = [e.detail for e in events(session, AuditAction.REPLY_THROTTLED.value)]
    assert locked == ["motif=liens_invalides"]


@with_settings(messages={"reply_wrong_tokens_per_address": 3})
def test_the_lock_ends_after_fifteen_minutes(client, session, msg, frozen_clock, monkeypatch):
    raw = link_for(session, msg.minor)
    for number in range(3):
        client.get(f"/r/faux{number}")

    at(monkeypatch, NOW + timedelta(minutes=15))

    assert client.get(f"/r/{raw}").status_code == 200


def test_counters_keep_no_address_and_are_forgotten_after_a_day(
    app, client, session, msg, frozen_clock, monkeypatch
):
    client.get("/r/faux")
    keys = session.scalars(select(LoginThrottle.key)).all()
    assert sorted(key.split(":")[1] for key in keys) == ["hits", "wrong"]
    assert all(key.startswith("reply:") and IP not in key for key in keys)

    at(monkeypatch, NOW + timedelta(days=1, minutes=1))
    purge_sign_ins(app)

    assert count(session, LoginThrottle) == 0


def from_address(number: int) -> dict[str, str]:
    return {"REMOTE_ADDR": f"198.51.100.{number}"}


@with_settings(messages={"reply_hits_per_address": 2})
def test_one_link_from_many_addresses_waits_past_three_times_the_limit(
    client, session, msg, frozen_clock
):
    raw = link_for(session, msg.minor)
    other = link_for(session, msg.adult)
    statuses = [client.get(f"/r/{raw}", environ_base=from_address(n)).status_code for n in range(6)]

    response = client.get(f"/r/{raw}", environ_base=from_address(7))

    assert statuses == [200] * 6  # no address went past its own 2
    assert response.status_code == 429
    assert "Réessayez dans quelques minutes." in text(response)
    assert int(response.headers["Retry-After"]) == 600
    assert client.get(f"/r/{other}", environ_base=from_address(7)).status_code == 200
    [throttled] = events(session, AuditAction.REPLY_THROTTLED.value)
    assert (throttled.object_type, throttled.object_id) == ("youth", msg.minor.id)
    assert throttled.detail.startswith("motif=lien_trop_demande; lien=")


@with_settings(messages={"reply_hits_per_address": 2})
def test_a_link_waits_only_until_the_end_of_its_window(
    client, session, msg, frozen_clock, monkeypatch
):
    raw = link_for(session, msg.minor)
    for number in range(7):
        client.get(f"/r/{raw}", environ_base=from_address(number))

    at(monkeypatch, NOW + timedelta(minutes=10))

    assert client.get(f"/r/{raw}", environ_base=from_address(8)).status_code == 200

"""The reply page's limits behind a reverse proxy: with ``[web] trusted_proxies`` the client
address is read from X-Forwarded-For (the value the proxy appends), so that each visitor has a
counter of their own; without it, a forged X-Forwarded-For changes nothing."""

from __future__ import annotations

from psad.audit.actions import AuditAction
from tests.helpers import events, with_settings
from tests.messages._reply_fixtures import IP, link_for

PROXY = {"REMOTE_ADDR": "10.0.0.5"}  # the reverse proxy, as the application sees it
FIRST, SECOND = "203.0.113.1", "203.0.113.2"
BEHIND_ONE_PROXY = with_settings(web={"trusted_proxies": 1}, messages={"reply_hits_per_address": 2})


def through_proxy(client, url: str, forwarded_for: str):  # type: ignore[no-untyped-def]
    return client.get(url, environ_base=PROXY, headers={"X-Forwarded-For": forwarded_for})


@BEHIND_ONE_PROXY
def test_behind_the_proxy_two_visitors_have_their_own_counters(client, session, msg, frozen_clock):
    raw = link_for(session, msg.minor)
    first = [through_proxy(client, f"/r/{raw}", FIRST).status_code for _ in range(3)]

    second = through_proxy(client, f"/r/{raw}", SECOND)

    assert first == [200, 200, 429]
    assert second.status_code == 200
    [throttled] = events(session, AuditAction.REPLY_THROTTLED.value)
    assert throttled.ip_address == FIRST


@BEHIND_ONE_PROXY
def test_behind_the_proxy_an_address_forged_before_the_proxys_is_ignored(
    client, session, msg, frozen_clock
):
    raw = link_for(session, msg.minor)
    # the client writes its own X-Forwarded-For; the proxy appends the address it sees
    forged = [
        through_proxy(client, f"/r/{raw}", f"198.51.100.{n}, {FIRST}").status_code for n in range(3)
    ]

    assert forged == [200, 200, 429]


@with_settings(messages={"reply_hits_per_address": 2})
def test_without_trusted_proxies_a_forged_address_changes_nothing(
    client, session, msg, frozen_clock
):
    raw = link_for(session, msg.minor)
    statuses = [
        client.get(f"/r/{raw}", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]
    [throttled] = events(session, AuditAction.REPLY_THROTTLED.value)
    assert throttled.ip_address == IP

"""A message not delivered, whatever the channel: why (in French), and what to do next.

``permanent``: trying again is useless (refused for good); ``connection_lost``: the server
or gateway cannot take the next message either, so the delivery run stops there (the other
messages wait for the next run rather than each waiting for the same time-out).
"""

from __future__ import annotations

REASON_LENGTH = 500  # OutboxMessage.last_error


class DeliveryFailure(Exception):
    """A message not delivered: ``reason`` in French, shown to the administrators (never the
    body, never the recipient's address or number)."""

    def __init__(self, reason: str, *, permanent: bool = False, connection_lost: bool = True):
        super().__init__(reason)
        self.reason = reason[:REASON_LENGTH]
        self.permanent = permanent
        self.connection_lost = connection_lost

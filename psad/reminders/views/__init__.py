"""The reminders' pages: the notifications and the header's counter, the digest preference
(« Mon compte »), the PSAD's thresholds."""

from flask import Blueprint

bp = Blueprint("reminders", __name__)

from psad.reminders.views import (  # noqa: E402,F401  (each module adds its routes)
    account,
    notifications,
    rules_page,
)

"""TODO(helper): see the brief."""

from psad.reminders.views import bp  # noqa: F401

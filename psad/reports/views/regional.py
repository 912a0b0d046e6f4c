"""TODO(helper): see the brief."""

from psad.reports.views import bp  # noqa: F401

"""The comités' pages: meetings and their agenda, the meeting mode and decisions, the
minutes, exports and calendars (``shared`` holds what every page module uses)."""

from flask import Blueprint

bp = Blueprint("committees", __name__)

from psad.committees.views import (  # noqa: E402,F401  (each module adds its routes)
    agenda,
    calendar,
    meeting,
    minutes,
    planning,
)

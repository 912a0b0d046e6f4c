"""The staff's pages of the messages: writing to youth (from a file or a selection of the
list), the PSAD's templates and settings, and the file panel's actions (opposition,
automatic reminders, answers to review)."""

from flask import Blueprint

bp = Blueprint("messages", __name__)

from psad.messages.views import (  # noqa: E402,F401  (each module adds its routes)
    compose,
    file_actions,
    templates_page,
)
